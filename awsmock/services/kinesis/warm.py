"""Warm throughput of ON_DEMAND streams (UpdateStreamWarmThroughput, CreateStream's and
UpdateStreamMode's ``WarmThroughputMiBps``, DescribeStreamSummary's ``WarmThroughput``): only in
accounts whose minimum throughput billing commitment is on. The stream is UPDATING while it scales
(:data:`.lookup.SETTLE`); until then its current throughput is the one before."""

from __future__ import annotations

from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from . import account
from .errors import LimitExceededException, ValidationException
from .lookup import (
    ON_DEMAND,
    STREAMS,
    UPDATING,
    describe_arn,
    mark_busy,
    mode,
    require_active,
    resolve,
    status,
)

#: the most an ON_DEMAND stream scales to (10 GiBps)
MAX_WARM_MIBPS = 10240


def check(ctx: RequestContext, stream_mode: str, value: Any, what: str) -> int:
    """A warm throughput AWS accepts for a stream of ``stream_mode`` (ValidationException
    otherwise)."""
    if stream_mode != ON_DEMAND:
        raise ValidationException(f"Warm throughput is only supported for ON_DEMAND streams ({what}).")
    if not account.commitment_on(ctx):
        raise ValidationException(
            "Warm throughput requires the account's MinimumThroughputBillingCommitment to be enabled."
        )
    if not isinstance(value, int) or value < 0:
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at 'warmThroughputMiBps' failed to satisfy "
            "constraint: Member must have value greater than or equal to 0"
        )
    if value > MAX_WARM_MIBPS:
        raise LimitExceededException(
            f"Warm throughput {value} MiBps exceeds the limit of {MAX_WARM_MIBPS} MiBps for an on-demand stream."
        )
    return value


def set_target(ctx: RequestContext, document: dict[str, Any], target: int) -> None:
    """Record a new target in a stream's document (the caller marks the stream busy)."""
    previous = document.get("WarmThroughput") or {}
    document["WarmThroughput"] = {"Target": target, "Previous": int(previous.get("Target", 0))}


def describe(ctx: RequestContext, stream: Resource) -> dict[str, int] | None:
    """DescribeStreamSummary's WarmThroughput: ON_DEMAND streams of committed accounts only."""
    if mode(stream) != ON_DEMAND or not account.commitment_on(ctx):
        return None
    warm = stream.document.get("WarmThroughput") or {}
    target = int(warm.get("Target", 0))
    current = int(warm.get("Previous", 0)) if status(ctx, stream) == UPDATING else target
    return {"TargetMiBps": target, "CurrentMiBps": current}


@handler("kinesis", "UpdateStreamWarmThroughput")
def update_stream_warm_throughput(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params)
    target = check(ctx, mode(stream), params.get("WarmThroughputMiBps"), f"stream {describe_arn(ctx, stream.arn)}")
    require_active(ctx, stream)
    doc = dict(stream.document)
    set_target(ctx, doc, target)
    mark_busy(ctx, stream, doc)
    row = STREAMS.find(ctx, stream.rid) or stream
    return {"StreamARN": stream.arn, "StreamName": stream.name, "WarmThroughput": describe(ctx, row)}
