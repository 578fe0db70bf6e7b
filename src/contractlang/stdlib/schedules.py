"""Schedules of dates: recurring month-days, day and month arithmetic within the calendar."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from .kept import KeptTable

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
            when = date(year, month, min(day, days_in_month(year, month)))
            if start <= when <= last:
                found.add(when)
    return sorted(found)


_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """The days of a month (1 to 12): calendar.monthrange's count, without the weekday it also works out."""
    return 29 if month == 2 and calendar.isleap(year) else _DAYS_IN_MONTH[month]


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
    if isinstance(day, datetime):  # a moment keeps its time of day
        return datetime.combine(date.fromordinal(ordinal), day.time())
    return date.fromordinal(ordinal)


_FIRSTS_OF_MONTHS = KeptTable(4_096)  # a day -> the first of its month: schedules ask for the same days each run


def first_of_month(day: date) -> date:
    found = _FIRSTS_OF_MONTHS.get(day)
    if found is None:
        found = _FIRSTS_OF_MONTHS.keep(day, day.replace(day.year, day.month, 1))  # a datetime keeps its time
    return found


def last_of_month(day: date) -> date:
    return day.replace(day.year, day.month, days_in_month(day.year, day.month))  # by position: faster


def add_months(day: date, months) -> date:
    """Calendar months later (earlier if negative), keeping the day or the month's last day."""
    if not -CALENDAR_MONTHS <= months <= CALENDAR_MONTHS:  # compared before converting, as in add_days
        raise OutsideCalendar(after=months > 0)
    index = 12 * day.year + day.month - 1 + int(months)
    if not 12 * date.min.year <= index <= 12 * date.max.year + 11:
        raise OutsideCalendar(after=index > 12 * date.max.year)
    year, month = divmod(index, 12)  # the day kept, or the month's last day when it has fewer
    return day.replace(year, month + 1, min(day.day, days_in_month(year, month + 1)))  # by position: faster


PERIOD_UNITS = {"days": 0, "weeks": 0, "months": 1, "quarters": 3, "half-years": 6, "years": 12}  # months a unit is
STUB_RULES = ("short last", "long last", "short first", "long first")
END_OF_MONTH_RULES = ("same day", "end of month")


class TooManyDates(ValueError):
    """A cyclic schedule would hold more dates than its stated maximum."""

    def __init__(self, maximum: int):
        super().__init__(f"the schedule would hold more than {maximum} dates")
        self.maximum = maximum


def cyclic(anchor: date, count: int, unit: str, end: date, *, stub: str = "short last",
           end_of_month: str = "same day", maximum: int) -> list[date]:
    """The dates of a schedule from `anchor` to `end` (both included), one every `count` `unit`s.

    Each date is counted from the anchor (anchor + k × period, never from the date before), so
    Jan 31 + 1 month is Feb 28 (29) and + 2 months is Mar 31. "short last" and "long last" count
    forward from the anchor and put the odd period at the end (a long last period swallows the
    regular date before `end`); "short first" and "long first" count backward from `end`, which is
    then the date counted from, and put the odd period at the start. "end of month": when the date
    counted from is its month's last day, every date of a unit in months is a month's last day.
    More than `maximum` dates raise TooManyDates, before more than maximum + 2 are made.
    """
    if unit not in PERIOD_UNITS:
        raise ValueError(f"unknown period unit {unit!r}; known: {', '.join(PERIOD_UNITS)}")
    if stub not in STUB_RULES:
        raise ValueError(f"unknown stub rule {stub!r}; known: {', '.join(STUB_RULES)}")
    if end_of_month not in END_OF_MONTH_RULES:
        raise ValueError(f"unknown end-of-month rule {end_of_month!r}; known: {', '.join(END_OF_MONTH_RULES)}")
    if count < 1:
        raise ValueError("a schedule's period must be at least one unit")
    if end < anchor:
        raise ValueError(f"the schedule ends ({end.isoformat()}) before its first date ({anchor.isoformat()})")
    backward = stub.endswith("first")
    counted_from, direction, closing = (end, -1, anchor) if backward else (anchor, 1, end)
    month_ends = end_of_month == "end of month" and counted_from == last_of_month(counted_from)
    regular = [counted_from]  # the counted dates, then the closing date where the count misses it
    while True:
        try:
            following = _periods_from(counted_from, direction * len(regular), count, unit, month_ends)
        except OutsideCalendar:
            break
        if (following < anchor) if backward else (following > end):
            break
        regular.append(following)
        if following == closing:
            break
        if len(regular) > maximum + 1:
            raise TooManyDates(maximum)
    if regular[-1] != closing:
        if stub.startswith("long") and len(regular) > 1:
            regular.pop()
        regular.append(closing)
    if len(regular) > maximum:
        raise TooManyDates(maximum)
    return sorted(regular)


def _periods_from(counted_from: date, periods: int, count: int, unit: str, month_ends: bool) -> date:
    """The date `periods` periods of `count` units from `counted_from` (earlier when negative)."""
    months = PERIOD_UNITS[unit]
    if months == 0:
        return add_days(counted_from, periods * count * (7 if unit == "weeks" else 1))
    moved = add_months(counted_from, periods * count * months)
    return last_of_month(moved) if month_ends else moved
