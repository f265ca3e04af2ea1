"""Helpers of the Secrets Manager tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import botocore.exceptions
import pytest

NOT_FOUND = ("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
MARKED = (
    "InvalidRequestException",
    "You can't perform this operation on the secret because it was marked for deletion.",
)


def error_of(fn: Callable[[], Any]) -> tuple[str, str]:
    """The error code and message of a call that must fail."""
    with pytest.raises(botocore.exceptions.ClientError) as info:
        fn()
    err = info.value.response["Error"]
    return err["Code"], err.get("Message", "")
