"""Kinesis in the dashboard: streams, their shards with lineage, and a peek at their records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import falcon.testing

from awsmock.api.app import AwsmockApp
from tests.dashboard.conftest import group


def test_streams_shards_and_records(app: AwsmockApp, inprocess_client: Callable[..., Any]) -> None:
    kinesis = inprocess_client("kinesis")
    kinesis.create_stream(StreamName="dash", ShardCount=1, Tags={"team": "a"})
    kinesis.put_records(StreamName="dash", Records=[{"Data": b"hello %d" % i, "PartitionKey": "p"} for i in range(3)])
    kinesis.split_shard(StreamName="dash", ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**127))
    web = falcon.testing.TestClient(app)
    listing = group(web.simulate_get("/_awsmock/dashboard/kinesis/resources").json, "streams")
    [row] = [r for r in listing["items"] if r["name"] == "dash"]
    assert row["tags"] == {"team": "a"} and row["arn"].endswith(":stream/dash")
    shards = web.simulate_get("/_awsmock/dashboard/kinesis/streams/dash/shards").json["items"]
    assert [(s["shard"], s["state"], s["parents"], s["records"]) for s in shards] == [
        ("shardId-000000000000", "closed", "", 3),
        ("shardId-000000000001", "open", "shardId-000000000000", 0),
        ("shardId-000000000002", "open", "shardId-000000000000", 0),
    ]
    page = web.simulate_get("/_awsmock/dashboard/kinesis/streams/dash/records", params={"limit": "2"}).json
    assert [r["data"] for r in page["items"]] == ["hello 0", "hello 1"]
    rest = web.simulate_get(
        "/_awsmock/dashboard/kinesis/streams/dash/records", params={"cursor": page["next_cursor"]}
    ).json
    assert [r["data"] for r in rest["items"]] == ["hello 2"] and rest["next_cursor"] is None
    assert web.simulate_get("/_awsmock/dashboard/kinesis/streams/nope/shards").status_code == 404
