"""KMS fixtures: ``kms`` (a boto3 client in this run's mode) and ``new_key`` (a key made with
CreateKey's arguments, returning its metadata)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def kms(aws_client: Callable[..., Any]) -> Any:
    return aws_client("kms")


@pytest.fixture
def new_key(kms: Any) -> Callable[..., dict[str, Any]]:
    def make(**kw: Any) -> dict[str, Any]:
        meta: dict[str, Any] = kms.create_key(**kw)["KeyMetadata"]
        return meta

    return make


def error_of(call: Callable[[], Any]) -> tuple[str, str]:
    """(code, message) of the error a call raises."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as caught:
        call()
    err = caught.value.response["Error"]
    return err["Code"], err.get("Message", "")
