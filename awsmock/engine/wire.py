"""Protocol-neutral views of an HTTP request and response.

The dispatcher builds a :class:`WireRequest` from the WSGI environ (server mode and in-process
mode alike); protocols parse it and return a :class:`WireResponse`.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import IO, Any
from urllib.parse import parse_qsl, unquote

MAX_BUFFERED_BODY = 64 * 1024 * 1024  # requests parsed in memory (not streamed) are capped here


#: WSGI environ key -> lower-cased header name (HTTP_X_AMZ_DATE -> x-amz-date)
_HEADER_NAMES: dict[str, str] = {}


class BodyTooLarge(Exception):
    pass


_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def http_date(value: datetime) -> str:
    """A datetime as an HTTP date (``Tue, 01 Dec 2026 10:00:00 GMT``), what
    ``email.utils.format_datetime(value, usegmt=True)`` gives for an aware UTC one, built
    directly (a hot header: Last-Modified). An aware one is converted to UTC; a naive one is
    taken as UTC already (as awsmock stores times)."""
    t = value.astimezone(UTC) if value.utcoffset() else value
    return (
        f"{_DAY_NAMES[t.weekday()]}, {t.day:02d} {_MONTH_NAMES[t.month - 1]} {t.year:04d} "
        f"{t.hour:02d}:{t.minute:02d}:{t.second:02d} GMT"
    )


@dataclass
class WireRequest:
    method: str
    path: str  # percent-encoded, as sent (no query string)
    query_string: str
    headers: dict[str, str]  # lower-cased names
    stream: IO[bytes]
    content_length: int | None
    scheme: str = "http"
    host: str = "localhost"
    remote_addr: str = "127.0.0.1"
    _body: bytes | None = None
    #: (service, operation) an SDK in this process serialized this request for (in-process
    #: mode): routing tries that operation's route first instead of every route
    sdk_operation: tuple[str, str] | None = None
    #: (service, operation) the dispatcher took this request for, as far as it got (for the
    #: server's request log)
    served_as: tuple[str | None, str | None] | None = field(default=None, repr=False, compare=False)
    #: an ``aws-chunked`` body an SDK in this process handed over before framing it (in-process
    #: mode): ``(payload, trailers)``, the decoding of ``_body``, which holds it framed as on
    #: the wire; readers of the payload take it from here instead of decoding ``_body``
    unframed: tuple[bytes, dict[str, str]] | None = field(default=None, repr=False, compare=False)
    # query and query_dict, parsed on first use (functools.cached_property takes a lock per
    # access on Python 3.11: a measurable share of a small request)
    _query: list[tuple[str, str]] | None = field(default=None, repr=False, compare=False)
    #: called with the SHA-256 (hex) of a streamed body once it has been read to its end, when
    #: the body must be what the request's signature says (set by authentication)
    payload_check: Callable[[str], None] | None = field(default=None, repr=False, compare=False)
    _query_dict: dict[str, str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_environ(cls, env: dict[str, Any]) -> WireRequest:
        headers: dict[str, str] = {}
        names = _HEADER_NAMES
        for key, value in env.items():
            name = names.get(key)
            if name is None:
                if not key.startswith("HTTP_"):
                    continue
                name = key[5:].replace("_", "-").lower()
                if len(names) < 4096:  # header names repeat: remember their translation
                    names[key] = name
            headers[name] = value
        if env.get("CONTENT_TYPE"):
            headers["content-type"] = env["CONTENT_TYPE"]
        length = env.get("CONTENT_LENGTH")
        if length:
            headers["content-length"] = length
        raw_uri = env.get("RAW_URI") or env.get("REQUEST_URI")
        if raw_uri:
            path = raw_uri.split("?", 1)[0]
            if "://" in path:  # absolute-form request target
                path = "/" + path.split("://", 1)[1].partition("/")[2]
        else:
            from urllib.parse import quote

            path = quote(env.get("PATH_INFO", "/").encode("latin-1"), safe="/~!$&'()*+,;=:@")
        host = headers.get("host") or env.get("SERVER_NAME", "localhost")
        try:
            clen = int(length) if length else None
        except ValueError:
            clen = None
        return cls(
            method=env.get("REQUEST_METHOD", "GET").upper(),
            path=path or "/",
            query_string=env.get("QUERY_STRING", ""),
            headers=headers,
            stream=env["wsgi.input"],
            content_length=clen,
            scheme=env.get("wsgi.url_scheme", "http"),
            host=host,
            remote_addr=env.get("REMOTE_ADDR", "127.0.0.1"),
        )

    @property
    def body(self) -> bytes:
        """The whole body, read once (capped at :data:`MAX_BUFFERED_BODY`)."""
        if self._body is None:
            n = self.content_length
            if n is None:
                if self.headers.get("transfer-encoding", "").lower() == "chunked":
                    data = self.stream.read(MAX_BUFFERED_BODY + 1)
                    if len(data) > MAX_BUFFERED_BODY:
                        raise BodyTooLarge()
                    self._body = data
                else:
                    self._body = b""
            else:
                if n > MAX_BUFFERED_BODY:
                    raise BodyTooLarge()
                self._body = self.stream.read(n) if n > 0 else b""
            check = self.payload_check
            if check is not None:
                self.payload_check = None
                check(hashlib.sha256(self._body).hexdigest())
        return self._body

    @cached_property
    def rpc_body(self) -> bytes:
        """The body of an RPC request (JSON, CBOR, query forms) with the request compression
        SDKs apply undone (``Content-Encoding: gzip``; botocore compresses large bodies of the
        operations its model marks), capped as :attr:`body`. A body that is not gzip after all
        is given as sent (its protocol's parser refuses it). Never for the payload of REST
        operations, whose ``Content-Encoding`` a service may keep as the data's own metadata)."""
        body = self.body
        coding = self.headers.get("content-encoding", "").lower()
        if "gzip" not in coding or not body:
            return body
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out = inflate.decompress(body, MAX_BUFFERED_BODY + 1)
        except zlib.error:
            return body
        if len(out) > MAX_BUFFERED_BODY or inflate.unconsumed_tail:
            raise BodyTooLarge()
        return out

    @cached_property
    def decoded_path(self) -> str:
        return unquote(self.path)

    @property
    def query(self) -> list[tuple[str, str]]:
        query = self._query
        if query is None:
            qs = self.query_string
            query = self._query = _parse_query(qs) if qs else []
        return query

    @property
    def query_dict(self) -> dict[str, str]:
        found = self._query_dict
        if found is None:
            found = self._query_dict = dict(self.query)
        return found

    @cached_property
    def form(self) -> dict[str, str]:
        """``application/x-www-form-urlencoded`` body fields (query and ec2 protocols)."""
        ctype = self.headers.get("content-type", "")
        if self.method == "POST" and (not ctype or ctype.startswith("application/x-www-form-urlencoded")):
            try:
                return dict(parse_qsl(self.rpc_body.decode("utf-8"), keep_blank_values=True))
            except UnicodeDecodeError:
                return {}
        return {}

    @property
    def endpoint(self) -> str:
        return f"{self.scheme}://{self.host}"


def _parse_query(qs: str) -> list[tuple[str, str]]:
    """``parse_qsl(qs, keep_blank_values=True)``; a query with nothing to decode (an SDK's
    ``x-id=GetObject``) split directly."""
    if "%" in qs or "+" in qs:
        return parse_qsl(qs, keep_blank_values=True)
    return [pair.partition("=")[::2] for pair in qs.split("&") if pair]  # type: ignore[misc]


@dataclass
class WireResponse:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] | IO[bytes] = b""
    content_length: int | None = None  # for streamed bodies, when known

    def iter_body(self) -> Iterator[bytes]:
        body = self.body
        if isinstance(body, (bytes, bytearray)):
            yield bytes(body)
        elif hasattr(body, "read"):
            while True:
                chunk = body.read(1024 * 1024)  # type: ignore[union-attr]
                if not chunk:
                    break
                yield chunk
        else:
            yield from body  # type: ignore[misc]
