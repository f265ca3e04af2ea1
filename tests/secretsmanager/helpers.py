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


def wait_until(check: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll ``check`` every 50 ms until it holds (fail after ``timeout`` seconds)."""
    import time

    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting")
        time.sleep(0.05)


def rotations_settled(store: Any) -> bool:
    """No rotation of Secrets Manager is running or due: the outbox holds none of its entries in
    hand (leased) or due now (a failed rotation's retry, hours away, is not due)."""
    import datetime as dt

    from sqlalchemy import func, or_, select

    from awsmock.models.awsmock import OutboxEntry

    now = dt.datetime.now(dt.UTC)
    with store.session(write=False) as session:
        busy = session.scalar(
            select(func.count())
            .select_from(OutboxEntry)
            .where(
                OutboxEntry.kind == "secretsmanager.rotate",
                OutboxEntry.state == "pending",
                or_(OutboxEntry.due_at <= now, OutboxEntry.lease_until > now),
            )
        )
    return not busy
