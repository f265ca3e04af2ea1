"""GetServiceGraph: the services a time range's segments came from and the downstream calls
their subsegments made (namespace ``aws``: an AWS service, ``remote``: anything else), with
edges between them and their counts, response times and histograms; optionally only the traces
of a group's filter expression."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import filters
from .errors import InvalidRequestException
from .lookup import find_group
from .segments import trace_ids_in, traces_of
from .traces import Trace, inferred_type, number, subsegments


@dataclass
class _Stats:
    ok: int = 0
    throttle: int = 0
    error: int = 0
    fault: int = 0
    total: int = 0
    time: float = 0.0
    times: Counter[float] = field(default_factory=Counter)
    start: float | None = None
    end: float | None = None

    def add(self, doc: dict[str, Any]) -> None:
        start = number(doc.get("start_time")) or 0.0
        end = number(doc.get("end_time"))
        self.total += 1
        if doc.get("fault") is True:
            self.fault += 1
        elif doc.get("throttle") is True:
            self.throttle += 1
        elif doc.get("error") is True:
            self.error += 1
        else:
            self.ok += 1
        if end is not None:
            self.time += end - start
            self.times[round(end - start, 3)] += 1
        self.start = start if self.start is None else min(self.start, start)
        last = end if end is not None else start
        self.end = last if self.end is None else max(self.end, last)

    def summary(self) -> dict[str, Any]:
        return {
            "OkCount": self.ok,
            "ErrorStatistics": {
                "ThrottleCount": self.throttle,
                "OtherCount": self.error,
                "TotalCount": self.throttle + self.error,
            },
            "FaultStatistics": {"OtherCount": self.fault, "TotalCount": self.fault},
            "TotalCount": self.total,
            "TotalResponseTime": round(self.time, 3),
        }

    def histogram(self) -> list[dict[str, Any]]:
        return [{"Value": v, "Count": c} for v, c in sorted(self.times.items())]

    def times_of(self) -> dict[str, Any]:
        return {
            "StartTime": dt.datetime.fromtimestamp(self.start or 0.0, dt.UTC),
            "EndTime": dt.datetime.fromtimestamp(self.end or 0.0, dt.UTC),
        }


@dataclass
class _Node:
    ref: int
    name: str
    kind: str | None
    root: bool = False
    stats: _Stats = field(default_factory=_Stats)
    edges: dict[int, _Stats] = field(default_factory=dict)


def build(traces: list[Trace], account: str) -> list[dict[str, Any]]:
    nodes: dict[tuple[str, str | None], _Node] = {}

    def node(name: str, kind: str | None) -> _Node:
        key = (name, kind)
        if key not in nodes:
            nodes[key] = _Node(len(nodes), name, kind)
        return nodes[key]

    for trace in traces:
        segs = [s for s in trace.segments if s.get("type") != "subsegment"]
        claimed = {s.get("parent_id") for s in segs if isinstance(s.get("parent_id"), str)}
        owner: dict[str, _Node] = {}
        for seg in segs:
            origin = seg.get("origin") if isinstance(seg.get("origin"), str) else None
            this = node(str(seg.get("name")), origin)
            this.stats.add(seg)
            if not seg.get("parent_id"):
                this.root = True
            for sub in subsegments(seg):
                owner[str(sub.get("id"))] = this
                kind = inferred_type(sub)
                if kind is None or sub.get("id") in claimed:
                    continue
                target = node(str(sub.get("name")), kind)
                target.stats.add(sub)
                this.edges.setdefault(target.ref, _Stats()).add(sub)
        for seg in segs:
            parent = seg.get("parent_id")
            if isinstance(parent, str) and parent in owner:
                origin = seg.get("origin") if isinstance(seg.get("origin"), str) else None
                target = node(str(seg.get("name")), origin)
                owner[parent].edges.setdefault(target.ref, _Stats()).add(seg)

    services: list[dict[str, Any]] = []
    for n in sorted(nodes.values(), key=lambda n: n.ref):
        service: dict[str, Any] = {
            "ReferenceId": n.ref,
            "Name": n.name,
            "Names": [n.name],
            "Root": n.root,
            "AccountId": account,
            "State": "active" if n.kind is None or not n.kind.startswith(("AWS::", "remote")) else "unknown",
            **n.stats.times_of(),
            "Edges": [
                {
                    "ReferenceId": ref,
                    **stats.times_of(),
                    "SummaryStatistics": stats.summary(),
                    "ResponseTimeHistogram": stats.histogram(),
                    "Aliases": [],
                }
                for ref, stats in sorted(n.edges.items())
            ],
            "SummaryStatistics": n.stats.summary(),
            "DurationHistogram": n.stats.histogram(),
            "ResponseTimeHistogram": n.stats.histogram(),
        }
        if n.kind:
            service["Type"] = n.kind
        services.append(service)
    return services


@handler("xray", "GetServiceGraph")
def get_service_graph(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    start, end = params["StartTime"], params["EndTime"]
    if params.get("NextToken"):
        raise InvalidRequestException("The specified NextToken is invalid.")
    pred = None
    if params.get("GroupName") is not None or params.get("GroupARN") is not None:
        group = find_group(ctx, params)
        pred = filters.compile_filter(group.document.get("FilterExpression"))
    ids = trace_ids_in(ctx, start, end, "Event")
    traces = [t for t in traces_of(ctx, ids) if filters.matches(pred, t)]
    return {
        "StartTime": start,
        "EndTime": end,
        "Services": build(traces, ctx.account_id),
        "ContainsOldGroupVersions": False,
    }


@handler("xray", "GetTraceGraph")
def get_trace_graph(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("NextToken"):
        raise InvalidRequestException("The specified NextToken is invalid.")
    ids = list(dict.fromkeys(str(t) for t in params.get("TraceIds") or []))
    return {"Services": build(traces_of(ctx, ids), ctx.account_id)}
