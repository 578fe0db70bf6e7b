"""Business-day calendars (G4) from the `holidays` package, and date adjustment conventions.

Adjusting makes a new date and leaves the one given unchanged: the nominal (unshifted) date of a
shifted one is simply the date that was adjusted, so a caller that keeps it has both.
"""

from __future__ import annotations

import functools
import json
import os
from datetime import date, timedelta

from .. import cache
from .schedules import CALENDAR_DAYS, OutsideCalendar, add_days

CALENDARS = ("US", "US-FL", "US-CA", "US-NY", "XFED", "weekends")
CONVENTIONS = ("none", "following", "modified_following", "preceding", "modified_preceding")
_SUBDIVISIONS = {"US": None, "US-FL": "FL", "US-CA": "CA", "US-NY": "NY"}
_FINANCIAL = ("XFED",)  # the financial calendars of the holidays package (XFED: the Federal Reserve Banks)
# the lists of these years, made with the holidays package, ship with this package: a first start imports none
SHIPPED_HOLIDAYS = os.path.join(os.path.dirname(__file__), "holiday_lists.json")
SHIPPED_YEARS = range(1970, 2081)


@functools.lru_cache(maxsize=256)
def holidays_in(calendar: str, year: int) -> frozenset[date]:
    """The public holidays of a calendar in one year (none for "weekends")."""
    if calendar == "weekends":
        return frozenset()
    if calendar not in _SUBDIVISIONS and calendar not in _FINANCIAL:
        raise ValueError(f"unknown calendar {calendar!r}; known: {', '.join(CALENDARS)}")
    # importing holidays costs more than a whole evaluation: its lists are kept on disk,
    # one small entry a calendar and year, so that a new year adds an entry and rewrites none
    name = f"holidays-{cache.key(_holidays_installed(), calendar, str(year))}.json"
    stored = _dates(cache.load(name))
    if stored is not None:
        return stored
    days = _dates(_shipped_lists().get(calendar, {}).get(str(year)))
    if days is None:
        days = frozenset(_listed(calendar, year))
    cache.store(name, sorted(day.isoformat() for day in days))
    return days


@functools.lru_cache(maxsize=1)
def _shipped_lists() -> dict:
    """The lists shipped with the package, by calendar and year, if they were made with the holidays package
    installed (else none: that package then lists its own dates)."""
    try:
        with open(SHIPPED_HOLIDAYS, encoding="utf-8") as shipped:
            if json.loads(shipped.readline()) != {"holidays": holidays_version()}:
                return {}
            lists = json.loads(shipped.read())
    except (OSError, ValueError):
        return {}
    return lists if isinstance(lists, dict) and all(isinstance(years, dict) for years in lists.values()) else {}


def holidays_version() -> str | None:
    """The version of the holidays package installed, from the name of its distribution's folder beside it
    (importlib.metadata, or the package itself, takes longer to import than the lists it would spare)."""
    import importlib.util

    spec = importlib.util.find_spec("holidays")
    if spec is None or not spec.origin:
        return None
    beside = os.path.dirname(os.path.dirname(spec.origin))
    try:
        found = [name for name in os.listdir(beside) if name.startswith("holidays-") and name.endswith(".dist-info")]
    except OSError:
        return None
    return found[0][len("holidays-"):-len(".dist-info")] if len(found) == 1 else None


def write_shipped_holidays() -> None:
    """Write the lists of SHIPPED_YEARS, made with the holidays package installed, to be shipped with this package
    (`make holiday-lists`, after a change of the holidays package)."""
    from ..files import write_whole

    lists = {calendar: {str(year): sorted(day.isoformat() for day in _listed(calendar, year))
                        for year in SHIPPED_YEARS}
             for calendar in CALENDARS if calendar != "weekends"}
    header = json.dumps({"holidays": holidays_version()})
    write_whole(SHIPPED_HOLIDAYS, f"{header}\n{json.dumps(lists, separators=(',', ':'))}\n", replace=True)


def _listed(calendar: str, year: int):
    """The holidays package's list for a calendar and year (imported only when the cache has none)."""
    if calendar in _FINANCIAL:
        import holidays

        return holidays.financial_holidays(calendar, years=year).keys()
    from holidays.countries.united_states import UnitedStates

    return UnitedStates(subdiv=_SUBDIVISIONS[calendar], years=year).keys()


def _dates(stored) -> frozenset[date] | None:
    """The dates of a cache entry, or None if it is not a list of ISO dates."""
    if not isinstance(stored, list) or not all(isinstance(day, str) for day in stored):
        return None
    try:
        return frozenset(date.fromisoformat(day) for day in stored)
    except ValueError:
        return None


@functools.lru_cache(maxsize=1)
def _holidays_installed() -> str:
    """Which holidays package is installed, so that another version lists its own dates."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("holidays")
    origin = spec.origin if spec and spec.origin else "holidays"
    try:
        stamp = str(os.stat(os.path.join(os.path.dirname(origin), "version.py")).st_mtime_ns)
    except OSError:
        stamp = "unknown"
    return f"{origin}\0{stamp}"


def is_business_day(calendar: str, day: date) -> bool:
    """Monday to Friday, and not a public holiday of the calendar."""
    return day.weekday() < 5 and day not in holidays_in(calendar, day.year)


@functools.lru_cache(maxsize=4_096)
def adjust(day: date, convention: str, calendar: str) -> date:
    """Move a date that is not a business day by a convention (none, following, modified_following, preceding,
    modified_preceding).

    Kept for the dates asked (a calendar's holidays never change within a process): every run of a
    contract adjusts the same payment dates, and the cache's look-up is one call where this is three."""
    if convention == "none" or is_business_day(calendar, day):
        if convention not in CONVENTIONS:
            raise ValueError(f"unknown business-day convention {convention!r}")
        return day
    if convention == "following":
        return _step(day, calendar, 1)
    if convention == "preceding":
        return _step(day, calendar, -1)
    if convention == "modified_following":
        moved = _step(day, calendar, 1)
        return moved if moved.month == day.month else _step(day, calendar, -1)
    if convention == "modified_preceding":
        moved = _step(day, calendar, -1)
        return moved if moved.month == day.month else _step(day, calendar, 1)
    raise ValueError(f"unknown business-day convention {convention!r}")


def _step(day: date, calendar: str, direction: int) -> date:
    moved = day + timedelta(days=direction)
    while not is_business_day(calendar, moved):
        moved += timedelta(days=direction)
    return moved


def add_business_days(day: date, business_days: int, calendar: str) -> date:
    """The date `business_days` business days after `day` (before it when negative), `day` itself not
    counted; 0 gives `day` when it is a business day, else the following business day, as "following"
    would, so that "0 business days after" a holiday is never the holiday."""
    if not -CALENDAR_DAYS <= business_days <= CALENDAR_DAYS:  # as add_days: no count that large stays in the calendar
        raise OutsideCalendar(after=business_days > 0)
    direction = 1 if business_days >= 0 else -1
    moved, remaining = day, abs(int(business_days))
    if remaining == 0:
        while not is_business_day(calendar, moved):
            moved = add_days(moved, 1)
        return moved
    while remaining:
        moved = add_days(moved, direction)
        if is_business_day(calendar, moved):
            remaining -= 1
    return moved
