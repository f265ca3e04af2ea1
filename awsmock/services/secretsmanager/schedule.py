"""Rotation schedules: the rules RotateSecret takes, and the rotation windows they make.

``RotationRules`` holds ``AutomaticallyAfterDays`` (1 to 1000) or a ``ScheduleExpression``
(``rate(N hours)`` of at least 4 hours, ``rate(N days)`` up to 1000 days, or ``cron(...)`` in
EventBridge's six fields), never both, and an optional ``Duration`` (``Nh``): the length of the
window in which Secrets Manager rotates.

A window opens:

* every N days (``AutomaticallyAfterDays`` or ``rate(N days)``): at midnight UTC of the day N
  days after the last rotation (or after rotation was configured);
* every N hours (``rate(N hours)``): at midnight UTC and every N hours after it, the first such
  time after the last rotation;
* by ``cron(...)``: at the next time the expression names.

It closes after ``Duration``, else after one hour for a schedule in hours (a rate in hours, a
cron expression whose hours field names more than one hour) and at the end of the UTC day for a
schedule in days. A window may not reach into the next UTC day or the next window.
``NextRotationDate`` is the close of the next window ("on or before this date"); awsmock rotates
as the window opens, so moving the clock to ``NextRotationDate`` finds the rotation due.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .errors import InvalidParameterException

MIN_DAYS, MAX_DAYS = 1, 1000
MIN_HOURS = 4
_RATE = re.compile(r"rate\((\d+) (hour|hours|day|days)\)")
_DURATION = re.compile(r"([0-9]+)h")
_SINGLE = re.compile(r"\d{1,2}")


def _bad(message: str) -> InvalidParameterException:
    return InvalidParameterException(message)


def check(rules: dict[str, Any]) -> dict[str, Any]:
    """The rules as kept (only the members given), or AWS's InvalidParameterException."""
    days = rules.get("AutomaticallyAfterDays")
    expression = rules.get("ScheduleExpression")
    duration = rules.get("Duration")
    if days is not None and expression is not None:
        raise _bad("You can't specify both AutomaticallyAfterDays and ScheduleExpression in RotationRules.")
    out: dict[str, Any] = {}
    if days is not None:
        if not MIN_DAYS <= int(days) <= MAX_DAYS:
            raise _bad(f"AutomaticallyAfterDays must be between {MIN_DAYS} and {MAX_DAYS} days (inclusive).")
        out["AutomaticallyAfterDays"] = int(days)
    if expression is not None:
        _check_expression(str(expression))
        out["ScheduleExpression"] = str(expression)
    if duration is not None:
        m = _DURATION.fullmatch(str(duration))
        if m is None or not 1 <= int(m.group(1)) <= 24:
            raise _bad("The Duration must be a number of hours between 1h and 24h, such as 3h.")
        if days is None and expression is None:
            raise _bad("You must specify a ScheduleExpression or AutomaticallyAfterDays with a Duration.")
        hours = _rate_hours(out.get("ScheduleExpression"))
        if hours is not None and int(m.group(1)) > hours:
            raise _bad("The rotation window can't extend into the next rotation window.")
        out["Duration"] = str(duration)
    return out


def _check_expression(expression: str) -> None:
    rate = _RATE.fullmatch(expression)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2)
        if value < 1 or (value == 1) != (not unit.endswith("s")):
            raise _bad(f"Invalid ScheduleExpression: {expression}")
        if unit.startswith("hour") and not MIN_HOURS <= value <= 23:
            raise _bad("The schedule expression must rotate the secret no more often than every four hours.")
        if unit.startswith("day") and value > MAX_DAYS:
            raise _bad(f"The schedule expression must rotate the secret at least every {MAX_DAYS} days.")
        return
    from awsmock.services.events import internal as events

    try:
        events.next_cron_time(expression, dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    except ValueError:
        raise _bad(f"Invalid ScheduleExpression: {expression}") from None


def _rate_hours(expression: str | None) -> int | None:
    rate = _RATE.fullmatch(expression or "")
    if rate and rate.group(2).startswith("hour"):
        return int(rate.group(1))
    return None


def _rate_days(rules: dict[str, Any]) -> int | None:
    if rules.get("AutomaticallyAfterDays") is not None:
        return int(rules["AutomaticallyAfterDays"])
    rate = _RATE.fullmatch(rules.get("ScheduleExpression") or "")
    if rate and rate.group(2).startswith("day"):
        return int(rate.group(1))
    return None


def _midnight(moment: dt.datetime) -> dt.datetime:
    day = moment.astimezone(dt.UTC).date()
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _in_hours(expression: str) -> bool:
    """A cron expression whose hours field names more than one hour: a schedule in hours."""
    fields = expression[5:-1].split()
    return len(fields) == 6 and not _SINGLE.fullmatch(fields[1])


def next_window(rules: dict[str, Any], after: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
    """The next rotation window after ``after`` (the last rotation, or when rotation was set):
    (when it opens, when it closes); None when the schedule names no later time."""
    duration = _DURATION.fullmatch(str(rules.get("Duration") or ""))
    span = dt.timedelta(hours=int(duration.group(1))) if duration else None
    days = _rate_days(rules)
    if days is not None:
        start = _midnight(after) + dt.timedelta(days=days)
        return start, start + (span or dt.timedelta(days=1)) - dt.timedelta(seconds=1)
    expression = str(rules.get("ScheduleExpression") or "")
    hours = _rate_hours(expression)
    if hours is not None:
        start = _midnight(after)
        while start <= after:
            start += dt.timedelta(hours=hours)
            if start.hour < hours and start.hour != 0:  # each day's windows start again at midnight
                start = _midnight(start)
        return start, start + (span or dt.timedelta(hours=1)) - dt.timedelta(seconds=1)
    if not expression.startswith("cron("):
        return None
    from awsmock.services.events import internal as events

    opens = events.next_cron_time(expression, after)
    if opens is None:
        return None
    default = (
        dt.timedelta(hours=1) if _in_hours(expression) else _midnight(opens) + dt.timedelta(days=1) - opens
    )
    closes = opens + (span or default)
    closes = min(closes, _midnight(opens) + dt.timedelta(days=1))
    return opens, closes - dt.timedelta(seconds=1)


def described(rules: dict[str, Any]) -> dict[str, Any]:
    """The rules as DescribeSecret and ListSecrets show them (a rate in days also as
    ``AutomaticallyAfterDays``)."""
    out = dict(rules)
    days = _rate_days(rules)
    if days is not None:
        out["AutomaticallyAfterDays"] = days
    return out
