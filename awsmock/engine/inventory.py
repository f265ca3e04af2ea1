"""The inventory: what each service holds, listed for people (the dashboard) rather than SDKs.

A service contributes *providers* from its own package (``awsmock/services/<svc>/dashboard.py``),
so nothing outside a service knows its tables::

    @inventory.resources("sqs", "queues", title="Queues", columns=[Column("name", "Name"), ...])
    def list_queues(session: Session, query: Query) -> Page: ...

    @inventory.view("s3", "buckets", "objects", title="Objects", columns=[...])
    def list_objects(session: Session, name: str, query: Query) -> Page: ...

    @inventory.download("s3", "buckets")
    def download_object(store: Store, name: str, query: Query) -> Download: ...

A lister returns one :class:`Page` of at most ``query.limit`` rows (plain JSON-able dicts),
positioned by keyset: ``query.after`` is the position the previous page ended at (whatever
JSON-able value the provider put in :attr:`Page.after`), never an offset. Cursors handed to
clients are that value, encoded opaquely by :func:`encode_cursor`.

Providers run inside a read transaction opened by the caller; they never write.
"""

from __future__ import annotations

import base64
import binascii
import importlib
import json
import logging
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from awsmock.engine import registry

log = logging.getLogger("awsmock.engine.inventory")

S = TypeVar("S", bound=Select[Any])

MAX_PAGE = 100
DEFAULT_PAGE = 50
#: the longest search text (``q``): longer than any name a listing searches (an S3 key is at most
#: 1,024 bytes), and well inside SQLite's limit on a LIKE pattern (50,000 bytes)
MAX_SEARCH = 1024
#: the longest cursor accepted (a position is a few key values: an S3 key of 1,024 bytes,
#: JSON-escaped and base64-encoded, takes up to about 8,200 characters)
MAX_CURSOR = 32768


@dataclass(frozen=True)
class Column:
    """A column of a listing. ``type`` tells the page how to show it:
    ``text``, ``int``, ``bytes`` (a size), ``time`` (ISO 8601), ``json``, ``tags``, ``series``
    (a list of numbers or nulls, oldest first: the page plots it)."""

    key: str
    title: str
    type: str = "text"

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "title": self.title, "type": self.type}


@dataclass(frozen=True)
class Query:
    """What the client asked for: scope, search text, keyset position, page size, extras."""

    account: str | None = None
    region: str | None = None
    q: str | None = None
    after: Any = None
    limit: int = DEFAULT_PAGE
    params: Mapping[str, str] = field(default_factory=dict)

    def like(self) -> str | None:
        """``q`` as a case-insensitive SQL LIKE pattern (escape char ``\\``), or None."""
        if not self.q:
            return None
        return "%" + like_escape(self.q.lower()) + "%"


@dataclass
class Page:
    """One page of rows; ``after`` is the keyset position of the next page (None: last page)."""

    items: list[dict[str, Any]]
    after: Any = None


@dataclass
class Download:
    """A file to hand to the browser: the body is an iterable of bytes (streamed)."""

    filename: str
    content_type: str
    size: int | None
    body: Iterable[bytes]


Lister = Callable[..., Page]
Downloader = Callable[..., Download]


@dataclass(frozen=True)
class View:
    """A listing inside one resource (a bucket's objects, a table's items).

    A ``live`` view is a tail: its page always carries the position after its last row (nothing
    new yet: the position it was given), and the page polls with it to add what arrived since.
    A ``folders`` view lists names with ``/`` as folders under a ``prefix`` the page walks."""

    name: str
    title: str
    columns: tuple[Column, ...]
    fn: Lister
    live: bool = False
    folders: bool = False


@dataclass
class Kind:
    """One kind of resource of a service (``s3`` ``buckets``, ``iam`` ``roles``...)."""

    service: str
    name: str
    title: str
    columns: tuple[Column, ...]
    fn: Lister
    views: dict[str, View] = field(default_factory=dict)
    download: Downloader | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "kind": self.name,
            "title": self.title,
            "columns": [c.as_dict() for c in self.columns],
            "views": [
                {
                    "view": v.name,
                    "title": v.title,
                    "columns": [c.as_dict() for c in v.columns],
                    **({"live": True} if v.live else {}),
                    **({"folders": True} if v.folders else {}),
                }
                for v in self.views.values()
            ],
            "download": self.download is not None,
        }


_KINDS: dict[str, dict[str, Kind]] = {}
_pending_views: list[tuple[str, str, View]] = []
_pending_downloads: list[tuple[str, str, Downloader]] = []


def resources(
    service: str, kind: str, *, title: str, columns: Iterable[Column]
) -> Callable[[Lister], Lister]:
    """Register ``fn(session, query) -> Page`` listing ``service``'s resources of ``kind``."""

    def register(fn: Lister) -> Lister:
        _KINDS.setdefault(service, {})[kind] = Kind(service, kind, title, tuple(columns), fn)
        _attach_pending()
        return fn

    return register


def view(
    service: str,
    kind: str,
    name: str,
    *,
    title: str,
    columns: Iterable[Column],
    live: bool = False,
    folders: bool = False,
) -> Callable[[Lister], Lister]:
    """Register ``fn(session, resource_name, query) -> Page`` listing what one resource holds
    (``live``: a tail the page polls; ``folders``: walked by prefix; see :class:`View`)."""

    def register(fn: Lister) -> Lister:
        _pending_views.append((service, kind, View(name, title, tuple(columns), fn, live, folders)))
        _attach_pending()
        return fn

    return register


def download(service: str, kind: str) -> Callable[[Downloader], Downloader]:
    """Register ``fn(store, resource_name, query) -> Download`` (``query.params["key"]`` names the file)."""

    def register(fn: Downloader) -> Downloader:
        _pending_downloads.append((service, kind, fn))
        _attach_pending()
        return fn

    return register


def _attach_pending() -> None:
    for entry in list(_pending_views):
        service, kind, v = entry
        target = _KINDS.get(service, {}).get(kind)
        if target is not None:
            target.views[v.name] = v
            _pending_views.remove(entry)
    for dl in list(_pending_downloads):
        service, kind, fn = dl
        target = _KINDS.get(service, {}).get(kind)
        if target is not None:
            target.download = fn
            _pending_downloads.remove(dl)


_loaded = False


def load_all() -> None:
    """Import every service module (their providers register), including a service package's
    ``dashboard`` module when the package itself cannot be walked (no ``__init__`` yet)."""
    global _loaded
    if _loaded:
        return
    registry.load_all()
    services = registry.rooms()
    for base in services.__path__:
        for path in sorted(Path(base).glob("*/dashboard.py")):
            name = f"{services.__name__}.{path.parent.name}.dashboard"
            if name in sys.modules:
                continue
            try:
                importlib.import_module(name)
            except Exception:
                log.exception("cannot import %s", name)
    _loaded = True


def services() -> list[str]:
    load_all()
    return sorted(s for s, kinds in _KINDS.items() if kinds)


def kinds(service: str) -> list[Kind]:
    load_all()
    return list(_KINDS.get(service, {}).values())


def kind(service: str, name: str) -> Kind | None:
    load_all()
    return _KINDS.get(service, {}).get(name)


# -- cursors and helpers for providers -------------------------------------------------------


def encode_cursor(after: Any) -> str | None:
    if after is None:
        return None
    raw = json.dumps(after, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> Any:
    """The keyset position a cursor stands for; ValueError when it is not one of ours.

    Only the encoding is checked here: a position of the wrong shape for its listing (a client
    can make one up) fails in the provider, and the dashboard answers that as a bad cursor."""
    if not cursor:
        return None
    if len(cursor) > MAX_CURSOR or not cursor.isascii():
        raise ValueError("invalid cursor")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ValueError("invalid cursor") from exc


def scoped(stmt: S, model: Any, query: Query, *, regional: bool = True) -> S:
    """``stmt`` narrowed to the query's account and (``regional``) region."""
    if query.account:
        stmt = stmt.where(model.account_id == query.account)
    if regional and query.region:
        stmt = stmt.where(model.region == query.region)
    return stmt


def searched(stmt: S, column: Any, query: Query) -> S:
    """``stmt`` narrowed to the rows whose ``column`` contains ``query.q`` in any case."""
    pattern = query.like()
    return stmt.where(func.lower(column).like(pattern, escape="\\")) if pattern else stmt


def keyset_page(
    session: Session,
    stmt: Select[Any],
    query: Query,
    *,
    order: Any,
    search: Any,
    start: Callable[[Any], Any] = str,
) -> tuple[list[Any], Any]:
    """One page of the ORM rows ``stmt`` selects, in the order of the unique column ``order``,
    past ``query.after`` (made comparable by ``start``) and searched in column ``search``.
    Returns the rows and the next page's position: the last row's ``order`` value, or None
    when this is the last page."""
    stmt = searched(stmt.order_by(order).limit(query.limit + 1), search, query)
    if query.after is not None:
        stmt = stmt.where(order > start(query.after))
    rows = list(session.scalars(stmt))
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return rows, (getattr(rows[-1], order.key) if more and rows else None)


def find_named(session: Session, model: Any, name: str, what: str, scope: Query | None = None) -> Any:
    """The ``model`` row named ``name`` (in ``scope``'s account and region, if given);
    LookupError when there is none."""
    stmt = select(model).where(model.name == name)
    if scope is not None:
        stmt = scoped(stmt, model, scope)
    row = session.scalars(stmt).first()
    if row is None:
        raise LookupError(f"no {what} named {name!r}")
    return row


def counts(session: Session, column: Any, ids: list[int], *where: Any) -> dict[int, int]:
    """How many rows (matching ``where``) hold each of ``ids`` in ``column``; ids without any
    are left out."""
    if not ids:
        return {}
    stmt = select(column, func.count()).where(column.in_(ids), *where).group_by(column)
    return {int(key): int(n) for key, n in session.execute(stmt)}


def totals(
    session: Session, column: Any, size: Any, ids: list[int], *where: Any
) -> dict[int, tuple[int, int]]:
    """``(rows, sum of size)`` of the rows (matching ``where``) holding each of ``ids`` in
    ``column``; ids without any are left out."""
    if not ids:
        return {}
    stmt = (
        select(column, func.count(), func.coalesce(func.sum(size), 0))
        .where(column.in_(ids), *where)
        .group_by(column)
    )
    return {int(key): (int(n), int(total)) for key, n, total in session.execute(stmt)}


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def clamp_limit(value: int | None) -> int:
    if value is None:
        return DEFAULT_PAGE
    return max(1, min(MAX_PAGE, int(value)))


def iso(value: Any) -> str | None:
    """A datetime as ISO 8601 (None stays None)."""
    return value.isoformat() if value is not None else None


def tag_dict(tags: Any) -> dict[str, str]:
    """Tags as one ``{key: value}`` dict, from a dict or a ``[{"Key":…, "Value":…}]`` list."""
    if not tags:
        return {}
    if isinstance(tags, Mapping):
        return {str(k): str(v) for k, v in tags.items()}
    out: dict[str, str] = {}
    if isinstance(tags, list):
        for t in tags:
            if isinstance(t, Mapping):
                out[str(t.get("Key", t.get("key", "")))] = str(t.get("Value", t.get("value", "")))
    return out
