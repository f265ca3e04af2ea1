"""Rules: PutRule (an event pattern, a schedule, or both, validated as EventBridge does),
DescribeRule, ListRules, EnableRule, DisableRule, DeleteRule (refused while the rule has
targets), ListRuleNamesByTarget."""

from __future__ import annotations

from typing import Any

from awsmock.engine import tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from . import scheduler, schedules
from .errors import InvalidEventPatternException, ManagedRuleException, rule_not_found, validation
from .eventpatterns import MAX_PATTERN, compile_event_pattern
from .store import DEFAULT, RULE_NAME, RULES, bus_arn, bus_exists, bus_name_of, bus_row, rule_rid, rules_of
from .tags import RULES as TAG_RULES
from .tags import read_tags

STATES = ("ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")


def check_rule_name(name: Any) -> str:
    if not isinstance(name, str) or not RULE_NAME.match(name):
        raise validation(
            f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"
        )
    return name


def find_rule(ctx: RequestContext, params: dict[str, Any], member: str = "Name") -> tuple[str, Resource]:
    """(bus name, rule) a request names, or ResourceNotFoundException."""
    bus = bus_name_of(ctx, params.get("EventBusName"))
    name = check_rule_name(params.get(member))
    row = RULES.find(ctx, rule_rid(bus, name))
    if row is None:
        if not bus_exists(ctx, bus):
            from .errors import bus_not_found

            raise bus_not_found(bus)
        raise rule_not_found(name, bus)
    return bus, row


def describe(row: Resource, bus: str, *, full: bool = True) -> dict[str, Any]:
    doc = row.document
    out: dict[str, Any] = {"Name": row.name, "Arn": row.arn}
    for key in ("EventPattern", "ScheduleExpression"):
        if doc.get(key):
            out[key] = doc[key]
    out["State"] = row.state
    for key in ("Description", "RoleArn", "ManagedBy"):
        if doc.get(key):
            out[key] = doc[key]
    out["EventBusName"] = bus
    if full:
        out["CreatedBy"] = row.account_id
    return out


@handler("events", "PutRule")
def put_rule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_rule_name(params["Name"])
    bus = bus_name_of(ctx, params.get("EventBusName"))
    pattern, schedule = params.get("EventPattern"), params.get("ScheduleExpression")
    if not pattern and not schedule:
        raise validation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
    if schedule:
        if bus != DEFAULT:
            raise validation("ScheduleExpression is supported only on the default event bus.")
        schedules.check(schedule)
    if pattern:
        if len(pattern) > MAX_PATTERN:
            raise InvalidEventPatternException(
                "Event pattern is not valid. Reason: Event pattern is too long"
            )
        compile_event_pattern(pattern)
    state = params.get("State") or "ENABLED"
    if state not in STATES:
        raise validation(
            f"1 validation error detected: Value '{state}' at 'state' failed to satisfy constraint: "
            "Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]"
        )
    description = params.get("Description")
    if isinstance(description, str) and len(description) > 512:
        raise validation(
            "1 validation error detected: Value at 'description' failed to satisfy constraint: "
            "Member must have length less than or equal to 512"
        )
    tags = read_tags(params.get("Tags"))
    bus_row(ctx, bus)  # the bus exists (the default one gets its row)
    doc: dict[str, Any] = {}
    if pattern:
        doc["EventPattern"] = pattern
    if schedule:
        doc["ScheduleExpression"] = schedule
    for key in ("Description", "RoleArn"):
        if params.get(key):
            doc[key] = params[key]
    row = RULES.find(ctx, rule_rid(bus, name))
    if row is None:
        row = RULES.create(
            ctx,
            rid=rule_rid(bus, name),
            name=name,
            parent=bus_arn(ctx, bus),
            state=state,
            document={**doc, "Targets": []},
        )
        if tags:
            tagging.tag(ctx, "events", row.arn, tags, TAG_RULES)
        scheduler.arm(ctx, row)
    else:
        if row.document.get("ManagedBy"):
            raise ManagedRuleException(
                f"Rule {name} is managed by {row.document['ManagedBy']} and cannot be changed."
            )
        kept = {
            k: row.document[k] for k in ("Targets", "ScheduleGeneration", "LastFiredFor") if k in row.document
        }
        RULES.update(ctx, row, document={**doc, "Targets": [], **kept}, state=state)
        scheduler.arm(ctx, row)
    return {"RuleArn": row.arn}


@handler("events", "DescribeRule")
def describe_rule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bus, row = find_rule(ctx, params)
    return describe(row, bus)


@handler("events", "ListRules")
def list_rules(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bus = bus_name_of(ctx, params.get("EventBusName"))
    if not bus_exists(ctx, bus):
        from .errors import bus_not_found

        raise bus_not_found(bus)
    limit = params.get("Limit") or 100
    if not isinstance(limit, int) or not 1 <= limit <= 100:
        raise validation(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: "
            "Member must have value less than or equal to 100"
        )
    page = RULES.page(
        ctx,
        limit=limit,
        token=params.get("NextToken"),
        invalid=lambda _t: validation("The NextToken provided is invalid."),
        parent=bus_arn(ctx, bus),
        name_prefix=params.get("NamePrefix") or None,
        order="name",
    )
    out: dict[str, Any] = {"Rules": [describe(r, bus, full=False) for r in page.rows]}
    if page.token:
        out["NextToken"] = page.token
    return out


def _set_state(ctx: RequestContext, params: dict[str, Any], state: str) -> dict[str, Any]:
    _bus, row = find_rule(ctx, params)
    if row.document.get("ManagedBy"):
        raise ManagedRuleException(
            f"Rule {row.name} is managed by {row.document['ManagedBy']} and cannot be changed."
        )
    RULES.update(ctx, row, state=state)
    scheduler.arm(ctx, row)
    return {}


@handler("events", "EnableRule")
def enable_rule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _set_state(ctx, params, "ENABLED")


@handler("events", "DisableRule")
def disable_rule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _set_state(ctx, params, "DISABLED")


@handler("events", "DeleteRule")
def delete_rule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bus = bus_name_of(ctx, params.get("EventBusName"))
    name = check_rule_name(params["Name"])
    row = RULES.find(ctx, rule_rid(bus, name))
    if row is None:
        return {}  # deleting a rule that does not exist succeeds
    if row.document.get("ManagedBy") and not params.get("Force"):
        raise ManagedRuleException(
            f"Rule {name} is managed by {row.document['ManagedBy']} and cannot be deleted."
        )
    if row.document.get("Targets"):
        raise validation("Rule can't be deleted since it has targets.")
    RULES.delete(ctx, row)
    return {}


@handler("events", "ListRuleNamesByTarget")
def list_rule_names_by_target(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bus = bus_name_of(ctx, params.get("EventBusName"))
    target = params["TargetArn"]
    names = [
        r.name or ""
        for r in rules_of(ctx, bus)
        if any(t.get("Arn") == target for t in r.document.get("Targets") or [])
    ]
    from awsmock.engine import pager

    limit = params.get("Limit") or 100
    page = pager.page_list(
        names,
        key=lambda n: n,
        limit=limit if isinstance(limit, int) and limit > 0 else 100,
        token=params.get("NextToken"),
        scope=f"events:rules-by-target:{bus}:{target}",
        invalid=lambda _t: validation("The NextToken provided is invalid."),
    )
    out: dict[str, Any] = {"RuleNames": page.rows}
    if page.token:
        out["NextToken"] = page.token
    return out
