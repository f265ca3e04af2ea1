"""The admin HTTP API under ``/_awsmock/`` (JSON), and the drop-in aliases of other mocks."""

from __future__ import annotations

import hmac
from typing import Any

import falcon

from awsmock.auth import settings
from awsmock.engine import catalog, outbox, registry, specs
from awsmock.engine.version import __version__
from awsmock.state import jsontext
from awsmock.state.snapshots import SnapshotError, Snapshots, check_name
from awsmock.state.store import Store

MAX_SNAPSHOT_UPLOAD = 2 * 1024 * 1024 * 1024
#: the longest JSON body an admin endpoint reads (``{"name": N}``, the auth setting); longer is a 400
MAX_ADMIN_BODY = 64 * 1024


def _fail(status: int, message: str) -> falcon.HTTPError:
    return falcon.HTTPError(falcon.code_to_http_status(status), title=message)


class AdminContext:
    """What every admin resource needs: the store, its snapshots and the enabled services."""

    def __init__(self, store: Store, services: tuple[str, ...]) -> None:
        self.store = store
        self.snapshots = Snapshots(store)
        self.services = services

        self._states: dict[str, dict[str, Any]] | None = None

    def service_states(self) -> dict[str, dict[str, Any]]:
        """Per service of the README's table: ``state`` ("available": enabled with operations
        implemented; "not implemented": none yet, every call answers 501; "disabled": not among
        the services this server was started with) and ``operations`` (how many are implemented)."""
        states = self._states
        if states is None:
            enabled = catalog.botocore_names(list(self.services)) if self.services else None
            implemented = registry.implemented_services()
            states = {}
            for entry in catalog.SERVICES:
                count = 0
                for name in entry.botocore:
                    if implemented.get(name):
                        count += len(implemented[name] & set(specs.service_model(name).operation_names))
                if enabled is not None and not enabled & set(entry.botocore):
                    state = "disabled"
                else:
                    state = "available" if count else "not implemented"
                states[entry.name] = {"state": state, "operations": count}
            self._states = states
        return states

    def health(self) -> dict[str, Any]:
        states = self.service_states()
        return {
            "status": "ok",
            "version": __version__,
            "backend": self.store.backend,
            "schema_revision": self.store.current_revision(),
            # the services this server answers (enabled, with operations implemented)
            "services": [name for name, st in states.items() if st["state"] == "available"],
            "service_states": states,
        }

    def reset(self, names: list[str]) -> list[str]:
        if not names:
            return self.store.reset(None)
        valid = set(registry.known_services()) | set(catalog.BY_NAME) | set(catalog.ALIASES)
        bad = [n for n in names if n not in valid]
        if bad:
            raise _fail(400, f"unknown service{'s' if len(bad) > 1 else ''}: {', '.join(bad)} "
                        f"(valid names: {', '.join(e.name for e in catalog.SERVICES)})")
        return self.store.reset(sorted({catalog.ALIASES.get(n, n) for n in names}))


class TokenGuard:
    """Falcon middleware: with a token configured, admin paths need ``Authorization: Bearer <token>``.

    Without one, the admin API and the dashboard are open while access control is off; once it
    is set (``INITIAL_NO_AUTH_ACTION_COUNT``, counting or counted down), they would be a way around
    it (switch it off, read any object), so they answer 403 until the server runs with a token.
    Health stays public then.
    """

    PREFIXES = ("/_awsmock/", "/moto-api/", "/_localstack/")
    #: the dashboard's script and style sheet, and the documents services publish (signing
    #: certificates): nothing secret
    PUBLIC = ("/_awsmock/static/", "/_awsmock/public/")
    HEALTH = ("/_awsmock/health", "/_localstack/health")

    def __init__(self, token: str | None, store: Store | None = None) -> None:
        self.token = token
        self.store = store

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        if not req.path.startswith(self.PREFIXES) or req.path.startswith(self.PUBLIC):
            return
        if not self.token:
            if (
                self.store is not None
                and req.path not in self.HEALTH
                and settings.status(self.store)["initial_no_auth_action_count"] is not None
            ):
                raise falcon.HTTPForbidden(
                    title="access control is on: the admin API and the dashboard need the server's admin "
                    "token (awsmock server --admin-token TOKEN, or AWSMOCK_ADMIN_TOKEN)"
                )
            return
        given = req.get_header("Authorization") or ""
        if given.startswith("Bearer "):
            given = given[7:]
        else:
            given = req.get_header("X-Awsmock-Admin-Token") or ""
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            raise falcon.HTTPUnauthorized(title="admin token required", challenges=["Bearer"])


def _snapshot_errors(fn):  # type: ignore[no-untyped-def]
    def wrapper(self, req, resp, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return fn(self, req, resp, *args, **kwargs)
        except SnapshotError as exc:
            raise _fail(exc.status, str(exc)) from exc

    return wrapper


class Health:
    def __init__(self, admin: AdminContext) -> None:
        self.admin = admin

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = self.admin.health()


class Reset:
    def __init__(self, admin: AdminContext) -> None:
        self.admin = admin

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        names = req.get_param_as_list("service") or []
        resp.media = {"reset": self.admin.reset(names)}


class AliasHealth(Health):
    """The health alias DESIGN.md names for users arriving from other mocks (their shape)."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        health = self.admin.health()
        resp.media = {
            "services": {name: st["state"] for name, st in health["service_states"].items()},
            "edition": "awsmock",
            "version": health["version"],
        }


class SnapshotCollection:
    def __init__(self, admin: AdminContext) -> None:
        self.admin = admin

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"snapshots": [s.as_dict() for s in self.admin.snapshots.list()]}

    @_snapshot_errors
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        try:
            body = jsontext.guarded_loads(
                req.bounded_stream.read(MAX_ADMIN_BODY + 1) or b"null", max_size=MAX_ADMIN_BODY
            )
        except ValueError as exc:
            raise _fail(400, 'the body must be JSON: {"name": NAME}') from exc
        name = body.get("name") if isinstance(body, dict) else None
        check_name(name)  # type: ignore[arg-type]
        resp.media = self.admin.snapshots.save(name).as_dict()  # type: ignore[arg-type]
        resp.status = falcon.HTTP_201


class SnapshotItem:
    def __init__(self, admin: AdminContext) -> None:
        self.admin = admin

    @_snapshot_errors
    def on_get(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        resp.media = self.admin.snapshots.info(name).as_dict()

    @_snapshot_errors
    def on_delete(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        self.admin.snapshots.delete(name)
        resp.status = falcon.HTTP_204

    @_snapshot_errors
    def on_put(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        check_name(name)
        if self.admin.snapshots.exists(name):
            raise _fail(409, f"a snapshot named {name!r} exists")
        length = req.content_length or 0
        if length <= 0 or length > MAX_SNAPSHOT_UPLOAD:
            raise _fail(400, "the body must be an exported snapshot file")
        # streamed to disk a chunk at a time, validated whole, then put in place
        resp.media = self.admin.snapshots.import_stream(name, req.bounded_stream, length).as_dict()
        resp.status = falcon.HTTP_201


class SnapshotRestore:
    def __init__(self, admin: AdminContext) -> None:
        self.admin = admin

    @_snapshot_errors
    def on_post(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        self.admin.snapshots.restore(name)
        outbox.resume(self.admin.store)  # the restored state's pending work starts
        resp.media = {"restored": name}


class SnapshotExport:
    def __init__(self, admin: AdminContext) -> None:
        self.admin = admin

    @_snapshot_errors
    def on_get(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        resp.data = self.admin.snapshots.export_bytes(name)
        resp.content_type = "application/vnd.sqlite3"
        resp.downloadable_as = f"{name}.awsmock"


class PublicFile:
    """``GET /_awsmock/public/<service>/<name>``: a document a service publishes (its facts'
    ``public_files``), e.g. the certificate that verifies its message signatures."""

    def __init__(self, admin: AdminContext) -> None:
        self.admin = admin

    def on_get(self, req: falcon.Request, resp: falcon.Response, service: str, name: str) -> None:
        serve = registry.facts(service).public_files
        found = None
        if serve is not None:
            with self.admin.store.session(write=False) as session:
                found = serve(session, name)
        if found is None:
            raise falcon.HTTPNotFound()
        resp.data, resp.content_type = found


class UnknownAdminPath:
    """Any other path under ``/_awsmock/`` or ``/_localstack/``: an admin 404 (no bucket name can
    start with ``_``, so none of these is a service's path)."""

    def __call__(self, req: falcon.Request, resp: falcon.Response, **_: Any) -> None:
        raise falcon.HTTPNotFound(title=f"no admin endpoint at {req.path}")


#: the prefixes :class:`UnknownAdminPath` answers (add it after every other sink)
ADMIN_ONLY_PREFIX = r"/_(awsmock|localstack)(/|$)"


def add_admin_routes(app: falcon.App, admin: AdminContext) -> None:
    app.add_route("/_awsmock/public/{service}/{name}", PublicFile(admin))
    app.add_route("/_awsmock/health", Health(admin))
    app.add_route("/_awsmock/reset", Reset(admin))
    app.add_route("/_awsmock/snapshots", SnapshotCollection(admin))
    app.add_route("/_awsmock/snapshots/{name}", SnapshotItem(admin))
    app.add_route("/_awsmock/snapshots/{name}/restore", SnapshotRestore(admin))
    app.add_route("/_awsmock/snapshots/{name}/export", SnapshotExport(admin))
    app.add_route("/moto-api/reset", Reset(admin))
    app.add_route("/_localstack/health", AliasHealth(admin))
    app.add_route("/_localstack/state/reset", Reset(admin))
