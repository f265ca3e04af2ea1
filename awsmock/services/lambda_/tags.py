"""Tags of functions and code signing configs (TagResource, UntagResource, ListTags by ARN, and
CreateFunction's Tags), kept by the one tagging implementation under the unqualified ARN."""

from __future__ import annotations

from typing import Any

from awsmock.engine import tagging
from awsmock.engine.context import RequestContext

from .errors import InvalidParameterValueException, ResourceNotFoundException
from .lookup import _NAME, CODE_SIGNING, FUNCTIONS, function_arn
from .source_kinds import MAPPINGS


def _error(rule: str, detail: dict[str, Any]) -> InvalidParameterValueException:
    return InvalidParameterValueException(
        tagging.worded(rule, detail, "Number of tags exceeds resource tag limit of {limit}.")
    )


RULES_OF_TAGS = tagging.TagRules(error=_error, max_tags=50, max_key=128, max_value=256)


def resource_arn(ctx: RequestContext, arn: str) -> str:
    """The ARN of a function (unqualified), code signing config or event source mapping that
    exists."""
    if ":event-source-mapping:" in arn:
        found = MAPPINGS.by_arn(ctx, arn)
        if found is None or found.account_id != ctx.account_id:
            raise MAPPINGS.not_found(arn)
        return found.arn
    if ":code-signing-config:" in arn:
        row = CODE_SIGNING.by_arn(ctx, arn)
        if row is None or row.account_id != ctx.account_id:
            raise CODE_SIGNING.not_found(arn)
        return row.arn
    m = _NAME.fullmatch(arn)
    if m is None or not arn.startswith("arn:") or m.group("fn") is None:
        raise InvalidParameterValueException(f"Invalid ARN: {arn}")
    if m.group("qualifier"):
        raise InvalidParameterValueException(
            "Tags on function aliases and versions are not supported. Please specify a function ARN."
        )
    name = m.group("name")
    row = (
        FUNCTIONS.find(ctx, name)
        if m.group("account") == ctx.account_id and m.group("region") == ctx.region
        else None
    )
    if row is None:
        raise ResourceNotFoundException(f"Function not found: {function_arn(ctx, name)}")
    return row.arn


tagging.register_operations("lambda", resource=resource_arn, rules=RULES_OF_TAGS, list_op="ListTags")
