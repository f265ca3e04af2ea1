"""Resource policies of streams and consumers: PutResourcePolicy, GetResourcePolicy,
DeleteResourcePolicy. Access control weighs them (:mod:`.access`): a policy can let another
account's principals read or write a stream."""

from __future__ import annotations

from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource
from awsmock.state import jsontext

from .errors import InvalidArgumentException, ResourceNotFoundException
from .lookup import CONSUMER_ARN, CONSUMERS, STREAM_ARN, STREAMS, resolve

#: the longest policy document, in characters
MAX_POLICY = 20480


def target(ctx: RequestContext, arn: Any) -> tuple[Any, Resource]:
    """(the Kind, the row) of the stream or consumer ``arn`` names."""
    if isinstance(arn, str) and CONSUMER_ARN.fullmatch(arn):
        row = CONSUMERS.by_arn(ctx, arn)
        if row is None:
            raise ResourceNotFoundException(f"Consumer {arn} not found.")
        return CONSUMERS, row
    if isinstance(arn, str) and STREAM_ARN.fullmatch(arn):
        return STREAMS, resolve(ctx, {"StreamARN": arn})
    raise InvalidArgumentException(f"Invalid ResourceARN: {str(arn)[:256]}.")


def _check(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidArgumentException("Policy must be provided.")
    if len(text) > MAX_POLICY:
        raise InvalidArgumentException(f"Policy is longer than {MAX_POLICY} characters.")
    try:
        doc = jsontext.guarded_loads(text)
    except ValueError:
        raise InvalidArgumentException("Policy is not valid JSON.") from None
    if not isinstance(doc, dict) or not doc.get("Statement"):
        raise InvalidArgumentException("Policy must be a JSON object with at least one Statement.")
    for statement in doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]:
        if not isinstance(statement, dict) or statement.get("Effect") not in ("Allow", "Deny"):
            raise InvalidArgumentException("Each policy statement must have an Effect of Allow or Deny.")
    return text


@handler("kinesis", "PutResourcePolicy")
def put_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    kind, row = target(ctx, params.get("ResourceARN"))
    text = _check(params.get("Policy"))
    kind.update(ctx, row, document={**row.document, "Policy": text})
    return {}


@handler("kinesis", "GetResourcePolicy")
def get_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _kind, row = target(ctx, params.get("ResourceARN"))
    return {"Policy": row.document.get("Policy") or "{}"}


@handler("kinesis", "DeleteResourcePolicy")
def delete_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    kind, row = target(ctx, params.get("ResourceARN"))
    if not row.document.get("Policy"):
        raise ResourceNotFoundException(f"No resource policy found for resource ARN {row.arn}.")
    kind.update(ctx, row, document={k: v for k, v in row.document.items() if k != "Policy"})
    return {}
