"""Queue URLs and ARNs, and finding the queue a request names."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, TypeAlias, TypeVar
from urllib.parse import unquote, urlsplit

from sqlalchemy import bindparam, select

from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.models.sqs import Queue
from awsmock.state.rawvalues import conversions

from .errors import InvalidAddress, QueueDoesNotExist


class QueueRef:
    """A queue as the message operations read it (a raw row, no ORM object): what they need of
    :class:`~awsmock.models.sqs.Queue`, under the same names. Read-only."""

    __slots__ = ("account_id", "attributes", "fifo", "id", "name", "region")

    def __init__(
        self, id: int, name: str, fifo: bool, attributes: Mapping[str, str], account_id: str, region: str
    ) -> None:
        self.id = id
        self.name = name
        self.fifo = fifo
        self.attributes = attributes
        self.account_id = account_id
        self.region = region


#: a queue, as an ORM object or a :class:`QueueRef` (the message operations take either)
AnyQueue: TypeAlias = Queue | QueueRef


def queue_url(ctx: RequestContext, queue: Queue) -> str:
    """The queue's URL for the endpoint the client used (AWS form: ``<endpoint>/<account>/<name>``)."""
    return f"{ctx.endpoint.rstrip('/')}/{queue.account_id}/{queue.name}"


def queue_arn(queue: AnyQueue) -> str:
    return arns.build("sqs", queue.name, region=queue.region, account=queue.account_id)


#: the path of a queue's URL: ``/<account>/<name>``
QUEUE_PATH = re.compile(r"^/\d{12}/[^/]+$")

#: ``scheme://host/path`` with nothing to unquote, strip or cut off (query, fragment, spaces)
_PLAIN_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#%\s\[\]]*(/[^?#%\s]*)?\Z")


def split_queue_url(ctx: RequestContext, url: str) -> tuple[str, str]:
    """``(account, name)`` of a queue URL, whatever its host (a bare name means the caller's)."""
    plain = _PLAIN_URL.match(url)  # the usual form: skip the general parser
    if plain is not None:
        path = plain.group(1) or ""
    else:
        try:
            path = urlsplit(url).path if "://" in url else url
        except ValueError:  # "http://[::1/x": a host no URL parser reads
            raise InvalidAddress(f"The address {url} is not valid for this endpoint.") from None
    parts = [unquote(p) for p in path.split("/") if p]
    if len(parts) >= 2:
        return parts[-2], parts[-1]
    if len(parts) == 1:
        return ctx.account_id, parts[0]
    raise QueueDoesNotExist()


def split_arn(arn: str) -> tuple[str, str, str] | None:
    """``(region, account, name)`` of an SQS queue ARN, None if it is not one."""
    parsed = arns.parse(arn)
    if parsed is None or parsed.service != "sqs":
        return None
    return parsed.region, parsed.account, parsed.resource


_FIND = select(Queue).where(
    Queue.account_id == bindparam("account"),
    Queue.region == bindparam("region"),
    Queue.name == bindparam("name"),
)  # built once: every request names a queue


def find_queue(ctx: RequestContext, account: str, name: str, region: str | None = None) -> Queue | None:
    params = {"account": account, "region": region or ctx.region, "name": name}
    return ctx.session.execute(_FIND, params).scalar_one_or_none()


_Q = Queue.__table__
_FIND_REF = select(_Q.c.id, _Q.c.fifo, _Q.c.attributes).where(
    _Q.c.account_id == bindparam("account"),
    _Q.c.region == bindparam("region"),
    _Q.c.name == bindparam("name"),
)  # a raw statement: sends, receives and deletes look their queue up on every request


#: stored attributes text -> parsed (read-only, shared): most requests name a queue seen before
_PARSED: dict[str, Mapping[str, str]] = {}


def _attributes(ctx: RequestContext, stored: Any) -> Mapping[str, str]:
    if not isinstance(stored, str):  # PostgreSQL's driver parses JSON itself
        return MappingProxyType(dict(stored or {}))
    parsed = _PARSED.get(stored)
    if parsed is None:
        if len(_PARSED) >= 1024:
            _PARSED.clear()
        parsed = _PARSED[stored] = MappingProxyType(conversions(ctx.tx).json_out(stored) or {})
    return parsed


def find_queue_ref(
    ctx: RequestContext, account: str, name: str, region: str | None = None
) -> QueueRef | None:
    region = region or ctx.region
    row: Any = ctx.tx.execute(_FIND_REF, {"account": account, "region": region, "name": name}).fetchone()
    if row is None:
        return None
    return QueueRef(int(row[0]), name, bool(row[1]), _attributes(ctx, row[2]), account, region)


def get_queue_ref(ctx: RequestContext, url: str | None) -> QueueRef:
    """The queue a ``QueueUrl`` names (read-only, see :class:`QueueRef`), or QueueDoesNotExist."""
    return _named_by(ctx, url, find_queue_ref)


def get_queue(ctx: RequestContext, url: str | None) -> Queue:
    """The queue a ``QueueUrl`` names, or QueueDoesNotExist."""
    return _named_by(ctx, url, find_queue)


Q = TypeVar("Q", Queue, QueueRef)


def _named_by(ctx: RequestContext, url: str | None, find: Callable[[RequestContext, str, str], Q | None]) -> Q:
    if not url:
        raise QueueDoesNotExist()
    account, name = split_queue_url(ctx, url)
    queue = find(ctx, account, name)
    if queue is None:
        raise QueueDoesNotExist()
    return queue


def queue_by_arn(ctx: RequestContext, arn: str) -> Queue | None:
    parsed = split_arn(arn)
    if parsed is None:
        return None
    region, account, name = parsed
    return find_queue(ctx, account, name, region)
