"""Queue URLs and ARNs, and finding the queue a request names."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from sqlalchemy import bindparam, select

from awsmock.context import RequestContext
from awsmock.models.sqs import Queue

from .errors import QueueDoesNotExist


def queue_url(ctx: RequestContext, queue: Queue) -> str:
    """The queue's URL for the endpoint the client used (AWS form: ``<endpoint>/<account>/<name>``)."""
    return f"{ctx.endpoint.rstrip('/')}/{queue.account_id}/{queue.name}"


def queue_arn(queue: Queue) -> str:
    return f"arn:aws:sqs:{queue.region}:{queue.account_id}:{queue.name}"


def split_queue_url(ctx: RequestContext, url: str) -> tuple[str, str]:
    """``(account, name)`` of a queue URL, whatever its host (a bare name means the caller's)."""
    path = urlsplit(url).path if "://" in url else url
    parts = [unquote(p) for p in path.split("/") if p]
    if len(parts) >= 2:
        return parts[-2], parts[-1]
    if len(parts) == 1:
        return ctx.account_id, parts[0]
    raise QueueDoesNotExist()


def split_arn(arn: str) -> tuple[str, str, str] | None:
    """``(region, account, name)`` of an SQS queue ARN, None if it is not one."""
    parts = arn.split(":")
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs":
        return None
    return parts[3], parts[4], parts[5]


_FIND = select(Queue).where(
    Queue.account_id == bindparam("account"),
    Queue.region == bindparam("region"),
    Queue.name == bindparam("name"),
)  # built once: every request names a queue


def find_queue(ctx: RequestContext, account: str, name: str, region: str | None = None) -> Queue | None:
    params = {"account": account, "region": region or ctx.region, "name": name}
    return ctx.session.execute(_FIND, params).scalar_one_or_none()


def get_queue(ctx: RequestContext, url: str | None) -> Queue:
    """The queue a ``QueueUrl`` names, or QueueDoesNotExist."""
    if not url:
        raise QueueDoesNotExist()
    account, name = split_queue_url(ctx, url)
    queue = find_queue(ctx, account, name)
    if queue is None:
        raise QueueDoesNotExist()
    return queue


def queue_by_arn(ctx: RequestContext, arn: str) -> Queue | None:
    parsed = split_arn(arn)
    if parsed is None:
        return None
    region, account, name = parsed
    return find_queue(ctx, account, name, region)
