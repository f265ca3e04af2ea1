"""Assertion helpers for S3 tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def client_error(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Call ``fn`` expecting a ClientError; returns ``{"Code", "Message", ..., "Status", "Headers"}``."""
    with pytest.raises(ClientError) as info:
        fn(*args, **kwargs)
    resp = info.value.response
    return {
        **resp["Error"],
        "Status": resp["ResponseMetadata"]["HTTPStatusCode"],
        "Headers": resp["ResponseMetadata"].get("HTTPHeaders", {}),
    }
