"""Unit tests of each stage: parser, checker, interpreter, printer and command line."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from contractlang.language import types as T
from contractlang.language.checker import check
from contractlang.cli import main
from contractlang.diagnostics import ContractError
from contractlang.runtime.interpreter import evaluate
from contractlang.runtime.values import Inputs, Setting
from contractlang.language.parser import parse
from contractlang.language.printer import format_contract
from contractlang.inputs.scenario import BoundEvent

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "contracts").rglob("*.contract"))

HEADER = 'contract "test"\ncurrency USD\nsecurity common\n'


def checked(body: str):
    text = HEADER + body
    return check(parse(text, "t.contract"), "t.contract", text)


def problems(body: str) -> list[str]:
    with pytest.raises(ContractError) as caught:
        checked(body)
    return [d.message for d in caught.value.diagnostics]


# ------------------------------------------------------------------- parser

def test_positions_are_kept_and_excluded_from_equality():
    one = parse('contract "x"\n§1 "A" {\n  term t = 1 + 2\n}\n', "a.contract")
    two = parse('contract "x"\n\n\n§1 "A" {  term t = 1+2  }', "b.contract")
    assert one == two
    term = one.sections[0].items[0]
    assert (term.span.line, term.span.column) == (3, 3)
    assert term.value.span.path == "a.contract"


def test_an_expression_in_brackets_spans_its_own_text_and_the_expression_around_it_spans_the_brackets():
    term = parse('contract "x"\n§1 "A" {\n  term t = (1 + 2) * 3\n}\n', "a.contract").sections[0].items[0]
    product, total = term.value, term.value.left
    assert (product.operator, product.span.line, product.span.column, product.span.end_column) == ("*", 3, 12, 23)
    assert (total.operator, total.span.line, total.span.column, total.span.end_column) == ("+", 3, 13, 18)
    assert (term.span.column, term.span.end_line, term.span.end_column) == (3, 3, 23)


def test_a_date_that_does_not_exist_is_reported_only_when_no_syntax_error_follows_it():
    def first_problem(text: str) -> str:
        with pytest.raises(ContractError) as caught:
            parse(text, "d.contract")
        return caught.value.diagnostics[0].render().splitlines()[0]

    bad_date = 'contract "x"\n§1 "A" {\n  term d = 2003-02-30\n'
    assert first_problem(bad_date + "}\n") == "d.contract:3:12: error: 2003-02-30 is not a date"
    assert first_problem(bad_date + "  term x = (1 +\n}\n") == (
        "d.contract:5:1: error: unexpected '}'; expected a value or expression")
    # the file, the section and the term are the first three levels: the 198th `not` is the 201st
    assert first_problem(bad_date + "  term x = " + "not " * 250 + "true\n}\n") == (
        f"d.contract:4:{len('  term x = ') + len('not ') * 197 + 1}: error: the contract is nested too deeply here (more than 200 levels)")


def test_literals_keep_the_text_the_author_wrote():
    tree = parse('contract "x"\n§1 { term p = 3_100_000.00 USD\n term r = 8% }', "a")
    principal, rate = tree.sections[0].items
    assert principal.value.text == "3_100_000.00" and principal.value.value == Decimal("3100000.00")
    assert rate.value.value == Decimal("0.08")


# ------------------------------------------------------------------- checker

def test_units_combine_as_the_document_reads():
    contract = checked('§1 {\n term p = 100.00 USD\n term price = 0.25 USD per common\n'
                       ' term shares = p / price\n term rate = 8%\n term interest = p * rate\n}\n')
    assert contract.symbols["shares"].type == T.Number(T.Unit.of("common"))
    assert contract.symbols["interest"].type == T.Number(T.Unit.of("USD"))
    assert contract.symbols["rate"].type == T.DECIMAL


def test_the_checker_reports_every_problem_at_once_in_the_authors_terms():
    found = problems('§1 {\n term a = 1 USD + 2 common\n term b = 1 USD < 2 common\n term c = undefined_name\n}\n')
    assert "cannot add USD and common" in found
    assert "cannot compare USD with common" in found
    assert any(m.startswith("unknown name 'undefined_name'") for m in found)


def test_unknown_names_suggest_the_closest():
    assert problems('§1 {\n term principal = 1 USD\n term twice = 2 * principle\n}\n') == [
        "unknown name 'principle'; did you mean 'principal'?"]


def test_duplicates_and_cycles_are_refused():
    assert "'a' is already defined" in problems('§1 {\n term a = 1\n}\n§2 {\n term a = 2\n}\n')
    assert any("in a circle" in m for m in problems('§1 {\n term a = b + 1\n term b = a + 1\n}\n'))


def test_actions_cannot_perform_each_other_in_a_circle():
    found = problems('§1 {\n action a() {\n  do b()\n }\n action b() {\n  do a()\n }\n}\n')
    assert found == ["these definitions refer to each other in a circle: a → b → a"]


def test_rejections_belong_to_events_and_checks_to_invariants():
    found = problems('§1 {\n on 2004-01-01 {\n  reject "no"\n }\n}\n')
    assert found == ["only an event can be rejected: 'reject' and 'require' belong in an 'upon' rule"]
    assert problems('§1 {\n event E {}\n upon E as e {\n  check true else "x"\n }\n}\n') == [
        "'check' belongs in an invariant"]


def test_only_states_change_and_from_dates_only_accruals():
    found = problems('§1 {\n term t = 1 USD\n state s: USD = 1 USD\n event E {}\n upon E as e {\n'
                     '  set t = 2 USD\n  set s = 2 USD from today\n }\n}\n')
    assert "'t' is a term, not a state: only states change" in found
    assert "'from' dates a change for accruals, and no accrual accrues on 's' or at a rate that names it" in found


# ------------------------------------------------------------------- interpreter

LEDGER = '''§1 {
  term holder = "Holder"
  term company = "Company"
  horizon 2004-01-01
  state balance: USD = 1_000.00 USD
  event Withdraw { amount: USD }
  upon Withdraw as w {
    set balance = balance - w.amount
    pay w.amount from company to holder as principal
    require balance >= 0 USD else "the balance cannot go below zero"
  }
  event Skip {}
  on 2003-06-30 {
    upon Skip as s {
      record skipped = s.date
    } otherwise {
      pay 1.00 USD from company to holder as interest
    }
  }
  upon Skip as s {
    reject "only on June 30, 2003"
  }
}
'''


def run_events(contract, *events, until=None):
    bound = [BoundEvent(i, kind, when, fields, None) for i, (kind, when, fields) in enumerate(events, 1)]
    return evaluate(contract, Inputs(events=bound, until=until))


def test_a_rejected_event_changes_nothing_and_leaves_one_rejection():
    contract = checked(LEDGER)
    result = run_events(contract, ("Withdraw", date(2003, 1, 2), {"amount": Decimal("1500")}),
                        ("Withdraw", date(2003, 1, 3), {"amount": Decimal("400")}))
    kinds = [(e.kind, e.cause) for e in result.effects]
    assert kinds[:2] == [("rejection", 1), ("payment", 2)]
    assert result.state["balance"] == "600.00"


def test_an_event_may_act_on_a_scheduled_item_of_its_date_and_is_rejected_on_others():
    contract = checked(LEDGER)
    result = run_events(contract, ("Skip", date(2003, 6, 30), {}), ("Skip", date(2003, 7, 1), {}))
    assert [(e.kind, e.details.get("name"), e.cause) for e in result.effects] == [
        ("status", "skipped", 1), ("rejection", None, 2)]
    plain = run_events(contract)
    assert [e.details["purpose"] for e in plain.effects] == ["interest"]


LEDGER_WITH_LIMIT = LEDGER.replace("      record skipped = s.date\n",
                                   "      require s.reason == \"agreed\" else \"not agreed\"\n"
                                   "      record skipped = s.date\n").replace("event Skip {}", "event Skip { reason: Text }")


def test_a_rejected_event_leaves_the_scheduled_item_to_the_next_event_of_its_type():
    # G9: a rejected event changes nothing, so the second Skip of June 30 acts on the item as if the
    # first had never been given; the first's rejection follows the item's effect (G6)
    contract = checked(LEDGER_WITH_LIMIT)
    result = run_events(contract, ("Skip", date(2003, 6, 30), {"reason": "asked"}),
                        ("Skip", date(2003, 6, 30), {"reason": "agreed"}))
    assert [(e.kind, e.details.get("name"), e.cause) for e in result.effects] == [
        ("status", "skipped", 2), ("rejection", None, 1)]
    refused = run_events(contract, ("Skip", date(2003, 6, 30), {"reason": "asked"}),
                         ("Skip", date(2003, 6, 30), {"reason": "told"}))
    assert [(e.kind, e.details.get("purpose"), e.cause) for e in refused.effects] == [
        ("payment", "interest", None), ("rejection", None, 1), ("rejection", None, 2)]


def test_a_change_dated_with_from_counts_for_the_accrual_from_that_day():
    contract = checked('''§1 {
  term holder = "Holder"
  term company = "Company"
  horizon 2003-12-31
  state principal: USD = 365_000.00 USD
  accrual interest {
    on: principal
    annual_rate: 10%
    day_count: "actual/365"
    start: 2003-01-01
  }
  event Repay { amount: USD }
  upon Repay as r {
    set principal = principal - r.amount from today + 1 day
  }
  on 2003-01-11 {
    pay settle(interest, before: today) from company to holder as interest
  }
}
''')
    result = run_events(contract, ("Repay", date(2003, 1, 5), {"amount": Decimal("365000")}))
    # 365,000 at 10% is 100.00 a day, for January 1 to 5 inclusive
    assert [e.details["amount"] for e in result.effects] == ["500.00"]
    assert result.effects[0].details["period"] == ["2003-01-01", "2003-01-11"]


def test_amounts_beyond_computing_are_a_diagnostic_at_the_statement():
    contract = checked('§1 {\n term holder = "H"\n horizon 2004-01-01\n event E { amount: USD }\n'
                       ' upon E as e {\n  pay e.amount * 100_000_000_000_000_000 from holder to holder as principal\n }\n}\n')
    with pytest.raises(ContractError) as caught:
        run_events(contract, ("E", date(2003, 1, 1), {"amount": Decimal("9" * 31)}))
    problem = caught.value.diagnostics[0]
    assert "the numbers are out of range" in problem.message and problem.span.line == 9


def test_values_that_may_be_none_cannot_be_ordered_without_a_default():
    assert problems('§1 {\n state d: Date? = none\n term t = d < 2003-01-01\n}\n') == [
        "cannot order a value that may be none (Date?, Date): give one with ?? first"]


def test_cents_rounds_money_only():
    """cents() of a settlement, a text, a date or a number that is not money is the checker's to refuse: a run
    would otherwise meet it as an internal error."""
    accrual = (' state n: USD = 10 USD\n accrual interest {\n  on: n\n  annual_rate: 10%\n'
               '  day_count: "actual/360"\n  start: 2024-01-01\n }\n')
    rule = ' on 2024-07-01 {\n  let s = cents(settle(interest, before: today)FIELD)\n }\n}\n'
    assert problems('§1 {\n' + accrual + rule.replace("FIELD", "")) == [
        "cents() rounds money, not Accrued USD (its `.amount` is money)"]
    assert problems('§1 {\n term t = cents("ten")\n term d = cents(2024-01-01)\n term k = cents(2 common)\n}\n') == [
        "cents() rounds money, not Text", "cents() rounds money, not Date", "cents() rounds money, not common"]
    assert checked('§1 {\n' + accrual + rule.replace("FIELD", ".amount"))


def test_parameters_without_a_default_must_be_given():
    contract = checked('§1 {\n parameter start: Date\n horizon 2004-01-01\n}\n')
    with pytest.raises(ContractError) as caught:
        evaluate(contract, Inputs())
    assert "needs parameter 'start'" in caught.value.diagnostics[0].message
    assert evaluate(contract, Inputs(params={"start": Setting(date(2003, 1, 1), "scenario")})).effects == []


# ------------------------------------------------------------------- printer

@pytest.mark.parametrize("path", CONTRACTS)
def test_every_contract_prints_back_to_the_same_tree_and_is_in_canonical_layout(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    tree = parse(text, path)
    printed = format_contract(tree, text)
    assert parse(printed, path) == tree
    assert format_contract(parse(printed, path), printed) == printed
    assert printed == text, f"{path} is not in canonical layout: run contract fmt"


def test_the_printer_keeps_comments_and_parenthesises_only_where_needed():
    text = 'contract "x"\n# before the section\n§1 {\n  # the rate\n  term r = (1 + 2) * 3 - (4 - 5)\n}\n'
    printed = format_contract(parse(text, "x"), text)
    assert "# before the section" in printed and "  # the rate" in printed
    assert "term r = (1 + 2) * 3 - (4 - 5)" in printed


# ------------------------------------------------------------------- command line

def cli(*args):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version_and_help():
    assert cli("--version")[0] == 0
    for command in ("eval", "check", "test", "fmt"):
        status, out, _ = cli(command, "--help")
        assert status == 0 and "Usage" in out


def test_check_accepts_every_contract_in_the_repository():
    status, out, err = cli("check", *CONTRACTS)
    assert status == 0, err
    assert out.count(": ok") == len(CONTRACTS)


def test_fmt_check_flags_a_file_out_of_layout(tmp_path):
    assert cli("fmt", "--check", *CONTRACTS)[0] == 0
    messy = tmp_path / "messy.contract"
    messy.write_text('contract "x"\n§1 {   term t = 1\n}\n', encoding="utf-8")
    assert cli("fmt", "--check", str(messy))[0] == 1
    assert cli("fmt", str(messy))[0] == 0
    assert messy.read_text(encoding="utf-8") == 'contract "x"\n\n§1 {\n  term t = 1\n}\n'


def test_set_and_assume_override_after_the_scenario_and_say_so(tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text('until = 2004-04-30\n[params]\nissue_date = 2003-05-01\n[assume]\nday_count = "30/360"\n')
    status, out, err = cli("eval", "contracts/nstor_2003_convertible_note.contract", str(scenario), "--format", "json",
                           "--set", "issue_date=2003-06-02", "--assume", "calendar=US")
    assert status == 0, err
    result = json.loads(out)
    assert result["assumptions"]["day_count"]["source"] == "scenario"
    assert result["assumptions"]["calendar"] == {"value": "US", "source": "command line", "clause": "§10"}
    assert result["effects"][0]["period"] == ["2003-06-02", "2003-07-01"]


def test_wrong_use_of_the_command_line_exits_2():
    assert cli("eval")[0] == 2
    assert cli("eval", "a", "b", "--format", "xml")[0] == 2
    assert cli("eval", "a", "b", "--set", "no-equals-sign")[0] == 2
    assert cli("frobnicate")[0] == 2


def test_missing_files_are_diagnostics_with_exit_status_1():
    status, _, err = cli("check", "contracts/no_such.contract")
    assert status == 1 and err.startswith("contracts/no_such.contract:1:1: error: no such file")
    status, _, err = cli("eval", CONTRACTS[0], "scenarios/no_such.toml")
    assert status == 1 and err.startswith("scenarios/no_such.toml:1:1: error: no such file")


def test_a_very_long_contract_is_refused_with_a_diagnostic(tmp_path):
    big = tmp_path / "big.contract"
    big.write_text('contract "x"\n' + "# padding\n" * 120_000, encoding="utf-8")
    status, _, err = cli("check", str(big))
    assert status == 1 and err.startswith(f"{big}:1:1: error: the file is too large (more than 1,000,000 bytes)")


# ------------------------------------------------------------------- contract test

FALSE_PROPERTY = '''contract "A note with a property that does not hold"
currency USD
§1 "Payments" {
  term holder = "Holder"
  term company = "Company"
  horizon 2004-01-01
  state paid: USD = 0 USD
  event Pay { amount: USD }
  upon Pay as p {
    require p.amount > 0 USD else "nothing to pay"
    pay p.amount from company to holder as principal
    set paid = paid + p.amount
  }
}
§2 "Properties" {
  example "a payment of 100" §1 {
    event Pay on 2003-01-02 { amount: 100.00 USD }
    expect paid == 100.00 USD
  }
  invariant "never more than 500 paid" §1 {
    check paid <= 500 USD else "more than 500 was paid"
  }
}
'''


def test_a_failing_invariant_prints_and_writes_a_counterexample_that_eval_reproduces(tmp_path):
    contract = tmp_path / "false.contract"
    contract.write_text(FALSE_PROPERTY, encoding="utf-8")
    folder = tmp_path / "found"
    status, out, _ = cli("test", str(contract), "--seed", "3", "--counterexamples", str(folder))
    assert status == 1
    assert "ok   example 'a payment of 100' (§1)" in out
    assert "FAIL invariant 'never more than 500 paid' (§1)" in out and "more than 500 was paid" in out
    assert "1 failed" in out.splitlines()[-1]
    written = list(folder.glob("*.toml"))
    assert len(written) == 1
    status, out, err = cli("eval", str(contract), str(written[0]), "--format", "json")
    assert status == 0, err
    assert Decimal(json.loads(out)["state"]["paid"]) > 500
    assert cli("test", str(contract), "--seed", "3", "--counterexamples", str(tmp_path / "again"))[0] == 1
    assert (tmp_path / "again" / written[0].name).read_text() == written[0].read_text()


def test_every_declared_event_has_a_rule():
    assert problems('§1 {\n event Lonely {}\n}\n') == [
        "event 'Lonely' has no rule: add 'upon Lonely as ...' (or a claim in a scheduled rule)"]
