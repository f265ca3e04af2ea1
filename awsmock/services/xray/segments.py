"""Segments in and traces out: PutTraceSegments (each document checked as X-Ray checks it, the
bad ones answered in UnprocessedTraceSegments), BatchGetTraces, GetTraceSummaries over a time
range with a filter expression. Segments are rows of X-Ray's own table
(:class:`awsmock.models.xray.Segment`)."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.xray import Segment
from awsmock.state import jsontext

from . import filters
from .errors import InvalidRequestException, invalid_token
from .lookup import HEX16, TRACE_ID
from .traces import Trace, number, subsegments

#: a segment document's largest size (64 kB)
MAX_DOCUMENT = 64 * 1024
#: segment and subsegment names: letters, numbers, whitespace and _ . : / % & # = + \ - @
NAME = re.compile(r"[\w\s.:/%&#=+\\\-@]{1,200}")
#: the latest time a segment may give (the year 10000)
LATEST = 253402300800
#: traces in one BatchGetTraces page
TRACES_PAGE = 5
#: trace summaries in one GetTraceSummaries page
SUMMARIES_PAGE = 100


class Unprocessed(Exception):
    def __init__(self, code: str, subsegment: bool = False) -> None:
        self.code = code
        what = "subsegment" if subsegment else "segment"
        self.message = f"Invalid {what}. ErrorCode: {code}" + (", Cause: null" if subsegment else "")
        super().__init__(self.message)


def _time(value: Any) -> bool:
    """An epoch time in seconds, finite and before the year 10000."""
    seconds = number(value)
    return seconds is not None and math.isfinite(seconds) and 0 <= seconds < LATEST


def _check_entity(doc: dict[str, Any], subsegment: bool) -> None:
    """The fields every segment and subsegment must have right."""
    ident = doc.get("id")
    if ident is None:
        raise Unprocessed("MissingId", subsegment)
    if not isinstance(ident, str) or not HEX16.fullmatch(ident):
        raise Unprocessed("InvalidId", subsegment)
    name = doc.get("name")
    if name is None:
        raise Unprocessed("MissingName", subsegment)
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise Unprocessed("InvalidName", subsegment)
    start = doc.get("start_time")
    if start is None:
        raise Unprocessed("MissingStartTime", subsegment)
    if not _time(start):
        raise Unprocessed("InvalidStartTime", subsegment)
    end = doc.get("end_time")
    if end is None:
        if doc.get("in_progress") is not True:
            raise Unprocessed("MissingEndTime", subsegment)
    elif not _time(end) or end < start:
        raise Unprocessed("InvalidEndTime", subsegment)
    parent = doc.get("parent_id")
    if parent is not None and (not isinstance(parent, str) or not HEX16.fullmatch(parent)):
        raise Unprocessed("InvalidParentId", subsegment)
    for flag in ("error", "fault", "throttle", "in_progress"):
        if flag in doc and not isinstance(doc[flag], bool):
            raise Unprocessed("InvalidSegment", subsegment)
    notes = doc.get("annotations")
    if notes is not None and (not isinstance(notes, dict) or any(
        not re.fullmatch(r"[A-Za-z0-9_]{1,500}", k) or isinstance(v, (dict, list)) or v is None
        for k, v in notes.items()
    )):
        raise Unprocessed("InvalidAnnotations", subsegment)
    subs = doc.get("subsegments")
    if subs is not None and not isinstance(subs, list):
        raise Unprocessed("InvalidSubsegments", subsegment)


def check_document(text: Any) -> dict[str, Any]:
    """A segment document read and checked (Unprocessed with X-Ray's error code otherwise)."""
    if not isinstance(text, str) or len(text.encode("utf-8", "replace")) > MAX_DOCUMENT:
        raise Unprocessed("SegmentTooLarge" if isinstance(text, str) else "InvalidSegment")
    try:
        doc = jsontext.guarded_loads(text)
    except ValueError:
        raise Unprocessed("InvalidJson") from None
    if not isinstance(doc, dict):
        raise Unprocessed("MissingId")
    is_sub = doc.get("type") == "subsegment"
    if "type" in doc and not is_sub:
        raise Unprocessed("InvalidType")
    _check_entity(doc, is_sub)
    trace_id = doc.get("trace_id")
    if trace_id is None:
        raise Unprocessed("MissingTraceId", is_sub)
    if not isinstance(trace_id, str) or not TRACE_ID.fullmatch(trace_id):
        raise Unprocessed("InvalidTraceId", is_sub)
    if is_sub and doc.get("parent_id") is None:
        raise Unprocessed("MissingParentId", True)
    for sub in subsegments(doc):
        _check_entity(sub, True)
    return doc


@handler("xray", "PutTraceSegments")
def put_trace_segments(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    documents = params.get("TraceSegmentDocuments")
    if documents is None:
        raise InvalidRequestException("TraceSegmentDocuments is required.")
    unprocessed: list[dict[str, Any]] = []
    accepted: dict[tuple[str, str], dict[str, Any]] = {}
    for text in documents:
        try:
            doc = check_document(text)
        except Unprocessed as bad:
            entry: dict[str, Any] = {"ErrorCode": bad.code, "Message": bad.message}
            ident = _id_of(text)
            if ident is not None:
                entry["Id"] = ident
            unprocessed.append(entry)
            continue
        accepted[(doc["trace_id"], doc["id"])] = doc
    if accepted:
        _store(ctx, accepted.values())
    return {"UnprocessedTraceSegments": unprocessed}


def _id_of(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    try:
        doc = jsontext.guarded_loads(text)
    except ValueError:
        return None
    return doc["id"] if isinstance(doc, dict) and isinstance(doc.get("id"), str) else None


def _store(ctx: RequestContext, docs: Iterable[dict[str, Any]]) -> None:
    session = ctx.session
    for doc in docs:
        trace_id = str(doc["trace_id"])
        session.execute(
            delete(Segment).where(
                Segment.account_id == ctx.account_id,
                Segment.region == ctx.region,
                Segment.trace_id == trace_id,
                Segment.segment_id == doc["id"],
            )
        )
        end = number(doc.get("end_time"))
        session.add(
            Segment(
                account_id=ctx.account_id,
                region=ctx.region,
                trace_id=trace_id,
                segment_id=doc["id"],
                trace_time=int(trace_id[2:10], 16),
                start_time=number(doc["start_time"]) or 0.0,
                end_time=end,
                document=json.dumps(doc, separators=(",", ":")),
                received=ctx.now,
            )
        )
    session.flush()


# -- reading traces ----------------------------------------------------------------------


def _segments_of(ctx: RequestContext, trace_ids: list[str]) -> dict[str, list[Segment]]:
    found: dict[str, list[Segment]] = {}
    if not trace_ids:
        return found
    rows = ctx.session.scalars(
        select(Segment)
        .where(
            Segment.account_id == ctx.account_id,
            Segment.region == ctx.region,
            Segment.trace_id.in_(trace_ids),
        )
        .order_by(Segment.trace_id, Segment.start_time, Segment.id)
    )
    for row in rows:
        found.setdefault(row.trace_id, []).append(row)
    return found


def traces_of(ctx: RequestContext, trace_ids: list[str]) -> list[Trace]:
    """The traces with these ids (those with segments), in the ids' order."""
    rows = _segments_of(ctx, trace_ids)
    return [
        Trace(tid, [json.loads(r.document) for r in rows[tid]]) for tid in trace_ids if tid in rows
    ]


def trace_ids_in(ctx: RequestContext, start: dt.datetime, end: dt.datetime, by: str = "TraceId") -> list[str]:
    """The ids of the traces of a time range: by the time in their ids, or (``Event``,
    ``Service``) by their segments' start times."""
    if end < start:
        raise InvalidRequestException("EndTime must be after StartTime.")
    base = select(Segment.trace_id).where(Segment.account_id == ctx.account_id, Segment.region == ctx.region)
    if by == "TraceId":
        stmt = base.where(
            Segment.trace_time >= int(start.timestamp()), Segment.trace_time <= int(end.timestamp())
        )
    else:
        stmt = base.where(Segment.start_time >= start.timestamp(), Segment.start_time <= end.timestamp())
    return sorted(set(ctx.session.scalars(stmt.distinct())))


@handler("xray", "BatchGetTraces")
def batch_get_traces(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ids = [str(t) for t in params.get("TraceIds") or []]
    numbered = list(enumerate(dict.fromkeys(ids)))
    page = pager.page_list(
        numbered,
        key=lambda item: item[0],
        limit=TRACES_PAGE,
        token=params.get("NextToken"),
        scope="BatchGetTraces:" + ",".join(ids),
        invalid=invalid_token,
    )
    wanted = [tid for _, tid in page.rows]
    rows = _segments_of(ctx, [t for t in wanted if TRACE_ID.fullmatch(t)])
    traces: list[dict[str, Any]] = []
    unprocessed: list[str] = []
    for tid in wanted:
        segs = rows.get(tid)
        if not segs:
            unprocessed.append(tid)
            continue
        trace = Trace(tid, [json.loads(r.document) for r in segs])
        traces.append(
            {
                "Id": tid,
                "Duration": trace.duration,
                "LimitExceeded": False,
                "Segments": [{"Id": r.segment_id, "Document": r.document} for r in segs],
            }
        )
    out: dict[str, Any] = {"Traces": traces, "UnprocessedTraceIds": unprocessed}
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("xray", "GetTraceSummaries")
def get_trace_summaries(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    start, end = params["StartTime"], params["EndTime"]
    by = params.get("TimeRangeType") or "TraceId"
    pred = filters.compile_filter(params.get("FilterExpression"))
    ids = trace_ids_in(ctx, start, end, by)
    scope = f"GetTraceSummaries:{start.timestamp()}:{end.timestamp()}:{by}:{params.get('FilterExpression') or ''}"
    summaries: list[dict[str, Any]] = []
    token = params.get("NextToken")
    after = pager.decode(token, scope, invalid_token)[0] if token else None
    if after is not None and not isinstance(after, str):
        raise invalid_token(str(token))
    pending = [t for t in ids if after is None or t > after]
    last: str | None = None
    processed = 0
    for chunk_start in range(0, len(pending), 50):
        chunk = pending[chunk_start : chunk_start + 50]
        for trace in traces_of(ctx, chunk):
            processed += 1
            last = trace.trace_id
            if filters.matches(pred, trace):
                summaries.append(trace.summary(ctx.account_id))
            if len(summaries) >= SUMMARIES_PAGE:
                break
        if len(summaries) >= SUMMARIES_PAGE:
            break
    more = bool(last) and any(t > str(last) for t in pending) and len(summaries) >= SUMMARIES_PAGE
    out: dict[str, Any] = {
        "TraceSummaries": summaries,
        "ApproximateTime": end,
        "TracesProcessedCount": processed,
    }
    if more:
        out["NextToken"] = pager.encode(scope, [last])
    return out
