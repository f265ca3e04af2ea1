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
