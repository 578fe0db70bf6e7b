"""Every run is bounded, and no date or number beyond range is an internal error.

Most tests write a small contract (and a scenario) into a temporary directory
and run `contract eval` in a subprocess, as a user would: an attack must end
within seconds with exit status 1 and a positioned diagnostic naming the
budget it exceeded; a date past either end of the calendar or a number beyond
computing must be `PATH:LINE:COL: error: ...`, never a traceback. The last
ones call the date arithmetic of the library directly.
"""

from __future__ import annotations

import calendar
import json
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contractlang.stdlib import schedules
from contractlang.stdlib.daycount import year_fraction

ROOT = Path(__file__).resolve().parents[1]
HEADER = 'contract "bounds"\ncurrency USD\n'
TEN = "[" + ", ".join(str(n) for n in range(1, 11)) + "]"
STEPS = ("this evaluation exceeds its budget of 10,000,000 steps in {rule}; every run is bounded "
         "(a step is a statement run or a list element visited, built, copied or compared)")
OUT_OF_RANGE = "cannot compute this in {rule}: the numbers are out of range (Overflow)"


def evaluate(tmp_path: Path, body: str, scenario: str = 'title = "bounds"\n', *options: str):
    """Run `contract eval` on HEADER + body; gives (exit status, stdout, stderr, contract path, seconds)."""
    contract = tmp_path / "bounds.contract"
    contract.write_text(HEADER + body, encoding="utf-8")
    scenario_path = tmp_path / "bounds.toml"
    scenario_path.write_text(scenario, encoding="utf-8")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "contractlang.cli", "eval", str(contract), str(scenario_path),
                           *options], capture_output=True, text=True, timeout=60, cwd=ROOT)
    return done.returncode, done.stdout, done.stderr, contract, time.monotonic() - started


def position(body: str, at: str) -> tuple[int, int]:
    """The line and column of the first `at` in the contract HEADER + body."""
    text = HEADER + body
    offset = text.index(at)
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def assert_diagnostic(tmp_path: Path, body: str, at: str, message: str, scenario: str = 'title = "bounds"\n') -> None:
    """The run ends quickly with exit 1 and exactly this diagnostic head, at the first `at` in the contract."""
    line, column = position(body, at)
    status, stdout, stderr, contract, seconds = evaluate(tmp_path, body, scenario)
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert seconds < 20, f"took {seconds:.1f} s"
    assert status == 1, stderr
    assert stdout == ""
    assert stderr.splitlines()[0] == f"{contract}:{line}:{column}: error: {message}"


# ------------------------------------------------------------- the budgets

IN_THE_RULE = "the scheduled rule of §1 on 2003-01-01 (§1)"


def nested_loops(depth: int) -> str:
    lines = ['§1 "Loops" {', "  horizon 2003-01-02", f"  term ten = {TEN}", "  state n: Integer = 0",
             "  on 2003-01-01 {"]
    for level in range(depth):
        lines.append("    " + "  " * level + f"for v{level} in ten {{")
    lines.append("    " + "  " * depth + "set n = n + 1")
    lines += ["    " + "  " * level + "}" for level in reversed(range(depth))]
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


def test_ten_nested_loops_over_ten_items_end_with_the_step_budget(tmp_path):
    # 10^10 iterations in a few hundred bytes: the budget stops them, here at the innermost loop
    body = nested_loops(10)
    assert len((HEADER + body).encode()) < 700
    assert_diagnostic(tmp_path, body, "for v9", STEPS.format(rule=IN_THE_RULE))


MONTHLY = "every " + ", ".join(f"{m} 1" for m in
                               ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"))
LONG_SCHEDULE = f"  schedule days = {MONTHLY} from 2000-01-01 to 2124-12-31\n"  # 1,500 dates


def test_three_nested_comprehensions_over_a_long_schedule_end_with_the_step_budget(tmp_path):
    body = ('§1 "Dates" {\n  horizon 2125-01-01\n' + LONG_SCHEDULE
            + "  term pairs = count([a for a in days if count([b for b in days if count([c for c in days if c > b]) > 0]) > 0])\n"
            "  report r = pairs\n}\n")
    assert_diagnostic(tmp_path, body, "[c for c", STEPS.format(rule="the contract (§1)"))


def test_three_nested_loops_over_a_long_schedule_end_with_the_step_budget(tmp_path):
    body = ('§1 "Dates" {\n  horizon 2125-01-01\n' + LONG_SCHEDULE + "  state n: Integer = 0\n"
            "  on 2003-01-01 {\n    for a in days {\n      for b in days {\n        for c in days {\n"
            "          set n = n + 1\n        }\n      }\n    }\n  }\n}\n")
    assert_diagnostic(tmp_path, body, "for c in days", STEPS.format(rule=IN_THE_RULE))


LIST_BUDGET = ("this list would hold 1,048,576 elements, beyond the 1,000,000 a list may hold, in {rule}; "
               "every run is bounded")


def test_a_list_state_doubled_in_a_loop_ends_with_the_list_budget(tmp_path):
    sixty = "[" + ", ".join(str(n) for n in range(1, 61)) + "]"
    body = ('§1 "Lists" {\n  horizon 2003-01-02\n  state xs: List of Integer = [1]\n  on 2003-01-01 {\n'
            f"    for k in {sixty} {{\n      set xs = xs + xs\n    }}\n  }}\n}}\n")
    assert_diagnostic(tmp_path, body, "xs + xs", LIST_BUDGET.format(rule=IN_THE_RULE))


def test_a_list_state_doubled_on_each_scheduled_date_ends_with_the_list_budget(tmp_path):
    # the twentieth date, 2001-08-01, doubles the list to 2^20 elements
    body = ('§1 "Lists" {\n  horizon 2010-01-01\n  state xs: List of Integer = [1]\n' + LONG_SCHEDULE
            + "  on each d in days {\n    set xs = xs + xs\n  }\n}\n")
    assert_diagnostic(tmp_path, body, "xs + xs", LIST_BUDGET.format(rule="the scheduled rule of §1 on 2001-08-01 (§1)"))


def doubled(times: int) -> str:
    """Statements that make state xs (declared as [1]) a list of 2^times elements."""
    return (f"    for k in [{', '.join(str(n) for n in range(1, times + 1))}] {{\n"
            "      set xs = xs + xs\n    }\n")


def test_each_effect_of_a_long_loop_keeps_only_its_own_steps(tmp_path):
    # each payment once kept a copy of every step before it: 1,024 payments gave half a million lines
    body = ('§1 "Payments" {\n  horizon 2003-01-02\n  term holder = "H"\n  state xs: List of Integer = [1]\n'
            "  on 2003-01-01 {\n" + doubled(10) + "    for k in xs {\n      let amount = 1 USD\n"
            "      pay amount from holder to holder as interest\n    }\n  }\n}\n")
    status, stdout, stderr, contract, seconds = evaluate(tmp_path, body, 'title = "bounds"\n', "--explain")
    assert status == 0, stderr
    payments = [line for line in stdout.splitlines() if " payment " in line]
    lets = [line for line in stdout.splitlines() if "amount = 1.00 USD" in line]
    assert len(payments) == 1024
    assert len(lets) == 1024  # one step under each payment, not all the earlier ones


def test_many_changes_of_an_accrual_base_before_one_settlement_cost_linear_time(tmp_path):
    # 36,524 daily changes of the base, then one settlement: it once looked every change up for every day
    every_day = "every " + ", ".join(f"{month} {day}" for month, days in (
        ("Jan", 31), ("Feb", 29), ("Mar", 31), ("Apr", 30), ("May", 31), ("Jun", 30), ("Jul", 31), ("Aug", 31),
        ("Sep", 30), ("Oct", 31), ("Nov", 30), ("Dec", 31)) for day in range(1, days + 1))
    body = ('§1 "Loan" {\n  horizon 2103-01-01\n  term holder = "H"\n  state principal: USD = 1_000_000.00 USD\n'
            f"  schedule days = {every_day} from 2003-01-01 to 2102-12-31\n"
            '  accrual interest {\n    on: principal\n    annual_rate: 5%\n    day_count: "actual/365"\n'
            "    start: 2003-01-01\n  }\n"
            "  on each d in days {\n    set principal = principal - 0.01 USD\n  }\n"
            "  on 2103-01-01 {\n    pay settle(interest, before: today) from holder to holder as interest\n  }\n}\n")
    status, stdout, stderr, contract, seconds = evaluate(tmp_path, body, 'title = "bounds"\n', "--format", "json")
    assert status == 0, stderr
    assert seconds < 20, f"took {seconds:.1f} s"
    # day i of the 36,524 (from 1) accrues on 1,000,000.00 - 0.01 i, at 5% / 365
    days = 36_524
    owed = (Fraction(1_000_000) * days - Fraction(1, 100) * days * (days + 1) / 2) * Fraction(5, 100) / 365
    payments = [e["amount"] for e in json.loads(stdout)["effects"] if e["kind"] == "payment"]
    cents = round(owed * 100)
    assert payments == [f"{cents // 100}.{cents % 100:02d}"]


# ------------------------------------------------------------- far dates

def test_a_horizon_near_the_end_of_the_calendar_lays_out_an_open_schedule(tmp_path):
    body = ('§1 "Coupons" {\n  horizon 9999-06-01\n  term holder = "H"\n'
            "  schedule coupon_dates = every Mar 10, Sep 10 from 9998-01-01\n"
            "  on each d in coupon_dates {\n"
            "    pay 1 USD from holder to holder as interest, on business_day(d, following, \"US\")\n  }\n}\n")
    status, stdout, stderr, _, seconds = evaluate(tmp_path, body, 'title = "bounds"\n', "--format", "json")
    assert status == 0, stderr
    assert [e["date"] for e in json.loads(stdout)["effects"]] == ["9998-03-10", "9998-09-10", "9999-03-10"]


def test_actual_actual_in_the_last_year_of_the_calendar(tmp_path):
    body = ('§1 "Fraction" {\n  horizon 9999-12-31\n'
            '  report fraction = year_fraction("actual/actual", 9998-07-02, 9999-12-31)\n}\n')
    status, stdout, stderr, _, _ = evaluate(tmp_path, body, 'title = "bounds"\n', "--format", "json")
    assert status == 0, stderr
    # 183 of the 365 days of 9998, and 364 of the 365 of 9999
    assert json.loads(stdout)["state"]["fraction"] == "1.498630136986301369863013699"


CALENDAR_AFTER = "the date falls outside the calendar (after 9999-12-31), in {rule}"
CALENDAR_BEFORE = "the date falls outside the calendar (before 0001-01-01), in {rule}"


@pytest.mark.parametrize("expression, message", [
    ("add_months(2003-01-01, 1000000)", CALENDAR_AFTER),
    ("add_months(2003-01-01, 0 - 1000000)", CALENDAR_BEFORE),
    ("add_months(2003-01-01, 1_000_000_000_000_000_000_000_000_000_000)", CALENDAR_AFTER),
    ("add_months(9999-12-01, 1)", CALENDAR_AFTER),
    ("2003-01-01 + 10000000 days", CALENDAR_AFTER),
    ("2003-01-01 - 10000000 days", CALENDAR_BEFORE),
    ("2003-01-01 + 3 * 10_000_000_000_000_000_000_000_000_000_000_000 days", CALENDAR_AFTER),
    ("9999-12-01 + 31 days", CALENDAR_AFTER),
    ("accrued(interest, through: 9999-12-31)", CALENDAR_AFTER),
])
def test_dates_past_the_calendar_are_a_diagnostic_at_the_expression(tmp_path, expression, message):
    body = ('§1 "Dates" {\n  horizon 2003-01-02\n  state principal: USD = 1.00 USD\n'
            '  accrual interest {\n    on: principal\n    annual_rate: 5%\n    day_count: "actual/365"\n'
            f"    start: 2003-01-01\n  }}\n  report r = {expression}\n}}\n")
    assert_diagnostic(tmp_path, body, expression, message.format(rule="the contract (§1)"))


def test_days_times_a_number_move_a_date(tmp_path):
    body = '§1 "Dates" {\n  horizon 2003-01-02\n  report r = 2003-01-01 + 3 * 10 days\n}\n'
    status, stdout, stderr, _, _ = evaluate(tmp_path, body, 'title = "bounds"\n', "--format", "json")
    assert status == 0, stderr
    assert json.loads(stdout)["state"]["r"] == "2003-01-31"


def test_a_date_past_the_calendar_in_a_rule_names_the_rule(tmp_path):
    body = ('§1 "Dates" {\n  horizon 2003-01-02\n  event Notice { days: Integer }\n'
            "  upon Notice as n {\n    on n.date + n.days * 1 day {\n      reject \"never\"\n    }\n  }\n}\n")
    scenario = 'title = "t"\n[[events]]\ndate = 2003-01-01\ntype = "Notice"\ndays = 1000000000000000\n'
    assert_diagnostic(tmp_path, body, "n.date +", CALENDAR_AFTER.format(rule="Notice (event 1) (§1)"), scenario)


# ------------------------------------------------------------- numbers beyond range

def squarings(count: int) -> str:
    """Terms s0 = 10^32, s1 = s0 × s0, ...: s15 would be 10^1,048,576, beyond what a decimal can hold."""
    lines = ["  term s0 = 100_000_000_000_000_000_000_000_000_000_000"]
    lines += [f"  term s{k} = s{k - 1} * s{k - 1}" for k in range(1, count)]
    return "\n".join(lines) + "\n"


def test_overflow_in_a_term_is_a_diagnostic_at_the_term(tmp_path):
    body = '§1 "Numbers" {\n  horizon 2003-01-02\n' + squarings(16) + "  report r = s0\n  report q = s15\n}\n"
    assert_diagnostic(tmp_path, body, "s14 * s14", OUT_OF_RANGE.format(rule="the contract (§1)"))


def test_overflow_in_a_state_initialiser_is_a_diagnostic_at_the_state(tmp_path):
    body = '§1 "Numbers" {\n  horizon 2003-01-02\n' + squarings(15) + "  state big: Integer = s14 * s14\n}\n"
    assert_diagnostic(tmp_path, body, "s14 * s14", OUT_OF_RANGE.format(rule="the contract (§1)"))


def test_overflow_in_a_report_is_a_diagnostic_at_the_report(tmp_path):
    body = '§1 "Numbers" {\n  horizon 2003-01-02\n' + squarings(15) + "  report big = s14 * s14\n}\n"
    assert_diagnostic(tmp_path, body, "s14 * s14", OUT_OF_RANGE.format(rule="the contract (§1)"))


def test_overflow_in_an_effective_date_is_a_diagnostic(tmp_path):
    body = ('§1 "Numbers" {\n  horizon 2003-01-02\n' + squarings(15)
            + "  event E { } effective date + (if s14 * s14 > 0 then 1 day else 2 days)\n"
            "  upon E as e {\n    reject \"never\"\n  }\n}\n")
    scenario = 'title = "t"\n[[events]]\ndate = 2003-01-01\ntype = "E"\n'
    assert_diagnostic(tmp_path, body, "s14 * s14", OUT_OF_RANGE.format(rule="the contract (§1)"), scenario)


def test_money_too_large_to_show_in_cents_is_a_diagnostic_at_the_report(tmp_path):
    body = ('§1 "Numbers" {\n  horizon 2003-01-02\n'
            "  report owed = 100_000_000_000_000_000_000_000_000_000_000_000_000_000 USD\n}\n")
    assert_diagnostic(tmp_path, body, "report owed", "cannot show report 'owed' in cents: the amount is out of range")


def test_rounding_to_a_huge_number_of_places_is_a_diagnostic(tmp_path):
    body = ('§1 "Numbers" {\n  horizon 2003-01-02\n'
            "  report r = round_half_up(1.5, 1_000_000_000_000_000_000_000_000_000_000)\n}\n")
    assert_diagnostic(tmp_path, body, "round_half_up", OUT_OF_RANGE.replace("Overflow", "OverflowError").format(
        rule="the contract (§1)"))


def test_a_number_written_with_too_many_characters_is_refused_by_the_checker(tmp_path):
    # a long literal costs time at every use: reading it, and every operation on its digits
    digits = "1" * 61
    body = f'§1 "Numbers" {{\n  horizon 2003-01-02\n  report r = {digits} * 2\n}}\n'
    assert_diagnostic(tmp_path, body, digits, "a number is written with at most 60 characters, not 61")


def test_an_assumption_too_large_to_show_in_cents_is_a_diagnostic_at_the_assumption(tmp_path):
    body = ('§1 "Numbers" {\n  horizon 2003-01-02\n'
            '  assumption fee: USD = 100_000_000_000_000_000_000_000_000_000_000_000_000_000 USD because "a fee"\n}\n')
    assert_diagnostic(tmp_path, body, "assumption fee", "cannot show assumption 'fee' in cents: the amount is out of range")


def test_an_event_too_large_to_show_in_cents_is_a_diagnostic_only_where_it_is_shown(tmp_path):
    body = ('§1 "Numbers" {\n  horizon 2003-01-02\n  event E { amount: USD }\n  upon E as e {\n    reject "never"\n  }\n'
            '  example "a large amount" {\n'
            "    event E on 2003-01-01 { amount: 100_000_000_000_000_000_000_000_000_000_000_000_000_000 USD }\n"
            "    expect count(rejections) == 1\n  }\n}\n")
    contract = tmp_path / "bounds.contract"
    contract.write_text(HEADER + body, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "contractlang.cli", "test", str(contract)], capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    # the example's run shows no event: its rejection is counted, and nothing needs the amount in cents
    assert done.returncode == 0 and "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    # and a scenario cannot give such an amount at all
    scenario = tmp_path / "large.toml"
    scenario.write_text('[[events]]\ndate = 2003-01-01\ntype = "E"\n'
                        "amount = 100_000_000_000_000_000_000_000_000_000_000_000_000_000\n", encoding="utf-8")
    refused = subprocess.run([sys.executable, "-m", "contractlang.cli", "eval", str(contract), str(scenario)],
                             capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[0].startswith(f"{scenario}:4:1: error: event 1 (E): field 'amount' must be")


@pytest.mark.parametrize("item, at", [
    ("state xss: List of List of Integer = []", "List of Integer"),
    ("term xss = [[1], [2]]", "[1]"),
    ("term xs = [1, 2]\n  term xss = [xs for x in xs]", "xs for x"),
])
def test_lists_of_lists_are_refused_by_the_checker(tmp_path, item, at):
    # a list holding one large list a million times is cheap to build and endless to show or compare
    body = f'§1 "Lists" {{\n  horizon 2003-01-02\n  {item}\n}}\n'
    assert_diagnostic(tmp_path, body, at, "a list holds single values, not lists: every run is bounded")


# ------------------------------------------------------------- the library, in process

@given(start=st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)), days=st.integers(1, 4000))
def test_actual_actual_counts_each_calendar_year_by_its_own_days(start, days):
    # the year fraction is now computed in three parts, whatever the span: it must equal the year-by-year sum
    end = start + timedelta(days=days)
    expected, cursor = Fraction(0), start
    while cursor < end:
        stop = min(date(cursor.year + 1, 1, 1), end)
        expected += Fraction((stop - cursor).days, 366 if calendar.isleap(cursor.year) else 365)
        cursor = stop
    assert year_fraction("actual/actual", start, end) == expected


def test_date_arithmetic_stops_at_the_ends_of_the_calendar():
    assert schedules.add_days(date(9999, 12, 30), 1) == date.max
    assert schedules.add_months(date(9999, 11, 30), 1) == date(9999, 12, 30)
    assert schedules.add_months(date(1, 2, 28), -1) == date(1, 1, 28)
    for far in (1, 10 ** 30, Decimal("1E+999999")):
        with pytest.raises(schedules.OutsideCalendar, match=r"\(after 9999-12-31\)"):
            schedules.add_days(date.max, far)
        with pytest.raises(schedules.OutsideCalendar, match=r"\(before 0001-01-01\)"):
            schedules.add_months(date.min, -far)
