"""Schedule expressions as EventBridge takes them: ``rate(value unit)`` and
``cron(minutes hours day-of-month month day-of-week year)``."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .errors import validation

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
_DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT"


def _field(pattern: str, names: str = "") -> re.Pattern[str]:
    atom = rf"(?:{pattern}{'|' + names if names else ''})"
    item = rf"(?:\*|{atom}(?:-{atom})?)(?:/\d+)?"
    return re.compile(rf"^{item}(?:,{item})*$")


_MINUTE = _field(r"[0-5]?\d")
_HOUR = _field(r"(?:[01]?\d|2[0-3])")
_DOM = re.compile(
    r"^(?:\?|L|LW|(?:[1-9]|[12]\d|3[01])W|" + _field(r"(?:[1-9]|[12]\d|3[01])").pattern[1:-1] + r")$"
)
_MONTH = _field(r"(?:[1-9]|1[0-2])", _MONTHS)
_DOW = re.compile(
    r"^(?:\?|[1-7]L|(?:[1-7]|" + _DAYS + r")#[1-5]|" + _field(r"[1-7]", _DAYS).pattern[1:-1] + r"|L)$"
)
_YEAR = _field(r"(?:19[7-9]\d|2[01]\d\d)")


def invalid() -> Exception:
    return validation("Parameter ScheduleExpression is not valid.")


def check(expression: str) -> None:
    """ValidationException unless ``expression`` is a schedule EventBridge accepts."""
    if len(expression) > 256:
        raise invalid()
    rate = _RATE.match(expression)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2)
        if value < 1 or (value == 1) != (not unit.endswith("s")):
            raise invalid()
        return
    if not (expression.startswith("cron(") and expression.endswith(")")):
        raise invalid()
    fields = expression[5:-1].split()
    if len(fields) != 6:
        raise invalid()
    minute, hour, dom, month, dow, year = fields
    checks = ((_MINUTE, minute), (_HOUR, hour), (_DOM, dom), (_MONTH, month), (_DOW, dow), (_YEAR, year))
    if not all(rx.match(value.upper()) for rx, value in checks):
        raise invalid()
    if (dom == "?") == (dow == "?"):  # exactly one of the two days must be left open
        raise invalid()


# -- when a schedule fires next ----------------------------------------------------------------

_MONTH_NAMES = {name: i + 1 for i, name in enumerate(_MONTHS.split("|"))}
_DAY_NAMES = {name: i + 1 for i, name in enumerate(_DAYS.split("|"))}
_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
#: how far ahead a cron expression is searched (a year range may leave no time at all)
_HORIZON_DAYS = 366 * 5


def _values(spec: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int]:
    def number(text: str) -> int:
        return names[text] if names and text in names else int(text)

    out: set[int] = set()
    for item in spec.upper().split(","):
        base, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        if base == "*":
            start, end = low, high
        elif "-" in base:
            a, b = base.split("-", 1)
            start, end = number(a), number(b)
        else:
            start = number(base)
            end = high if step_text else start
        out.update(range(start, end + 1, max(step, 1)))
    return {v for v in out if low <= v <= high}


def _aws_weekday(day: dt.date) -> int:
    """1 (Sunday) to 7 (Saturday)."""
    return (day.weekday() + 1) % 7 + 1


def _last_day(day: dt.date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def _nearest_weekday(day: dt.date, target: int) -> int:
    last = _last_day(day)
    target = min(target, last)
    wd = dt.date(day.year, day.month, target).weekday()
    if wd == 5:  # Saturday: the Friday before, or the Monday after on the 1st
        return target - 1 if target > 1 else target + 2
    if wd == 6:
        return target + 1 if target < last else target - 2
    return target


def _day_matches(dom: str, dow: str, day: dt.date) -> bool:
    dom, dow = dom.upper(), dow.upper()
    if dom != "?":
        if dom == "L":
            return day.day == _last_day(day)
        if dom == "LW":
            return day.day == _nearest_weekday(day, _last_day(day))
        if dom.endswith("W"):
            return day.day == _nearest_weekday(day, int(dom[:-1]))
        return day.day in _values(dom, 1, 31)
    if dow == "?":
        return True
    weekday = _aws_weekday(day)
    if dow == "L":
        return weekday == 7
    if dow.endswith("L"):
        return weekday == int(dow[:-1]) and day.day + 7 > _last_day(day)
    if "#" in dow:
        name, nth = dow.split("#")
        return weekday == (_DAY_NAMES.get(name) or int(name)) and (day.day - 1) // 7 + 1 == int(nth)
    return weekday in _values(dow, 1, 7, _DAY_NAMES)


def next_fire(expression: str, after: dt.datetime) -> dt.datetime | None:
    """The first time after ``after`` (UTC) the schedule fires; None when it never will again."""
    rate = _RATE.match(expression)
    if rate:
        return after + dt.timedelta(seconds=int(rate.group(1)) * _UNITS[rate.group(2).rstrip("s")])
    minute, hour, dom, month, dow, year = expression[5:-1].split()
    minutes = sorted(_values(minute, 0, 59))
    hours = sorted(_values(hour, 0, 23))
    months = _values(month, 1, 12, _MONTH_NAMES)
    years = _values(year, 1970, 2199)
    start = after.astimezone(dt.UTC).replace(second=0, microsecond=0)
    day = start.date()
    for _ in range(_HORIZON_DAYS):
        if day.year in years and day.month in months and _day_matches(dom, dow, day):
            for h in hours:
                for m in minutes:
                    when = dt.datetime(day.year, day.month, day.day, h, m, tzinfo=dt.UTC)
                    if when > after:
                        return when
        day += dt.timedelta(days=1)
    return None
