"""X-Ray as access control sees it: ``xray:<Operation>`` on the group
(``arn:aws:xray:<region>:<account>:group/<name>/<id>``) or the sampling rule
(``...:sampling-rule/<name>``) a request names; everything else on ``*``."""

from __future__ import annotations

from typing import Any

from awsmock.engine.context import RequestContext

from .lookup import RULES, group_arn_of, rule_name_of

_GROUP_OPS = frozenset(["GetGroup", "UpdateGroup", "DeleteGroup", "GetServiceGraph", "GetTimeSeriesServiceStatistics"])
_RULE_OPS = frozenset(["DeleteSamplingRule"])
_TAG_OPS = frozenset(["TagResource", "UntagResource", "ListTagsForResource"])


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    arn: str | None = None
    if operation in _TAG_OPS:
        arn = params.get("ResourceARN") if isinstance(params.get("ResourceARN"), str) else None
    elif operation == "CreateGroup" and isinstance(params.get("GroupName"), str):
        arn = ctx.arn("xray", f"group/{params['GroupName']}/*")
    elif operation in _GROUP_OPS:
        arn = group_arn_of(ctx, params)
    elif operation == "CreateSamplingRule":
        rule = params.get("SamplingRule")
        name = rule_name_of(rule) if isinstance(rule, dict) else None
        arn = RULES.arn_of(ctx, name) if name else None
    elif operation == "UpdateSamplingRule":
        change = params.get("SamplingRuleUpdate")
        name = rule_name_of(change) if isinstance(change, dict) else None
        arn = RULES.arn_of(ctx, name) if name else None
    elif operation in _RULE_OPS:
        name = rule_name_of(params)
        arn = RULES.arn_of(ctx, name) if name else None
    return [arn] if arn else ["*"]
