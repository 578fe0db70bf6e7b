"""Schedules of dates: recurring month-days, month arithmetic."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


def recurring(month_days: list[tuple[int, int]], start: date, end: date | None, limit: date) -> list[date]:
    """Every date with one of the (month, day) pairs from start to end inclusive (or to `limit` when
    open-ended); a day past a month's end falls on its last day (Feb 30 → Feb 28 or 29)."""
    last = min(end, limit) if end is not None else limit
    found = set()
    for year in range(start.year, last.year + 1):
        for month, day in month_days:
            when = date(year, month, min(day, calendar.monthrange(year, month)[1]))
            if start <= when <= last:
                found.add(when)
    return sorted(found)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def last_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """Calendar months later (earlier if negative), keeping the day or the month's last day."""
    return day + relativedelta(months=months)

