"""Schedules of dates: recurring month-days, day and month arithmetic within the calendar."""

from __future__ import annotations

import calendar
from datetime import date

from dateutil.relativedelta import relativedelta

FIRST_DAY = date.min.toordinal()  # 0001-01-01
LAST_DAY = date.max.toordinal()  # 9999-12-31
CALENDAR_DAYS = LAST_DAY - FIRST_DAY  # no move of more days than this stays inside the calendar
MONTHS = {name: number for number, name in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}  # as written in schedules
CALENDAR_MONTHS = 12 * (date.max.year - date.min.year + 1)


class OutsideCalendar(ValueError):
    """A date computed before 0001-01-01 or after 9999-12-31, where no date can be."""

    def __init__(self, after: bool):
        super().__init__("the date falls outside the calendar "
                         + ("(after 9999-12-31)" if after else "(before 0001-01-01)"))


def recurring(month_days: list[tuple[int, int]], start: date, end: date | None, limit: date) -> list[date]:
    """Every date with one of the (month, day) pairs from start to end inclusive (or to `limit` when
    open-ended); a day past a month's end falls on its last day (Feb 30 → Feb 28 or 29)."""
    last = last_scheduled(end, limit)
    found = set()
    for year in range(start.year, last.year + 1):
        for month, day in month_days:
            when = date(year, month, min(day, calendar.monthrange(year, month)[1]))
            if start <= when <= last:
                found.add(when)
    return sorted(found)


def last_scheduled(end: date | None, limit: date) -> date:
    """The last day a recurring schedule may reach: its end, but never past `limit`."""
    return min(end, limit) if end is not None else limit


def add_days(day: date, days) -> date:
    """`days` whole days later (earlier if negative); `days` is an int or a whole Decimal of any size."""
    if not -CALENDAR_DAYS <= days <= CALENDAR_DAYS:  # compared before converting: a huge number converts slowly
        raise OutsideCalendar(after=days > 0)
    ordinal = day.toordinal() + int(days)
    if not FIRST_DAY <= ordinal <= LAST_DAY:
        raise OutsideCalendar(after=ordinal > LAST_DAY)
    return date.fromordinal(ordinal)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def last_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months) -> date:
    """Calendar months later (earlier if negative), keeping the day or the month's last day."""
    if not -CALENDAR_MONTHS <= months <= CALENDAR_MONTHS:  # compared before converting, as in add_days
        raise OutsideCalendar(after=months > 0)
    index = 12 * day.year + day.month - 1 + int(months)
    if not 12 * date.min.year <= index <= 12 * date.max.year + 11:
        raise OutsideCalendar(after=index > 12 * date.max.year)
    return day + relativedelta(months=int(months))
