"""S3 Control fixtures: ``control`` and ``s3`` (boto3 clients in this run's mode), the account
they act on, and ``error_of``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"


@pytest.fixture
def control(aws_client: Callable[..., Any]) -> Any:
    return aws_client("s3control")


@pytest.fixture
def s3(aws_client: Callable[..., Any]) -> Any:
    return aws_client("s3")


def error_of(call: Callable[[], Any]) -> tuple[str, str, int, dict[str, Any]]:
    """(code, message, HTTP status, the whole error) of the error a call raises."""
    with pytest.raises(ClientError) as caught:
        call()
    err = caught.value.response["Error"]
    return (
        err["Code"],
        err.get("Message", ""),
        caught.value.response["ResponseMetadata"]["HTTPStatusCode"],
        err,
    )
