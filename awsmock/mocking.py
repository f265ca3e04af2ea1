"""In-process mocking: ``mock_aws`` and one ``mock_<service>`` per service, without sockets.

While a mock is active:

* every botocore request to an AWS host goes to the awsmock WSGI app (the same app as server
  mode) in this process: ``botocore.endpoint.Endpoint._send`` is patched at class level, so
  clients created before the mock started (at import time) are intercepted too;
* plain HTTP to AWS hosts through urllib3 (``requests``; presigned URL downloads and uploads) is
  answered by the same app (``urllib3.HTTPConnectionPool.urlopen`` is patched for AWS hosts; other
  hosts pass through untouched);
* connections of ``http.client`` to AWS hosts (boto 2's, whatever their class) are given a socket
  of this process that hands each request to the same app (``HTTPConnection.putrequest`` is
  patched; ``mock_<service>_deprecated`` are the service mocks under boto 2's names);
* fake credentials and a default region are in the environment; the real values come back when
  the last mock stops, also after an exception.

Mocks are reference counted. The first activation opens the state; a mock started while another
is active joins it (same state, same app) and the state closes when the last one stops. A
service mock (``mock_s3``…) intercepts all AWS traffic but answers only its services: a call to
another service raises :class:`NotMockedError` (a botocore ``ClientError``) naming the mock to use.

State: ``mock_aws()`` gives each activation a fresh private in-memory state (a per-process pooled
in-memory database, emptied for each activation); ``mock_aws(data_dir=…)`` / ``mock_aws(database_url=…)`` attach to the
persistent state a server on that directory or URL uses; ``snapshot=NAME_OR_FILE`` starts the
activation from a snapshot, restored into a fresh private state (the shared state is untouched).
"""

from __future__ import annotations

import atexit
import functools
import http
import http.client
import inspect
import io
import os
import shutil
import tempfile
import threading
import unittest
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from botocore.exceptions import ClientError

from awsmock import inprocess
from awsmock.engine import catalog, hosts

F = TypeVar("F", bound=Callable[..., Any])

#: the environment while a mock is active (region values only when none is set)
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
}
DEFAULT_REGION = "us-east-1"
#: removed while a mock is active: an explicit profile would win over the fake credentials
UNSET_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")


class NotMockedError(ClientError):
    """A call to an AWS service that the active mocks do not answer (it never left the process)."""

    def __init__(self, service: str, operation: str, active: list[str]) -> None:
        entry = catalog.entry_for_botocore(service)
        use = f"mock_{entry.name}" if entry else "mock_aws"
        message = (
            f"awsmock: {service} is not mocked (active: {', '.join(active)}); "
            f"wrap the code in {use} or mock_aws. The request was not sent to AWS."
        )
        super().__init__(
            {
                "Error": {"Code": "NotMocked", "Message": message},
                "ResponseMetadata": {"HTTPStatusCode": 501},
            },
            operation,
        )
        self.service = service


# -- the active state (one per process, shared by nested mocks) -------------------------------


class _State:
    """The store and app of the current activation, and what to restore when it ends."""

    def __init__(self, store: Any, config: Any, owns_store: bool) -> None:
        self.store = store
        self.config = config
        self.owns_store = owns_store
        self._app: Any = None
        self.saved_env: dict[str, str | None] = {}
        self.mocks: list[MockAWS] = []
        self.auth_previous: object = _UNSET  # the auth limit to put back on an attached store

    @property
    def app(self) -> Any:
        app = self._app
        if app is None:
            app = self._app = _app_for(self.store)
            # the AWS path reaches this activation's store directly (not through _ActiveStore's
            # __getattr__ on every attribute); only the current activation's requests reach it
            app.dispatcher.store = self.store
        return app

    def close(self) -> None:
        try:
            if self.auth_previous is not _UNSET and not self.store.in_memory:
                _restore_no_auth_count(self.store, self.auth_previous)  # type: ignore[arg-type]
        finally:
            if self.owns_store:
                self.store.dispose()
            else:  # the pooled in-memory store: let go of this activation's data now
                _wipe(self.store)


_UNSET = object()
_lock = threading.RLock()
_state: _State | None = None
_allowed: frozenset[str] | None = None  # botocore names answered; None: all
_pending_no_auth: list[int] = []  # set_initial_no_auth_action_count values waiting for an activation
_next_no_auth: list[_NoAuthCount] = []  # a plain call made while no mock was active: for the next one


class _ActiveStore:
    """Stands for the active state's store inside a per-process app.

    Building the Falcon app (routes compiled) costs more than a fresh state, so the app is built
    once per process (per backend and snapshot directory) and reaches the state of whichever
    activation is current through this object.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(_active_state().store, name)

    def __repr__(self) -> str:
        state = _state
        return f"<active awsmock store {state.store.url if state else None}>"


_apps: dict[tuple[str, str], Any] = {}
MAX_CACHED_APPS = 8


def _app_for(store: Any) -> Any:
    key = (store.backend, str(store.snapshot_dir))
    with _lock:
        app = _apps.get(key)
        if app is None:
            from awsmock.api.app import create_app
            from awsmock.engine.config import Config

            app = create_app(Config(in_memory=True), _ActiveStore())  # type: ignore[arg-type]
            while len(_apps) >= MAX_CACHED_APPS:
                _apps.pop(next(iter(_apps)))
            _apps[key] = app
        return app


def _start_auth(state: _State) -> None:
    """A new activation starts its free-action count over (as a server start does), and takes the
    limit of an enclosing ``set_initial_no_auth_action_count``."""
    from awsmock.auth import settings

    if not state.store.in_memory:
        settings.on_startup(state.store)
    following = _next_no_auth.pop() if _next_no_auth else None
    if _pending_no_auth:
        state.auth_previous = _apply_no_auth_count(state.store, _pending_no_auth[-1])
    elif following is not None:
        state.auth_previous = _apply_no_auth_count(state.store, following.count)


def _active_state() -> _State:
    state = _state
    if state is None:
        raise RuntimeError(
            "no awsmock mock is active: use mock_aws() (decorator, context manager or start())"
        )
    return state


def _recompute_allowed(state: _State) -> None:
    global _allowed
    names: set[str] = set()
    for m in state.mocks:
        if m.services is None:
            _allowed = None
            return
        names.update(m.services)
    _allowed = frozenset(names)


# -- the per-process snapshot directory of in-memory states ----------------------------------

_memory_snapshot_dir: Path | None = None


def memory_snapshot_dir() -> Path:
    """Where in-memory activations keep their snapshots: one directory per process (removed at
    exit), so a snapshot saved in one activation can start the next."""
    global _memory_snapshot_dir
    if _memory_snapshot_dir is None:
        path = Path(tempfile.gettempdir()) / f"awsmock-snapshots-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        atexit.register(shutil.rmtree, path, True)
        _memory_snapshot_dir = path
    return _memory_snapshot_dir


def _snapshot_source(name_or_file: str | os.PathLike[str], snapshot_dir: Path) -> Path:
    """The snapshot file a name (in ``snapshot_dir``) or a path refers to."""
    from awsmock.state.snapshots import NAME_RE, SUFFIX, NotFound

    text = os.fspath(name_or_file)
    if NAME_RE.match(text) and not text.startswith("."):
        candidate = snapshot_dir / (text + SUFFIX)
        if candidate.exists():
            return candidate
    path = Path(text).expanduser()
    if path.is_file():
        return path
    raise NotFound(f"no snapshot named {text!r} in {snapshot_dir} and no snapshot file at that path")


def _attached_snapshot_dir(config: Any, snapshot: Any = None) -> Path:
    from sqlalchemy.engine import make_url

    url = make_url(config.url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database or "").resolve().parent / "snapshots"
    from awsmock.state.snapshots import SUFFIX, Snapshots, stored_in_database
    from awsmock.state.store import open_store

    store = open_store(config, migrate=False)
    try:
        if snapshot is not None and (name := stored_in_database(store, os.fspath(snapshot))):
            where = memory_snapshot_dir() / f"attached-{uuid.uuid4().hex[:8]}"  # PostgreSQL: fetch it
            where.mkdir(parents=True)
            (where / (name + SUFFIX)).write_bytes(Snapshots(store).export_bytes(name))
            return where
        return Path(store.snapshot_dir)
    finally:
        store.dispose()


def _open_state(mock: MockAWS) -> _State:
    from awsmock.engine.config import Config
    from awsmock.state.store import open_store

    if mock.data_dir is not None or mock.database_url is not None:
        data_dir = Path(mock.data_dir).expanduser() if mock.data_dir is not None else None
        config = Config(data_dir=data_dir, database_url=mock.database_url)
        if mock.snapshot is None:
            return _State(open_store(config), config, owns_store=True)
        snapshot_dir = _attached_snapshot_dir(config, mock.snapshot)
    else:
        snapshot_dir = memory_snapshot_dir()
    memory = Config(in_memory=True)
    store = _memory_store()
    store.snapshot_dir = snapshot_dir
    if mock.snapshot is None:
        _wipe(store)
    else:
        try:
            _load_snapshot(store, _snapshot_source(mock.snapshot, snapshot_dir))
        except BaseException:
            _wipe(store)
            raise
    return _State(store, memory, owns_store=False)


_validated: dict[tuple[str, int, int], str | None] = {}  # snapshot file (path, mtime, size) -> revision


def _load_snapshot(store: Any, path: Path) -> None:
    """Fill the freshly wiped in-memory ``store`` from the snapshot file at ``path``.

    A snapshot at the current schema revision is copied in whole with SQLite's backup API (a
    fixture snapshot restored per test costs a file read, not a row-by-row refill); the
    awsmock-internal tables (settings, which a restore never carries over) are emptied again
    after. Older snapshots take the regular, migrating restore. Validation is done once per file
    version.
    """
    import sqlite3

    from awsmock.models import Base, tables_of
    from awsmock.state.snapshots import restore_file, validate_file
    from awsmock.state.store import head_revision

    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    if key not in _validated:
        _validated[key] = validate_file(path)
    if _validated[key] != head_revision():
        _wipe(store)
        restore_file(store, path)  # migrates a copy, then refills the service tables
        return
    service_tables = {t.name for t in tables_of(None)}
    internal = [t.name for t in Base.metadata.sorted_tables if t.name not in service_tables]
    with store.raw_connection() as conn:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(conn)
        finally:
            source.close()
        conn.execute("DROP TABLE IF EXISTS awsmock_snapshot_meta")
        for name in internal:
            conn.execute(f'DELETE FROM "{name}"')


# One in-memory store per process, emptied for each activation: the engine (and SQLAlchemy's
# compiled-statement cache, which lives on it) and SQLite's prepared statements survive
# activations, so a fresh state costs some row deletes, not a new engine and cold caches.
_pooled_store: Any = None


def _memory_store() -> Any:
    global _pooled_store
    if _pooled_store is None:
        from awsmock.state.store import Store

        _pooled_store = Store("sqlite://", snapshot_dir=memory_snapshot_dir())
    return _pooled_store


def _wipe(store: Any) -> None:
    """Empty every table of the in-memory ``store``, children first.

    Rows only: the schema and the connection's settings stay as they are, so SQLite keeps its
    prepared statements (copying the template in, or toggling a pragma, would make the next
    statements re-prepare: a few milliseconds on the first request of every activation).
    """
    from awsmock.models import Base, load_all

    load_all()
    with store.raw_connection() as conn:
        conn.execute("BEGIN")
        try:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(f'DELETE FROM "{table.name}"')
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
                conn.execute("DELETE FROM sqlite_sequence")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


# -- environment ------------------------------------------------------------------------------


def _set_env(state: _State) -> None:
    saved = state.saved_env
    env = os.environ
    for key, value in FAKE_CREDENTIALS.items():
        saved[key] = env.get(key)
        env[key] = value
    if not env.get("AWS_DEFAULT_REGION") and not env.get("AWS_REGION"):
        saved["AWS_DEFAULT_REGION"] = env.get("AWS_DEFAULT_REGION")
        env["AWS_DEFAULT_REGION"] = DEFAULT_REGION
    for key in UNSET_ENV:
        if key in env:
            saved[key] = env.pop(key)


def _restore_env(state: _State) -> None:
    for key, value in state.saved_env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    state.saved_env.clear()


# -- the patches ------------------------------------------------------------------------------

_originals: dict[str, Any] = {}
_local = threading.local()
_sign_lock = threading.Lock()


def _patched_do_get_response(self: Any, request: Any, operation_model: Any, context: Any) -> Any:
    # remember which operation this thread is sending, for the service check in _patched_send
    outer = getattr(_local, "operation", None)
    _local.operation = operation_model
    try:
        return _originals["do_get_response"](self, request, operation_model, context)
    finally:
        _local.operation = outer


def _patched_send(self: Any, request: Any) -> Any:
    state = _state
    if state is None or not _is_aws_netloc(_netloc(request.url)):
        return _originals["send"](self, request)
    op = getattr(_local, "operation", None)
    allowed = _allowed
    if allowed is not None and op is not None and op.service_model.service_name not in allowed:
        raise NotMockedError(op.service_model.service_name, op.name, [m.name for m in state.mocks])
    return inprocess.botocore_response(state.app, request, op)


def _patched_sign(self: Any, operation_name: str, request: Any, *args: Any, **kwargs: Any) -> Any:
    # A client built before the mock started, with no credentials at all: sign with fake ones
    # rather than fail (the request stays in this process anyway).
    if _state is not None and self._credentials is None:
        from botocore.credentials import Credentials

        with _sign_lock:
            self._credentials = Credentials(
                *(
                    FAKE_CREDENTIALS[k]
                    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
                )
            )
            try:
                return _originals["sign"](self, operation_name, request, *args, **kwargs)
            finally:
                self._credentials = None
    return _originals["sign"](self, operation_name, request, *args, **kwargs)


_aws_netlocs: dict[str, bool] = {}


def _is_aws_netloc(netloc: str) -> bool:
    """Whether a URL's netloc names an AWS host (remembered: a client talks to a few)."""
    try:
        return _aws_netlocs[netloc]
    except KeyError:
        pass
    found = hosts.is_aws_host(hosts.host_of(netloc))
    if len(_aws_netlocs) < 4096:
        _aws_netlocs[netloc] = found
    return found


def _netloc(url: str) -> str:
    rest = url.partition("://")[2]
    return rest.split("/", 1)[0].split("?", 1)[0]


def _patched_urlopen(
    self: Any, method: str, url: str, body: Any = None, headers: Any = None, *args: Any, **kwargs: Any
) -> Any:
    state = _state
    if state is not None:
        if "://" in url:  # absolute form (through a proxy)
            target, full = _netloc(url), url
        else:
            target = self.host
            default = 443 if self.scheme == "https" else 80
            netloc = self.host if not self.port or self.port == default else f"{self.host}:{self.port}"
            full = f"{self.scheme}://{netloc}{url}"
        if hosts.is_aws_host(target):
            return inprocess.urllib3_response(
                state.app,
                method,
                full,
                headers,
                body,
                preload_content=kwargs.get("preload_content", True),
                decode_content=kwargs.get("decode_content", True),
            )
    return _originals["urlopen"](self, method, url, body, headers, *args, **kwargs)


def _install_patches() -> None:
    from botocore.endpoint import Endpoint
    from botocore.signers import RequestSigner

    _originals["send"] = Endpoint.__dict__["_send"]
    _originals["do_get_response"] = Endpoint.__dict__["_do_get_response"]
    _originals["sign"] = RequestSigner.__dict__["sign"]
    Endpoint._send = _patched_send  # type: ignore[method-assign]
    Endpoint._do_get_response = _patched_do_get_response  # type: ignore[method-assign]
    RequestSigner.sign = _patched_sign  # type: ignore[method-assign]
    try:
        from urllib3.connectionpool import HTTPConnectionPool
    except ImportError:  # pragma: no cover - botocore depends on urllib3
        return
    _originals["urlopen"] = HTTPConnectionPool.__dict__["urlopen"]
    HTTPConnectionPool.urlopen = _patched_urlopen  # type: ignore[assignment,method-assign]
    _originals["putrequest"] = http.client.HTTPConnection.__dict__["putrequest"]
    http.client.HTTPConnection.putrequest = _patched_putrequest  # type: ignore[method-assign]


def _remove_patches() -> None:
    from botocore.endpoint import Endpoint
    from botocore.signers import RequestSigner

    Endpoint._send = _originals.pop("send")  # type: ignore[method-assign]
    Endpoint._do_get_response = _originals.pop("do_get_response")  # type: ignore[method-assign]
    RequestSigner.sign = _originals.pop("sign")  # type: ignore[method-assign]
    if "urlopen" in _originals:
        from urllib3.connectionpool import HTTPConnectionPool

        HTTPConnectionPool.urlopen = _originals.pop("urlopen")  # type: ignore[method-assign]
    if "putrequest" in _originals:
        http.client.HTTPConnection.putrequest = _originals.pop("putrequest")  # type: ignore[method-assign]


# -- http.client connections (boto 2 and other clients below urllib3) --------------------------
#
# A connection (of any ``http.client.HTTPConnection`` class: boto 2's certificate-checking one
# included) that starts a request to an AWS host while a mock is active gets a socket of this
# process instead of a network one: what the client writes is the request, handed to the app
# when the client reads the answer, which it then reads as it would from the network. Nothing
# above the socket is replaced, so the client's own HTTP handling runs as it would against AWS.


class _LocalSocket:
    """A socket whose peer is the in-process app: it collects a request and answers it."""

    def __init__(self, scheme: str, host: str) -> None:
        self.scheme = scheme
        self.host = host
        self._sent = bytearray()

    def sendall(self, data: Any) -> None:
        self._sent += data.encode("latin-1") if isinstance(data, str) else bytes(data)

    def send(self, data: Any) -> int:
        self.sendall(data)
        return len(data)

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BytesIO:
        raw, self._sent = bytes(self._sent), bytearray()
        return io.BytesIO(_answer(self.scheme, self.host, raw))

    def settimeout(self, *_: Any) -> None:
        pass

    def setblocking(self, *_: Any) -> None:
        pass

    def setsockopt(self, *_: Any) -> None:
        pass

    def shutdown(self, *_: Any) -> None:
        pass

    def close(self) -> None:
        pass


def _answer(scheme: str, host: str, raw: bytes) -> bytes:
    """The app's answer, as bytes on the wire, to one HTTP/1.1 request as bytes on the wire."""
    state = _state
    if state is None:
        raise ConnectionError("awsmock: the mock stopped while the request was in flight")
    head, _, rest = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    lowered = {k.lower(): v for k, v in headers.items()}
    if lowered.get("transfer-encoding", "").lower() == "chunked":
        body, rest = bytearray(), rest
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";", 1)[0] or b"0", 16)
            if size == 0:
                break
            body += rest[:size]
            rest = rest[size + 2 :]
        headers = {k: v for k, v in headers.items() if k.lower() != "transfer-encoding"}
        headers["Content-Length"] = str(len(body))
        data = bytes(body)
    else:
        data = rest[: int(lowered.get("content-length") or 0)]
    netloc = lowered.get("host") or host
    url = target if "://" in target else f"{scheme}://{netloc}{target}"
    status, out_headers, stream = inprocess.wsgi_call(state.app, method, url, headers, data)
    try:
        payload = b"" if method.upper() == "HEAD" else stream.read()
    finally:
        stream.close()
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    written = [f"HTTP/1.1 {status} {reason}"]
    for name, value in out_headers:
        if name.lower() not in ("content-length", "transfer-encoding", "connection"):
            written.append(f"{name}: {value}")
    length = next((v for k, v in out_headers if k.lower() == "content-length"), None)
    written.append(f"Content-Length: {length if method.upper() == 'HEAD' and length else len(payload)}")
    return ("\r\n".join(written) + "\r\n\r\n").encode("latin-1") + payload


def _patched_putrequest(
    self: http.client.HTTPConnection, method: str, url: str, *args: Any, **kwargs: Any
) -> Any:
    if _state is not None and not isinstance(self.sock, _LocalSocket) and hosts.is_aws_host(self.host):
        if self.sock is not None:  # (a connection opened before the mock started)
            self.close()
        secure = isinstance(self, http.client.HTTPSConnection) or self.port == http.client.HTTPS_PORT
        self.sock = _LocalSocket("https" if secure else "http", self.host)  # type: ignore[assignment]
    return _originals["putrequest"](self, method, url, *args, **kwargs)


# -- the mock object --------------------------------------------------------------------------


class MockAWS:
    """One mock: a decorator (function or class), a context manager, or ``start()``/``stop()``.

    ``services`` are botocore service names (``None``: every service). Starting an object that is
    already active, or any mock while another is active, joins the active state.
    """

    def __init__(
        self,
        services: Iterable[str] | None = None,
        *,
        name: str = "mock_aws",
        data_dir: str | os.PathLike[str] | None = None,
        database_url: str | None = None,
        snapshot: str | os.PathLike[str] | None = None,
    ) -> None:
        if data_dir is not None and database_url is not None:
            raise ValueError("give data_dir or database_url, not both")
        self.services: frozenset[str] | None = None if services is None else frozenset(services)
        self.name = name
        self.data_dir = data_dir
        self.database_url = database_url
        self.snapshot = snapshot
        self._depth = 0

    def __repr__(self) -> str:
        return f"<{self.name}{' active' if self._depth else ''}>"

    # -- activation ---------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self._depth > 0

    def start(self) -> MockAWS:
        global _state
        with _lock:
            if self._depth == 0:
                state = _state
                if state is None:
                    state = _open_state(self)
                    try:
                        _start_auth(state)
                        _set_env(state)
                        _install_patches()
                    except BaseException:
                        _restore_env(state)
                        state.close()
                        raise
                    _state = state
                    if self.data_dir is not None or self.database_url is not None or self.snapshot is not None:
                        from awsmock.engine import outbox

                        outbox.resume(state.store)  # work the state holds (deliveries, pollers)
                state.mocks.append(self)
                _recompute_allowed(state)
            self._depth += 1
        return self

    def stop(self) -> None:
        global _state, _allowed
        with _lock:
            if self._depth == 0:
                raise RuntimeError(f"{self.name} was stopped more often than started")
            self._depth -= 1
            if self._depth:
                return
            state = _state
            assert state is not None
            state.mocks.remove(self)
            if state.mocks:
                _recompute_allowed(state)
                return
            _state = None
            _allowed = None
            try:
                _remove_patches()
            finally:
                _restore_env(state)
                state.close()

    def __enter__(self) -> MockAWS:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the active state ---------------------------------------------------------------------

    @property
    def store(self) -> Any:
        """The active :class:`awsmock.state.store.Store`."""
        return _active_state().store

    @property
    def app(self) -> Any:
        """The active WSGI app (built on first use)."""
        return _active_state().app

    def reset(self, services: list[str] | None = None) -> list[str]:
        return reset(services)

    def snapshot_state(self, name: str, *, overwrite: bool = False) -> Any:
        return snapshot(name, overwrite=overwrite)

    def restore(self, name_or_file: str | os.PathLike[str]) -> None:
        restore(name_or_file)

    def client(self, service: str, **kwargs: Any) -> Any:
        """A boto3 client (region defaults to the environment's, else us-east-1)."""
        import boto3

        kwargs.setdefault("region_name", os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION)
        return boto3.client(service, **kwargs)

    # -- decoration ---------------------------------------------------------------------------

    def __call__(self, target: Any) -> Any:
        if isinstance(target, type):
            return self._decorate_class(target)
        if not callable(target):
            raise TypeError(f"{self.name} decorates functions and classes, not {type(target).__name__}")
        return self._decorate_function(target)

    def _decorate_function(self, func: F) -> F:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await func(*args, **kwargs)

            return async_wrapper  # type: ignore[return-value]

        if inspect.isgeneratorfunction(func):  # e.g. a pytest fixture that yields

            @functools.wraps(func)
            def generator_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return (yield from func(*args, **kwargs))

            return generator_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def _decorate_class(self, cls: type) -> type:
        for attr in dir(cls):
            if not attr.startswith("test"):
                continue
            raw = inspect.getattr_static(cls, attr)
            if isinstance(raw, (staticmethod, classmethod)):
                setattr(cls, attr, type(raw)(self._decorate_function(raw.__func__)))
            elif inspect.isfunction(raw):
                setattr(cls, attr, self._decorate_function(raw))
        if issubclass(cls, unittest.TestCase):
            self._wrap_unittest_setup(cls)
        elif hasattr(cls, "setup_method") or hasattr(cls, "teardown_method"):
            self._wrap_pytest_setup(cls)
        return cls

    def _wrap_unittest_setup(self, cls: type) -> None:
        # setUp, the test and tearDown share one activation: it starts before setUp and stops in
        # a cleanup (cleanups run after tearDown, and also when setUp fails).
        original = cls.setUp  # type: ignore[attr-defined]
        mock = self

        @functools.wraps(original)
        def setUp(self: unittest.TestCase, *args: Any, **kwargs: Any) -> Any:
            mock.start()
            self.addCleanup(mock.stop)
            return original(self, *args, **kwargs)

        cls.setUp = setUp  # type: ignore[attr-defined]

    def _wrap_pytest_setup(self, cls: type) -> None:
        setup = getattr(cls, "setup_method", None)
        teardown = getattr(cls, "teardown_method", None)
        mock = self

        def call(fn: Any, obj: Any, method: Any) -> None:
            # pytest passes the test method only to functions that take it; do the same
            if fn is None:
                return
            takes = fn.__code__.co_argcount if hasattr(fn, "__code__") else 2
            if takes >= 2:
                fn(obj, method)
            else:
                fn(obj)

        def setup_method(self: Any, method: Any = None) -> None:
            mock.start()
            try:
                call(setup, self, method)
            except BaseException:
                mock.stop()
                raise

        def teardown_method(self: Any, method: Any = None) -> None:
            try:
                call(teardown, self, method)
            finally:
                mock.stop()

        cls.setup_method = setup_method  # type: ignore[attr-defined]
        cls.teardown_method = teardown_method  # type: ignore[attr-defined]


# -- the public factories ---------------------------------------------------------------------


def _factory(name: str, services: tuple[str, ...] | None, doc: str) -> Callable[..., Any]:
    def factory(
        func: Any = None,
        *,
        data_dir: str | os.PathLike[str] | None = None,
        database_url: str | None = None,
        snapshot: str | os.PathLike[str] | None = None,
    ) -> Any:
        mock = MockAWS(
            services, name=f"mock_{name}", data_dir=data_dir, database_url=database_url, snapshot=snapshot
        )
        if func is not None:
            return mock(func)
        return mock

    factory.__name__ = factory.__qualname__ = f"mock_{name}"
    factory.__doc__ = doc
    factory.__module__ = __name__
    return factory


mock_aws = _factory(
    "aws",
    None,
    """Mock every AWS service: ``@mock_aws``, ``@mock_aws(...)``, ``with mock_aws():``, or
    ``m = mock_aws(); m.start(); ...; m.stop()``.

    Keyword arguments: ``data_dir`` or ``database_url`` attach to a shared persistent state (the
    one a server on that directory/URL uses); ``snapshot`` (a snapshot name, or a path to an
    exported snapshot file) starts from a snapshot in a fresh private state.""",
)

MOCK_NAMES: dict[str, Callable[..., Any]] = {"mock_aws": mock_aws}
for _entry in catalog.SERVICES:
    MOCK_NAMES[f"mock_{_entry.name}"] = _factory(
        _entry.name,
        _entry.botocore,
        f"Mock {_entry.title} ({', '.join(_entry.botocore)}) in-process; other AWS services are refused "
        f"(NotMockedError) and never reach the network. Same usage and arguments as ``mock_aws``.",
    )
for _alias, _target in catalog.ALIASES.items():
    MOCK_NAMES[f"mock_{_alias}"] = MOCK_NAMES[f"mock_{_target}"]

#: the services boto 2 (the legacy SDK, ``import boto``) has clients for, among awsmock's: each has
#: a ``mock_<name>_deprecated`` for code written with boto 2, as other mocks name them. They are
#: their service's mock: boto 2's connections (``http.client``) are intercepted by every mock.
BOTO2_SERVICES = (
    "autoscaling", "cloudformation", "cloudwatch", "cognitoidentity", "config", "datapipeline",
    "dynamodb", "ec2", "ecs", "elb", "emr", "glacier", "iam", "kinesis", "kms", "lambda", "logs",
    "rds", "redshift", "route53", "s3", "ses", "sns", "sqs", "sts", "swf",
)  # fmt: skip
for _name in (*BOTO2_SERVICES, *catalog.ALIASES):
    _entry = catalog.BY_NAME[catalog.ALIASES.get(_name, _name)]
    MOCK_NAMES[f"mock_{_name}_deprecated"] = _factory(
        f"{_name}_deprecated",
        _entry.botocore,
        f"Legacy: mock {_entry.title} for code written with boto 2 (``import boto``), whose HTTP "
        f"connections are answered in-process as ``mock_{_entry.name}`` answers boto3's. Same usage "
        f"and arguments as ``mock_aws``.",
    )
globals().update({k: v for k, v in MOCK_NAMES.items() if k != "mock_aws"})
del _entry, _alias, _target, _name


def active_mock() -> MockAWS | None:
    """The innermost active mock, if any."""
    state = _state
    return state.mocks[-1] if state is not None and state.mocks else None


# -- acting on the active state ---------------------------------------------------------------


def reset(services: list[str] | None = None) -> list[str]:
    """Empty the active state (all services, or the named ones); the services reset."""
    return _active_state().store.reset(services)


def snapshot(name: str, *, overwrite: bool = False) -> Any:
    """Save the active state as snapshot ``name`` (see :class:`awsmock.state.snapshots.SnapshotInfo`).

    In-memory states keep their snapshots for the life of the process, so one activation can
    build fixture state and later ones start from it (``mock_aws(snapshot=name)``).
    """
    from awsmock.state.snapshots import Snapshots

    return Snapshots(_active_state().store).save(name, overwrite=overwrite)


def restore(name_or_file: str | os.PathLike[str]) -> None:
    """Replace the active state by a snapshot: a name, or a path to an exported snapshot file."""
    from awsmock.engine import outbox
    from awsmock.state.snapshots import Snapshots, restore_file, stored_in_database

    store = _active_state().store
    if name := stored_in_database(store, os.fspath(name_or_file)):  # PostgreSQL: in the database
        Snapshots(store).restore(name)
    else:
        restore_file(store, _snapshot_source(name_or_file, Path(store.snapshot_dir)))
    outbox.resume(store)  # the restored state's pending work (deliveries, pollers) starts


def _apply_no_auth_count(store: Any, count: int) -> str | None:
    """Set the limit on ``store`` (awsmock.auth keeps it in the database); the previous setting."""
    from awsmock.auth import set_initial_no_auth_action_count as set_count

    return set_count(store, count)


def _restore_no_auth_count(store: Any, previous: str | None) -> None:
    from awsmock.auth import restore_initial_no_auth_action_count

    restore_initial_no_auth_action_count(store, previous)


def set_initial_no_auth_action_count(count: int) -> _NoAuthCount:
    """After ``count`` unauthenticated actions, requests are authenticated (SigV4 against IAM
    access keys) and authorized (IAM policies).

    Two forms:

    * a decorator, ``@set_initial_no_auth_action_count(n)``: while the wrapped function runs.
      Works above or below the mock decorator: when a mock is active the limit is set on its state
      at once (and put back when the function returns); otherwise on the state of the activation
      the function starts (an attached, persistent state gets its previous setting back when it
      stops);
    * a plain call, ``set_initial_no_auth_action_count(n)``: at once on the active mock's state,
      until that activation ends; with no mock active, on the next activation.
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        if callable(count):
            raise TypeError(
                "set_initial_no_auth_action_count takes the count: use @set_initial_no_auth_action_count(n)"
            )
        raise ValueError("count must be a non-negative integer")
    return _NoAuthCount(count)


class _NoAuthCount:
    """What :func:`set_initial_no_auth_action_count` returns: its plain call has taken effect (on
    the active state, or waiting for the next activation); used as a decorator, that effect is
    withdrawn and the limit holds while the decorated function runs instead."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._state: _State | None = None
        self._previous: str | None = None
        with _lock:
            state = _state
            if state is None:
                _next_no_auth[:] = [self]
                return
            self._previous = _apply_no_auth_count(state.store, count)
            if state.auth_previous is _UNSET:  # the activation puts the setting back as it ends
                state.auth_previous = self._previous
            self._state = state

    def __repr__(self) -> str:
        return f"set_initial_no_auth_action_count({self.count})"

    def _withdraw(self) -> None:
        with _lock:
            if self in _next_no_auth:
                _next_no_auth.remove(self)
            state, self._state = self._state, None
            if state is not None and _state is state:
                _restore_no_auth_count(state.store, self._previous)

    def __call__(self, func: F) -> F:
        if isinstance(func, type) or not callable(func):
            raise TypeError(
                "@set_initial_no_auth_action_count(n) decorates functions (test functions or methods), "
                f"not {func!r}; call it plainly inside a test to set the count for the active mock"
            )
        self._withdraw()
        count = self.count

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _lock:
                _pending_no_auth.append(count)
                state = _state
            previous: object = _UNSET
            try:
                if state is not None:
                    previous = _apply_no_auth_count(state.store, count)
                return func(*args, **kwargs)
            finally:
                with _lock:
                    _pending_no_auth.pop()
                    if previous is not _UNSET and state is not None and _state is state:
                        _restore_no_auth_count(state.store, previous)  # type: ignore[arg-type]

        return wrapper  # type: ignore[return-value]


__all__ = [
    "MOCK_NAMES",
    "MockAWS",
    "NotMockedError",
    "active_mock",
    "mock_aws",
    "reset",
    "restore",
    "set_initial_no_auth_action_count",
    "snapshot",
]
