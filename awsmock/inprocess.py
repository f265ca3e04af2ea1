"""In-process transport: HTTP requests handed to the WSGI app without a socket.

:func:`wsgi_call` turns a URL, method, headers and body into a WSGI call of the awsmock app and
returns status, headers and a streaming body; :func:`urllib3_response` wraps that for
urllib3/requests (an ``HTTPResponse``). :func:`botocore_response` hands an SDK request straight
to the app's AWS dispatcher as a :class:`WireRequest` and returns botocore's ``AWSResponse``.
:func:`is_aws_host` (:mod:`awsmock.engine.hosts`) tells the hosts that in-process mode must
never let through.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterable, Iterator
from http import HTTPStatus
from itertools import compress, repeat
from operator import attrgetter, methodcaller, not_
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from botocore.awsrequest import AWSPreparedRequest, AWSResponse, HeadersDict
from botocore.httpchecksum import AwsChunkedWrapper

from awsmock.api.app import answer_headers
from awsmock.engine.wire import WireRequest
from awsmock.state.store import Store


class _Body:
    """A WSGI response body as the ``raw`` object botocore reads (``read(n)``, ``stream()``)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._source = chunks
        self._iter: Iterator[bytes] = iter(chunks)
        self._buf = b""
        self._done = False

    def read(self, amt: int | None = None, **_: Any) -> bytes:
        if amt is None or amt < 0:
            data = self._buf + b"".join(self._iter)
            self._buf = b""
            self._finish()
            return data
        while len(self._buf) < amt and not self._done:
            piece = next(self._iter, None)  # (no StopIteration raised and caught per answer)
            if piece is None:
                self._finish()
            else:
                self._buf += piece
        data, self._buf = self._buf[:amt], self._buf[amt:]
        return data

    def stream(self, amt: int = 1024 * 1024, decode_content: bool = False) -> Iterator[bytes]:
        if self._buf or amt is None or amt <= 0:
            while chunk := self.read(amt):
                yield chunk
            return
        for piece in self._iter:  # pieces as the app made them, none longer than amt
            while len(piece) > amt:
                yield piece[:amt]
                piece = piece[amt:]
            if piece:
                yield piece
        self._finish()

    def _finish(self) -> None:
        if not self._done:
            self._done = True
            close = getattr(self._source, "close", None)
            if close:
                close()

    @property
    def closed(self) -> bool:
        return self._done and not self._buf

    def close(self) -> None:
        self._finish()

    def release_conn(self) -> None:
        self._finish()


def _as_stream(body: Any) -> tuple[IO[bytes], int | None]:
    if body is None:
        return io.BytesIO(b""), 0
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        data = bytes(body)
        return io.BytesIO(data), len(data)
    if hasattr(body, "read"):
        return body, None
    data = b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)
    return io.BytesIO(data), len(data)


def wsgi_call(
    app: Any, method: str, url: str, headers: Any, body: Any
) -> tuple[int, list[tuple[str, str]], _Body]:
    """Call the WSGI ``app`` for one HTTP request; (status, headers, body)."""
    parts = urlsplit(url)
    stream, length = _as_stream(body)
    path = parts.path or "/"
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method.upper(),
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote(path).encode("utf-8").decode("latin-1"),
        "RAW_URI": path + (f"?{parts.query}" if parts.query else ""),
        "QUERY_STRING": parts.query,
        "SERVER_NAME": parts.hostname or "localhost",
        "SERVER_PORT": str(parts.port or (443 if parts.scheme == "https" else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": parts.scheme or "http",
        "wsgi.input": stream,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "HTTP_HOST": parts.netloc,
    }
    for name, value in headers.items():
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key == "CONTENT_LENGTH":
            environ["CONTENT_LENGTH"] = str(value)
        else:
            environ["HTTP_" + key] = str(value)
    if (
        length is not None
        and "CONTENT_LENGTH" not in environ
        and (length > 0 or "HTTP_TRANSFER_ENCODING" in environ)
    ):
        # the body is in memory already: its length replaces any HTTP chunked framing
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ["CONTENT_LENGTH"] = str(length)
    if "CONTENT_LENGTH" not in environ and length is None and environ.get("HTTP_TRANSFER_ENCODING") is None:
        # a file-like body of unknown size: read it (in-process only, never over a socket)
        data = stream.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
        environ["wsgi.input"] = io.BytesIO(data)
        environ["CONTENT_LENGTH"] = str(len(data))
    captured: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"] = int(status.split(" ", 1)[0])
        captured["headers"] = response_headers
        return lambda _data: None

    result = app(environ, start_response)
    return captured["status"], captured["headers"], _Body(result)


#: an SDK's request URL: scheme, netloc (no user info, no IPv6 brackets), path, query; no fragment
_PLAIN_URL = re.compile(r"([a-z][a-z0-9+.-]*)://([^/?#@\[]*)(/[^?#]*)(?:\?([^#]*))?\Z")


def _split_url(url: str) -> tuple[str, str, str, str]:
    """(scheme, netloc, path, query) of an SDK's request URL (``urlsplit`` for anything odd)."""
    m = _PLAIN_URL.match(url)
    if m is not None:
        return m.groups("")  # type: ignore[return-value]
    parts = urlsplit(url)
    return parts.scheme, parts.netloc, parts.path, parts.query


#: in-memory bodies up to this size are handed over whole (an aws-chunked upload of a file
#: larger than this is streamed to the handler, as over a socket)
WHOLE_BODY = 1 << 20


_LOWER_NAME = attrgetter("_lower")  # botocore's header key -> its lower-cased name
_STR = repeat(str)
_BYTES = repeat(bytes)
_LATIN1 = methodcaller("decode", "latin-1")


def _lowered(headers: Any) -> dict[str, str]:
    """``headers`` as a dict of lower-cased names to text values."""
    if type(headers) is HeadersDict:
        # a prepared request's headers: each key object holds the lower-cased name already
        # (iterating the mapping instead builds a key object per name and per lookup)
        try:
            table = headers._dict
            values = table.values()
            # the usual cases (all text, or all bytes as botocore prepares them for some
            # services), zipped without a Python loop
            if all(map(isinstance, values, _BYTES)):
                return dict(zip(map(_LOWER_NAME, table), map(_LATIN1, values), strict=True))
            # mixed (bytes, and a str Content-Length): the bytes decoded in C, then the rest
            names = list(map(_LOWER_NAME, table))
            raw = list(values)
            is_bytes = list(map(isinstance, raw, _BYTES))
            out = dict(zip(compress(names, is_bytes), map(_LATIN1, compress(raw, is_bytes)), strict=True))
            others = list(map(not_, is_bytes))
            for name, value in zip(compress(names, others), compress(raw, others), strict=True):
                out[name] = value if value.__class__ is str else str(value)
            return out
        except AttributeError:  # a botocore whose HeadersDict is laid out otherwise
            pass
    # botocore's HTTPHeaders is an email Message: its raw (name, value) list skips the email
    # policy's per-value parsing that items() does
    pairs = getattr(headers, "_headers", None)
    return {
        name.lower(): value.decode("latin-1") if value.__class__ is bytes else str(value)
        for name, value in (pairs if isinstance(pairs, list) else headers.items())
    }


def wire_request(
    method: str, url: str, headers: Any, body: Any, sdk_operation: tuple[str, str] | None = None
) -> WireRequest:
    """The :class:`WireRequest` the server would build for this HTTP request (``sdk_operation``:
    the service and operation an SDK serialized it for, see :attr:`WireRequest.sdk_operation`)."""
    scheme, netloc, path, query = _split_url(url)
    hdrs = _lowered(headers)
    hdrs.setdefault("host", netloc)
    whole: bytes | None = None
    unframed: tuple[bytes, dict[str, str]] | None = None
    if body is None or isinstance(body, (bytes, bytearray, memoryview, str)):
        whole = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
    elif body.__class__ is AwsChunkedWrapper and (unframed := _unframed(body, hdrs)) is not None:
        whole = _framed(body, unframed)
    elif hasattr(body, "read") and "content-length" not in hdrs:
        # a file-like body of unknown size: botocore's aws-chunked encoder (its decoded length
        # is announced) or a stream; small ones are read whole (in-process only)
        decoded = hdrs.get("x-amz-decoded-content-length", "")
        if "transfer-encoding" not in hdrs or (decoded.isdigit() and int(decoded) <= WHOLE_BODY):
            data = body.read()
            whole = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    elif not hasattr(body, "read"):  # an iterable of pieces
        whole = b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)
    if whole is not None:
        if "content-length" not in hdrs and (whole or "transfer-encoding" in hdrs):
            # the body is in memory: its length replaces any HTTP chunked framing
            hdrs.pop("transfer-encoding", None)
            hdrs["content-length"] = str(len(whole))
        stream: IO[bytes] = io.BytesIO(whole)
    else:
        stream = body
    try:
        clen = int(hdrs["content-length"]) if "content-length" in hdrs else None
    except ValueError:
        clen = None
    return WireRequest(
        method=method.upper(),
        path=path or "/",
        query_string=query,
        headers=hdrs,
        stream=stream,
        content_length=clen,
        scheme=scheme or "http",
        host=hdrs["host"],
        _body=whole if whole is not None and clen == len(whole) else None,
        sdk_operation=sdk_operation,
        unframed=unframed,
    )


def _unframed(body: AwsChunkedWrapper, headers: dict[str, str]) -> tuple[bytes, dict[str, str]] | None:
    """What botocore's aws-chunked encoder ``body`` would send, before framing: ``(payload,
    trailers)``, read from the stream it wraps with botocore's own checksum (its encoder runs
    a Python loop per chunk and the server would parse the framing again). None: not a small
    body read from the start (the encoder then runs as on the wire)."""
    decoded = headers.get("x-amz-decoded-content-length", "")
    try:
        if body._remaining or body._complete or not decoded.isdigit() or int(decoded) > WHOLE_BODY:
            return None
        read, size, checksum, name = body._raw.read, body._chunk_size, body._checksum, body._checksum_name
    except AttributeError:  # a botocore whose encoder is laid out otherwise
        return None
    pieces = []
    while piece := read(size):
        pieces.append(piece if piece.__class__ is bytes else bytes(piece))
    payload = pieces[0] if len(pieces) == 1 else b"".join(pieces)
    body._complete = True  # as botocore's encoder leaves it once read (a retry seeks back)
    if checksum is None:
        return payload, {}
    checksum.update(payload)
    return payload, {name.lower(): checksum.b64digest()}


def _framed(body: AwsChunkedWrapper, unframed: tuple[bytes, dict[str, str]]) -> bytes:
    """``unframed`` framed as botocore's encoder frames it (one chunk per read of its size)."""
    payload, trailers = unframed
    end = b"".join(
        b"%s:%s\r\n" % (body._checksum_name.encode("ascii"), v.encode("ascii")) for v in trailers.values()
    )
    size = body._chunk_size
    if len(payload) <= size:  # (the usual case: one chunk, or none)
        return b"%x\r\n%s\r\n0\r\n%s\r\n" % (len(payload), payload, end) if payload else b"0\r\n%s\r\n" % end
    chunks = (payload[i : i + size] for i in range(0, len(payload), size))
    return b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n%s\r\n" % end


def botocore_response(app: Any, request: AWSPreparedRequest, operation: Any = None) -> AWSResponse:
    """The app's answer to a prepared botocore request, as botocore's ``AWSResponse``.

    An SDK request goes straight to the app's AWS dispatcher (no WSGI environ built and taken
    apart again), naming the ``operation`` (botocore's model) it was serialized for; other WSGI
    apps get a WSGI call."""
    answer = getattr(app, "answer", None)
    if answer is not None:
        sdk = None if operation is None else (operation.service_model.service_name, operation.name)
        req = wire_request(request.method, request.url, request.headers, request.body, sdk)
        status, headers, chunks = answer_headers(req.method, answer(req))
        response = AWSResponse(request.url, status, (), _Body(chunks))
        response.headers = AnswerHeaders(headers)
        return response
    status, pairs, body = wsgi_call(app, request.method, request.url, request.headers, request.body)
    return AWSResponse(request.url, status, pairs, body)  # it builds its own HeadersDict


class AnswerHeaders(HeadersDict):
    """botocore's case-insensitive ``HeadersDict`` over an answer's headers, looked up by
    lower-cased name in a plain dict.

    botocore's own builds a key object per lookup and compares key objects in Python on every
    hit; its parsers look each modelled header up twice (``in``, then ``[]``) and walk them all
    for prefixed maps, which made up a tenth of an in-process S3 call. The mapping behaves the
    same: lookups ignore case, iteration gives the names as first set (lower-cased, as on the wire)."""

    def __init__(self, lowered: dict[str, str] | None = None) -> None:
        # (HeadersDict's own table is not made: every method that reads it is replaced)
        self._values: dict[str, Any] = {} if lowered is None else lowered  # lower-cased -> value
        self._shown: dict[str, str] = {}  # lower-cased -> name as set, where they differ

    def __getitem__(self, key: str) -> Any:
        return self._values[key.lower()]

    def __setitem__(self, key: str, value: Any) -> None:
        lower = key.lower()
        values = self._values
        if lower != key and lower not in values:  # (a name set again keeps its first spelling)
            self._shown[lower] = key
        values[lower] = value

    def __delitem__(self, key: str) -> None:
        lower = key.lower()
        del self._values[lower]
        self._shown.pop(lower, None)

    def __contains__(self, key: object) -> bool:
        return key.lower() in self._values  # type: ignore[attr-defined]  # (as HeadersDict: str keys)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return self._values.get(key.lower(), default)

    def __iter__(self) -> Iterator[str]:
        shown = self._shown
        if not shown:
            return iter(self._values)
        return (shown.get(name, name) for name in self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return repr(dict(self.items()))

    def copy(self) -> AnswerHeaders:
        copied = AnswerHeaders(dict(self._values))
        copied._shown = dict(self._shown)
        return copied


def urllib3_response(
    app: Any,
    method: str,
    url: str,
    headers: Any,
    body: Any,
    *,
    preload_content: bool = True,
    decode_content: bool = True,
) -> Any:
    """The app's answer as a ``urllib3.HTTPResponse`` (for plain HTTP: requests, urllib3)."""
    from urllib3 import HTTPResponse
    from urllib3._collections import HTTPHeaderDict

    hdrs_in = dict(headers or {})
    hdrs_in.setdefault("Host", urlsplit(url).netloc)
    status, headers_out, stream = wsgi_call(app, method, url, hdrs_in, body)
    data = b"" if method.upper() == "HEAD" else stream.read()
    stream.close()
    out = HTTPHeaderDict()
    for k, v in headers_out:
        out.add(k, v)
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    return HTTPResponse(
        body=io.BytesIO(data),
        headers=out,
        status=status,
        reason=reason,
        preload_content=preload_content,
        decode_content=decode_content,
        request_method=method,
        request_url=url,
        enforce_content_length=False,
    )


def _serve_locally(store: Store) -> str:
    from awsmock.background import serve_in_background

    return serve_in_background(store)


#: an in-process state that a process of its own must reach (a Lambda function calling back) is
#: served on a background thread
Store.serve_locally = _serve_locally
