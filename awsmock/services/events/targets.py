"""Targets of rules: PutTargets, RemoveTargets, ListTargetsByRule (a rule holds at most five;
per-entry results in ``FailedEntries``)."""

from __future__ import annotations

import re
from typing import Any

from awsmock.engine import arns, pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import transform
from .errors import LimitExceededException, ManagedRuleException, validation
from .rules import find_rule
from .store import RULES

TARGET_ID = re.compile(r"^[\.\-_A-Za-z0-9]{1,64}$")
MAX_TARGETS = 5
_KEPT = (
    "Id",
    "Arn",
    "RoleArn",
    "Input",
    "InputPath",
    "InputTransformer",
    "KinesisParameters",
    "RunCommandParameters",
    "EcsParameters",
    "BatchParameters",
    "SqsParameters",
    "HttpParameters",
    "RedshiftDataParameters",
    "SageMakerPipelineParameters",
    "DeadLetterConfig",
    "RetryPolicy",
    "AppSyncParameters",
)


def _failed(target_id: Any, code: str, message: str) -> dict[str, Any]:
    return {"TargetId": target_id, "ErrorCode": code, "ErrorMessage": message}


def _entry_problem(target: dict[str, Any]) -> str | None:
    arn = target.get("Arn")
    parsed = arns.parse(arn) if isinstance(arn, str) else None
    if parsed is None:
        return f"Parameter {arn} is not valid. Reason: Provided Arn is not in correct format."
    fifo = parsed.service == "sqs" and parsed.resource.endswith(".fifo")
    if fifo and not (target.get("SqsParameters") or {}).get("MessageGroupId"):
        return "Parameter(s) SqsParameters must be specified for target: " + str(target.get("Id")) + "."
    return None


@handler("events", "PutTargets")
def put_targets(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _bus, rule = find_rule(ctx, params, "Rule")
    if rule.document.get("ManagedBy"):
        raise ManagedRuleException(
            f"Rule {rule.name} is managed by {rule.document['ManagedBy']} and cannot be changed."
        )
    given = params["Targets"]
    if len(given) > 10:
        raise validation(
            "1 validation error detected: Value at 'targets' failed to satisfy constraint: "
            "Member must have length less than or equal to 10"
        )
    current = {t["Id"]: t for t in rule.document.get("Targets") or []}
    failed = []
    for target in given:
        target_id = target.get("Id")
        if not isinstance(target_id, str) or not TARGET_ID.match(target_id):
            raise validation(
                f"1 validation error detected: Value '{target_id}' at 'targets.1.member.id' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"
            )
        transform.check_target(target)
        problem = _entry_problem(target)
        if problem:
            failed.append(_failed(target_id, "ValidationException", problem))
            continue
        current[target_id] = {k: target[k] for k in _KEPT if target.get(k) is not None}
    if len(current) > MAX_TARGETS:
        raise LimitExceededException(
            f"The requested resource exceeds the maximum number allowed. Rule {rule.name} can have at most "
            f"{MAX_TARGETS} targets."
        )
    RULES.update(ctx, rule, document={**rule.document, "Targets": list(current.values())})
    return {"FailedEntryCount": len(failed), "FailedEntries": failed}


@handler("events", "RemoveTargets")
def remove_targets(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _bus, rule = find_rule(ctx, params, "Rule")
    if rule.document.get("ManagedBy") and not params.get("Force"):
        raise ManagedRuleException(
            f"Rule {rule.name} is managed by {rule.document['ManagedBy']} and cannot be changed."
        )
    ids = set(params["Ids"])
    kept = [t for t in rule.document.get("Targets") or [] if t["Id"] not in ids]
    RULES.update(ctx, rule, document={**rule.document, "Targets": kept})
    return {"FailedEntryCount": 0, "FailedEntries": []}


@handler("events", "ListTargetsByRule")
def list_targets_by_rule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _bus, rule = find_rule(ctx, params, "Rule")
    limit = params.get("Limit") or 100
    if not isinstance(limit, int) or not 1 <= limit <= 100:
        raise validation(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: "
            "Member must have value less than or equal to 100"
        )
    targets = sorted(rule.document.get("Targets") or [], key=lambda t: t["Id"])
    page = pager.page_list(
        targets,
        key=lambda t: t["Id"],
        limit=limit,
        token=params.get("NextToken"),
        scope=f"events:targets:{rule.arn}",
        invalid=lambda _t: validation("The NextToken provided is invalid."),
    )
    out: dict[str, Any] = {"Targets": page.rows}
    if page.token:
        out["NextToken"] = page.token
    return out
