"""Sum a pytest ``--durations=0`` report by folder and mode, to hold a service to its test
budget (docs/test-budget.md):

    pytest -n 2 -q --durations=0 tests/sqs | python benchmarks/suite_budget.py
    AWSMOCK_TEST_MODES=all pytest -n 2 -q --durations=0 | python benchmarks/suite_budget.py

Prints CPU seconds per folder: in-process (and everything not run in a mode), server mode,
PostgreSQL mode, and the folder's total, largest first.
"""

from __future__ import annotations

import collections
import re
import sys

LINE = re.compile(r"^([\d.]+)s (?:call|setup|teardown)\s+(\S+)")
MODES = ("server", "postgres")


def mode_of(node_id: str) -> str:
    params = node_id.partition("[")[2]
    found = [m for m in MODES if re.search(rf"(^|-){m}(-|\]|$)", params)]
    return found[0] if found else "inprocess"


def folder_of(node_id: str) -> str:
    parts = node_id.split("::", 1)[0].split("/")
    return parts[1] if len(parts) > 2 else parts[-1]


def main() -> int:
    totals: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for line in sys.stdin:
        m = LINE.match(line)
        if m:
            totals[folder_of(m.group(2))][mode_of(m.group(2))] += float(m.group(1))
    print(f"{'folder':<28}{'in-process':>12}{'server':>10}{'postgres':>10}{'total':>10}")
    for folder, by_mode in sorted(totals.items(), key=lambda kv: -sum(kv[1].values())):
        cells = [by_mode["inprocess"], by_mode["server"], by_mode["postgres"], sum(by_mode.values())]
        print(f"{folder:<28}" + "".join(f"{c:>{w}.1f}" for c, w in zip(cells, (12, 10, 10, 10), strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
