"""The shared cross-service set: one round trip per service and protocol, success and error, in
every mode (in-process, a real server over HTTP, a PostgreSQL store). A service's behaviour is
tested in-process in its own folder; these prove each service's wire and state work in the
other modes as well."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.modes("server", "postgres")

Client = Callable[..., Any]


def _code(err: pytest.ExceptionInfo[ClientError]) -> str:
    return str(err.value.response["Error"]["Code"])


def test_s3_rest_xml(aws_client: Client) -> None:
    s3 = aws_client("s3")
    bucket = f"rt-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    key = "dir/ключ with spaces+plus.txt"
    s3.put_object(Bucket=bucket, Key=key, Body=b"x" * 70_000, Metadata={"who": "me"})
    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["Body"].read() == b"x" * 70_000 and got["Metadata"] == {"who": "me"}
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [key]
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket=bucket, Key="missing")
    assert _code(err) == "NoSuchKey" and err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_sqs_json(aws_client: Client) -> None:
    sqs = aws_client("sqs")
    url = sqs.create_queue(QueueName=f"rt-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    sqs.send_message(
        QueueUrl=url, MessageBody="hello", MessageAttributes={"a": {"DataType": "String", "StringValue": "b"}}
    )
    [msg] = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"]
    assert msg["Body"] == "hello" and msg["MessageAttributes"]["a"]["StringValue"] == "b"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"])
    with pytest.raises(ClientError) as err:
        sqs.get_queue_url(QueueName="no-such-queue")
    assert _code(err) == "AWS.SimpleQueueService.NonExistentQueue"


def test_dynamodb_json(aws_client: Client) -> None:
    ddb = aws_client("dynamodb")
    table = f"rt-{uuid.uuid4().hex[:12]}"
    ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    for n in (2, 1, 3):
        ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"N": str(n)}, "v": {"B": bytes([n])}})
    found = ddb.query(
        TableName=table, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "a"}}
    )
    assert [i["sk"]["N"] for i in found["Items"]] == ["1", "2", "3"] and found["Items"][0]["v"][
        "B"
    ] == b"\x01"
    with pytest.raises(ClientError) as err:
        ddb.put_item(
            TableName=table,
            Item={"pk": {"S": "a"}, "sk": {"N": "1"}},
            ConditionExpression="attribute_not_exists(pk)",
        )
    assert _code(err) == "ConditionalCheckFailedException"
    streams = aws_client("dynamodbstreams")
    [stream] = streams.list_streams(TableName=table)["Streams"]
    shard = streams.describe_stream(StreamArn=stream["StreamArn"])["StreamDescription"]["Shards"][0][
        "ShardId"
    ]
    iterator = streams.get_shard_iterator(
        StreamArn=stream["StreamArn"], ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    assert [r["eventName"] for r in records] == ["INSERT"] * 3


def test_iam_and_sts_query(aws_client: Client) -> None:
    iam = aws_client("iam")
    name = f"rt-{uuid.uuid4().hex[:12]}"
    iam.create_user(UserName=name, Tags=[{"Key": "team", "Value": "a"}])
    assert iam.get_user(UserName=name)["User"]["UserName"] == name
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    with pytest.raises(ClientError) as err:
        iam.get_user(UserName="nobody-" + name)
    assert _code(err) == "NoSuchEntity" and err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    sts = aws_client("sts")
    assert sts.get_caller_identity()["Account"] == "123456789012"
    assumed = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="rt")["AssumedRoleUser"]
    assert assumed["Arn"].endswith(f":assumed-role/{name}/rt")


def test_kms_secrets_and_parameters_json(aws_client: Client) -> None:
    """KMS's sealed material, a secret and a SecureString sealed through it, in every store."""
    kms = aws_client("kms")
    key = kms.create_key(Description="rt")["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"secret", EncryptionContext={"a": "b"})["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})["Plaintext"] == b"secret"
    with pytest.raises(ClientError) as err:
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "c"})
    assert _code(err) == "InvalidCiphertextException"
    name = f"rt-{uuid.uuid4().hex[:12]}"
    sm = aws_client("secretsmanager")
    sm.create_secret(Name=name, SecretString="s3cr3t", KmsKeyId=key)
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "s3cr3t"
    with pytest.raises(ClientError) as err:
        sm.get_secret_value(SecretId="absent-" + name)
    assert _code(err) == "ResourceNotFoundException"
    ssm = aws_client("ssm")
    ssm.put_parameter(Name=f"/rt/{name}", Value="p", Type="SecureString")
    got = ssm.get_parameter(Name=f"/rt/{name}", WithDecryption=True)["Parameter"]
    assert got["Value"] == "p" and got["Version"] == 1
    with pytest.raises(ClientError) as err:
        ssm.get_parameter(Name=f"/rt/absent-{name}")
    assert _code(err) == "ParameterNotFound"


def test_sns_delivers_to_sqs_in_the_same_transaction(aws_client: Client) -> None:
    sns, sqs = aws_client("sns"), aws_client("sqs")
    name = f"rt-{uuid.uuid4().hex[:12]}"
    topic = sns.create_topic(Name=name)["TopicArn"]
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue)
    sns.publish(TopicArn=topic, Message="hello", Subject="rt")
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)["Messages"]  # there once publish returned
    envelope = json.loads(got[0]["Body"])
    assert (envelope["Type"], envelope["TopicArn"], envelope["Message"]) == ("Notification", topic, "hello")
    with pytest.raises(ClientError) as err:
        sns.publish(TopicArn=topic + "-absent", Message="x")
    assert _code(err) == "NotFound"


def test_logs_and_kinesis_json(aws_client: Client) -> None:
    logs = aws_client("logs")
    group = f"/rt/{uuid.uuid4().hex[:12]}"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    stamp = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    logs.put_log_events(
        logGroupName=group, logStreamName="s", logEvents=[{"timestamp": stamp, "message": "one"}]
    )
    events = logs.get_log_events(logGroupName=group, logStreamName="s", startFromHead=True)["events"]
    assert [e["message"] for e in events] == ["one"]
    with pytest.raises(ClientError) as err:
        logs.get_log_events(logGroupName=group + "-absent", logStreamName="s")
    assert _code(err) == "ResourceNotFoundException"
    kinesis = aws_client("kinesis")
    stream = f"rt-{uuid.uuid4().hex[:12]}"
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    put = kinesis.put_record(StreamName=stream, Data=b"record", PartitionKey="p")
    iterator = kinesis.get_shard_iterator(
        StreamName=stream, ShardId=put["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=iterator)["Records"]] == [b"record"]
    with pytest.raises(ClientError) as err:
        kinesis.describe_stream(StreamName=stream + "-absent")
    assert _code(err) == "ResourceNotFoundException"


def test_acm_json(aws_client: Client) -> None:
    acm = aws_client("acm")
    arn = acm.request_certificate(DomainName="rt.example.com", ValidationMethod="DNS")["CertificateArn"]
    described = acm.describe_certificate(CertificateArn=arn)["Certificate"]
    assert described["DomainName"] == "rt.example.com"
    with pytest.raises(ClientError) as err:
        acm.describe_certificate(CertificateArn=arn[:-4] + "0000")
    assert _code(err) == "ResourceNotFoundException"
