"""What the event source mappings' CRUD (:mod:`.event_sources`) and pollers (:mod:`.pollers`)
share: the store's kind of mapping, the sources awsmock polls, and which mappings are enabled."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from awsmock.engine import arns, patterns, resources
from awsmock.engine.context import RequestContext
from awsmock.models.resources import Resource

from .errors import ResourceNotFoundException

SQS, KINESIS, DYNAMODB = "sqs", "kinesis", "dynamodb"
ENABLED, DISABLED = "Enabled", "Disabled"
FILTER_LIMITS = patterns.Limits(max_keys=None, nested=True, noun="Filter pattern")
NO_QUEUE_TEXT = (
    "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. "
    "SQS Error Message: The specified queue does not exist for this wsdl version."
)


def mapping_arn(ctx: RequestContext, rid: str) -> str:
    return ctx.arn("lambda", f"event-source-mapping:{rid}")


MAPPINGS = resources.Kind(
    "lambda",
    "event-source-mapping",
    arn=mapping_arn,
    not_found=lambda rid: ResourceNotFoundException("The resource you requested does not exist."),
    title="Event source mappings",
)


def source_kind(arn: Any) -> str | None:
    """``sqs``, ``kinesis`` or ``dynamodb`` for an event source ARN awsmock polls, else None."""
    parsed = arns.parse(arn) if isinstance(arn, str) else None
    if parsed is None:
        return None
    if parsed.service == "sqs" and parsed.resource and ":" not in parsed.resource:
        return SQS
    if parsed.service == "kinesis" and parsed.resource.startswith("stream/"):
        return KINESIS
    if parsed.service == "dynamodb" and "/stream/" in parsed.resource:
        return DYNAMODB
    return None


def enabled_mappings(session: Any) -> list[Resource]:
    """Every enabled mapping of the state (any account and region)."""
    return list(
        session.scalars(
            select(Resource).where(
                Resource.service == "lambda",
                Resource.kind == MAPPINGS.kind,
                Resource.state == ENABLED,
            )
        ).all()
    )
