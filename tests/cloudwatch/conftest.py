"""CloudWatch fixtures: ``cw`` (a boto3 client in this run's mode), ``now`` (this minute, for
datapoints the statistics of which are read back) and ``error_of``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def cw(aws_client: Callable[..., Any]) -> Any:
    return aws_client("cloudwatch")


@pytest.fixture
def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)


def error_of(call: Callable[[], Any]) -> tuple[str, str]:
    """(code, message) of the error a call raises."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as caught:
        call()
    err = caught.value.response["Error"]
    return err["Code"], err.get("Message", "")


DIMS = [{"Name": "Service", "Value": "api"}]
