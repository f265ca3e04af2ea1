"""GetServiceGraph: services from segments, downstream nodes from subsegments of namespace aws
and remote, edges with their statistics, a group's filter narrowing the graph."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from tests.xray.conftest import error_of, new_id, new_trace_id, segment


def _window() -> dict[str, dt.datetime]:
    now = dt.datetime.now(dt.UTC)
    return {"StartTime": now - dt.timedelta(minutes=5), "EndTime": now + dt.timedelta(minutes=1)}


def _put_checkout(xray: Any, fault: bool = False) -> None:
    now = time.time()
    trace_id = new_trace_id()
    call_id = new_id()
    front = segment(
        trace_id, "front", origin="AWS::EC2::Instance", start_time=now - 2, end_time=now, fault=fault,
        subsegments=[
            {"name": "DynamoDB", "id": new_id(), "namespace": "aws", "start_time": now - 2, "end_time": now - 1.5},
            {"name": "payments.example.com", "id": new_id(), "namespace": "remote", "start_time": now - 1.5,
             "end_time": now - 1.2, "error": True},
            {"name": "orders", "id": call_id, "namespace": "remote", "start_time": now - 1, "end_time": now - 0.5},
            {"name": "local-work", "id": new_id(), "start_time": now - 0.5, "end_time": now - 0.2},
        ],
    )
    orders = segment(trace_id, "orders", parent_id=call_id, start_time=now - 0.9, end_time=now - 0.6)
    assert xray.put_trace_segments(TraceSegmentDocuments=[front, orders])["UnprocessedTraceSegments"] == []


def test_the_graph_has_services_downstream_nodes_and_edges(xray: Any) -> None:
    _put_checkout(xray)
    _put_checkout(xray, fault=True)
    services = xray.get_service_graph(**_window())["Services"]
    by_name = {s["Name"]: s for s in services}
    assert set(by_name) == {"front", "DynamoDB", "payments.example.com", "orders"}
    front = by_name["front"]
    assert front["Root"] is True and front["Type"] == "AWS::EC2::Instance"
    assert front["SummaryStatistics"]["TotalCount"] == 2
    assert front["SummaryStatistics"]["OkCount"] == 1
    assert front["SummaryStatistics"]["FaultStatistics"]["TotalCount"] == 1
    assert by_name["DynamoDB"]["Type"] == "AWS::DynamoDB"
    assert by_name["payments.example.com"]["Type"] == "remote"
    assert "Type" not in by_name["orders"] and by_name["orders"]["Root"] is False  # a real segment, not inferred
    targets = {e["ReferenceId"]: e for e in front["Edges"]}
    assert set(targets) == {by_name[n]["ReferenceId"] for n in ("DynamoDB", "payments.example.com", "orders")}
    payments = targets[by_name["payments.example.com"]["ReferenceId"]]["SummaryStatistics"]
    assert payments["ErrorStatistics"]["OtherCount"] == 2 and payments["OkCount"] == 0
    assert by_name["orders"]["Edges"] == []


def test_a_groups_filter_narrows_the_graph(xray: Any) -> None:
    _put_checkout(xray)
    _put_checkout(xray, fault=True)
    xray.create_group(GroupName="faults", FilterExpression="fault")
    services = xray.get_service_graph(**_window(), GroupName="faults")["Services"]
    front = next(s for s in services if s["Name"] == "front")
    assert front["SummaryStatistics"]["TotalCount"] == 1
    assert front["SummaryStatistics"]["FaultStatistics"]["TotalCount"] == 1
    code, message = error_of(lambda: xray.get_service_graph(**_window(), GroupName="nope"))
    assert (code, message) == ("InvalidRequestException", "Group not found")


def test_the_trace_graph_is_the_graph_of_the_traces_named(xray: Any) -> None:
    first, second = new_trace_id(), new_trace_id()
    xray.put_trace_segments(TraceSegmentDocuments=[segment(first, "a"), segment(second, "b")])
    services = xray.get_trace_graph(TraceIds=[first, new_trace_id()])["Services"]
    assert [s["Name"] for s in services] == ["a"]
