"""HTTP semantics S3 applies to object reads and writes: preconditions (If-Match,
If-None-Match, If-Modified-Since, If-Unmodified-Since and their copy-source forms) and byte
ranges."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from awsmock.engine.wire import http_date

from .errors import InvalidRange, NotModified, PreconditionFailed

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _etags(value: str) -> list[str]:
    return [v.strip().strip('"') for v in value.split(",")]


def etag_matches(header: str, etag: str) -> bool:
    tags = _etags(header)
    return "*" in tags or etag.strip('"') in tags


def _seconds(t: dt.datetime) -> dt.datetime:
    return t.replace(microsecond=0)


_READ_CONDITIONS = frozenset({"IfMatch", "IfNoneMatch", "IfModifiedSince", "IfUnmodifiedSince"})


def check_read(
    params: dict[str, Any],
    etag: str,
    last_modified: dt.datetime,
    *,
    prefix: str = "If",
    condition_prefix: str = "",
) -> None:
    """Raise 412 / 304 as S3 does for a GET or HEAD (``prefix="CopySourceIf"`` for copies,
    where a failed condition is always 412)."""
    if prefix == "If" and _READ_CONDITIONS.isdisjoint(params):
        return  # (the usual read: no condition at all)
    if_match = params.get(f"{prefix}Match")
    if_none = params.get(f"{prefix}NoneMatch")
    ims = params.get(f"{prefix}ModifiedSince")
    ius = params.get(f"{prefix}UnmodifiedSince")
    lm = _seconds(last_modified)
    copy = prefix != "If"
    name = condition_prefix or ("x-amz-copy-source-" if copy else "")
    if if_match is not None and not etag_matches(if_match, etag):
        raise PreconditionFailed(Condition=f"{name}If-Match")
    if ius is not None and if_match is None and lm > _seconds(ius):
        raise PreconditionFailed(Condition=f"{name}If-Unmodified-Since")
    if if_none is not None and etag_matches(if_none, etag):
        if copy:
            raise PreconditionFailed(Condition=f"{name}If-None-Match")
        raise NotModified(headers={"ETag": etag, "Last-Modified": http_date(last_modified)})
    if ims is not None and if_none is None and lm <= _seconds(ims):
        if copy:
            raise PreconditionFailed(Condition=f"{name}If-Modified-Since")
        raise NotModified(headers={"ETag": etag, "Last-Modified": http_date(last_modified)})


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``(start, end)`` inclusive for a ``Range`` header, None to send the whole object.

    An unparseable or multi-range header is ignored (whole object), as S3 does; an
    unsatisfiable one raises 416 InvalidRange."""
    if not header:
        return None
    m = _RANGE.match(header.strip())
    if not m or (not m.group(1) and not m.group(2)):
        return None
    first, last = m.group(1), m.group(2)
    if not first:  # suffix: the last N bytes
        n = int(last)
        if n == 0 or size == 0:
            raise InvalidRange(RangeRequested=header, ActualObjectSize=str(size))
        return max(size - n, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        raise InvalidRange(RangeRequested=header, ActualObjectSize=str(size))
    return start, min(end, size - 1)
