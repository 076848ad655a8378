"""EventBridge schedule expressions: ``rate(...)``, AWS ``cron(...)`` and ``at(...)``, and when they fire.

AWS cron has six fields, ``minutes hours day-of-month month day-of-week year``, with ``, - * / ?``,
``L`` (last day of the month; ``5L`` the last Thursday), ``W`` (``15W`` the weekday nearest the 15th,
``LW`` the last weekday) and ``#`` (``3#2`` the second Tuesday). Days of the week run 1-7 from
Sunday (or ``SUN``-``SAT``); one of the two day fields must be ``?``. Times are UTC unless a
time zone is given (``ScheduleV2``'s ``ScheduleExpressionTimezone``): a wall time skipped by a
daylight-saving change fires at the same offset after the change, a repeated one fires once.
"""

from __future__ import annotations

import calendar
import datetime
import json
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lambdaworks.project.model import EventSource, Schedule

UTC = datetime.timezone.utc
_MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
YEARS = (1970, 2199)
_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_UNIT = {"minute": 60, "hour": 3600, "day": 86400}


class ScheduleError(ValueError):
    """An expression EventBridge would refuse; the message says what is wrong."""


def _values(field: str, low: int, high: int, names: dict[str, int], what: str) -> frozenset[int]:
    """The values a plain cron field (no ``L``/``W``/``#``) allows."""
    found: set[int] = set()
    for item in field.split(","):
        part, step = item, 1
        if "/" in item:
            part, _, raw_step = item.partition("/")
            if not raw_step.isdigit() or int(raw_step) == 0:
                raise ScheduleError(f"{what}: bad increment {raw_step!r}")
            step = int(raw_step)
        if part == "*":
            start, end = low, high
        elif "-" in part:
            first, _, last = part.partition("-")
            start, end = _number(first, low, high, names, what), _number(last, low, high, names, what)
        else:
            start = _number(part, low, high, names, what)
            end = high if step > 1 else start
        if start <= end:
            found.update(range(start, end + 1, step))
        else:  # a range that wraps, as FRI-MON or NOV-FEB
            span = list(range(start, high + 1)) + list(range(low, end + 1))
            found.update(span[::step])
    return frozenset(found)


def _number(text: str, low: int, high: int, names: dict[str, int], what: str) -> int:
    value = names.get(text.upper()) if not text.isdigit() else int(text)
    if value is None or not low <= value <= high:
        raise ScheduleError(f"{what}: {text!r} is not in {low}-{high}")
    return value


@dataclass(frozen=True)
class Cron:
    """A parsed AWS cron expression; ``matches_day`` and the sets decide when it fires."""

    minutes: frozenset[int]
    hours: frozenset[int]
    months: frozenset[int]
    years: frozenset[int]
    day_of_month: str  # kept as written: L, W and ? need the month to be known
    day_of_week: str

    @classmethod
    def parse(cls, body: str) -> Cron:
        fields = body.split()
        if len(fields) != 6:
            raise ScheduleError(
                f"cron needs six fields (minutes hours day-of-month month day-of-week year), got {len(fields)}"
            )
        minute, hour, dom, month, dow, year = fields
        if (dom == "?") == (dow == "?"):
            raise ScheduleError("cron: exactly one of day-of-month and day-of-week must be '?'")
        cron = cls(
            minutes=_values(minute, 0, 59, {}, "minutes"),
            hours=_values(hour, 0, 23, {}, "hours"),
            months=_values(month, 1, 12, MONTHS, "month"),
            years=_values(year, *YEARS, {}, "year"),
            day_of_month=dom.upper(),
            day_of_week=dow.upper(),
        )
        for probe_year, probe_month in ((2024, 2), (2025, 1)):  # fail now, not at the first firing
            cron.days(probe_year, probe_month)
        return cron

    def days(self, year: int, month: int) -> list[int]:
        """The days of ``month`` this expression fires on."""
        length = calendar.monthrange(year, month)[1]
        if self.day_of_week != "?":
            return [d for d in range(1, length + 1) if self._weekday_matches(year, month, d, length)]
        field = self.day_of_month
        days: set[int] = set()
        for part in field.split(","):
            if part == "L":
                days.add(length)
            elif part == "LW":
                days.add(_nearest_weekday(year, month, length, length))
            elif part.endswith("W") and part[:-1].isdigit():
                target = int(part[:-1])
                if not 1 <= target <= 31:
                    raise ScheduleError(f"day-of-month: {part!r} is not in 1-31")
                if target <= length:
                    days.add(_nearest_weekday(year, month, target, length))
            else:
                days.update(d for d in _values(part, 1, 31, {}, "day-of-month") if d <= length)
        return sorted(days)

    def _weekday_matches(self, year: int, month: int, day: int, length: int) -> bool:
        weekday = (datetime.date(year, month, day).weekday() + 1) % 7 + 1  # SUN=1 ... SAT=7
        for part in self.day_of_week.split(","):
            if "#" in part:
                name, _, nth = part.partition("#")
                if not nth.isdigit() or not 1 <= int(nth) <= 5:
                    raise ScheduleError(f"day-of-week: {part!r} needs #1 to #5")
                if weekday == _number(name, 1, 7, DAYS, "day-of-week") and (day - 1) // 7 + 1 == int(nth):
                    return True
            elif part == "L":
                if weekday == 7:
                    return True
            elif part.endswith("L"):
                if weekday == _number(part[:-1], 1, 7, DAYS, "day-of-week") and day + 7 > length:
                    return True
            elif weekday in _values(part, 1, 7, DAYS, "day-of-week"):
                return True
        return False


def _nearest_weekday(year: int, month: int, day: int, length: int) -> int:
    """``W``: the weekday nearest ``day``, without leaving the month."""
    weekday = datetime.date(year, month, day).weekday()  # MON=0
    if weekday == 5:  # Saturday: Friday before, unless that is last month
        return day - 1 if day > 1 else day + 2
    if weekday == 6:  # Sunday: Monday after, unless that is next month
        return day + 1 if day < length else day - 2
    return day


@dataclass(frozen=True)
class ScheduleExpression:
    """``rate``, ``cron`` or ``at``, with the time zone its wall times are in."""

    text: str
    timezone: str = "UTC"
    rate: int | None = None  # seconds
    cron: Cron | None = None
    at: datetime.datetime | None = None

    @classmethod
    def parse(cls, text: str, timezone: str | None = None) -> ScheduleExpression:
        text = text.strip()
        zone = timezone or "UTC"
        try:
            tz = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ScheduleError(f"unknown time zone {zone!r}") from None
        rate = _RATE.match(text)
        if rate:
            value, unit = int(rate.group(1)), rate.group(2)
            if value == 0:
                raise ScheduleError(f"{text}: the rate must be a positive number")
            if (value == 1) != (not unit.endswith("s")):
                singular = unit.rstrip("s")
                raise ScheduleError(f"{text}: write rate(1 {singular}) for one, rate(N {singular}s) for more")
            return cls(text, zone, rate=value * _UNIT[unit.rstrip("s")])
        if text.startswith("cron(") and text.endswith(")"):
            return cls(text, zone, cron=Cron.parse(text[5:-1]))
        at = _AT.match(text)
        if at:
            return cls(text, zone, at=datetime.datetime.fromisoformat(at.group(1)).replace(tzinfo=tz))
        raise ScheduleError(f"{text!r}: expected rate(N unit), cron(six fields) or at(yyyy-mm-ddThh:mm:ss)")

    def next_fire(self, after: datetime.datetime, started: datetime.datetime | None = None) -> datetime.datetime | None:
        """The first firing strictly after ``after`` (UTC), or None when there is none.

        A ``rate`` counts whole intervals from ``started`` (when the schedule was created).
        """
        if self.rate is not None:
            origin = started or after
            elapsed = (after - origin).total_seconds()
            return origin + datetime.timedelta(seconds=(int(elapsed // self.rate) + 1) * self.rate)
        if self.at is not None:
            return self.at.astimezone(UTC) if self.at > after else None
        assert self.cron is not None
        return _next_cron(self.cron, ZoneInfo(self.timezone), after)


def _next_cron(cron: Cron, tz: ZoneInfo, after: datetime.datetime) -> datetime.datetime | None:
    local = after.astimezone(tz).replace(second=0, microsecond=0, tzinfo=None)
    start = (local.year, local.month, local.day, local.hour, local.minute)
    for year in sorted(y for y in cron.years if y >= local.year):
        for month in sorted(cron.months):
            if (year, month) < start[:2]:
                continue
            for day in cron.days(year, month):
                if (year, month, day) < start[:3]:
                    continue
                for hour in sorted(cron.hours):
                    if (year, month, day, hour) < start[:4]:
                        continue
                    for minute in sorted(cron.minutes):
                        if (year, month, day, hour, minute) < start:
                            continue
                        wall = datetime.datetime(year, month, day, hour, minute, tzinfo=tz)
                        when = wall.astimezone(UTC)
                        if when > after:
                            return when
    return None


def schedule_of(function: str, event: EventSource) -> Schedule:
    """The :class:`Schedule` a SAM ``Schedule``/``ScheduleV2`` event declares; ScheduleError if invalid."""
    props: dict[str, Any] = dict(event.properties)
    v2 = event.kind == "ScheduleV2"
    expression = props.get("ScheduleExpression" if v2 else "Schedule")
    if not isinstance(expression, str):
        raise ScheduleError(f"{'ScheduleExpression' if v2 else 'Schedule'} is required")
    timezone = props.get("ScheduleExpressionTimezone") if v2 else None
    ScheduleExpression.parse(expression, timezone)
    state = str(props.get("State", "ENABLED")).upper()
    enabled = bool(props.get("Enabled", True)) and state == "ENABLED"
    payload = props.get("Input")
    if payload is not None:
        try:
            json.loads(payload)
        except (TypeError, ValueError):
            raise ScheduleError(f"Input is not JSON text: {payload!r}") from None
    return Schedule(
        name=event.name,
        function=function,
        expression=expression,
        timezone=timezone or "UTC",
        enabled=enabled,
        input=payload,
        rule=str(props.get("Name") or f"{function}{event.name}"),
    )
