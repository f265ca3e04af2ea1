"""X-Ray in the dashboard: groups, sampling rules and trace segments listed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import falcon.testing

from awsmock.api.app import AwsmockApp
from tests.dashboard.conftest import group
from tests.xray.conftest import new_trace_id, segment


def test_groups_rules_and_segments_are_listed(app: AwsmockApp, inprocess_client: Callable[..., Any]) -> None:
    xray = inprocess_client("xray")
    xray.create_group(GroupName="errors", FilterExpression="error", Tags=[{"Key": "team", "Value": "a"}])
    trace_id = new_trace_id()
    xray.put_trace_segments(TraceSegmentDocuments=[segment(trace_id, "front", fault=True)])
    web = falcon.testing.TestClient(app)
    resources = web.simulate_get("/_awsmock/dashboard/xray/resources").json
    [row] = group(resources, "groups")["items"]
    assert row["name"] == "errors" and row["tags"] == {"team": "a"} and ":group/errors/" in row["arn"]
    [seg] = group(resources, "segments")["items"]
    assert (seg["trace"], seg["name"], seg["flags"]) == (trace_id, "front", "fault")
