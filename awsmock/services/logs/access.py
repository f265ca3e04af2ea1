"""CloudWatch Logs as access control sees it: the resources each request acts on.

AWS authorizes a log group's operations against
``arn:...:log-group:<name>:log-stream:`` (a stream of no name), which is why policies name log
groups with a trailing ``:*`` (``log-group:<name>:*`` matches it, and every stream of the group);
a stream's operations act on ``log-group:<name>:log-stream:<stream>``; listings of every group
act on ``log-group::log-stream:``. The tagging operations act on the ARN they are given (a group's
``logGroupArn``, without ``:*``, or a destination's). Destinations are
``destination:<name>``; the rest (queries, export tasks, policies) act on ``*``.
"""

from __future__ import annotations

from typing import Any

from awsmock.engine.context import RequestContext

_STREAM_OPS = frozenset(["CreateLogStream", "DeleteLogStream", "PutLogEvents", "GetLogEvents"])
_DESTINATION_OPS = frozenset(["PutDestination", "PutDestinationPolicy", "DeleteDestination"])
_TAG_OPS = frozenset(["TagResource", "UntagResource", "ListTagsForResource"])
_LISTINGS = frozenset(["DescribeLogGroups", "ListLogGroups"])


def _group_name(params: dict[str, Any]) -> str | None:
    name = params.get("logGroupName")
    if isinstance(name, str):
        return name
    for member in ("logGroupIdentifier", "resourceIdentifier"):
        identifier = params.get(member)
        if isinstance(identifier, str):
            if identifier.startswith("arn:"):
                parts = identifier.split(":", 6)
                if len(parts) == 7 and parts[5] == "log-group":
                    return parts[6][:-2] if parts[6].endswith(":*") else parts[6]
                return None
            return identifier
    return None


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    if operation in _TAG_OPS:
        arn = params.get("resourceArn")
        if isinstance(arn, str) and arn.startswith("arn:"):
            return [arn[:-2] if arn.endswith(":*") else arn]
        return ["*"]
    if operation in _DESTINATION_OPS:
        name = params.get("destinationName")
        return [ctx.arn("logs", f"destination:{name}")] if isinstance(name, str) else ["*"]
    if operation in _LISTINGS:
        return [ctx.arn("logs", "log-group::log-stream:")]
    group = _group_name(params)
    if group is None:
        return ["*"]
    stream = params.get("logStreamName")
    if operation in _STREAM_OPS and isinstance(stream, str):
        return [ctx.arn("logs", f"log-group:{group}:log-stream:{stream}")]
    return [ctx.arn("logs", f"log-group:{group}:log-stream:")]
