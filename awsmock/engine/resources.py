"""The shared resource store's API for handlers: one :class:`Kind` per kind of resource a service
keeps there (a topic, a key, a secret, a function...), with no table or migration of its own.

    TOPICS = resources.Kind(
        "sns", "topic",
        arn=lambda ctx, rid: ctx.arn("sns", rid),
        not_found=lambda rid: NotFound("Topic does not exist"),
        exists=lambda rid: ...,          # None: creating an existing one returns it (idempotent)
        unique="name",                   # names are unique in the account and region (or "rid")
        title="Topics",                  # the dashboard's listing (None: none)
    )
    row = TOPICS.create(ctx, rid=name, name=name, document={"Attributes": {...}})
    row = TOPICS.get(ctx, name)          # or the service's NotFound
    page = TOPICS.page(ctx, limit=100, token=params.get("NextToken"), invalid=...)
    TOPICS.update(ctx, row, document={**row.document, ...})
    TOPICS.delete(ctx, row)              # its tags go with it

Rows are :class:`awsmock.models.resources.Resource`: service, kind, account, region ("" for a
global resource), ``rid`` (the id within its kind), ARN, name, parent (an ARN), state, created
and updated times, and the document (JSON). Lists page by keyset through :mod:`awsmock.engine.pager`.
Reset, snapshots, the dashboard and PostgreSQL work on these rows as on any other.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Literal

from sqlalchemy import delete, select

from awsmock.engine import inventory, pager, tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.models.resources import Resource, Tag

__all__ = ["Kind", "Resource"]


class Kind:
    """One kind of resource of one service, kept in the shared store."""

    def __init__(
        self,
        service: str,
        kind: str,
        *,
        arn: Callable[[RequestContext, str], str],
        not_found: Callable[[str], AwsError],
        exists: Callable[[str], AwsError] | None = None,
        unique: Literal["rid", "name"] = "rid",
        regional: bool = True,
        title: str | None = None,
    ) -> None:
        self.service = service
        self.kind = kind
        self.arn_of = arn
        self.not_found = not_found
        self.exists = exists
        self.unique = unique
        self.regional = regional
        if title is not None:
            _list_in_dashboard(self, title)

    # -- scope ---------------------------------------------------------------------------

    def _region(self, ctx: RequestContext) -> str:
        return ctx.region if self.regional else ""

    def _mine(self, ctx: RequestContext) -> Any:
        return select(Resource).where(
            Resource.service == self.service,
            Resource.kind == self.kind,
            Resource.account_id == ctx.account_id,
            Resource.region == self._region(ctx),
        )

    # -- reading -------------------------------------------------------------------------

    def find(self, ctx: RequestContext, rid: str) -> Resource | None:
        """The caller's resource ``rid``, or None."""
        row: Resource | None = ctx.session.scalars(self._mine(ctx).where(Resource.rid == rid)).first()
        return row

    def get(self, ctx: RequestContext, rid: str) -> Resource:
        """The caller's resource ``rid``, or the service's NotFound error."""
        row = self.find(ctx, rid)
        if row is None:
            raise self.not_found(rid)
        return row

    def by_name(self, ctx: RequestContext, name: str) -> Resource | None:
        row: Resource | None = ctx.session.scalars(self._mine(ctx).where(Resource.name == name)).first()
        return row

    def by_arn(self, ctx: RequestContext, arn: str) -> Resource | None:
        """The resource with this ARN, in any account or region (None if none, or of another kind)."""
        row: Resource | None = ctx.session.scalars(
            select(Resource).where(
                Resource.arn == arn, Resource.service == self.service, Resource.kind == self.kind
            )
        ).first()
        return row

    def page(
        self,
        ctx: RequestContext,
        *,
        limit: int,
        token: str | None,
        invalid: Callable[[str], AwsError],
        parent: str | None = None,
        state: str | None = None,
        name_prefix: str | None = None,
        order: Literal["rid", "name", "created"] = "rid",
        where: tuple[Any, ...] = (),
    ) -> pager.Page[Resource]:
        """One page of the caller's resources of this kind, filtered, in ``order`` (ties by id)."""
        stmt = self._mine(ctx)
        if parent is not None:
            stmt = stmt.where(Resource.parent == parent)
        if state is not None:
            stmt = stmt.where(Resource.state == state)
        if name_prefix:
            stmt = stmt.where(Resource.name.startswith(name_prefix, autoescape=True))
        if where:
            stmt = stmt.where(*where)
        scope = f"{self.service}:{self.kind}:{parent or ''}:{state or ''}:{name_prefix or ''}:{order}"
        keys = (Resource.rid,) if order == "rid" else (getattr(Resource, order), Resource.rid)
        return pager.page(
            ctx.session, stmt, keys=keys, limit=limit, token=token, scope=scope, invalid=invalid
        )

    # -- writing -------------------------------------------------------------------------

    def create(
        self,
        ctx: RequestContext,
        *,
        rid: str,
        document: Mapping[str, Any],
        name: str | None = None,
        parent: str | None = None,
        state: str | None = None,
        arn: str | None = None,
    ) -> Resource:
        """A new resource; an existing one with the same id (or name, when names are unique)
        is the service's ``exists`` error, or is returned as it is when ``exists`` is None."""
        found = self.find(ctx, rid) if self.unique == "rid" else self.by_name(ctx, name or rid)
        if found is not None:
            if self.exists is not None:
                raise self.exists(rid)
            return found
        row = Resource(
            service=self.service,
            kind=self.kind,
            account_id=ctx.account_id,
            region=self._region(ctx),
            rid=rid,
            arn=arn or self.arn_of(ctx, rid),
            name=name,
            parent=parent,
            state=state,
            created=ctx.now,
            updated=ctx.now,
            document=_plain(document),
        )
        ctx.session.add(row)
        ctx.session.flush()
        return row

    def update(
        self,
        ctx: RequestContext,
        row: Resource,
        *,
        document: Mapping[str, Any] | None = None,
        state: str | None = None,
        name: str | None = None,
    ) -> Resource:
        """Change a resource's document, state or name (the update time follows)."""
        if document is not None:
            row.document = _plain(document)  # a new object: the JSON column sees the change
        if state is not None:
            row.state = state
        if name is not None:
            row.name = name
        row.updated = ctx.now
        return row

    def delete(self, ctx: RequestContext, row: Resource) -> None:
        """Remove a resource and its tags."""
        ctx.session.execute(delete(Tag).where(Tag.arn == row.arn))
        ctx.session.delete(row)


def _plain(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document as JSON stores it (a copy: later changes to the caller's dict stay theirs)."""
    copied: dict[str, Any] = json.loads(json.dumps(document, default=str))
    return copied


def _plural(word: str) -> str:
    """The dashboard's name for a listing of a kind: "alias" -> "aliases", "delivery" ->
    "deliveries", "key" -> "keys"."""
    if word.endswith(("s", "x", "sh", "ch")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    return word + "s"


def _list_in_dashboard(kind: Kind, title: str) -> None:
    """A dashboard listing of the kind's resources: name, id, state, region, created, tags."""
    columns = [
        inventory.Column("name", "Name"),
        inventory.Column("id", "Id"),
        inventory.Column("state", "State"),
        inventory.Column("region", "Region"),
        inventory.Column("created", "Created", "time"),
        inventory.Column("arn", "ARN"),
        inventory.Column("tags", "Tags", "tags"),
        inventory.Column("account", "Account"),
    ]

    @inventory.resources(kind.service, _plural(kind.kind), title=title, columns=columns)
    def listing(session: Any, query: inventory.Query) -> inventory.Page:
        stmt = select(Resource).where(Resource.service == kind.service, Resource.kind == kind.kind)
        stmt = inventory.scoped(stmt, Resource, query, regional=kind.regional)
        rows, after = inventory.keyset_page(
            session, stmt, query, order=Resource.pk, search=Resource.arn, start=int
        )
        tags = tagging.tags_of_many(session, [r.arn for r in rows])
        items = [
            {
                "name": r.name or r.rid,
                "id": r.rid,
                "state": r.state or "",
                "region": r.region,
                "created": inventory.iso(r.created),
                "arn": r.arn,
                "tags": tags.get(r.arn, {}),
                "account": r.account_id,
            }
            for r in rows
        ]
        return inventory.Page(items, after)
