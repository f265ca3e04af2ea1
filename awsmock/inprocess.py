"""In-process transport: botocore requests handed to the WSGI app without a socket.

:func:`wsgi_call` turns a URL, method, headers and body into a WSGI call of the awsmock app and
returns status, headers and a streaming body; :func:`botocore_response` wraps that for botocore.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from botocore.awsrequest import AWSPreparedRequest, AWSResponse, HeadersDict


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
            try:
                self._buf += next(self._iter)
            except StopIteration:
                self._finish()
        data, self._buf = self._buf[:amt], self._buf[amt:]
        return data

    def stream(self, amt: int = 1024 * 1024, decode_content: bool = False) -> Iterator[bytes]:
        while True:
            chunk = self.read(amt)
            if not chunk:
                return
            yield chunk

    def _finish(self) -> None:
        if not self._done:
            self._done = True
            close = getattr(self._source, "close", None)
            if close:
                close()

    def close(self) -> None:
        self._finish()

    def release_conn(self) -> None:
        self._finish()


def _as_stream(body: Any) -> tuple[IO[bytes], int | None]:
    if body is None:
        return io.BytesIO(b""), 0
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(body, bytes | bytearray):
        return io.BytesIO(bytes(body)), len(body)
    if hasattr(body, "read"):
        return body, None
    data = b"".join(body)
    return io.BytesIO(data), len(data)


def wsgi_call(app: Any, method: str, url: str, headers: dict[str, str], body: Any) -> tuple[int, list[tuple[str, str]], _Body]:
    parts = urlsplit(url)
    stream, length = _as_stream(body)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method.upper(),
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote(parts.path or "/").encode("utf-8").decode("latin-1"),
        "RAW_URI": (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
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
            environ["CONTENT_LENGTH"] = value
        else:
            environ["HTTP_" + key] = value
    if "CONTENT_LENGTH" not in environ and length is not None and length > 0:
        environ["CONTENT_LENGTH"] = str(length)
    if "CONTENT_LENGTH" not in environ and length is None:
        # a file-like body of unknown size: read it (in-process only, never over a socket)
        data = stream.read()
        environ["wsgi.input"] = io.BytesIO(data)
        environ["CONTENT_LENGTH"] = str(len(data))
    captured: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"] = int(status.split(" ", 1)[0])
        captured["headers"] = response_headers
        return lambda _data: None

    result = app(environ, start_response)
    return captured["status"], captured["headers"], _Body(result)


def botocore_response(app: Any, request: AWSPreparedRequest) -> AWSResponse:
    status, headers, body = wsgi_call(app, request.method, request.url, dict(request.headers.items()), request.body)
    hdrs = HeadersDict()
    for k, v in headers:
        hdrs[k] = v
    return AWSResponse(request.url, status, hdrs, body)
