"""SQS fixtures: ``sqs`` (a boto3 client for each mode), ``new_queue`` (unique queue names) and
``two_servers`` (two server processes sharing one state)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.helpers import ServerProcess


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


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Two server processes on one shared state directory (one pair per test module)."""
    data = tmp_path_factory.mktemp("shared-state")
    a = ServerProcess(data).start()
    b = ServerProcess(data).start()
    yield a, b
    a.stop()
    b.stop()
