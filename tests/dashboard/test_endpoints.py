"""The dashboard's JSON endpoints, against resources created with boto3 in-process."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import falcon.testing
import pytest

from awsmock.engine import inventory
from awsmock.engine.inventory import Column, Page, Query
from tests.dashboard.conftest import group, names

Web = falcon.testing.TestClient

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def walk(web: Web, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every row of a view, following cursors page by page."""
    rows: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):
        resp = web.simulate_get(path, params={**params, **({"cursor": cursor} if cursor else {})})
        assert resp.status_code == 200, resp.text
        rows += resp.json["items"]
        cursor = resp.json["next_cursor"]
        if not cursor:
            return rows
    raise AssertionError("too many pages")


# -- services ---------------------------------------------------------------------------------


def test_services_lists_every_provider_with_its_kinds(web: Web, inprocess_client: Callable[..., Any]) -> None:
    inprocess_client("s3", region="eu-west-1").create_bucket(
        Bucket="svc-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    body = web.simulate_get("/_awsmock/dashboard/services").json
    by_name = {s["service"]: s for s in body["services"]}
    assert {"s3", "sqs", "dynamodb", "iam"} <= set(by_name)
    assert by_name["s3"]["title"] == "S3"
    s3_kinds = {k["kind"]: k for k in by_name["s3"]["kinds"]}
    assert [v["view"] for v in s3_kinds["buckets"]["views"]] == ["objects"]
    assert s3_kinds["buckets"]["download"] is True
    assert s3_kinds["buckets"]["views"][0]["folders"] is True  # the page walks its keys by prefix
    assert {k["kind"] for k in by_name["iam"]["kinds"]} >= {"users", "roles", "policies"}
    assert "123456789012" in body["accounts"]
    assert "eu-west-1" in body["regions"]
    # listings of the shared store's kinds are named in English plurals, as a reader types them
    assert {k["kind"] for k in by_name["kms"]["kinds"]} >= {"keys", "aliases"}
    assert "deliveries" in {k["kind"] for k in by_name["logs"]["kinds"]}


def test_unknown_service_and_bad_cursor(web: Web) -> None:
    assert web.simulate_get("/_awsmock/dashboard/nosuch/resources").status_code == 404
    resp = web.simulate_get("/_awsmock/dashboard/s3/resources", params={"kind": "buckets", "cursor": "!!!"})
    assert resp.status_code == 400
    assert web.simulate_get("/_awsmock/dashboard/s3/resources", params={"kind": "nope"}).status_code == 404


# -- S3 ---------------------------------------------------------------------------------------


def test_buckets_with_object_counts_sizes_and_tags(web: Web, inprocess_client: Callable[..., Any]) -> None:
    s3 = inprocess_client("s3")
    s3.create_bucket(Bucket="alpha-bucket")
    s3.create_bucket(Bucket="beta-bucket")
    s3.put_object(Bucket="alpha-bucket", Key="one", Body=b"12345")
    s3.put_object(Bucket="alpha-bucket", Key="two", Body=b"123")
    s3.put_bucket_tagging(Bucket="alpha-bucket", Tagging={"TagSet": [{"Key": "team", "Value": "<b>web</b>"}]})
    listing = group(web.simulate_get("/_awsmock/dashboard/s3/resources").json, "buckets")
    assert listing["error"] is None
    rows = {r["name"]: r for r in listing["items"]}
    assert rows["alpha-bucket"]["objects"] == 2
    assert rows["alpha-bucket"]["size"] == 8
    assert rows["alpha-bucket"]["region"] == "us-east-1"
    assert rows["alpha-bucket"]["account"] == "123456789012"
    assert rows["alpha-bucket"]["tags"] == {"team": "<b>web</b>"}
    assert rows["beta-bucket"]["objects"] == 0
    searched = web.simulate_get("/_awsmock/dashboard/s3/resources", params={"q": "ALPHA"}).json
    assert names(group(searched, "buckets")) == ["alpha-bucket"]
    other = web.simulate_get("/_awsmock/dashboard/s3/resources", params={"account": "111111111111"}).json
    assert names(group(other, "buckets")) == []
    elsewhere = web.simulate_get("/_awsmock/dashboard/s3/resources", params={"region": "eu-west-1"}).json
    assert names(group(elsewhere, "buckets")) == []


def test_buckets_page_with_a_cursor(web: Web, inprocess_client: Callable[..., Any]) -> None:
    s3 = inprocess_client("s3")
    created = [f"page-bucket-{i:02d}" for i in range(7)]
    for name in created:
        s3.create_bucket(Bucket=name)
    seen: list[str] = []
    cursor = None
    while True:
        params = {"kind": "buckets", "limit": "3", **({"cursor": cursor} if cursor else {})}
        listing = group(web.simulate_get("/_awsmock/dashboard/s3/resources", params=params).json, "buckets")
        assert len(listing["items"]) <= 3
        seen += names(listing)
        cursor = listing["next_cursor"]
        if not cursor:
            break
    assert seen == created


def test_page_size_is_capped_at_100(web: Web, inprocess_client: Callable[..., Any]) -> None:
    s3 = inprocess_client("s3")
    s3.create_bucket(Bucket="big-bucket")
    for i in range(105):
        s3.put_object(Bucket="big-bucket", Key=f"k{i:03d}", Body=b"")
    first = web.simulate_get(
        "/_awsmock/dashboard/s3/buckets/big-bucket/objects", params={"limit": "500"}
    ).json
    assert len(first["items"]) == 100
    assert first["next_cursor"]
    rows = walk(web, "/_awsmock/dashboard/s3/buckets/big-bucket/objects", limit="40")
    assert [r["key"] for r in rows] == [f"k{i:03d}" for i in range(105)]


def test_objects_browse_by_prefix_and_search(web: Web, inprocess_client: Callable[..., Any]) -> None:
    s3 = inprocess_client("s3")
    s3.create_bucket(Bucket="tree-bucket")
    for key in [
        "a.txt",
        "docs/readme.md",
        "docs/img/logo.png",
        "docs/img/photo.jpg",
        "logs/2024/01.log",
        "z.txt",
        "<script>alert(1)</script>",
    ]:
        s3.put_object(Bucket="tree-bucket", Key=key, Body=b"data")
    path = "/_awsmock/dashboard/s3/buckets/tree-bucket/objects"
    top = walk(web, path)
    assert [(r["type"], r["key"]) for r in top] == [
        ("prefix", "<script>alert(1)</"),
        ("object", "a.txt"),
        ("prefix", "docs/"),
        ("prefix", "logs/"),
        ("object", "z.txt"),
    ]
    # one row per page walks the same listing
    assert walk(web, path, limit="1") == top
    docs = walk(web, path, prefix="docs/")
    assert [(r["type"], r["key"]) for r in docs] == [("prefix", "docs/img/"), ("object", "docs/readme.md")]
    assert docs[1]["size"] == 4
    assert [r["key"] for r in walk(web, path, prefix="docs/img/", limit="1")] == [
        "docs/img/logo.png",
        "docs/img/photo.jpg",
    ]
    # a search lists matching objects under the prefix, without folders
    assert [r["key"] for r in walk(web, path, q="PHOTO")] == ["docs/img/photo.jpg"]
    assert [r["key"] for r in walk(web, path, q="script")] == ["<script>alert(1)</script>"]
    assert web.simulate_get("/_awsmock/dashboard/s3/buckets/no-such-bucket/objects").status_code == 404


def test_object_download(web: Web, inprocess_client: Callable[..., Any]) -> None:
    s3 = inprocess_client("s3")
    s3.create_bucket(Bucket="dl-bucket")
    body = bytes(range(256)) * 9000  # > 2 MiB: several chunks
    s3.put_object(Bucket="dl-bucket", Key="dir/data.bin", Body=body, ContentType="application/x-test")
    s3.put_object(
        Bucket="dl-bucket", Key="page.html", Body=b"<script>alert(1)</script>", ContentType="text/html"
    )
    resp = web.simulate_get(
        "/_awsmock/dashboard/s3/buckets/dl-bucket/download", params={"key": "dir/data.bin"}
    )
    assert resp.status_code == 200
    assert resp.content == body
    assert resp.headers["content-type"] == "application/x-test"
    assert resp.headers["content-disposition"].startswith("attachment")
    assert "data.bin" in resp.headers["content-disposition"]
    html = web.simulate_get("/_awsmock/dashboard/s3/buckets/dl-bucket/download", params={"key": "page.html"})
    assert html.headers["content-disposition"].startswith("attachment")  # never rendered inline
    assert html.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in html.headers["content-security-policy"]
    missing = web.simulate_get("/_awsmock/dashboard/s3/buckets/dl-bucket/download", params={"key": "nope"})
    assert missing.status_code == 404


# -- SQS --------------------------------------------------------------------------------------


def test_queues_with_message_counts(web: Web, inprocess_client: Callable[..., Any]) -> None:
    sqs = inprocess_client("sqs")
    url = sqs.create_queue(QueueName="orders", tags={"env": "test"})["QueueUrl"]
    sqs.create_queue(QueueName="empty-queue")
    sqs.create_queue(QueueName="events.fifo", Attributes={"FifoQueue": "true"})
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"message {i}")
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=900)
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=600)
    listing = group(web.simulate_get("/_awsmock/dashboard/sqs/resources").json, "queues")
    rows = {r["name"]: r for r in listing["items"]}
    assert set(rows) == {"orders", "empty-queue", "events.fifo"}
    assert (rows["orders"]["messages"], rows["orders"]["in_flight"], rows["orders"]["delayed"]) == (2, 1, 1)
    assert rows["orders"]["tags"] == {"env": "test"}
    assert rows["events.fifo"]["fifo"] == "yes"
    assert rows["empty-queue"]["messages"] == 0
    assert names(
        group(web.simulate_get("/_awsmock/dashboard/sqs/resources", params={"q": "ord"}).json, "queues")
    ) == ["orders"]
    messages = walk(web, "/_awsmock/dashboard/sqs/queues/orders/messages", limit="2")
    assert sorted(m["body"] for m in messages) == ["later", "message 0", "message 1", "message 2"]
    assert sorted(m["state"] for m in messages) == ["delayed", "in flight", "visible", "visible"]


def test_queues_are_scoped_by_region(web: Web, inprocess_client: Callable[..., Any]) -> None:
    inprocess_client("sqs", region="eu-west-1").create_queue(QueueName="eu-queue")
    inprocess_client("sqs").create_queue(QueueName="us-queue")
    eu = web.simulate_get("/_awsmock/dashboard/sqs/resources", params={"region": "eu-west-1"}).json
    assert names(group(eu, "queues")) == ["eu-queue"]


# -- DynamoDB ---------------------------------------------------------------------------------


def _table(ddb: Any, name: str, sort: bool = False) -> None:
    keys = [{"AttributeName": "pk", "KeyType": "HASH"}] + (
        [{"AttributeName": "sk", "KeyType": "RANGE"}] if sort else []
    )
    attrs = [{"AttributeName": "pk", "AttributeType": "S"}] + (
        [{"AttributeName": "sk", "AttributeType": "N"}] if sort else []
    )
    ddb.create_table(
        TableName=name, KeySchema=keys, AttributeDefinitions=attrs, BillingMode="PAY_PER_REQUEST"
    )


def test_tables_with_item_counts_and_paged_items(web: Web, inprocess_client: Callable[..., Any]) -> None:
    ddb = inprocess_client("dynamodb")
    _table(ddb, "events", sort=True)
    _table(ddb, "users")
    for i in range(23):
        ddb.put_item(
            TableName="events",
            Item={
                "pk": {"S": f"user{i % 4}"},
                "sk": {"N": str(i)},
                "note": {"S": f"<i>{i}</i>"},
                "tags": {"SS": ["a", "b"]},
            },
        )
    listing = group(web.simulate_get("/_awsmock/dashboard/dynamodb/resources").json, "tables")
    rows = {r["name"]: r for r in listing["items"]}
    assert rows["events"]["items"] == 23
    assert rows["events"]["size"] > 0
    assert rows["users"]["items"] == 0
    assert "pk" in rows["events"]["key"] and "sk" in rows["events"]["key"]
    items = walk(web, "/_awsmock/dashboard/dynamodb/tables/events/items", limit="5")
    assert len(items) == 23
    assert sorted(int(r["item"]["sk"]) for r in items) == list(range(23))
    assert {r["item"]["note"] for r in items} == {f"<i>{i}</i>" for i in range(23)}
    assert sorted(items[0]["item"]["tags"]) == ["a", "b"]
    assert all(r["key"].startswith("pk=user") for r in items)
    found = walk(web, "/_awsmock/dashboard/dynamodb/tables/events/items", q="<i>17</i>")
    assert [r["item"]["sk"] for r in found] == ["17"]
    assert web.simulate_get("/_awsmock/dashboard/dynamodb/tables/nope/items").status_code == 404


# -- IAM --------------------------------------------------------------------------------------


def test_iam_users_roles_policies(web: Web, inprocess_client: Callable[..., Any]) -> None:
    iam = inprocess_client("iam")
    iam.create_user(UserName="alice", Tags=[{"Key": "dept", "Value": "eng"}])
    iam.create_user(UserName="bob")
    iam.create_role(RoleName="lambda-exec", AssumeRolePolicyDocument=TRUST, Description="runs lambdas")
    doc = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    )
    arn = iam.create_policy(PolicyName="s3-all", PolicyDocument=doc)["Policy"]["Arn"]
    iam.attach_user_policy(UserName="alice", PolicyArn=arn)
    body = web.simulate_get("/_awsmock/dashboard/iam/resources").json
    users = {r["name"]: r for r in group(body, "users")["items"]}
    assert set(users) == {"alice", "bob"}
    assert users["alice"]["tags"] == {"dept": "eng"}
    assert users["alice"]["policies"] == 1
    roles = group(body, "roles")["items"]
    assert [r["name"] for r in roles] == ["lambda-exec"]
    assert roles[0]["description"] == "runs lambdas"
    assert roles[0]["trust_policy"]["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    policies = group(body, "policies")["items"]
    assert [(p["name"], p["attachments"]) for p in policies] == [("s3-all", 1)]
    only_bob = web.simulate_get("/_awsmock/dashboard/iam/resources", params={"kind": "users", "q": "bo"}).json
    assert names(group(only_bob, "users")) == ["bob"]


# -- a broken provider ------------------------------------------------------------------------


@pytest.fixture
def broken_provider() -> Any:
    inventory.load_all()

    def boom(session: Any, query: Query) -> Page:
        raise RuntimeError("provider exploded")

    inventory.resources("zz-broken", "things", title="Things", columns=[Column("name", "Name")])(boom)
    yield
    inventory._KINDS.pop("zz-broken", None)


def test_a_failing_provider_is_an_error_row(web: Web, broken_provider: Any) -> None:
    resp = web.simulate_get("/_awsmock/dashboard/zz-broken/resources")
    assert resp.status_code == 200
    assert "provider exploded" in group(resp.json, "things")["error"]
    assert web.simulate_get("/_awsmock/dashboard/services").status_code == 200


# -- snapshots drive the same state -------------------------------------------------------------


def test_restore_changes_what_the_dashboard_lists(web: Web, inprocess_client: Callable[..., Any]) -> None:
    s3 = inprocess_client("s3")
    s3.create_bucket(Bucket="kept-bucket")
    assert web.simulate_post("/_awsmock/snapshots", json={"name": "before"}).status_code == 201
    s3.create_bucket(Bucket="later-bucket")
    listed = group(web.simulate_get("/_awsmock/dashboard/s3/resources").json, "buckets")
    assert names(listed) == ["kept-bucket", "later-bucket"]
    assert web.simulate_post("/_awsmock/snapshots/before/restore").status_code == 200
    listed = group(web.simulate_get("/_awsmock/dashboard/s3/resources").json, "buckets")
    assert names(listed) == ["kept-bucket"]
