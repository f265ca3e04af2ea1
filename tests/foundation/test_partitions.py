"""Partitions (issue #24, point 5): in China (``cn-*``) ARNs are ``arn:aws-cn:…`` and endpoints end
in ``amazonaws.com.cn``; in GovCloud (``us-gov-*``) ARNs are ``arn:aws-us-gov:…``. One resource per
implemented service, in each partition, through real boto3 clients."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import boto3
import pytest

from awsmock import mock_aws

ACCOUNT = "123456789012"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("f.py", "def h(event, context):\n    return 1\n")
    return buf.getvalue()


def _resources(region: str, domain: str) -> dict[str, str]:
    """service -> the ARN of a resource made there (one request or two per service)."""

    def c(service: str) -> Any:
        return boto3.client(service, region_name=region)

    found: dict[str, str] = {}
    iam = c("iam")
    role = iam.create_role(RoleName="partitioned", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    found["iam"] = role
    found["iam-user"] = iam.create_user(UserName="someone")["User"]["Arn"]
    found["sts"] = c("sts").get_caller_identity()["Arn"]
    found["sts-assumed"] = c("sts").assume_role(RoleArn=role, RoleSessionName="sess")["AssumedRoleUser"][
        "Arn"
    ]

    sqs = c("sqs")
    queue_url = sqs.create_queue(QueueName="events")["QueueUrl"]
    found["sqs"] = queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    # the queue lets the partition's S3 service principal send (China names it in its own domain)
    sqs.set_queue_attributes(
        QueueUrl=queue_url,
        Attributes={
            "Policy": json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": f"s3.{domain}"},
                            "Action": "sqs:SendMessage",
                            "Resource": queue_arn,
                        }
                    ],
                }
            )
        },
    )
    s3 = c("s3")
    location = s3.create_bucket(
        Bucket="partitioned-bucket", CreateBucketConfiguration={"LocationConstraint": region}
    )
    found["s3-location"] = location["Location"]
    s3.put_bucket_notification_configuration(
        Bucket="partitioned-bucket",
        NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"]}]
        },
    )
    s3.put_object(Bucket="partitioned-bucket", Key="k", Body=b"x")
    bodies = [
        json.loads(m["Body"])
        for m in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    ]
    found["s3"] = next(b["Records"][0]["s3"]["bucket"]["arn"] for b in bodies if "Records" in b)
    found["s3control"] = c("s3control").create_access_point(
        AccountId=ACCOUNT, Name="point", Bucket="partitioned-bucket"
    )["AccessPointArn"]

    found["sns"] = c("sns").create_topic(Name="topic")["TopicArn"]
    found["dynamodb"] = c("dynamodb").create_table(
        TableName="table",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )["TableDescription"]["TableArn"]
    found["kms"] = c("kms").create_key()["KeyMetadata"]["Arn"]
    found["secretsmanager"] = c("secretsmanager").create_secret(Name="secret", SecretString="x")["ARN"]
    c("ssm").put_parameter(Name="/param", Value="v", Type="String")
    found["ssm"] = c("ssm").get_parameter(Name="/param")["Parameter"]["ARN"]
    found["acm"] = c("acm").request_certificate(DomainName="example.com")["CertificateArn"]
    found["lambda"] = c("lambda").create_function(
        FunctionName="fn", Runtime="python3.12", Role=role, Handler="f.h", Code={"ZipFile": _zip()}
    )["FunctionArn"]
    c("logs").create_log_group(logGroupName="group")
    found["logs"] = c("logs").describe_log_groups()["logGroups"][0]["arn"]
    c("cloudwatch").put_metric_alarm(
        AlarmName="alarm",
        MetricName="m",
        Namespace="n",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanThreshold",
    )
    found["cloudwatch"] = c("cloudwatch").describe_alarms()["MetricAlarms"][0]["AlarmArn"]
    c("kinesis").create_stream(StreamName="stream", ShardCount=1)
    found["kinesis"] = c("kinesis").describe_stream_summary(StreamName="stream")["StreamDescriptionSummary"][
        "StreamARN"
    ]
    found["events"] = c("events").put_rule(Name="rule", ScheduleExpression="rate(1 hour)")["RuleArn"]
    found["xray"] = c("xray").create_group(GroupName="group")["Group"]["GroupARN"]
    found["queue-url"] = queue_url
    found["dynamodb-endpoint"] = c("dynamodb").describe_endpoints()["Endpoints"][0]["Address"]
    return found


@pytest.mark.parametrize(
    ("region", "partition", "domain"),
    [("cn-north-1", "aws-cn", "amazonaws.com.cn"), ("us-gov-west-1", "aws-us-gov", "amazonaws.com")],
)
def test_resources_are_named_in_the_partition_of_their_region(
    region: str, partition: str, domain: str
) -> None:
    with mock_aws():
        found = _resources(region, domain)
        iam = boto3.client("iam", region_name=region)
        managed = [p["Arn"] for p in iam.list_policies(Scope="AWS")["Policies"]]
        iam.attach_role_policy(
            RoleName="partitioned", PolicyArn=f"arn:{partition}:iam::aws:policy/ReadOnlyAccess"
        )
        attached = iam.list_attached_role_policies(RoleName="partitioned")["AttachedPolicies"]

    endpoints = {k: found.pop(k) for k in ("queue-url", "dynamodb-endpoint", "s3-location")}
    assert {service: arn.split(":")[1] for service, arn in found.items()} == dict.fromkeys(found, partition)
    assert found["sts"] == f"arn:{partition}:iam::{ACCOUNT}:root"
    assert found["sts-assumed"] == f"arn:{partition}:sts::{ACCOUNT}:assumed-role/partitioned/sess"
    assert found["s3"] == f"arn:{partition}:s3:::partitioned-bucket"
    assert managed and all(a.startswith(f"arn:{partition}:iam::aws:policy/") for a in managed)
    assert attached == [
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": f"arn:{partition}:iam::aws:policy/ReadOnlyAccess"}
    ]
    assert endpoints == {
        "queue-url": f"https://sqs.{region}.{domain}/{ACCOUNT}/events",
        "dynamodb-endpoint": f"dynamodb.{region}.{domain}",
        "s3-location": f"http://partitioned-bucket.s3.{region}.{domain}/",
    }
