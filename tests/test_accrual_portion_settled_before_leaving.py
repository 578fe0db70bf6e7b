"""A part of the base whose earliest days are settled on their own, then leaving, keeps them settled.

Interest converted alone on the notes lies on the earliest unpaid days of each dollar of the
outstanding principal (N2). Before any of those dollars leave the base (paid, or converted without
their interest) the notes settle it on the ledger as a portion of the base (`settle_at_most` with
a portion): the dollars leaving then take their settled days along, and a later payment of part of
the whole base starts at the earliest day some other dollar still owes (D3). Kept as a sum instead,
it was paid on the earliest days of the whole base, those of other dollars, and the period reported
was too wide. These tests pin the ledger's side of it.

Figures use a ledger of 365,000 at 10% actual/365: 100.00 a day, exactly.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from contractlang.stdlib.accrual import Ledger

S = date(2003, 1, 1)


def day(n: int) -> date:
    return S + timedelta(days=n)


def with_the_kept_dollars_days_settled() -> Ledger:
    """146,000 (40 a day) left from day 3 owing days 0 to 2; the 219,000 kept (60 a day) have
    theirs settled on their own: 180, the interest converted alone on them."""
    ledger = Ledger(start=S, base=Decimal("365000"), annual_rate=Decimal("0.10"), day_count="actual/365",
                    boundaries=[])
    ledger.change_base(day(3), Decimal("-146000"))
    settled = ledger.settle_at_most(day(3), Decimal("180"), Decimal("219000"))
    assert (settled.amount, settled.period) == (180, (day(0), day(3)))
    return ledger


def test_dollars_leaving_after_their_days_were_settled_leave_the_others_earliest_days_first():
    ledger = with_the_kept_dollars_days_settled()
    ledger.change_base(day(5), Decimal("-219000"))  # the 219,000 paid from day 5: they owe days 3 and 4
    assert ledger.accrued(day(6)).amount == 240  # 120 on the 146,000, 120 on the 219,000
    # 10 pays a quarter of day 0 of the 146,000 (40 a day): its period is that day, not days of the 219,000
    paid = ledger.settle_at_most(day(6), Decimal("10"))
    assert (paid.amount, paid.period) == (10, (day(0), day(1)))
    assert ledger.accrued(day(6)).amount == 230


def test_a_part_of_the_dollars_left_owes_only_its_days_after_those_settled():
    ledger = with_the_kept_dollars_days_settled()
    ledger.change_base(day(5), Decimal("-146000"))  # two thirds of the 219,000 paid from day 5
    # the 73,000 left (20 a day), converted with its interest through day 4, owes days 3 and 4 only
    assert ledger.settle(day(5), Decimal("73000")).amount == 40
    ledger.change_base(day(5), Decimal("-73000"))
    # what stays owed: days 0 to 2 of the first 146,000, days 3 and 4 of the 146,000 paid
    assert ledger.accrued(day(6)).amount == 200
