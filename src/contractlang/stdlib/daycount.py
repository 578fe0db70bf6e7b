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
        # each whole calendar year in between counts 1: the cost does not grow with the span,
        # and no date past the span's end (past 9999-12-31, say) is ever made
        if start.year == end.year:
            return Fraction((end - start).days, _days_in_year(start.year))
        first = Fraction((date(start.year + 1, 1, 1) - start).days, _days_in_year(start.year))
        last = Fraction((end - date(end.year, 1, 1)).days, _days_in_year(end.year))
        return first + (end.year - start.year - 1) + last
    raise ValueError(f"unknown day count {day_count!r}")


def _days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365
