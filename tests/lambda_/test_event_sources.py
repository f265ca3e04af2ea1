"""Event source mappings: their CRUD and errors, and pollers that invoke functions by themselves
(SQS batches, deletes, returns after a failure, partial batch failures, redrive to a DLQ;
Kinesis shards in order; DynamoDB stream records; disabled mappings do nothing; leases; a
starting server resuming enabled mappings).

The tests share one in-process state and one function, kept warm between them (its cold start,
boto3 imported, is most of a test's time otherwise). It copies each record it gets to the queue
named after the record's source with ``-out`` appended (so each test reads its own), fails the
whole batch on a record ``boom`` and reports records ``bad...`` as batch item failures."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from awsmock.api.app import create_app
from awsmock.engine.config import Config
from awsmock.state.store import Store
from tests.helpers import inprocess_client_factory

from .conftest import TRUST, error_of, zip_of

RELAY = """
import base64, json
import boto3

sqs = boto3.client("sqs")

def _text(r):
    if "body" in r:
        return r["body"]
    if "kinesis" in r:
        return base64.b64decode(r["kinesis"]["data"]).decode()
    return json.dumps(r.get("dynamodb", {}).get("Keys"))

def _id(r):
    return r.get("messageId") or (r.get("kinesis") or {}).get("sequenceNumber") or r["dynamodb"]["SequenceNumber"]

def _out(r):
    source = r["eventSourceARN"]
    if ":dynamodb:" in source:
        name = source.split(":table/", 1)[1].split("/", 1)[0]
    elif ":kinesis:" in source:
        name = source.split(":stream/", 1)[1]
    else:
        name = source.rsplit(":", 1)[1].replace(".fifo", "")
    return sqs.get_queue_url(QueueName=name + "-out")["QueueUrl"]

def handler(event, context):
    failures = []
    for r in event["Records"]:
        text = _text(r)
        if text == "boom":
            raise RuntimeError("boom")
        if text.startswith("bad"):
            failures.append({"itemIdentifier": _id(r)})
            continue
        sqs.send_message(QueueUrl=_out(r), MessageBody=json.dumps({"text": text, "record": r}))
    return {"batchItemFailures": failures}
"""

DEADLINE = 15.0


@dataclass
class Env:
    store: Store
    client: Callable[..., Any]
    function: str


@pytest.fixture(scope="module")
def env() -> Iterator[Env]:
    store = Store("sqlite://")
    client = inprocess_client_factory(create_app(Config(in_memory=True), store))
    role = client("iam").create_role(RoleName="relay", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    client("lambda").create_function(
        FunctionName="relay",
        Role=role,
        Runtime="python3.12",
        Handler="index.handler",
        Code={"ZipFile": zip_of({"index.py": RELAY})},
        Timeout=10,
    )
    yield Env(store, client, "relay")
    store.dispose()


@pytest.fixture
def lam(env: Env) -> Iterator[Any]:
    client = env.client("lambda")
    yield client
    for m in client.list_event_source_mappings()["EventSourceMappings"]:  # what a test left polling
        client.delete_event_source_mapping(UUID=m["UUID"])


@pytest.fixture
def sqs(env: Env) -> Any:
    return env.client("sqs")


@pytest.fixture
def relay(env: Env, lam: Any) -> str:
    return env.function


def _new(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _queue(sqs: Any, name: str | None = None, **attrs: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name or _new("q"), Attributes=attrs)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _source(sqs: Any, **attrs: str) -> tuple[str, str, str]:
    """A queue to map, and the queue the function writes its records to: (url, arn, out url)."""
    name = _new("q")
    out, _ = _queue(sqs, name + "-out")
    if attrs.get("FifoQueue"):
        name += ".fifo"
    url, arn = _queue(sqs, name, **attrs)
    return url, arn, out


def _collect(sqs: Any, url: str, want: int, *, within: float = DEADLINE) -> list[dict[str, Any]]:
    deadline = time.monotonic() + within
    got: list[dict[str, Any]] = []
    while len(got) < want and time.monotonic() < deadline:
        wait = max(0, min(1, int(deadline - time.monotonic())))
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait).get(
            "Messages", []
        ):
            got.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return got


def _until(check: Callable[[], Any], within: float = DEADLINE) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    return check()


def _count(sqs: Any, url: str, what: str = "ApproximateNumberOfMessages") -> int:
    return int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[what])["Attributes"][what])


# -- CRUD -------------------------------------------------------------------------------------------


def test_create_get_update_list_delete(lam: Any, relay: str, sqs: Any) -> None:
    _url, arn = _queue(sqs)
    made = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=relay, Enabled=False)
    assert made["State"] == "Creating"
    assert made["BatchSize"] == 10
    assert made["MaximumBatchingWindowInSeconds"] == 0
    assert made["FunctionArn"].endswith(f":function:{relay}")
    assert made["EventSourceMappingArn"].endswith(f":event-source-mapping:{made['UUID']}")
    assert made["StateTransitionReason"] == "USER_INITIATED"
    assert "StartingPosition" not in made
    got = lam.get_event_source_mapping(UUID=made["UUID"])
    assert got["State"] == "Disabled"
    updated = lam.update_event_source_mapping(
        UUID=made["UUID"], Enabled=True, BatchSize=5, FunctionResponseTypes=["ReportBatchItemFailures"]
    )
    assert updated["State"] == "Enabling"
    assert updated["BatchSize"] == 5
    assert updated["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert lam.get_event_source_mapping(UUID=made["UUID"])["State"] == "Enabled"
    assert lam.update_event_source_mapping(UUID=made["UUID"], BatchSize=3)["State"] == "Updating"
    listed = lam.list_event_source_mappings(FunctionName=relay)["EventSourceMappings"]
    assert [m["UUID"] for m in listed] == [made["UUID"]]
    assert lam.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"][0]["BatchSize"] == 3
    assert lam.list_event_source_mappings(EventSourceArn=arn + "x")["EventSourceMappings"] == []
    deleted = lam.delete_event_source_mapping(UUID=made["UUID"])
    assert deleted["State"] == "Deleting"
    code, _ = error_of(lambda: lam.get_event_source_mapping(UUID=made["UUID"]))
    assert code == "ResourceNotFoundException"
    code, _ = error_of(lambda: lam.delete_event_source_mapping(UUID=made["UUID"]))
    assert code == "ResourceNotFoundException"


def test_list_pages_with_marker(lam: Any, relay: str, sqs: Any) -> None:
    made = []
    for _ in range(3):
        _url, arn = _queue(sqs)
        made.append(
            lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=relay, Enabled=False)["UUID"]
        )
    first = lam.list_event_source_mappings(MaxItems=2)
    assert len(first["EventSourceMappings"]) == 2 and first["NextMarker"]
    rest = lam.list_event_source_mappings(MaxItems=2, Marker=first["NextMarker"])
    assert "NextMarker" not in rest
    assert sorted(m["UUID"] for m in first["EventSourceMappings"] + rest["EventSourceMappings"]) == sorted(
        made
    )
    code, _ = error_of(lambda: lam.list_event_source_mappings(Marker="nonsense"))
    assert code == "InvalidParameterValueException"


def test_create_errors(lam: Any, relay: str, sqs: Any, env: Env) -> None:
    _url, arn = _queue(sqs)
    _furl, fifo = _queue(sqs, _new("f") + ".fifo", FifoQueue="true")

    def create(**kw: Any) -> tuple[str, str]:
        kw.setdefault("EventSourceArn", arn)
        kw.setdefault("FunctionName", relay)
        return error_of(lambda: lam.create_event_source_mapping(**kw))

    code, message = create(EventSourceArn=arn.rsplit(":", 1)[0] + ":nope")
    assert code == "InvalidParameterValueException"
    assert "AWS.SimpleQueueService.NonExistentQueue" in message
    assert create(FunctionName="nope")[0] == "ResourceNotFoundException"
    assert create(BatchSize=11) == (
        "InvalidParameterValueException",
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10",
    )
    assert create(EventSourceArn=fifo, BatchSize=20)[0] == "InvalidParameterValueException"
    assert create(EventSourceArn=fifo, MaximumBatchingWindowInSeconds=5) == (
        "InvalidParameterValueException",
        "Batching window is not supported for FIFO queues.",
    )
    assert create(StartingPosition="LATEST") == (
        "InvalidParameterValueException",
        "StartingPosition is not valid for SQS event sources.",
    )
    assert (
        create(FilterCriteria={"Filters": [{"Pattern": "{not json"}]})[0] == "InvalidParameterValueException"
    )
    assert create(EventSourceArn="arn:aws:s3:::bucket") == (
        "InvalidParameterValueException",
        "Unrecognized event source.",
    )
    made = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=relay, Enabled=False)
    assert create() == (
        "ResourceConflictException",
        f'An event source mapping with SQS arn (" {arn} ") and function (" {relay} ") already exists. '
        f"Please update or delete the existing mapping with UUID {made['UUID']}",
    )
    kinesis = env.client("kinesis")
    name = _new("s")
    kinesis.create_stream(StreamName=name, ShardCount=1)
    stream = kinesis.describe_stream(StreamName=name)["StreamDescription"]["StreamARN"]
    assert create(EventSourceArn=stream)[0] == "InvalidParameterValueException"  # no StartingPosition
    assert create(EventSourceArn=stream, StartingPosition="AT_TIMESTAMP") == (
        "InvalidParameterValueException",
        "Need to specify a timestamp",
    )
    assert (
        create(EventSourceArn=stream + "x", StartingPosition="LATEST")[0] == "InvalidParameterValueException"
    )
    code, _ = error_of(lambda: lam.get_event_source_mapping(UUID=str(uuid.uuid4())))
    assert code == "ResourceNotFoundException"


def test_tags_of_a_mapping(lam: Any, relay: str, sqs: Any) -> None:
    _url, arn = _queue(sqs)
    made = lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName=relay, Enabled=False, Tags={"a": "1"}
    )
    esm = made["EventSourceMappingArn"]
    assert lam.list_tags(Resource=esm)["Tags"] == {"a": "1"}
    lam.tag_resource(Resource=esm, Tags={"b": "2"})
    lam.untag_resource(Resource=esm, TagKeys=["a"])
    assert lam.list_tags(Resource=esm)["Tags"] == {"b": "2"}


# -- SQS ------------------------------------------------------------------------------------------


def test_sqs_messages_reach_the_function_and_are_deleted(lam: Any, relay: str, sqs: Any) -> None:
    url, arn, out = _source(sqs)
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=relay)
    sqs.send_message(
        QueueUrl=url,
        MessageBody="hello",
        MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}},
    )
    (got,) = _collect(sqs, out, 1)
    record = got["record"]
    assert got["text"] == "hello"
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == arn
    assert record["awsRegion"] == "us-east-1"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(record["attributes"])
    assert record["messageAttributes"]["k"]["stringValue"] == "v"
    assert record["messageAttributes"]["k"]["dataType"] == "String"
    assert record["md5OfBody"] == "5d41402abc4b2a76b9719d911017c592"
    assert _until(lambda: _count(sqs, url) + _count(sqs, url, "ApproximateNumberOfMessagesNotVisible") == 0)


@pytest.mark.modes("server")
def test_sqs_mapping_polls_in_the_server(aws_client: Any, request: pytest.FixtureRequest) -> None:
    if request.node.callspec.params.get("aws_client") == "inprocess":
        pytest.skip("in-process polling is what the other tests here check")
    lam, sqs = aws_client("lambda"), aws_client("sqs")
    role = aws_client("iam").create_role(RoleName=_new("r"), AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    function = _new("f")
    lam.create_function(
        FunctionName=function,
        Role=role,
        Runtime="python3.12",
        Handler="index.handler",
        Code={"ZipFile": zip_of({"index.py": RELAY})},
        Timeout=10,
    )
    url, arn, out = _source(sqs)
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=function)
    sqs.send_message(QueueUrl=url, MessageBody="served")
    (got,) = _collect(sqs, out, 1)
    assert got["text"] == "served"


def test_sqs_failure_returns_the_message_then_dead_letter_queue(lam: Any, relay: str, sqs: Any) -> None:
    dlq_url, dlq_arn = _queue(sqs)
    url, arn, _out = _source(
        sqs,
        VisibilityTimeout="1",
        RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"}),
    )
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=relay)
    sqs.send_message(QueueUrl=url, MessageBody="boom")
    assert _until(lambda: _count(sqs, dlq_url) == 1)
    (moved,) = sqs.receive_message(QueueUrl=dlq_url, AttributeNames=["All"])["Messages"]
    assert moved["Body"] == "boom"
    assert moved["Attributes"]["DeadLetterQueueSourceArn"] == arn


def test_sqs_partial_batch_failure_keeps_only_the_failed(lam: Any, relay: str, sqs: Any) -> None:
    url, arn, out = _source(sqs, VisibilityTimeout="30")
    made = lam.create_event_source_mapping(
        EventSourceArn=arn,
        FunctionName=relay,
        Enabled=False,
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    sqs.send_message_batch(
        QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": t} for i, t in enumerate(["a", "bad1", "b"])]
    )
    lam.update_event_source_mapping(UUID=made["UUID"], Enabled=True)
    got = _collect(sqs, out, 2)
    assert sorted(g["text"] for g in got) == ["a", "b"]
    assert _until(lambda: _count(sqs, url, "ApproximateNumberOfMessagesNotVisible") == 1)
    assert _count(sqs, url) == 0


def test_sqs_filter_criteria_on_the_body(lam: Any, relay: str, sqs: Any) -> None:
    url, arn, out = _source(sqs)
    lam.create_event_source_mapping(
        EventSourceArn=arn,
        FunctionName=relay,
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": {"kind": ["keep"]}})}]},
    )
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "drop"}))
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "keep"}))
    (got,) = _collect(sqs, out, 1)
    assert json.loads(got["text"]) == {"kind": "keep"}
    # the message no filter matched was deleted, not delivered
    assert _until(lambda: _count(sqs, url) + _count(sqs, url, "ApproximateNumberOfMessagesNotVisible") == 0)
    assert _count(sqs, out) == 0


def test_disabled_mapping_does_nothing(lam: Any, relay: str, sqs: Any) -> None:
    url, arn, out = _source(sqs)
    made = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=relay, Enabled=False)
    sqs.send_message(QueueUrl=url, MessageBody="wait")
    assert _collect(sqs, out, 1, within=1.0) == []
    assert _count(sqs, url) == 1
    lam.update_event_source_mapping(UUID=made["UUID"], Enabled=True)
    (got,) = _collect(sqs, out, 1)
    assert got["text"] == "wait"


def test_fifo_queue_in_order(lam: Any, relay: str, sqs: Any) -> None:
    url, arn, out = _source(sqs, FifoQueue="true", ContentBasedDeduplication="true")
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=relay, BatchSize=2)
    for i in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}", MessageGroupId="g")
    got = _collect(sqs, out, 5)
    assert [g["text"] for g in got] == [f"m{i}" for i in range(5)]
    assert got[0]["record"]["attributes"]["MessageGroupId"] == "g"


# -- streams ----------------------------------------------------------------------------------------


def _stream(env: Env, sqs: Any) -> tuple[Any, str, str, str]:
    """A Kinesis stream of one shard: (client, name, ARN, the URL of its records' out queue)."""
    kinesis = env.client("kinesis")
    name = _new("s")
    out, _ = _queue(sqs, name + "-out")
    kinesis.create_stream(StreamName=name, ShardCount=1)
    stream = kinesis.describe_stream(StreamName=name)["StreamDescription"]["StreamARN"]
    return kinesis, name, stream, out


def test_kinesis_records_in_order_from_trim_horizon(lam: Any, relay: str, sqs: Any, env: Env) -> None:
    kinesis, name, stream, out = _stream(env, sqs)
    kinesis.put_record(StreamName=name, Data=b"first", PartitionKey="p")
    made = lam.create_event_source_mapping(
        EventSourceArn=stream, FunctionName=relay, StartingPosition="TRIM_HORIZON", BatchSize=2
    )
    assert made["StartingPosition"] == "TRIM_HORIZON"
    assert made["BatchSize"] == 2
    assert made["MaximumRetryAttempts"] == -1
    assert made["MaximumRecordAgeInSeconds"] == -1
    assert made["ParallelizationFactor"] == 1
    assert made["BisectBatchOnFunctionError"] is False
    assert made["DestinationConfig"] == {"OnFailure": {}}
    assert made["LastProcessingResult"] == "No records processed"
    for i in range(4):
        kinesis.put_record(StreamName=name, Data=f"r{i}".encode(), PartitionKey="p")
    got = _collect(sqs, out, 5)
    assert [g["text"] for g in got] == ["first", "r0", "r1", "r2", "r3"]
    record = got[0]["record"]
    assert record["eventSource"] == "aws:kinesis"
    assert record["eventName"] == "aws:kinesis:record"
    assert record["eventVersion"] == "1.0"
    assert record["eventSourceARN"] == stream
    assert record["kinesis"]["kinesisSchemaVersion"] == "1.0"
    assert record["kinesis"]["partitionKey"] == "p"
    assert record["eventID"] == f"shardId-000000000000:{record['kinesis']['sequenceNumber']}"
    assert record["invokeIdentityArn"].endswith(":role/relay")
    assert _until(lambda: lam.get_event_source_mapping(UUID=made["UUID"])["LastProcessingResult"] == "OK")


def test_kinesis_latest_skips_older_and_failures_go_to_on_failure(
    lam: Any, relay: str, sqs: Any, env: Env
) -> None:
    dlq_url, dlq_arn = _queue(sqs)
    kinesis, name, stream, out = _stream(env, sqs)
    kinesis.put_record(StreamName=name, Data=b"old", PartitionKey="p")
    made = lam.create_event_source_mapping(
        EventSourceArn=stream,
        FunctionName=relay,
        StartingPosition="LATEST",
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": dlq_arn}},
        Enabled=False,
    )
    kinesis.put_record(StreamName=name, Data=b"boom", PartitionKey="p")
    kinesis.put_record(StreamName=name, Data=b"after", PartitionKey="p")
    lam.update_event_source_mapping(UUID=made["UUID"], Enabled=True)
    failure = _until(lambda: sqs.receive_message(QueueUrl=dlq_url).get("Messages"))
    doc = json.loads(failure[0]["Body"])
    assert doc["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert doc["requestContext"]["approximateInvokeCount"] == 2
    assert doc["responseContext"]["functionError"] == "Unhandled"
    info = doc["KinesisBatchInfo"]
    assert info["shardId"] == "shardId-000000000000"
    assert info["streamArn"] == stream
    assert info["batchSize"] == 2
    assert (
        lam.get_event_source_mapping(UUID=made["UUID"])["LastProcessingResult"]
        == "PROBLEM: Function call failed"
    )
    kinesis.put_record(StreamName=name, Data=b"later", PartitionKey="p")
    (got,) = _collect(sqs, out, 1)
    assert got["text"] == "later"  # neither "old" (before the mapping) nor the discarded batch


def test_kinesis_at_timestamp(lam: Any, relay: str, sqs: Any, env: Env) -> None:
    kinesis, name, stream, out = _stream(env, sqs)
    kinesis.put_record(StreamName=name, Data=b"before", PartitionKey="p")
    since = int(time.time()) + 1  # (the wire carries whole seconds)
    time.sleep(since - time.time() + 0.01)
    kinesis.put_record(StreamName=name, Data=b"since", PartitionKey="p")
    made = lam.create_event_source_mapping(
        EventSourceArn=stream,
        FunctionName=relay,
        StartingPosition="AT_TIMESTAMP",
        StartingPositionTimestamp=since,
        BatchSize=1,
    )
    assert made["StartingPosition"] == "AT_TIMESTAMP"
    assert made["StartingPositionTimestamp"].timestamp() == since
    got = _collect(sqs, out, 1)
    assert [g["text"] for g in got] == ["since"]


def test_kinesis_filter_criteria_on_the_data(lam: Any, relay: str, sqs: Any, env: Env) -> None:
    kinesis, name, stream, out = _stream(env, sqs)
    lam.create_event_source_mapping(
        EventSourceArn=stream,
        FunctionName=relay,
        StartingPosition="TRIM_HORIZON",
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"data": {"kind": ["keep"]}})}]},
    )
    for data in ({"kind": "drop"}, "not json", {"kind": "keep"}):
        kinesis.put_record(StreamName=name, Data=json.dumps(data).encode(), PartitionKey="p")
    (got,) = _collect(sqs, out, 1)
    assert json.loads(got["text"]) == {"kind": "keep"}


def test_kinesis_bisects_a_failing_batch(lam: Any, relay: str, sqs: Any, env: Env) -> None:
    kinesis, name, stream, out = _stream(env, sqs)
    for text in ("a", "b", "boom", "c"):
        kinesis.put_record(StreamName=name, Data=text.encode(), PartitionKey="p")
    lam.create_event_source_mapping(
        EventSourceArn=stream,
        FunctionName=relay,
        StartingPosition="TRIM_HORIZON",
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=0,
    )
    got = _collect(sqs, out, 5)
    # at least once: the halves are retried (a, b again), the failing record alone is discarded
    assert [g["text"] for g in got] == ["a", "b", "a", "b", "c"]


def test_dynamodb_stream_insert_modify_remove(lam: Any, relay: str, sqs: Any, env: Env) -> None:
    ddb = env.client("dynamodb")
    name = _new("t")
    out, _ = _queue(sqs, name + "-out")
    table = ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    stream = table["LatestStreamArn"]
    made = lam.create_event_source_mapping(
        EventSourceArn=stream, FunctionName=relay, StartingPosition="LATEST"
    )
    assert made["BatchSize"] == 100
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    ddb.update_item(
        TableName=name,
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"N": "2"}},
    )
    ddb.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    got = _collect(sqs, out, 3)
    records = [g["record"] for g in got]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    first = records[0]
    assert first["eventSource"] == "aws:dynamodb"
    assert first["eventVersion"] == "1.1"
    assert first["eventSourceARN"] == stream
    assert first["awsRegion"] == "us-east-1"
    assert first["dynamodb"]["Keys"] == {"pk": {"S": "a"}}
    assert first["dynamodb"]["NewImage"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
    assert first["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert isinstance(first["dynamodb"]["ApproximateCreationDateTime"], float)
    assert records[1]["dynamodb"]["OldImage"]["v"] == {"N": "1"}
    assert "NewImage" not in records[2]["dynamodb"]


# -- leases and restarts ----------------------------------------------------------------------------


def test_a_mapping_leased_elsewhere_is_not_polled_here(lam: Any, relay: str, sqs: Any, env: Env) -> None:
    from awsmock.services.lambda_ import pollers

    url, arn, out = _source(sqs)
    made = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=relay, Enabled=False)
    assert pollers._hold(env.store, made["UUID"], "another-process", 60.0)  # another process polls it
    lam.update_event_source_mapping(UUID=made["UUID"], Enabled=True)
    sqs.send_message(QueueUrl=url, MessageBody="mine?")
    assert _collect(sqs, out, 1, within=1.0) == []
    assert pollers._hold(env.store, made["UUID"], "another-process", -1.0)  # ...and its lease runs out
    (got,) = _collect(sqs, out, 1)
    assert got["text"] == "mine?"


def test_a_starting_server_resumes_enabled_mappings(lam: Any, relay: str, sqs: Any, env: Env) -> None:
    from awsmock.engine import outbox
    from awsmock.services.lambda_ import pollers

    url, arn, out = _source(sqs)
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=relay)
    pollers._POLLERS[env.store].halt()  # as if this process had just started on the state
    sqs.send_message(QueueUrl=url, MessageBody="resumed")
    assert _collect(sqs, out, 1, within=1.0) == []
    outbox.server_started(env.store)
    (got,) = _collect(sqs, out, 1)
    assert got["text"] == "resumed"
