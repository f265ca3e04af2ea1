"""The admin API under /_awsmock/ (in-process WSGI), as DESIGN.md's table fixes it."""

from __future__ import annotations

import falcon.testing
import pytest

from awsmock.api.app import create_app
from awsmock.engine.config import Config
from awsmock.state.store import head_revision


@pytest.fixture
def admin(app):
    return falcon.testing.TestClient(app)


@pytest.fixture
def s3(inprocess_client):
    return inprocess_client("s3")


def buckets(s3) -> list[str]:
    return sorted(b["Name"] for b in s3.list_buckets()["Buckets"])


def test_health(admin):
    r = admin.simulate_get("/_awsmock/health")
    assert r.status_code == 200
    body = r.json
    assert body["status"] == "ok"
    assert body["backend"] == "sqlite"
    assert body["schema_revision"] == head_revision()
    assert "s3" in body["services"] and "sqs" in body["services"]
    assert isinstance(body["version"], str)


def test_localstack_health_alias(admin):
    r = admin.simulate_get("/_localstack/health")
    assert r.status_code == 200
    assert r.json["services"]["s3"] == "available"


def test_reset_all_and_per_service(admin, s3, inprocess_client):
    sqs = inprocess_client("sqs")
    s3.create_bucket(Bucket="keep-or-not")
    sqs.create_queue(QueueName="q1")
    r = admin.simulate_post("/_awsmock/reset", params={"service": "s3"})
    assert r.status_code == 200 and r.json == {"reset": ["s3"]}
    assert buckets(s3) == []
    assert len(sqs.list_queues().get("QueueUrls", [])) == 1
    s3.create_bucket(Bucket="again")
    r = admin.simulate_post("/_awsmock/reset")
    assert r.status_code == 200 and {"s3", "sqs"} <= set(r.json["reset"])
    assert buckets(s3) == []
    assert sqs.list_queues().get("QueueUrls", []) == []


@pytest.mark.parametrize("path", ["/moto-api/reset", "/_localstack/state/reset"])
def test_reset_aliases(admin, s3, path):
    s3.create_bucket(Bucket="gone-soon")
    assert admin.simulate_post(path).status_code == 200
    assert buckets(s3) == []


def test_reset_of_an_unknown_service_is_400_and_changes_nothing(admin, s3):
    s3.create_bucket(Bucket="stays")
    r = admin.simulate_post("/_awsmock/reset", params={"service": "nope"})
    assert r.status_code == 400
    assert buckets(s3) == ["stays"]


def test_snapshot_lifecycle(admin, s3):
    s3.create_bucket(Bucket="before")
    r = admin.simulate_post("/_awsmock/snapshots", json={"name": "base"})
    assert r.status_code == 201
    assert admin.simulate_post("/_awsmock/snapshots", json={"name": "base"}).status_code == 409
    listed = admin.simulate_get("/_awsmock/snapshots").json["snapshots"]
    assert [s["name"] for s in listed] == ["base"]
    assert listed[0]["size_bytes"] > 0 and listed[0]["schema_revision"] == head_revision()
    assert listed[0]["created"]

    s3.create_bucket(Bucket="after")
    assert buckets(s3) == ["after", "before"]
    assert admin.simulate_post("/_awsmock/snapshots/base/restore").status_code == 200
    assert buckets(s3) == ["before"]

    exported = admin.simulate_get("/_awsmock/snapshots/base/export")
    assert exported.status_code == 200 and len(exported.content) > 0
    assert admin.simulate_put("/_awsmock/snapshots/copy", body=exported.content).status_code == 201
    assert admin.simulate_put("/_awsmock/snapshots/copy", body=exported.content).status_code == 409
    assert admin.simulate_delete("/_awsmock/snapshots/base").status_code == 204
    assert admin.simulate_delete("/_awsmock/snapshots/base").status_code == 404
    assert admin.simulate_post("/_awsmock/snapshots/base/restore").status_code == 404
    assert admin.simulate_get("/_awsmock/snapshots/base/export").status_code == 404
    assert [s["name"] for s in admin.simulate_get("/_awsmock/snapshots").json["snapshots"]] == ["copy"]


@pytest.mark.parametrize("name", ["", ".hidden", "a/b", "..", "x" * 65, "sp ace", "ü", "../../etc"])
def test_bad_snapshot_names_are_rejected(admin, name):
    r = admin.simulate_post("/_awsmock/snapshots", json={"name": name})
    assert r.status_code == 400
    assert admin.simulate_get("/_awsmock/snapshots").json["snapshots"] == []


@pytest.mark.parametrize("path", ["/_awsmock/snapshots/..%2F..%2Fescape", "/_awsmock/snapshots/.x"])
def test_snapshot_names_in_paths_cannot_escape(admin, path):
    r = admin.simulate_put(path, body=b"SQLite format 3\x00" + b"\x00" * 100)
    assert r.status_code in (400, 404)


def test_snapshot_post_with_a_body_that_is_not_json(admin):
    assert admin.simulate_post("/_awsmock/snapshots", body=b"{nope").status_code == 400
    assert admin.simulate_post("/_awsmock/snapshots", body=b"[1]").status_code == 400


@pytest.mark.parametrize("body", [b"garbage", b"SQLite format 3\x00" + b"\x01" * 4096, b"\x00" * 10])
def test_garbage_imports_are_400_and_change_nothing(admin, body):
    r = admin.simulate_put("/_awsmock/snapshots/bad", body=body)
    assert r.status_code == 400
    assert admin.simulate_get("/_awsmock/snapshots").json["snapshots"] == []


def test_admin_token_protects_admin_paths(store):
    app = create_app(Config(in_memory=True, admin_token="s3cret"), store)
    client = falcon.testing.TestClient(app)
    assert client.simulate_get("/_awsmock/health").status_code == 401
    assert client.simulate_post("/moto-api/reset").status_code == 401
    ok = client.simulate_get("/_awsmock/health", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200
