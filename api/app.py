"""The Falcon app factory: admin endpoints under ``/_awsmock/``, everything else to AWS."""

from __future__ import annotations

from typing import Any

import falcon

from awsmock import catalog
from awsmock.api import dashboard
from awsmock.api.admin import AdminContext, TokenGuard, add_admin_routes
from awsmock.api.admin_auth import add_auth_routes, install_auth
from awsmock.api.dispatch import Dispatcher
from awsmock.api.wire import WireRequest, WireResponse
from awsmock.config import Config
from awsmock.store import Store, open_store


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
    if isinstance(body, bytes | bytearray):
        resp.data = bytes(body)
    else:
        resp.stream = answer.iter_body()
        if answer.content_length is not None:
            resp.content_length = answer.content_length


class AwsmockApp(falcon.App):
    """The Falcon app, with the store and dispatcher it serves (for tests and in-process mode)."""

    store: Store
    dispatcher: Dispatcher


def create_app(config: Config, store: Store | None = None) -> AwsmockApp:
    """The WSGI app for ``config`` (the store is opened and migrated unless given)."""
    store = store if store is not None else open_store(config)
    services = set(catalog.botocore_names(list(config.services))) if config.services else None
    dispatcher = Dispatcher(store, services=services, concurrency=config.concurrency)
    app = AwsmockApp(middleware=[TokenGuard(config.admin_token)], cors_enable=False)
    app.req_options.strip_url_path_trailing_slash = False
    admin = AdminContext(store, tuple(config.services))
    add_admin_routes(app, admin)
    dashboard.add_dashboard_routes(app, store)
    add_auth_routes(app, store)
    install_auth(dispatcher, store)
    app.add_sink(AwsSink(dispatcher), prefix="/")
    app.store = store
    app.dispatcher = dispatcher
    return app
