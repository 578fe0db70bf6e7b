"""Generated code (runtime/codegen.py) gives what the closures give: the same effects, states, rejections,
steps and diagnostics, for every bundled scenario and conformance case and for each way a run can stop.

A contract takes generated code after its first GENERATED_AFTER evaluations in a process; each test here
evaluates once by the closures, then again with the threshold at nothing, and compares.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path

import pytest

from contract_helpers import CONTRACT_OF, contract_for
from contractlang.diagnostics import ContractError
from contractlang.inputs.binding import inputs_for
from contractlang.inputs.scenario import BoundEvent, load_scenario
from contractlang.language.checker import load
from contractlang.runtime import codegen, interpreter
from contractlang.runtime.compiler import compiled_block
from contractlang.runtime.values import Inputs, Setting
from contractlang.stdlib import exact

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
CONFORMANCE = ROOT.parent / "shared" / "conformance" / "cases"
CASE_CONTRACTS = {"a": CONTRACT_OF["nstor_2002_"], "b": CONTRACT_OF["nstor_2003_"], "h": CONTRACT_OF["series_h_"]}
CASES = sorted(CONFORMANCE.glob("*.toml")) if CONFORMANCE.exists() else []
HEADER = 'contract "generated"\ncurrency USD\n'


def outcome(contract, inputs, generated: bool, monkeypatch) -> tuple:
    """The run's JSON result and steps, or its diagnostics, by the closures or by generated code."""
    monkeypatch.setattr(interpreter, "GENERATED_AFTER", 0 if generated else 1_000_000)
    run = interpreter.Run(contract, inputs)
    assert (run.block_of is codegen.generated_block) == generated
    try:
        with localcontext(exact.EXACT):
            result = run.run()
    except ContractError as stopped:
        return "stopped", [(d.message, d.span.line if d.span else None, d.span.column if d.span else None)
                           for d in stopped.diagnostics], run.steps_taken
    return json.dumps(result.to_json(), sort_keys=True), run.steps_taken


def both_ways(contract_path: str, inputs_of, monkeypatch) -> None:
    closures = outcome(load(contract_path), inputs_of(load(contract_path)), False, monkeypatch)
    contract = load(contract_path)
    generated = outcome(contract, inputs_of(contract), True, monkeypatch)
    assert generated == closures
    assert any(type(key) is tuple and key[0] == "generated" for key in contract.compiled), "no block was generated"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.stem for s in SCENARIOS])
def test_a_bundled_scenario_gives_the_same_result_by_generated_code(scenario, monkeypatch):
    both_ways(str(ROOT / contract_for(scenario)),
              lambda contract: inputs_for(contract, load_scenario(str(scenario)), {}, {}, None), monkeypatch)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_a_conformance_case_gives_the_same_result_by_generated_code(case, monkeypatch):
    both_ways(str(ROOT / CASE_CONTRACTS[case.name[0]]),
              lambda contract: inputs_for(contract, load_scenario(str(case)), {}, {}, None), monkeypatch)


def written(tmp_path: Path, body: str) -> str:
    path = tmp_path / "generated.contract"
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


OUT_OF_RANGE = '''§1 "A" {
  parameter x: Decimal
  state n: Decimal = 0
  state d: Date = 2024-01-01
  on 2024-06-01 {
    let a = x + 1
    set n = min(a, 2) * (x * x) - 1
  }
  on 2024-07-01 {
    set d = add_months(d, floor(x))
  }
  on 2024-08-01 {
    set d = if n > 0 then d + 1 day else 9999-12-31 + 1 day
  }
}
'''


# x + 1 cannot be exact; a date past the calendar in add_months() and in a branch's `+`; floor() beyond an int
@pytest.mark.parametrize("x, stop", [("1E+600000", (8, 13)), ("1E+6", (12, 13)), ("-1", (15, 42)),
                                     ("1E+60", (12, 27))])
def test_a_number_or_date_out_of_range_is_said_at_the_same_node(tmp_path, monkeypatch, x, stop):
    path = written(tmp_path, OUT_OF_RANGE)
    inputs = Inputs(params={"x": Setting(Decimal(x), "scenario")}, until=date(2024, 12, 31))
    closures = outcome(load(path), inputs, False, monkeypatch)
    assert closures[0] == "stopped" and closures[1][0][1:] == stop
    assert outcome(load(path), inputs, True, monkeypatch) == closures


def test_the_budget_stops_generated_code_at_the_statement_that_goes_over_it(tmp_path, monkeypatch):
    path = written(tmp_path, '§1 "A" {\n  state n: USD = 0 USD\n  on 2024-06-01 {\n'
                   + "".join("    set n = n + 1 USD\n" for _ in range(6)) + "  }\n}\n")
    monkeypatch.setattr(interpreter, "STEP_BUDGET", 4)  # the run's charges
    monkeypatch.setattr(codegen, "STEP_BUDGET", 4)  # the generated statements' own count
    stopped = outcome(load(path), Inputs(until=date(2024, 12, 31)), True, monkeypatch)
    assert stopped[0] == "stopped"
    assert stopped[1][0][0].startswith("this evaluation exceeds its budget of 4 steps in the scheduled rule of §1 "
                                       "on 2024-06-01 (§1)")
    assert stopped[1][0][1:] == (10, 5)  # the fifth statement


def test_rules_nested_deeper_than_python_allows_run_their_inner_statements_as_closures(tmp_path, monkeypatch):
    depth = 25
    nested = "".join("  " * (i + 2) + f"if n < {i + 100} {{\n" for i in range(depth))
    closing = "".join("  " * (i + 2) + "}\n" for i in reversed(range(depth)))
    path = written(tmp_path, '§1 "A" {\n  state n: Decimal = 0\n  on 2024-06-01 {\n' + nested
                   + "  " * (depth + 2) + "set n = n + 1\n" + closing + "  }\n}\n")
    closures = outcome(load(path), Inputs(until=date(2024, 12, 31)), False, monkeypatch)
    assert json.loads(closures[0])["state"] == {"n": "1"}
    assert outcome(load(path), Inputs(until=date(2024, 12, 31)), True, monkeypatch) == closures


def test_a_binder_that_takes_a_contract_name_is_read_where_it_binds_and_the_contract_name_elsewhere(
        tmp_path, monkeypatch):
    """Generated code reads a state, a term or a member straight where it lives unless a binder takes its name:
    here an event's binder takes a term's, a schedule's variable a state's and an action's parameter a member's."""
    path = written(tmp_path, '''enum Tier { low, high }

§1 "A" {
  term fee = 5 USD
  state paid: USD = 0 USD
  state last: Tier = low
  state seen: Date = 2024-01-01
  event Ask {
    amount: USD
  }
  action note(low: Tier) {
    set last = low
  }
  upon Ask as fee {
    set paid = paid + fee.amount
    do note(high)
  }
  on each paid in [2024-06-01, 2024-07-01] {
    pay fee from "A" to "B" as fee
    set seen = paid
  }
  on 2024-08-01 {
    set paid = paid + fee
    record tier = last
  }
}
''')
    events = [BoundEvent(1, "Ask", date(2024, 3, 1), {"amount": Decimal(7)}, None)]
    inputs = Inputs(until=date(2024, 12, 31), events=events)
    closures = outcome(load(path), inputs, False, monkeypatch)
    result = json.loads(closures[0])
    assert result["state"]["paid"] == "12.00"  # 7 USD from the event, then the 5 USD term
    assert result["state"]["seen"] == "2024-07-01"
    assert [e.get("value") or e.get("amount") for e in result["effects"]] == ["5.00", "5.00", "high"]
    assert outcome(load(path), inputs, True, monkeypatch) == closures


def effects_both_ways(tmp_path: Path, body: str, scenario_text: str, monkeypatch) -> list[dict]:
    """The effects of a contract on a scenario, by the closures, once generated code is found to give the same."""
    path, scenario = written(tmp_path, body), tmp_path / "scenario.toml"
    scenario.write_text(scenario_text, encoding="utf-8")
    inputs = inputs_for(load(path), load_scenario(str(scenario)), {}, {}, None)
    closures = outcome(load(path), inputs, False, monkeypatch)
    assert outcome(load(path), inputs, True, monkeypatch) == closures
    return json.loads(closures[0])["effects"]


PAYMENTS = '''currency Cash "the currency of the purchase" = code

§1 "Payments" {
  parameter code: Text = "USD"
  term holder = "H"
  term lender = "L"
  state notional: USD = 1_000.00 USD
  accrual interest {
    on: notional
    annual_rate: 10%
    day_count: "actual/360"
    start: 2024-01-01
  }
  event Repay at noon {
    amount: USD
    noon: Time = 12:00
  }
  upon Repay as repayment {
    pay repayment.amount from holder to lender as principal
    set notional = notional - repayment.amount
  }
  on 2024-07-01 {
    pay settle(interest, before: 2024-05-01) from holder to lender as interest, due 2024-06-30
    let rest = settle(interest, before: today)
    pay cents(rest.amount) from holder to lender as interest, period rest.period, on 2024-07-02, due today
    pay 5 USD from holder to lender as fee, due today
    pay 0 USD from holder to lender as fee, rounding "exact", even_when_zero true
    pay 0.001 USD from holder to lender as fee
    pay 10 USD / 3 from holder to lender as fee, rounding "cents down"
    pay 1.005 USD from holder to lender as fee, rounding "cents half even"
    pay 2 Cash from lender to holder as principal
    pay 1 USD from if notional > 0 USD then holder else lender to lender as fee
  }
}
'''


def test_a_payment_written_out_places_each_of_its_options_as_pay_does(tmp_path, monkeypatch):
    """Generated code writes a payment out as PaymentTerms.pay makes it: a settlement's own period, a period, a
    day and a due day given, each rounding, a zero paid only where the contract says, a template's currency,
    an event at a time of day, a payer computed by an `if`."""
    effects = effects_both_ways(tmp_path, PAYMENTS, 'until = 2024-12-31\n[params]\ncode = "EUR"\n'
                                '[[events]]\ndate = 2024-03-01\ntype = "Repay"\namount = 400\n', monkeypatch)
    shown = [(e["date"], e.get("time"), e["amount"], e["currency"], e["payer"], e.get("due"), e.get("period"))
             for e in effects]
    # 1,000 × 10% × 60/360 to 1 March, then 600 × 10% × 61/360 to 1 May: 26.83; 61 days more to 1 July: 10.17
    assert shown == [
        ("2024-03-01", "12:00:00", "400.00", "USD", "H", None, None),
        ("2024-07-01", None, "26.83", "USD", "H", "2024-06-30", ["2024-01-01", "2024-05-01"]),
        ("2024-07-01", None, "5.00", "USD", "H", None, None),  # due on the day it is paid: not shown
        ("2024-07-01", None, "0", "USD", "H", None, None),  # exact, and paid though zero
        ("2024-07-01", None, "3.33", "USD", "H", None, None),  # 3.333… down; 0.001 USD was no payment
        ("2024-07-01", None, "1.00", "USD", "H", None, None),  # 1.005 half even
        ("2024-07-01", None, "2.00", "EUR", "L", None, None),
        ("2024-07-01", None, "1.00", "USD", "H", None, None),
        ("2024-07-02", None, "10.17", "USD", "H", "2024-07-01", ["2024-05-01", "2024-07-01"]),
    ]


ISSUES = '''security common
security preferred

§1 "Shares" {
  term holder = "H"
  market closing: USD per common
  event Convert at noon {
    shares: common
    noon: Time = 12:00
  }
  upon Convert as conversion {
    issue conversion.shares of "common" to holder, price quote_on_or_before(closing, today)
  }
  on 2024-07-01 {
    issue 10 common of "common" to if holder == "H" then "Holder" else holder,
        price quote_on_or_before(closing, today), price_date 2024-06-30
    issue 0 common of "common" to holder
    issue 2.5 preferred of "preferred" to holder
  }
}
'''


def test_an_issue_written_out_places_each_of_its_options_as_issue_does(tmp_path, monkeypatch):
    """Generated code writes an issue out as IssueTerms.issue makes it: a price given as a quote takes the quote's
    date unless a price date is given, no shares is no issue, a recipient computed by an `if`, and an event at a
    time of day keeps its time."""
    effects = effects_both_ways(tmp_path, ISSUES, 'until = 2024-12-31\n'
                                'prices = {2024-03-01 = 2.50, 2024-06-28 = 3.125}\n'
                                '[[events]]\ndate = 2024-03-04\ntype = "Convert"\nshares = 40\n', monkeypatch)
    shown = [(e["date"], e.get("time"), e["recipient"], e["security"], e["quantity"], e.get("price"),
              e.get("price_date")) for e in effects]
    assert shown == [
        ("2024-03-04", "12:00:00", "H", "common", "40", "2.5", "2024-03-01"),  # the quote's own date
        ("2024-07-01", None, "Holder", "common", "10", "3.125", "2024-06-30"),  # its own price date
        ("2024-07-01", None, "H", "preferred", "2.5", None, None),  # no shares is no issue
    ]


def test_a_payment_of_a_value_let_to_the_cent_is_that_value_and_a_name_let_again_elsewhere_is_its_own(
        tmp_path, monkeypatch):
    """Generated code does not round again what a let rounded with cents() (3.33), but does what another
    function rounded to a tenth of a cent (3.333 to 3.33), and shows one paid exactly as exact amounts are shown
    (2.50 as 2.5); the same name let in another scope to a value not rounded is rounded as any payment is
    (6.67), or not, where the contract says exact; and so is what a contract's own function named cents gives."""
    path = written(tmp_path, '''§1 "A" {
  term holder = "H"
  state n: USD = 10 USD
  on 2024-07-01 {
    if n > 0 USD {
      let x = cents(n / 3)
      pay x from holder to holder as fee
      let y = round_down(n / 3, 3)
      pay y from holder to holder as fee
      let z = cents(n / 4)
      pay z from holder to holder as fee, rounding "exact"
    }
    if n > 1 USD {
      let x = n * 2 / 3
      pay x from holder to holder as fee
      pay x from holder to holder as fee, rounding "exact"
    }
  }
}
''')
    inputs = Inputs(until=date(2024, 12, 31))
    closures = outcome(load(path), inputs, False, monkeypatch)
    assert [e["amount"] for e in json.loads(closures[0])["effects"]] == ["3.33", "3.33", "2.5", "6.67",
                                                                   "6.666666666666666666666666667"]
    assert outcome(load(path), inputs, True, monkeypatch) == closures
    # a contract's own function named cents is not the builtin: what it gives is rounded as any payment is
    path = written(tmp_path, '''§1 "A" {
  function cents(x: USD) = x / 3
  term holder = "H"
  on 2024-07-01 {
    let x = cents(10 USD)
    pay x from holder to holder as fee
  }
}
''')
    closures = outcome(load(path), inputs, False, monkeypatch)
    assert [e["amount"] for e in json.loads(closures[0])["effects"]] == ["3.33"]
    assert outcome(load(path), inputs, True, monkeypatch) == closures


def test_text_of_the_contract_is_never_code(tmp_path, monkeypatch):
    # quotes, braces and a line break in a text and a reason stay texts
    path = written(tmp_path, '''§1 "A" {
  term holder = "H\\"); import os #"
  state note: Text = "none"
  event Ask {
    amount: USD
  }
  upon Ask as ask {
    require ask.amount > 1 USD else "too small: {{ask}}\\n\\"); raise SystemExit #"
    set note = holder
    pay ask.amount from holder to holder as principal
  }
}
''')
    events = [BoundEvent(1, "Ask", date(2024, 3, 1), {"amount": Decimal(1)}, None),
              BoundEvent(2, "Ask", date(2024, 4, 1), {"amount": Decimal(5)}, None)]
    inputs = Inputs(until=date(2024, 12, 31), events=events)
    closures = outcome(load(path), inputs, False, monkeypatch)
    result = json.loads(closures[0])
    assert result["state"]["note"] == 'H"); import os #'
    assert result["effects"][0]["reason"] == 'too small: {ask}\\n"); raise SystemExit #'
    assert result["effects"][1]["payer"] == 'H"); import os #'
    assert outcome(load(path), inputs, True, monkeypatch) == closures


def test_a_run_that_explains_itself_takes_the_closures_however_often_its_contract_ran(monkeypatch):
    contract = load(str(ROOT / CONTRACT_OF["bond_"]))
    inputs = inputs_for(contract, load_scenario(str(ROOT / "scenarios" / "bond_to_maturity.toml")), {}, {}, None)
    for _ in range(interpreter.GENERATED_AFTER + 2):
        interpreter.evaluate(contract, inputs)
    assert interpreter.Run(contract, inputs).block_of is codegen.generated_block
    assert interpreter.Run(contract, inputs, explain=True).block_of is compiled_block
    first = interpreter.evaluate(load(str(ROOT / CONTRACT_OF["bond_"])), inputs, explain=True)
    assert interpreter.evaluate(contract, inputs, explain=True).to_json() == first.to_json()


def test_one_evaluation_in_a_process_neither_generates_code_nor_imports_the_generator():
    watch = ("import sys\n"
             "from contractlang.cli import main\n"
             "try:\n"
             "    main(sys.argv[1:], prog_name='contract')\n"
             "finally:\n"
             "    print('contractlang.runtime.codegen' in sys.modules, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", watch, "eval", CONTRACT_OF["nstor_2002_"],
                           "scenarios/nstor_2002_to_maturity.toml", "--format", "json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert (done.returncode, done.stderr) == (0, "False\n")
    assert json.loads(done.stdout)["effects"][0]["amount"] == "67265.75"
