"""Streaming decoders for request bodies: S3's ``aws-chunked`` encoding and plain bounded bodies.

``aws-chunked`` (``Content-Encoding: aws-chunked`` and/or ``x-amz-content-sha256:
STREAMING-...``) frames the payload as::

    <hex size>[;chunk-signature=<sig>]\\r\\n<data>\\r\\n ... 0[;chunk-signature=<sig>]\\r\\n
    [<trailer-name>:<value>\\r\\n ...]\\r\\n

Variants: ``STREAMING-UNSIGNED-PAYLOAD-TRAILER`` (no signatures, trailing checksum headers such
as ``x-amz-checksum-crc32``), ``STREAMING-AWS4-HMAC-SHA256-PAYLOAD`` (signed chunks, no
trailer) and ``STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER``. Chunk signatures are read and kept
(:attr:`AwsChunkedReader.signatures` is not stored: they are skipped for now).

:class:`AwsChunkedReader` is a file-like object (``read(n)``, ``readinto``, iteration) that
decodes on the fly with bounded memory (a small line buffer, chunk data passed through in
pieces no larger than what the caller asks for). Trailing headers are in
:attr:`AwsChunkedReader.trailers` (lower-cased names) once the stream has been read to the end.
:class:`BoundedReader` caps a raw WSGI input at its Content-Length. :func:`request_body_stream`
picks the right one for a request.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from typing import IO, Any

from awsmock.engine.errors import AwsError
from awsmock.engine.wire import WireRequest

__all__ = ["AwsChunkedReader", "BoundedReader", "is_aws_chunked", "request_body_stream"]

_READ_BLOCK = 64 * 1024
_MAX_LINE = 8 * 1024
_MAX_CHUNK = 1 << 40


class _StreamReader(io.RawIOBase):
    """Shared file-like plumbing: subclasses implement :meth:`read`."""

    trailers: dict[str, str]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        parts: list[bytes] = []
        while True:
            data = self.read(_READ_BLOCK * 16)
            if not data:
                return b"".join(parts)
            parts.append(data)

    def __iter__(self) -> Any:
        while True:
            data = self.read(_READ_BLOCK)
            if not data:
                return
            yield data


class BoundedReader(_StreamReader):
    """At most ``length`` bytes of ``raw`` (``None``: until EOF)."""

    def __init__(self, raw: IO[bytes], length: int | None) -> None:
        super().__init__()
        self._raw = raw
        self._left = length
        self.trailers = {}

    def read(self, size: int | None = -1) -> bytes:
        if self._left is not None:
            if self._left <= 0:
                return b""
            n = self._left if size is None or size < 0 else min(size, self._left)
            data = self._raw.read(n)
            self._left -= len(data)
            if not data and self._left > 0:
                raise AwsError(
                    "You did not provide the number of bytes specified by the Content-Length HTTP header.",
                    code="IncompleteBody",
                    status=400,
                )
            return data
        if size is None or size < 0:
            return self._raw.read()
        return self._raw.read(size)


class CheckedReader(BoundedReader):
    """A :class:`BoundedReader` of ``req``'s body that, when authentication asked for it
    (``req.payload_check``, set after the request was parsed and before the body is read), hashes
    what it reads and hands the SHA-256 (hex) to the check at the end of the body."""

    def __init__(self, raw: IO[bytes], length: int | None, req: WireRequest) -> None:
        super().__init__(raw, length)
        self._req: WireRequest | None = req
        self._hash: Any = None
        self._check: Callable[[str], None] | None = None

    def read(self, size: int | None = -1) -> bytes:
        if self._req is not None:  # the first read: is there a check to make?
            self._check, self._req = self._req.payload_check, None
            if self._check is not None:
                self._hash = hashlib.sha256()
        data = super().read(size)
        if self._check is not None:
            self._hash.update(data)
            if not data or self._left == 0 or size is None or size < 0:
                check, self._check = self._check, None
                check(self._hash.hexdigest())
        return data


class AwsChunkedReader(_StreamReader):
    """Decode an ``aws-chunked`` body from ``raw`` (already capped at its Content-Length)."""

    def __init__(
        self,
        raw: IO[bytes] | io.RawIOBase,
        decoded_length: int | None = None,
        *,
        whole: bytes | None = None,
        unframed: tuple[bytes, dict[str, str]] | None = None,
    ) -> None:
        """``whole``: the entire encoded body, already in memory (``raw`` is then not read).
        Framed as the SDKs frame it, it is decoded at the first read in one pass; otherwise the
        streaming decoder reads it from the buffer, with its own rules and errors. ``unframed``:
        ``whole`` decoded already (``(payload, trailers)``, see ``WireRequest.unframed``)."""
        super().__init__()
        self._raw: Any = raw
        self._whole = whole is not None
        self._unframed = unframed
        self._payload: bytes | None = None  # the decoded body of a whole one
        self._payload_pos = 0
        # what has been read and not yet decoded: self._buf[self._pos:] (an offset into
        # immutable bytes, not deletes from a bytearray: a small body decodes in a few slices)
        self._buf = b""
        self._pos = 0
        self._chunk_left = 0
        self._need_crlf = False
        self._done = False
        self._decoded = 0
        self.decoded_length = decoded_length
        self.trailers = {}
        if whole is not None:
            self._buf = whole

    # -- low level ------------------------------------------------------------------------------

    def _fill(self) -> bool:
        data = self._raw.read(_READ_BLOCK)
        if not data:
            return False
        if type(data) is not bytes:
            data = bytes(data)
        rest = self._buf[self._pos :] if self._pos else self._buf
        self._buf = rest + data if rest else data
        self._pos = 0
        return True

    def _line(self) -> bytes | None:
        """The next line without its line end; None at EOF with nothing buffered."""
        while True:
            buf, pos = self._buf, self._pos
            i = buf.find(b"\n", pos)
            if i >= 0:
                self._pos = i + 1
                if i > pos and buf[i - 1] == 13:  # \r
                    i -= 1
                return buf[pos:i]
            if len(buf) - pos > _MAX_LINE:
                raise _malformed("chunk header line too long")
            if not self._fill():
                if pos < len(buf):
                    self._buf, self._pos = b"", 0
                    return buf[pos:]
                return None

    def _next_header(self) -> None:
        if self._need_crlf:
            line = self._line()
            if line is None or line != b"":
                raise _incomplete() if line is None else _malformed("chunk data not followed by CRLF")
            self._need_crlf = False
        line = self._line()
        if line is None:
            raise _incomplete()
        size = _chunk_size(line)
        if size == 0:
            while self._trailer(self._line()):
                pass
            self._finish()
            return
        self._chunk_left = size

    def _trailer(self, line: bytes | None) -> bool:
        """Keep one trailer line; False at the blank line (or the end) that ends them."""
        if line is None or line.strip() == b"":
            return False
        name, sep, value = line.partition(b":")
        if not sep:
            raise _malformed("invalid trailer line")
        self.trailers[name.decode("latin-1").strip().lower()] = value.decode("latin-1").strip()
        return True

    def _finish(self) -> None:
        self._done = True
        if self.decoded_length is not None and self._decoded != self.decoded_length:
            raise _incomplete()

    # -- file-like ------------------------------------------------------------------------------

    def read(self, size: int | None = -1) -> bytes:
        if self._whole:
            payload = self._payload
            if payload is None:
                fast = self._unframed or _well_formed(self._buf)
                if fast is None:  # not as the SDKs frame it: the streaming decoder, over the buffer
                    self._whole = False
                    return self.read(size)
                payload, trailers = fast
                self._decoded = len(payload)
                self.trailers.update(trailers)
                self._buf = b""
                self._finish()  # the announced decoded length
                self._payload = payload
            pos = self._payload_pos
            end = len(payload) if size is None or size < 0 else pos + size
            piece = payload[pos:end] if pos or end < len(payload) else payload
            self._payload_pos += len(piece)
            return piece
        if size is None or size < 0:
            return self.readall()
        pieces: list[bytes] = []
        got = 0
        while got < size and not self._done:
            if self._chunk_left == 0:
                self._next_header()
                continue
            want = min(self._chunk_left, size - got)
            pos = self._pos
            if pos < len(self._buf):
                piece = self._buf[pos : pos + want]
                self._pos = pos + len(piece)
            else:
                piece = self._raw.read(want)
                if not piece:
                    raise _incomplete()
            pieces.append(piece)
            got += len(piece)
            self._chunk_left -= len(piece)
            self._decoded += len(piece)
            if self._chunk_left == 0:
                self._need_crlf = True
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    @property
    def done(self) -> bool:
        """Whether the final chunk (and any trailer) has been read."""
        return self._done


_CHUNK_HEAD = re.compile(rb"([0-9a-fA-F]{1,11})(?:;[^\r\n]*)?\r\n")
_TRAILER = re.compile(rb"([^\r\n:]+):([^\r\n]*)\r\n")
#: after the final chunk: its trailers (group 1) and the blank line that ends the body
_TRAILER_BLOCK = re.compile(rb"((?:[^\r\n:]+:[^\r\n]*\r\n)*)\r\n")


def _well_formed(data: bytes) -> tuple[bytes, dict[str, str]] | None:
    """(payload, trailers) of an aws-chunked body framed exactly as the SDKs frame it (hex sizes,
    CRLF line ends, ``name:value`` trailers, a final blank line, nothing after it); None for
    anything else, which the general decoder then reads with its own rules and errors."""
    pieces: list[bytes] = []
    pos = 0
    while True:
        m = _CHUNK_HEAD.match(data, pos)
        if m is None:
            return None
        size = int(m.group(1), 16)
        pos = m.end()
        if size == 0:
            break
        end = pos + size
        if data[end : end + 2] != b"\r\n":
            return None
        pieces.append(data[pos:end])
        pos = end + 2
    tail = _TRAILER_BLOCK.fullmatch(data, pos)
    if tail is None:
        return None
    trailers = {
        name.decode("latin-1").strip().lower(): value.decode("latin-1").strip()
        for name, value in _TRAILER.findall(tail.group(1))
    }
    return (pieces[0] if len(pieces) == 1 else b"".join(pieces)), trailers


def _chunk_size(line: bytes) -> int:
    size_text = line.split(b";", 1)[0].strip()
    try:
        size = int(size_text, 16)
    except ValueError:
        raise _malformed(f"invalid chunk size {size_text[:32]!r}") from None
    if size < 0 or size > _MAX_CHUNK:
        raise _malformed("invalid chunk size")
    return size


def _incomplete() -> AwsError:
    return AwsError("The request body terminated unexpectedly", code="IncompleteBody", status=400)


def _malformed(detail: str) -> AwsError:
    return AwsError(f"Invalid aws-chunked request body: {detail}", code="InvalidRequest", status=400)


def is_aws_chunked(headers: dict[str, str]) -> bool:
    """Whether lower-cased request ``headers`` announce an ``aws-chunked`` body."""
    if "aws-chunked" in headers.get("content-encoding", "").lower():
        return True
    return headers.get("x-amz-content-sha256", "").startswith("STREAMING-")


def request_body_stream(req: WireRequest) -> _StreamReader:
    """A streaming reader over ``req``'s body, decoded from aws-chunked when announced.

    Uses the already-buffered body when something read it; never buffers it otherwise.
    """
    if req._body is not None:
        if is_aws_chunked(req.headers):
            return AwsChunkedReader(
                io.BytesIO(b""), _decoded_length(req), whole=req._body, unframed=req.unframed
            )
        raw: IO[bytes] = io.BytesIO(req._body)
        length: int | None = len(req._body)
    else:
        raw = req.stream
        length = req.content_length
        if length is None and req.headers.get("transfer-encoding", "").lower() != "chunked":
            length = 0
    bounded = BoundedReader(raw, length) if req._body is not None else CheckedReader(raw, length, req)
    if is_aws_chunked(req.headers):
        return AwsChunkedReader(bounded, _decoded_length(req))
    return bounded


def _decoded_length(req: WireRequest) -> int | None:
    decoded = req.headers.get("x-amz-decoded-content-length")
    try:
        return int(decoded) if decoded else None
    except ValueError:
        return None
