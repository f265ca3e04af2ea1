"""The Falcon app factory: admin endpoints under ``/_awsmock/``, everything else to AWS."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from email.utils import formatdate
from typing import Any

import falcon

from awsmock.api import dashboard
from awsmock.api.admin import ADMIN_ONLY_PREFIX, AdminContext, TokenGuard, UnknownAdminPath, add_admin_routes
from awsmock.api.admin_auth import add_auth_routes, install_auth
from awsmock.api.dispatch import Dispatcher
from awsmock.engine import catalog, parking, turns
from awsmock.engine.config import Config
from awsmock.engine.wire import WireRequest, WireResponse
from awsmock.state.store import Store, open_store


class AwsSink:
    """Every non-admin request: hand it to the AWS dispatcher, copy the answer back."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher

    def __call__(self, req: falcon.Request, resp: falcon.Response, **_: Any) -> None:
        if dashboard.wants_dashboard(req):  # a browser at "/": the dashboard, not ListBuckets
            dashboard.serve_page(resp)
            return
        answer = self.dispatcher(WireRequest.from_environ(req.env))
        write_response(resp, answer)


def write_response(resp: falcon.Response, answer: WireResponse) -> None:
    resp.status = answer.status
    resp.content_type = None
    for name, value in answer.headers.items():
        resp.set_header(name, value)
    body = answer.body
    if isinstance(body, (bytes, bytearray)):
        resp.data = bytes(body)
    else:
        resp.stream = answer.iter_body()
        if answer.content_length is not None:
            resp.content_length = answer.content_length


#: paths Falcon serves (admin API, aliases, dashboard and its files); the rest is AWS
FALCON_PREFIXES = ("/_awsmock/", "/moto-api/", "/_localstack/")
_BODILESS = frozenset({100, 101, 204, 304})
_STATUS_LINES: dict[int, str] = {}

log = logging.getLogger("awsmock.app")


_date_cache: tuple[int, str] = (0, "")


def http_date() -> str:
    """The ``Date`` header value for now, formatted once per second."""
    global _date_cache
    now = int(time.time())
    cached = _date_cache
    if cached[0] != now:
        cached = _date_cache = (now, formatdate(now, usegmt=True))
    return cached[1]


def status_line(code: int) -> str:
    line = _STATUS_LINES.get(code)
    if line is None:
        line = _STATUS_LINES[code] = falcon.code_to_http_status(code)
    return line


class AwsmockApp(falcon.App):
    """The Falcon app, with the store and dispatcher it serves (for tests and in-process mode).

    AWS requests skip Falcon: building its Request/Response objects, middleware and routing
    cost about a tenth of a small request's CPU time in server mode, and the AWS path uses none
    of it. Admin paths and ``GET /`` (the dashboard, or a service's root listing) still go through Falcon;
    ``POST /`` (every JSON and query protocol) does not.
    """

    store: Store
    dispatcher: Dispatcher
    #: (service, operation, status, seconds) -> None, called once per request when set (the
    #: server's request log); None: nothing is measured
    request_log: Callable[[str, str, int, float], None] | None = None

    def __call__(self, env: dict[str, Any], start_response: Any) -> Any:  # type: ignore[override]
        if self.request_log is not None:
            return self._logged(env, start_response, self.request_log)
        path = env.get("PATH_INFO") or "/"
        if path.startswith(FALCON_PREFIXES) or (path == "/" and env.get("REQUEST_METHOD") == "GET"):
            return super().__call__(env, start_response)
        return self._aws(env, start_response, WireRequest.from_environ(env))

    def _logged(self, env: dict[str, Any], start_response: Any,
                log_request: Callable[[str, str, int, float], None]) -> Any:
        start = time.perf_counter()
        path = env.get("PATH_INFO") or "/"
        method = env.get("REQUEST_METHOD", "GET")
        if path.startswith(FALCON_PREFIXES) or (path == "/" and method == "GET"):
            answered: list[int] = []

            def start_and_note(status: str, headers: Any, *exc_info: Any) -> Any:
                answered.append(int(status[:3]))
                return start_response(status, headers, *exc_info)

            body = super().__call__(env, start_and_note)
            log_request("awsmock", f"{method} {path}", answered[-1] if answered else 500,
                        time.perf_counter() - start)
            return body
        req = WireRequest.from_environ(env)
        statuses: list[int] = []

        def start_and_keep(status: str, headers: Any, *exc_info: Any) -> Any:
            statuses.append(int(status[:3]))
            return start_response(status, headers, *exc_info)

        if (resumed := parking.resumed()) is not None and resumed.started is not None:
            start = resumed.started  # a long poll that parked: logged once, with all its time
        try:
            body = self._aws(env, start_and_keep, req)
        except parking.Parked as parked:
            parked.ticket.started = start
            raise
        service, operation = req.served_as or ("?", "?")
        log_request(service or "?", operation or "?", statuses[-1] if statuses else 500,
                    time.perf_counter() - start)
        return body

    def _aws(self, env: dict[str, Any], start_response: Any, req: WireRequest) -> Any:
        answer = self.answer(req)
        path = env.get("PATH_INFO") or "/"
        method = env.get("REQUEST_METHOD", "GET")
        status, headers, body = answer_parts(method, answer)
        if method == "GET":  # may the next GET of this path run on the event loop's thread?
            turns.remember_answer(env.get("HTTP_HOST", ""), path, isinstance(body, list))
        start_response(status_line(status), headers)
        return body

    def answer(self, req: WireRequest) -> WireResponse:
        """The AWS answer to ``req`` (in-process mode calls this without a WSGI round trip)."""
        try:
            return self.dispatcher(req)
        except Exception:
            log.exception("internal error")
            return WireResponse(status=500, headers={}, body=b"")


def answer_parts(method: str, answer: WireResponse) -> tuple[int, list[tuple[str, str]], Any]:
    """Status, header list and body iterable of ``answer``, as Falcon would send
    ``write_response(resp, answer)`` (see :func:`answer_headers`)."""
    status, headers, body = answer_headers(method, answer)
    return status, list(headers.items()), body


_UNSENDABLE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _wire_value(value: str) -> str:
    """A header value as HTTP carries it: text beyond Latin-1 (a response-header override of
    emoji echoed back) as its UTF-8 bytes, as AWS sends them, and control characters that would
    break the header block (CR, LF, NUL) as spaces; WSGI servers refuse both with a 500."""
    if value.isascii():
        return value if value.isprintable() or not _UNSENDABLE.search(value) else _UNSENDABLE.sub(" ", value)
    return _UNSENDABLE.sub(" ", value).encode("utf-8", "surrogatepass").decode("latin-1")


def answer_headers(method: str, answer: WireResponse) -> tuple[int, dict[str, str], Any]:
    """Status, headers and body iterable of ``answer`` as they go on the wire: lower-cased
    header names, a ``Date``, Content-Length from the body, no body for HEAD/204/304. A
    streamed body passes the worker's turn on."""
    status = answer.status
    given = answer.headers
    headers = dict(zip(map(str.lower, given), map(_wire_value, given.values()), strict=True))  # as Falcon sends them
    if "date" not in headers:  # waitress would format it for every response
        headers["date"] = http_date()
    body = answer.body
    inline = isinstance(body, (bytes, bytearray))
    if method == "HEAD" or status in _BODILESS:
        if inline and status not in _BODILESS and "content-length" not in headers:
            headers["content-length"] = str(len(body))  # type: ignore[arg-type]
        close = getattr(body, "close", None)
        if close is not None and not inline:
            close()
        return status, headers, []
    if inline:
        headers["content-length"] = str(len(body))  # type: ignore[arg-type]
        return status, headers, [bytes(body)]  # type: ignore[arg-type]
    if answer.content_length is not None:
        headers["content-length"] = str(answer.content_length)
    turns.pass_turn()  # a streamed body goes at the client's pace; others need not wait for it
    return status, headers, answer.iter_body()


def create_app(config: Config, store: Store | None = None) -> AwsmockApp:
    """The WSGI app for ``config`` (the store is opened and migrated unless given)."""
    store = store if store is not None else open_store(config)
    services = set(catalog.botocore_names(list(config.services))) if config.services else None
    dispatcher = Dispatcher(store, services=services, concurrency=config.concurrency)
    app = AwsmockApp(middleware=[TokenGuard(config.admin_token, store)], cors_enable=False)
    app.req_options.strip_url_path_trailing_slash = False
    admin = AdminContext(store, tuple(config.services))
    add_admin_routes(app, admin)
    dashboard.add_dashboard_routes(app, store)
    add_auth_routes(app, store)
    install_auth(dispatcher, store)
    app.add_sink(AwsSink(dispatcher), prefix="/")
    app.add_sink(UnknownAdminPath(), prefix=ADMIN_ONLY_PREFIX)  # after: sinks added later match first
    app.store = store
    app.dispatcher = dispatcher
    return app
