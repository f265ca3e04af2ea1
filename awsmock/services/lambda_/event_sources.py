"""Event source mappings: CreateEventSourceMapping, GetEventSourceMapping,
UpdateEventSourceMapping, DeleteEventSourceMapping, ListEventSourceMappings, for Amazon SQS
queues, Kinesis data streams and DynamoDB streams (the sources :mod:`.pollers` reads).

A mapping is a row of the shared resource store (kind ``event-source-mapping``, id its UUID,
name its event source ARN, parent the function ARN it invokes, state ``Enabled`` or
``Disabled``); its document holds the configuration as AWS answers it. Its poller's lease, its
checkpoints per shard and its last processing result are rows of Lambda's own table
(:class:`awsmock.models.lambda_.LambdaPollerPosition`).

The answers to Create, Update and Delete show the transition AWS reports (``Creating``,
``Updating``/``Enabling``/``Disabling``, ``Deleting``); the change takes effect at once, so the
next read shows where it settled.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import delete

from awsmock.engine import arns, patterns, tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.lambda_ import LambdaPollerPosition
from awsmock.models.resources import Resource
from awsmock.state import jsontext

from .errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    invalid_marker,
)
from .lookup import Named, function_arn, parse_name, resolve
from .source_kinds import (
    DISABLED,
    DYNAMODB,
    ENABLED,
    FILTER_LIMITS,
    KINESIS,
    MAPPINGS,
    NO_QUEUE_TEXT,
    SQS,
    mapping_arn,
    source_kind,
)
from .tags import RULES_OF_TAGS

__all__ = ["MAPPINGS", "mapping_arn", "source_kind"]

USER_INITIATED = "USER_INITIATED"
NO_RECORDS = "No records processed"
DEFAULT_BATCH = {SQS: 10, KINESIS: 100, DYNAMODB: 100}
MAX_BATCH = 10000
MAX_FIFO_BATCH = 10
MAX_FILTERS = 5
MAX_RECORD_AGE = 604800
MIN_RECORD_AGE = 60
STARTING_POSITIONS = {
    KINESIS: ("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"),
    DYNAMODB: ("TRIM_HORIZON", "LATEST"),
}
#: parameters only stream sources take
STREAM_ONLY = (
    "ParallelizationFactor",
    "BisectBatchOnFunctionError",
    "MaximumRetryAttempts",
    "MaximumRecordAgeInSeconds",
    "DestinationConfig",
    "TumblingWindowInSeconds",
)
#: sources awsmock does not poll (Kafka, Amazon MQ, DocumentDB)
UNSUPPORTED = (
    "Topics",
    "Queues",
    "SourceAccessConfigurations",
    "SelfManagedEventSource",
    "AmazonManagedKafkaEventSourceConfig",
    "SelfManagedKafkaEventSourceConfig",
    "DocumentDBEventSourceConfig",
)
FIFO_BATCH_TEXT = "Maximum batch size must be between 1 and 10 inclusive"


# -- the source ------------------------------------------------------------------------------------


def _check_source(ctx: RequestContext, kind: str, arn: str) -> bool:
    """That the source exists; whether it is a FIFO queue."""
    if kind == SQS:
        from awsmock.services.sqs import internal as sqs

        fifo = sqs.queue_exists(ctx, arn)
        if fifo is None:
            raise InvalidParameterValueException(NO_QUEUE_TEXT)
        return fifo
    if kind == KINESIS:
        from awsmock.services.kinesis import internal as kinesis

        if kinesis.stream_status(ctx, arn) is None:
            raise InvalidParameterValueException(f"Stream not found: {arn}")
        return False
    from awsmock.services.dynamodb import internal as dynamodb

    if not dynamodb.stream_exists(ctx, arn):
        raise InvalidParameterValueException(f"Stream not found: {arn}")
    return False


# -- validation ------------------------------------------------------------------------------------


def _filters(value: Any) -> dict[str, Any] | None:
    """FilterCriteria, each pattern checked by the shared matcher."""
    if value is None:
        return None
    filters = (value or {}).get("Filters") or []
    if len(filters) > MAX_FILTERS:
        raise InvalidParameterValueException(f"The number of filters exceeds the limit of {MAX_FILTERS}.")
    for f in filters:
        text = (f or {}).get("Pattern")
        try:
            patterns.compile_pattern(jsontext.guarded_loads(text or ""), FILTER_LIMITS)
        except (ValueError, TypeError, UnicodeDecodeError, jsontext.JsonLimitExceeded) as exc:
            raise InvalidParameterValueException("Invalid filter pattern definition.") from exc
    return {"Filters": [{"Pattern": (f or {}).get("Pattern")} for f in filters]}


def _destination(value: Any) -> dict[str, Any]:
    on_failure = ((value or {}).get("OnFailure") or {}).get("Destination")
    if (value or {}).get("OnSuccess"):
        raise InvalidParameterValueException(
            "Unsupported DestinationConfig parameter for given event source mapping type."
        )
    if on_failure is None:
        return {"OnFailure": {}}
    parsed = arns.parse(str(on_failure))
    if parsed is None or parsed.service not in ("sqs", "sns"):
        raise InvalidParameterValueException(
            "The provided destination config DestinationConfig(onSuccess=null, "
            f"onFailure=OnFailure(destination={on_failure})) is invalid."
        )
    return {"OnFailure": {"Destination": str(on_failure)}}


def _check(kind: str, fifo: bool, config: dict[str, Any]) -> None:
    """The rules a configuration (after defaults) must meet for its source."""
    batch = int(config["BatchSize"])
    window = int(config.get("MaximumBatchingWindowInSeconds") or 0)
    if kind == SQS:
        if fifo:
            if batch > MAX_FIFO_BATCH:
                raise InvalidParameterValueException(FIFO_BATCH_TEXT)
            if window:
                raise InvalidParameterValueException("Batching window is not supported for FIFO queues.")
        elif batch > 10 and window < 1:
            raise InvalidParameterValueException(
                "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
            )
        return
    age = int(config.get("MaximumRecordAgeInSeconds", -1))
    if age != -1 and not MIN_RECORD_AGE <= age <= MAX_RECORD_AGE:
        raise InvalidParameterValueException(
            f"MaximumRecordAgeInSeconds must be -1 or between {MIN_RECORD_AGE} and {MAX_RECORD_AGE}."
        )


def _initial(ctx: RequestContext, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """The stored configuration of a new mapping (AWS's defaults filled in)."""
    for name in UNSUPPORTED:
        if params.get(name) is not None:
            raise InvalidParameterValueException(f"Unsupported {name} parameter for given event source.")
    config: dict[str, Any] = {
        "BatchSize": params.get("BatchSize") or DEFAULT_BATCH[kind],
        "MaximumBatchingWindowInSeconds": params.get("MaximumBatchingWindowInSeconds") or 0,
    }
    if kind == SQS:
        if params.get("StartingPosition") is not None or params.get("StartingPositionTimestamp") is not None:
            raise InvalidParameterValueException("StartingPosition is not valid for SQS event sources.")
        for name in STREAM_ONLY:
            if params.get(name) is not None:
                raise InvalidParameterValueException(f"Unsupported {name} parameter for given event source.")
    else:
        start = params.get("StartingPosition")
        if start is None:
            raise InvalidParameterValueException(
                "1 validation error detected: Value null at 'startingPosition' failed to satisfy "
                "constraint: Member must not be null."
            )
        if start not in STARTING_POSITIONS[kind]:
            raise InvalidParameterValueException(f"Unsupported starting position for the stream: {start}")
        stamp = params.get("StartingPositionTimestamp")
        if start == "AT_TIMESTAMP" and stamp is None:
            raise InvalidParameterValueException("Need to specify a timestamp")
        if start != "AT_TIMESTAMP" and stamp is not None:
            raise InvalidParameterValueException(
                "StartingPositionTimestamp is only valid with StartingPosition AT_TIMESTAMP."
            )
        config["StartingPosition"] = start
        if stamp is not None:
            config["StartingPositionTimestamp"] = _stamp(stamp).timestamp()
        config.update(
            ParallelizationFactor=params.get("ParallelizationFactor") or 1,
            DestinationConfig=_destination(params.get("DestinationConfig")),
            MaximumRecordAgeInSeconds=_or(params.get("MaximumRecordAgeInSeconds"), -1),
            BisectBatchOnFunctionError=bool(params.get("BisectBatchOnFunctionError") or False),
            MaximumRetryAttempts=_or(params.get("MaximumRetryAttempts"), -1),
            TumblingWindowInSeconds=params.get("TumblingWindowInSeconds") or 0,
        )
    filters = _filters(params.get("FilterCriteria"))
    if filters is not None and filters["Filters"]:
        config["FilterCriteria"] = filters
    config["FunctionResponseTypes"] = list(params.get("FunctionResponseTypes") or [])
    if params.get("ScalingConfig") is not None:
        if kind != SQS:
            raise InvalidParameterValueException(
                "Unsupported ScalingConfig parameter for given event source."
            )
        config["ScalingConfig"] = dict(params["ScalingConfig"])
    for name in ("KMSKeyArn", "MetricsConfig"):
        if params.get(name) is not None:
            config[name] = params[name]
    return config


def _or(value: Any, default: int) -> int:
    return default if value is None else int(value)


def _stamp(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.fromtimestamp(float(value), dt.UTC)


def _function(ctx: RequestContext, text: Any) -> tuple[Named, str]:
    """The function a mapping invokes (it must exist) and its ARN as the mapping names it."""
    named = parse_name(ctx, text)
    resolve(ctx, named)
    return named, function_arn(ctx, named.name, named.qualifier)


def _conflict(ctx: RequestContext, kind: str, source: str, fn_arn: str, named: Named, skip: str = "") -> None:
    found = ctx.session.scalars(
        MAPPINGS._mine(ctx).where(Resource.name == source, Resource.parent == fn_arn, Resource.rid != skip)
    ).first()
    if found is None:
        return
    shown_name = named.name if named.qualifier is None else f"{named.name}:{named.qualifier}"
    if kind == SQS:
        raise ResourceConflictException(
            f'An event source mapping with SQS arn (" {source} ") and function (" {shown_name} ") '
            f"already exists. Please update or delete the existing mapping with UUID {found.rid}"
        )
    raise ResourceConflictException(
        f'The event source arn (" {source} ") and function (" {shown_name} ") provided mapping '
        f"already exists. Please update or delete the existing mapping with UUID {found.rid}"
    )


# -- answers ---------------------------------------------------------------------------------------


def _positions(ctx: RequestContext, rid: str) -> LambdaPollerPosition | None:
    return ctx.session.get(LambdaPollerPosition, (rid, ""))


def shown(ctx: RequestContext, row: Resource, state: str | None = None) -> dict[str, Any]:
    """A mapping as AWS answers it (``state``: the transition the answer reports)."""
    doc = row.document
    config = dict(doc["config"])
    if "StartingPositionTimestamp" in config:
        config["StartingPositionTimestamp"] = dt.datetime.fromtimestamp(
            float(config["StartingPositionTimestamp"]), dt.UTC
        )
    out: dict[str, Any] = {
        "UUID": row.rid,
        **config,
        "EventSourceArn": row.name,
        "FunctionArn": row.parent,
        "LastModified": row.updated,
        "State": state or row.state,
        "StateTransitionReason": doc.get("reason", USER_INITIATED),
        "EventSourceMappingArn": row.arn,
    }
    if doc["source"] != SQS:
        held = _positions(ctx, row.rid)
        out["LastProcessingResult"] = (held.last_result if held is not None else None) or NO_RECORDS
    return out


# -- operations ------------------------------------------------------------------------------------


def _start_polling(ctx: RequestContext) -> None:
    from . import pollers

    store = ctx.store
    ctx.after_commit(lambda: pollers.start(store))


@handler("lambda", "CreateEventSourceMapping")
def create_event_source_mapping(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    source = params.get("EventSourceArn")
    kind = source_kind(source)
    if kind is None:
        raise InvalidParameterValueException("Unrecognized event source.")
    assert isinstance(source, str)
    named, fn_arn = _function(ctx, params.get("FunctionName"))
    config = _initial(ctx, kind, params)
    fifo = _check_source(ctx, kind, source)
    _check(kind, fifo, config)
    _conflict(ctx, kind, source, fn_arn, named)
    rid = str(uuid.uuid4())
    enabled = params.get("Enabled") is not False
    row = MAPPINGS.create(
        ctx,
        rid=rid,
        name=source,
        parent=fn_arn,
        state=ENABLED if enabled else DISABLED,
        document={"source": kind, "fifo": fifo, "config": config, "reason": USER_INITIATED},
    )
    ctx.session.add(LambdaPollerPosition(mapping=rid, shard="", attempts=0))
    if kind != SQS:
        _start_positions(ctx, rid, kind, source, config)
    tags = params.get("Tags")
    if tags:
        tagging.tag(ctx, "lambda", row.arn, tags, RULES_OF_TAGS)
    if enabled:
        _start_polling(ctx)
    return shown(ctx, row, "Creating")


def _start_positions(ctx: RequestContext, rid: str, kind: str, source: str, config: dict[str, Any]) -> None:
    """Where each shard's reading starts, fixed when the mapping is made (LATEST: after what the
    stream holds now; AT_TIMESTAMP: from that time)."""
    from . import pollers

    for shard, position in pollers.starting_positions(ctx, kind, source, config).items():
        ctx.session.add(LambdaPollerPosition(mapping=rid, shard=shard, position=position, attempts=0))


@handler("lambda", "GetEventSourceMapping")
def get_event_source_mapping(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return shown(ctx, MAPPINGS.get(ctx, str(params.get("UUID"))))


@handler("lambda", "UpdateEventSourceMapping")
def update_event_source_mapping(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = MAPPINGS.get(ctx, str(params.get("UUID")))
    doc = dict(row.document)
    kind = str(doc["source"])
    config = dict(doc["config"])
    fn_arn = str(row.parent)
    for name in UNSUPPORTED:
        if params.get(name) is not None:
            raise InvalidParameterValueException(f"Unsupported {name} parameter for given event source.")
    if params.get("FunctionName") is not None:
        named, fn_arn = _function(ctx, params["FunctionName"])
        _conflict(ctx, kind, str(row.name), fn_arn, named, skip=row.rid)
    if params.get("BatchSize") is not None:
        config["BatchSize"] = params["BatchSize"]
    if params.get("MaximumBatchingWindowInSeconds") is not None:
        config["MaximumBatchingWindowInSeconds"] = params["MaximumBatchingWindowInSeconds"]
    if params.get("FilterCriteria") is not None:
        filters = _filters(params["FilterCriteria"])
        if filters and filters["Filters"]:
            config["FilterCriteria"] = filters
        else:
            config.pop("FilterCriteria", None)
    if params.get("FunctionResponseTypes") is not None:
        config["FunctionResponseTypes"] = list(params["FunctionResponseTypes"])
    if params.get("ScalingConfig") is not None:
        if kind != SQS:
            raise InvalidParameterValueException(
                "Unsupported ScalingConfig parameter for given event source."
            )
        config["ScalingConfig"] = dict(params["ScalingConfig"])
    for name in STREAM_ONLY:
        if params.get(name) is None:
            continue
        if kind == SQS:
            raise InvalidParameterValueException(f"Unsupported {name} parameter for given event source.")
        config[name] = _destination(params[name]) if name == "DestinationConfig" else params[name]
    for name in ("KMSKeyArn", "MetricsConfig"):
        if params.get(name) is not None:
            config[name] = params[name]
    _check(kind, bool(doc.get("fifo")), config)
    state = str(row.state)
    transition = "Updating"
    if params.get("Enabled") is not None:
        wanted = ENABLED if params["Enabled"] else DISABLED
        if wanted != state:
            transition = "Enabling" if wanted == ENABLED else "Disabling"
            state = wanted
    doc.update(config=config, reason=USER_INITIATED)
    MAPPINGS.update(ctx, row, document=doc, state=state)
    row.parent = fn_arn
    if state == ENABLED:
        _start_polling(ctx)
    return shown(ctx, row, transition)


@handler("lambda", "DeleteEventSourceMapping")
def delete_event_source_mapping(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = MAPPINGS.get(ctx, str(params.get("UUID")))
    out = shown(ctx, row, "Deleting")
    ctx.session.execute(delete(LambdaPollerPosition).where(LambdaPollerPosition.mapping == row.rid))
    MAPPINGS.delete(ctx, row)
    return out


@handler("lambda", "ListEventSourceMappings")
def list_event_source_mappings(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    where: list[Any] = []
    if params.get("EventSourceArn") is not None:
        where.append(Resource.name == str(params["EventSourceArn"]))
    if params.get("FunctionName") is not None:
        named = parse_name(ctx, params["FunctionName"])
        where.append(Resource.parent == function_arn(ctx, named.name, named.qualifier))
    limit = int(params.get("MaxItems") or 100)
    page = MAPPINGS.page(
        ctx,
        limit=limit,
        token=params.get("Marker"),
        invalid=invalid_marker,
        order="created",
        where=tuple(where),
    )
    out: dict[str, Any] = {"EventSourceMappings": [shown(ctx, r) for r in page.rows]}
    if page.token:
        out["NextMarker"] = page.token
    return out
