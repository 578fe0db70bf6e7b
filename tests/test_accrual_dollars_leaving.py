"""Dollars that leave the base on a day a payment reached in part take their share of that day along.

A settlement that pays part of a day pays that share of the day on every dollar then unpaid
(`Ledger.settle_at_most`). Principal paid from that same day no longer accrues on it, so its share
lapses with it: the dollars that stay owe the rest of the day on each, and a base never turns
negative (the notes' `accrued_interest` reported -16.44 USD where 5.48 is owed).

Figures use a ledger of 365,000 at 10% actual/365: 100.00 a day, exactly.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings, strategies as st

from contractlang.stdlib.accrual import Ledger

S = date(2003, 1, 1)


def day(n: int) -> date:
    return S + timedelta(days=n)


def hundred_a_day() -> Ledger:
    return Ledger(start=S, base=Decimal("365000"), annual_rate=Decimal("0.10"), day_count="actual/365",
                  boundaries=[])


def test_principal_paid_on_a_day_paid_in_part_leaves_the_rest_of_the_day_on_the_dollars_that_stay():
    ledger = hundred_a_day()
    # 250 pays days 0 and 1 and half of day 2 on every dollar
    ledger.settle_at_most(day(5), Decimal("250"))
    # four fifths of the principal (292,000) is paid from day 2: it accrues nothing on day 2 or later
    ledger.change_base(day(2), Decimal("-292000"))
    # the 73,000 left (20 a day) owe half of day 2 (10) and days 3 and 4 (40): 50, not 10 − 40 + 40
    owed = ledger.accrued(day(5))
    assert owed.amount == 50
    assert [piece.base for piece in owed.pieces] == [Decimal("36500"), Decimal("73000")]
    assert all(piece.base >= 0 for piece in owed.pieces)


def test_each_share_of_a_day_lapses_with_the_dollars_that_leave_after_it():
    ledger = hundred_a_day()
    ledger.settle_at_most(day(5), Decimal("250"))  # half of day 2
    ledger.settle_at_most(day(5), Decimal("25"))  # half of what was left of it: a quarter of day 2 unpaid
    ledger.change_base(day(2), Decimal("-182500"))  # half of the dollars leave from day 2
    # the 182,500 left (50 a day) owe a quarter of day 2 (12.50), then days 3 and 4 (100)
    assert ledger.accrued(day(5)).amount == Decimal("112.5")
    # a part of those dollars owes the same quarter of day 2 on each dollar
    assert ledger.accrued(day(3), Decimal("73000")).amount == 5


def test_a_change_after_the_day_paid_in_part_leaves_its_share_alone():
    ledger = hundred_a_day()
    ledger.settle_at_most(day(5), Decimal("250"))  # half of day 2
    ledger.change_base(day(3), Decimal("-292000"))  # gone from day 3: day 2 accrued on every dollar
    # half of day 2 on 365,000 (50), then days 3 and 4 on 73,000 (40)
    assert ledger.accrued(day(5)).amount == 90


def test_a_part_of_the_base_paid_in_part_then_leaving_gives_its_share_back():
    ledger = hundred_a_day()
    # 146,000 (40 a day) has its days 0 to 2 and half of day 3 paid on their own: 140
    ledger.settle_at_most(day(5), Decimal("140"), Decimal("146000"))
    # and those dollars are paid from day 3 on
    ledger.change_base(day(3), Decimal("-146000"))
    # 219,000 (60 a day) owe days 0 to 4 (300); the 146,000 owe nothing more
    assert ledger.accrued(day(5)).amount == 300
    assert all(piece.base >= 0 for piece in ledger.accrued(day(5)).pieces)


@settings(max_examples=60, deadline=None)
@given(limit_cents=st.integers(min_value=1, max_value=49_999),
       leaving=st.integers(min_value=0, max_value=365_000),
       horizon=st.integers(min_value=1, max_value=8))
def test_what_is_owed_after_dollars_leave_is_never_negative_and_is_the_rest_of_their_days(
        limit_cents, leaving, horizon):
    limit = Decimal(limit_cents) / 100
    ledger = hundred_a_day()
    ledger.settle_at_most(day(5), limit)  # days from day 0 on, the last of them in part
    first_unpaid = ledger.watermark
    ledger.change_base(first_unpaid, Decimal(-leaving))
    end = first_unpaid + timedelta(days=horizon)
    owed = ledger.accrued(end)
    staying = Fraction(365_000 - leaving, 365_000)
    # the dollars that stay owe their unpaid share of the first unpaid day and every later day whole
    paid_of_day = Fraction(limit) - 100 * (first_unpaid - S).days
    expected = staying * ((100 - paid_of_day) + 100 * (horizon - 1))
    assert Fraction(owed.amount) == expected
    assert all(piece.base >= 0 for piece in owed.pieces)
