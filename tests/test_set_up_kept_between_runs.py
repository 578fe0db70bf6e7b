"""What a run sets up once and later runs reuse gives the same figures as a fresh set-up.

A recurring schedule is laid out once for the same dates, and the trading days of the
same prices are sorted once; a later run with another horizon, or prices that
changed their days, must still see its own.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from contractlang.inputs.binding import inputs_for
from contractlang.inputs.scenario import BoundEvent, load_scenario
from contractlang.language.checker import check, load
from contractlang.language.parser import parse
from contractlang.runtime.interpreter import evaluate
from contractlang.runtime.values import Inputs, Setting
from contractlang.stdlib.prices import PriceSeries

ROOT = Path(__file__).resolve().parents[1]
BOND = ROOT / "contracts" / "examples" / "fixed_rate_bond.contract"


def checked_text(text: str, name: str):
    """A contract written here, checked afresh: nothing kept from another test's runs."""
    return check(parse(text, name), name, text)


def bond_run(contract, until: date) -> tuple[list[tuple[str, str]], str]:
    inputs = inputs_for(contract, load_scenario(str(ROOT / "scenarios" / "bond_to_maturity.toml")), {}, {}, None)
    inputs.until = until
    found = evaluate(contract, inputs).to_json()
    payments = [(effect["date"], effect["amount"]) for effect in found["effects"] if effect["kind"] == "payment"]
    return payments, found["state"]["accrued_interest"]


def test_a_schedule_laid_out_for_one_horizon_is_laid_out_again_for_another():
    contract = load(str(BOND))
    early = bond_run(contract, date(2024, 6, 30))
    assert early == ([("2024-04-15", "12500.00")], "10555.56")  # 1,000,000 × 5% × 76/360 from April 15
    payments, accrued = bond_run(contract, date(2027, 1, 16))
    assert len(payments) == 13 and accrued == "0.00"
    assert payments[-2:] == [("2027-01-15", "1000000.00"), ("2027-01-15", "12500.00")]
    assert bond_run(contract, date(2024, 6, 30)) == early


def test_prices_that_changed_their_days_are_sorted_again():
    days = [date(2024, 1, 1) + timedelta(days=n) for n in range(100)]
    prices = {day: Decimal(n) for n, day in enumerate(reversed(days))}  # given latest first
    assert PriceSeries(prices).on_or_before(date(2024, 2, 15)) == (date(2024, 2, 15), Decimal(54))
    del prices[date(2024, 2, 15)]
    prices[date(2024, 5, 1)] = Decimal("7.5")  # as many days as before, one of them another
    series = PriceSeries(prices)
    assert series.on_or_before(date(2024, 2, 15)) == (date(2024, 2, 14), Decimal(55))
    assert series.on_or_before(date(2024, 6, 1)) == (date(2024, 5, 1), Decimal("7.5"))
    assert len(series) == 100


def test_a_series_read_from_a_file_finds_its_days_again_after_any_change(tmp_path):
    from contractlang.inputs.scenario import load_price_csv
    from contractlang.stdlib.prices import DatedValues, trading_days

    path = tmp_path / "prices.csv"
    path.write_text("date,price\n2024-01-03,3\n2024-01-01,1\n2024-01-02,2\n", encoding="utf-8")
    prices = load_price_csv(str(path))
    assert type(prices) is DatedValues and trading_days(prices) == [date(2024, 1, d) for d in (1, 2, 3)]
    assert trading_days(prices) is trading_days(prices)  # found once
    assert trading_days(load_price_csv(str(path))) == trading_days(prices)  # a copy read again: its own days
    later = date(2024, 1, 9)
    changes = [lambda p: p.__setitem__(later, Decimal(9)), lambda p: p.update({later: Decimal(9)}),
               lambda p: p.setdefault(later, Decimal(9)), lambda p: p.__ior__({later: Decimal(9)})]
    for change in changes:
        changed = load_price_csv(str(path))
        trading_days(changed)
        change(changed)
        assert trading_days(changed)[-1] == later and PriceSeries(changed).before(date(2024, 2, 1))[0] == later
    removals = [lambda p: p.__delitem__(date(2024, 1, 3)), lambda p: p.pop(date(2024, 1, 3)),
                lambda p: p.popitem(), lambda p: p.clear()]
    for removal in removals:
        changed = load_price_csv(str(path))
        trading_days(changed)
        removal(changed)
        assert trading_days(changed) == sorted(changed) and len(trading_days(changed)) < 3
    assert trading_days(load_price_csv(str(path))) == [date(2024, 1, d) for d in (1, 2, 3)]  # what is kept stays


def test_a_rule_whose_schedule_a_setting_moved_runs_on_its_own_dates_under_the_same_horizon():
    """The timeline entries of a scheduled rule are kept from the last run: a run whose parameter moves the
    schedule (the issue date moves every coupon date), under the same horizon, must be laid out afresh."""
    def coupon_days(contract, issue_date: date) -> list[tuple[str, str]]:
        inputs = Inputs(until=date(2027, 1, 16), params={"issue_date": Setting(issue_date, "scenario")})
        return [(effect["date"], effect["amount"]) for effect in evaluate(contract, inputs).to_json()["effects"]
                if effect["kind"] == "payment" and effect["purpose"] == "interest"]

    january, february = date(2024, 1, 15), date(2024, 2, 15)
    fresh = {day: coupon_days(load(str(BOND)), day) for day in (january, february)}
    assert fresh[january][:2] == [("2024-04-15", "12500.00"), ("2024-07-15", "12500.00")] and len(fresh[january]) == 12
    # the schedule starts three months after issue, so the first coupon is July's: 1,000,000 × 5% × 150/360
    assert fresh[february][:2] == [("2024-07-15", "20833.33"), ("2024-10-15", "12500.00")]
    assert len(fresh[february]) == 11
    contract = load(str(BOND))
    for day in (january, february, january, january, february, february, january):  # closures, then generated code
        assert coupon_days(contract, day) == fresh[day]


LISTED_FEES = '''contract "Listed fees"

currency USD "United States dollars"

§1 "Fees" {
  text "A fee of one dollar on each date listed."
  term payer = "Company"
  term payee = "Holder"
  schedule fee_dates = [2024-01-31, 2024-02-29, 2024-03-29]

  on each d in fee_dates {
    pay 1 USD from payer to payee as fee
  }
}
'''


def test_a_listed_schedule_the_same_under_every_horizon_runs_only_on_its_dates_within_each():
    """A list of dates is the same list whatever the horizon, while the entries of the timeline stop at it:
    the entries kept from a run under one horizon are not those of a run under another."""
    contract = checked_text(LISTED_FEES, "fees.contract")

    def fee_days(until: date) -> list[str]:
        return [effect["date"] for effect in evaluate(contract, Inputs(until=until)).to_json()["effects"]]

    for _ in range(3):  # closures, then generated code
        assert fee_days(date(2024, 2, 15)) == ["2024-01-31"]
        assert fee_days(date(2024, 12, 31)) == ["2024-01-31", "2024-02-29", "2024-03-29"]
        assert fee_days(date(2024, 3, 1)) == ["2024-01-31", "2024-02-29"]
    # the same horizon again and again: a run by generated code takes none of the entries of the runs by closures
    from contractlang.language import ast
    from contractlang.runtime.interpreter import Run

    contract = checked_text(LISTED_FEES, "fees.contract")
    (_, rule), = contract.items_of(ast.OnEachRule)
    for _ in range(4):
        run = Run(contract, Inputs(until=date(2024, 2, 15)))
        assert [effect.date for effect in run.run().effects] == [date(2024, 1, 31)]
        assert {entry[4][4] for entry in run.timeline} == {run.block_of(rule.body, contract)}


def test_the_entries_of_a_long_schedule_are_not_kept_after_its_run():
    """A contract keeps a rule's timeline entries only for a schedule of a usual length: those of a daily schedule
    over decades would hold megabytes between runs for little."""
    from contractlang.runtime.interpreter import KEPT_ENTRIES

    days = KEPT_ENTRIES + 1
    text = LISTED_FEES.replace("[2024-01-31, 2024-02-29, 2024-03-29]",
                               f"[2024-01-01 + n * 1 day for n in range(0, {days - 1})]")
    contract = checked_text(text, "daily.contract")
    for _ in range(3):
        assert len(evaluate(contract, Inputs(until=date(2040, 1, 1))).effects) == days
    assert not any(type(key) is tuple and key[0] == "entries" for key in contract.compiled)
    short = checked_text(LISTED_FEES, "fees.contract")
    evaluate(short, Inputs(until=date(2040, 1, 1)))
    assert any(type(key) is tuple and key[0] == "entries" for key in short.compiled)


TIMED_CHECKS = '''contract "Timed checks"

security common

§1 "Checks" {
  text "A check at five on two days; a notice has no time of day."
  time zone "America/New_York"
  term checks = [2029-06-29 at 17:00, 2029-06-30 at 17:00]
  event Notice {}
  on each moment in checks {
    record status = "checked"
  }
  upon Notice as notice {
    record status = "noticed"
  }
}
'''


def test_a_schedule_at_a_time_of_day_marks_its_days_as_timed_in_every_run():
    """An event without a time of day on a day with a timed item runs at the start of that day, and the run
    says so: every run, the entries of a timed schedule among them, must know which days are timed."""
    contract = checked_text(TIMED_CHECKS, "timed.contract")
    notice = BoundEvent(0, "Notice", date(2029, 6, 30), {}, None)
    for _ in range(4):  # closures, then generated code
        found = evaluate(contract, Inputs(until=date(2029, 7, 1), events=[notice]))
        assert [effect.details.get("value") for effect in found.effects] == ["checked", "noticed", "checked"]
        assert ["runs at the start of the day, before the item scheduled at 17:00:00" in warning.message
                for warning in found.warnings] == [True]
