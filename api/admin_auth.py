"""``/_awsmock/auth``: switch authentication on for a running server.

``POST /_awsmock/auth`` with ``{"initial_no_auth_action_count": n}`` authenticates every request
after ``n`` more unauthenticated ones (``null``: back to the ``INITIAL_NO_AUTH_ACTION_COUNT``
environment variable, i.e. by default never). ``GET`` reports the setting and the count so far.
"""

from __future__ import annotations

import falcon

from awsmock.api.admin import MAX_ADMIN_BODY
from awsmock.auth import settings
from awsmock.state import jsontext
from awsmock.state.store import Store


class AuthSettings:
    def __init__(self, store: Store) -> None:
        self.store = store

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = settings.status(self.store)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        try:
            body = jsontext.guarded_loads(
                req.bounded_stream.read(MAX_ADMIN_BODY + 1) or b"null", max_size=MAX_ADMIN_BODY
            )
        except ValueError as exc:
            raise falcon.HTTPBadRequest(
                title='the body must be JSON: {"initial_no_auth_action_count": N}'
            ) from exc
        if not isinstance(body, dict) or "initial_no_auth_action_count" not in body:
            raise falcon.HTTPBadRequest(title='the body must be JSON: {"initial_no_auth_action_count": N}')
        value = body["initial_no_auth_action_count"]
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
            raise falcon.HTTPBadRequest(
                title="initial_no_auth_action_count must be a non-negative number or null"
            )
        settings.set_initial_no_auth_action_count(self.store, value)
        resp.media = settings.status(self.store)


def add_auth_routes(app: falcon.App, store: Store) -> None:
    app.add_route("/_awsmock/auth", AuthSettings(store))


def install_auth(dispatcher: object, store: Store) -> None:
    """The access-control hook on ``dispatcher`` (and a fresh free-action count when the
    environment sets one)."""
    from awsmock.auth import enforcement

    enforcement.install(dispatcher)
    settings.on_startup(store)
