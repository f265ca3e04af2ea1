"""Long polls hold no thread in server mode (awsmock/engine/parking.py): many more waiting
receives than the server has threads, each answered as soon as a message for its queue arrives
(through whichever worker process) or empty at its wait time, while other requests go on."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config as BotoConfig

from tests.helpers import ServerProcess

pytestmark = pytest.mark.server

THREADS = 2
POLLS = 50


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """Two worker processes of two threads each: four threads for fifty long polls."""
    proc = ServerProcess(tmp_path_factory.mktemp("parking") / "data", "--workers", "2",
                         "--threads", str(THREADS)).start()
    yield proc
    proc.stop()


def _client(srv: ServerProcess, service: str) -> Any:
    """A client whose connection pool holds every poll at once (boto3 clients are thread-safe)."""
    return boto3.client(service, endpoint_url=srv.url, region_name="us-east-1",
                        config=BotoConfig(retries={"max_attempts": 1}, read_timeout=40,
                                          max_pool_connections=POLLS + 8))


def _poll_all(srv: ServerProcess, urls: list[str], wait: int) -> tuple[list[threading.Thread], dict[int, Any]]:
    got: dict[int, Any] = {}
    sqs = _client(srv, "sqs")

    def poll(i: int) -> None:
        asked = time.monotonic()
        response = sqs.receive_message(QueueUrl=urls[i], WaitTimeSeconds=wait)
        got[i] = ([m["Body"] for m in response.get("Messages", [])], time.monotonic(), asked)

    pollers = [threading.Thread(target=poll, args=(i,)) for i in range(len(urls))]
    for t in pollers:
        t.start()
    return pollers, got


def test_long_polls_beyond_the_threads_are_each_answered_when_their_message_comes(srv: ServerProcess) -> None:
    sqs, s3 = _client(srv, "sqs"), _client(srv, "s3")
    # two polls per queue: a send wakes one of them, not both
    queues = [sqs.create_queue(QueueName=f"parked-{i}")["QueueUrl"] for i in range(POLLS // 2)]
    s3.create_bucket(Bucket="parked-bucket")
    pollers, got = _poll_all(srv, queues + queues, 20)
    time.sleep(1.5)  # every poll has reached the server, found nothing and parked
    assert got == {}
    # meanwhile requests that need a worker thread (a first GET of a path) are answered
    started = time.monotonic()
    for i in range(3):
        assert s3.list_objects_v2(Bucket="parked-bucket", Prefix=f"p{i}")["KeyCount"] == 0
    assert time.monotonic() - started < 10.0  # (were the threads held: not before the polls' 20 s)
    sent: dict[str, float] = {}
    for round_ in range(2):
        for i, url in enumerate(queues):
            sent[f"m{i}-{round_}"] = time.monotonic()
            sqs.send_message(QueueUrl=url, MessageBody=f"m{i}-{round_}")
    for t in pollers:
        t.join(15)  # with a thread per poll, most would still be queued behind the first four
    assert not any(t.is_alive() for t in pollers)
    bodies = sorted(b for answer, _when, _asked in got.values() for b in answer)
    assert bodies == sorted(sent)  # each message to exactly one of its queue's two polls
    late = [b for answer, when, _asked in got.values() for b in answer if when - sent[b] > 5.0]
    assert late == []


def test_a_parked_poll_answers_empty_at_its_wait_time(srv: ServerProcess) -> None:
    sqs = _client(srv, "sqs")
    queues = [sqs.create_queue(QueueName=f"parked-empty-{i}")["QueueUrl"] for i in range(8)]
    pollers, got = _poll_all(srv, queues, 2)  # twice the threads: most of them are parked
    for t in pollers:
        t.join(10)
    waited = sorted(when - asked for _answer, when, asked in got.values())
    assert [answer for answer, _when, _asked in got.values()] == [[]] * len(queues)
    assert waited[0] >= 2.0 and waited[-1] < 3.0, waited
    # a queue's own default wait parks the same way
    url = sqs.create_queue(QueueName="parked-default", Attributes={"ReceiveMessageWaitTimeSeconds": "1"})["QueueUrl"]
    began = time.monotonic()
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    assert 1.0 <= time.monotonic() - began < 2.5

