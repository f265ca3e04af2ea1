"""Exactly-once delivery with concurrent consumers on two servers sharing one state."""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.server
CONSUMERS_PER_SERVER = 3


def _consume(server, url, expected, received, lock, done, on_batch=None, **receive):
    client = server.client("sqs")
    deadline = time.monotonic() + 60
    while not done.is_set() and time.monotonic() < deadline:
        msgs = client.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageSystemAttributeNames=["All"],
            **receive,
        ).get("Messages", [])
        if not msgs:
            continue
        with lock:
            received.extend(msgs)
            if on_batch:
                on_batch(msgs)
            if len({m["MessageId"] for m in received}) >= expected:
                done.set()
        entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)]
        res = client.delete_message_batch(QueueUrl=url, Entries=entries)
        assert not res.get("Failed"), res


def _run_consumers(servers, url, expected, on_batch=None, **receive):
    received: list = []
    lock = threading.Lock()
    done = threading.Event()
    with ThreadPoolExecutor(CONSUMERS_PER_SERVER * len(servers)) as pool:
        futures = [
            pool.submit(_consume, srv, url, expected, received, lock, done, on_batch, **receive)
            for srv in servers
            for _ in range(CONSUMERS_PER_SERVER)
        ]
        for f in futures:
            f.result()
    return received


def _send_all(client, url, bodies, extra):
    for start in range(0, len(bodies), 10):
        chunk = bodies[start : start + 10]
        entries = [{"Id": str(i), "MessageBody": b, **extra(b)} for i, b in enumerate(chunk)]
        res = client.send_message_batch(QueueUrl=url, Entries=entries)
        assert not res.get("Failed"), res


def test_standard_queue_every_message_exactly_once(two_servers):
    a, b = two_servers
    url = a.client("sqs").create_queue(QueueName="exactly-once", Attributes={"VisibilityTimeout": "60"})[
        "QueueUrl"
    ]
    bodies = [f"m{i}" for i in range(300)]
    with ThreadPoolExecutor(2) as pool:  # producers on both servers while consumers run
        consumers = pool.submit(_run_consumers, two_servers, url, len(bodies))
        _send_all(b.client("sqs"), url, bodies[:150], extra=lambda _b: {})
        _send_all(a.client("sqs"), url, bodies[150:], extra=lambda _b: {})
        received = consumers.result()
    counts = Counter(m["Body"] for m in received)
    assert set(counts) == set(bodies)  # none lost
    assert max(counts.values()) == 1  # none delivered twice while its visibility timeout held
    assert all(m["Attributes"]["ApproximateReceiveCount"] == "1" for m in received)


def test_fifo_order_per_group_with_concurrent_consumers(two_servers):
    a, b = two_servers
    url = a.client("sqs").create_queue(
        QueueName="ordered.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true", "VisibilityTimeout": "60"},
    )["QueueUrl"]
    groups = [f"g{i}" for i in range(4)]
    bodies = [f"{g}:{n:03d}" for n in range(30) for g in groups]
    _send_all(b.client("sqs"), url, bodies, extra=lambda body: {"MessageGroupId": body.split(":")[0]})
    per_group: dict[str, list[str]] = defaultdict(list)

    def record(msgs):
        for m in msgs:
            per_group[m["Attributes"]["MessageGroupId"]].append(m["Body"])

    received = _run_consumers(two_servers, url, len(bodies), on_batch=record)
    assert len(received) == len(bodies)
    for g in groups:
        assert per_group[g] == [b for b in bodies if b.startswith(g + ":")]


def test_redelivery_after_visibility_timeout_loses_nothing(two_servers):
    a, b = two_servers
    url = a.client("sqs").create_queue(QueueName="redeliver")["QueueUrl"]
    bodies = [f"r{i}" for i in range(40)]
    _send_all(a.client("sqs"), url, bodies, extra=lambda _b: {})
    # a consumer that "crashes": receives 20 messages and never deletes them
    crashed = []
    client = b.client("sqs")
    while len(crashed) < 20:
        crashed += client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=1).get(
            "Messages", []
        )
    received = _run_consumers(two_servers, url, len(bodies), VisibilityTimeout=60)
    counts = Counter(m["Body"] for m in received)
    assert set(counts) == set(bodies)
    assert max(counts.values()) == 1
    redelivered = {m["Body"] for m in received if m["Attributes"]["ApproximateReceiveCount"] == "2"}
    assert redelivered == {m["Body"] for m in crashed}
