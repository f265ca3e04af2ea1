"""Kinesis fixtures: ``kinesis`` (a boto3 client in this run's mode) and ``new_stream`` (a stream
made with CreateStream's arguments, returning its name)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def kinesis(aws_client: Callable[..., Any]) -> Any:
    return aws_client("kinesis")


@pytest.fixture
def new_stream(kinesis: Any) -> Callable[..., str]:
    def make(shards: int | None = 1, **kw: Any) -> str:
        name = kw.pop("StreamName", None) or f"s-{uuid.uuid4().hex[:10]}"
        if shards is not None:
            kw["ShardCount"] = shards
        kinesis.create_stream(StreamName=name, **kw)
        return name

    return make


def error_of(call: Callable[[], Any]) -> tuple[str, str]:
    """(code, message) of the error a call raises."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as caught:
        call()
    err = caught.value.response["Error"]
    return err["Code"], err.get("Message", "")


@pytest.fixture
def clocked(inprocess_client: Callable[..., Any]) -> Any:
    """A Kinesis client for tests that move the clock (time-machine moves this process's clock,
    not a server's): in-process in every mode."""
    return inprocess_client("kinesis")
