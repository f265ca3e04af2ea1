"""Queue tags as clients see them: SQS's quotas and its answers, tags that belong to one queue
(and go with it), and tags through the dashboard, snapshots and reset."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import falcon.testing
import pytest
from botocore.exceptions import ClientError

import awsmock
from awsmock.api.app import AwsmockApp


def _refused(call: Callable[..., Any], **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def _tags(sqs: Any, url: str) -> dict[str, str]:
    return sqs.list_queue_tags(QueueUrl=url).get("Tags", {})


def test_fifty_tags_a_queue_and_sqs_answer_to_more(sqs: Any) -> None:
    fifty = {f"key-{i}": str(i) for i in range(50)}
    url = sqs.create_queue(QueueName="full", tags=fifty)["QueueUrl"]
    assert _refused(sqs.tag_queue, QueueUrl=url, Tags={"one-more": "x"}) == (
        "InvalidParameterValue",
        "Too many tags added for queue full.",
    )
    sqs.tag_queue(QueueUrl=url, Tags={"key-0": "new"})  # a new value for a key it has: still 50
    assert _tags(sqs, url) == {**fifty, "key-0": "new"}
    too_many = {f"key-{i}": "v" for i in range(51)}
    assert _refused(sqs.create_queue, QueueName="crowded", tags=too_many) == (
        "InvalidParameterValue",
        "Too many tags added for queue crowded.",
    )
    assert _refused(sqs.get_queue_url, QueueName="crowded")[0] == "AWS.SimpleQueueService.NonExistentQueue"


def test_a_queue_made_again_has_none_of_the_old_queues_tags(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="again", tags={"team": "a"})["QueueUrl"]
    sqs.tag_queue(QueueUrl=url, Tags={"cost": "1"})
    sqs.delete_queue(QueueUrl=url)
    url = sqs.create_queue(QueueName="again")["QueueUrl"]
    assert "Tags" not in sqs.list_queue_tags(QueueUrl=url)
    sqs.delete_queue(QueueUrl=url)
    url = sqs.create_queue(QueueName="again", tags={"team": "b"})["QueueUrl"]
    assert _tags(sqs, url) == {"team": "b"}


def test_tags_belong_to_one_queue_of_one_account_and_region(inprocess_client: Callable[..., Any]) -> None:
    clients = {
        "here": inprocess_client("sqs"),
        "other region": inprocess_client("sqs", region="eu-west-1"),
        "other account": inprocess_client("sqs", aws_access_key_id="111122223333"),
    }
    urls = {
        where: c.create_queue(QueueName="same", tags={"where": where})["QueueUrl"]
        for where, c in clients.items()
    }
    clients["here"].create_queue(QueueName="untagged")
    clients["here"].tag_queue(QueueUrl=urls["here"], Tags={"more": "yes"})
    clients["other region"].untag_queue(QueueUrl=urls["other region"], TagKeys=["where"])
    clients["other account"].delete_queue(QueueUrl=urls["other account"])
    assert _tags(clients["here"], urls["here"]) == {"where": "here", "more": "yes"}
    assert _tags(clients["other region"], urls["other region"]) == {}
    untagged = clients["here"].get_queue_url(QueueName="untagged")["QueueUrl"]
    assert "Tags" not in clients["here"].list_queue_tags(QueueUrl=untagged)


def test_tag_keys_and_values_keep_to_sqs_documented_quotas(inprocess_client: Callable[..., Any]) -> None:
    """The quotas page of SQS's guide: a key of 1 to 128 characters, never starting with ``aws:``;
    a value of up to 256 characters."""
    sqs = inprocess_client("sqs")
    url = sqs.create_queue(QueueName="quotas")["QueueUrl"]
    longest = {"k" * 128: "v" * 256}
    sqs.tag_queue(QueueUrl=url, Tags=longest)
    for bad in ({"": "v"}, {"k" * 129: "v"}, {"k": "v" * 257}, {"aws:owner": "me"}, {"AWS:owner": "me"}):
        code, message = _refused(sqs.tag_queue, QueueUrl=url, Tags={"fine": "x", **bad})
        assert code == "InvalidParameterValue" and message, bad
        code, _ = _refused(sqs.create_queue, QueueName="refused", tags=bad)
        assert code == "InvalidParameterValue", bad
    assert _tags(sqs, url) == longest  # nothing of a refused request stays
    assert _refused(sqs.get_queue_url, QueueName="refused")[0] == "AWS.SimpleQueueService.NonExistentQueue"
    assert _refused(sqs.tag_queue, QueueUrl=url, Tags={"aws:owner": "me"})[1] == (
        "Value aws:owner for parameter Tag.Key is invalid. "
        "Reason: Tag keys must not start with the reserved prefix aws:."
    )


def test_tags_of_a_queue_that_is_gone(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="gone", tags={"a": "1"})["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    for call, params in (
        (sqs.list_queue_tags, {}),
        (sqs.tag_queue, {"Tags": {"b": "2"}}),
        (sqs.untag_queue, {"TagKeys": ["a"]}),
    ):
        assert _refused(call, QueueUrl=url, **params) == (
            "AWS.SimpleQueueService.NonExistentQueue",
            "The specified queue does not exist.",
        )


def test_the_dashboard_lists_each_queue_with_its_own_tags(
    app: AwsmockApp, inprocess_client: Callable[..., Any]
) -> None:
    sqs = inprocess_client("sqs")
    web = falcon.testing.TestClient(app)
    old = sqs.create_queue(QueueName="reborn", tags={"old": "yes"})["QueueUrl"]
    sqs.delete_queue(QueueUrl=old)
    sqs.create_queue(QueueName="reborn")
    sqs.create_queue(QueueName="orders", tags={"team": "<b>shop</b>", "env": "test"})
    inprocess_client("sqs", region="eu-west-1").create_queue(QueueName="orders", tags={"team": "eu"})
    body = web.simulate_get("/_awsmock/dashboard/sqs/resources", params={"region": "us-east-1"}).json
    [queues] = [g for g in body["groups"] if g["kind"] == "queues"]
    assert {row["name"]: row["tags"] for row in queues["items"]} == {
        "orders": {"team": "<b>shop</b>", "env": "test"},
        "reborn": {},
    }


def test_snapshots_keep_queue_tags_and_reset_forgets_them() -> None:
    with awsmock.mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="kept", tags={"team": "a"})["QueueUrl"]
        awsmock.snapshot("sqs-tags-kept")
        sqs.tag_queue(QueueUrl=url, Tags={"team": "b", "later": "1"})
        awsmock.restore("sqs-tags-kept")
        assert _tags(sqs, url) == {"team": "a"}
        awsmock.reset(["s3"])  # another service's reset leaves them
        assert _tags(sqs, url) == {"team": "a"}
        awsmock.reset(["sqs"])
        url = sqs.create_queue(QueueName="kept")["QueueUrl"]
        assert "Tags" not in sqs.list_queue_tags(QueueUrl=url)
