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
from contractlang.inputs.scenario import load_scenario
from contractlang.language.checker import load
from contractlang.runtime.interpreter import evaluate
from contractlang.stdlib.prices import PriceSeries

ROOT = Path(__file__).resolve().parents[1]
BOND = ROOT / "contracts" / "examples" / "fixed_rate_bond.contract"


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
