"""EventBridge fixtures: ``events``, ``sqs``, ``sns``, ``logs``, ``kinesis`` (boto3 clients in
this run's mode), ``new_queue`` (a queue, returning (URL, ARN)), ``received`` (the bodies a
queue holds now) and ``error_of``."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def events(aws_client: Callable[..., Any]) -> Any:
    return aws_client("events")


@pytest.fixture
def sqs(aws_client: Callable[..., Any]) -> Any:
    return aws_client("sqs")


@pytest.fixture
def new_queue(sqs: Any) -> Callable[..., tuple[str, str]]:
    def make(fifo: bool = False, **attributes: str) -> tuple[str, str]:
        name = f"q-{uuid.uuid4().hex[:10]}" + (".fifo" if fifo else "")
        if fifo:
            attributes["FifoQueue"] = "true"
        url: str = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return url, arn

    return make


@pytest.fixture
def received(sqs: Any) -> Callable[[str], list[Any]]:
    def read(url: str) -> list[Any]:
        out: list[Any] = []
        while True:
            got = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
            ).get("Messages", [])
            if not got:
                return out
            out += [json.loads(m["Body"]) for m in got]

    return read


def error_of(call: Callable[[], Any]) -> tuple[str, str]:
    """(code, message) of the error a call raises."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as caught:
        call()
    err = caught.value.response["Error"]
    return err["Code"], err.get("Message", "")
