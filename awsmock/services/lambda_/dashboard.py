"""Lambda in the dashboard: functions (and layers, code signing configs) are listed through
their Kinds (:mod:`.lookup`); inside a function, its published versions, its aliases, its
function URLs, and its recent invocations with their result, duration and the tail of their
logs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from awsmock.engine import inventory
from awsmock.engine.inventory import Column, Page, Query
from awsmock.models.lambda_ import LambdaInvocation
from awsmock.models.resources import Resource

from .lookup import KEPT_INVOCATIONS


def _function(session: Session, name: str, query: Query) -> Resource:
    stmt = select(Resource).where(
        Resource.service == "lambda", Resource.kind == "function", Resource.rid == name
    )
    row = session.scalars(inventory.scoped(stmt, Resource, query)).first()
    if row is None:
        raise LookupError(f"no function named {name!r}")
    return row


def _children(session: Session, fn: Resource, kind: str, query: Query) -> tuple[list[Resource], Any]:
    stmt = select(Resource).where(
        Resource.service == "lambda", Resource.kind == kind, Resource.parent == fn.arn
    )
    return inventory.keyset_page(session, stmt, query, order=Resource.pk, search=Resource.rid, start=int)


@inventory.view(
    "lambda",
    "functions",
    "versions",
    title="Versions",
    columns=[
        Column("version", "Version"),
        Column("arn", "ARN"),
        Column("runtime", "Runtime"),
        Column("code_size", "Code size", "bytes"),
        Column("description", "Description"),
        Column("modified", "Last modified"),
    ],
)
def list_versions(session: Session, name: str, query: Query) -> Page:
    fn = _function(session, name, query)
    rows, after = _children(session, fn, "version", query)
    items = []
    if query.after is None:
        rows = [fn, *rows]
    for r in rows:
        config = r.document["config"]
        items.append(
            {
                "version": "$LATEST" if r is fn else r.rid.rsplit(":", 1)[1],
                "arn": r.arn,
                "runtime": config.get("Runtime") or config.get("PackageType"),
                "code_size": int(config.get("CodeSize") or 0),
                "description": config.get("Description", ""),
                "modified": config.get("LastModified"),
            }
        )
    return Page(items, after)


@inventory.view(
    "lambda",
    "functions",
    "aliases",
    title="Aliases",
    columns=[
        Column("alias", "Alias"),
        Column("version", "Version"),
        Column("routing", "Routing", "json"),
        Column("arn", "ARN"),
        Column("description", "Description"),
    ],
)
def list_aliases(session: Session, name: str, query: Query) -> Page:
    fn = _function(session, name, query)
    rows, after = _children(session, fn, "alias", query)
    return Page(
        [
            {
                "alias": r.rid.split(":", 1)[1],
                "version": r.document.get("FunctionVersion"),
                "routing": (r.document.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {},
                "arn": r.arn,
                "description": r.document.get("Description", ""),
            }
            for r in rows
        ],
        after,
    )


@inventory.view(
    "lambda",
    "functions",
    "urls",
    title="Function URLs",
    columns=[
        Column("qualifier", "Qualifier"),
        Column("url", "URL"),
        Column("auth", "Auth type"),
        Column("mode", "Invoke mode"),
        Column("cors", "CORS", "json"),
    ],
)
def list_urls(session: Session, name: str, query: Query) -> Page:
    fn = _function(session, name, query)
    rows, after = _children(session, fn, "url", query)
    items = []
    for r in rows:
        qualifier = str(r.document.get("qualifier") or "")
        cfg = (fn.document.get("urls") or {}).get(qualifier) or {}
        items.append(
            {
                "qualifier": qualifier or "(unqualified)",
                "url": f"https://{r.rid}.lambda-url.{r.region}.on.aws/",
                "auth": cfg.get("AuthType", ""),
                "mode": cfg.get("InvokeMode", "BUFFERED"),
                "cors": cfg.get("Cors") or {},
            }
        )
    return Page(items, after)


@inventory.view(
    "lambda",
    "functions",
    "invocations",
    title="Recent invocations",
    columns=[
        Column("at", "At", "time"),
        Column("request_id", "Request id"),
        Column("version", "Version"),
        Column("kind", "Type"),
        Column("result", "Result"),
        Column("error", "Error"),
        Column("duration_ms", "Duration (ms)"),
        Column("logs", "Log tail"),
    ],
)
def list_invocations(session: Session, name: str, query: Query) -> Page:
    fn = _function(session, name, query)
    mine = (
        LambdaInvocation.account_id == fn.account_id,
        LambdaInvocation.region == fn.region,
        LambdaInvocation.function_name == fn.rid,
    )
    stmt = select(LambdaInvocation).where(*mine)
    oldest = session.scalars(  # the newest KEPT_INVOCATIONS alone (older ones are pruned now and then)
        select(LambdaInvocation.id)
        .where(*mine)
        .order_by(LambdaInvocation.id.desc())
        .offset(KEPT_INVOCATIONS - 1)
        .limit(1)
    ).first()
    if oldest is not None:
        stmt = stmt.where(LambdaInvocation.id >= oldest)
    if query.after is not None:
        stmt = stmt.where(LambdaInvocation.id < int(query.after))
    rows = list(session.scalars(stmt.order_by(LambdaInvocation.id.desc()).limit(query.limit + 1)))
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return Page(
        [
            {
                "at": inventory.iso(r.at),
                "request_id": r.request_id,
                "version": r.version,
                "kind": r.kind,
                "result": r.result,
                "error": r.error_type or "",
                "duration_ms": f"{r.duration_ms:.2f}",
                "logs": r.log_tail,
            }
            for r in rows
        ],
        rows[-1].id if more and rows else None,
    )
