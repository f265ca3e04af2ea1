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


def all_pages(call: Callable[..., Any], member: str, **kw: Any) -> list[Any]:
    """Every entry of ``member`` over the pages of ``call`` (following ``NextToken``)."""
    out: list[Any] = []
    while True:
        page = call(**kw)
        out += page.get(member, [])
        if "NextToken" not in page:
            return out
        kw["NextToken"] = page["NextToken"]
