"""GetObjectTorrent: a BitTorrent metainfo file for an object (bencoded; the object's bytes in
256 KiB pieces, each piece's SHA-1 in ``pieces``; S3's tracker, the object as a web seed)."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import storage
from .buckets import bucket_row
from .errors import InvalidObjectState
from .objects import ARCHIVED
from .reading import row_for_read

PIECE_LENGTH = 256 * 1024
TRACKER = "http://tracker.amazonaws.com:6969/announce"


def bencode(value: Any) -> bytes:
    """``value`` (int, str, bytes, list, dict with text keys) in BitTorrent's encoding."""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode("utf-8")
    if isinstance(value, (bytes, bytearray)):
        return b"%d:" % len(value) + bytes(value)
    if isinstance(value, list):
        return b"l" + b"".join(bencode(v) for v in value) + b"e"
    if isinstance(value, dict):
        items = sorted((k.encode("utf-8") if isinstance(k, str) else k, v) for k, v in value.items())
        return b"d" + b"".join(bencode(k) + bencode(v) for k, v in items) + b"e"
    raise TypeError(f"cannot bencode {type(value).__name__}")


def piece_hashes(chunks: Any) -> bytes:
    """The SHA-1 of each ``PIECE_LENGTH`` piece of the bytes ``chunks`` yields, concatenated."""
    out = bytearray()
    buf = bytearray()
    for chunk in chunks:
        buf += chunk
        while len(buf) >= PIECE_LENGTH:
            out += hashlib.sha1(bytes(buf[:PIECE_LENGTH])).digest()
            del buf[:PIECE_LENGTH]
    if buf:
        out += hashlib.sha1(bytes(buf)).digest()
    return bytes(out)


@handler("s3", "GetObjectTorrent")
def get_object_torrent(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = bucket_row(ctx, params["Bucket"])
    key = params["Key"]
    obj = row_for_read(ctx, bucket, key, None)
    if obj.storage_class in ARCHIVED and not (obj.info or {}).get("restore"):
        raise InvalidObjectState(StorageClass=obj.storage_class)
    pieces = piece_hashes(storage.iter_blob(ctx.tx, obj.blob_id) if obj.blob_id else ())
    name = bucket.name
    meta = {
        "announce": TRACKER,
        "announce-list": [[TRACKER]],
        "info": {
            "length": obj.size,
            "name": key.rsplit("/", 1)[-1] or key,
            "piece length": PIECE_LENGTH,
            "pieces": pieces,
            "x-amz-bucket": name,
            "x-amz-key": key,
        },
        "url-list": [f"https://{name}.s3.amazonaws.com/{quote(key, safe='/')}"],
    }
    return {"Body": bencode(meta)}
