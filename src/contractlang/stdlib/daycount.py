"""Day counts (G3): the exact year fraction of a half-open span [start, end)."""

from __future__ import annotations

import calendar
from datetime import date
from fractions import Fraction

DAY_COUNTS = ("actual/365", "actual/360", "30/360", "actual/actual")


def day_count_days(day_count: str, start: date, end: date) -> int:
    """The day count's numerator in days: actual days, or 30/360 days."""
    if day_count == "30/360":
        d1 = min(start.day, 30)
        d2 = min(end.day, 30) if d1 == 30 else end.day
        return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)
    if day_count in DAY_COUNTS:
        return (end - start).days
    raise ValueError(f"unknown day count {day_count!r}")


def year_fraction(day_count: str, start: date, end: date) -> Fraction:
    """The exact year fraction of [start, end) under a day count (0 for an empty span)."""
    if end <= start:
        if day_count not in DAY_COUNTS:
            raise ValueError(f"unknown day count {day_count!r}")
        return Fraction(0)
    if day_count == "actual/365":
        return Fraction((end - start).days, 365)
    if day_count == "actual/360":
        return Fraction((end - start).days, 360)
    if day_count == "30/360":
        return Fraction(day_count_days(day_count, start, end), 360)
    if day_count == "actual/actual":
        total = Fraction(0)
        cursor = start
        while cursor < end:
            next_year = date(cursor.year + 1, 1, 1)
            stop = min(next_year, end)
            days_in_year = 366 if calendar.isleap(cursor.year) else 365
            total += Fraction((stop - cursor).days, days_in_year)
            cursor = stop
        return total
    raise ValueError(f"unknown day count {day_count!r}")
