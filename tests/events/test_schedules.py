"""Scheduled rules: the next firing times of rate and cron expressions, and a rule firing its
``Scheduled Event`` once when its time comes (through the outbox's leases)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import update

from awsmock.engine import outbox
from awsmock.models.awsmock import OutboxEntry
from awsmock.services.events.schedules import next_fire

NOW = dt.datetime(2026, 12, 7, 20, 8, 30, tzinfo=dt.UTC)  # a Monday


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("rate(5 minutes)", dt.datetime(2026, 12, 7, 20, 13, 30)),
        ("rate(1 day)", dt.datetime(2026, 12, 8, 20, 8, 30)),
        ("cron(0/15 * * * ? *)", dt.datetime(2026, 12, 7, 20, 15)),
        ("cron(0 18 ? * MON-FRI *)", dt.datetime(2026, 12, 8, 18, 0)),
        ("cron(15 10 ? * 6L 2027)", dt.datetime(2027, 1, 29, 10, 15)),  # the last Friday
        ("cron(0 9 ? * 2#1 *)", dt.datetime(2027, 1, 4, 9, 0)),  # the first Monday
        ("cron(0 0 L * ? *)", dt.datetime(2026, 12, 31, 0, 0)),
        ("cron(0 8 1 JAN,JUL ? *)", dt.datetime(2027, 1, 1, 8, 0)),
        ("cron(0 0 1 1 ? 2020)", None),
    ],
)
def test_next_firing_times(expression: str, expected: dt.datetime | None) -> None:
    assert next_fire(expression, NOW) == (expected.replace(tzinfo=dt.UTC) if expected else None)


def _come_due(store: Any) -> None:
    """Time passes: the pending schedule entries are due now."""
    with store.session() as session:
        session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.kind == "events.schedule", OutboxEntry.state == "pending")
            .values(due_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )


def _wait_for(read: Callable[[], list[Any]], count: int) -> list[Any]:
    deadline = time.monotonic() + 5
    got: list[Any] = []
    while time.monotonic() < deadline:
        got += read()
        if len(got) >= count:
            break
        time.sleep(0.05)
    return got


def test_a_scheduled_rule_fires_once_per_period(
    events: Any, store: Any, new_queue: Callable[..., tuple[str, str]], received: Callable[[str], list[Any]]
) -> None:
    url, arn = new_queue()
    rule = events.put_rule(Name="tick", ScheduleExpression="rate(1 minute)")["RuleArn"]
    events.put_targets(Rule="tick", Targets=[{"Id": "q", "Arn": arn}])
    assert received(url) == []  # not before its time
    _come_due(store)
    outbox.drain(store)
    (event,) = _wait_for(lambda: received(url), 1)
    assert (event["source"], event["detail-type"], event["resources"], event["detail"]) == (
        "aws.events",
        "Scheduled Event",
        [rule],
        {},
    )
    outbox.drain(store)  # the next firing is a minute away
    assert received(url) == []
    events.disable_rule(Name="tick")
    _come_due(store)
    outbox.drain(store)
    time.sleep(0.2)
    assert received(url) == []  # a disabled rule does not fire
    events.enable_rule(Name="tick")
    _come_due(store)
    outbox.drain(store)
    assert len(_wait_for(lambda: received(url), 1)) == 1
