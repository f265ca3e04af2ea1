"""FilterLogEvents with a pattern of terms the database tests, read in windows: the same events,
in the same order and pages, as a scan of every event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.logs.conftest import now_ms


def _all(logs: Any, group: str, **kw: Any) -> tuple[list[str], int]:
    found: list[str] = []
    calls = 0
    token = None
    while True:
        page = logs.filter_log_events(logGroupName=group, **kw, **({"nextToken": token} if token else {}))
        calls += 1
        found += [e["message"] for e in page["events"]]
        token = page.get("nextToken")
        if not token:
            return found, calls


def test_terms_searched_in_windows(
    inprocess_client: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from awsmock.services.logs import events

    monkeypatch.setattr(events, "SQL_WINDOW", 7)  # (in-process: the windows made small)
    monkeypatch.setattr(events, "SQL_SCAN_BUDGET", 21)
    logs, group = inprocess_client("logs"), "/app/search"
    logs.create_log_group(logGroupName=group)
    for name in ("s", "t"):
        logs.create_log_stream(logGroupName=group, logStreamName=name)
    base = now_ms() - 10_000
    messages = [
        f"{'ERROR' if i % 5 == 0 else 'INFO'} n={i} {'retry' if i % 3 == 0 else ''}" for i in range(100)
    ]
    for stream, part in (("s", messages[:50]), ("t", messages[50:])):
        offset = 0 if stream == "s" else 50
        logs.put_log_events(
            logGroupName=group,
            logStreamName=stream,
            logEvents=[{"timestamp": base + offset + i, "message": m} for i, m in enumerate(part)],
        )
    errors, calls = _all(logs, group, filterPattern="ERROR")
    assert errors == [m for m in messages if "ERROR" in m]
    assert calls == 5  # 100 events, 21 read per call
    assert _all(logs, group, filterPattern="ERROR -retry")[0] == [
        m for m in messages if "ERROR" in m and "retry" not in m
    ]
    assert _all(logs, group, filterPattern="?retry ?n=1")[0] == [
        m for m in messages if "retry" in m or "n=1" in m
    ]
    # limits and pages within a window
    firsts = logs.filter_log_events(logGroupName=group, filterPattern="INFO", limit=3)
    assert [e["message"] for e in firsts["events"]] == [m for m in messages if "INFO" in m][:3]
    rest, _ = _all(logs, group, filterPattern="INFO", limit=4)
    assert rest == [m for m in messages if "INFO" in m]
    # case matters, as it does for AWS's terms
    assert _all(logs, group, filterPattern="error")[0] == []
    # stream selection still holds
    assert _all(logs, group, filterPattern="ERROR", logStreamNames=["t"])[0] == [
        m for m in messages[50:] if "ERROR" in m
    ]
