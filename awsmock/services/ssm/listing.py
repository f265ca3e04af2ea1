"""Listing parameters: GetParametersByPath, DescribeParameters, GetParameterHistory.

A path listing is one indexed range over the caller's parameter names (``Recursive``: every
name under the path; otherwise the names whose hierarchy is the path), filtered in the same
query and paged by keyset on the name. ``ParameterFilters`` take the keys AWS allows for each
operation (GetParametersByPath: ``Type``, ``KeyId``, ``Label``; DescribeParameters: ``Name``,
``Type``, ``KeyId``, ``Path``, ``Tier``, ``DataType`` and ``tag:<key>``), each key once, with
its options (``Equals``, ``BeginsWith``, ``Contains`` for names, ``OneLevel``/``Recursive`` for
paths). Public parameters (under ``/aws/service/``) answer path listings; DescribeParameters
lists the account's own only.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, exists, false, func, or_, select

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Tag
from awsmock.models.ssm import Parameter, ParameterLabel, ParameterVersion
from awsmock.state import jsontext

from . import names, parameters, policies, public, store
from .errors import (
    InvalidFilterKey,
    InvalidFilterOption,
    InvalidFilterValue,
    InvalidNextToken,
    ParameterNotFound,
    ValidationException,
)

_dumps = jsontext.encoder(separators=(",", ":"))

BY_PATH_KEYS = ("Type", "KeyId", "Label")
DESCRIBE_KEYS = ("Name", "Type", "KeyId", "Path", "Tier", "DataType")
_OPTIONS = {
    "Name": ("Equals", "BeginsWith", "Contains"),
    "Path": ("OneLevel", "Recursive"),
    "Label": ("Equals", "BeginsWith"),
}
_VALUES = {
    "Type": parameters.TYPES,
    "Tier": (parameters.STANDARD, parameters.ADVANCED, parameters.INTELLIGENT),
    "DataType": parameters.DATA_TYPES,
}
MAX_FILTER_VALUES = 50


def _invalid_token(_token: str) -> InvalidNextToken:
    return InvalidNextToken()


def _prefix(column: Any, value: str) -> ColumnElement[bool]:
    """Names starting with ``value`` (case-sensitive on every backend)."""
    return func.substr(column, 1, len(value)) == value


def _under(path: str) -> ColumnElement[bool]:
    """Every name below ``path``: one range of the name index ('0' follows '/')."""
    base = "" if path == "/" else path
    return and_(Parameter.name >= base + "/", Parameter.name < base + "0")


def _tagged(ctx: RequestContext, key: str, values: list[str]) -> ColumnElement[bool]:
    prefix = ctx.arn("ssm", "parameter")
    stmt = select(Tag.arn).where(
        Tag.service == "ssm", Tag.account_id == ctx.account_id, Tag.key == key, _prefix(Tag.arn, prefix)
    )
    if values:
        stmt = stmt.where(Tag.value.in_(values))
    found: set[str] = set()
    for arn in ctx.session.scalars(stmt):
        rest = arn[len(prefix) :]
        found.add(rest)
        if "/" not in rest[1:]:
            found.add(rest[1:])
    return Parameter.name.in_(found) if found else false()


def _filter_key(item: dict[str, Any], allowed: tuple[str, ...], tags: bool) -> str:
    key = item.get("Key")
    if not isinstance(key, str) or not (key in (*DESCRIBE_KEYS, "Label") or key.startswith("tag:")):
        raise ValidationException(
            f"1 validation error detected: Value '{key}' at 'parameterFilters.1.member.key' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: "
            "tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType"
        )
    if key.startswith("tag:") and tags:
        return key
    if key not in allowed:
        shown = ", ".join(allowed + (("tag",) if tags else ()))
        raise InvalidFilterKey(
            f"The following filter key is not valid: {key}. Valid filter keys include: [{shown}]."
        )
    return key


def conditions(
    ctx: RequestContext, filters: list[dict[str, Any]] | None, allowed: tuple[str, ...], *, tags: bool
) -> list[ColumnElement[bool]]:
    """The SQL conditions of ``ParameterFilters``, or SSM's refusal of them."""
    out: list[ColumnElement[bool]] = []
    seen: set[str] = set()
    for item in filters or []:
        if not isinstance(item, dict):
            raise ValidationException("A parameter filter must be an object.")
        key = _filter_key(item, allowed, tags)
        if key in seen:
            raise ValidationException(
                f"The following filter is duplicated in the request: {key}. A request can contain only "
                "one occurrence of a specific filter."
            )
        seen.add(key)
        values = [v for v in item.get("Values") or [] if isinstance(v, str)]
        if len(values) > MAX_FILTER_VALUES:
            raise InvalidFilterValue(f"The filter {key} can have at most {MAX_FILTER_VALUES} values.")
        base = "tag" if key.startswith("tag:") else key
        options = _OPTIONS.get(base, ("Equals",))
        option = item.get("Option") or options[0]
        if option not in options:
            raise InvalidFilterOption(
                f"The following filter option is not valid: {option}. Valid options include: [{', '.join(options)}]."
            )
        if base != "tag" and not values:
            raise InvalidFilterValue(f"The following filter values are missing : {key}")
        legal = _VALUES.get(base)
        if legal is not None:
            for value in values:
                if value not in legal:
                    raise InvalidFilterValue(
                        f"The following filter value is not valid: {value}. Valid values include: [{', '.join(legal)}]."
                    )
        if base == "tag":
            out.append(_tagged(ctx, key[4:], values))
        elif base == "Name":
            wanted = [names.plain(v) for v in values]
            if option == "Equals":
                out.append(Parameter.name.in_(wanted))
            elif option == "BeginsWith":
                out.append(or_(*(_prefix(Parameter.name, v) for v in wanted)))
            else:
                out.append(or_(*(Parameter.name.contains(v, autoescape=True) for v in wanted)))
        elif base == "Path":
            paths = []
            for value in values:
                if not value.startswith("/"):
                    raise InvalidFilterValue(
                        f"The parameter doesn't meet the parameter name requirements. The parameter name must "
                        f'begin with a forward slash "/": {value}'
                    )
                paths.append(value.rstrip("/") or "/")
            if option == "Recursive":
                out.append(or_(*(_under(p) for p in paths)))
            else:
                out.append(Parameter.path.in_(paths))
        elif base == "Label":
            test = (
                ParameterLabel.label.in_(values)
                if option == "Equals"
                else or_(*(_prefix(ParameterLabel.label, v) for v in values))
            )
            out.append(exists().where(ParameterLabel.parameter_id == Parameter.id, test))
        else:
            column = {
                "Type": Parameter.type,
                "KeyId": Parameter.key_id,
                "Tier": Parameter.tier,
                "DataType": Parameter.data_type,
            }[base]
            out.append(column.in_(values))
    return out


def _scope(operation: str, *parts: Any) -> str:
    digest = hashlib.sha256(_dumps(list(parts)).encode()).hexdigest()[:16]
    return f"{operation}:{digest}"


def _limit(params: dict[str, Any], default: int) -> int:
    value = params.get("MaxResults")
    return value if isinstance(value, int) and value > 0 else default


# -- GetParametersByPath ------------------------------------------------------------------------


def _public_by_path(
    ctx: RequestContext, path: str, recursive: bool, params: dict[str, Any]
) -> dict[str, Any]:
    if params.get("ParameterFilters"):
        conditions(ctx, params["ParameterFilters"], BY_PATH_KEYS, tags=False)  # checked, as AWS does
    below = path + "/"
    items = [
        (name, value)
        for name, value in public.parameters(ctx.region).items()
        if name.startswith(below) and (recursive or "/" not in name[len(below) :])
    ]
    for item in params.get("ParameterFilters") or []:
        if (item.get("Key") == "Type" and "String" not in (item.get("Values") or [])) or item.get("Key") in (
            "KeyId",
            "Label",
        ):
            items = []
    page = pager.page_list(
        items,
        key=lambda kv: kv[0],
        limit=_limit(params, 10),
        token=params.get("NextToken"),
        scope=_scope("GetParametersByPath", path, recursive, params.get("ParameterFilters")),
        invalid=_invalid_token,
    )
    found = [parameters._public(ctx, name, None, False) for name, _value in page.rows]
    out: dict[str, Any] = {"Parameters": [p for p in found if p is not None]}
    if page.token:
        out["NextToken"] = page.token
    return out


_P = Parameter.__table__.c


def _by_path_statement(recursive: bool, after: bool) -> Any:
    where = [
        _P.account_id == bindparam("account"),
        _P.region == bindparam("region"),
        or_(_P.expires_at.is_(None), _P.expires_at > bindparam("now")),
    ]
    if recursive:
        where += [_P.name >= bindparam("low"), _P.name < bindparam("high")]
    else:
        where.append(_P.path == bindparam("path"))
    if after:
        where.append(_P.name > bindparam("after"))
    columns = (_P.name, _P.type, _P.value, _P.key_id, _P.version, _P.modified, _P.data_type)
    return select(*columns).where(*where).order_by(_P.name).limit(bindparam("limit"))


#: a path listing without filters, by (Recursive, after a token): prebuilt Core statements run
#: on the DB-API cursor (no ORM session, no statement built per request); the same keyset on the
#: name, and the same tokens (``pager.encode``), as the listing with filters
_BY_PATH = {(r, a): _by_path_statement(r, a) for r in (False, True) for a in (False, True)}


def _plain_by_path(ctx: RequestContext, path: str, recursive: bool, params: dict[str, Any]) -> dict[str, Any]:
    scope = _scope("GetParametersByPath", path, recursive, params.get("ParameterFilters"))
    limit = _limit(params, 10)
    bind: dict[str, Any] = {
        "account": ctx.account_id,
        "region": ctx.region,
        "now": store.stored_time(ctx, ctx.now),
        "limit": limit + 1,
    }
    if recursive:
        base = "" if path == "/" else path
        bind["low"], bind["high"] = base + "/", base + "0"
    else:
        bind["path"] = path
    token = params.get("NextToken")
    if token:
        after = pager.decode(token, scope, _invalid_token)
        if len(after) != 1 or not isinstance(after[0], str):
            raise _invalid_token(token)
        bind["after"] = after[0]
    ctx.tx.flush()
    rows = ctx.tx.execute(_BY_PATH[recursive, bool(token)], bind).fetchall()
    decrypt = bool(params.get("WithDecryption"))
    out: dict[str, Any] = {"Parameters": [store.shown(ctx, *row, decrypt=decrypt) for row in rows[:limit]]}
    if len(rows) > limit:
        out["NextToken"] = pager.encode(scope, [rows[limit - 1][0]])
    return out


@handler("ssm", "GetParametersByPath")
def get_parameters_by_path(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    path = names.check_path(params["Path"])
    recursive = bool(params.get("Recursive"))
    if names.is_public(path + "/"):
        return _public_by_path(ctx, path, recursive, params)
    if not params.get("ParameterFilters"):
        return _plain_by_path(ctx, path, recursive, params)
    where = conditions(ctx, params.get("ParameterFilters"), BY_PATH_KEYS, tags=False)
    where.append(_under(path) if recursive else Parameter.path == path)
    found = pager.page(
        ctx.session,
        select(Parameter).where(store.mine(ctx), *where),
        keys=(Parameter.name,),
        limit=_limit(params, 10),
        token=params.get("NextToken"),
        scope=_scope("GetParametersByPath", path, recursive, params.get("ParameterFilters")),
        invalid=_invalid_token,
    )
    decrypt = bool(params.get("WithDecryption"))
    out: dict[str, Any] = {
        "Parameters": [store.as_parameter(ctx, row.name, row, decrypt=decrypt) for row in found.rows]
    }
    if found.token:
        out["NextToken"] = found.token
    return out


# -- DescribeParameters -------------------------------------------------------------------------


def _old_filters(filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``Filters`` (Name, Type, KeyId) as ``ParameterFilters`` (names by prefix)."""
    out = []
    for item in filters:
        if not isinstance(item, dict):
            raise ValidationException("A parameter filter must be an object.")
        key = item.get("Key")
        option = "BeginsWith" if key == "Name" else "Equals"
        out.append({"Key": key, "Option": option, "Values": item.get("Values") or []})
    return out


def metadata(ctx: RequestContext, row: Parameter) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Name": row.name,
        "ARN": names.arn(ctx, row.name),
        "Type": row.type,
        "LastModifiedDate": row.modified,
        "LastModifiedUser": row.modified_user,
        "Version": row.version,
        "Tier": row.tier,
        "Policies": policies.described(row.policies, row.expires_at, ctx.now),
        "DataType": row.data_type,
    }
    if row.key_id:
        out["KeyId"] = row.key_id
    if row.description:
        out["Description"] = row.description
    if row.allowed_pattern:
        out["AllowedPattern"] = row.allowed_pattern
    return out


@handler("ssm", "DescribeParameters")
def describe_parameters(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("Filters") and params.get("ParameterFilters"):
        raise ValidationException(
            "You can use either Filters or ParameterFilters in a single request, but not both."
        )
    filters = params.get("ParameterFilters") or _old_filters(params.get("Filters") or [])
    where = conditions(ctx, filters, DESCRIBE_KEYS, tags=True)
    if params.get("Shared"):
        where.append(false())  # no parameter is shared with this account (no resource policies)
    found = pager.page(
        ctx.session,
        select(Parameter).where(store.mine(ctx), *where),
        keys=(Parameter.name,),
        limit=_limit(params, 10),
        token=params.get("NextToken"),
        scope=_scope("DescribeParameters", filters, bool(params.get("Shared"))),
        invalid=_invalid_token,
    )
    out: dict[str, Any] = {"Parameters": [metadata(ctx, row) for row in found.rows]}
    if found.token:
        out["NextToken"] = found.token
    return out


# -- GetParameterHistory ------------------------------------------------------------------------


@handler("ssm", "GetParameterHistory")
def get_parameter_history(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name, _selector = parameters.reference(ctx, params["Name"])
    row = store.find(ctx, name)
    if row is None:
        raise ParameterNotFound(f"Parameter {name} not found.")
    found = pager.page(
        ctx.session,
        select(ParameterVersion).where(ParameterVersion.parameter_id == row.id),
        keys=(ParameterVersion.version,),
        limit=_limit(params, 50),
        token=params.get("NextToken"),
        scope=f"GetParameterHistory:{row.id}",
        invalid=_invalid_token,
    )
    labels: dict[int, list[str]] = {}
    for label, number in ctx.session.execute(
        select(ParameterLabel.label, ParameterLabel.version)
        .where(ParameterLabel.parameter_id == row.id)
        .order_by(ParameterLabel.label)
    ):
        labels.setdefault(number, []).append(label)
    decrypt = bool(params.get("WithDecryption"))
    history = []
    for item in found.rows:
        entry: dict[str, Any] = {
            "Name": row.name,
            "Type": item.type,
            "LastModifiedDate": item.modified,
            "LastModifiedUser": item.modified_user,
            "Value": store.shown_value(ctx, row.name, item.type, item.value, item.key_id, decrypt),
            "Version": item.version,
            "Labels": labels.get(item.version, []),
            "Tier": item.tier,
            "Policies": policies.described(item.policies, row.expires_at, ctx.now),
            "DataType": item.data_type,
        }
        for member, value in (
            ("KeyId", item.key_id),
            ("Description", item.description),
            ("AllowedPattern", item.allowed_pattern),
        ):
            if value:
                entry[member] = value
        history.append(entry)
    out: dict[str, Any] = {"Parameters": history}
    if found.token:
        out["NextToken"] = found.token
    return out
