"""The compiled evaluation gives what the terms say, by its short cuts as by its general paths.

Rules are compiled once per contract into closures, and the usual cases of
exact arithmetic take short cuts (cents of a decimal or a ratio, min and max
of a decimal and a ratio, the year fraction of a span inside its period). Each
test holds one of them to a literal figure or to the general path, in process.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contractlang.diagnostics import ContractError
from contractlang.inputs.scenario import BoundEvent
from contractlang.language.checker import load
from contractlang.runtime import compiler, interpreter
from contractlang.runtime.values import Frame, Inputs
from contractlang.stdlib import exact, rounding, schedules
from contractlang.stdlib.accrual import Ledger

HEADER = 'contract "compiled"\ncurrency USD\n'


def checked(tmp_path: Path, body: str):
    path = tmp_path / "compiled.contract"
    path.write_text(HEADER + body, encoding="utf-8")
    return load(str(path))


def evaluated(contract, until: date = date(2024, 12, 31), events=()):
    return interpreter.evaluate(contract, Inputs(until=until, events=list(events)))


# ------------------------------------------------------------- exact arithmetic


def test_cents_of_a_ratio_rounds_half_up_away_from_zero():
    with localcontext(exact.EXACT):
        assert rounding.cents(Fraction(4_563_200, 73)) == Decimal("62509.59")
        assert rounding.cents(Fraction(1, 200)) == Decimal("0.01")  # a half cent, up
        assert rounding.cents(Fraction(-1, 200)) == Decimal("-0.01")  # and away from zero below it
        assert rounding.cents(Fraction(-1, 300)) == Decimal("0.00")
        assert str(rounding.cents(Fraction(2, 3))) == "0.67"


@given(st.fractions(max_denominator=10_000).filter(lambda f: abs(f) < 10 ** 12))
def test_cents_of_a_ratio_is_the_general_rounding_to_two_places(value):
    with localcontext(exact.EXACT):
        assert str(rounding.cents(value)) == str(rounding.round_half_up(value, 2))


def test_a_thirty_360_span_inside_its_period_is_measured_from_the_period_start():
    # 30/360 from January 31: to March 31 is 60 days, to February 28 is 28, so [February 28, March 31)
    # is 32 days of its period (counted from February 28 alone it would be 33)
    ledger = Ledger(start=date(2003, 1, 31), base=Decimal("360000"), annual_rate=Decimal("0.10"),
                    day_count="30/360", boundaries=[date(2003, 1, 31), date(2003, 4, 30)])
    with localcontext(exact.EXACT):
        assert ledger.settle(date(2003, 2, 28)).amount == Decimal("2800")
        assert ledger.accrued(date(2003, 3, 31)).amount == Decimal("3200")


def test_an_actual_365_span_inside_its_period_is_its_days_over_the_year():
    ledger = Ledger(start=date(2003, 1, 1), base=Decimal("365000"), annual_rate=Decimal("0.08"),
                    day_count="actual/365", boundaries=[date(2003, 1, 1), date(2003, 7, 1), date(2003, 7, 1)])
    with localcontext(exact.EXACT):
        assert ledger.settle(date(2003, 2, 1)).amount == Decimal("2480")  # 31 days
        assert ledger.accrued(date(2003, 3, 1)).pieces[0].fraction == Fraction(28, 365)
        across = ledger.accrued(date(2003, 8, 1))  # 150 + 31 days, split once at the boundary given twice
        assert across.amount == Decimal("14480")
        assert [(piece.start, piece.end) for piece in across.pieces] == [
            (date(2003, 2, 1), date(2003, 7, 1)), (date(2003, 7, 1), date(2003, 8, 1))]


def test_regular_coupons_repeat_their_product_until_the_base_or_the_rate_changes():
    quarters = [date(2024, 1, 15), date(2024, 4, 15), date(2024, 7, 15), date(2024, 10, 15), date(2025, 1, 15)]
    ledger = Ledger(start=quarters[0], base=Decimal("1000000.00"), annual_rate=Decimal("0.05"),
                    day_count="30/360", boundaries=quarters)
    with localcontext(exact.EXACT):
        assert ledger.settle(quarters[1]).amount == Decimal("12500")
        assert ledger.settle(quarters[2]).amount == Decimal("12500")  # the same base, rate and quarter
        ledger.change_base(quarters[2], Decimal("-500000.00"))  # from the watermark: the base itself
        assert ledger.settle(quarters[3]).amount == Decimal("6250")
        ledger.change_rate(quarters[3], Decimal("0.06"))
        settled = ledger.settle(quarters[4])
        assert settled.amount == Decimal("7500") and settled.period == (quarters[3], quarters[4])
        assert [(piece.base, piece.rate, piece.fraction) for piece in settled.pieces] == [
            (Decimal("500000.00"), Decimal("0.06"), Fraction(1, 4))]


ACCRUAL_START, TEN_DAYS_IN, TWENTY_DAYS_IN = date(2003, 1, 1), date(2003, 1, 11), date(2003, 1, 21)
CHANGES_SINCE_THE_WATERMARK = {  # ten days in, on 365,000 at 10% (100 a day); what the twenty days then owe
    "base": (lambda ledger: ledger.change_base(TEN_DAYS_IN, Decimal("-182500")), Decimal("1500")),
    "rate": (lambda ledger: ledger.change_rate(TEN_DAYS_IN, Decimal("0.20")), Decimal("3000")),
    "stop": (lambda ledger: ledger.stop(TEN_DAYS_IN), Decimal("1000")),
    # half the base's first ten days are paid
    "portion": (lambda ledger: ledger.settle(TEN_DAYS_IN, Decimal("182500")), Decimal("1500")),
    # half of the first day is paid
    "part": (lambda ledger: ledger.settle_at_most(TWENTY_DAYS_IN, Decimal("50")), Decimal("1950")),
}


@pytest.mark.parametrize("change", CHANGES_SINCE_THE_WATERMARK)
def test_an_accrual_kept_before_a_change_is_not_taken_after_it(change):
    # the same watermark, end, base and rate: what accrued is kept by them alone only while nothing changed since
    # the watermark; a change of the base, a rate, a portion or a day paid in part makes it another figure
    made, expected = CHANGES_SINCE_THE_WATERMARK[change]
    with localcontext(exact.EXACT):
        ledger = Ledger(start=ACCRUAL_START, base=Decimal("365000"), annual_rate=Decimal("0.10"),
                        day_count="actual/365", boundaries=[ACCRUAL_START, date(2003, 7, 1)])
        assert ledger.accrued(TWENTY_DAYS_IN).amount == Decimal("2000")
        made(ledger)
        assert ledger.accrued(TWENTY_DAYS_IN).amount == expected


def test_a_product_kept_from_another_ledger_is_the_one_its_own_factors_make():
    # ten days at 8% on 365,000 are 800, however the base is written: a product by a ratio is made from the
    # factors' exact ratios, so a product kept for one of them is the product of each
    ends = [date(2024, 1, 1), date(2024, 1, 11)]
    with localcontext(exact.EXACT):
        for base in (Decimal("365000.00"), Decimal("365000"), Fraction(730_000, 2), Decimal("365000.00")):
            ledger = Ledger(start=ends[0], base=base, annual_rate=Decimal("0.08"), day_count="actual/365",
                            boundaries=ends)
            fresh = exact.multiply(exact.multiply(base, Decimal("0.08")), Fraction(10, 365))
            assert str(ledger.settle(ends[1]).amount) == str(fresh) == "800"
        half = Ledger(start=ends[0], base=Decimal("182500"), annual_rate=Decimal("0.08"), day_count="actual/365",
                      boundaries=ends)
        assert half.settle(ends[1]).amount == Decimal("400")  # another base is another product


def test_a_span_settled_before_is_the_one_its_own_ledger_settles():
    # a span settled whole is kept by its dates, base, rate and day count, and under 30/360 by the start of its
    # period too: [March 15, March 31) counts 16 days from March 15 but 15 from January 31 (a 31st counts as a
    # 30th when the count starts on one), so each ledger settles the days of its own periods
    march = [date(2024, 3, 15), date(2024, 3, 31)]
    with localcontext(exact.EXACT):
        own_period = Ledger(start=march[0], base=Decimal("360000"), annual_rate=Decimal("0.10"), day_count="30/360",
                            boundaries=march)
        assert own_period.settle(march[1]).amount == Decimal("1600")  # 100 a day
        longer = Ledger(start=date(2024, 1, 31), base=Decimal("360000.00"), annual_rate=Decimal("0.10"),
                        day_count="30/360", boundaries=[date(2024, 1, 31), date(2024, 4, 30)])
        longer.settle(march[0])
        settled = longer.settle(march[1])
        assert (settled.amount, settled.period, settled.pieces[0].fraction) == (
            Decimal("1500"), (march[0], march[1]), Fraction(15, 360))
        for day_count, amount in (("actual/365", Fraction(360000 * 16, 3650)), ("actual/360", Decimal("1600")),
                                  ("actual/365", Fraction(360000 * 16, 3650))):
            ledger = Ledger(start=march[0], base=Decimal("360000"), annual_rate=Decimal("0.10"), day_count=day_count,
                            boundaries=march)
            assert ledger.settle(march[1]).amount == amount
        other_rate = Ledger(start=march[0], base=Decimal("360000"), annual_rate=Decimal("0.05"), day_count="30/360",
                            boundaries=march)
        assert other_rate.settle(march[1]).amount == Decimal("800")
        other_base = Ledger(start=march[0], base=Decimal("180000"), annual_rate=Decimal("0.10"), day_count="30/360",
                            boundaries=march)
        assert other_base.settle(march[1]).amount == Decimal("800")


def test_a_figure_kept_after_a_day_paid_in_part_is_the_one_its_own_share_leaves():
    # Two ledgers at 10% (actual/365) come to the same base, watermark and portion by different ways: one pays 250
    # at 100 a day (half its third day, 182,500 of that day's base set apart) and then its base doubles back to
    # its second day; the other pays 450 at 200 a day (a quarter of the third day: 182,500 again). Only the share
    # of the day paid tells them apart, so a part of 182,500 of the principal still owes its own interest
    days = [date(2024, 1, 1), date(2024, 1, 11)]
    with localcontext(exact.EXACT):
        for _ in range(2):  # the second time, each figure is one kept from the first
            halved = Ledger(start=days[0], base=Decimal("365000"), annual_rate=Decimal("0.10"),
                            day_count="actual/365", boundaries=days)
            assert halved.settle_at_most(days[1], Decimal("250")).amount == Decimal("250")
            halved.change_base(date(2024, 1, 2), Decimal("365000"))
            quartered = Ledger(start=days[0], base=Decimal("730000"), annual_rate=Decimal("0.10"),
                               day_count="actual/365", boundaries=days)
            assert quartered.settle_at_most(days[1], Decimal("450")).amount == Decimal("450")
            assert (halved.watermark, halved.base, halved.portions) == (
                quartered.watermark, quartered.base, quartered.portions)
            # eight days unpaid from the third at 50 a day, less the share of the third paid: a half or a quarter
            assert halved.accrued(days[1], Decimal("182500")).amount == Decimal("375")
            assert quartered.accrued(days[1], Decimal("182500")).amount == Decimal("387.5")


def test_a_ledger_opened_again_on_a_list_of_boundaries_that_changed_takes_its_days():
    # every run opens its ledger on the same list (a set-up value): its days in order are found once for it, and
    # again once the list holds other days
    days = [date(2024, 4, 1), date(2024, 1, 1), date(2024, 1, 1)]

    def opened() -> Ledger:
        return Ledger(start=date(2024, 1, 1), base=Decimal("1000"), annual_rate=Decimal("0.05"),
                      day_count="actual/365", boundaries=days)

    first = opened()
    assert first.boundaries == [date(2024, 1, 1), date(2024, 4, 1)] and opened().boundaries is first.boundaries
    days[0] = date(2024, 7, 1)
    assert opened().boundaries == [date(2024, 1, 1), date(2024, 7, 1)]
    assert first.boundaries == [date(2024, 1, 1), date(2024, 4, 1)]  # its own days, unchanged


JAN = [date(2024, 1, day) for day in range(1, 32)]  # JAN[n] is January n + 1
# 360,000 at 10%, actual/360: 100 a day. Each pair of ledgers differs in one thing only, asked the same query in
# turn, so that a figure kept for the first (by what it is made of) can never stand for the second.
ACROSS_CHANGES = [
    ("a change of the base", lambda l: l.change_base(JAN[10], Decimal(360000)), None, Decimal(5000)),
    ("a larger change", lambda l: l.change_base(JAN[10], Decimal(720000)), None, Decimal(7000)),
    ("a change of the rate", lambda l: l.change_rate(JAN[10], Decimal("0.20")), None, Decimal(5000)),
    ("a larger rate", lambda l: l.change_rate(JAN[10], Decimal("0.30")), None, Decimal(7000)),
    ("a stop", lambda l: l.stop(JAN[20]), None, Decimal(2000)),
    ("an earlier stop", lambda l: l.stop(JAN[10]), None, Decimal(1000)),
    ("a portion asked", lambda l: None, Decimal(36000), Decimal(300)),
    ("a larger portion asked", lambda l: None, Decimal(72000), Decimal(600)),
    ("a portion settled before", lambda l: l.settle(JAN[10], Decimal(36000)), None, Decimal(2900)),
    ("a larger portion settled before", lambda l: l.settle(JAN[10], Decimal(72000)), None, Decimal(2800)),
    ("half a day paid", lambda l: l.settle_at_most(JAN[30], Decimal(150)), None, Decimal(2850)),
    ("more of the day paid", lambda l: l.settle_at_most(JAN[30], Decimal(170)), None, Decimal(2830)),
]


def test_what_a_ledger_accrued_across_changes_is_its_own_whatever_was_asked_before():
    half_year = [JAN[0], date(2024, 7, 1)]  # one list, as every run of a contract opens its ledger with
    with localcontext(exact.EXACT):
        for name, change, portion, owed in ACROSS_CHANGES:
            ledger = Ledger(start=JAN[0], base=Decimal(360000), annual_rate=Decimal("0.10"), day_count="actual/360",
                            boundaries=half_year)
            change(ledger)
            assert ledger.accrued(JAN[30], portion).amount == owed, name
        # the same change of the base, on another base, at another rate, under another day count, to another day
        for base, rate, day_count, end, owed in (
                (Decimal(720000), "0.10", "actual/360", JAN[30], Decimal(8000)),
                (Decimal(360000), "0.20", "actual/360", JAN[30], Decimal(10000)),
                (Decimal(360000), "0.10", "actual/365", JAN[30], Fraction(360000 * 10 + 720000 * 20, 3650)),
                (Decimal(360000), "0.10", "actual/360", JAN[20], Decimal(3000))):
            ledger = Ledger(start=JAN[0], base=base, annual_rate=Decimal(rate), day_count=day_count,
                            boundaries=half_year)
            ledger.change_base(JAN[10], Decimal(360000))
            assert ledger.accrued(end).amount == owed, (base, rate, day_count, end)
        # under 30/360 a span's days count from its period's start, the first boundary or the ledger's own start
        # after it: January 31 makes March 31 a 30th
        from_january, from_march = [date(2024, 1, 31), date(2024, 4, 30)], [date(2024, 1, 31), date(2024, 3, 1),
                                                                             date(2024, 4, 30)]
        for start, boundaries, owed in ((date(2024, 1, 31), from_january, Decimal(2900)),
                                        (date(2024, 3, 1), from_january, Decimal(3100)),
                                        (date(2024, 1, 31), from_march, Decimal(3100))):
            ledger = Ledger(start=start, base=Decimal(360000), annual_rate=Decimal("0.10"), day_count="30/360",
                            boundaries=boundaries)
            ledger.settle(date(2024, 3, 15))
            ledger.change_base(date(2024, 3, 16), Decimal(360000))
            assert ledger.accrued(date(2024, 3, 31)).amount == owed, (start, boundaries)


def test_min_and_max_of_a_decimal_and_a_ratio_compare_them_exactly(tmp_path):
    contract = checked(tmp_path, '§1 "A" {\n  term third = 1 / 3\n'
                                 '  report smaller = min(third, 0.34)\n  report larger = max(0.33, third)\n'
                                 '  report decimal = min(0.34, 0.5)\n}\n')
    assert evaluated(contract).state == {"smaller": "0.3333333333333333333333333333",
                                         "larger": "0.3333333333333333333333333333", "decimal": "0.34"}


def test_months_later_keep_the_day_or_take_the_months_last():
    assert schedules.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert schedules.add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert schedules.add_months(date(2024, 3, 31), -13) == date(2023, 2, 28)
    assert schedules.add_months(date(2024, 1, 15), Decimal(24)) == date(2026, 1, 15)
    assert schedules.add_months(datetime(2024, 8, 31, 17, 0), 1) == datetime(2024, 9, 30, 17, 0)  # its time kept
    with pytest.raises(schedules.OutsideCalendar):
        schedules.add_months(date(9999, 12, 1), 1)


# ------------------------------------------------------------- what a rule changed


TWO_RULES = '''§1 "Redemption" {
  term holder = "H"
  state principal: USD = 100 USD
  on 2024-06-01 {
    set principal = PRINCIPAL
  }
}
§2 "Interest" {
  on 2024-06-01 {
    pay principal * 5% from holder to holder as interest
  }
}
'''


def test_a_rule_that_sets_a_state_to_what_it_was_changes_nothing_that_day(tmp_path):
    result = evaluated(checked(tmp_path, TWO_RULES.replace("PRINCIPAL", "principal")))
    assert [e.details["amount"] for e in result.effects] == ["5.00"]
    assert result.warnings == []


def test_a_rule_that_changes_a_state_another_reads_that_day_is_a_warning(tmp_path):
    result = evaluated(checked(tmp_path, TWO_RULES.replace("PRINCIPAL", "60 USD")))
    assert [e.details["amount"] for e in result.effects] == ["3.00"]
    assert [w.message for w in result.warnings] == [
        "the rule of §2 reads 'principal', which the rule of §1 (line 6) changed earlier on 2024-06-01: "
        "rules of one day run in the order they are written"]


EVENTS = '''§1 "Prepayment" {
  term holder = "H"
  state principal: USD = 100 USD
  state fee: USD = 1 USD
  event Prepayment {
    amount: USD
  }
  upon Prepayment as prepayment {
    require prepayment.amount <= principal else "more than is outstanding"
    set fee = fee
    set principal = principal - prepayment.amount
    pay prepayment.amount from holder to holder as principal
  }
  event Waiver {}
  upon Waiver as waiver {
    set fee = 0 USD
  }
}
'''


def test_an_event_that_made_nothing_lists_the_states_it_changed_and_one_that_made_an_effect_none(tmp_path):
    # the table shows an "accepted" line, with what changed, only for an event that made no effect
    events = [BoundEvent(1, "Prepayment", date(2024, 3, 1), {"amount": Decimal(40)}, None),
              BoundEvent(2, "Prepayment", date(2024, 4, 1), {"amount": Decimal(70)}, None),
              BoundEvent(3, "Waiver", date(2024, 4, 15), {}, None),
              BoundEvent(4, "Prepayment", date(2024, 5, 1), {"amount": Decimal(60)}, None)]
    result = evaluated(checked(tmp_path, EVENTS), events=events)
    assert [(e.kind, e.cause) for e in result.effects] == [("payment", 1), ("rejection", 2), ("payment", 4)]
    assert result.event_changes == {3: [("fee", "1.00", "0.00")]}
    assert result.state == {"principal": "0.00", "fee": "0.00"}


# ------------------------------------------------------------- the budget


def test_the_budget_stops_a_compiled_rule_at_the_statement_that_goes_over_it(tmp_path, monkeypatch):
    contract = checked(tmp_path, '§1 "A" {\n  state n: USD = 0 USD\n  on 2024-06-01 {\n'
                       + "".join("    set n = n + 1 USD\n" for _ in range(6)) + "  }\n}\n")
    assert evaluated(contract).state == {"n": "6.00"}
    monkeypatch.setattr(interpreter, "STEP_BUDGET", 4)  # the run's charges
    monkeypatch.setattr(compiler, "STEP_BUDGET", 4)  # the compiled statements' own count
    with pytest.raises(ContractError) as stopped:
        evaluated(contract)
    diagnostic = stopped.value.diagnostics[0]
    assert diagnostic.message.startswith("this evaluation exceeds its budget of 4 steps in the scheduled rule of §1 "
                                         "on 2024-06-01 (§1)")
    assert (diagnostic.span.line, diagnostic.span.column) == (10, 5)  # the fifth statement


def test_statements_a_caller_lists_run_in_order_and_leave_no_compiled_block_behind(tmp_path):
    contract = checked(tmp_path, '§1 "A" {\n  state n: USD = 0 USD\n  on 2024-06-01 {\n'
                       '    let a = 1 USD\n    let b = a + 2 USD\n    set n = b\n  }\n}\n')
    rule = contract.tree.sections[0].items[-1]
    run = interpreter.Run(contract, Inputs(until=date(2024, 12, 31)))
    run.state["n"] = Decimal(0)
    frame = Frame("§1", None, date(2024, 6, 1), [], {}, "the test")
    kept = len(contract.blocks)
    with localcontext(exact.EXACT):
        for statement in rule.body:  # one list a call, as an invariant's walker gives them
            run.execute([statement], frame)
    assert (frame.locals, run.state) == ({"a": Decimal("1"), "b": Decimal("3")}, {"n": Decimal("3")})
    assert len(contract.blocks) == kept


@settings(max_examples=2000, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2300, 12, 31)), st.integers(-1200, 1200))
def test_months_later_are_those_of_dateutil(day, months):
    from dateutil.relativedelta import relativedelta

    assert schedules.add_months(day, months) == day + relativedelta(months=months)


# ------------------------------------------------------------- set-up kept between runs

KEPT_SCHEDULE = '''
§1 "Coupons" {
  parameter issue_date: Date = 2024-01-15
  term maturity = 2025-01-15
  state principal: USD = 1_000.00 USD
  schedule coupon_dates = every Jan 15, Jul 15 from add_months(issue_date, 6) to maturity - 1 day
  accrual coupon {
    on: principal
    annual_rate: 10%
    day_count: "30/360"
    start: issue_date
    boundaries: coupon_dates + [maturity]
  }
  on each d in coupon_dates {
    pay settle(coupon, before: d) from "Issuer" to "Holder" as interest
  }
}
'''


def coupons(contract, issue_date: date | None = None) -> tuple[list[tuple[str, str]], int]:
    """The coupons (date, amount) of a run, and the steps it took."""
    from contractlang.runtime.values import Setting

    params = {} if issue_date is None else {"issue_date": Setting(issue_date, "scenario")}
    run = interpreter.Run(contract, Inputs(until=date(2025, 12, 31), params=params))
    with localcontext(exact.EXACT):
        result = run.run()
    return [(e.date.isoformat(), e.details["amount"]) for e in result.effects], run.steps_taken


def test_a_schedule_kept_from_an_earlier_run_is_taken_only_with_the_same_settings(tmp_path):
    contract = checked(tmp_path, KEPT_SCHEDULE)
    first, first_steps = coupons(contract)
    assert first == [("2024-07-15", "50.00")]  # 1,000 × 10% × 180/360
    # issued two months later: the schedule starts from September 15, so the first coupon is 2025's
    later, _ = coupons(contract, date(2024, 3, 15))
    assert later == []  # September 15 is not a Jan 15 or Jul 15: the first is July 15, 2025, past maturity
    earlier, _ = coupons(contract, date(2023, 7, 15))
    assert earlier == [("2024-01-15", "50.00"), ("2024-07-15", "50.00")]
    again, again_steps = coupons(contract)
    assert (again, again_steps) == (first, first_steps)  # the kept layout, its steps charged as computing it did
    assert any(type(key) is tuple and key[0] == "set-up value" for key in contract.compiled)  # and it was kept


def test_kept_set_up_values_are_told_apart_by_how_their_settings_read():
    # equal numbers that read differently are different settings: a kept value of one is not the other's
    def key(value):
        return interpreter.settings_key((date(2024, 1, 15), value))

    assert key(Decimal("6")) != key(Decimal("6.0")) and key(True) != key(Decimal(1)) != key(1)
    assert key(Decimal("6.0")) == key(Decimal("6.0")) and key(date(2024, 1, 15)) == key(date(2024, 1, 15))
    assert key("6") != key(Decimal("6")) and key(Fraction(1, 3)) == key(Fraction(2, 6))  # a ratio is its value


def test_a_date_is_written_once_as_its_iso_text_and_a_moment_as_its_own():
    from contractlang.runtime.effects import DateTexts

    texts = DateTexts()
    assert texts[date(2024, 4, 15)] == "2024-04-15" and texts[date(2024, 4, 15)] is texts[date(2024, 4, 15)]
    assert texts[datetime(2024, 4, 15, 17, 0)] == "2024-04-15T17:00:00"  # not the day's text: a moment is not a day
    days = [date.fromordinal(date(2000, 1, 1).toordinal() + n) for n in range(5_000)]
    assert [texts[day] for day in days] == [day.isoformat() for day in days]  # past the few thousand kept too
    assert len(texts) <= 4_096
