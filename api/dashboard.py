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
    (a virtual-hosted bucket) is that service's, whoever asks.
    """
    if req.method != "GET" or req.path != "/":
        return False
    if req.get_header("Authorization"):
        return False
    labels = req.host.lower().rsplit(":", 1)[0].split(".")
    if len(labels) > 1 and service_of_host(labels) is not None:
        return False  # e.g. <bucket>.s3.<domain>/ is that bucket's listing
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


def _query(req: falcon.Request, *, extra: tuple[str, ...] = ()) -> Query:
    try:
        after = inventory.decode_cursor(req.get_param("cursor"))
    except ValueError as exc:
        raise _bad(400, "invalid cursor") from exc
    limit = req.get_param_as_int("limit", min_value=1) or inventory.DEFAULT_PAGE
    return Query(
        account=req.get_param("account") or None,
        region=req.get_param("region") or None,
        q=(req.get_param("q") or "").strip() or None,
        after=after,
        limit=inventory.clamp_limit(limit),
        params={name: req.get_param(name) or "" for name in extra},
    )


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
        except Exception as exc:  # a broken provider is one error row, never a broken page
            out["error"] = f"{type(exc).__name__}: {exc}"
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
        query = _query(req, extra=("prefix",))
        try:
            with self.ctx.store.session(write=False) as session:
                page = v.fn(session, name, query)
        except LookupError as exc:
            raise _bad(404, str(exc.args[0]) if exc.args else "not found") from exc
        except Exception as exc:
            raise _bad(500, f"{type(exc).__name__}: {exc}") from exc
        resp.media = {
            "service": service,
            "kind": kind,
            "name": name,
            "view": view,
            "title": v.title,
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
        query = _query(req, extra=("key",))
        try:
            download = k.download(self.ctx.store, name, query)
        except LookupError as exc:
            raise _bad(404, str(exc.args[0]) if exc.args else "not found") from exc
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
    Falcon static route added before it)."""

    TYPES = {
        ".js": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".html": falcon.MEDIA_HTML,
    }

    def on_get(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        path = STATIC_DIR / name
        kind = self.TYPES.get(path.suffix)
        if kind is None or "/" in name or name.startswith(".") or not path.is_file():
            raise _bad(404, "not found")
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
