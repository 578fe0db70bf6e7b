"""The rules most likely to go wrong, each a worked example written in its contract.

Every `example` of the instruments is a test here under its own name (the name
cites the clause and says the rule), so that a failure names the rule broken:
conversion rounding on the aggregate, interest left owed after a conversion
without interest, the business-day shift that keeps `due`, the company's window
opened by a delisting notice, prepaid principal whose interest is paid later, a
split and a conversion on one date in either order, anti-dilution with exempt
issuances and a threshold that follows splits, cash in lieu of fractions,
redemption notice periods, ratable liquidation, and more.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from contractlang.language import ast
from contractlang.language.checker import load
from contractlang.cli import main
from contractlang.testing.examples import run_example

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = [
    "contracts/nstor_2002_subordinated_note.contract",
    "contracts/nstor_2003_convertible_note.contract",
    "contracts/nstor_series_h_preferred.contract",
    "contracts/examples/fixed_rate_bond.contract",
    "contracts/examples/amortising_loan.contract",
]


def examples():
    for path in CONTRACTS:
        contract = load(str(ROOT / path))
        for section in contract.tree.sections:
            for item in section.items:
                if isinstance(item, ast.Example):
                    yield pytest.param(contract, item, section.label, id=f"{Path(path).stem}: {item.name}")


@pytest.mark.parametrize("contract, example, clause", list(examples()))
def test_worked_example(contract, example, clause):
    assert run_example(contract, example, clause) == []


REQUIRED_RULES = [
    ("nstor_2002", "rounded up"), ("nstor_2002", "stays owed"), ("nstor_2002", "Saturday"),
    ("nstor_2002", "notice of delisting"), ("nstor_2002", "its interest stays owed"),
    ("nstor_2002", "a split before a conversion"), ("nstor_2003", "a split before a conversion"),
    ("nstor_series_h", "exempt"), ("nstor_series_h", "threshold_follows_splits"),
    ("nstor_series_h", "cash for the fraction"), ("nstor_series_h", "thirty days' notice"),
    ("nstor_series_h", "ratably"),
]


@pytest.mark.parametrize("instrument, words", REQUIRED_RULES)
def test_each_risky_rule_has_a_worked_example(instrument, words):
    names = [e.id for e in examples()]
    assert any(instrument in name and words in name for name in names), (instrument, words)


def test_a_scenario_in_json_gives_the_same_result_as_in_toml(tmp_path):
    toml_path = ROOT / "scenarios" / "nstor_2003_prepayment_notice.toml"
    json_path = tmp_path / "prepayment.json"
    json_path.write_text(json.dumps({
        "title": "the same scenario in JSON", "until": "2004-04-30",
        "params": {"issue_date": "2003-04-01", "principal": 200000},
        "events": [
            {"date": "2003-12-10", "type": "Prepayment", "amount": "50000", "noticed_on": "2003-12-01"},
            {"date": "2003-12-11", "type": "Prepayment", "amount": 50000, "noticed_on": "2003-12-01"},
            {"date": "2004-02-17", "type": "Prepayment", "amount": 150000, "noticed_on": "2004-02-02"},
            {"date": "2004-03-01", "type": "HolderConversion", "principal": 1000},
        ]}))
    runner = CliRunner()
    contract = "contracts/nstor_2003_convertible_note.contract"
    from_toml = json.loads(runner.invoke(main, ["eval", contract, str(toml_path), "--format", "json"]).stdout)
    from_json = json.loads(runner.invoke(main, ["eval", contract, str(json_path), "--format", "json"]).stdout)
    assert from_json["effects"] == from_toml["effects"] and from_json["state"] == from_toml["state"]
