"""Topics: names and ARNs, idempotent creation, attributes as AWS reports them, permissions,
tags, listing pages, deletion."""

from __future__ import annotations

import json
from typing import Any

from tests.sns.conftest import error_of


def test_create_topic_is_idempotent_and_reports_aws_attributes(sns: Any) -> None:
    arn = sns.create_topic(Name="orders")["TopicArn"]
    assert arn == "arn:aws:sns:us-east-1:123456789012:orders"
    assert sns.create_topic(Name="orders")["TopicArn"] == arn
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attrs["TopicArn"] == arn
    assert attrs["Owner"] == "123456789012"
    assert attrs["DisplayName"] == ""
    assert (
        attrs["SubscriptionsConfirmed"],
        attrs["SubscriptionsPending"],
        attrs["SubscriptionsDeleted"],
    ) == (
        "0",
        "0",
        "0",
    )
    policy = json.loads(attrs["Policy"])
    assert policy["Id"] == "__default_policy_ID"
    statement = policy["Statement"][0]
    assert statement["Resource"] == arn
    assert statement["Condition"] == {"StringEquals": {"AWS:SourceOwner": "123456789012"}}
    assert "SNS:Publish" in statement["Action"]
    effective = json.loads(attrs["EffectiveDeliveryPolicy"])
    assert effective["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 3
    assert "FifoTopic" not in attrs


def test_same_name_with_other_attributes_or_tags_is_refused(sns: Any) -> None:
    arn = sns.create_topic(Name="t1", Attributes={"DisplayName": "one"}, Tags=[{"Key": "k", "Value": "v"}])[
        "TopicArn"
    ]
    assert sns.create_topic(Name="t1", Attributes={"DisplayName": "one"})["TopicArn"] == arn
    assert error_of(lambda: sns.create_topic(Name="t1", Attributes={"DisplayName": "two"})) == (
        "InvalidParameter",
        "Invalid parameter: Attributes Reason: Topic already exists with different attributes",
    )
    assert error_of(lambda: sns.create_topic(Name="t1", Tags=[{"Key": "k", "Value": "other"}])) == (
        "InvalidParameter",
        "Invalid parameter: Tags Reason: Topic already exists with different tags",
    )


def test_names_and_fifo_rules(sns: Any) -> None:
    assert error_of(lambda: sns.create_topic(Name="bad name")) == (
        "InvalidParameter",
        "Invalid parameter: Topic Name",
    )
    assert error_of(lambda: sns.create_topic(Name="x" * 257))[0] == "InvalidParameter"
    assert error_of(lambda: sns.create_topic(Name="plain.fifo")) == (
        "InvalidParameter",
        "Invalid parameter: Topic Name",
    )
    code, message = error_of(lambda: sns.create_topic(Name="nofifo", Attributes={"FifoTopic": "true"}))
    assert code == "InvalidParameter"
    assert message.startswith("Invalid parameter: Fifo Topic names must end with .fifo")
    arn = sns.create_topic(Name="jobs.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attrs["FifoTopic"] == "true"
    assert attrs["ContentBasedDeduplication"] == "false"
    std = sns.create_topic(Name="std")["TopicArn"]
    code, _ = error_of(
        lambda: sns.set_topic_attributes(
            TopicArn=std, AttributeName="ContentBasedDeduplication", AttributeValue="true"
        )
    )
    assert code == "InvalidParameter"


def test_set_topic_attributes(sns: Any, new_topic: Any) -> None:
    arn = new_topic()
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Alerts")
    sns.set_topic_attributes(TopicArn=arn, AttributeName="SignatureVersion", AttributeValue="2")
    sns.set_topic_attributes(TopicArn=arn, AttributeName="KmsMasterKeyId", AttributeValue="alias/aws/sns")
    delivery = {
        "http": {"defaultHealthyRetryPolicy": {"numRetries": 5, "minDelayTarget": 1, "maxDelayTarget": 9}}
    }
    sns.set_topic_attributes(
        TopicArn=arn, AttributeName="DeliveryPolicy", AttributeValue=json.dumps(delivery)
    )
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attrs["DisplayName"] == "Alerts"
    assert attrs["SignatureVersion"] == "2"
    assert attrs["KmsMasterKeyId"] == "alias/aws/sns"
    assert json.loads(attrs["DeliveryPolicy"]) == delivery
    assert (
        json.loads(attrs["EffectiveDeliveryPolicy"])["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 5
    )
    assert error_of(
        lambda: sns.set_topic_attributes(TopicArn=arn, AttributeName="Nope", AttributeValue="x")
    ) == (
        "InvalidParameter",
        "Invalid parameter: AttributeName",
    )
    assert error_of(
        lambda: sns.set_topic_attributes(TopicArn=arn, AttributeName="SignatureVersion", AttributeValue="3")
    ) == ("InvalidParameter", "Invalid parameter: SignatureVersion")
    assert (
        error_of(lambda: sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy", AttributeValue="{"))[
            0
        ]
        == "InvalidParameter"
    )
    missing = arn + "-gone"
    assert error_of(lambda: sns.get_topic_attributes(TopicArn=missing)) == (
        "NotFound",
        "Topic does not exist",
    )
    assert error_of(lambda: sns.get_topic_attributes(TopicArn="not-an-arn")) == (
        "InvalidParameter",
        "Invalid parameter: TopicArn",
    )


def test_fifo_archive_policy(sns: Any, new_topic: Any) -> None:
    arn = new_topic(fifo=True)
    sns.set_topic_attributes(
        TopicArn=arn, AttributeName="ArchivePolicy", AttributeValue='{"MessageRetentionPeriod": "30"}'
    )
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert json.loads(attrs["ArchivePolicy"]) == {"MessageRetentionPeriod": "30"}
    assert attrs["BeginningArchiveTime"].endswith("Z")
    code, _ = error_of(
        lambda: sns.set_topic_attributes(
            TopicArn=arn, AttributeName="ArchivePolicy", AttributeValue='{"MessageRetentionPeriod": "400"}'
        )
    )
    assert code == "InvalidParameter"


def test_list_topics_pages_by_100(sns: Any) -> None:
    made = {sns.create_topic(Name=f"page-{i:03d}")["TopicArn"] for i in range(105)}
    first = sns.list_topics()
    assert len(first["Topics"]) == 100
    second = sns.list_topics(NextToken=first["NextToken"])
    assert "NextToken" not in second
    assert {t["TopicArn"] for t in first["Topics"] + second["Topics"]} == made
    assert error_of(lambda: sns.list_topics(NextToken="garbage"))[0] == "InvalidParameter"


def test_delete_topic_removes_its_subscriptions_and_is_idempotent(
    sns: Any, new_topic: Any, new_queue: Any
) -> None:
    arn = new_topic()
    _, queue = new_queue()
    sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue)
    sns.delete_topic(TopicArn=arn)
    sns.delete_topic(TopicArn=arn)
    assert sns.list_subscriptions()["Subscriptions"] == []
    assert all(t["TopicArn"] != arn for t in sns.list_topics()["Topics"])


def test_tags(sns: Any, new_topic: Any) -> None:
    arn = new_topic()
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "a"}, {"Key": "env", "Value": "dev"}])
    sns.untag_resource(ResourceArn=arn, TagKeys=["env"])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "a"}]
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    assert error_of(lambda: sns.tag_resource(ResourceArn=arn, Tags=too_many))[0] == "TagLimitExceeded"
    assert error_of(lambda: sns.list_tags_for_resource(ResourceArn=arn + "x")) == (
        "ResourceNotFound",
        "Resource does not exist",
    )


def test_add_and_remove_permission(sns: Any, new_topic: Any) -> None:
    arn = new_topic()
    sns.add_permission(TopicArn=arn, Label="share", AWSAccountId=["111122223333"], ActionName=["Publish"])
    policy = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])
    added = next(s for s in policy["Statement"] if s["Sid"] == "share")
    assert added["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert added["Action"] == "SNS:Publish"
    assert error_of(
        lambda: sns.add_permission(
            TopicArn=arn, Label="share", AWSAccountId=["111122223333"], ActionName=["Publish"]
        )
    ) == ("InvalidParameter", "Invalid parameter: Statement already exists")
    sns.remove_permission(TopicArn=arn, Label="share")
    policy = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["__default_statement_ID"]
