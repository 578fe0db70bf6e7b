"""Business-day calendars (G4) from the `holidays` package, and date adjustment conventions."""

from __future__ import annotations

import functools
from datetime import date, timedelta

CALENDARS = ("US", "US-FL", "US-CA", "US-NY", "weekends")
CONVENTIONS = ("none", "following", "modified_following", "preceding")
_SUBDIVISIONS = {"US": None, "US-FL": "FL", "US-CA": "CA", "US-NY": "NY"}


@functools.lru_cache(maxsize=256)
def _holidays(calendar: str, year: int) -> frozenset[date]:
    if calendar == "weekends":
        return frozenset()
    if calendar not in _SUBDIVISIONS:
        raise ValueError(f"unknown calendar {calendar!r}; known: {', '.join(CALENDARS)}")
    known = _stored()
    entry = f"{calendar}:{year}"
    if entry not in known:
        # importing holidays costs more than a whole evaluation: its lists are kept on disk
        from holidays.countries.united_states import UnitedStates

        known[entry] = sorted(UnitedStates(subdiv=_SUBDIVISIONS[calendar], years=year).keys())
        from .. import cache

        cache.store(_cache_name(), known)
    return frozenset(known[entry])


@functools.lru_cache(maxsize=1)
def _cache_name() -> str:
    """Named after the holidays package installed, so that another version lists its own dates."""
    import importlib.util
    import os

    from .. import cache

    spec = importlib.util.find_spec("holidays")
    origin = spec.origin if spec and spec.origin else "holidays"
    try:
        stamp = str(os.stat(os.path.join(os.path.dirname(origin), "version.py")).st_mtime_ns)
    except OSError:
        stamp = "unknown"
    return f"holidays-{cache.key(origin, stamp)}.pickle"


@functools.lru_cache(maxsize=1)
def _stored() -> dict:
    from .. import cache

    found = cache.load(_cache_name())
    return found if isinstance(found, dict) else {}


def is_business_day(calendar: str, day: date) -> bool:
    """Monday to Friday, and not a public holiday of the calendar."""
    return day.weekday() < 5 and day not in _holidays(calendar, day.year)


def adjust(day: date, convention: str, calendar: str) -> date:
    """Move a date that is not a business day by a convention (none, following, modified_following, preceding)."""
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
    raise ValueError(f"unknown business-day convention {convention!r}")


def _step(day: date, calendar: str, direction: int) -> date:
    moved = day + timedelta(days=direction)
    while not is_business_day(calendar, moved):
        moved += timedelta(days=direction)
    return moved
