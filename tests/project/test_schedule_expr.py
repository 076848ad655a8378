"""Next-fire times of EventBridge expressions, against cases worked out by hand from a calendar.

Calendar facts used: 2026-08-01 and 2027-05-01 are Saturdays; 2026-10-01 is a Thursday and
2026-10-31 a Saturday; 2026-11-22 is a Sunday; 2026-12-01 a Tuesday; 2027-01-31 and 2027-02-28 are
Sundays; 2027-02-01 is a Monday. US daylight saving: 2027-03-14 02:00 jumps to 03:00 and
2027-11-07 02:00 (EDT) falls back to 01:00 (EST).
"""

from __future__ import annotations

import datetime

import pytest

from lambdaworks.project.schedule_expr import ScheduleError, ScheduleExpression


def utc(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc)


CASES = [
    # plain fields
    ("cron(0 12 * * ? *)", None, "2026-11-22T10:07", "2026-11-22T12:00"),
    ("cron(0 12 * * ? *)", None, "2026-11-22T12:00", "2026-11-23T12:00"),  # strictly after
    ("cron(0/15 * * * ? *)", None, "2026-11-22T10:07", "2026-11-22T10:15"),
    ("cron(*/20 * * * ? *)", None, "2026-11-22T10:47", "2026-11-22T11:00"),
    ("cron(5,35 8-9 * * ? *)", None, "2026-11-22T09:40", "2026-11-23T08:05"),
    ("cron(0 0 1 JAN,JUL ? 2027)", None, "2026-11-22T00:00", "2027-01-01T00:00"),
    ("cron(0 0 1 JAN,JUL ? 2027)", None, "2027-01-01T00:00", "2027-07-01T00:00"),
    ("cron(0 0 29 2 ? *)", None, "2026-03-01T00:00", "2028-02-29T00:00"),  # the next leap day
    # days of the week: 1 = SUN
    ("cron(0 18 ? * MON-FRI *)", None, "2026-11-27T18:00", "2026-11-30T18:00"),  # Friday -> Monday
    ("cron(0 8 ? * 1 *)", None, "2026-11-22T09:00", "2026-11-29T08:00"),  # Sundays
    ("cron(0 8 ? * FRI-MON *)", None, "2026-11-24T00:00", "2026-11-27T08:00"),  # a range that wraps
    # L
    ("cron(0 0 L * ? *)", None, "2028-02-01T00:00", "2028-02-29T00:00"),
    ("cron(0 0 L * ? *)", None, "2026-11-22T00:00", "2026-11-30T00:00"),
    ("cron(0 0 ? * L *)", None, "2026-11-22T00:00", "2026-11-28T00:00"),  # L alone: Saturday
    ("cron(0 10 ? * 6L *)", None, "2027-02-01T00:00", "2027-02-26T10:00"),  # last Friday
    # W: the nearest weekday, never leaving the month
    ("cron(0 9 15W * ? *)", None, "2026-08-01T00:00", "2026-08-14T09:00"),  # Sat 15th -> Fri 14th
    ("cron(0 9 1W * ? *)", None, "2026-07-31T12:00", "2026-08-03T09:00"),  # Sat 1st -> Mon 3rd
    ("cron(0 9 31W * ? *)", None, "2027-01-02T00:00", "2027-01-29T09:00"),  # Sun 31st -> Fri 29th
    ("cron(0 9 LW * ? *)", None, "2026-10-02T00:00", "2026-10-30T09:00"),  # Sat 31st -> Fri 30th
    # #: the nth weekday of the month
    ("cron(0 9 ? * 2#1 *)", None, "2026-10-31T00:00", "2026-11-02T09:00"),  # first Monday
    ("cron(0 9 ? * 2#1 *)", None, "2027-01-31T00:00", "2027-02-01T09:00"),
    ("cron(0 0 ? * 5#5 *)", None, "2026-10-30T00:00", "2026-12-31T00:00"),  # November has four Thursdays
    # time zones (ScheduleV2)
    ("cron(0 9 * * ? *)", "Europe/Paris", "2026-11-22T10:00", "2026-11-23T08:00"),  # CET = UTC+1
    ("cron(0 9 * * ? *)", "Europe/Paris", "2026-07-01T00:00", "2026-07-01T07:00"),  # CEST = UTC+2
    ("cron(30 2 * * ? *)", "America/New_York", "2027-03-13T08:00", "2027-03-14T07:30"),  # 02:30 skipped: 03:30 EDT
    ("cron(30 2 * * ? *)", "America/New_York", "2027-03-14T07:30", "2027-03-15T06:30"),
    ("cron(30 1 * * ? *)", "America/New_York", "2027-11-07T00:00", "2027-11-07T05:30"),  # 01:30 EDT ...
    ("cron(30 1 * * ? *)", "America/New_York", "2027-11-07T05:30", "2027-11-08T06:30"),  # ... fires once
    ("at(2026-12-01T09:00:00)", "Europe/Paris", "2026-11-22T00:00", "2026-12-01T08:00"),
    ("at(2026-12-01T09:00:00)", None, "2026-12-01T09:00", None),  # one-time, already past
    ("cron(0 0 1 1 ? 2025)", None, "2026-01-01T00:00", None),  # no year left
]


@pytest.mark.parametrize(("expression", "zone", "after", "expected"), CASES)
def test_next_fire(expression: str, zone: str | None, after: str, expected: str | None) -> None:
    when = ScheduleExpression.parse(expression, zone).next_fire(utc(after))
    assert when == (utc(expected) if expected else None)


def test_rate_counts_intervals_from_the_start() -> None:
    rate = ScheduleExpression.parse("rate(5 minutes)")
    start = utc("2026-11-22T10:00:30")
    assert rate.next_fire(utc("2026-11-22T10:07:00"), start) == utc("2026-11-22T10:10:30")
    assert rate.next_fire(utc("2026-11-22T10:10:30"), start) == utc("2026-11-22T10:15:30")
    assert ScheduleExpression.parse("rate(1 day)").rate == 86400
    assert ScheduleExpression.parse("rate(2 hours)").rate == 7200


@pytest.mark.parametrize(
    ("expression", "zone", "message"),
    [
        ("cron(0 12 * * * *)", None, "exactly one of day-of-month and day-of-week must be '\\?'"),
        ("cron(0 12 ? * ? *)", None, "exactly one of"),
        ("cron(0 12 * *)", None, "six fields"),
        ("cron(60 * * * ? *)", None, "minutes: '60' is not in 0-59"),
        ("cron(0 0 ? * 8 *)", None, "day-of-week: '8' is not in 1-7"),
        ("cron(0 0 ? * MON#6 *)", None, "needs #1 to #5"),
        ("cron(0 0 32W * ? *)", None, "'32W' is not in 1-31"),
        ("cron(0 0 1 1 ? 2300)", None, "year: '2300' is not in 1970-2199"),
        ("cron(0/0 * * * ? *)", None, "bad increment"),
        ("rate(1 minutes)", None, "write rate\\(1 minute\\)"),
        ("rate(5 minute)", None, "rate\\(N minutes\\)"),
        ("rate(0 hours)", None, "positive"),
        ("every day", None, "expected rate"),
        ("rate(1 day)", "Mars/Olympus", "unknown time zone"),
    ],
)
def test_invalid_expressions_are_refused(expression: str, zone: str | None, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        ScheduleExpression.parse(expression, zone)
