"""``/`` is the dashboard for a browser and S3 ListBuckets for an SDK; the admin token guards the
JSON endpoints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import falcon.testing
import pytest

from awsmock.api.app import create_app
from awsmock.api.dashboard import wants_dashboard
from awsmock.engine.config import Config
from awsmock.state.store import Store

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_browser_gets_the_page(web: falcon.testing.TestClient) -> None:
    resp = web.simulate_get("/", headers={"Accept": BROWSER_ACCEPT})
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/html")
    assert "<title>awsmock dashboard</title>" in resp.text
    assert "script-src 'self'" in resp.headers["content-security-policy"]
    for asset, kind in (("app.js", "javascript"), ("app.css", "text/css")):
        static = web.simulate_get(f"/_awsmock/static/{asset}")
        assert static.status_code == 200
        assert kind in static.headers["content-type"]
    assert web.simulate_get("/_awsmock/static/../dashboard.py").status_code == 404


def test_an_sdk_on_the_same_url_gets_list_buckets(
    web: falcon.testing.TestClient, inprocess_client: Callable[..., Any]
) -> None:
    s3 = inprocess_client("s3")
    s3.create_bucket(Bucket="root-bucket")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["root-bucket"]
    # signed, even when it asks for HTML
    signed = web.simulate_get(
        "/",
        headers={
            "Accept": BROWSER_ACCEPT,
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, "
            "SignedHeaders=host, Signature=00",
        },
    )
    assert b"<ListAllMyBucketsResult" in signed.content
    # presigned
    presigned = web.simulate_get(
        "/",
        query_string="X-Amz-Credential=testing%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=00",
        headers={"Accept": BROWSER_ACCEPT},
    )
    assert b"<title>" not in presigned.content


@pytest.mark.parametrize(
    ("method", "path", "headers", "query", "expected"),
    [
        ("GET", "/", {"Accept": BROWSER_ACCEPT}, "", True),
        ("GET", "/", {"Accept": "text/html"}, "", True),
        ("GET", "/", {}, "", False),
        ("GET", "/", {"Accept": "*/*"}, "", False),
        ("GET", "/", {"Accept": BROWSER_ACCEPT, "Authorization": "AWS4-HMAC-SHA256 Credential=x"}, "", False),
        ("GET", "/", {"Accept": BROWSER_ACCEPT}, "X-Amz-Signature=abc", False),
        ("GET", "/", {"Accept": BROWSER_ACCEPT}, "AWSAccessKeyId=x&Signature=y", False),
        ("POST", "/", {"Accept": BROWSER_ACCEPT}, "", False),
        ("GET", "/some-bucket", {"Accept": BROWSER_ACCEPT}, "", False),
        ("GET", "/", {"Accept": BROWSER_ACCEPT, "Host": "my-bucket.s3.localhost:4566"}, "", False),
        ("GET", "/", {"Accept": BROWSER_ACCEPT, "Host": "localhost:4566"}, "", True),
    ],
)
def test_the_decision(method: str, path: str, headers: dict[str, str], query: str, expected: bool) -> None:
    headers = dict(headers)
    host = headers.pop("Host", "127.0.0.1")
    env = falcon.testing.create_environ(
        path=path, method=method, headers=headers, query_string=query, host=host
    )
    assert wants_dashboard(falcon.Request(env)) is expected


@pytest.fixture
def guarded(store: Store) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(create_app(Config(in_memory=True, admin_token="s3cret"), store))


def test_the_admin_token_guards_the_json_endpoints(guarded: falcon.testing.TestClient) -> None:
    for path in (
        "/_awsmock/dashboard/services",
        "/_awsmock/dashboard/s3/resources",
        "/_awsmock/dashboard/s3/buckets/x/objects",
        "/_awsmock/dashboard/s3/buckets/x/download",
    ):
        assert guarded.simulate_get(path).status_code == 401, path
    ok = guarded.simulate_get("/_awsmock/dashboard/services", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200
    # the page and its script are not secret: it asks for the token itself
    assert guarded.simulate_get("/", headers={"Accept": BROWSER_ACCEPT}).status_code == 200
    assert guarded.simulate_get("/_awsmock/static/app.js").status_code == 200
