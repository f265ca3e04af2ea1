"""PutLogEvents' limits and rejected events, GetLogEvents' tokens, FilterLogEvents across
streams, retention computed from stored times."""

from __future__ import annotations

from typing import Any

from tests.logs.conftest import error_of, now_ms

DAY = 86_400_000


def put(logs: Any, group: str, stream: str, events: list[tuple[int, str]]) -> Any:
    return logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": t, "message": m} for t, m in events],
    )


def test_put_rejects_and_limits(logs: Any, group: str) -> None:
    now = now_ms()
    out = put(logs, group, "s", [(now - 15 * DAY, "old"), (now - 1000, "ok"), (now + 3 * 3_600_000, "new")])
    assert out["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1, "tooNewLogEventStartIndex": 2}
    events = logs.get_log_events(logGroupName=group, logStreamName="s")["events"]
    assert [e["message"] for e in events] == ["ok"]
    code, message = error_of(lambda: put(logs, group, "s", [(now, "b"), (now - 1, "a")]))
    assert code == "InvalidParameterException"
    assert message == "Log events in a single PutLogEvents request must be in chronological order."
    code, message = error_of(lambda: put(logs, group, "s", [(now - 2 * DAY, "a"), (now, "b")]))
    assert message == "Log events in a single PutLogEvents request cannot span more than 24 hours."
    big = "x" * (1_048_576 - 26 * 2)
    code, message = error_of(lambda: put(logs, group, "s", [(now, big), (now, "y")]))
    assert (code, message) == (
        "InvalidParameterException",
        "Upload too large: 1048577 bytes exceeds limit of 1048576",
    )
    assert error_of(lambda: put(logs, group, "nope", [(now, "x")]))[0] == "ResourceNotFoundException"
    assert len(logs.get_log_events(logGroupName=group, logStreamName="s")["events"]) == 1  # nothing else kept
    # the sequence token is ignored
    logs.put_log_events(
        logGroupName=group,
        logStreamName="s",
        logEvents=[{"timestamp": now, "message": "z"}],
        sequenceToken="junk",
    )


def test_retention_expires_on_read(logs: Any, group: str) -> None:
    now = now_ms()
    put(logs, group, "s", [(now - 5 * DAY, "five days")])
    put(logs, group, "s", [(now - DAY // 2, "recent")])
    logs.put_retention_policy(logGroupName=group, retentionInDays=3)
    events = logs.get_log_events(logGroupName=group, logStreamName="s", startFromHead=True)["events"]
    assert [e["message"] for e in events] == ["recent"]
    out = put(logs, group, "s", [(now - 4 * DAY, "too late"), (now, "fine")])
    assert out["rejectedLogEventsInfo"] == {"expiredLogEventEndIndex": 1}
    found = logs.filter_log_events(logGroupName=group)["events"]
    assert [e["message"] for e in found] == ["recent", "fine"]


def test_get_log_events_tokens(logs: Any, group: str) -> None:
    now = now_ms()
    put(logs, group, "s", [(now - 100 + i, f"m{i}") for i in range(10)])
    first = logs.get_log_events(logGroupName=group, logStreamName="s", startFromHead=True, limit=4)
    assert [e["message"] for e in first["events"]] == ["m0", "m1", "m2", "m3"]
    assert first["nextForwardToken"].startswith("f/") and first["nextBackwardToken"].startswith("b/")
    seen = [e["message"] for e in first["events"]]
    token = first["nextForwardToken"]
    while True:  # the SDK's loop: stop when the token comes back unchanged
        page = logs.get_log_events(logGroupName=group, logStreamName="s", nextToken=token, limit=4)
        seen += [e["message"] for e in page["events"]]
        if page["nextForwardToken"] == token:
            assert page["events"] == []
            break
        token = page["nextForwardToken"]
    assert seen == [f"m{i}" for i in range(10)]
    put(logs, group, "s", [(now, "late")])  # a follower sees what comes next
    tail = logs.get_log_events(logGroupName=group, logStreamName="s", nextToken=token)
    assert [e["message"] for e in tail["events"]] == ["late"]
    latest = logs.get_log_events(logGroupName=group, logStreamName="s", limit=3)
    assert [e["message"] for e in latest["events"]] == ["m8", "m9", "late"]
    back = logs.get_log_events(
        logGroupName=group, logStreamName="s", limit=3, nextToken=latest["nextBackwardToken"]
    )
    assert [e["message"] for e in back["events"]] == ["m5", "m6", "m7"]
    ranged = logs.get_log_events(
        logGroupName=group, logStreamName="s", startTime=now - 98, endTime=now - 95, startFromHead=True
    )
    assert [e["message"] for e in ranged["events"]] == ["m2", "m3", "m4"]
    code, message = error_of(
        lambda: logs.get_log_events(logGroupName=group, logStreamName="s", nextToken="f/zz")
    )
    assert (code, message) == ("InvalidParameterException", "The specified nextToken is invalid.")


def test_filter_across_streams_and_paging(logs: Any, group: str) -> None:
    logs.create_log_stream(logGroupName=group, logStreamName="t")
    now = now_ms()
    put(logs, group, "s", [(now - 10, "ERROR one"), (now - 8, "INFO two"), (now - 6, "ERROR three")])
    put(logs, group, "t", [(now - 9, "WARN four"), (now - 7, "ERROR five")])
    out = logs.filter_log_events(logGroupName=group, filterPattern="ERROR")
    assert [(e["logStreamName"], e["message"]) for e in out["events"]] == [
        ("s", "ERROR one"),
        ("t", "ERROR five"),
        ("s", "ERROR three"),
    ]
    assert all(len(e["eventId"]) == 56 for e in out["events"])
    either = logs.filter_log_events(logGroupName=group, filterPattern="?WARN ?INFO")["events"]
    assert [e["message"] for e in either] == ["WARN four", "INFO two"]
    only_t = logs.filter_log_events(logGroupName=group, logStreamNames=["t"])["events"]
    assert [e["message"] for e in only_t] == ["WARN four", "ERROR five"]
    ranged = logs.filter_log_events(logGroupName=group, startTime=now - 9, endTime=now - 7)["events"]
    assert [e["message"] for e in ranged] == ["WARN four", "INFO two"]
    seen, token = [], None
    while True:
        page = logs.filter_log_events(logGroupName=group, limit=2, **({"nextToken": token} if token else {}))
        seen += [e["message"] for e in page["events"]]
        token = page.get("nextToken")
        if not token:
            break
    assert len(seen) == 5 and seen[0] == "ERROR one" and seen[-1] == "ERROR three"
    code, _ = error_of(lambda: logs.filter_log_events(logGroupName=group, filterPattern="{ $.a = "))
    assert code == "InvalidParameterException"
    code, _ = error_of(
        lambda: logs.filter_log_events(logGroupName=group, logStreamNames=["s"], logStreamNamePrefix="s")
    )
    assert code == "InvalidParameterException"
    paginator = logs.get_paginator("filter_log_events")
    assert (
        sum(
            len(p["events"]) for p in paginator.paginate(logGroupName=group, PaginationConfig={"PageSize": 2})
        )
        == 5
    )


def test_filter_patterns_json_and_delimited(logs: Any, group: str) -> None:
    now = now_ms()
    put(
        logs,
        group,
        "s",
        [
            (now - 5, '{"level": "ERROR", "latency": 12, "user": {"id": "u1"}}'),
            (now - 4, '{"level": "INFO", "latency": 3, "gone": null}'),
            (now - 3, '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 2326'),
            (now - 2, '127.0.0.2 - bob [10/Oct/2000:13:25:16 -0700] "GET /ok HTTP/1.0" 200 10'),
        ],
    )

    def messages(pattern: str) -> list[str]:
        return [
            e["message"][:9]
            for e in logs.filter_log_events(logGroupName=group, filterPattern=pattern)["events"]
        ]

    assert messages('{ $.level = "ERROR" }') == ['{"level":']
    assert messages("{ $.latency > 5 || $.gone IS NULL }") == ['{"level":', '{"level":']
    assert messages("{ $.user.id = u* && $.latency >= 12 }") == ['{"level":']
    assert messages("{ $.missing NOT EXISTS && $.level = INF* }") == ['{"level":']
    assert messages("[ip, id, user, ts, request, status = 4*, size > 1000]") == ["127.0.0.1"]
    assert messages("[ip, ..., status = 200, size]") == ["127.0.0.2"]
    assert messages('"GET /ok"') == ["127.0.0.2"]
    assert messages("GET -frank") == ["127.0.0.2"]
