"""Lambda's resources in the shared store (functions, published versions, aliases, layers and
their versions, code signing configs) and how a request names them: a function by name, ARN or
partial ARN, with a qualifier (a version, ``$LATEST`` or an alias) in the name or beside it."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import bindparam, select

from awsmock.engine import resources
from awsmock.engine.context import RequestContext
from awsmock.models.resources import Resource
from awsmock.state.rawvalues import conversions

from .errors import InvalidParameterValueException, ResourceNotFoundException, validation

LATEST = "$LATEST"
#: invocations kept per function for the dashboard (the newest; older ones are pruned)
KEPT_INVOCATIONS = 20

FUNCTION_NAME_PATTERN = (
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?"
    r"([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?"
)
_NAME = re.compile(
    r"(?:arn:(?P<partition>aws[a-zA-Z-]*)?:lambda:(?P<region>[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?"
    r"(?:(?P<account>\d{12}):)?(?:(?P<fn>function):)?(?P<name>[a-zA-Z0-9-_]+)"
    r"(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?"
)
QUALIFIER = re.compile(r"\$LATEST|[a-zA-Z0-9-_]+")
VERSION = re.compile(r"[0-9]+")
ALIAS_NAME = re.compile(r"(?!^[0-9]+$)[a-zA-Z0-9-_]+")
LAYER_NAME = re.compile(r"[a-zA-Z0-9-_]+")
LAYER_VERSION_ARN = re.compile(
    r"arn:[a-zA-Z0-9-]+:lambda:(?P<region>[a-zA-Z0-9-]+):(?P<account>\d{12}):layer:(?P<name>[a-zA-Z0-9-_]+):(?P<version>[0-9]+)"
)
LAYER_ARN = re.compile(
    r"arn:[a-zA-Z0-9-]+:lambda:(?P<region>[a-zA-Z0-9-]+):(?P<account>\d{12}):layer:(?P<name>[a-zA-Z0-9-_]+)"
)


def function_arn(ctx: RequestContext, name: str, qualifier: str | None = None) -> str:
    base = ctx.arn("lambda", f"function:{name}")
    return f"{base}:{qualifier}" if qualifier else base


def not_found(arn: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Function not found: {arn}")


FUNCTIONS = resources.Kind(
    "lambda",
    "function",
    arn=lambda ctx, rid: function_arn(ctx, rid),
    not_found=lambda rid: ResourceNotFoundException(f"Function not found: {rid}"),
    unique="rid",
    title="Functions",
)
VERSIONS = resources.Kind(
    "lambda",
    "version",
    arn=lambda ctx, rid: function_arn(ctx, *rid.split(":", 1)),
    not_found=lambda rid: ResourceNotFoundException(f"Function not found: {rid}"),
)
ALIASES = resources.Kind(
    "lambda",
    "alias",
    arn=lambda ctx, rid: function_arn(ctx, *rid.split(":", 1)),
    not_found=lambda rid: ResourceNotFoundException(f"Cannot find alias arn: {rid}"),
)
LAYERS = resources.Kind(
    "lambda",
    "layer",
    arn=lambda ctx, rid: ctx.arn("lambda", f"layer:{rid}"),
    not_found=lambda rid: ResourceNotFoundException("The resource you requested does not exist."),
    title="Layers",
)
LAYER_VERSIONS = resources.Kind(
    "lambda",
    "layer-version",
    arn=lambda ctx, rid: ctx.arn("lambda", f"layer:{rid}"),
    not_found=lambda rid: ResourceNotFoundException("The resource you requested does not exist."),
)
CODE_SIGNING = resources.Kind(
    "lambda",
    "code-signing-config",
    arn=lambda ctx, rid: ctx.arn("lambda", f"code-signing-config:{rid}"),
    not_found=lambda rid: ResourceNotFoundException(
        f"The code signing configuration cannot be found. Check that the provided configuration is not deleted: {rid}"
    ),
    title="Code signing configs",
)


def timestamp(when: dt.datetime) -> str:
    """Lambda's LastModified form: ``2024-05-01T12:00:00.000+0000``."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}+0000"


def new_revision() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Named:
    """A function as a request names it: its name and the qualifier (None: unqualified)."""

    name: str
    qualifier: str | None


def parse_name(
    ctx: RequestContext, text: Any, qualifier: Any = None, *, member: str = "functionName"
) -> Named:
    """The function a FunctionName (name, ARN or partial ARN, perhaps qualified) and a Qualifier
    name, in the caller's account and region."""
    if not isinstance(text, str):
        raise validation(text, member, "Member must not be null")
    m = _NAME.fullmatch(text)
    if m is None or (m.group("fn") is None and m.group("account") is not None):
        raise validation(
            text, member, f"Member must satisfy regular expression pattern: {FUNCTION_NAME_PATTERN}"
        )
    name = m.group("name")
    if len(text) > 140:
        raise validation(text, member, "Member must have length less than or equal to 140")
    if len(name) > 64:
        raise validation(text, member, "Member must have length less than or equal to 64")
    region, account = m.group("region"), m.group("account")
    if region and region != ctx.region:
        raise InvalidParameterValueException(
            f"Functions from '{region}' are not reachable in this region ('{ctx.region}')"
        )
    if account and account != ctx.account_id:
        raise not_found(f"arn:aws:lambda:{ctx.region}:{account}:function:{name}")
    derived = m.group("qualifier")
    if qualifier is not None:
        if not isinstance(qualifier, str) or not QUALIFIER.fullmatch(qualifier):
            raise validation(
                qualifier, "qualifier", r"Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)"
            )
        if derived is not None and derived != qualifier:
            raise InvalidParameterValueException(
                "The derived qualifier from the function name does not match the specified qualifier."
            )
        derived = qualifier
    return Named(name, derived)


def find_function(ctx: RequestContext, name: str) -> Resource:
    row = FUNCTIONS.find(ctx, name)
    if row is None:
        raise not_found(function_arn(ctx, name))
    return row


def version_row(ctx: RequestContext, name: str, version: str) -> Resource | None:
    return VERSIONS.find(ctx, f"{name}:{version}")


def alias_row(ctx: RequestContext, name: str, alias: str) -> Resource | None:
    return ALIASES.find(ctx, f"{name}:{alias}")


class Found:
    """A function, version or alias read with a prebuilt statement (no ORM object, no session):
    the columns of :class:`Resource` that running a function reads, under the same names. The
    request's own copy (its document parsed for it); changes go through :func:`resolve`'s rows."""

    __slots__ = ("arn", "document", "pk", "rid")

    def __init__(self, pk: int, rid: str, arn: str, document: dict[str, Any]) -> None:
        self.pk = pk
        self.rid = rid
        self.arn = arn
        self.document = document


#: what a :class:`Target` holds: ORM rows (:func:`resolve`) or raw ones (:func:`resolve_found`)
R = TypeVar("R", Resource, Found)


@dataclass
class Target(Generic[R]):
    """What a qualified name resolves to: the function, the version whose configuration
    applies (``$LATEST`` or a number), its configuration document, and the alias (if any)."""

    function: R
    version: str
    document: dict[str, Any]
    alias: R | None = None
    version_row: R | None = None

    @property
    def config(self) -> dict[str, Any]:
        return dict(self.document["config"])


def resolve(ctx: RequestContext, named: Named, *, allow_alias: bool = True) -> Target[Resource]:
    """The function version a name and qualifier name (an alias resolves to its version; its
    routing weights are the invoker's to apply); the caller's ResourceNotFoundException if none."""
    return _resolve(ctx, named, allow_alias, _orm_row)


def resolve_found(ctx: RequestContext, named: Named) -> Target[Found]:
    """:func:`resolve` read with prebuilt statements (same answers, same errors), for the
    invocation path, which only reads what it finds."""
    ctx.tx.flush()  # (raw reads do not autoflush: an earlier ORM change of this request counts)
    return _resolve(ctx, named, True, _found_row)


def _orm_row(ctx: RequestContext, kind: resources.Kind, rid: str) -> Resource | None:
    return kind.find(ctx, rid)


_R = Resource.__table__
#: a function, version or alias by its id (the store's unique index), run raw
_FOUND = select(_R.c.pk, _R.c.rid, _R.c.arn, _R.c.document).where(
    _R.c.service == "lambda",
    _R.c.kind == bindparam("kind"),
    _R.c.account_id == bindparam("account"),
    _R.c.region == bindparam("region"),
    _R.c.rid == bindparam("rid"),
)


def _found_row(ctx: RequestContext, kind: resources.Kind, rid: str) -> Found | None:
    row = ctx.tx.execute(
        _FOUND, {"kind": kind.kind, "account": ctx.account_id, "region": ctx.region, "rid": rid}
    ).fetchone()
    if row is None:
        return None
    pk, found_rid, arn, document = row
    return Found(int(pk), found_rid, arn, conversions(ctx.tx).json_out(document))


def _resolve(ctx: RequestContext, named: Named, allow_alias: bool, read: Any) -> Any:
    fn = read(ctx, FUNCTIONS, named.name)
    if fn is None:
        raise not_found(function_arn(ctx, named.name))
    q = named.qualifier
    if q is None or q == LATEST:
        return Target(fn, LATEST, fn.document)
    if VERSION.fullmatch(q):
        row = read(ctx, VERSIONS, f"{named.name}:{q}")
        if row is None:
            raise not_found(function_arn(ctx, named.name, q))
        return Target(fn, q, row.document, version_row=row)
    alias = read(ctx, ALIASES, f"{named.name}:{q}") if allow_alias else None
    if alias is None:
        raise not_found(function_arn(ctx, named.name, q))
    version = str(alias.document["FunctionVersion"])
    if version == LATEST:
        return Target(fn, LATEST, fn.document, alias=alias)
    row = read(ctx, VERSIONS, f"{named.name}:{version}")
    if row is None:
        raise not_found(function_arn(ctx, named.name, version))
    return Target(fn, version, row.document, alias=alias, version_row=row)


def versions_of(ctx: RequestContext, name: str) -> list[Resource]:
    """The function's published versions, in number order."""
    from sqlalchemy import select

    rows = ctx.session.scalars(
        select(Resource).where(
            Resource.service == "lambda",
            Resource.kind == "version",
            Resource.account_id == ctx.account_id,
            Resource.region == ctx.region,
            Resource.parent == function_arn(ctx, name),
        )
    ).all()
    return sorted(rows, key=lambda r: int(r.rid.rsplit(":", 1)[1]))


def children(ctx: RequestContext, kind: resources.Kind, parent: str) -> list[Resource]:
    from sqlalchemy import select

    return list(
        ctx.session.scalars(
            select(Resource)
            .where(
                Resource.service == "lambda",
                Resource.kind == kind.kind,
                Resource.account_id == ctx.account_id,
                Resource.region == ctx.region,
                Resource.parent == parent,
            )
            .order_by(Resource.rid)
        ).all()
    )


DEFAULT_MAX_ITEMS = 50


def unqualified(ctx: RequestContext, params: dict[str, Any]) -> Named:
    """The function an operation on the function as a whole names (no qualifier allowed)."""
    named = parse_name(ctx, params.get("FunctionName"))
    if named.qualifier is not None:
        raise InvalidParameterValueException(
            "Unsupported parameter: Qualifier is not supported for this operation."
        )
    return named


def max_items(params: dict[str, Any]) -> int:
    return int(params.get("MaxItems") or DEFAULT_MAX_ITEMS)


def event_invoke_config(fn: Resource, qualifier: str) -> dict[str, Any]:
    """The event invoke config that applies to an invocation of ``qualifier`` (or {})."""
    return dict((fn.document.get("event_invoke") or {}).get(qualifier) or {})
