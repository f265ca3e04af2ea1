"""The dashboard: a page at ``/`` for browsers, and the JSON endpoints under
``/_awsmock/dashboard/`` behind it.

The page is static (``static/index.html``, ``app.js``, ``app.css``); it polls the JSON endpoints.
What a service holds comes from :mod:`awsmock.engine.inventory` (each service lists its own resources),
so nothing here knows any service. Every read runs in a read transaction, one page at a time.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import falcon
from sqlalchemy import exc as sa_exc
from sqlalchemy import select

from awsmock.api.detect import service_of_host
from awsmock.engine import catalog, inventory
from awsmock.engine.inventory import Kind, Query
from awsmock.models import tables_of
from awsmock.state.store import Store

log = logging.getLogger("awsmock.dashboard")

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_PREFIX = "/_awsmock/static"
API_PREFIX = "/_awsmock/dashboard"

#: query parameters that carry an AWS signature (SigV4 presigned, SigV2)
SIGNATURE_PARAMS = frozenset(
    {"x-amz-credential", "x-amz-signature", "x-amz-algorithm", "awsaccesskeyid", "signature"}
)

PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Vary": "Accept, Authorization",
}
_ACCOUNT = re.compile(r"^\d{12}$")


def wants_dashboard(req: falcon.Request) -> bool:
    """A browser opening the server's root: an unsigned ``GET /`` that accepts HTML.

    SDKs sign their requests (``Authorization`` or presigned query) and never ask for HTML, so
    the same URL stays the AWS request it is for them. A host that names a service's endpoint
    (a resource named in the host) is that service's, whoever asks.
    """
    if req.method != "GET" or req.path != "/":
        return False
    if req.get_header("Authorization"):
        return False
    labels = req.host.lower().rsplit(":", 1)[0].split(".")
    if len(labels) > 1 and service_of_host(labels) is not None:
        return False  # a service's virtual host: its own root listing
    if any(name.lower() in SIGNATURE_PARAMS for name in req.params):
        return False
    return "text/html" in (req.get_header("Accept") or "").lower()


def serve_page(resp: falcon.Response) -> None:
    resp.status = falcon.HTTP_200
    resp.content_type = falcon.MEDIA_HTML
    resp.data = (STATIC_DIR / "index.html").read_bytes()
    for name, value in PAGE_HEADERS.items():
        resp.set_header(name, value)


# -- JSON endpoints ---------------------------------------------------------------------------


def _bad(status: int, message: str) -> falcon.HTTPError:
    return falcon.HTTPError(falcon.code_to_http_status(status), title=message)


def _text(value: str | None, what: str) -> str:
    """A text parameter as given; 400 for one no name can hold (a NUL character: PostgreSQL
    refuses it in any query, so it would fail there rather than match nothing)."""
    if value and "\x00" in value:
        raise _bad(400, f"invalid {what}: it holds a NUL character")
    return value or ""


def _query(req: falcon.Request, *, extra: tuple[str, ...] = ()) -> Query:
    try:
        after = inventory.decode_cursor(req.get_param("cursor"))
    except ValueError as exc:
        raise _bad(400, "invalid cursor") from exc
    limit = req.get_param_as_int("limit", min_value=1) or inventory.DEFAULT_PAGE
    q = _text(req.get_param("q"), "search text").strip()
    if len(q) > inventory.MAX_SEARCH:
        raise _bad(400, f"the search text is too long: at most {inventory.MAX_SEARCH:,} characters")
    return Query(
        account=_text(req.get_param("account"), "account") or None,
        region=_text(req.get_param("region"), "region") or None,
        q=q or None,
        after=after,
        limit=inventory.clamp_limit(limit),
        params={name: _text(req.get_param(name), name) for name in extra},
    )


#: what a provider raises when a position it is handed has the wrong shape for its keys (a
#: string where a number goes, a list where a string goes, a number past 64 bits, a list of the
#: wrong length), in Python, in building its statement, or in the driver binding it
_SHAPE_ERRORS = (
    ValueError,
    TypeError,
    OverflowError,
    IndexError,
    KeyError,
    sa_exc.ArgumentError,
    sa_exc.InterfaceError,
    sa_exc.ProgrammingError,
    sa_exc.DataError,
)


def _shape_error(exc: BaseException) -> bool:
    if isinstance(exc, _SHAPE_ERRORS):
        return True
    # a value SQLAlchemy could not bind (its processors' errors, wrapped before the database ran)
    return isinstance(exc, sa_exc.StatementError) and not isinstance(exc, sa_exc.DBAPIError)


def _explain(exc: BaseException) -> str:
    """What a client may read of a provider's failure: never SQL text or a traceback (the
    server's log has them)."""
    if isinstance(exc, sa_exc.SQLAlchemyError) or type(exc).__module__.split(".")[0] in (
        "sqlite3",
        "psycopg",
    ):
        return "a database error (the server's log has the details)"
    first = (str(exc).splitlines() or [""])[0][:200]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def _failure(exc: Exception, query: Query, what: str) -> falcon.HTTPError:
    """The answer to a provider that raised ``exc`` listing ``what``: 404 for what does not
    exist, 400 when the client's cursor is what it could not use, else a 500 that says no more
    than :func:`_explain` (logged with its traceback)."""
    if query.after is not None and _shape_error(exc):
        return _bad(400, "invalid cursor: it does not belong to this listing")
    if isinstance(exc, LookupError):  # what the client named is not there
        return _bad(404, str(exc.args[0]) if exc.args else "not found")
    log.error("the dashboard cannot list %s", what, exc_info=exc)
    return _bad(500, f"cannot list {what}: {_explain(exc)}")


def _no_store(resp: falcon.Response) -> None:
    resp.set_header("Cache-Control", "no-store")


def _title(service: str) -> str:
    entry = catalog.entry_for_botocore(service) or catalog.BY_NAME.get(service)
    return entry.title if entry else service


class DashboardContext:
    def __init__(self, store: Store) -> None:
        self.store = store

    def scopes(self) -> dict[str, list[str]]:
        """Accounts and regions that hold any state (from every service table's scope columns)."""
        accounts: set[str] = set()
        regions: set[str] = set()
        for table in tables_of(None):
            cols = table.c
            if "account_id" not in cols and "region" not in cols:
                continue
            try:
                with self.store.session(write=False) as session:
                    if "account_id" in cols:
                        accounts.update(a for a in session.scalars(select(cols.account_id).distinct()) if a)
                    if "region" in cols:
                        regions.update(r for r in session.scalars(select(cols.region).distinct()) if r)
            except Exception:  # a table this database lacks must not hide the others
                log.warning("cannot read scopes of %s", table.name, exc_info=True)
        return {"accounts": sorted(a for a in accounts if _ACCOUNT.match(a)), "regions": sorted(regions)}

    def group(self, kind: Kind, query: Query) -> dict[str, Any]:
        out: dict[str, Any] = {**kind.describe(), "items": [], "next_cursor": None, "error": None}
        try:
            with self.store.session(write=False) as session:
                page = kind.fn(session, query)
            out["items"] = page.items
            out["next_cursor"] = inventory.encode_cursor(page.after)
        except Exception as exc:
            if query.after is not None:  # one kind's next page: the cursor is the client's
                raise _failure(exc, query, kind.title.lower()) from exc
            # a broken provider is one error row, never a broken page
            log.error("the dashboard cannot list %s %s", kind.service, kind.name, exc_info=exc)
            out["error"] = _explain(exc)
        return out


class Services:
    def __init__(self, ctx: DashboardContext) -> None:
        self.ctx = ctx

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        services = sorted(
            (
                {"service": s, "title": _title(s), "kinds": [k.describe() for k in inventory.kinds(s)]}
                for s in inventory.services()
            ),
            key=lambda s: str(s["title"]).lower(),
        )
        resp.media = {"services": services, **self.ctx.scopes()}
        _no_store(resp)


class Resources:
    def __init__(self, ctx: DashboardContext) -> None:
        self.ctx = ctx

    def on_get(self, req: falcon.Request, resp: falcon.Response, service: str) -> None:
        kinds = inventory.kinds(service)
        if not kinds:
            raise _bad(404, f"no dashboard for service {service!r}")
        wanted = req.get_param("kind")
        if wanted:
            kinds = [k for k in kinds if k.name == wanted]
            if not kinds:
                raise _bad(404, f"service {service!r} lists no {wanted!r}")
        query = _query(req)
        if query.after is not None and not wanted:
            raise _bad(400, "a cursor needs the kind it belongs to")
        resp.media = {
            "service": service,
            "title": _title(service),
            "groups": [self.ctx.group(k, query) for k in kinds],
        }
        _no_store(resp)


#: the path segment that stands for a resource name given as the ``name`` query parameter
#: (a name holding "/", which a path segment cannot carry: servers decode %2F before routing)
NAME_IN_QUERY = "-"


def _named(req: falcon.Request, name: str) -> str:
    if name == NAME_IN_QUERY:
        return req.get_param("name") or name
    return name


def _kind_or_404(service: str, kind: str) -> Kind:
    found = inventory.kind(service, kind)
    if found is None:
        raise _bad(404, f"service {service!r} lists no {kind!r}")
    return found


class ResourceView:
    def __init__(self, ctx: DashboardContext) -> None:
        self.ctx = ctx

    def on_get(
        self, req: falcon.Request, resp: falcon.Response, service: str, kind: str, name: str, view: str
    ) -> None:
        k = _kind_or_404(service, kind)
        v = k.views.get(view)
        if v is None:
            raise _bad(404, f"{service} {kind} have no {view!r} view")
        name = _text(_named(req, name), "name")
        query = _query(req, extra=("prefix",))
        try:
            with self.ctx.store.session(write=False) as session:
                page = v.fn(session, name, query)
        except Exception as exc:
            raise _failure(exc, query, f"the {v.title.lower()} of {name!r}") from exc
        resp.media = {
            "service": service,
            "kind": kind,
            "name": name,
            "view": view,
            "title": v.title,
            "live": v.live,
            "columns": [c.as_dict() for c in v.columns],
            "items": page.items,
            "next_cursor": inventory.encode_cursor(page.after),
        }
        _no_store(resp)


class ResourceDownload:
    def __init__(self, ctx: DashboardContext) -> None:
        self.ctx = ctx

    def on_get(self, req: falcon.Request, resp: falcon.Response, service: str, kind: str, name: str) -> None:
        k = _kind_or_404(service, kind)
        if k.download is None:
            raise _bad(404, f"{service} {kind} have nothing to download")
        name = _text(_named(req, name), "name")
        query = _query(req, extra=("key",))
        try:
            download = k.download(self.ctx.store, name, query)
        except Exception as exc:
            raise _failure(exc, query, f"the download from {name!r}") from exc
        resp.content_type = download.content_type
        resp.downloadable_as = download.filename
        resp.set_header("X-Content-Type-Options", "nosniff")
        resp.set_header("Content-Security-Policy", "sandbox; default-src 'none'")
        _no_store(resp)
        if download.size is not None:
            resp.content_length = download.size
        resp.stream = iter(download.body)


class StaticFile:
    """The page's script and style sheet (a plain route: the AWS sink at ``/`` would shadow a
    Falcon static route added before it). Only the files the page is made of are served, looked
    up by name: a requested name never reaches the file system."""

    TYPES = {
        ".js": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".html": falcon.MEDIA_HTML,
    }

    def __init__(self) -> None:
        self.files = {
            path.name: (path, self.TYPES[path.suffix])
            for path in STATIC_DIR.iterdir()
            if path.suffix in self.TYPES and not path.name.startswith(".") and path.is_file()
        }

    def on_get(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        found = self.files.get(name)
        if found is None:
            raise _bad(404, "not found")
        path, kind = found
        resp.content_type = kind
        resp.data = path.read_bytes()
        resp.set_header("X-Content-Type-Options", "nosniff")
        resp.set_header("Cache-Control", "no-cache")


def add_dashboard_routes(app: falcon.App, store: Store) -> None:
    ctx = DashboardContext(store)
    app.add_route(f"{API_PREFIX}/services", Services(ctx))
    app.add_route(API_PREFIX + "/{service}/resources", Resources(ctx))
    app.add_route(API_PREFIX + "/{service}/{kind}/{name}/download", ResourceDownload(ctx))
    app.add_route(API_PREFIX + "/{service}/{kind}/{name}/{view}", ResourceView(ctx))
    app.add_route(STATIC_PREFIX + "/{name}", StaticFile())
