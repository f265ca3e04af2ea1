"""The dashboard lists log groups and streams, and a group's events newest first."""

from __future__ import annotations

from typing import Any

import falcon.testing

from awsmock.api.app import AwsmockApp
from tests.logs.conftest import now_ms


def test_groups_streams_and_tail(app: AwsmockApp, logs: Any) -> None:
    web = falcon.testing.TestClient(app)
    logs.create_log_group(logGroupName="web-group")
    logs.create_log_stream(logGroupName="web-group", logStreamName="s")
    now = now_ms()
    logs.put_log_events(
        logGroupName="web-group",
        logStreamName="s",
        logEvents=[{"timestamp": now - 2, "message": "first"}, {"timestamp": now - 1, "message": "second"}],
    )
    base = "/_awsmock/dashboard/logs"
    listings = {g["kind"]: g["items"] for g in web.simulate_get(f"{base}/resources").json["groups"]}
    assert [g["name"] for g in listings["log-groups"]] == ["web-group"]
    streams = listings["log-streams"]
    assert [(s["name"], s["group"], s["bytes"]) for s in streams] == [("s", "web-group", 11)]
    page = web.simulate_get(f"{base}/log-groups/web-group/events", params={"limit": "1"}).json
    assert [e["message"] for e in page["items"]] == ["second"]
    rest = web.simulate_get(
        f"{base}/log-groups/web-group/events", params={"limit": "1", "cursor": page["next_cursor"]}
    ).json
    assert [e["message"] for e in rest["items"]] == ["first"] and not rest["next_cursor"]


def test_live_tail_adds_what_arrived_since_its_position(app: AwsmockApp, logs: Any) -> None:
    web = falcon.testing.TestClient(app)
    base = "/_awsmock/dashboard/logs"
    tailed = "/app/tailed"  # a name holding "/": given as the query's `name`, "-" in the path
    logs.create_log_group(logGroupName=tailed)
    logs.create_log_group(logGroupName="other")
    for g in (tailed, "other"):
        logs.create_log_stream(logGroupName=g, logStreamName="s")
    now = now_ms()

    def put(group: str, *messages: str) -> None:
        logs.put_log_events(
            logGroupName=group,
            logStreamName="s",
            logEvents=[{"timestamp": now - 10 + i, "message": m} for i, m in enumerate(messages)],
        )

    def tail(cursor: str | None = None, **extra: str) -> dict[str, Any]:
        params = {"name": tailed, "limit": "2", **extra, **({"cursor": cursor} if cursor else {})}
        return web.simulate_get(f"{base}/log-groups/-/tail", params=params).json

    empty = tail()
    assert empty["live"] is True and empty["items"] == [] and empty["next_cursor"]
    put(tailed, "one", "two", "three")
    first = tail()  # no position: the newest events, oldest of them first
    assert [e["message"] for e in first["items"]] == ["two", "three"]
    assert tail(first["next_cursor"])["items"] == []  # nothing new
    put("other", "elsewhere")
    put(tailed, "four", "five", "six")
    got = tail(first["next_cursor"])
    assert [e["message"] for e in got["items"]] == ["four", "five"]  # at most `limit`, in arrival order
    rest = tail(got["next_cursor"])
    assert [e["message"] for e in rest["items"]] == ["six"] and rest["next_cursor"]
    assert tail(rest["next_cursor"])["items"] == []
    put(tailed, "seven ERROR", "eight")
    assert [e["message"] for e in tail(rest["next_cursor"], q="error")["items"]] == ["seven ERROR"]
    bad = {"name": tailed, "cursor": "bm90IGEgbnVtYmVy"}
    assert web.simulate_get(f"{base}/log-groups/-/tail", params=bad).status_code == 400
    assert web.simulate_get(f"{base}/log-groups/missing/tail").status_code == 404
    views = {
        v["view"]: v
        for k in web.simulate_get("/_awsmock/dashboard/services").json["services"]
        if k["service"] == "logs"
        for kind in k["kinds"]
        if kind["kind"] == "log-groups"
        for v in kind["views"]
    }
    assert list(views) == ["tail", "events"] and views["tail"].get("live") and "live" not in views["events"]
