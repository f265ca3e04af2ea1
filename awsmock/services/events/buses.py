"""Event buses: CreateEventBus, DescribeEventBus, ListEventBuses, UpdateEventBus,
DeleteEventBus, and the bus policy (PutPermission, RemovePermission) that governs who may put
events on a bus."""

from __future__ import annotations

import json
import re
from typing import Any

from awsmock.engine import pager, tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.state import jsontext

from . import partners
from .errors import (
    PolicyLengthExceededException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
    bus_not_found,
    validation,
)
from .store import BUSES, DEFAULT, RULES, bus_arn, bus_name_of, bus_row, find_bus, rules_of
from .tags import RULES as TAG_RULES
from .tags import read_tags

STATEMENT_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")
MAX_POLICY = 10240


def _limit(params: dict[str, Any]) -> int:
    limit = params.get("Limit")
    if limit is None:
        return 100
    if not isinstance(limit, int) or limit < 1 or limit > 100:
        raise validation(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: "
            "Member must have value less than or equal to 100"
        )
    return limit


def describe(ctx: RequestContext, name: str) -> dict[str, Any]:
    row = find_bus(ctx, name)
    if row is None and name != DEFAULT:
        raise bus_not_found(name)
    out: dict[str, Any] = {"Name": name, "Arn": bus_arn(ctx, name)}
    doc = row.document if row is not None else {}
    for key in ("Description", "KmsKeyIdentifier", "DeadLetterConfig", "Policy"):
        if doc.get(key):
            out[key] = doc[key]
    if row is not None:
        out["CreationTime"] = row.created
        out["LastModifiedTime"] = row.updated
    return out


@handler("events", "CreateEventBus")
def create_event_bus(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["Name"]
    if not isinstance(name, str) or name.startswith("arn:"):
        raise validation(f"Event bus name {name} is not valid.")
    if name == DEFAULT:
        raise ResourceAlreadyExistsException(f"Event bus {name} already exists.")
    source = params.get("EventSourceName")
    if source is not None and source != name:
        raise validation("Event bus name must match the name of the event source.")
    if "/" in name and source is None:
        if name.startswith("aws.partner/"):
            raise ResourceNotFoundException(f"Event source {name} does not exist.")
        raise validation("Event bus name must not contain '/'.")
    bus_name_of(ctx, name, "name")
    tags = read_tags(params.get("Tags"))
    doc: dict[str, Any] = {}
    for key in ("Description", "KmsKeyIdentifier", "DeadLetterConfig"):
        if params.get(key):
            doc[key] = params[key]
    if source:
        doc["EventSourceName"] = source
    if find_bus(ctx, name) is not None:
        raise ResourceAlreadyExistsException(f"Event bus {name} already exists.")
    if source:
        partners.activate_for_bus(ctx, name)
    row = BUSES.create(ctx, rid=name, name=name, document=doc)
    if tags:
        tagging.tag(ctx, "events", row.arn, tags, TAG_RULES)
    out: dict[str, Any] = {"EventBusArn": row.arn}
    for key in ("Description", "KmsKeyIdentifier", "DeadLetterConfig"):
        if key in doc:
            out[key] = doc[key]
    return out


@handler("events", "DescribeEventBus")
def describe_event_bus(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return describe(ctx, bus_name_of(ctx, params.get("Name"), "name"))


@handler("events", "UpdateEventBus", write=True)
def update_event_bus(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = bus_name_of(ctx, params.get("Name"), "name")
    row = bus_row(ctx, name)
    doc = dict(row.document)
    for key in ("Description", "KmsKeyIdentifier", "DeadLetterConfig"):
        if key in params:
            if params[key]:
                doc[key] = params[key]
            else:
                doc.pop(key, None)
    BUSES.update(ctx, row, document=doc)
    out: dict[str, Any] = {"Arn": row.arn, "Name": name}
    for key in ("Description", "KmsKeyIdentifier", "DeadLetterConfig"):
        if key in doc:
            out[key] = doc[key]
    return out


@handler("events", "ListEventBuses")
def list_event_buses(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    prefix = params.get("NamePrefix") or ""
    limit = _limit(params)
    names = {r.rid for r in BUSES.page(ctx, limit=10_000, token=None, invalid=validation).rows}
    names.add(DEFAULT)
    wanted = sorted(n for n in names if n.startswith(prefix))
    page = pager.page_list(
        wanted,
        key=lambda n: n,
        limit=limit,
        token=params.get("NextToken"),
        scope=f"events:buses:{prefix}",
        invalid=lambda _t: validation("The NextToken provided is invalid."),
    )
    out: dict[str, Any] = {"EventBuses": [describe(ctx, n) for n in page.rows]}
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("events", "DeleteEventBus")
def delete_event_bus(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = bus_name_of(ctx, params["Name"], "name")
    if name == DEFAULT:
        raise validation("Cannot delete event bus default.")
    row = find_bus(ctx, name)
    if row is None:
        return {}
    for rule in rules_of(ctx, name):
        RULES.delete(ctx, rule)
    BUSES.delete(ctx, row)
    return {}


# -- the bus policy ------------------------------------------------------------------------


def _policy_of(doc: dict[str, Any]) -> dict[str, Any] | None:
    text = doc.get("Policy")
    if not text:
        return None
    loaded = json.loads(text)
    return loaded if isinstance(loaded, dict) else None


def _store_policy(ctx: RequestContext, row: Any, policy: dict[str, Any] | None) -> None:
    doc = dict(row.document)
    if policy is None or not policy.get("Statement"):
        doc.pop("Policy", None)
    else:
        text = json.dumps(policy, separators=(",", ":"))
        if len(text) > MAX_POLICY:
            raise PolicyLengthExceededException("Policy length exceeded.")
        doc["Policy"] = text
    BUSES.update(ctx, row, document=doc)


@handler("events", "PutPermission")
def put_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = bus_name_of(ctx, params.get("EventBusName"))
    row = bus_row(ctx, name)
    whole = params.get("Policy")
    if whole is not None:
        try:
            policy = jsontext.guarded_loads(whole, max_depth=32, max_size=MAX_POLICY)
        except ValueError:
            raise validation("Policy is not a valid JSON document.") from None
        if not isinstance(policy, dict) or not isinstance(policy.get("Statement"), (list, dict)):
            raise validation("Policy is not a valid JSON document.")
        _store_policy(ctx, row, policy)
        return {}
    action, principal, sid = params.get("Action"), params.get("Principal"), params.get("StatementId")
    if action is None or principal is None or sid is None:
        raise validation("One of Policy or (Action, Principal, StatementId) must be specified.")
    if action != "events:PutEvents":
        raise validation("Provided value in parameter 'action' is not supported.")
    if not isinstance(principal, str) or not (principal == "*" or re.fullmatch(r"\d{12}", principal)):
        raise validation(
            f"1 validation error detected: Value '{principal}' at 'principal' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: (\\d{12}|\\*)"
        )
    if not isinstance(sid, str) or not STATEMENT_ID.match(sid):
        raise validation(
            f"1 validation error detected: Value '{sid}' at 'statementId' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+"
        )
    condition = params.get("Condition")
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": "*" if principal == "*" else {"AWS": f"arn:aws:iam::{principal}:root"},
        "Action": action,
        "Resource": row.arn,
    }
    if condition is not None:
        if condition.get("Type") != "StringEquals" or condition.get("Key") != "aws:PrincipalOrgID":
            raise validation("Provided Condition is not supported.")
        statement["Condition"] = {"StringEquals": {"aws:PrincipalOrgID": condition.get("Value")}}
    policy = _policy_of(row.document) or {"Version": "2012-10-17", "Statement": []}
    statements = policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]
    if any(isinstance(s, dict) and s.get("Sid") == sid for s in statements):
        raise ResourceAlreadyExistsException("Statement with the provided id already exists.")
    policy["Statement"] = [*statements, statement]
    _store_policy(ctx, row, policy)
    return {}


@handler("events", "RemovePermission")
def remove_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = bus_name_of(ctx, params.get("EventBusName"))
    row = bus_row(ctx, name)
    policy = _policy_of(row.document)
    if params.get("RemoveAllPermissions"):
        _store_policy(ctx, row, None)
        return {}
    sid = params.get("StatementId")
    if not sid:
        raise validation("One of StatementId or RemoveAllPermissions must be specified.")
    if policy is None:
        raise ResourceNotFoundException("EventBus does not have a policy.")
    statements = policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]
    kept = [s for s in statements if not (isinstance(s, dict) and s.get("Sid") == sid)]
    if len(kept) == len(statements):
        raise ResourceNotFoundException("Statement with the provided id does not exist.")
    policy["Statement"] = kept
    _store_policy(ctx, row, policy)
    return {}
