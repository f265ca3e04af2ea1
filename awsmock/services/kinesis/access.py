"""Kinesis as access control sees it: ``kinesis:<Operation>`` on the stream
(``arn:aws:kinesis:<region>:<account>:stream/<name>``) or the consumer
(``<stream ARN>/consumer/<name>:<seconds>``) a request names, and their resource policies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from awsmock.auth.resources import ResourcePolicy
from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.models.resources import Resource

from .lookup import CONSUMER_ARN, CONSUMERS, STREAM_ARN, STREAMS, check_name, stream_arn_of
from .records import read_iterator

_NO_RESOURCE = frozenset(
    ["ListStreams", "DescribeLimits", "DescribeAccountSettings", "UpdateAccountSettings", "CreateStream"]
)


def _iterator_arn(value: Any) -> str | None:
    try:
        return read_iterator(value)[0]
    except AwsError:
        return None


def _arn(ctx: RequestContext, operation: str, params: dict[str, Any]) -> str | None:
    if operation == "CreateStream":
        name = params.get("StreamName")
        return stream_arn_of(ctx, name) if isinstance(name, str) else None
    if operation in _NO_RESOURCE:
        return None
    for member in ("ConsumerARN", "ResourceARN"):
        if isinstance(params.get(member), str):
            return str(params[member])
    if operation == "GetRecords":
        return _iterator_arn(params.get("ShardIterator"))
    if operation == "ListShards" and isinstance(params.get("NextToken"), str):
        return _token_arn(params["NextToken"])
    stream = params.get("StreamARN")
    if not isinstance(stream, str):
        name = params.get("StreamName")
        try:
            stream = stream_arn_of(ctx, check_name(name, "streamName")) if name is not None else None
        except AwsError:
            stream = None
    if stream is None:
        return None
    if operation in ("DescribeStreamConsumer", "DeregisterStreamConsumer") and isinstance(
        params.get("ConsumerName"), str
    ):
        for row in _consumers(ctx, stream):
            if row.name == params["ConsumerName"]:
                return row.arn
    return stream


def _token_arn(token: str) -> str | None:
    """The stream a ListShards token continues (the token names it, not the request)."""
    try:
        values = pager.decode(token, "ListShards", lambda t: AwsError(t))
    except AwsError:
        return None
    return values[0] if values and isinstance(values[0], str) else None


def _consumers(ctx: RequestContext, stream_arn: str) -> list[Resource]:
    return list(
        ctx.session.scalars(
            select(Resource).where(
                Resource.service == "kinesis", Resource.kind == "consumer", Resource.parent == stream_arn
            )
        )
    )


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    arn = _arn(ctx, operation, params)
    return [arn] if arn else ["*"]


def resource_policy(ctx: RequestContext, operation: str, params: dict[str, Any]) -> ResourcePolicy | None:
    """The policy of the stream or consumer the request names (one way in, as on AWS)."""
    if operation in _NO_RESOURCE:
        return None
    arn = _arn(ctx, operation, params)
    if arn is None:
        return None
    row: Resource | None = None
    if CONSUMER_ARN.fullmatch(arn):
        row = CONSUMERS.by_arn(ctx, arn)
    elif STREAM_ARN.fullmatch(arn):
        row = STREAMS.by_arn(ctx, arn)
    if row is None:
        return None
    return ResourcePolicy(row.document.get("Policy") or None, row.account_id)
