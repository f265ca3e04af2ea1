"""What a trace is made of, read from its segment documents: the root segment, duration and
response time, fault/error/throttle, HTTP facts, annotations, users, the services it touched;
and a trace's summary as GetTraceSummaries answers it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def subsegments(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every subsegment inside ``doc``, depth first."""
    stack = [s for s in doc.get("subsegments") or [] if isinstance(s, dict)]
    while stack:
        sub = stack.pop(0)
        yield sub
        stack[0:0] = [s for s in sub.get("subsegments") or [] if isinstance(s, dict)]


def inferred_type(sub: dict[str, Any]) -> str | None:
    """The node a downstream call (a subsegment of namespace aws or remote) stands for."""
    if sub.get("namespace") == "aws":
        return "AWS::" + str(sub.get("name") or "")
    if sub.get("namespace") == "remote":
        return "remote"
    return None


def annotation_value(value: Any) -> dict[str, Any] | None:
    if isinstance(value, bool):
        return {"BooleanValue": value}
    if isinstance(value, (int, float)):
        return {"NumberValue": float(value)}
    if isinstance(value, str):
        return {"StringValue": value}
    return None


@dataclass
class Trace:
    trace_id: str
    segments: list[dict[str, Any]]
    root: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        roots = [s for s in self.segments if not s.get("parent_id") and s.get("type") != "subsegment"]
        pool = roots or self.segments
        self.root = min(pool, key=lambda s: number(s.get("start_time")) or 0.0)

    # -- times ---------------------------------------------------------------------------

    @property
    def start(self) -> float:
        return min(number(s.get("start_time")) or 0.0 for s in self.segments)

    @property
    def end(self) -> float:
        ends = [number(s.get("end_time")) for s in self.segments]
        return max([e for e in ends if e is not None] or [self.start])

    @property
    def duration(self) -> float:
        return round(self.end - self.start, 3)

    @property
    def response_time(self) -> float:
        start = number(self.root.get("start_time")) or 0.0
        end = number(self.root.get("end_time"))
        return round((end if end is not None else start) - start, 3)

    @property
    def partial(self) -> bool:
        return any(s.get("in_progress") is True for s in self.segments)

    # -- flags and facts -----------------------------------------------------------------

    def flag(self, name: str, doc: dict[str, Any] | None = None) -> bool:
        doc = self.root if doc is None else doc
        if name == "ok":
            return not any(doc.get(n) is True for n in ("error", "fault", "throttle"))
        return doc.get(name) is True

    def http(self, doc: dict[str, Any] | None = None) -> dict[str, Any]:
        doc = self.root if doc is None else doc
        http = _dict(doc.get("http"))
        req, resp = _dict(http.get("request")), _dict(http.get("response"))
        return {
            "url": req.get("url"),
            "method": req.get("method"),
            "useragent": req.get("user_agent"),
            "clientip": req.get("client_ip"),
            "status": resp.get("status"),
        }

    def all_documents(self) -> Iterator[dict[str, Any]]:
        for seg in self.segments:
            yield seg
            yield from subsegments(seg)

    def annotations(self) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = {}
        for doc in self.all_documents():
            notes = doc.get("annotations")
            if isinstance(notes, dict):
                for key, value in notes.items():
                    if annotation_value(value) is not None and value not in found.setdefault(key, []):
                        found[key].append(value)
        return found

    def users(self) -> list[str]:
        return sorted({str(s["user"]) for s in self.segments if isinstance(s.get("user"), str)})

    def service_ids(self) -> list[dict[str, Any]]:
        seen: dict[tuple[str, str | None], dict[str, Any]] = {}
        for seg in self.segments:
            if seg.get("type") == "subsegment":
                continue
            name = str(seg.get("name"))
            origin = seg.get("origin") if isinstance(seg.get("origin"), str) else None
            seen.setdefault((name, origin), _service_id(name, origin))
            for sub in subsegments(seg):
                kind = inferred_type(sub)
                if kind is not None:
                    sname = str(sub.get("name"))
                    seen.setdefault((sname, kind), _service_id(sname, kind))
        return list(seen.values())

    def summary(self, account: str) -> dict[str, Any]:
        http = self.http()
        ids = self.service_ids()
        for sid in ids:
            sid["AccountId"] = account
        root_id = _service_id(str(self.root.get("name")), self.root.get("origin") if isinstance(self.root.get("origin"), str) else None)
        root_id["AccountId"] = account
        out: dict[str, Any] = {
            "Id": self.trace_id,
            "StartTime": dt.datetime.fromtimestamp(self.start, dt.UTC),
            "Duration": self.duration,
            "ResponseTime": self.response_time,
            "HasFault": self.flag("fault"),
            "HasError": self.flag("error"),
            "HasThrottle": self.flag("throttle"),
            "IsPartial": self.partial,
            "Http": {
                k: v
                for k, v in {
                    "HttpURL": http["url"],
                    "HttpStatus": http["status"] if isinstance(http["status"], int) else None,
                    "HttpMethod": http["method"],
                    "UserAgent": http["useragent"],
                    "ClientIp": http["clientip"],
                }.items()
                if v is not None
            },
            "Annotations": {
                key: [{"AnnotationValue": annotation_value(v), "ServiceIds": []} for v in values]
                for key, values in self.annotations().items()
            },
            "Users": [{"UserName": u, "ServiceIds": []} for u in self.users()],
            "ServiceIds": ids,
            "EntryPoint": root_id,
            "ResourceARNs": [],
            "InstanceIds": [],
            "AvailabilityZones": [],
            "FaultRootCauses": [],
            "ErrorRootCauses": [],
            "ResponseTimeRootCauses": [],
            "Revision": 1,
        }
        return out


def _service_id(name: str, kind: str | None) -> dict[str, Any]:
    sid: dict[str, Any] = {"Name": name, "Names": [name]}
    if kind:
        sid["Type"] = kind
    return sid


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
