"""Parameter Store's writes and reads by name: PutParameter, GetParameter, GetParameters,
DeleteParameter, DeleteParameters.

PutParameter checks what AWS documents: the naming rules (:mod:`.names`), a type to create
with, ``Overwrite`` (and no tags with it), the value's size for the tier (4 KB Standard, 8 KB
Advanced; Intelligent-Tiering picks the smallest that fits), no downgrade from Advanced,
policies only on Advanced, ``AllowedPattern``, ``DataType`` (``text``, ``aws:ec2:image`` for an
AMI id, ``aws:ssm:integration``), a KMS key only for a SecureString, and at most 100 versions
(the oldest goes, unless it carries a label). Reads take ``name``, ``name:version``,
``name:label`` or the parameter's ARN; SecureString values are shown encrypted unless
``WithDecryption``.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from awsmock.engine import arns, tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import constraint_message
from awsmock.engine.registry import handler
from awsmock.models.ssm import Parameter, ParameterVersion

from . import names, policies, public, sealing, store, tags
from .errors import (
    InvalidAllowedPatternException,
    ParameterAlreadyExists,
    ParameterLimitExceeded,
    ParameterMaxVersionLimitExceeded,
    ParameterNotFound,
    ParameterPatternMismatchException,
    ParameterVersionNotFound,
    UnsupportedParameterType,
    ValidationException,
)

TYPES = ("String", "StringList", store.SECURE)
STANDARD, ADVANCED, INTELLIGENT = "Standard", "Advanced", "Intelligent-Tiering"
MAX_VALUE = {STANDARD: 4096, ADVANCED: 8192}
MAX_VERSIONS = 100
MAX_PARAMETERS = {STANDARD: 10_000, ADVANCED: 100_000}
DATA_TYPES = ("text", "aws:ec2:image", "aws:ssm:integration")
_AMI = re.compile(r"^ami-([0-9a-f]{8}|[0-9a-f]{17})$")


# -- naming a parameter -----------------------------------------------------------------------


def reference(ctx: RequestContext, raw: str) -> tuple[str, str | None]:
    """(name, selector) of what a read names: a name, ``name:selector`` or the parameter's ARN
    (``...:parameter/a`` names ``a``, or ``/a`` when only that exists)."""
    text = raw.strip()
    if text.startswith("arn:"):
        parsed = arns.parse(text)
        if parsed is None or parsed.service != "ssm" or not parsed.resource.startswith("parameter/"):
            raise ValidationException(f"Invalid parameter ARN: {text}")
        rest = parsed.resource[len("parameter") :]
        name, selector = names.split_selector(rest)
        if "/" in name[1:] or (store.find(ctx, name[1:]) is None and store.find(ctx, name) is not None):
            return name, selector
        return name[1:], selector
    return names.split_selector(text)


def select_version(ctx: RequestContext, row: Parameter, selector: str | None) -> Parameter | ParameterVersion:
    """The parameter's version the selector names (the current one when none)."""
    if selector is None:
        return row
    if selector.isdigit():
        number = int(selector)
    else:
        found = store.labelled(ctx, row, selector)
        if found is None:
            raise ParameterVersionNotFound(
                f"Systems Manager could not find label {selector} of {row.name}. "
                "Verify the label and try again."
            )
        number = found
    if number == row.version:
        return row
    item = store.version(ctx, row, number)
    if item is None:
        raise ParameterVersionNotFound(
            f"Systems Manager could not find version {number} of {row.name}. Verify the version and try again."
        )
    return item


def _public(ctx: RequestContext, name: str, selector: str | None, decrypt: bool) -> dict[str, Any] | None:
    value = public.parameters(ctx.region).get(name)
    if value is None:
        return None
    if selector is not None and selector != "1":
        raise ParameterVersionNotFound(
            f"Systems Manager could not find version {selector} of {name}. Verify the version and try again."
        )
    out: dict[str, Any] = {
        "Name": name,
        "Type": "String",
        "Value": value,
        "Version": 1,
        "LastModifiedDate": public.PUBLISHED,
        "ARN": names.public_arn(ctx, name),
        "DataType": "text",
    }
    if selector is not None:
        out["Selector"] = ":" + selector
    return out


def read(ctx: RequestContext, raw: str, decrypt: bool) -> dict[str, Any] | None:
    """The parameter a read names, as a ``Parameter``; None when there is none."""
    name, selector = reference(ctx, raw)
    if names.is_public(name):
        return _public(ctx, name, selector, decrypt)
    if selector is None:
        return store.current(ctx, name, decrypt=decrypt)
    row = store.find(ctx, name)
    if row is None:
        return None
    item = select_version(ctx, row, selector)
    return store.as_parameter(ctx, row.name, item, decrypt=decrypt, selector=selector)


# -- PutParameter -----------------------------------------------------------------------------


def _tier(requested: str | None, existing: Parameter | None, value: str, has_policies: bool) -> str:
    if requested is None:
        requested = existing.tier if existing is not None else STANDARD
    if requested == INTELLIGENT:
        needs = len(value) > MAX_VALUE[STANDARD] or has_policies
        if existing is not None and existing.tier == ADVANCED:
            needs = True
        return ADVANCED if needs else STANDARD
    if requested == STANDARD:
        if existing is not None and existing.tier == ADVANCED:
            raise ValidationException(
                "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from "
                "the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete "
                "the advanced parameter and recreate it as a standard parameter."
            )
        if has_policies:
            raise ValidationException(
                "Parameter policies are supported only for parameters in the advanced-parameter tier. "
                "For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/"
                "parameter-store-advanced-parameters.html"
            )
        if len(value) > MAX_VALUE[STANDARD]:
            raise ValidationException(
                "Standard tier parameters support a maximum parameter value of 4096 characters. To create "
                "a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For "
                "more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/"
                "parameter-store-advanced-parameters.html"
            )
        return STANDARD
    if len(value) > MAX_VALUE[ADVANCED]:
        raise ValidationException(
            "Advanced tier parameters support a maximum parameter value of 8192 characters."
        )
    return ADVANCED


def _check_data_type(data_type: str, kind: str, value: str) -> None:
    if data_type not in DATA_TYPES:
        raise ValidationException(
            f"The following data type is not supported: {data_type} (Data type names are all lowercase.)"
        )
    if data_type != "text" and kind != "String":
        raise ValidationException(f"The data type {data_type} is supported only for the String type.")
    if data_type == "aws:ec2:image" and not _AMI.match(value):
        raise ValidationException(
            f"Parameter value {value} is not a valid AMI ID for the data type aws:ec2:image. "
            "The value must be an AMI ID such as ami-12345678 or ami-1234567890abcdef0."
        )


def _check_pattern(pattern: str, value: str) -> None:
    try:
        compiled = re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        raise InvalidAllowedPatternException(
            f"The request doesn't meet the regular expression requirement: {pattern}"
        ) from None
    if compiled.search(value) is None:
        raise ParameterPatternMismatchException(
            f"Parameter value, cannot be validated against allowedPattern: {pattern}"
        )


def _make_room(ctx: RequestContext, row: Parameter) -> None:
    """Keep at most 100 versions: the oldest goes, unless a label holds it."""
    session = ctx.session
    count, oldest = session.execute(
        select(func.count(), func.min(ParameterVersion.version)).where(
            ParameterVersion.parameter_id == row.id
        )
    ).one()
    if count < MAX_VERSIONS:
        return
    if store.labels_of(ctx, row, oldest):
        raise ParameterMaxVersionLimitExceeded(
            f"You attempted to create a new version of {row.name} by calling the PutParameter API with the "
            f"overwrite flag. Version {oldest}, the oldest version, can't be deleted because it has a label "
            "associated with it. Move the label to another version of the parameter, and try again."
        )
    doomed = store.version(ctx, row, oldest)
    if doomed is not None:
        session.delete(doomed)


@handler("ssm", "PutParameter")
def put_parameter(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = names.check_name(ctx, params["Name"])
    value = params.get("Value")
    if not isinstance(value, str) or value == "":
        raise ValidationException(
            constraint_message("", "value", "Member must have length greater than or equal to 1")
        )
    existing = store.find_any(ctx, name)
    if existing is not None and existing.expires_at is not None and existing.expires_at <= ctx.now:
        store.remove(ctx, existing)
        existing = None
    overwrite = bool(params.get("Overwrite"))
    if existing is not None and not overwrite:
        raise ParameterAlreadyExists()
    if existing is not None and params.get("Tags"):
        raise ValidationException(
            "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, "
            "please remove overwrite flag. To update tags for an existing parameter, please use "
            "AddTagsToResource or RemoveTagsFromResource."
        )
    kind = params.get("Type") or (existing.type if existing is not None else None)
    if kind is None:
        raise ValidationException("A parameter type is required when you create a parameter.")
    if kind not in TYPES:
        raise UnsupportedParameterType(f"The parameter type {kind} isn't supported.")
    data_type = params.get("DataType") or (existing.data_type if existing is not None else "text")
    if params.get("Type") and params.get("Type") != "String" and not params.get("DataType"):
        data_type = "text"
    _check_data_type(data_type, kind, value)
    key_id = params.get("KeyId")
    if key_id is not None and kind != store.SECURE:
        raise ValidationException("KeyId is required for SecureString type parameter only.")
    if kind == store.SECURE and key_id is None:
        same = existing is not None and existing.type == store.SECURE
        key_id = existing.key_id if same and existing is not None else sealing.DEFAULT_ALIAS
    description = params.get("Description", existing.description if existing else None)
    pattern = params.get("AllowedPattern", existing.allowed_pattern if existing else None)
    if pattern:
        _check_pattern(pattern, value)
    if params.get("Policies") is not None:
        found_policies, expires = policies.parse(params["Policies"], ctx.now)
    elif existing is not None:
        found_policies, expires = existing.policies, existing.expires_at
    else:
        found_policies, expires = None, None
    tier = _tier(params.get("Tier"), existing, value, bool(found_policies))
    tag_set = tags.read(params.get("Tags"))
    session = ctx.session
    if existing is None:
        count = session.scalar(
            select(func.count()).select_from(Parameter).where(store.mine(ctx), Parameter.tier == tier)
        )
        if (count or 0) >= MAX_PARAMETERS[tier]:
            raise ParameterLimitExceeded()
    arn = names.arn(ctx, name)
    stored = sealing.seal(ctx, key_id, arn, value) if kind == store.SECURE else value
    fields = {
        "type": kind,
        "value": stored,
        "key_id": key_id if kind == store.SECURE else None,
        "data_type": data_type,
        "tier": tier,
        "description": description,
        "allowed_pattern": pattern or None,
        "policies": found_policies,
        "modified": ctx.now,
        "modified_user": store.user(ctx),
    }
    if existing is None:
        row = Parameter(
            account_id=ctx.account_id,
            region=ctx.region,
            name=name,
            path=names.parent_path(name),
            version=1,
            expires_at=expires,
            **fields,
        )
        session.add(row)
        session.flush()
    else:
        row = existing
        _make_room(ctx, row)
        row.version += 1
        row.expires_at = expires
        for field, field_value in fields.items():
            setattr(row, field, field_value)
    session.add(ParameterVersion(parameter_id=row.id, version=row.version, **fields))
    if tag_set:
        tagging.tag(ctx, "ssm", arn, tag_set, tags.RULES)
    session.flush()
    return {"Version": row.version, "Tier": tier}


# -- reads --------------------------------------------------------------------------------------


@handler("ssm", "GetParameter")
def get_parameter(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    found = read(ctx, params["Name"], bool(params.get("WithDecryption")))
    if found is None:
        raise ParameterNotFound("")
    return {"Parameter": found}


@handler("ssm", "GetParameters")
def get_parameters(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    decrypt = bool(params.get("WithDecryption"))
    found: list[dict[str, Any]] = []
    invalid: list[str] = []
    seen: set[str] = set()
    for raw in params["Names"]:
        if not isinstance(raw, str) or raw in seen:
            continue
        seen.add(raw)
        try:
            item = read(ctx, raw, decrypt)
        except (ParameterVersionNotFound, ValidationException):
            item = None
        if item is None:
            invalid.append(raw)
        else:
            found.append(item)
    return {"Parameters": found, "InvalidParameters": invalid}


# -- deletes ------------------------------------------------------------------------------------


def _delete(ctx: RequestContext, raw: str) -> bool:
    row = store.find_any(ctx, names.plain(raw))
    if row is None:
        return False
    live = row.expires_at is None or row.expires_at > ctx.now
    store.remove(ctx, row)
    return live


@handler("ssm", "DeleteParameter")
def delete_parameter(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["Name"]
    if not _delete(ctx, name):
        raise ParameterNotFound(f"Parameter {names.plain(name)} not found.")
    return {}


@handler("ssm", "DeleteParameters")
def delete_parameters(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    deleted: list[str] = []
    invalid: list[str] = []
    for raw in params["Names"]:
        if not isinstance(raw, str) or raw in deleted or raw in invalid:
            continue
        (deleted if _delete(ctx, raw) else invalid).append(raw)
    return {"DeletedParameters": deleted, "InvalidParameters": invalid}
