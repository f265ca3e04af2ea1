"""How the server runs requests (awsmock/turns.py): quick ones on the event loop's thread,
the rest on worker threads that take turns; a request that waits (a long poll) or streams to a
slow reader hands the turn on, so it never holds up other requests."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config as BotoConfig

from tests.helpers import ServerProcess


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("turns"), "--threads", "4").start()
    yield proc
    proc.stop()


def _client(srv: ServerProcess, service: str) -> Any:
    return boto3.client(service, endpoint_url=srv.url, region_name="us-east-1",
                        config=BotoConfig(retries={"max_attempts": 1}, read_timeout=30))


def test_long_polls_do_not_hold_up_other_requests(srv: ServerProcess) -> None:
    sqs = _client(srv, "sqs")
    url = sqs.create_queue(QueueName="turns-empty")["QueueUrl"]
    got: list[list[Any]] = []
    done = threading.Event()

    def poll() -> None:
        got.append(_client(srv, "sqs").receive_message(QueueUrl=url, WaitTimeSeconds=20).get("Messages", []))
        if len(got) == 3:
            done.set()

    pollers = [threading.Thread(target=poll) for _ in range(3)]  # 3 of the server's 4 threads wait
    for t in pollers:
        t.start()
    # every poll is waiting, yet other requests are answered (by the one thread left)
    names = [sqs.create_queue(QueueName=f"turns-{i}")["QueueUrl"].rsplit("/", 1)[1] for i in range(20)]
    assert names == [f"turns-{i}" for i in range(20)]
    assert not done.is_set() and got == []
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
    assert done.wait(20)
    for t in pollers:
        t.join()
    assert sorted(m["Body"] for ms in got for m in ms) == ["m0", "m1", "m2"]


@pytest.mark.parametrize("small_before", [False, True], ids=["first-get", "was-small"])
def test_a_slow_reader_of_a_large_object_holds_up_nobody(srv: ServerProcess, small_before: bool) -> None:
    s3 = _client(srv, "s3")
    bucket = f"turns-{small_before}".lower()
    s3.create_bucket(Bucket=bucket)
    if small_before:  # its GETs now run on the event loop's thread, which must not wait to send
        s3.put_object(Bucket=bucket, Key="big", Body=b"small")
        assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == b"small"
    size = 48 * 1024 * 1024  # beyond socket buffers and waitress' 16 MiB output watermark
    # public, so that the plain socket's unsigned GET may read it (as S3 allows)
    s3.put_object(Bucket=bucket, Key="big", Body=b"z" * size, ACL="public-read")
    host, port = srv.url.removeprefix("http://").split(":")
    slow = socket.create_connection((host, int(port)))
    try:
        slow.sendall(f"GET /{bucket}/big HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        first = slow.recv(65536)  # the response has started; the rest waits for this reader
        assert first.startswith(b"HTTP/1.1 200")
        for i in range(10):  # meanwhile, other requests are answered
            s3.put_object(Bucket=bucket, Key=f"small-{i}", Body=b"s")
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
        assert keys == ["big"] + [f"small-{i}" for i in range(10)]
        received = len(first) - first.index(b"\r\n\r\n") - 4
        while received < size:
            chunk = slow.recv(1 << 20)
            assert chunk
            received += len(chunk)
        assert received == size
    finally:
        slow.close()


def test_quick_requests_are_answered_while_every_worker_waits(srv: ServerProcess) -> None:
    sqs, s3, ddb = _client(srv, "sqs"), _client(srv, "s3"), _client(srv, "dynamodb")
    url = sqs.create_queue(QueueName="turns-all-busy")["QueueUrl"]
    s3.create_bucket(Bucket="turns-busy")
    got: list[int] = []

    def poll() -> None:
        got.append(len(_client(srv, "sqs").receive_message(QueueUrl=url, WaitTimeSeconds=20).get("Messages", [])))

    pollers = [threading.Thread(target=poll) for _ in range(4)]  # all 4 worker threads wait
    for t in pollers:
        t.start()
    # JSON-protocol calls and small S3 PUTs run on the event loop's thread meanwhile
    assert ddb.list_tables()["TableNames"] == []
    s3.put_object(Bucket="turns-busy", Key="k", Body=b"small")
    sqs.send_message(QueueUrl=url, MessageBody="wake")  # (SQS JSON: SendMessage is quick too)
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"more-{i}")
    for t in pollers:
        t.join(25)
    assert sorted(got) == [1, 1, 1, 1]
    assert s3.get_object(Bucket="turns-busy", Key="k")["Body"].read() == b"small"


def test_receives_that_cannot_wait_run_while_every_worker_waits(srv: ServerProcess) -> None:
    sqs = _client(srv, "sqs")
    busy = sqs.create_queue(QueueName="turns-busy-polls")["QueueUrl"]
    plain = sqs.create_queue(QueueName="turns-plain")["QueueUrl"]
    assert sqs.receive_message(QueueUrl=plain).get("Messages") is None  # learned: no default wait
    sqs.send_message(QueueUrl=plain, MessageBody="now")
    sqs.send_message(QueueUrl=plain, MessageBody="then")
    got: list[int] = []
    pollers = [threading.Thread(target=lambda: got.append(len(_client(srv, "sqs").receive_message(
        QueueUrl=busy, WaitTimeSeconds=20).get("Messages", [])))) for _ in range(4)]
    for t in pollers:
        t.start()
    # with every worker in a long poll, a zero-wait receive is still answered (event loop)
    first = sqs.receive_message(QueueUrl=plain, WaitTimeSeconds=0)["Messages"]
    second = sqs.receive_message(QueueUrl=plain)["Messages"]  # no wait time: the queue's (0)
    assert sorted(m["Body"] for m in first + second) == ["now", "then"]
    assert sqs.receive_message(QueueUrl=plain).get("Messages") is None  # empty: answered at once
    for i in range(4):
        sqs.send_message(QueueUrl=busy, MessageBody=f"w{i}")
    for t in pollers:
        t.join(25)
    assert got == [1, 1, 1, 1]


def test_a_queue_whose_default_wait_changed_long_polls_again(srv: ServerProcess) -> None:
    sqs = _client(srv, "sqs")
    url = sqs.create_queue(QueueName="turns-default-wait")["QueueUrl"]
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None  # learned: no default wait
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"ReceiveMessageWaitTimeSeconds": "10"})
    got: list[list[Any]] = []
    poller = threading.Thread(target=lambda: got.append(
        _client(srv, "sqs").receive_message(QueueUrl=url).get("Messages", [])))
    poller.start()
    poller.join(1.0)
    assert poller.is_alive() and got == []  # waiting (the queue's default), not answered empty
    sqs.send_message(QueueUrl=url, MessageBody="late")
    poller.join(15)
    assert [m["Body"] for m in got[0]] == ["late"]
