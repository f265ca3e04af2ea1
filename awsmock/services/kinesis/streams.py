"""Streams: CreateStream (PROVISIONED with its shard count, or ON_DEMAND with four shards),
DeleteStream, DescribeStream (its shards paged), DescribeStreamSummary, ListStreams,
UpdateStreamMode, retention, encryption, enhanced monitoring, the record size limit and
DescribeLimits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.kinesis import Record, Shard
from awsmock.models.resources import Resource
from awsmock.services.kms import internal as kms

from . import shards as shard_ops
from . import tags, warm
from .errors import (
    InvalidArgumentException,
    KMSNotFoundException,
    LimitExceededException,
    ResourceInUseException,
    ValidationException,
)
from .lookup import (
    CONSUMERS,
    DEFAULT_RETENTION,
    MAX_RETENTION,
    MIN_RETENTION,
    ON_DEMAND,
    ON_DEMAND_SHARDS,
    ON_DEMAND_STREAM_LIMIT,
    PROVISIONED,
    SHARD_LIMIT,
    STREAMS,
    check_name,
    describe_arn,
    iso,
    mark_busy,
    millis,
    mode,
    require_active,
    resolve,
    shard_number,
    shards_of,
    status,
    when,
)

#: what ShardLevelMetrics "ALL" stands for
ALL_METRICS = [
    "IncomingBytes",
    "IncomingRecords",
    "OutgoingBytes",
    "OutgoingRecords",
    "WriteProvisionedThroughputExceeded",
    "ReadProvisionedThroughputExceeded",
    "IteratorAgeMilliseconds",
]
#: mode switches per stream in a rolling day
MODE_SWITCHES_PER_DAY = 2
#: the AWS managed key of Kinesis
AWS_MANAGED_KEY = "alias/aws/kinesis"
#: MaxRecordSizeInKiB's default
DEFAULT_MAX_RECORD_KIB = 1024


def _on_demand_count(ctx: RequestContext) -> int:
    rows = ctx.session.scalars(
        select(Resource).where(
            Resource.service == "kinesis",
            Resource.kind == "stream",
            Resource.account_id == ctx.account_id,
            Resource.region == ctx.region,
        )
    )
    return sum(1 for r in rows if mode(r) == ON_DEMAND)


def _mode_of(details: Any) -> str:
    if details is None:
        return PROVISIONED
    value = details.get("StreamMode") if isinstance(details, dict) else None
    if value not in (PROVISIONED, ON_DEMAND):
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at 'streamModeDetails.streamMode' failed to satisfy "
            "constraint: Member must satisfy enum value set: [ON_DEMAND, PROVISIONED]"
        )
    return str(value)


@handler("kinesis", "CreateStream")
def create_stream(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params.get("StreamName"), "streamName")
    stream_mode = _mode_of(params.get("StreamModeDetails"))
    count = params.get("ShardCount")
    if stream_mode == PROVISIONED:
        if count is None:
            raise ValidationException("ShardCount is required for a stream in PROVISIONED mode.")
    elif count is not None:
        raise ValidationException("ShardCount must not be specified for a stream in ON_DEMAND mode.")
    else:
        count = ON_DEMAND_SHARDS
    if not isinstance(count, int) or count < 1:
        raise ValidationException(
            f"1 validation error detected: Value '{count}' at 'shardCount' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1"
        )
    max_kib = params.get("MaxRecordSizeInKiB") or DEFAULT_MAX_RECORD_KIB
    warm_mibps = params.get("WarmThroughputMiBps")
    if warm_mibps is not None:
        warm_mibps = warm.check(ctx, stream_mode, warm_mibps, f"stream {name}")
    if STREAMS.find(ctx, name) is not None:
        raise ResourceInUseException(f"Stream {name} under account {ctx.account_id} already exists.")
    if stream_mode == ON_DEMAND and _on_demand_count(ctx) >= ON_DEMAND_STREAM_LIMIT:
        raise LimitExceededException(
            f"This request would exceed the limit of {ON_DEMAND_STREAM_LIMIT} ON_DEMAND streams "
            f"for the account {ctx.account_id} in {ctx.region}."
        )
    shard_ops.require_shard_limit(ctx, count)
    doc: dict[str, Any] = {
        "StreamMode": stream_mode,
        "RetentionPeriodHours": DEFAULT_RETENTION,
        "EncryptionType": "NONE",
        "ShardLevelMetrics": [],
        "MaxRecordSizeInKiB": max_kib,
        "CreatedMs": millis(ctx.now),
        "NextShard": 0,
    }
    if warm_mibps is not None:
        warm.set_target(ctx, doc, warm_mibps)
    row = STREAMS.create(ctx, rid=name, name=name, document=doc, state="ACTIVE")
    shard_ops.initial_shards(ctx, row, doc, count)
    tags.apply(ctx, row.arn, params.get("Tags"))
    return {}


def consumers_of(ctx: RequestContext, stream: Resource) -> list[Resource]:
    return list(
        ctx.session.scalars(
            select(Resource).where(
                Resource.service == "kinesis", Resource.kind == "consumer", Resource.parent == stream.arn
            )
        )
    )


@handler("kinesis", "DeleteStream")
def delete_stream(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params)
    consumers = consumers_of(ctx, stream)
    if consumers and not params.get("EnforceConsumerDeletion"):
        raise ResourceInUseException(
            f"Stream {describe_arn(ctx, stream.arn)} has registered consumers: deregister them first, "
            "or delete the stream with EnforceConsumerDeletion."
        )
    for consumer in consumers:
        CONSUMERS.delete(ctx, consumer)
    shard_ids = select(Shard.id).where(Shard.stream_pk == stream.pk)
    ctx.session.execute(delete(Record).where(Record.shard_id.in_(shard_ids)))
    ctx.session.execute(delete(Shard).where(Shard.stream_pk == stream.pk))
    STREAMS.delete(ctx, stream)
    return {}


def _enhanced(stream: Resource) -> list[dict[str, Any]]:
    return [{"ShardLevelMetrics": list(stream.document.get("ShardLevelMetrics", []))}]


def _encryption(stream: Resource, out: dict[str, Any]) -> None:
    out["EncryptionType"] = stream.document.get("EncryptionType", "NONE")
    if stream.document.get("KeyId"):
        out["KeyId"] = stream.document["KeyId"]


def _common(ctx: RequestContext, stream: Resource) -> dict[str, Any]:
    out: dict[str, Any] = {
        "StreamName": stream.name,
        "StreamARN": stream.arn,
        "StreamStatus": status(ctx, stream),
        "StreamModeDetails": {"StreamMode": mode(stream)},
        "RetentionPeriodHours": int(stream.document.get("RetentionPeriodHours", DEFAULT_RETENTION)),
        "StreamCreationTimestamp": stream.created,
        "EnhancedMonitoring": _enhanced(stream),
    }
    _encryption(stream, out)
    return out


@handler("kinesis", "DescribeStream")
def describe_stream(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params)
    limit = min(params.get("Limit") or 100, 100)  # "at most 100 results are returned"
    shards = shards_of(ctx, stream)
    start = params.get("ExclusiveStartShardId")
    if start is not None:
        after = shard_number(start)
        if after is None:
            raise InvalidArgumentException(f"Invalid ExclusiveStartShardId: {start}.")
        shards = [s for s in shards if s.number > after]
    out = _common(ctx, stream)
    out["Shards"] = [shard_ops.describe(stream, s) for s in shards[:limit]]
    out["HasMoreShards"] = len(shards) > limit
    return {"StreamDescription": out}


@handler("kinesis", "DescribeStreamSummary")
def describe_stream_summary(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params)
    out = _common(ctx, stream)
    out["OpenShardCount"] = len(shards_of(ctx, stream, open_only=True))
    out["ConsumerCount"] = len(consumers_of(ctx, stream))
    out["MaxRecordSizeInKiB"] = int(stream.document.get("MaxRecordSizeInKiB", DEFAULT_MAX_RECORD_KIB))
    warm_throughput = warm.describe(ctx, stream)
    if warm_throughput is not None:
        out["WarmThroughput"] = warm_throughput
    return {"StreamDescriptionSummary": out}


def _bad_token(token: str) -> InvalidArgumentException:
    return InvalidArgumentException(f"Invalid NextToken: {token[:128]}.")


@handler("kinesis", "ListStreams")
def list_streams(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = min(params.get("Limit") or 100, 100)  # "at most 100 results are returned"
    token = params.get("NextToken")
    start = params.get("ExclusiveStartStreamName")
    where: tuple[Any, ...] = ()
    if token is not None and start is not None:
        raise InvalidArgumentException("NextToken and ExclusiveStartStreamName cannot be provided together.")
    if start is not None:
        where = (Resource.name > start,)
    page = STREAMS.page(ctx, limit=limit, token=token, invalid=_bad_token, order="name", where=where)
    out: dict[str, Any] = {
        "StreamNames": [r.name for r in page.rows],
        "HasMoreStreams": page.token is not None,
        "StreamSummaries": [
            {
                "StreamName": r.name,
                "StreamARN": r.arn,
                "StreamStatus": status(ctx, r),
                "StreamModeDetails": {"StreamMode": mode(r)},
                "StreamCreationTimestamp": r.created,
            }
            for r in page.rows
        ],
    }
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("kinesis", "UpdateStreamMode")
def update_stream_mode(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params, arn_only=True)
    wanted = _mode_of(params.get("StreamModeDetails") or {})
    require_active(ctx, stream)
    if wanted == mode(stream):
        raise ResourceInUseException(
            f"Stream {describe_arn(ctx, stream.arn)} is already in {wanted} mode."
        )
    doc = dict(stream.document)
    day_ago = ctx.now - dt.timedelta(days=1)
    recent = [t for t in doc.get("ModeSwitches", []) if when(t) > day_ago]
    if len(recent) >= MODE_SWITCHES_PER_DAY:
        raise LimitExceededException(
            f"Stream {describe_arn(ctx, stream.arn)} has switched capacity mode {len(recent)} times "
            f"in the last 24 hours: the limit is {MODE_SWITCHES_PER_DAY}."
        )
    if wanted == ON_DEMAND and _on_demand_count(ctx) >= ON_DEMAND_STREAM_LIMIT:
        raise LimitExceededException(
            f"This request would exceed the limit of {ON_DEMAND_STREAM_LIMIT} ON_DEMAND streams "
            f"for the account {ctx.account_id} in {ctx.region}."
        )
    if params.get("WarmThroughputMiBps") is not None:
        warm.set_target(ctx, doc, warm.check(ctx, wanted, params["WarmThroughputMiBps"], "the new mode"))
    doc["StreamMode"] = wanted
    doc["ModeSwitches"] = [*recent, iso(ctx.now)]
    mark_busy(ctx, stream, doc)
    return {}


# -- retention --------------------------------------------------------------------------------


def _hours(ctx: RequestContext, params: dict[str, Any]) -> int:
    hours = params.get("RetentionPeriodHours")
    if not isinstance(hours, int):
        raise InvalidArgumentException("RetentionPeriodHours must be provided.")
    if hours < MIN_RETENTION:
        raise InvalidArgumentException(
            f"Minimum allowed retention period is {MIN_RETENTION} hours. "
            f"Requested retention period ({hours} hours) is too short."
        )
    if hours > MAX_RETENTION:
        raise InvalidArgumentException(
            f"Maximum allowed retention period is {MAX_RETENTION} hours. "
            f"Requested retention period ({hours} hours) is too long."
        )
    return hours


@handler("kinesis", "IncreaseStreamRetentionPeriod")
def increase_retention(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params)
    hours = _hours(ctx, params)
    current = int(stream.document.get("RetentionPeriodHours", DEFAULT_RETENTION))
    if hours < current:
        raise InvalidArgumentException(
            f"Requested retention period ({hours} hours) for stream {stream.name} can not be shorter than "
            f"existing retention period ({current} hours). Use DecreaseRetentionPeriod API."
        )
    require_active(ctx, stream)
    STREAMS.update(ctx, stream, document={**stream.document, "RetentionPeriodHours": hours})
    return {}


@handler("kinesis", "DecreaseStreamRetentionPeriod")
def decrease_retention(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params)
    hours = _hours(ctx, params)
    current = int(stream.document.get("RetentionPeriodHours", DEFAULT_RETENTION))
    if hours > current:
        raise InvalidArgumentException(
            f"Requested retention period ({hours} hours) for stream {stream.name} can not be longer than "
            f"existing retention period ({current} hours). Use IncreaseRetentionPeriod API."
        )
    require_active(ctx, stream)
    STREAMS.update(ctx, stream, document={**stream.document, "RetentionPeriodHours": hours})
    return {}


# -- encryption -------------------------------------------------------------------------------


def _check_key(ctx: RequestContext, key_id: Any) -> str:
    if not isinstance(key_id, str) or not key_id:
        raise InvalidArgumentException("KeyId must be provided when EncryptionType is KMS.")
    if key_id in (AWS_MANAGED_KEY, f"arn:aws:kms:{ctx.region}:{ctx.account_id}:{AWS_MANAGED_KEY}"):
        return key_id
    try:
        kms.key_arn(ctx, key_id)
    except kms.KmsError as exc:
        raise KMSNotFoundException(f"Key '{key_id}' does not exist ({exc.message})") from None
    return key_id


@handler("kinesis", "StartStreamEncryption")
def start_stream_encryption(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params)
    if params.get("EncryptionType") != "KMS":
        raise InvalidArgumentException(
            f"EncryptionType {params.get('EncryptionType')} is not valid for StartStreamEncryption: use KMS."
        )
    key_id = _check_key(ctx, params.get("KeyId"))
    require_active(ctx, stream)
    mark_busy(ctx, stream, {**stream.document, "EncryptionType": "KMS", "KeyId": key_id})
    return {}


@handler("kinesis", "StopStreamEncryption")
def stop_stream_encryption(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params)
    if params.get("EncryptionType") != "KMS":
        raise InvalidArgumentException(
            f"EncryptionType {params.get('EncryptionType')} is not valid for StopStreamEncryption: use KMS."
        )
    if not isinstance(params.get("KeyId"), str) or not params["KeyId"]:
        raise InvalidArgumentException("KeyId must be provided.")
    require_active(ctx, stream)
    doc = {k: v for k, v in stream.document.items() if k != "KeyId"}
    doc["EncryptionType"] = "NONE"
    mark_busy(ctx, stream, doc)
    return {}


# -- enhanced monitoring ----------------------------------------------------------------------


def _metrics(params: dict[str, Any]) -> list[str]:
    wanted = params.get("ShardLevelMetrics")
    if not isinstance(wanted, list) or not wanted:
        raise InvalidArgumentException("ShardLevelMetrics must name at least one metric.")
    if "ALL" in wanted:
        return list(ALL_METRICS)
    return [m for m in ALL_METRICS if m in wanted]


def _monitoring(ctx: RequestContext, params: dict[str, Any], enable: bool) -> dict[str, Any]:
    stream = resolve(ctx, params)
    require_active(ctx, stream)
    current = list(stream.document.get("ShardLevelMetrics", []))
    change = _metrics(params)
    desired = [m for m in ALL_METRICS if (m in current or m in change)] if enable else [
        m for m in current if m not in change
    ]
    STREAMS.update(ctx, stream, document={**stream.document, "ShardLevelMetrics": desired})
    return {
        "StreamName": stream.name,
        "StreamARN": stream.arn,
        "CurrentShardLevelMetrics": current,
        "DesiredShardLevelMetrics": desired,
    }


@handler("kinesis", "EnableEnhancedMonitoring")
def enable_enhanced_monitoring(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _monitoring(ctx, params, True)


@handler("kinesis", "DisableEnhancedMonitoring")
def disable_enhanced_monitoring(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _monitoring(ctx, params, False)


# -- limits -----------------------------------------------------------------------------------


@handler("kinesis", "DescribeLimits")
def describe_limits(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "ShardLimit": SHARD_LIMIT,
        "OpenShardCount": shard_ops.open_shard_count(ctx),
        "OnDemandStreamCount": _on_demand_count(ctx),
        "OnDemandStreamCountLimit": ON_DEMAND_STREAM_LIMIT,
    }


@handler("kinesis", "UpdateMaxRecordSize")
def update_max_record_size(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params, arn_only=True)
    size = params.get("MaxRecordSizeInKiB")
    if not isinstance(size, int) or not 1024 <= size <= 10240:
        raise ValidationException(
            f"1 validation error detected: Value '{size}' at 'maxRecordSizeInKiB' failed to satisfy constraint: "
            "Member must have value between 1024 and 10240"
        )
    require_active(ctx, stream)
    mark_busy(ctx, stream, {**stream.document, "MaxRecordSizeInKiB": size})
    return {}
