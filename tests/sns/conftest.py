"""SNS fixtures: ``sns`` and ``sqs`` (boto3 clients in this run's mode), ``new_topic`` (a topic
with a unique name, returning its ARN), ``new_queue`` (a queue, returning (URL, ARN)) and
``received`` (the bodies a queue holds now)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def sns(aws_client: Callable[..., Any]) -> Any:
    return aws_client("sns")


@pytest.fixture
def sqs(aws_client: Callable[..., Any]) -> Any:
    return aws_client("sqs")


@pytest.fixture
def new_topic(sns: Any) -> Callable[..., str]:
    def make(fifo: bool = False, **attributes: str) -> str:
        name = f"t-{uuid.uuid4().hex[:10]}" + (".fifo" if fifo else "")
        if fifo:
            attributes["FifoTopic"] = "true"
        arn: str = sns.create_topic(Name=name, Attributes=attributes)["TopicArn"]
        return arn

    return make


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
def received(sqs: Any) -> Callable[..., list[dict[str, Any]]]:
    def read(url: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while True:
            got = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], AttributeNames=["All"]
            ).get("Messages", [])
            if not got:
                return out
            out += got

    return read


def error_of(call: Callable[[], Any]) -> tuple[str, str]:
    """(code, message) of the error a call raises."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as caught:
        call()
    err = caught.value.response["Error"]
    return err["Code"], err.get("Message", "")
