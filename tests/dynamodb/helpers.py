"""Helpers for DynamoDB tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def error(fn: Callable[..., Any], **kw: Any) -> tuple[str, str]:
    """Call ``fn`` expecting a ClientError; its code and message."""
    with pytest.raises(ClientError) as info:
        fn(**kw)
    err = info.value.response["Error"]
    return str(err["Code"]), str(err.get("Message", ""))


def error_code(fn: Callable[..., Any], **kw: Any) -> str:
    """Call ``fn`` expecting a ClientError; its code."""
    return error(fn, **kw)[0]
