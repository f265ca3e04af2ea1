"""Hostile input to the dashboard: every endpoint answers malformed input with a 400 or 404 JSON
error, and no answer ever shows SQL or a traceback (issue #22)."""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import falcon.testing
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from awsmock.api.app import create_app
from awsmock.engine import inventory
from awsmock.engine.config import Config
from awsmock.engine.inventory import Column, Page
from awsmock.state.store import Store
from tests.helpers import inprocess_client_factory

Web = falcon.testing.TestClient

#: what an answer shows when a database error or a traceback leaks
LEAKS = ("SELECT", "[SQL", "sqlite3", "psycopg", "Traceback", "OperationalError", "ProgrammingError")

GROUPS = {  # (service, kind) listed by /resources?kind=
    "s3 buckets": ("s3", "buckets"),
    "sqs queues": ("sqs", "queues"),
    "dynamodb tables": ("dynamodb", "tables"),
    "iam users": ("iam", "users"),
    "iam roles": ("iam", "roles"),
}
VIEWS = {  # a view inside one resource
    "s3 objects": "/_awsmock/dashboard/s3/buckets/hostile-bucket/objects",
    "sqs messages": "/_awsmock/dashboard/sqs/queues/hostile-queue/messages",
    "dynamodb items": "/_awsmock/dashboard/dynamodb/tables/hostile-table/items",
}


TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def cursor(position: Any) -> str:
    """A cursor a client made up, encoded as the dashboard encodes its own."""
    raw = json.dumps(position).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _fill(app: Any) -> None:
    client = inprocess_client_factory(app)
    s3 = client("s3")
    s3.create_bucket(Bucket="hostile-bucket")
    s3.create_bucket(Bucket="hostile-bucket-2")
    for key in ("a", "b", "c"):
        s3.put_object(Bucket="hostile-bucket", Key=key, Body=b"x")
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="hostile-queue")["QueueUrl"]
    sqs.create_queue(QueueName="hostile-queue-2")
    for body in ("one", "two", "three"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    ddb = client("dynamodb")
    for name in ("hostile-table", "hostile-table-2"):
        ddb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    for pk in ("p1", "p2", "p3"):
        ddb.put_item(TableName="hostile-table", Item={"pk": {"S": pk}})
    iam = client("iam")
    for user in ("hostile-1", "hostile-2"):
        iam.create_user(UserName=user)
    for role in ("hostile-r1", "hostile-r2"):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)


@pytest.fixture(scope="module")
def web() -> Iterator[Web]:
    store = Store("sqlite://")
    app = create_app(Config(in_memory=True), store)
    _fill(app)
    yield falcon.testing.TestClient(app)
    store.dispose()


def assert_clean(resp: Any) -> None:
    """A JSON answer below 500 that shows no SQL and no traceback."""
    assert resp.status_code < 500, (resp.status_code, resp.text[:300])
    assert isinstance(resp.json, dict), resp.text[:300]
    for leak in LEAKS:
        assert leak not in resp.text, (leak, resp.text[:300])


def listing(web: Web, name: str, **params: str) -> Any:
    if name in GROUPS:
        service, kind = GROUPS[name]
        return web.simulate_get(f"/_awsmock/dashboard/{service}/resources", params={"kind": kind, **params})
    return web.simulate_get(VIEWS[name], params=params)


BAD_POSITIONS = [
    {"k": 1},
    [[1]],
    [],
    "x",
    2**70,
    -(2**70),
    [2**70, "a", "00"],
    ["a", "b", "zz"],
    [1, {"k": 2}, None],
    1.5,
    True,
    "\x00",
]


@pytest.mark.parametrize("name", [*GROUPS, *VIEWS])
def test_a_made_up_cursor_is_a_400_or_a_page_never_a_500(web: Web, name: str) -> None:
    first = listing(web, name, limit="1")
    assert first.status_code == 200
    real = first.json["next_cursor"] if name in VIEWS else first.json["groups"][0]["next_cursor"]
    assert real, "the listing has a second page"
    assert listing(web, name, limit="1", cursor=real).status_code == 200  # its own cursors work
    for position in BAD_POSITIONS:
        resp = listing(web, name, limit="1", cursor=cursor(position))
        assert_clean(resp)
        if resp.status_code != 200:
            assert resp.status_code == 400, (position, resp.text)
            assert resp.json["title"].startswith("invalid cursor"), resp.json
        elif name in GROUPS:  # a position a provider could use: a page, never an error row
            assert resp.json["groups"][0]["error"] is None, (position, resp.json["groups"][0]["error"])


@pytest.mark.parametrize(
    ("name", "position"),
    [
        ("s3 objects", {"k": 1}),  # was a 500 showing the SELECT
        ("s3 objects", [1]),
        ("dynamodb items", "abc"),  # was a 500 (ValueError)
        ("dynamodb items", [2**70, "a", "00"]),  # was a 500 (OverflowError)
        ("sqs messages", "x"),
        ("sqs queues", "x"),  # was a 200 whose error row showed the ValueError
        ("sqs queues", 2**70),
        ("iam users", [1, 2]),
        ("dynamodb tables", {"k": 1}),
    ],
)
def test_cursors_of_the_wrong_shape_are_refused(web: Web, name: str, position: Any) -> None:
    resp = listing(web, name, cursor=cursor(position))
    assert resp.status_code == 400, resp.text[:300]
    assert resp.json == {"title": "invalid cursor: it does not belong to this listing"}


@pytest.mark.parametrize(
    "raw", ["!!!", "e30", "x" * 40_000, "ü", base64.urlsafe_b64encode(b"[" * 5000).decode()]
)
def test_cursors_that_are_not_ours_are_refused(web: Web, raw: str) -> None:
    for name in ("s3 buckets", "s3 objects"):
        resp = listing(web, name, cursor=raw)
        assert_clean(resp)
        assert resp.status_code in (200, 400), resp.text[:300]  # ("e30" is {}: a position, of no use)


def test_a_search_text_longer_than_any_name_is_a_400(web: Web) -> None:
    longest = "%_" * (inventory.MAX_SEARCH // 2)  # wildcards are searched for literally
    for name in ("s3 buckets", "sqs queues", "s3 objects", "sqs messages", "dynamodb items"):
        resp = listing(web, name, q="x" * 100_000)
        assert resp.status_code == 400, (name, resp.text[:300])
        assert resp.json == {"title": "the search text is too long: at most 1,024 characters"}
        fits = listing(web, name, q=longest)
        assert fits.status_code == 200, (name, fits.text[:300])
        items = fits.json["items"] if name in VIEWS else fits.json["groups"][0]["items"]
        assert items == []
    everything = web.simulate_get("/_awsmock/dashboard/s3/resources", params={"q": "y" * 1025})
    assert everything.status_code == 400


@pytest.mark.parametrize("param", ["q", "account", "region", "prefix"])
def test_a_nul_character_is_a_400_on_every_backend(web: Web, param: str) -> None:
    resp = listing(web, "s3 objects", **{param: "a\x00b"})
    assert resp.status_code == 400, resp.text[:300]
    assert "NUL" in resp.json["title"]


def test_names_and_keys_with_a_nul_character_are_refused(web: Web) -> None:
    for path in (
        "/_awsmock/dashboard/s3/buckets/a%00b/objects",
        "/_awsmock/dashboard/s3/buckets/a%00b/download",
    ):
        assert web.simulate_get(path, params={"key": "k"}).status_code == 400
    resp = web.simulate_get("/_awsmock/dashboard/s3/buckets/hostile-bucket/download", params={"key": "a\x00"})
    assert resp.status_code == 400


@pytest.mark.parametrize(
    "name",
    ["a" * 300 + ".js", "a" * 5000 + ".css", "a%00.js", "%2e%2e", ".hidden.js", "index.py", "app.js%00"],
)
def test_static_files_are_only_the_pages_own(web: Web, name: str) -> None:
    resp = web.simulate_get("/_awsmock/static/" + name)
    assert resp.status_code == 404, resp.text[:300]
    assert resp.json == {"title": "not found"}
    # (a name with a slash leaves the dashboard's routes: S3 answers it, a bucket that is not there)
    assert web.simulate_get("/_awsmock/static/..%2Fdashboard.py").status_code == 404


def test_the_pages_own_static_files_are_served(web: Web) -> None:
    for name, kind in (("app.js", "text/javascript"), ("app.css", "text/css"), ("index.html", "text/html")):
        resp = web.simulate_get("/_awsmock/static/" + name)
        assert resp.status_code == 200 and resp.headers["content-type"].startswith(kind)


@pytest.mark.parametrize("limit", ["0", "-1", "abc", "1e3", "9" * 5000])
def test_a_limit_that_is_not_a_positive_integer_is_a_400(web: Web, limit: str) -> None:
    resp = listing(web, "s3 objects", limit=limit)
    assert resp.status_code == 400
    assert_clean(resp)


@pytest.fixture
def database_failure() -> Iterator[None]:
    """A listing and a view whose provider fails in the database (SQL text in the error)."""
    inventory.load_all()

    def failing(session: Any, *args: Any) -> Page:
        session.execute(text("SELECT secret_column FROM no_such_table"))
        return Page([])

    inventory.resources("zz-failing", "things", title="Things", columns=[Column("name", "Name")])(failing)
    inventory.view("zz-failing", "things", "parts", title="Parts", columns=[Column("name", "Name")])(failing)
    yield
    inventory._KINDS.pop("zz-failing", None)


def test_a_database_failure_shows_no_sql(web: Web, database_failure: None) -> None:
    listed = web.simulate_get("/_awsmock/dashboard/zz-failing/resources")
    assert listed.status_code == 200
    row = listed.json["groups"][0]["error"]
    assert row == "a database error (the server's log has the details)"
    viewed = web.simulate_get("/_awsmock/dashboard/zz-failing/things/one/parts")
    assert viewed.status_code == 500
    assert viewed.json == {
        "title": "cannot list the parts of 'one': a database error (the server's log has the details)"
    }
    for resp in (listed, viewed):
        assert "secret_column" not in resp.text and "no_such_table" not in resp.text


ENDPOINTS = [
    "/_awsmock/dashboard/services",
    "/_awsmock/dashboard/{s}/resources",
    "/_awsmock/dashboard/s3/buckets/{n}/objects",
    "/_awsmock/dashboard/s3/buckets/{n}/download",
    "/_awsmock/dashboard/sqs/queues/{n}/messages",
    "/_awsmock/dashboard/dynamodb/tables/{n}/items",
    "/_awsmock/dashboard/{s}/{k}/{n}/{v}",
    "/_awsmock/static/{n}",
]
json_positions = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


def test_random_dashboard_requests_get_clean_answers(web: Web) -> None:
    """Hypothesis over every endpoint: made-up cursors, search texts, limits, scopes, names."""

    @settings(
        max_examples=120,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        path=st.sampled_from(ENDPOINTS),
        parts=st.fixed_dictionaries(
            {
                "s": st.sampled_from(["s3", "sqs", "dynamodb", "iam", "nope", ""]),
                "k": st.sampled_from(["buckets", "queues", "tables", "users", "x"]),
                "n": st.one_of(
                    st.sampled_from(["hostile-bucket", "hostile-queue", "hostile-table", "app.js"]),
                    st.text(min_size=1, max_size=300),
                ),
                "v": st.sampled_from(["objects", "messages", "items", "nope"]),
            }
        ),
        params=st.dictionaries(
            st.sampled_from(["cursor", "q", "limit", "account", "region", "prefix", "key", "kind"]),
            st.one_of(
                st.text(max_size=40),
                st.text(min_size=1000, max_size=1100),
                st.integers(min_value=1025, max_value=100_000).map(lambda n: "%" * n),
                json_positions.map(cursor),
                st.sampled_from(BAD_POSITIONS).map(cursor),
                st.sampled_from(["buckets", "queues", "1", "0", "123456789012", "us-east-1"]),
            ),
            max_size=4,
        ),
    )
    def run(path: str, parts: dict[str, str], params: dict[str, str]) -> None:
        url = path.format(**{k: quote(v, safe="") for k, v in parts.items()})
        resp = web.simulate_get(url, params=params)
        if resp.status_code == 200 and url.startswith("/_awsmock/static/"):
            return  # one of the page's files
        if url.endswith("/download") and resp.status_code == 200:
            return  # an object's bytes
        if resp.text.startswith("<"):  # a name with a slash leaves the dashboard's routes: S3's
            assert resp.status_code < 500 and ET.fromstring(resp.text).tag == "Error", resp.text[:300]
            return
        assert_clean(resp)

    run()


@pytest.mark.postgres
def test_made_up_cursors_and_nul_characters_on_postgresql(pg_store: Store) -> None:
    """PostgreSQL refuses what SQLite lets through (a number compared with a key, a NUL in a
    string): the same 400s, never a 500 with its error text."""
    app = create_app(Config(database_url=pg_store.url), pg_store)
    client = inprocess_client_factory(app)
    s3 = client("s3")
    s3.create_bucket(Bucket="pg-hostile-bucket")
    for key in ("a", "b"):
        s3.put_object(Bucket="pg-hostile-bucket", Key=key, Body=b"x")
    web = falcon.testing.TestClient(app)
    path = "/_awsmock/dashboard/s3/buckets/pg-hostile-bucket/objects"
    assert web.simulate_get(path, params={"limit": "1"}).json["next_cursor"]
    for position in (5, 1.5, True, {"k": 1}, [1]):  # SQLite compares a number with a key; PostgreSQL refuses
        resp = web.simulate_get(path, params={"cursor": cursor(position)})
        assert_clean(resp)
        assert resp.status_code in (200, 400), (position, resp.text[:300])
    assert web.simulate_get(path, params={"cursor": cursor({"k": 1})}).status_code == 400
    for params in ({"q": "a\x00"}, {"prefix": "a\x00"}, {"account": "\x00"}):
        resp = web.simulate_get(path, params=params)
        assert resp.status_code == 400, (params, resp.text[:300])
    queues = web.simulate_get(
        "/_awsmock/dashboard/sqs/resources", params={"kind": "queues", "cursor": cursor(2**70)}
    )
    assert queues.status_code == 400, queues.text[:300]
    assert web.simulate_get("/_awsmock/dashboard/s3/buckets/a%00/objects").status_code == 400
