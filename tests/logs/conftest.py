"""Logs fixtures: ``logs`` (a boto3 client in this run's mode), ``group`` (a new log group with
one stream, ``s``), ``now_ms`` and ``error_of``."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def logs(aws_client: Callable[..., Any]) -> Any:
    return aws_client("logs")


@pytest.fixture
def group(logs: Any) -> str:
    logs.create_log_group(logGroupName="/app/test")
    logs.create_log_stream(logGroupName="/app/test", logStreamName="s")
    return "/app/test"


def now_ms() -> int:
    return int(time.time() * 1000)


def error_of(call: Callable[[], Any]) -> tuple[str, str]:
    """(code, message) of the error a call raises."""
    with pytest.raises(ClientError) as caught:
        call()
    err = caught.value.response["Error"]
    return err["Code"], err.get("Message", "")
