"""Day counts (G3): the exact year fraction of a half-open span [start, end).

Some day counts need more than the span: 30E/360 ISDA the termination date (its February rule),
actual/365L the payment frequency and the period's end, actual/actual ICMA the regular reference
period and the frequency. These come as keywords; the others ignore them.
"""

from __future__ import annotations

import calendar
from datetime import date
from fractions import Fraction

from .schedules import add_months, last_of_month

DAY_COUNTS = ("actual/365", "actual/360", "30/360", "actual/actual",
              "30E/360", "30E/360 ISDA", "actual/365L", "actual/actual ICMA")
THIRTY_360_COUNTS = ("30/360", "30E/360", "30E/360 ISDA")
ICMA_FREQUENCIES = (1, 2, 3, 4, 6, 12)  # periods a year that divide it into whole months


def day_count_days(day_count: str, start: date, end: date, *, termination: date | None = None) -> int:
    """The day count's numerator in days: actual days, or 30/360 days under the day count's rule for
    month ends (`termination` is the final date, which 30E/360 ISDA leaves at the end of February)."""
    if day_count == "30/360":  # ISDA 2006 4.16(f), bond basis
        d1 = min(start.day, 30)
        d2 = min(end.day, 30) if d1 == 30 else end.day
        return _thirty_360(start, end, d1, d2)
    if day_count == "30E/360":  # ISDA 2006 4.16(g), Eurobond basis
        return _thirty_360(start, end, min(start.day, 30), min(end.day, 30))
    if day_count == "30E/360 ISDA":  # ISDA 2006 4.16(h)
        d1 = 30 if start.day == 31 or _is_end_of_february(start) else start.day
        february_end = _is_end_of_february(end) and end != termination
        d2 = 30 if end.day == 31 or february_end else end.day
        return _thirty_360(start, end, d1, d2)
    if day_count in DAY_COUNTS:
        return (end - start).days
    raise ValueError(f"unknown day count {day_count!r}")


def year_fraction(day_count: str, start: date, end: date, *, termination: date | None = None,
                  frequency: int | None = None, period_start: date | None = None,
                  period_end: date | None = None, end_of_month: bool = False) -> Fraction:
    """The exact year fraction of [start, end) under a day count (0 for an empty span).

    termination: the final date of the instrument, for 30E/360 ISDA (without it, every end of
    February counts as the 30th).
    frequency: periods a year; actual/actual ICMA needs it; for actual/365L, 1 (annual) makes the
    year 366 days when a February 29 falls in (start, period_end], any other frequency or none
    when period_end falls in a leap year (ISDA 2006 4.16(i), ICMA Rule 251.1(i)).
    period_start, period_end: for actual/actual ICMA, the regular coupon period of reference
    (default: the span itself, a regular period); for actual/365L, period_end is the end of the
    period the span accrues in (default: end).
    end_of_month: for actual/actual ICMA, notional periods before or after the reference period
    end on month ends when the reference date they are counted from is a month end.
    """
    if day_count not in DAY_COUNTS:
        raise ValueError(f"unknown day count {day_count!r}")
    if end <= start:
        return Fraction(0)
    if day_count == "actual/365":
        return Fraction((end - start).days, 365)
    if day_count == "actual/360":
        return Fraction((end - start).days, 360)
    if day_count in THIRTY_360_COUNTS:
        return Fraction(day_count_days(day_count, start, end, termination=termination), 360)
    if day_count == "actual/actual":
        # each whole calendar year in between counts 1: the cost does not grow with the span,
        # and no date past the span's end (past 9999-12-31, say) is ever made
        if start.year == end.year:
            return Fraction((end - start).days, _days_in_year(start.year))
        first = Fraction((date(start.year + 1, 1, 1) - start).days, _days_in_year(start.year))
        last = Fraction((end - date(end.year, 1, 1)).days, _days_in_year(end.year))
        return first + (end.year - start.year - 1) + last
    if day_count == "actual/365L":
        return Fraction((end - start).days, _actual_365l_year(start, period_end or end, frequency))
    return _actual_actual_icma(start, end, frequency, period_start or start, period_end or end, end_of_month)


def _thirty_360(start: date, end: date, d1: int, d2: int) -> int:
    return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)


def _is_end_of_february(day: date) -> bool:
    return day.month == 2 and day.day == calendar.monthrange(day.year, 2)[1]


def _days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def _actual_365l_year(start: date, period_end: date, frequency: int | None) -> int:
    """366 or 365: for an annual period, whether it holds a February 29; else whether it ends in a leap year."""
    if frequency == 1:
        holds_leap_day = any(start < date(year, 2, 29) <= period_end
                             for year in range(start.year, period_end.year + 1) if calendar.isleap(year))
        return 366 if holds_leap_day else 365
    return _days_in_year(period_end.year)


def _actual_actual_icma(start: date, end: date, frequency: int | None, period_start: date,
                        period_end: date, end_of_month: bool) -> Fraction:
    """Each part of the span in a coupon period counts its days over frequency × the period's days;
    parts outside the reference period fall in notional periods counted from it (ICMA Rule 251)."""
    if frequency not in ICMA_FREQUENCIES:
        raise ValueError("actual/actual ICMA needs a frequency of 1, 2, 3, 4, 6 or 12 periods a year")
    if period_end <= period_start:
        raise ValueError("actual/actual ICMA needs a reference period that ends after it starts")
    months = 12 // frequency

    def share(period_from: date, period_to: date) -> Fraction:
        days = (min(end, period_to) - max(start, period_from)).days
        return Fraction(max(days, 0), frequency * (period_to - period_from).days)

    total = share(period_start, period_end)
    later, steps = period_start, 1
    while start < later:
        earlier = _months_from(period_start, -steps * months, end_of_month)
        total += share(earlier, later)
        later, steps = earlier, steps + 1
    earlier, steps = period_end, 1
    while end > earlier:
        later = _months_from(period_end, steps * months, end_of_month)
        total += share(earlier, later)
        earlier, steps = later, steps + 1
    return total


def _months_from(reference: date, months: int, end_of_month: bool) -> date:
    moved = add_months(reference, months)
    return last_of_month(moved) if end_of_month and reference == last_of_month(reference) else moved
