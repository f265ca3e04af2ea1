"""SSM fixtures: ``ssm`` (a boto3 client in this run's mode), ``kms``, and ``error_of``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def ssm(aws_client: Callable[..., Any]) -> Any:
    return aws_client("ssm")


@pytest.fixture
def kms(aws_client: Callable[..., Any]) -> Any:
    return aws_client("kms")


def error_of(call: Callable[[], Any]) -> tuple[str, str]:
    """(code, message) of the error a call raises."""
    with pytest.raises(ClientError) as caught:
        call()
    err = caught.value.response["Error"]
    return err["Code"], err.get("Message", "")
