"""Long polling: a waiting receive returns as soon as a message arrives, from any process."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

#: long polls wait on the server's threads; PostgreSQL wakes them by NOTIFY
pytestmark = pytest.mark.modes("server", "postgres")


def test_empty_long_poll_returns_nothing(sqs, new_queue):
    url = new_queue()
    assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)


def test_wait_returns_when_message_arrives(sqs, new_queue, aws_client):
    url = new_queue()
    sender = aws_client("sqs")
    with ThreadPoolExecutor(1) as pool:
        fut = pool.submit(sqs.receive_message, QueueUrl=url, WaitTimeSeconds=15)
        threading.Event().wait(0.3)
        sender.send_message(QueueUrl=url, MessageBody="ping")
        got = fut.result(timeout=14)
    assert [m["Body"] for m in got["Messages"]] == ["ping"]


def test_queue_default_wait_time(sqs, new_queue, aws_client):
    url = new_queue(ReceiveMessageWaitTimeSeconds=15)
    sender = aws_client("sqs")
    with ThreadPoolExecutor(1) as pool:
        fut = pool.submit(sqs.receive_message, QueueUrl=url)
        threading.Event().wait(0.3)
        sender.send_message(QueueUrl=url, MessageBody="ping")
        got = fut.result(timeout=14)
    assert [m["Body"] for m in got["Messages"]] == ["ping"]


def test_wait_sees_delayed_message(sqs, new_queue):
    url = new_queue()
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=1)
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10)
    assert [m["Body"] for m in got["Messages"]] == ["later"]


def test_wait_wakes_on_send_through_another_server(two_servers):
    a, b = two_servers
    ca, cb = a.client("sqs"), b.client("sqs")
    url = ca.create_queue(QueueName="cross-process")["QueueUrl"]
    url_b = cb.get_queue_url(QueueName="cross-process")["QueueUrl"]
    with ThreadPoolExecutor(1) as pool:
        fut = pool.submit(ca.receive_message, QueueUrl=url, WaitTimeSeconds=15)
        threading.Event().wait(0.5)
        cb.send_message(QueueUrl=url_b, MessageBody="across")
        got = fut.result(timeout=14)
    assert [m["Body"] for m in got["Messages"]] == ["across"]
