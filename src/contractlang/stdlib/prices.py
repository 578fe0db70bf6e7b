"""A series of closing prices by trading day (G5), with stock splits recorded against it (G7)."""

from __future__ import annotations

import bisect
from datetime import date
from decimal import Decimal

from . import exact
from .kept import KeptTable, in_order


_SORTED_DAYS = KeptTable(16)  # id -> (the prices, their days as given, in date order), of the last few scenarios


class DatedValues(dict):
    """Values by date (a series read from a file) that find their days in date order once, for every run of the
    scenario that reads them: any change to the values forgets them, and they are found again when next asked.

    The days are shared with the series it was copied from and never changed."""

    __slots__ = ("in_order",)

    def __init__(self, values=(), in_order: list[date] | None = None):
        super().__init__(values)
        self.in_order = in_order  # None until asked for, and after any change

    def days_in_order(self) -> list[date]:
        if self.in_order is None:
            self.in_order = sorted(self)
        return self.in_order

    def copy(self) -> "DatedValues":
        return DatedValues(self, self.in_order)

    # every way a dict changes forgets the days
    def __setitem__(self, day, value):
        self.in_order = None
        super().__setitem__(day, value)

    def __delitem__(self, day):
        self.in_order = None
        super().__delitem__(day)

    def __ior__(self, other):
        self.in_order = None
        return super().__ior__(other)

    def update(self, *others, **named):
        self.in_order = None
        super().update(*others, **named)

    def setdefault(self, day, value=None):
        self.in_order = None
        return super().setdefault(day, value)

    def pop(self, *day_and_default):
        self.in_order = None
        return super().pop(*day_and_default)

    def popitem(self):
        self.in_order = None
        return super().popitem()

    def clear(self):
        self.in_order = None
        super().clear()


def trading_days(prices: dict[date, Decimal]) -> list[date]:
    """The days of `prices` in date order, sorted once: every run of a scenario reads the same prices.

    A series read from a file (DatedValues) keeps its own; for a plain dict, the days kept are used
    only while the prices hold the very same days in the same order (a comparison by identity,
    quicker than a sort). Either way they are shared, and never changed."""
    if type(prices) is DatedValues:
        return prices.days_in_order()
    if len(prices) < 64:  # sorted as quickly as looked up
        return sorted(prices)
    return in_order(_SORTED_DAYS, prices)


class PriceSeries:
    """Closing prices looked up strictly before, or on or before, a date.

    `rebase(effective, ratio)` records a split: later look-ups divide the price of
    any trading day before `effective` by `ratio` (splits compound).
    """

    def __init__(self, prices: dict[date, Decimal]):
        self._prices = prices
        self._days = trading_days(prices)
        self._splits: list[tuple[date, Decimal]] = []

    def checkpoint(self) -> int:
        """What rollback() needs to undo the splits recorded after it: splits are only ever appended."""
        return len(self._splits)

    def rollback(self, checkpoint: int) -> None:
        del self._splits[checkpoint:]

    def __len__(self) -> int:
        return len(self._days)

    @property
    def split_count(self) -> int:
        """How many splits a look-up applies: its cost grows with them."""
        return len(self._splits)

    def rebase(self, effective: date, ratio: Decimal) -> None:
        self._splits.append((effective, ratio))

    def before(self, day: date) -> tuple[date, Decimal] | None:
        return self._at(bisect.bisect_left(self._days, day) - 1)

    def on_or_before(self, day: date) -> tuple[date, Decimal] | None:
        return self._at(bisect.bisect_right(self._days, day) - 1)

    def latest_before(self, day: date, count: int) -> list[tuple[date, Decimal]]:
        """The last `count` values of the series strictly before `day`, in date order (fewer where it has fewer)."""
        end = bisect.bisect_left(self._days, day)
        return [self._at(index) for index in range(max(end - count, 0), end)]

    def _at(self, index: int) -> tuple[date, Decimal] | None:
        if index < 0:
            return None
        trading_day = self._days[index]
        price = self._prices[trading_day]
        for effective, ratio in self._splits:
            if trading_day < effective:
                price = exact.divide(price, ratio)  # exact: a ratio of 1/3 loses no digit
        return trading_day, price
