"""REST routing and HTTP bindings shared by the ``rest-json`` and ``rest-xml`` protocols.

Two halves, both driven only by botocore's models and cached per service / per shape:

**Routing.** :func:`router` compiles every operation's ``http.method`` + ``http.requestUri``
(literal text, ``{Label}``, greedy ``{Label+}``, query discriminators such as ``?uploads`` or
``?list-type=2``) into a :class:`Router`. ``Router.match(req)`` picks the most specific route:

1. method, path (matched on the *percent-encoded* path) and the requestUri's query
   discriminators must match;
2. ties are broken like AWS: more literal path segments win, then more requestUri query
   keys, then routes whose *required* querystring / header members are all present in the
   request (e.g. S3 ``UploadPart`` needs ``partNumber`` + ``uploadId``; ``CopyObject`` needs
   ``x-amz-copy-source``), then more such required members, then more literal characters,
   then non-greedy over greedy, then operations not marked deprecated.

Labels are percent-decoded (greedy labels keep ``/``; ``+`` stays ``+``), so S3 keys with
spaces, unicode, ``+``, ``%``, ``//`` or a trailing slash survive.

**Bindings.** :func:`parse_bindings` reads the ``uri`` / ``querystring`` / ``header`` /
``headers`` (prefix map) members of an input shape from a request into client-side params
(typed: ints, floats, booleans, tz-aware UTC datetimes, jsonvalue headers decoded).
:func:`render_bindings` writes a result's ``header`` / ``headers`` / ``statusCode`` members
onto a response. :func:`body_members` / :func:`payload_member` say what is left for the body.

Timestamp helpers :func:`parse_timestamp` / :func:`format_timestamp` are shared with the body
codecs of every protocol.

Public API (kept stable for rest_json.py and rest_xml.py)::

    router(service_model) -> Router                     # cached per service model
    Router.match(req) -> RouteMatch | None              # .operation, .labels (decoded)
    Router.match_all(req) -> list[RouteMatch]           # every matching route, best first
    Router.match_path(method, path, query, headers)     # same, for an explicit (rewritten) path
    parse_bindings(req, input_shape, match) -> dict     # non-body params
    render_bindings(output_shape, result) -> (status | None, headers)
    bound_members(shape) -> Bindings                    # cached member tables
    shape_key(shape) -> hashable                        # cache key for botocore shapes
    payload_member(shape) -> str | None
    is_streaming_payload(shape) -> bool
    parse_timestamp(value, fmt) / format_timestamp(dt, fmt)
    body_stream(req) -> file-like                       # streaming input payloads
    BindingError                                        # subclass of ValueError
"""

from __future__ import annotations

import base64
import calendar
import io
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cached_property
from typing import IO, Any, NamedTuple
from urllib.parse import parse_qsl, unquote

from dateutil.parser import isoparse

from awsmock.engine.specs import OperationModel, ServiceModel, Shape, per_model
from awsmock.engine.wire import WireRequest, http_date
from awsmock.state import jsontext

__all__ = [
    "BindingError",
    "Bindings",
    "BoundedReader",
    "RouteMatch",
    "Router",
    "body_members",
    "body_stream",
    "bound_members",
    "format_timestamp",
    "is_streaming_payload",
    "parse_bindings",
    "parse_timestamp",
    "payload_member",
    "render_bindings",
    "router",
    "shape_key",
]


class BindingError(ValueError):
    """A bound value (label, query parameter, header) that cannot be read as its shape's type.

    ``member`` is the input member's name, ``value`` the raw text. Protocols turn it into their
    service's validation / serialization error.
    """

    def __init__(self, member: str, value: Any, message: str) -> None:
        super().__init__(message)
        self.member = member
        self.value = value


# --------------------------------------------------------------------------------------------
# timestamps


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_timestamp(value: Any, fmt: str | None = None) -> datetime:
    """A tz-aware UTC datetime from an epoch number, an ISO 8601 or an RFC 822 string.

    ``fmt`` (a botocore ``timestampFormat``: iso8601, rfc822, unixTimestamp) is a hint only:
    every form is accepted, as botocore's own parser does. Raises ``ValueError``.
    """
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, bool):
        raise ValueError("boolean is not a timestamp")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError("timestamp must be finite")
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    text = value.strip()
    if not text:
        raise ValueError("empty timestamp")
    if text[0].isdigit() and "-" in text[1:]:
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            try:
                dt = isoparse(text)
            except (ValueError, OverflowError) as exc:
                raise ValueError(f"not a timestamp: {value!r}") from exc
        return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        return parse_timestamp(number)
    try:
        dt = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError) as exc:
        raise ValueError(f"not a timestamp: {value!r}") from exc
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def format_timestamp(value: Any, fmt: str) -> Any:
    """``value`` (datetime, epoch number or string) in botocore timestampFormat ``fmt``.

    ``unixtimestamp`` gives an int for whole seconds, else a float with millisecond precision;
    ``iso8601`` gives ``YYYY-MM-DDTHH:MM:SS[.mmm]Z``; ``rfc822`` the HTTP date form.
    """
    dt = value if isinstance(value, datetime) else parse_timestamp(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    fmt = fmt.lower()
    if fmt == "unixtimestamp":
        whole = calendar.timegm(dt.utctimetuple())
        if dt.microsecond:
            return round(whole + dt.microsecond / 1_000_000, 3)
        return whole
    if fmt == "iso8601":
        dt = dt.astimezone(UTC)
        if dt.microsecond:
            return dt.strftime("%Y-%m-%dT%H:%M:%S") + f".{dt.microsecond // 1000:03d}Z"
        return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    if fmt == "rfc822":
        return http_date(dt)
    raise ValueError(f"unknown timestamp format {fmt}")


# --------------------------------------------------------------------------------------------
# routing

_LABEL_RE = re.compile(r"\{([^}]+)\}")


class RouteMatch(NamedTuple):  # a tuple: made for every candidate route of every request
    operation: str
    labels: dict[str, str]  # label name -> percent-decoded value
    route: Route


@dataclass(frozen=True)
class Route:
    operation: str
    method: str
    template: str
    regex: re.Pattern[str]
    labels: tuple[str, ...]  # label names in template order
    greedy: str | None
    query: tuple[tuple[str, str | None], ...]  # requestUri discriminators: (key, value or None)
    required_query: tuple[str, ...]  # required querystring members' wire names
    required_headers: tuple[str, ...]  # required header members' wire names (lower case)
    literal_segments: int
    literal_chars: int
    deprecated: bool = False  # loses ties (S3 GetBucketLifecycle vs GetBucketLifecycleConfiguration)

    def fits_query(self, qkeys: dict[str, str]) -> bool:
        """Whether a request with these query parameters has the route's discriminators."""
        for key, value in self.query:
            got = qkeys.get(key)
            if got is None or (value is not None and got != value):
                return False
        return True

    @cached_property
    def full_score(self) -> tuple[int, ...]:
        """:func:`_score` when every required query key and header is present."""
        needed = len(self.required_query) + len(self.required_headers)
        return (
            self.literal_segments,
            len(self.query),
            1,
            needed,
            self.literal_chars,
            0 if self.greedy else 1,
            0 if self.deprecated else 1,
        )

    @cached_property
    def partial_score(self) -> tuple[int, ...]:
        """:func:`_score` when a required query key or header is missing."""
        full = self.full_score
        return (full[0], full[1], 0, 0, *full[4:])

    @property
    def query_keys(self) -> frozenset[str]:
        return frozenset(k for k, _ in self.query)


def _compile_route(op: OperationModel) -> Route:
    http = op.http
    method = http.get("method", "POST").upper()
    template = http.get("requestUri", "/")
    path_t, _, query_t = template.partition("?")
    query: list[tuple[str, str | None]] = []
    if query_t:
        for key, value in parse_qsl(query_t, keep_blank_values=True):
            query.append((key, value if value != "" or f"{key}=" in query_t else None))
    pattern = ["^"]
    labels: list[str] = []
    greedy: str | None = None
    pos = 0
    for m in _LABEL_RE.finditer(path_t):
        pattern.append(re.escape(path_t[pos : m.start()]))
        name = m.group(1)
        if name.endswith("+"):
            name = name[:-1]
            greedy = name
            pattern.append(f"(?P<L{len(labels)}>.+)")
        else:
            pattern.append(f"(?P<L{len(labels)}>[^/]+)")
        labels.append(name)
        pos = m.end()
    pattern.append(re.escape(path_t[pos:]))
    if not path_t.endswith("/") and not path_t.endswith("+}"):
        pattern.append("/?")
    pattern.append("$")
    segments = [s for s in path_t.split("/") if s]
    literal_segments = sum(1 for s in segments if "{" not in s)
    literal_chars = len(_LABEL_RE.sub("", path_t))
    required_query: list[str] = []
    required_headers: list[str] = []
    shape = op.input_shape
    if shape is not None:
        for name in shape.required_members:
            member = shape.members.get(name)
            if member is None:
                continue
            loc = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            if loc == "querystring" and member.type_name != "map":
                required_query.append(wire)
            elif loc == "header":
                required_headers.append(wire.lower())
    return Route(
        operation=op.name,
        method=method,
        template=template,
        regex=re.compile(pattern[0] + "".join(pattern[1:]), re.DOTALL),
        labels=tuple(labels),
        greedy=greedy,
        query=tuple(query),
        required_query=tuple(required_query),
        required_headers=tuple(required_headers),
        literal_segments=literal_segments,
        literal_chars=literal_chars,
        deprecated=bool(getattr(op, "deprecated", False)),
    )


@dataclass
class Router:
    """Every REST route of one service, grouped by HTTP method."""

    service: str
    by_method: dict[str, list[Route]] = field(default_factory=dict)
    by_operation: dict[str, Route] = field(default_factory=dict)
    _by_query: dict[tuple[str, frozenset[str]], list[Route]] = field(default_factory=dict, repr=False)
    _plans: dict[tuple[str, frozenset[str]], Any] = field(default_factory=dict, repr=False)
    #: (operation, method, path, query string) -> the named route's match: an SDK sends the
    #: same few URLs again and again (a queue, a table, a bucket's keys)
    _named: dict[tuple[str, str, str, str], RouteMatch] = field(default_factory=dict, repr=False)

    def _candidates(self, method: str, qkeys: dict[str, str]) -> list[Route]:
        """The routes of ``method`` whose query keys the request has (values are checked by
        the caller): remembered per set of query keys, so a request tries a route or two
        instead of every route of its method (S3 has ~50 GET routes)."""
        key = (method, frozenset(qkeys))
        hit = self._by_query.get(key)
        if hit is None:
            hit = [r for r in self.by_method.get(method, ()) if all(k in qkeys for k, _ in r.query)]
            if len(self._by_query) < 4096:
                self._by_query[key] = hit
        return hit

    def match_named(self, req: WireRequest, path: str) -> RouteMatch | None:
        """The route of the operation an SDK in this process serialized ``req`` for
        (:attr:`WireRequest.sdk_operation`), at the (percent-encoded, possibly rewritten)
        ``path``: one route to try instead of every route of the method. None: no operation
        named, or the request does not fit its route (the general match then decides)."""
        sdk = req.sdk_operation
        if sdk is None or sdk[0] != self.service:
            return None
        key = (sdk[1], req.method, path, req.query_string)
        found = self._named.get(key)
        if found is not None:
            # the same URL fits the same route; only its required headers remain to check
            headers = req.headers
            for name in found.route.required_headers:
                if name not in headers:
                    break
            else:
                return found
        found = self.match_operation(sdk[1], req.method.upper(), path, req.query_dict, req.headers)
        if found is not None and len(self._named) < 4096:
            self._named[key] = found  # (its labels are only read, as match_path's shared ones)
        return found

    def match_operation(
        self, operation: str, method: str, path: str, qkeys: dict[str, str], headers: dict[str, str]
    ) -> RouteMatch | None:
        """``operation``'s route, if the request fits it: method, path, query discriminators,
        required query keys and headers."""
        route = self.by_operation.get(operation)
        if route is None or route.method != method or (route.query and not route.fits_query(qkeys)):
            return None
        if _score(route, qkeys, headers) is not route.full_score:
            return None
        m = route.regex.match(path or "/")
        if m is None:
            return None
        return RouteMatch(
            operation, {name: unquote(m.group(f"L{i}")) for i, name in enumerate(route.labels)}, route
        )

    def match_all(self, req: WireRequest) -> list[RouteMatch]:
        """Every route matching ``req``, most specific first (see the module docstring)."""
        return self.match_path(req.method, req.path, req.query, req.headers)

    def match(self, req: WireRequest) -> RouteMatch | None:
        """The most specific route for ``req``, or None: the first of :meth:`match_all`, found
        without building (labels, sorting) the routes that lose."""
        named = self.match_named(req, req.path)
        if named is not None:
            return named
        qkeys = req.query_dict
        routes = self._candidates(req.method.upper(), qkeys)
        if not routes:
            return None
        path = req.path or "/"
        headers = req.headers
        best: tuple[tuple[int, ...], Route, re.Match[str]] | None = None
        for route in routes:
            if route.query and not route.fits_query(qkeys):
                continue
            m = route.regex.match(path)
            if m is None:
                continue
            score = _score(route, qkeys, headers)
            # strictly greater: on a tie the earlier route stays, as match_all's stable sort keeps it
            if best is None or score > best[0]:
                best = (score, route, m)
        if best is None:
            return None
        _, route, m = best
        labels = {name: unquote(m.group(f"L{i}")) for i, name in enumerate(route.labels)}
        return RouteMatch(route.operation, labels, route)

    def match_path(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]] | dict[str, str],
        headers: dict[str, str] | None = None,
    ) -> list[RouteMatch]:
        """Like :meth:`match_all` for an explicit method, percent-encoded path, query pairs
        (or dict) and lower-cased headers (rest-xml uses this after S3 virtual-host rewriting)."""
        if not path:
            path = "/"
        qkeys: dict[str, str] = dict(query) if not isinstance(query, dict) else query
        plan = self._plan(method.upper(), qkeys)
        if not plan:
            return []
        headers = headers or {}
        scored: list[tuple[tuple[int, ...], int, RouteMatch]] = []
        for regex, names, routes in plan:
            m = regex.match(path)
            if m is None:
                continue
            # routes of one template share the match and its decoded labels (read-only)
            labels = {name: unquote(m.group(f"L{i}")) for i, name in enumerate(names)}
            for index, route in routes:
                if route.query and not route.fits_query(qkeys):
                    continue
                scored.append(
                    (_score(route, qkeys, headers), index, RouteMatch(route.operation, labels, route))
                )
        if len(scored) > 1:
            # most specific first; among equals, the route listed first (as a stable sort would)
            scored.sort(key=lambda item: (item[0], -item[1]), reverse=True)
        return [m for _, _, m in scored]

    def _plan(
        self, method: str, qkeys: dict[str, str]
    ) -> list[tuple[re.Pattern[str], tuple[str, ...], list[tuple[int, Route]]]]:
        """The candidate routes grouped by template regex (and label names), each route with
        its place among the candidates; remembered like :meth:`_candidates`."""
        key = (method, frozenset(qkeys))
        hit = self._plans.get(key)
        if hit is None:
            groups: dict[
                tuple[str, tuple[str, ...]], tuple[re.Pattern[str], tuple[str, ...], list[tuple[int, Route]]]
            ] = {}
            for index, route in enumerate(self._candidates(method, qkeys)):
                group = groups.setdefault(
                    (route.regex.pattern, route.labels), (route.regex, route.labels, [])
                )
                group[2].append((index, route))
            hit = list(groups.values())
            if len(self._plans) < 4096:
                self._plans[key] = hit
        return hit


def _score(route: Route, qkeys: dict[str, str], headers: dict[str, str]) -> tuple[int, ...]:
    """How specific a matching route is (higher wins; see the module docstring)."""
    full = route.full_score
    for k in route.required_query:
        if k not in qkeys:
            break
    else:
        for h in route.required_headers:
            if h not in headers:
                break
        else:
            return full
    return route.partial_score


@per_model
def router(service: ServiceModel) -> Router:
    """The compiled :class:`Router` of ``service`` (built once per service model)."""
    r = Router(service.service_name)
    for name in service.operation_names:
        route = _compile_route(service.operation_model(name))
        r.by_method.setdefault(route.method, []).append(route)
        r.by_operation[name] = route
    return r


# --------------------------------------------------------------------------------------------
# member tables


#: how a header member's text is made (Bindings.header_out): str(value); an HTTP date; _header_text
HEADER_STR, HEADER_HTTP_DATE, HEADER_OTHER = 0, 1, 2


@dataclass(frozen=True)
class Bindings:
    """Where each member of a structure lives on the wire (cached per shape)."""

    uri: tuple[tuple[str, str, Shape], ...]  # (member, label, shape)
    query: tuple[tuple[str, str, Shape], ...]  # (member, query key, shape)
    query_map: tuple[str, Shape] | None  # (member, map shape): a querystring map member
    header: tuple[tuple[str, str, Shape], ...]  # (member, lower-cased header, shape)
    header_maps: tuple[tuple[str, str, Shape], ...]  # (member, lower-cased prefix, shape)
    status: str | None  # member bound to the status code
    body: tuple[str, ...]  # members without a location
    payload: str | None
    #: lower-cased header -> (member, shape, plain) of the members bound to it (a request names
    #: a few of a shape's many); plain: a string member whose header text is its value
    header_index: dict[str, tuple[tuple[str, Shape, bool], ...]] = field(default_factory=dict, compare=False)
    #: the wire names of the header members bound to Content-Type and Content-Length, if any
    content_type_header: str | None = None
    content_length_header: str | None = None
    #: a request's header names -> the ones this shape reads (see _relevant_headers)
    header_sets: dict[tuple[str, ...], Any] = field(default_factory=dict, compare=False)
    #: a result's member names -> the writer of the header members among them (_header_writer)
    result_sets: dict[tuple[str, ...], Any] = field(default_factory=dict, compare=False)
    #: header member -> (its wire name as sent, its shape, how its text is made: HEADER_STR,
    #: HEADER_HTTP_DATE or HEADER_OTHER)
    header_out: dict[str, tuple[str, Shape, int]] = field(default_factory=dict, compare=False)


def shape_key(shape: Shape) -> tuple[Any, ...]:
    """A hashable identity for ``shape``: botocore builds a new Shape object for every member
    reference, so caches key on (service's shape resolver, shape name, member traits)."""
    resolver = getattr(shape, "_shape_resolver", None)
    return (id(resolver), shape.name, repr(sorted(shape.serialization.items())))


_bindings: dict[Any, tuple[Any, Bindings]] = {}


def bound_members(shape: Shape) -> Bindings:
    """The :class:`Bindings` of structure ``shape`` (cached)."""
    ident = id(shape)
    hit = _bindings.get(ident)
    if hit is not None and hit[0] is shape:
        return hit[1]
    key = shape_key(shape)
    hit = _bindings.get(key)
    if hit is not None and hit[0] is getattr(shape, "_shape_resolver", None):
        _bindings[ident] = (shape, hit[1])
        return hit[1]
    uri, query, header, header_maps, body = [], [], [], [], []
    query_map = None
    status = None
    for name, member in shape.members.items():
        ser = member.serialization
        loc = ser.get("location")
        wire = ser.get("name", name)
        if loc == "uri":
            uri.append((name, wire, member))
        elif loc == "querystring":
            if member.type_name == "map":
                query_map = (name, member)
            else:
                query.append((name, wire, member))
        elif loc == "header":
            header.append((name, wire.lower(), member))
        elif loc == "headers":
            header_maps.append((name, ser.get("name", "").lower(), member))
        elif loc == "statusCode":
            status = name
        else:
            body.append(name)
    b = Bindings(
        uri=tuple(uri),
        query=tuple(query),
        query_map=query_map,
        header=tuple(header),
        header_maps=tuple(header_maps),
        status=status,
        body=tuple(body),
        payload=shape.serialization.get("payload"),
        content_type_header=_wire_of(header, "content-type"),
        content_length_header=_wire_of(header, "content-length"),
    )
    for name, hname, member in header:
        t = member.type_name
        plain_text = t == "string" and not member.serialization.get("jsonvalue")
        b.header_index[hname] = (*b.header_index.get(hname, ()), (name, member, plain_text))
        if plain_text or t in ("integer", "long"):
            kind = HEADER_STR
        elif t == "timestamp" and member.serialization.get("timestampFormat", "rfc822") == "rfc822":
            kind = HEADER_HTTP_DATE
        else:
            kind = HEADER_OTHER
        b.header_out[name] = (member.serialization.get("name", name), member, kind)
    _bindings[key] = (getattr(shape, "_shape_resolver", None), b)
    _bindings[ident] = (shape, b)
    return b


def _wire_of(header: list[tuple[str, str, Shape]], lowered: str) -> str | None:
    for name, hname, member in header:
        if hname == lowered:
            return str(member.serialization.get("name", name))
    return None


def body_members(shape: Shape) -> tuple[str, ...]:
    """Members of ``shape`` that go in the body (no ``location``)."""
    return bound_members(shape).body


def payload_member(shape: Shape) -> str | None:
    """The member named by the shape's ``payload`` trait, if any."""
    return shape.serialization.get("payload")


def is_streaming_payload(shape: Shape) -> bool:
    """Whether the structure's payload member is a blob or string sent as the raw body."""
    name = shape.serialization.get("payload")
    return name is not None and shape.members[name].type_name in ("blob", "string")


# --------------------------------------------------------------------------------------------
# reading bound values


def _split_header_list(text: str) -> list[str]:
    """RFC 7230 comma list; double-quoted items may contain commas and ``\\"``."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t":
            i += 1
        if i < n and text[i] == '"':
            i += 1
            buf = []
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(text[i])
                i += 1
            i += 1
            out.append("".join(buf))
            while i < n and text[i] != ",":
                i += 1
            i += 1
        else:
            j = text.find(",", i)
            if j < 0:
                j = n
            out.append(text[i:j].strip())
            i = j + 1
    return out


_WEEKDAYS = frozenset(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))


def _join_http_dates(items: list[str]) -> list[str]:
    """Re-join ``Mon, 16 Dec 2019 23:48:18 GMT`` dates that a comma split cut in two."""
    out: list[str] = []
    for item in items:
        if out and out[-1] in _WEEKDAYS:
            out[-1] = f"{out[-1]}, {item}"
        else:
            out.append(item)
    return out


def _scalar(member: str, shape: Shape, text: str, where: str) -> Any:
    """A scalar from its text form in a uri / querystring / header."""
    t = shape.type_name
    try:
        if t == "string":
            if where == "header" and shape.serialization.get("jsonvalue"):
                return jsontext.guarded_loads(base64.b64decode(text).decode("utf-8"))
            return text
        if t in ("integer", "long"):
            return int(text)
        if t in ("float", "double"):
            if text in ("NaN", "Infinity", "-Infinity"):
                return float(text.replace("Infinity", "inf"))
            return float(text)
        if t == "boolean":
            low = text.strip().lower()
            if low == "true":
                return True
            if low == "false":
                return False
            raise ValueError(text)
        if t == "timestamp":
            default = "rfc822" if where == "header" else "iso8601"
            return parse_timestamp(text, shape.serialization.get("timestampFormat", default))
        if t == "blob":
            return base64.b64decode(text, validate=True) if where == "header" else text.encode()
    except (ValueError, TypeError) as exc:
        raise BindingError(member, text, f"Invalid value {text!r} for {member} ({t})") from exc
    return text


def _relevant_headers(b: Bindings, names: tuple[str, ...]) -> tuple[tuple[Any, ...], ...]:
    """What ``b`` reads from a request with the header ``names``, flat: (header, member) of the
    plain text members, (header, member, shape) of the others, (header, map member, prefix
    length) of the header maps a header falls in; remembered in ``b.header_sets``."""
    plain: list[tuple[str, str]] = []
    other: list[tuple[str, str, Shape]] = []
    mapped: list[tuple[str, str, int]] = []
    for hname in names:
        for name, member, plain_text in b.header_index.get(hname, ()):
            if plain_text:
                plain.append((hname, name))
            else:
                other.append((hname, name, member))
        for name, prefix, _ in b.header_maps:
            if hname.startswith(prefix):
                mapped.append((hname, name, len(prefix)))
    relevant = (tuple(plain), tuple(other), tuple(mapped))
    if len(b.header_sets) < 4096:
        b.header_sets[names] = relevant
    return relevant


def parse_bindings(req: WireRequest, shape: Shape | None, match: RouteMatch | None) -> dict[str, Any]:
    """The input params bound to the uri, querystring and headers of ``req``.

    ``match`` is the request's route (labels are read from it; its requestUri query
    discriminators never land in a querystring map member). Body and payload members are left
    to the protocol. Raises :class:`BindingError` for unreadable values.
    """
    labels = match.labels if match is not None else {}
    if shape is None:
        return {}
    b = bound_members(shape)
    params: dict[str, Any] = {}
    for name, label, member in b.uri:
        if label in labels:
            text = labels[label]
            params[name] = text if member.type_name == "string" else _scalar(name, member, text, "uri")
    if (b.query or b.query_map) and req.query_string:
        pairs = req.query
        multi: dict[str, list[str]] = {}
        for k, v in pairs:
            multi.setdefault(k, []).append(v)
        for name, key, member in b.query:
            values = multi.get(key)
            if values is None:
                continue
            if member.type_name == "list":
                params[name] = [_scalar(name, member.member, v, "query") for v in values]
            else:
                params[name] = _scalar(name, member, values[0], "query")
        if b.query_map is not None:
            # every query parameter not bound to a named member nor fixed by the requestUri
            name, mshape = b.query_map
            route_keys = match.route.query_keys if match is not None else frozenset()
            named = {key for _, key, _ in b.query}
            out: dict[str, Any] = {}
            for k, values in multi.items():
                if k in route_keys or k in named:
                    continue
                if mshape.value.type_name == "list":
                    out[k] = [_scalar(name, mshape.value.member, v, "query") for v in values]
                else:
                    out[k] = _scalar(name, mshape.value, values[0], "query")
            if out:
                params[name] = out
    if b.header or b.header_maps:
        headers = req.headers
        # a client sends the same dozen headers on every request, of which a shape binds a few:
        # which ones is worked out once per set of header names
        names = tuple(headers)
        try:
            relevant = b.header_sets[names]
        except KeyError:
            relevant = _relevant_headers(b, names)
        plain, other, mapped = relevant
        for hname, name in plain:
            params[name] = headers[hname]
        for hname, name, member in other:
            text = headers[hname]
            if member.type_name == "list":
                items = _split_header_list(text)
                if member.member.type_name == "timestamp":
                    items = _join_http_dates(items)
                params[name] = [_scalar(name, member.member, v, "header") for v in items]
            else:
                params[name] = _scalar(name, member, text, "header")
        for hname, name, cut in mapped:
            params.setdefault(name, {})[hname[cut:]] = headers[hname]
    return params


# --------------------------------------------------------------------------------------------
# writing bound values


def _header_text(shape: Shape, value: Any) -> str:
    t = shape.type_name
    if t == "timestamp":
        return str(format_timestamp(value, shape.serialization.get("timestampFormat", "rfc822")))
    if t == "list":
        items = []
        for v in value:
            if v is None:
                continue
            s = _header_text(shape.member, v)
            if shape.member.type_name == "string" and ('"' in s or "," in s):
                s = '"' + s.replace('"', '\\"') + '"'
            items.append(s)
        return ",".join(items)
    if t == "string" and shape.serialization.get("jsonvalue"):
        return base64.b64encode(json.dumps(value, separators=(",", ":")).encode()).decode()
    if t == "boolean":
        return "true" if value else "false"
    if t in ("float", "double"):
        f = float(value)
        if math.isnan(f):
            return "NaN"
        if math.isinf(f):
            return "Infinity" if f > 0 else "-Infinity"
        return repr(f) if f != int(f) or abs(f) >= 1e16 else str(f)
    if t == "blob":
        raw = value.encode() if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode()
    return str(value)


def _header_writer(
    shape_name: str, present: list[tuple[str, str, Shape, int]]
) -> Callable[[dict[str, Any], dict[str, str]], None]:
    """A function writing the header members ``present`` (name, wire name, shape, kind) of a
    result into a headers dict: one statement per member, made once per set of result member
    names (a loop over them costs twice as much per member). Names and wire names are the
    model's, written as literals; a value that is not of the usual type goes to _header_text."""
    env: dict[str, Any] = {"datetime": datetime, "http_date": http_date, "_header_text": _header_text}
    lines = ["def write(result, headers):"]
    for i, (name, wire, member, kind) in enumerate(present):
        env[f"m{i}"] = member
        lines.append(f"    v = result[{name!r}]")
        if kind == HEADER_STR:
            lines.append(f"    if v is not None: headers[{wire!r}] = v if v.__class__ is str else str(v)")
        elif kind == HEADER_HTTP_DATE:
            lines.append(
                f"    if v is not None: headers[{wire!r}] = http_date(v) if v.__class__ is datetime "
                f"else _header_text(m{i}, v)"
            )
        elif member.type_name == "list":  # an empty list sends no header
            lines.append(f"    if v: headers[{wire!r}] = _header_text(m{i}, v)")
        else:
            lines.append(f"    if v is not None: headers[{wire!r}] = _header_text(m{i}, v)")
    lines.append("    return None")
    exec(compile("\n".join(lines), f"<header writer of {shape_name}>", "exec"), env)
    return env["write"]  # type: ignore[no-any-return]


def render_bindings(shape: Shape | None, result: dict[str, Any]) -> tuple[int | None, dict[str, str]]:
    """``(status or None, headers)`` for the result members bound to the status code and to
    headers (``header`` members by name, ``headers`` maps with their prefix)."""
    if shape is None:
        return None, {}
    b = bound_members(shape)
    headers: dict[str, str] = {}
    status: int | None = None
    if b.header:
        # a handler answers with the same members each time: the header ones among them are
        # picked out once per set of member names
        names = tuple(result)
        try:
            writer = b.result_sets[names]
        except KeyError:
            out = b.header_out
            writer = _header_writer(shape.name, [(name, *out[name]) for name in names if name in out])
            if len(b.result_sets) < 4096:
                b.result_sets[names] = writer
        writer(result, headers)
    for name, _prefix, mshape in b.header_maps:
        value = result.get(name)
        if value:
            prefix = mshape.serialization.get("name", "")
            for k, v in value.items():
                headers[prefix + k] = str(v)
    if b.status is not None and result.get(b.status) is not None:
        status = int(result[b.status])
    return status, headers


# --------------------------------------------------------------------------------------------
# streaming bodies


class BoundedReader(io.RawIOBase):
    """A read-only file over at most ``limit`` bytes of ``stream`` (``None``: until EOF)."""

    def __init__(self, stream: IO[bytes], limit: int | None) -> None:
        self._stream = stream
        self._left = limit

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if self._left is not None:
            if self._left <= 0:
                return b""
            if size is None or size < 0 or size > self._left:
                size = self._left
        data = self._stream.read(-1 if size is None else size)
        if self._left is not None:
            self._left -= len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        return self.read(-1)


def body_stream(req: WireRequest) -> IO[bytes]:
    """The request body as a file-like object, without buffering it (for streaming input
    payloads); a body that was already read is served from memory."""
    if req._body is not None:
        return io.BytesIO(req._body)
    if req.content_length is None and req.headers.get("transfer-encoding", "").lower() != "chunked":
        return io.BytesIO(b"")
    return BoundedReader(req.stream, req.content_length)  # type: ignore[return-value]
