"""X-Ray fixtures: ``xray`` (a boto3 client in this run's mode), ``segment`` (a segment
document as JSON text) and ``trace_id`` (a fresh trace id of the current time)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def xray(aws_client: Callable[..., Any]) -> Any:
    return aws_client("xray")


def new_trace_id(at: float | None = None) -> str:
    return f"1-{int(time.time() if at is None else at):08x}-{os.urandom(12).hex()}"


def new_id() -> str:
    return os.urandom(8).hex()


def segment(trace_id: str, name: str = "web", **fields: Any) -> str:
    """A complete segment of one second that started a second ago (fields override)."""
    now = time.time()
    doc: dict[str, Any] = {
        "name": name,
        "id": new_id(),
        "trace_id": trace_id,
        "start_time": now - 1,
        "end_time": now,
    }
    doc.update(fields)
    return json.dumps(doc)


def error_of(call: Callable[[], Any]) -> tuple[str, str]:
    """(code, message) of the error a call raises."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as caught:
        call()
    err = caught.value.response["Error"]
    return err["Code"], err.get("Message", "")
