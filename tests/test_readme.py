"""The README documents what exists: its service table is the measured coverage, its quick
start is two commands, and CI runs the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

from awsmock.devtools import readme_with_table
from awsmock.engine import catalog

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_service_table_is_the_measured_coverage() -> None:
    assert readme_with_table(README) == README, "run: python -m awsmock.devtools readme-table"


def test_every_catalog_service_has_its_row() -> None:
    for entry in catalog.SERVICES:
        assert f"`mock_{entry.name}`" in README


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    return [line.strip() for b in blocks for line in b.strip().splitlines() if line.strip()]


def test_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert commands[0].endswith("awsmock server")
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci
