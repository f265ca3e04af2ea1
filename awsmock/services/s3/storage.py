"""The chunked blob store behind object and part bodies.

Bytes go in through :func:`write_stream` (read from a file-like in ``CHUNK_SIZE`` pieces, one
``s3_chunk`` row per piece, memory bounded by one chunk) and come out through
:func:`read_bytes` (small ranges, inside the request's transaction) or :class:`LazyBody` (an
iterator that opens one short read session per batch of chunks, after the handler returned).
:func:`concat` builds a blob from other blobs by linking their chunks; :func:`release` drops
blobs nobody references and the chunks no blob links any more.

Blobs are immutable once shared. The one exception is a small overwrite: a one-chunk blob that
only the version being replaced references, whose chunk no other blob links, is rewritten in
place (a :data:`Claim`, see ``versioning.null_version_overwriter``); such a blob is always read
inside a transaction (``INLINE_LIMIT``), never by a :class:`LazyBody`.

The request paths run prebuilt statements on the request's :class:`~awsmock.state.store.Transaction`
(``tx.execute``: no ORM session); no blob, chunk or link row is ever held in an ORM session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import bindparam, delete, exists, insert, select
from sqlalchemy.orm import Session

from awsmock.models.s3 import S3Blob, S3BlobChunk, S3Chunk, S3Object, S3Part

if TYPE_CHECKING:
    from awsmock.state.store import Transaction

CHUNK_SIZE = 1024 * 1024
#: bodies up to this size are read inside the handler's transaction and returned as bytes
INLINE_LIMIT = 4 * CHUNK_SIZE
#: chunks fetched per short read session by :class:`LazyBody`
BATCH = 4


@dataclass(frozen=True)
class Segment:
    pos: int
    length: int
    chunk_id: int


#: writes a one-chunk body over the blob of the version a write replaces, when it may: that
#: blob's id, or None (the body gets a blob of its own); see :func:`write_stream`
Claim: TypeAlias = Callable[[bytes], "int | None"]


def _read_source(body: Any) -> Callable[[int], bytes]:
    if body is None:
        return lambda _n: b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        data = memoryview(bytes(body))
        offset = 0

        def read_bytes_(n: int) -> bytes:
            nonlocal offset
            piece = bytes(data[offset : offset + n])
            offset += len(piece)
            return piece

        return read_bytes_
    if hasattr(body, "read"):
        return body.read  # type: ignore[no-any-return]
    it = iter(body)
    buf = bytearray()

    def read_iter(n: int) -> bytes:
        while len(buf) < n:
            try:
                buf.extend(next(it))
            except StopIteration:
                break
        piece = bytes(buf[:n])
        del buf[:n]
        return piece

    return read_iter


class _Replay:
    """A request body that can be read again from the start: what a first attempt read is kept
    (in memory up to 8 MiB, then in a temp file), so a transaction retried after a
    serialization failure (PostgreSQL) stores the same bytes."""

    def __init__(self, source: Any) -> None:
        import tempfile

        self._source = source
        self._spool = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK_SIZE)  # noqa: SIM115
        self._pos = 0
        self._done = False
        self.trailers: dict[str, str] = getattr(source, "trailers", {})

    def rewind(self) -> None:
        self._pos = 0

    def read(self, n: int = -1) -> bytes:
        self._spool.seek(0, 2)
        end = self._spool.tell()
        if self._pos < end:
            self._spool.seek(self._pos)
            data = self._spool.read(n if n >= 0 else -1)
            self._pos += len(data)
            return data
        if self._done:
            return b""
        data = self._source.read(n)
        if not data:
            self._done = True
            self.trailers = getattr(self._source, "trailers", self.trailers)
            return b""
        self._spool.write(data)
        self._pos += len(data)
        return data  # type: ignore[no-any-return]


def replayable(params: dict[str, Any], backend: str) -> Any:
    """``params["Body"]``, made re-readable when a retried transaction may read it twice."""
    body = params.get("Body")
    if isinstance(body, _Replay):
        body.rewind()
        return body
    if backend == "sqlite" or body is None or not hasattr(body, "read"):
        return body
    wrapped = _Replay(body)
    params["Body"] = wrapped
    return wrapped


def write_stream(
    tx: Transaction,
    body: Any,
    observers: Iterable[Callable[[bytes], Any]] = (),
    claim: Claim | None = None,
) -> tuple[int, int]:
    """Store ``body`` (bytes, file-like or iterable of bytes) as a new blob.

    Every piece read is passed to each observer (hash updates). Returns ``(blob_id, size)``.
    A body of one chunk (1 byte to less than ``CHUNK_SIZE``) is first offered to ``claim``,
    which may write it over an existing blob and return that blob's id (a PutObject
    overwriting a small object touches two rows, not eight). Prebuilt statements on the
    request's transaction (no ORM session).
    """
    read = _read_source(body)
    watchers = list(observers)
    blob_id: int | None = None
    pos = 0
    buf = bytearray()
    while True:
        piece = read(CHUNK_SIZE - len(buf))
        if piece:
            for w in watchers:
                w(piece)
            buf.extend(piece)
        if len(buf) >= CHUNK_SIZE or (not piece and buf):
            if blob_id is None and claim is not None and not piece:
                data = bytes(buf)
                claimed = claim(data)
                if claimed is not None:
                    return claimed, len(data)
            if blob_id is None:  # a body of one chunk gets its blob row with the final size
                blob_id = _new_id(tx, _INSERT_BLOB, {"size": len(buf) if not piece else 0})
            _append_chunk(tx, blob_id, pos, bytes(buf))
            pos += len(buf)
            buf.clear()
            if not piece:
                return blob_id, pos
        if not piece:
            break
    if blob_id is None:
        return empty_blob(tx), 0
    tx.execute(_SET_BLOB_SIZE, {"bid": blob_id, "size": pos})
    return blob_id, pos


_BLOBS = S3Blob.__table__
_LINKS, _CHUNKS = S3BlobChunk.__table__, S3Chunk.__table__
# Built once, run with ``Transaction.execute`` (compiled once per dialect; RETURNING works on
# SQLite and PostgreSQL alike).
_INSERT_BLOB = insert(_BLOBS).values(size=bindparam("size")).returning(_BLOBS.c.id)
_INSERT_CHUNK = insert(_CHUNKS).values(data=bindparam("data")).returning(_CHUNKS.c.id)
_INSERT_LINK = insert(_LINKS).values(
    blob_id=bindparam("blob_id"),
    pos=bindparam("pos"),
    length=bindparam("length"),
    chunk_id=bindparam("chunk_id"),
)
_SET_BLOB_SIZE = _BLOBS.update().where(_BLOBS.c.id == bindparam("bid")).values(size=bindparam("size"))
_SET_LINK_LENGTH = (
    _LINKS.update()
    .where(_LINKS.c.blob_id == bindparam("bid"), _LINKS.c.pos == bindparam("pos"))
    .values(length=bindparam("length"))
)
_CHUNK_DATA = select(_CHUNKS.c.data).where(_CHUNKS.c.id == bindparam("cid"))


def resize(tx: Transaction, blob_id: int, size: int) -> None:
    """Record a new length for a one-chunk blob whose chunk was rewritten in place."""
    tx.execute(_SET_LINK_LENGTH, {"bid": blob_id, "pos": 0, "length": size})
    tx.execute(_SET_BLOB_SIZE, {"bid": blob_id, "size": size})


def _append_chunk(tx: Transaction, blob_id: int, pos: int, data: bytes) -> None:
    chunk_id = _new_id(tx, _INSERT_CHUNK, {"data": data})
    tx.execute(_INSERT_LINK, {"blob_id": blob_id, "pos": pos, "length": len(data), "chunk_id": chunk_id})


def _new_id(tx: Transaction, stmt: Any, params: dict[str, Any]) -> int:
    return int(tx.execute(stmt, params).fetchone()[0])


def _bytes(data: Any) -> bytes:
    return data if isinstance(data, bytes) else bytes(data)  # a driver may hand out memoryview


def chunk_data(tx: Transaction, chunk_id: int) -> bytes:
    row = tx.execute(_CHUNK_DATA, {"cid": chunk_id}).fetchone()
    return b"" if row is None else _bytes(row[0])


def empty_blob(tx: Transaction) -> int:
    return _new_id(tx, _INSERT_BLOB, {"size": 0})


def concat(session: Session, blob_ids: list[int]) -> tuple[int, int]:
    """A new blob whose bytes are the given blobs' bytes in order, sharing their chunks."""
    new_id = int(session.execute(_INSERT_BLOB, {"size": 0}).scalar_one())
    offset = 0
    for bid in blob_ids:
        rows = session.execute(
            select(S3BlobChunk.pos, S3BlobChunk.length, S3BlobChunk.chunk_id)
            .where(S3BlobChunk.blob_id == bid)
            .order_by(S3BlobChunk.pos)
        ).all()
        if rows:
            session.execute(
                insert(S3BlobChunk),
                [
                    {"blob_id": new_id, "pos": offset + r.pos, "length": r.length, "chunk_id": r.chunk_id}
                    for r in rows
                ],
            )
            offset += rows[-1].pos + rows[-1].length
    session.execute(S3Blob.__table__.update().where(S3Blob.id == new_id).values(size=offset))
    return new_id, offset


_SEGMENTS = (
    select(_LINKS.c.pos, _LINKS.c.length, _LINKS.c.chunk_id)
    .where(
        _LINKS.c.blob_id == bindparam("bid"), _LINKS.c.pos <= bindparam("hi"), _LINKS.c.pos > bindparam("lo")
    )
    .order_by(_LINKS.c.pos)
)
_NO_END = 2**62


def segments(tx: Transaction, blob_id: int, start: int = 0, end: int | None = None) -> list[Segment]:
    """The chunks of ``blob_id`` overlapping bytes ``start..end`` (inclusive), in order."""
    params = {"bid": blob_id, "hi": _NO_END if end is None else end, "lo": start - CHUNK_SIZE - 1}
    rows = tx.execute(_SEGMENTS, params).fetchall()
    return [Segment(pos, length, cid) for pos, length, cid in rows if pos + length > start]


def _slice(seg: Segment, data: bytes, start: int, end: int) -> bytes:
    lo = max(start - seg.pos, 0)
    hi = min(end - seg.pos + 1, seg.length)
    return data if lo == 0 and hi == seg.length else data[lo:hi]


#: one query for the links and their bytes (inline reads are a few chunks at most), built once
_READ_RANGE = (
    select(_LINKS.c.pos, _LINKS.c.length, _CHUNKS.c.data)
    .join(_CHUNKS, _CHUNKS.c.id == _LINKS.c.chunk_id)
    .where(
        _LINKS.c.blob_id == bindparam("bid"), _LINKS.c.pos <= bindparam("hi"), _LINKS.c.pos > bindparam("lo")
    )
    .order_by(_LINKS.c.pos)
)


def read_bytes(tx: Transaction, blob_id: int | None, start: int = 0, end: int | None = None) -> bytes:
    """Bytes ``start..end`` (inclusive; ``end=None``: to the end) of a blob, read now."""
    if blob_id is None:
        return b""
    params = {"bid": blob_id, "hi": _NO_END if end is None else end, "lo": start - CHUNK_SIZE - 1}
    rows = [r for r in tx.execute(_READ_RANGE, params).fetchall() if r[0] + r[1] > start]
    if not rows:
        return b""
    if len(rows) == 1 and start == 0 and end is not None and rows[0][1] == end + 1:
        return _bytes(rows[0][2])  # the whole of a one-chunk blob: no slicing, no joining
    last = rows[-1][0] + rows[-1][1] - 1 if end is None else end
    return b"".join(_slice(Segment(pos, length, 0), _bytes(data), start, last) for pos, length, data in rows)


def iter_blob(tx: Transaction, blob_id: int) -> Iterator[bytes]:
    """Every chunk of a blob, in order, read in the request's transaction one chunk at a time."""
    for seg in segments(tx, blob_id):
        yield chunk_data(tx, seg.chunk_id)


class LazyBody:
    """A response body that reads its chunks after the handler returned, one short read
    transaction per :data:`BATCH` chunks, so memory stays bounded by a few chunks."""

    def __init__(self, store: Any, segs: list[Segment], start: int, end: int) -> None:
        self._store = store
        self._segs = segs
        self._start = start
        self._end = end
        self._iter: Iterator[bytes] | None = None
        self._buf = b""

    def __iter__(self) -> Iterator[bytes]:
        for i in range(0, len(self._segs), BATCH):
            batch = self._segs[i : i + BATCH]
            with self._store.session(write=False) as session:
                data = dict(
                    session.execute(
                        select(_CHUNKS.c.id, _CHUNKS.c.data).where(
                            _CHUNKS.c.id.in_([s.chunk_id for s in batch])
                        )
                    ).all()
                )
            for seg in batch:
                piece = data.get(seg.chunk_id)
                if piece is None:  # the object was deleted meanwhile
                    return
                yield _slice(seg, piece, self._start, self._end)
            del data

    def read(self, n: int = -1) -> bytes:
        if self._iter is None:
            self._iter = iter(self)
        if n is None or n < 0:
            out = self._buf + b"".join(self._iter)
            self._buf = b""
            return out
        while len(self._buf) < n:
            try:
                self._buf += next(self._iter)
            except StopIteration:
                break
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def close(self) -> None:
        self._iter = None
        self._buf = b""


def body_for(ctx: Any, blob_id: int | None, start: int, end: int) -> bytes | LazyBody:
    """The response body for bytes ``start..end`` (inclusive) of a blob."""
    if blob_id is None or end < start:
        return b""
    if end - start + 1 <= INLINE_LIMIT:
        return read_bytes(ctx.tx, blob_id, start, end)
    return LazyBody(ctx.store, segments(ctx.tx, blob_id, start, end), start, end)


_MINE = S3BlobChunk.__table__.alias("mine")
_OTHER = S3BlobChunk.__table__.alias("other")


_BID: Any = bindparam("bid")
# Built once (Core statements on the tables, no ORM bulk machinery): ``release`` runs on every
# overwrite of a key, and building and synchronizing ORM DELETEs cost more than running them.
_BLOB_USED = select(
    exists().where(S3Object.__table__.c.blob_id == _BID) | exists().where(S3Part.__table__.c.blob_id == _BID)
)
_DELETE_OWN_CHUNKS = delete(S3Chunk.__table__).where(
    S3Chunk.__table__.c.id.in_(
        select(_MINE.c.chunk_id)
        .where(_MINE.c.blob_id == _BID)
        .where(~exists().where(_OTHER.c.chunk_id == _MINE.c.chunk_id, _OTHER.c.blob_id != _BID))
    )
)
_DELETE_BLOB = delete(S3Blob.__table__).where(S3Blob.__table__.c.id == _BID)


def release(tx: Transaction, blob_ids: Iterable[int | None]) -> None:
    """Drop the blobs no object or part references, and chunks no blob links any more.

    Three statements per blob: the reference check, the delete of the chunks only this blob
    links, the delete of the blob (its ``s3_blob_chunk`` rows go by ``ON DELETE CASCADE``).
    Prebuilt statements on the request's transaction: no blob, chunk or link row is held in the
    ORM session, so there is nothing to synchronize."""
    tx.flush()  # an object row still pending in the session may reference the blob
    for bid in {b for b in blob_ids if b is not None}:
        params = {"bid": bid}
        if tx.execute(_BLOB_USED, params).fetchone()[0]:
            continue
        tx.execute(_DELETE_OWN_CHUNKS, params)
        tx.execute(_DELETE_BLOB, params)  # its remaining links go by ON DELETE CASCADE
