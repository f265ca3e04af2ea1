"""Queue lifecycle through boto3, in-process and against a server."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError


def test_create_queue_url_has_aws_form(sqs, aws_client):
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    endpoint = sqs.meta.endpoint_url.rstrip("/")
    assert url == f"{endpoint}/123456789012/orders"
    assert sqs.get_queue_url(QueueName="orders")["QueueUrl"] == url


def test_inprocess_default_endpoint_url(inprocess_client):
    client = inprocess_client("sqs")
    url = client.create_queue(QueueName="plain")["QueueUrl"]
    assert url == "https://sqs.us-east-1.amazonaws.com/123456789012/plain"


def test_queue_url_resolves_regardless_of_host(sqs):
    sqs.create_queue(QueueName="anyhost")
    sqs.send_message(QueueUrl="http://some.other.host:1234/123456789012/anyhost", MessageBody="x")
    attrs = sqs.get_queue_attributes(
        QueueUrl="https://sqs.us-east-1.amazonaws.com/123456789012/anyhost",
        AttributeNames=["ApproximateNumberOfMessages"],
    )["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "1"


def test_get_queue_url_with_owner_account(sqs):
    url = sqs.create_queue(QueueName="owned")["QueueUrl"]
    assert sqs.get_queue_url(QueueName="owned", QueueOwnerAWSAccountId="123456789012")["QueueUrl"] == url
    with pytest.raises(ClientError) as exc:
        sqs.get_queue_url(QueueName="owned", QueueOwnerAWSAccountId="111122223333")
    assert exc.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"


def test_nonexistent_queue_error(sqs):
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as exc:
        sqs.get_queue_url(QueueName="missing")
    err = exc.value.response["Error"]
    assert err["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert err["Message"] == "The specified queue does not exist."
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize("name", ["", "a" * 81, "has space", "dot.name", "x.fifo"])
def test_invalid_queue_names(sqs, name):
    with pytest.raises(ClientError) as exc:
        sqs.create_queue(QueueName=name)
    assert exc.value.response["Error"]["Code"] in ("InvalidParameterValue", "MissingParameter")


def test_fifo_name_rules(sqs):
    with pytest.raises(ClientError) as exc:
        sqs.create_queue(QueueName="nofifo", Attributes={"FifoQueue": "true"})
    assert exc.value.response["Error"]["Code"] == "InvalidParameterValue"
    url = sqs.create_queue(QueueName="ok.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    assert url.endswith("/ok.fifo")


def test_create_is_idempotent_with_equal_attributes(sqs):
    a = sqs.create_queue(QueueName="same", Attributes={"VisibilityTimeout": "40"})["QueueUrl"]
    b = sqs.create_queue(QueueName="same", Attributes={"VisibilityTimeout": "40"})["QueueUrl"]
    c = sqs.create_queue(QueueName="same")["QueueUrl"]
    assert a == b == c
    with pytest.raises(ClientError) as exc:
        sqs.create_queue(QueueName="same", Attributes={"VisibilityTimeout": "41"})
    err = exc.value.response["Error"]
    assert err["Code"] == "QueueAlreadyExists"
    assert err["Message"] == (
        "A queue already exists with the same name and a different value for attribute VisibilityTimeout"
    )
    assert isinstance(exc.value, sqs.exceptions.QueueNameExists)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("VisibilityTimeout", "43201"),
        ("VisibilityTimeout", "-1"),
        ("DelaySeconds", "901"),
        ("MaximumMessageSize", "1023"),
        ("MessageRetentionPeriod", "59"),
        ("ReceiveMessageWaitTimeSeconds", "21"),
        ("VisibilityTimeout", "abc"),
    ],
)
def test_invalid_attribute_values(sqs, name, value):
    with pytest.raises(ClientError) as exc:
        sqs.create_queue(QueueName="bad", Attributes={name: value})
    assert exc.value.response["Error"]["Code"] == "InvalidAttributeValue"
    assert exc.value.response["Error"]["Message"] == f"Invalid value for the parameter {name}."


def test_unknown_attribute_name(sqs, new_queue):
    url = new_queue()
    with pytest.raises(ClientError) as exc:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"ContentBasedDeduplication": "true"})
    assert exc.value.response["Error"]["Code"] == "InvalidAttributeName"


def test_list_queues_prefix_and_pagination(sqs):
    names = [f"list-{i:02d}" for i in range(7)] + ["other"]
    for n in names:
        sqs.create_queue(QueueName=n)
    urls = sqs.list_queues(QueueNamePrefix="list-")["QueueUrls"]
    assert [u.rsplit("/", 1)[1] for u in urls] == names[:7]
    seen, token = [], None
    while True:
        kw = {"QueueNamePrefix": "list-", "MaxResults": 3}
        if token:
            kw["NextToken"] = token
        page = sqs.list_queues(**kw)
        seen += page["QueueUrls"]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == urls
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix="zzz")
    paginator = sqs.get_paginator("list_queues")
    pages = list(paginator.paginate(QueueNamePrefix="list-", PaginationConfig={"PageSize": 2}))
    assert sum(len(p["QueueUrls"]) for p in pages) == 7


def test_delete_queue(sqs, new_queue):
    url = new_queue()
    sqs.send_message(QueueUrl=url, MessageBody="x")
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_attributes(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.delete_queue(QueueUrl=url)


def test_purge_queue_and_in_progress(sqs, new_queue):
    url = new_queue()
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "m"} for i in range(3)])
    sqs.purge_queue(QueueUrl=url)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    with pytest.raises(ClientError) as exc:
        sqs.purge_queue(QueueUrl=url)
    err = exc.value.response["Error"]
    assert err["Code"] == "AWS.SimpleQueueService.PurgeQueueInProgress"
    assert (
        err["Message"]
        == f"Only one PurgeQueue operation on {url.rsplit('/', 1)[1]} is allowed every 60 seconds."
    )
    assert isinstance(exc.value, sqs.exceptions.PurgeQueueInProgress)


def test_get_all_attributes_defaults(sqs, new_queue):
    url = new_queue()
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    now = time.time()
    assert attrs["VisibilityTimeout"] == "30"
    assert attrs["DelaySeconds"] == "0"
    assert attrs["MaximumMessageSize"] == "1048576"
    assert attrs["MessageRetentionPeriod"] == "345600"
    assert attrs["ReceiveMessageWaitTimeSeconds"] == "0"
    assert attrs["SqsManagedSseEnabled"] == "true"
    assert attrs["QueueArn"] == f"arn:aws:sqs:us-east-1:123456789012:{url.rsplit('/', 1)[1]}"
    assert abs(int(attrs["CreatedTimestamp"]) - now) < 600
    for key in (
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ):
        assert attrs[key] == "0"
    assert "FifoQueue" not in attrs and "Policy" not in attrs
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=url)
    only = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    assert list(only) == ["QueueArn"]


def test_fifo_attributes(sqs, new_queue):
    url = new_queue(fifo=True, ContentBasedDeduplication="true")
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["FifoQueue"] == "true"
    assert attrs["ContentBasedDeduplication"] == "true"
    assert attrs["DeduplicationScope"] == "queue"
    assert attrs["FifoThroughputLimit"] == "perQueue"
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"},
    )
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["DeduplicationScope"] == "messageGroup"
    assert attrs["FifoThroughputLimit"] == "perMessageGroupId"
    with pytest.raises(ClientError) as exc:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"DeduplicationScope": "queue"})
    assert exc.value.response["Error"]["Code"] == "InvalidAttributeValue"


def test_set_attributes_policy_kms_and_counters(sqs, new_queue):
    url = new_queue()
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arn}
            ],
        }
    )
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={
            "Policy": policy,
            "VisibilityTimeout": "45",
            "KmsMasterKeyId": "alias/aws/sqs",
            "KmsDataKeyReusePeriodSeconds": "600",
        },
    )
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert json.loads(attrs["Policy"]) == json.loads(policy)
    assert attrs["VisibilityTimeout"] == "45"
    assert attrs["KmsMasterKeyId"] == "alias/aws/sqs"
    assert attrs["KmsDataKeyReusePeriodSeconds"] == "600"
    assert attrs["SqsManagedSseEnabled"] == "false"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
    assert "Policy" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    sqs.send_message(QueueUrl=url, MessageBody="visible")
    sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=60)
    sqs.send_message(QueueUrl=url, MessageBody="taken")
    sqs.receive_message(QueueUrl=url)
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "1"
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "1"
    assert attrs["ApproximateNumberOfMessagesDelayed"] == "1"


def test_redrive_policies(sqs, new_queue):
    dlq = new_queue()
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    src = new_queue(RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"}))
    got = json.loads(
        sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["RedrivePolicy"])["Attributes"][
            "RedrivePolicy"
        ]
    )
    assert got == {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3}
    allow = json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [dlq_arn]})
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": allow})
    attrs = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["RedriveAllowPolicy"])["Attributes"]
    assert json.loads(attrs["RedriveAllowPolicy"]) == json.loads(allow)
    with pytest.raises(ClientError) as exc:
        sqs.set_queue_attributes(
            QueueUrl=src,
            Attributes={
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:nope", "maxReceiveCount": 3}
                )
            },
        )
    assert exc.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError):
        sqs.set_queue_attributes(
            QueueUrl=src,
            Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 0})},
        )
    sqs.set_queue_attributes(QueueUrl=src, Attributes={"RedrivePolicy": ""})
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["RedrivePolicy"])


def test_list_dead_letter_source_queues(sqs, new_queue):
    dlq = new_queue(name="dlq-target")
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    sources = [new_queue(name=f"src-{i}", RedrivePolicy=policy) for i in range(3)]
    new_queue(name="unrelated")
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == sources
    page = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2)
    assert page["queueUrls"] == sources[:2]
    rest = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2, NextToken=page["NextToken"])
    assert rest["queueUrls"] == sources[2:]
    assert "NextToken" not in rest


def test_tags(sqs):
    url = sqs.create_queue(QueueName="tagged", tags={"team": "a", "env": "dev"})["QueueUrl"]
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "a", "env": "dev"}
    sqs.tag_queue(QueueUrl=url, Tags={"team": "b", "cost": "1"})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "b", "env": "dev", "cost": "1"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["env", "cost", "absent"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "b"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
    assert "Tags" not in sqs.list_queue_tags(QueueUrl=url)


def test_add_and_remove_permission(sqs, new_queue):
    url = new_queue()
    sqs.add_permission(QueueUrl=url, Label="share", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    policy = json.loads(
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"]
    )
    assert policy["Statement"][0]["Sid"] == "share"
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    with pytest.raises(ClientError):
        sqs.add_permission(
            QueueUrl=url, Label="share", AWSAccountIds=["111122223333"], Actions=["SendMessage"]
        )
    sqs.remove_permission(QueueUrl=url, Label="share")
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])
    with pytest.raises(ClientError):
        sqs.remove_permission(QueueUrl=url, Label="share")


def _bad_request(call, **kw):
    with pytest.raises(ClientError) as exc:
        call(**kw)
    err = exc.value.response["Error"]
    return err["Code"], err["Message"]


def test_list_tokens_belong_to_their_listing(sqs, new_queue):
    dlq = new_queue(name="tok-dlq")
    other_dlq = new_queue(name="tok-other-dlq")
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    for i in range(3):
        new_queue(name=f"tok-src-{i}", RedrivePolicy=policy)
    queues_token = sqs.list_queues(QueueNamePrefix="tok-", MaxResults=1)["NextToken"]
    sources_token = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=1)["NextToken"]
    refused = ("InvalidParameterValue", "Invalid NextToken value.")
    for token in ("garbage", "e30=", sources_token):
        assert _bad_request(sqs.list_queues, QueueNamePrefix="tok-", NextToken=token) == refused
    assert _bad_request(sqs.list_queues, QueueNamePrefix="other-", NextToken=queues_token) == refused
    for url, token in ((dlq, queues_token), (other_dlq, sources_token)):
        assert _bad_request(sqs.list_dead_letter_source_queues, QueueUrl=url, NextToken=token) == refused
    rest = sqs.list_queues(QueueNamePrefix="tok-", MaxResults=10, NextToken=queues_token)["QueueUrls"]
    assert [u.rsplit("/", 1)[1] for u in rest] == ["tok-other-dlq", "tok-src-0", "tok-src-1", "tok-src-2"]


@pytest.mark.parametrize("n", [0, 1001])
def test_max_results_must_be_1_to_1000(sqs, new_queue, n):
    reason = f"Value {n} for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000."
    assert _bad_request(sqs.list_queues, MaxResults=n) == ("InvalidParameterValue", reason)
    url = new_queue()
    assert _bad_request(sqs.list_dead_letter_source_queues, QueueUrl=url, MaxResults=n) == (
        "InvalidParameterValue",
        reason,
    )


def test_without_max_results_no_token_is_given(sqs, new_queue):
    for i in range(3):
        new_queue(name=f"untok-{i}")
    page = sqs.list_queues(QueueNamePrefix="untok-")
    assert len(page["QueueUrls"]) == 3 and "NextToken" not in page


def test_arns_follow_the_regions_partition(aws_client):
    sqs = aws_client("sqs", region="cn-north-1")
    dlq = sqs.create_queue(QueueName="cn-dlq")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert arn == "arn:aws-cn:sqs:cn-north-1:123456789012:cn-dlq"
    policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 2})
    src = sqs.create_queue(QueueName="cn-src", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [src]
    sqs.add_permission(QueueUrl=src, Label="share", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    doc = json.loads(sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["Policy"])["Attributes"]["Policy"])
    statement = doc["Statement"][0]
    assert statement["Principal"] == {"AWS": "arn:aws-cn:iam::111122223333:root"}
    assert statement["Resource"] == "arn:aws-cn:sqs:cn-north-1:123456789012:cn-src"
