"""The URL of this awsmock that a function's own SDK calls reach: the server's address when a
server serves the state (``Store.served_url``); in-process (``mock_aws``, no server), a server
on a background thread of this process serving the same state, which the in-process face starts
once per state (``Store.serve_locally``) and stops before the state closes."""

from __future__ import annotations

from typing import Any

#: where a function is sent when nothing serves its state (the default server address)
FALLBACK = "http://127.0.0.1:4566"


def aws_endpoint(store: Any) -> str:
    if store.served_url:
        return str(store.served_url)
    start = type(store).serve_locally
    if start is None:
        return FALLBACK
    return str(start(store))
