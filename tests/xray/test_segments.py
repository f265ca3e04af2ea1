"""Segments in, traces out: PutTraceSegments' checks (UnprocessedTraceSegments with X-Ray's
error codes), segments replaced by id, BatchGetTraces with UnprocessedTraceIds and pages,
GetTraceSummaries over time ranges with filter expressions."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import pytest

from tests.xray.conftest import error_of, new_id, new_trace_id, segment

ACCOUNT = "123456789012"


def _window(minutes: int = 5) -> dict[str, dt.datetime]:
    now = dt.datetime.now(dt.UTC)
    return {"StartTime": now - dt.timedelta(minutes=minutes), "EndTime": now + dt.timedelta(minutes=1)}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"id": None}, "MissingId"),
        ({"id": "xyz"}, "InvalidId"),
        ({"name": None}, "MissingName"),
        ({"name": "bad?name"}, "InvalidName"),
        ({"name": "n" * 201}, "InvalidName"),
        ({"trace_id": None}, "MissingTraceId"),
        ({"trace_id": "1-abc-123"}, "InvalidTraceId"),
        ({"trace_id": "2-5759e988-bd862e3fe1be46a994272793"}, "InvalidTraceId"),
        ({"start_time": None}, "MissingStartTime"),
        ({"start_time": "soon"}, "InvalidStartTime"),
        ({"end_time": None}, "MissingEndTime"),
        ({"end_time": 1.0}, "InvalidEndTime"),
        ({"parent_id": "nothex"}, "InvalidParentId"),
    ],
)
def test_a_bad_segment_is_unprocessed_with_its_error_code(xray: Any, change: dict[str, Any], code: str) -> None:
    trace_id = new_trace_id()
    doc = json.loads(segment(trace_id))
    for key, value in change.items():
        if value is None:
            doc.pop(key)
        else:
            doc[key] = value
    good = segment(trace_id, "ok-service")
    out = xray.put_trace_segments(TraceSegmentDocuments=[json.dumps(doc), good])
    [bad] = out["UnprocessedTraceSegments"]
    assert bad["ErrorCode"] == code
    assert bad["Message"] == f"Invalid segment. ErrorCode: {code}"
    if isinstance(doc.get("id"), str):
        assert bad["Id"] == doc["id"]
    [trace] = xray.batch_get_traces(TraceIds=[trace_id])["Traces"]
    assert [json.loads(s["Document"])["name"] for s in trace["Segments"]] == ["ok-service"]


def test_documents_that_are_not_segments_are_unprocessed(xray: Any) -> None:
    out = xray.put_trace_segments(TraceSegmentDocuments=["not json", "[]", "{}"])
    assert [u["ErrorCode"] for u in out["UnprocessedTraceSegments"]] == ["InvalidJson", "MissingId", "MissingId"]


def test_subsegments_are_checked_and_an_independent_one_needs_a_parent(xray: Any) -> None:
    trace_id = new_trace_id()
    now = time.time()
    inner = {"name": "db", "id": new_id(), "start_time": now}  # no end_time, not in progress
    nested = segment(trace_id, subsegments=[inner])
    alone = json.dumps({"type": "subsegment", "name": "s3", "id": new_id(), "trace_id": trace_id,
                        "start_time": now - 1, "end_time": now})
    out = xray.put_trace_segments(TraceSegmentDocuments=[nested, alone])
    codes = [(u["ErrorCode"], u["Message"]) for u in out["UnprocessedTraceSegments"]]
    assert codes == [
        ("MissingEndTime", "Invalid subsegment. ErrorCode: MissingEndTime, Cause: null"),
        ("MissingParentId", "Invalid subsegment. ErrorCode: MissingParentId, Cause: null"),
    ]


def test_an_in_progress_segment_is_completed_by_sending_it_again(xray: Any) -> None:
    trace_id = new_trace_id()
    seg_id = new_id()
    start = time.time() - 2
    first = json.dumps({"name": "web", "id": seg_id, "trace_id": trace_id, "start_time": start, "in_progress": True})
    assert xray.put_trace_segments(TraceSegmentDocuments=[first])["UnprocessedTraceSegments"] == []
    summary = xray.get_trace_summaries(**_window(), FilterExpression="partial")["TraceSummaries"]
    assert [s["Id"] for s in summary] == [trace_id]
    assert summary[0]["IsPartial"] is True
    done = json.dumps({"name": "web", "id": seg_id, "trace_id": trace_id, "start_time": start, "end_time": start + 1.5})
    xray.put_trace_segments(TraceSegmentDocuments=[done])
    [trace] = xray.batch_get_traces(TraceIds=[trace_id])["Traces"]
    assert len(trace["Segments"]) == 1
    assert trace["Duration"] == 1.5
    assert xray.get_trace_summaries(**_window(), FilterExpression="partial")["TraceSummaries"] == []


def test_batch_get_traces_pages_by_five_and_names_the_missing_ones(xray: Any) -> None:
    ids = [new_trace_id() for _ in range(7)]
    xray.put_trace_segments(TraceSegmentDocuments=[segment(t) for t in ids[:6]])
    first = xray.batch_get_traces(TraceIds=ids)
    assert [t["Id"] for t in first["Traces"]] == ids[:5]
    assert first["UnprocessedTraceIds"] == []
    second = xray.batch_get_traces(TraceIds=ids, NextToken=first["NextToken"])
    assert [t["Id"] for t in second["Traces"]] == [ids[5]]
    assert second["UnprocessedTraceIds"] == [ids[6]]
    assert "NextToken" not in second
    code, _ = error_of(lambda: xray.batch_get_traces(TraceIds=ids[:2], NextToken=first["NextToken"]))
    assert code == "InvalidRequestException"


def _put_trace(xray: Any, name: str = "web", **root: Any) -> str:
    trace_id = new_trace_id()
    xray.put_trace_segments(TraceSegmentDocuments=[segment(trace_id, name, **root)])
    return trace_id


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('service("checkout")', {"fault500", "slow"}),
        ("http.status = 500", {"fault500"}),
        ("http.status >= 400", {"fault500", "error404"}),
        ("responsetime > 2", {"slow"}),
        ("fault", {"fault500"}),
        ("error OR throttle", {"error404", "throttled"}),
        ("ok", {"slow", "annotated"}),
        ('annotation.customer = "alice"', {"annotated"}),
        ("annotation.retries > 2", {"annotated"}),
        ('service("checkout") AND NOT fault', {"slow"}),
        ('!(fault || error) && http.url CONTAINS "/cart"', {"slow"}),
        ('http.method = "POST"', {"error404"}),
        ('user = "bob"', {"throttled"}),
        ('service("checkout") { fault }', {"fault500"}),
        ("error = false AND fault = false AND throttle = false", {"slow", "annotated"}),
    ],
)
def test_trace_summaries_filter_expressions(xray: Any, expression: str, expected: set[str]) -> None:
    now = time.time()
    made = {
        "fault500": _put_trace(xray, "checkout", fault=True, http={"response": {"status": 500}}),
        "slow": _put_trace(xray, "checkout", start_time=now - 3, http={"request": {"url": "https://x/cart"}}),
        "error404": _put_trace(xray, "web", error=True,
                               http={"request": {"method": "POST"}, "response": {"status": 404}}),
        "throttled": _put_trace(xray, "web", throttle=True, error=True, user="bob"),
        "annotated": _put_trace(xray, "web", annotations={"customer": "alice", "retries": 3}),
    }
    names = {v: k for k, v in made.items()}
    found = xray.get_trace_summaries(**_window(), FilterExpression=expression)["TraceSummaries"]
    assert {names[s["Id"]] for s in found if s["Id"] in names} == expected


def test_a_trace_summary_says_what_its_root_segment_says(xray: Any) -> None:
    now = time.time()
    trace_id = new_trace_id()
    root = segment(trace_id, "api", start_time=now - 2, end_time=now - 0.5, fault=True, user="ann",
                   annotations={"tier": "gold"},
                   http={"request": {"url": "https://a/b", "method": "GET", "client_ip": "10.0.0.1"},
                         "response": {"status": 503}},
                   subsegments=[{"name": "DynamoDB", "id": new_id(), "namespace": "aws",
                                 "start_time": now - 1.5, "end_time": now - 1}])
    later = segment(trace_id, "worker", parent_id=new_id(), start_time=now - 1, end_time=now)
    xray.put_trace_segments(TraceSegmentDocuments=[root, later])
    [summary] = xray.get_trace_summaries(**_window(), FilterExpression='service("api")')["TraceSummaries"]
    assert summary["Id"] == trace_id
    assert summary["ResponseTime"] == 1.5
    assert summary["Duration"] == 2.0
    assert (summary["HasFault"], summary["HasError"], summary["HasThrottle"]) == (True, False, False)
    assert summary["Http"] == {"HttpURL": "https://a/b", "HttpStatus": 503, "HttpMethod": "GET", "ClientIp": "10.0.0.1"}
    assert summary["Annotations"] == {"tier": [{"AnnotationValue": {"StringValue": "gold"}, "ServiceIds": []}]}
    assert summary["Users"] == [{"UserName": "ann", "ServiceIds": []}]
    assert summary["EntryPoint"] == {"Name": "api", "Names": ["api"], "AccountId": ACCOUNT}
    assert {(s["Name"], s.get("Type")) for s in summary["ServiceIds"]} == {
        ("api", None), ("DynamoDB", "AWS::DynamoDB"), ("worker", None)
    }


def test_time_ranges_by_trace_id_or_by_event(xray: Any) -> None:
    hour_ago = time.time() - 3600
    trace_id = new_trace_id(at=hour_ago)  # the id says an hour ago, the segment says now
    xray.put_trace_segments(TraceSegmentDocuments=[segment(trace_id, "late")])
    by_id = xray.get_trace_summaries(**_window(), FilterExpression='service("late")')["TraceSummaries"]
    assert by_id == []
    by_event = xray.get_trace_summaries(**_window(), TimeRangeType="Event", FilterExpression='service("late")')
    assert [s["Id"] for s in by_event["TraceSummaries"]] == [trace_id]
    assert by_event["TracesProcessedCount"] >= 1


@pytest.mark.parametrize(
    "expression",
    ["responsetime >", 'service("a"', "bogus = 1", "http.status CONTAINS 5", "(((fault)", "fault AND", "@"],
)
def test_a_filter_expression_it_cannot_read_is_an_invalid_request(xray: Any, expression: str) -> None:
    code, message = error_of(lambda: xray.get_trace_summaries(**_window(), FilterExpression=expression))
    assert code == "InvalidRequestException"
    assert message.startswith("Invalid filter expression")


def test_hostile_filters_and_ranges_are_refused_cleanly(xray: Any) -> None:
    deep = "(" * 500 + "fault" + ")" * 500
    assert error_of(lambda: xray.get_trace_summaries(**_window(), FilterExpression=deep))[0] == "InvalidRequestException"
    now = dt.datetime.now(dt.UTC)
    code, message = error_of(lambda: xray.get_trace_summaries(StartTime=now, EndTime=now - dt.timedelta(hours=1)))
    assert (code, message) == ("InvalidRequestException", "EndTime must be after StartTime.")
    nested = '{"a":' * 5000 + "1" + "}" * 5000
    out = xray.put_trace_segments(TraceSegmentDocuments=[nested])
    assert out["UnprocessedTraceSegments"][0]["ErrorCode"] == "InvalidJson"


def test_trace_summaries_page_without_repeats(xray: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from awsmock.services.xray import segments

    monkeypatch.setattr(segments, "SUMMARIES_PAGE", 2)
    ids = sorted(_put_trace(xray, "paged") for _ in range(3))
    window = _window()
    first = xray.get_trace_summaries(**window, FilterExpression='service("paged")')
    second = xray.get_trace_summaries(**window, FilterExpression='service("paged")', NextToken=first["NextToken"])
    assert [s["Id"] for s in first["TraceSummaries"]] + [s["Id"] for s in second["TraceSummaries"]] == ids
    assert "NextToken" not in second
    code, _ = error_of(lambda: xray.get_trace_summaries(**window, FilterExpression="fault", NextToken=first["NextToken"]))
    assert code == "InvalidRequestException"
