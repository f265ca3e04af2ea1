"""Scale-out: two ``awsmock server`` processes (API nodes) on one PostgreSQL database.

What SQLite's single writer gave for free must hold across nodes: an SQS message is delivered to
exactly one receiver and none is lost; DynamoDB conditional writes and ADD counters serialize;
an S3 multipart upload completes once; long polls on one node wake on sends to the other; and
the admin API (reset, snapshots) acts on the shared state from any node.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers import ServerProcess
from tests.reliability.scenarios import ddb_serialization

pytestmark = pytest.mark.server

Nodes = tuple[ServerProcess, ServerProcess]


@pytest.fixture(scope="module")
def nodes(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nodes]:
    tmp = tmp_path_factory.mktemp("pg-nodes")
    a = ServerProcess(tmp / "a", database_url=pg_url).start()
    try:
        b = ServerProcess(tmp / "b", database_url=pg_url).start()
    except BaseException:
        a.stop()
        raise
    try:
        yield a, b
    finally:
        a.stop()
        b.stop()


@pytest.fixture
def both(nodes: Nodes) -> Nodes:
    status, body = nodes[0].admin("POST", "/_awsmock/reset")
    assert status == 200, body
    return nodes


def test_both_nodes_report_postgresql(both: Nodes) -> None:
    for node in both:
        status, body = node.admin("GET", "/_awsmock/health")
        assert status == 200
        assert json.loads(body)["backend"] == "postgresql"


def test_sqs_each_message_delivered_exactly_once_across_nodes(both: Nodes) -> None:
    a, b = both
    url = a.client("sqs").create_queue(QueueName="work", Attributes={"VisibilityTimeout": "300"})["QueueUrl"]
    total = 200
    for start in range(0, total, 10):
        node = a if start % 20 else b
        node.client("sqs").send_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(start, start + 10)]
        )
    got: list[str] = []
    lock = threading.Lock()

    def consume(node: ServerProcess) -> None:
        sqs = node.client("sqs")
        empty = 0
        while empty < 2:
            msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=7, WaitTimeSeconds=0).get(
                "Messages", []
            )
            if not msgs:
                empty += 1
                continue
            empty = 0
            with lock:
                got.extend(m["Body"] for m in msgs)
            sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)],
            )

    workers = [a, b] * 3
    with ThreadPoolExecutor(len(workers)) as pool:
        list(pool.map(consume, workers))
    counts = Counter(got)
    assert [body for body, n in counts.items() if n > 1] == []  # no duplicate delivery
    assert set(counts) == {f"m{i}" for i in range(total)}  # no lost message


def test_sqs_fifo_groups_stay_ordered_and_exactly_once_across_nodes(both: Nodes) -> None:
    a, b = both
    url = a.client("sqs").create_queue(
        QueueName="work.fifo", Attributes={"FifoQueue": "true", "VisibilityTimeout": "300"}
    )["QueueUrl"]
    groups, per_group = 4, 15
    for i in range(per_group):
        (a if i % 2 else b).client("sqs").send_message_batch(
            QueueUrl=url,
            Entries=[
                {
                    "Id": str(g),
                    "MessageBody": f"{g}:{i}",
                    "MessageGroupId": str(g),
                    "MessageDeduplicationId": f"{g}-{i}",
                }
                for g in range(groups)
            ],
        )
    got: list[str] = []
    lock = threading.Lock()

    def consume(node: ServerProcess) -> None:
        sqs = node.client("sqs")
        empty = 0
        while empty < 3:
            msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=3).get("Messages", [])
            if not msgs:
                empty += 1
                continue
            empty = 0
            with lock:  # recorded before the delete lets the group's next message out
                got.extend(m["Body"] for m in msgs)
            for m in msgs:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(consume, [a, b, a, b]))
    assert sorted(got) == sorted(f"{g}:{i}" for g in range(groups) for i in range(per_group))
    for g in range(groups):
        assert [int(x.split(":")[1]) for x in got if x.startswith(f"{g}:")] == list(range(per_group))


def test_sqs_long_poll_on_one_node_wakes_on_a_send_to_the_other(both: Nodes) -> None:
    a, b = both
    url = a.client("sqs").create_queue(QueueName="lp")["QueueUrl"]
    waiting = a.client("sqs")
    waiting.receive_message(QueueUrl=url, WaitTimeSeconds=0)  # the listener is up
    result: list[Any] = []
    started = threading.Event()

    def receive() -> None:
        started.set()
        result.append(waiting.receive_message(QueueUrl=url, WaitTimeSeconds=20).get("Messages", []))

    thread = threading.Thread(target=receive)
    thread.start()
    started.wait()
    b.client("sqs").send_message(QueueUrl=url, MessageBody="wake up")
    thread.join(30)
    assert [m["Body"] for m in result[0]] == ["wake up"]


def test_dynamodb_counters_and_optimistic_locking_across_nodes(both: Nodes) -> None:
    figures = ddb_serialization(list(both), 3, 10)
    assert figures["increments"] == 2 * 3 * 10  # no increment lost
    assert figures["optimistic_wins"] >= 1  # and the version equals the winners (checked inside)


def test_dynamodb_transactions_serialize_across_nodes(both: Nodes) -> None:
    a, b = both
    a.client("dynamodb").create_table(
        TableName="bank",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for acct in ("x", "y"):
        a.client("dynamodb").put_item(TableName="bank", Item={"pk": {"S": acct}, "bal": {"N": "100"}})

    def transfer(pair: tuple[ServerProcess, int]) -> int:
        node, i = pair
        src, dst = ("x", "y") if i % 2 else ("y", "x")
        ddb = node.client("dynamodb")
        done = 0
        for _ in range(8):
            try:
                ddb.transact_write_items(
                    TransactItems=[
                        {
                            "Update": {
                                "TableName": "bank",
                                "Key": {"pk": {"S": src}},
                                "UpdateExpression": "SET bal = bal - :a",
                                "ConditionExpression": "bal >= :a",
                                "ExpressionAttributeValues": {":a": {"N": "7"}},
                            }
                        },
                        {
                            "Update": {
                                "TableName": "bank",
                                "Key": {"pk": {"S": dst}},
                                "UpdateExpression": "SET bal = bal + :a",
                                "ExpressionAttributeValues": {":a": {"N": "7"}},
                            }
                        },
                    ]
                )
                done += 1
            except ClientError as exc:
                assert exc.response["Error"]["Code"] in (
                    "TransactionCanceledException",
                    "TransactionConflictException",
                )
        return done

    with ThreadPoolExecutor(6) as pool:
        assert sum(pool.map(transfer, [(n, i) for i, n in enumerate([a, b] * 3)])) >= 1
    items = b.client("dynamodb").scan(TableName="bank", ConsistentRead=True)["Items"]
    balances = {it["pk"]["S"]: int(it["bal"]["N"]) for it in items}
    assert sum(balances.values()) == 200 and min(balances.values()) >= 0


def test_s3_multipart_completes_once_across_nodes(both: Nodes) -> None:
    a, b = both
    s3 = a.client("s3")
    s3.create_bucket(Bucket="multipart-nodes")
    up = s3.create_multipart_upload(Bucket="multipart-nodes", Key="big")["UploadId"]
    parts = []
    for n, node in ((1, a), (2, b)):
        body = bytes([n]) * (5 * 2**20 if n == 1 else 1000)
        etag = node.client("s3").upload_part(
            Bucket="multipart-nodes", Key="big", UploadId=up, PartNumber=n, Body=body
        )["ETag"]
        parts.append({"PartNumber": n, "ETag": etag})

    def complete(node: ServerProcess) -> str:
        try:
            node.client("s3").complete_multipart_upload(
                Bucket="multipart-nodes", Key="big", UploadId=up, MultipartUpload={"Parts": parts}
            )
            return "ok"
        except ClientError as exc:
            return exc.response["Error"]["Code"]

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(complete, [a, b, a, b]))
    assert "ok" in outcomes and set(outcomes) <= {"ok", "NoSuchUpload"}
    data = b.client("s3").get_object(Bucket="multipart-nodes", Key="big")["Body"].read()
    assert data == b"\x01" * (5 * 2**20) + b"\x02" * 1000
    versions = b.client("s3").list_object_versions(Bucket="multipart-nodes").get("Versions", [])
    assert len(versions) == 1
    assert b.client("s3").list_multipart_uploads(Bucket="multipart-nodes").get("Uploads", []) == []


def test_admin_api_acts_on_the_shared_state_from_any_node(both: Nodes, tmp_path: Path) -> None:
    a, b = both
    a.client("sqs").create_queue(QueueName="snap-me")
    status, body = a.admin("POST", "/_awsmock/snapshots", json.dumps({"name": "shared"}).encode())
    assert status == 201, body
    status, body = b.admin("GET", "/_awsmock/snapshots")
    assert [s["name"] for s in json.loads(body)["snapshots"]] == ["shared"]
    status, exported = b.admin("GET", "/_awsmock/snapshots/shared/export")
    assert status == 200 and exported.startswith(b"SQLite format 3\x00")
    assert a.admin("PUT", "/_awsmock/snapshots/copy", exported)[0] == 201
    assert a.admin("PUT", "/_awsmock/snapshots/copy", exported)[0] == 409
    assert b.admin("PUT", "/_awsmock/snapshots/bad", b"not a snapshot")[0] == 400
    assert b.admin("POST", "/_awsmock/reset?service=sqs")[0] == 200
    assert a.client("sqs").list_queues().get("QueueUrls", []) == []
    assert a.admin("POST", "/_awsmock/snapshots/copy/restore")[0] == 200
    assert b.client("sqs").list_queues()["QueueUrls"][0].endswith("/snap-me")
    assert b.admin("DELETE", "/_awsmock/snapshots/shared")[0] == 204
    assert a.admin("DELETE", "/_awsmock/snapshots/shared")[0] == 404
    assert a.admin("DELETE", "/_awsmock/snapshots/copy")[0] == 204


def test_reset_while_other_nodes_write(both: Nodes) -> None:
    a, b = both
    url = a.client("sqs").create_queue(QueueName="busy")["QueueUrl"]
    stop = threading.Event()
    errors: list[str] = []

    def write(node: ServerProcess) -> None:
        sqs = node.client("sqs")
        while not stop.is_set():
            try:
                sqs.send_message(QueueUrl=url, MessageBody="x")
            except ClientError as exc:  # the queue went away with a reset: expected
                if exc.response["Error"]["Code"] not in (
                    "AWS.SimpleQueueService.NonExistentQueue",
                    "QueueDoesNotExist",
                ):
                    errors.append(exc.response["Error"]["Code"])
                    return

    threads = [threading.Thread(target=write, args=(n,)) for n in (a, b, a, b)]
    for t in threads:
        t.start()
    try:
        for node in (a, b, a):
            status, body = node.admin("POST", "/_awsmock/reset?service=sqs")
            assert status == 200, (body, "".join(node.output[-40:]))
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert errors == []
    status, body = b.admin("POST", "/_awsmock/reset")
    assert status == 200, (body, "".join(b.output[-60:]))
    assert a.client("sqs").list_queues().get("QueueUrls", []) == []


def _smoke(client: Callable[..., Any]) -> None:
    client("sts").get_caller_identity()
    client("iam").create_user(UserName="smoke")
    assert client("iam").list_users()["Users"][0]["UserName"] == "smoke"
    client("s3").create_bucket(Bucket="smoke")
    client("s3").put_object(Bucket="smoke", Key="k", Body=b"v")
    ddb = client("dynamodb")
    ddb.create_table(
        TableName="smoke",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    ddb.put_item(TableName="smoke", Item={"pk": {"S": "1"}})


def test_every_service_answers_from_either_node(both: Nodes) -> None:
    a, b = both
    _smoke(a.client)
    assert b.client("s3").get_object(Bucket="smoke", Key="k")["Body"].read() == b"v"
    assert b.client("dynamodb").get_item(TableName="smoke", Key={"pk": {"S": "1"}})["Item"] == {
        "pk": {"S": "1"}
    }
    streams = b.client("dynamodbstreams").list_streams(TableName="smoke")["Streams"]
    assert len(streams) == 1
    assert b.client("iam").get_user(UserName="smoke")["User"]["UserName"] == "smoke"
