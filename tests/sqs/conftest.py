"""SQS fixtures: ``sqs`` (a boto3 client for each mode) and ``new_queue`` (unique queue names)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def sqs(aws_client: Callable[..., Any]) -> Any:
    return aws_client("sqs")


@pytest.fixture
def new_queue(sqs: Any) -> Callable[..., str]:
    """``new_queue(fifo=False, **attributes)`` -> the URL of a fresh queue."""

    def make(fifo: bool = False, name: str | None = None, **attributes: Any) -> str:
        qname = name or f"q-{uuid.uuid4().hex[:12]}"
        attrs = {k: str(v) for k, v in attributes.items()}
        if fifo:
            qname += ".fifo"
            attrs["FifoQueue"] = "true"
        return sqs.create_queue(QueueName=qname, Attributes=attrs)["QueueUrl"]

    return make
