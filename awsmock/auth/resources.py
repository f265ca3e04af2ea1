"""What a request asks for, in IAM's terms: the action name, the resource ARNs, and the
resource-based policy that governs it, as each service declares them
(:class:`awsmock.engine.facts.ServiceFacts`).

* :func:`action_name`: ``<IAM prefix>:<action>``, the prefix being the service's signing name
  unless it declares another, the action the operation's name unless it declares another.
* :func:`resource_arns`: the service's declared builder; otherwise the first ``...Arn`` member
  of the request, else ``*``.
* :func:`access_checks`: every permission a request needs (an operation that reads one resource
  and writes another needs both), the service's declared ones or the one above;
* :func:`resource_policy`: the service's declared lookup, which returns a
  :class:`ResourcePolicy` (the document, or None when the resource has none, and the owning
  account) or None when the request names no resource with a policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from awsmock.engine import registry, specs
from awsmock.engine.context import RequestContext
from awsmock.engine.facts import Access


@dataclass
class ResourcePolicy:
    document: str | Mapping[str, Any] | None
    account_id: str
    #: the resource policy must allow (a role's trust policy); otherwise it is one way in
    required: bool = False


@cache
def action_prefix(service: str) -> str:
    declared = registry.facts(service).action_prefix
    if declared:
        return declared
    try:
        md = specs.service_metadata(service)
    except KeyError:
        return service
    return md.get("signingName") or md.get("endpointPrefix") or service


def action_name(service: str, operation: str) -> str:
    """``prefix:Action``; a service may declare an operation's action with its own prefix."""
    action = registry.facts(service).actions.get(operation, operation)
    return action if ":" in action else f"{action_prefix(service)}:{action}"


def _generic(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    for key, value in params.items():
        if isinstance(value, str) and value.startswith("arn:") and (key.endswith("Arn") or key.endswith("ARN")):
            return [value]
    return ["*"]


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    builder = registry.facts(ctx.service).resources or _generic
    return builder(ctx, operation, params) or ["*"]


def access_checks(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[Access]:
    """Every permission the request needs: what the service declares for the operation, else
    the operation's action on its resources."""
    declared = registry.facts(ctx.service).access
    checks = declared(ctx, operation, params) if declared is not None else None
    if checks is None:
        return [Access(action_name(ctx.service, operation), tuple(resource_arns(ctx, operation, params)))]
    return checks


def resource_policy(ctx: RequestContext, operation: str, params: dict[str, Any]) -> ResourcePolicy | None:
    lookup = registry.facts(ctx.service).resource_policy
    if lookup is None:
        return None
    found: ResourcePolicy | None = lookup(ctx, operation, params)
    return found
