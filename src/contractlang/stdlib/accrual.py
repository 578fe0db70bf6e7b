"""Accrual day by day on a quantity that changes over time, with what is still unpaid.

A `Ledger` accrues `base × annual rate × year fraction` over half-open spans
`[start, end)` (G2). The base is a history: each change counts from a date of
its own (a conversion "through D" counts from D + 1, a prepayment from D).
So is the rate (a floating coupon reset each period): spans split at each
change of either, and each span accrues at the rate in force on it.
Year fractions are measured from the start of the schedule period a day falls
in, so a base that changes mid-period gives the same figure as one period
split only at its boundaries (G3), under every day count.

What is unpaid is kept as a watermark (every day before it is settled) plus
*portions*: a part of the base whose days up to some date were settled on
their own (interest converted with the principal it accrued on, the part
of one day that a payment of a given amount reached, or the earliest days of
a part of the base that a given amount reached). Queries and
settlements cost time linear in the changes since the watermark.
"""

from __future__ import annotations

import bisect
import functools
from datetime import date, timedelta
from operator import itemgetter
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

import attrs

from .. import records
from . import exact
from .kept import KeptTable, in_order
from .daycount import day_count_days, year_fraction


_NEEDS_PERIOD = ("30E/360 ISDA", "actual/365L", "actual/actual ICMA")
_ACTUAL_BASES = {"actual/365": 365, "actual/360": 360}  # day counts whose fraction is the days over a fixed year
_THIRTY_360_PLAIN = ("30/360", "30E/360")  # 30/360 day counts that need no termination date nor period


def _days_over(days: int, basis: int) -> Fraction:
    """days / basis, each made once: a run asks for the same few spans (a quarter, a month) again and again."""
    found = _DAYS_OVER.get((days, basis))
    if found is None:
        found = _DAYS_OVER.keep((days, basis), Fraction(days, basis))
    return found


_DAYS_OVER = KeptTable(4_096)  # (days, basis) -> the fraction
# base × rate × fraction of a span, by the values of the base and the rate and the fraction itself (kept with it,
# so that its id is not another's): regular periods and every run of a contract repeat a few products. A product
# by a Fraction is made from the factors' exact ratios, so it reads the same for equal values (1.0 or 1.00).
_PRODUCTS = KeptTable(4_096)
_THIRTY_360_FRACTIONS = KeptTable(4_096)  # (day count, anchor, start, stop) -> the fraction


_SORTED_BOUNDARIES = KeptTable(64)  # the list of boundaries each run of a contract opens its ledger with (in_order)
# what a ledger accrued before a date, by all it is made of and its boundaries (held with it, so that their id is
# not another's): every run of a scenario settles the same spans on the same principal, after the same changes.
# A Settlement is never changed once made; equal values written differently (1000 and 1000.00) give the same
# amounts (exact.py), and a piece's base is shown only normalized, in an explanation
_ACCRUED = KeptTable(4_096)
_KEPT_ENTRIES = 8  # the most changes, portions, day shares and rate changes a kept figure is made of (its key's size)


def _product(base, rate, fraction):
    """base × rate × fraction (a span's year fraction), exactly, whatever the day count; kept in _PRODUCTS."""
    key = (base, rate, id(fraction))
    kept = _PRODUCTS.get(key)
    if kept is not None and kept[0] is fraction:
        return kept[1]
    return _PRODUCTS.keep(key, (fraction, exact.multiply(exact.multiply(base, rate), fraction)))[1]


class Piece(NamedTuple):
    """One span of an accrual, for explanations: base, days, year fraction and amount.

    A named tuple: every query makes one for each span, and a tuple is the cheapest to make."""

    start: date
    end: date
    base: Decimal  # or a Fraction: every number here is exact (stdlib/exact.py)
    fraction: object  # fractions.Fraction
    amount: Decimal
    rate: Decimal = Decimal(0)  # the annual rate in force on the span


# a Piece from a tuple of its six fields, made in C: the named tuple's own constructor is a call of Python code,
# and the usual settlement makes one Piece and little else
_piece = functools.partial(tuple.__new__, Piece)


@records.define(unsafe_hash=True)
class Settlement:
    """An amount settled with the span it covers (period None when it covers no day).

    Never changed once made, but not frozen: every settlement makes one, and a frozen class's
    set-up costs twice its plain one."""

    amount: Decimal
    period: tuple[date, date] | None
    pieces: tuple[Piece, ...] = ()


@records.define
class Ledger:
    start: date
    base: Decimal  # the base on the watermark day
    annual_rate: Decimal
    day_count: str
    boundaries: list[date]  # sorted period boundaries
    watermark: date = attrs.field(default=None)
    changes: list[tuple[date, Decimal]] = attrs.field(factory=list)
    portions: list[tuple[date, date, Decimal]] = attrs.field(factory=list)
    # the days a payment of a given amount reached in part, with the share of each dollar then unpaid
    # that it paid: a query of a part of the base (on:) owes only the rest of that day on each dollar
    day_shares: list[tuple[date, date, Decimal]] = attrs.field(factory=list)
    stopped_from: date | None = None
    rate_changes: list[tuple[date, Decimal]] = attrs.field(factory=list)  # (from, new rate), after the watermark
    frequency: int | None = None  # periods a year, for the day counts that need it (actual/actual ICMA, actual/365L)
    termination: date | None = None  # the final date, for 30E/360 ISDA

    def __attrs_post_init__(self):
        if self.watermark is None:
            self.watermark = self.start
        self.boundaries = in_order(_SORTED_BOUNDARIES, self.boundaries)  # each once: a span never has zero days

    @property
    def entries(self) -> int:
        """How many changes and portions a query looks through: its cost grows with them."""
        return len(self.changes) + len(self.portions)

    def copy(self) -> "Ledger":
        return attrs.evolve(self, changes=list(self.changes), portions=list(self.portions),
                            day_shares=list(self.day_shares),
                            rate_changes=list(self.rate_changes))

    def checkpoint(self) -> tuple:
        """What rollback() needs to undo every change after it, in constant time and space.

        The lists only grow by appending, or are replaced whole (a settlement): so the lists
        themselves and their lengths are enough."""
        return (self.base, self.annual_rate, self.watermark, self.stopped_from, self.changes, len(self.changes),
                self.portions, len(self.portions), self.rate_changes, len(self.rate_changes),
                self.day_shares, len(self.day_shares))

    def rollback(self, checkpoint: tuple) -> None:
        (self.base, self.annual_rate, self.watermark, self.stopped_from, self.changes, changes,
         self.portions, portions, self.rate_changes, rate_changes, self.day_shares, day_shares) = checkpoint
        del self.changes[changes:]
        del self.portions[portions:]
        del self.rate_changes[rate_changes:]
        del self.day_shares[day_shares:]

    # ----------------------------------------------------------- changes
    def change_base(self, effective: date, delta: Decimal) -> None:
        """The base changes by `delta` for every day from `effective` on."""
        if delta == 0:
            return
        if delta < 0 and self.day_shares:
            self._lapse_shares(effective, delta)
        if effective <= self.watermark:
            self.base = exact.add(self.base, delta)  # days before the watermark are settled already
        else:
            self.changes.append((effective, delta))

    def change_rate(self, effective: date, rate) -> None:
        """The annual rate is `rate` for every day from `effective` on."""
        if effective <= self.watermark:
            self.annual_rate = rate  # days before the watermark are settled already
            self.rate_changes = []
            return
        self.rate_changes = [(when, r) for when, r in self.rate_changes if when < effective] + [(effective, rate)]

    def rate_on(self, day: date):
        """The annual rate in force on a day."""
        rate = self.annual_rate
        for when, changed in self.rate_changes:
            if when <= day:
                rate = changed
        return rate

    def stop(self, effective: date) -> None:
        """Nothing accrues on any day from `effective` on."""
        if self.stopped_from is None or effective < self.stopped_from:
            self.stopped_from = effective

    # ----------------------------------------------------------- queries
    def accrued(self, end: date, portion: Decimal | None = None) -> Settlement:
        """What is unpaid for the days before `end` (of the whole base, or of a portion of it)."""
        if end <= self.watermark:
            return Settlement(Decimal(0), None)
        key = (self.watermark, end, portion, self.base, self.annual_rate, self.day_count, id(self.boundaries),
               self.start, self.frequency, self.termination, self.stopped_from)
        changes, portions, day_shares, rate_changes = self.changes, self.portions, self.day_shares, self.rate_changes
        if changes or portions or day_shares or rate_changes:  # the usual is none since the last settlement
            if len(changes) + len(portions) + len(day_shares) + len(rate_changes) > _KEPT_ENTRIES:
                return self._found(end, portion)  # many events since the watermark: found afresh, in linear time
            key += (tuple(changes), tuple(portions), tuple(day_shares), tuple(rate_changes))
        kept = _ACCRUED.get(key)
        if kept is not None and kept[0] is self.boundaries:
            return kept[1]
        return _ACCRUED.keep(key, (self.boundaries, self._found(end, portion)))[1]

    def _found(self, end: date, portion: Decimal | None) -> Settlement:
        """accrued(), computed."""
        if portion is None and not (self.changes or self.portions or self.rate_changes or self.stopped_from):
            return self._accrued_plainly(end)
        return self._accrued_across(end, portion)

    def _accrued_across(self, end: date, portion: Decimal | None) -> Settlement:
        """accrued() span by span, cut at each boundary, change, portion, day paid in part and stop."""
        pieces = []
        total = Decimal(0)
        segments = self._segments(end, portion is None)
        starts = [start for start, _ in segments]
        if portion is None:
            bases = self._bases_on(starts)
        elif self.day_shares:
            segments, bases = self._portion_segments(segments, portion)
            starts = [start for start, _ in segments]
        else:
            bases = [portion] * len(segments)
        rates = self._rates_on(starts)
        stopped_from = self.stopped_from
        for (start, stop), base, rate in zip(segments, bases, rates):
            if stopped_from is not None and start >= stopped_from:
                base = Decimal(0)
            fraction = self._fraction(start, stop)
            amount = _product(base, rate, fraction)
            total = exact.add(total, amount) if pieces else amount
            pieces.append(Piece(start, stop, base, fraction, amount, rate))
        return Settlement(total, (self.watermark, end), tuple(pieces))

    def _accrued_plainly(self, end: date) -> Settlement:
        """accrued() of the whole base when nothing changed since the watermark: one base and one rate throughout."""
        base, rate, watermark = self.base, self.annual_rate, self.watermark
        boundaries = self.boundaries
        low = bisect.bisect_right(boundaries, watermark)
        if low == bisect.bisect_left(boundaries, end, low):  # one span, the usual
            fraction = self._fraction(watermark, end)
            amount = _product(base, rate, fraction)
            return Settlement(amount, (watermark, end), (_piece((watermark, end, base, fraction, amount, rate)),))
        base_rate = exact.multiply(base, rate)
        pieces = []
        total = Decimal(0)
        for start, stop in self._segments(end, True):
            fraction = self._fraction(start, stop)
            amount = exact.multiply(base_rate, fraction)  # exact, whatever the day count
            total = exact.add(total, amount) if pieces else amount
            pieces.append(Piece(start, stop, base, fraction, amount, rate))
        return Settlement(total, (self.watermark, end), tuple(pieces))

    def settle(self, end: date, portion: Decimal | None = None) -> Settlement:
        """Settle what is unpaid before `end`: everything, or one portion's share."""
        if portion is None and end > self.watermark and not (
                self.changes or self.portions or self.rate_changes or self.stopped_from):
            settled = self.accrued(end)  # the usual: nothing changed since the last settlement
            self.watermark = end  # what _advance does when there is nothing else to carry forward
            return settled
        settled = self.accrued(end, portion)
        if settled.period is None:
            return settled
        if portion is not None:
            if self.day_shares:  # what is set apart on a day paid in part is the rest of that day only
                self.portions.extend((piece.start, piece.end, piece.base) for piece in settled.pieces)
            else:
                self.portions.append((self.watermark, end, portion))
            return settled
        self._advance(end)
        return settled

    def settle_at_most(self, end: date, limit: Decimal, portion: Decimal | None = None) -> Settlement:
        """Settle `limit` of what is unpaid before `end`, earliest days first (a payment of a given amount),
        of the whole base or of a portion of it.

        Days it pays wholly are settled; a day it pays in part ends the settlement's period
        and stays the first unpaid day, with the part paid set apart as a portion of its base."""
        if limit == 0:
            return Settlement(Decimal(0), None)
        if portion is not None:
            return self._settle_portion_at_most(end, limit, portion)
        whole = self.accrued(end)
        if whole.period is None or exact.compare(whole.amount, limit) <= 0:
            return self.settle(end)
        start = self.watermark
        paid, _, paid_to = self._earliest_within(whole.pieces, limit)
        self._advance(paid_to)
        pieces = tuple(piece for piece, _ in paid)
        last, share = paid[-1]
        if share == 1:
            return Settlement(limit, (start, paid_to), pieces)
        self.portions.append((last.start, last.end, last.base))  # the part of its day's base whose interest is paid
        self.day_shares.append((last.start, last.end, share))
        return Settlement(limit, (start, last.end), pieces)

    def _settle_portion_at_most(self, end: date, limit: Decimal, portion: Decimal) -> Settlement:
        """settle_at_most() of a portion of the base: its unpaid days before `end`, earliest first, up to `limit`.

        The watermark stays (the other dollars' days are still unpaid): the days paid are set apart
        as portions and kept as the share of each dollar of their day that was paid (all of a day
        paid wholly, the part reached of the last), so that a later query of a part of the portion
        (on:) owes only the rest of them."""
        owed = self.accrued(end, portion)
        if owed.period is None:
            return owed
        # days of the portion paid before (or on which nothing accrues) are passed over
        paid, reached, _ = self._earliest_within([piece for piece in owed.pieces if piece.amount != 0], limit)
        if not paid:
            return Settlement(Decimal(0), None)
        self.portions.extend((piece.start, piece.end, piece.base) for piece, _ in paid)
        self.day_shares.extend((piece.start, piece.end, share) for piece, share in paid)
        return Settlement(reached, (paid[0][0].start, paid[-1][0].end), tuple(piece for piece, _ in paid))

    def _earliest_within(self, pieces, limit) -> tuple[list, Decimal, date | None]:
        """What `limit` pays of `pieces`, earliest days first: each piece paid with the share of its days paid
        (1 for whole days; the part reached of the one day paid in part, a piece of its own), the amount
        reached, and the first day not paid whole (None when `limit` pays every piece)."""
        reached = Decimal(0)
        paid = []
        for piece in pieces:
            if exact.compare(exact.add(reached, piece.amount), limit) <= 0:
                reached = exact.add(reached, piece.amount)
                paid.append((piece, 1))
                continue
            low = self._whole_days_within(piece, reached, limit)
            paid_to = piece.start + timedelta(days=low)
            if low:
                amount = self._amount(piece.base, piece.rate, piece.start, paid_to)
                paid.append((Piece(piece.start, paid_to, piece.base, self._fraction(piece.start, paid_to), amount,
                                   piece.rate), 1))
                reached = exact.add(reached, amount)
            rest = exact.subtract(limit, reached)
            if rest != 0:
                next_day = paid_to + timedelta(days=1)
                share = exact.divide(rest, self._amount(piece.base, piece.rate, paid_to, next_day))
                paid.append((Piece(paid_to, next_day, exact.multiply(piece.base, share),
                                   self._fraction(paid_to, next_day), rest, piece.rate), share))
                reached = limit
            return paid, reached, paid_to
        return paid, reached, None

    # ----------------------------------------------------------- internals
    def _amount(self, base, rate, start: date, stop: date):
        """What `base` accrues at `rate` over [start, stop), exactly."""
        return _product(base, rate, self._fraction(start, stop))

    def _whole_days_within(self, piece: Piece, reached, limit) -> int:
        """How many whole days from the start of `piece` `limit` pays after `reached` (never all of them)."""
        low, high = 0, (piece.end - piece.start).days
        while high - low > 1:
            middle = (low + high) // 2
            if exact.compare(exact.add(reached, self._amount(piece.base, piece.rate, piece.start, piece.start + timedelta(days=middle))), limit) <= 0:
                low = middle
            else:
                high = middle
        return low

    def _lapse_shares(self, effective: date, delta: Decimal) -> None:
        """`-delta` dollars leave the base from `effective`: the share of each of their days from then on
        that a payment reached lapses with them, as those days no longer accrue on them.

        A day share's portion is the share of every dollar then unpaid, so each dollar leaving takes
        its part of it (the share, of what the shares before it on the day left): that part is given
        back to the base, and the dollars that stay owe the rest of the day, never less than nothing."""
        for index, (start, end, share) in enumerate(self.day_shares):
            if end <= effective:
                continue
            start = max(start, effective)
            per_dollar = share
            for earlier_start, earlier_end, earlier in self.day_shares[:index]:
                if earlier_start <= start < earlier_end:
                    per_dollar = exact.multiply(per_dollar, exact.subtract(1, earlier))
            self.portions.append((start, end, exact.multiply(delta, per_dollar)))

    def _advance(self, end: date) -> None:
        """Every day before `end` is settled: the watermark moves to it."""
        if self.changes:
            self.base = self._base_on(end)
            self.changes = [(when, delta) for when, delta in self.changes if when > end]
        if self.rate_changes:
            self.annual_rate = self.rate_on(end)
            self.rate_changes = [(when, rate) for when, rate in self.rate_changes if when > end]
        if self.portions:
            self.portions = [(max(s, end), e, amount) for s, e, amount in self.portions if e > end]
        if self.day_shares:
            self.day_shares = [(s, e, share) for s, e, share in self.day_shares if e > end]
        self.watermark = end

    def _rates_on(self, days: list[date]) -> list:
        """The rate in force on each of the ascending days, in one sweep over the changes."""
        if not self.rate_changes:
            return [self.annual_rate] * len(days)
        rates, rate, next_change = [], self.annual_rate, 0
        for day in days:
            while next_change < len(self.rate_changes) and self.rate_changes[next_change][0] <= day:
                rate = self.rate_changes[next_change][1]
                next_change += 1
            rates.append(rate)
        return rates

    def _base_on(self, day: date) -> Decimal:
        """The base on a day, with every change up to it, before any portion is set apart."""
        return exact.add(self.base, exact.total(delta for when, delta in self.changes if when <= day))

    def _bases_on(self, days: list[date]) -> list[Decimal]:
        """The base on each of the ascending days, less the portions set apart on it.

        One sweep over the changes and portions, sorted by date, so that a settlement
        costs time linear in them rather than their number times the spans."""
        by_date = itemgetter(0)
        changes = sorted(self.changes, key=by_date) if self.changes else ()
        if self.portions:
            portion_starts = sorted([(s, amount) for s, e, amount in self.portions], key=by_date)
            portion_ends = sorted([(e, amount) for s, e, amount in self.portions], key=by_date)
        else:
            portion_starts = portion_ends = ()
        changed = set_apart = Decimal(0)
        base = self.base
        if not changes and not portion_starts:
            return [base] * len(days)
        next_change = next_start = next_end = 0
        bases = []
        for day in days:
            moved = False
            while next_change < len(changes) and changes[next_change][0] <= day:
                changed = exact.add(changed, changes[next_change][1])
                next_change += 1
                moved = True
            while next_start < len(portion_starts) and portion_starts[next_start][0] <= day:
                set_apart = exact.add(set_apart, portion_starts[next_start][1])
                next_start += 1
                moved = True
            while next_end < len(portion_ends) and portion_ends[next_end][0] <= day:
                set_apart = exact.subtract(set_apart, portion_ends[next_end][1])
                next_end += 1
                moved = True
            if moved:
                base = exact.subtract(exact.add(self.base, changed), set_apart)
            bases.append(base)
        return bases

    def _portion_segments(self, segments, portion) -> tuple[list, list]:
        """The spans of a query of a part of the base, cut at each day paid in part, with the part's base on
        each: on such a day only the share of each dollar that no payment reached.

        The share is of the dollars unpaid when the payment was made (not of those whose day was
        settled before, such as principal converted with its interest), and shares paid one after
        another on the same day each take their part of what the one before left."""
        cuts = {day for span in segments for day in span}
        cuts.update(day for s, e, _ in self.day_shares for day in (s, e)
                    if segments[0][0] < day < segments[-1][1])
        ordered = sorted(cuts)
        segments = list(zip(ordered, ordered[1:]))
        bases = []
        for start, _ in segments:
            unpaid = portion
            for s, e, share in self.day_shares:
                if s <= start < e:
                    unpaid = exact.multiply(unpaid, exact.subtract(1, share))
            bases.append(unpaid)
        return segments, bases

    def _segments(self, end: date, with_changes: bool):
        low = bisect.bisect_right(self.boundaries, self.watermark)
        high = bisect.bisect_left(self.boundaries, end)
        if not self.rate_changes and not (with_changes and (self.changes or self.portions or self.stopped_from)):
            ordered = [self.watermark, *self.boundaries[low:high], end]  # the boundaries alone: distinct, in order
            return list(zip(ordered, ordered[1:]))
        cuts = {self.watermark, end}
        cuts.update(self.boundaries[low:high])
        cuts.update(when for when, _ in self.rate_changes if self.watermark < when < end)
        if with_changes:
            cuts.update(when for when, _ in self.changes if self.watermark < when < end)
            for s, e, _ in self.portions:
                cuts.update(d for d in (s, e) if self.watermark < d < end)
            if self.stopped_from is not None and self.watermark < self.stopped_from < end:
                cuts.add(self.stopped_from)
        ordered = sorted(cuts)
        return list(zip(ordered, ordered[1:]))

    def _fraction(self, start: date, stop: date):
        """The year fraction of [start, stop), measured within its schedule period."""
        basis = _ACTUAL_BASES.get(self.day_count)
        if basis is not None:  # actual days over a fixed year: the same wherever in its period the span is
            return _days_over((stop - start).days, basis) if stop > start else Fraction(0)
        if stop <= start:
            return Fraction(0)
        index = bisect.bisect_right(self.boundaries, start) - 1
        anchor = self.boundaries[index] if index >= 0 and self.boundaries[index] >= self.start else self.start
        if self.day_count in _THIRTY_360_PLAIN:  # over 360: from the period's start, less what it counted before
            key = (self.day_count, anchor, start, stop)
            found = _THIRTY_360_FRACTIONS.get(key)  # every run of a contract counts the same spans
            if found is None:
                days = day_count_days(self.day_count, anchor, stop)
                if anchor != start:
                    days -= day_count_days(self.day_count, anchor, start)
                found = _THIRTY_360_FRACTIONS.keep(key, _days_over(days, 360))
            return found
        if self.day_count in _NEEDS_PERIOD:  # the schedule period is the reference period
            period_end = self.boundaries[index + 1] if index + 1 < len(self.boundaries) else None
            known = {"termination": self.termination, "frequency": self.frequency,
                     "period_start": anchor, "period_end": period_end}
        else:
            known = {}
        if anchor == start:
            return year_fraction(self.day_count, start, stop, **known)
        return year_fraction(self.day_count, anchor, stop, **known) - year_fraction(self.day_count, anchor, start, **known)
