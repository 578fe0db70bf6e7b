"""`contract new`: each skeleton checks, evaluates, tests green and is in canonical layout as written,
and nothing is ever written over."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from contractlang.cli import main


def cli(*args):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def in_tmp(tmp_path):
    before = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(before)


@pytest.mark.parametrize("kind", ["bond", "note", "preferred", "safe"])
def test_a_skeleton_checks_evaluates_and_tests_green_as_written(in_tmp, kind):
    status, out, err = cli("new", "first_instrument", "--like", kind)
    assert status == 0, err
    assert out.startswith("wrote first_instrument.contract and first_instrument.toml\n")

    assert cli("check", "first_instrument.contract")[0] == 0
    assert cli("fmt", "--check", "first_instrument.contract")[0] == 0
    status, out, err = cli("eval", "first_instrument.contract", "first_instrument.toml", "--format", "json")
    assert status == 0, err
    assert json.loads(out)["instrument"] == "First Instrument"
    status, out, err = cli("test", "first_instrument.contract", "--max-examples", "30", "--counterexamples", "found")
    assert status == 0, out
    assert ", 0 failed, " in out
    assert not (in_tmp / "found").exists()


def test_the_bond_skeleton_shows_each_kind_of_input_in_its_scenario(in_tmp):
    cli("new", "bond", "--like", "bond")
    scenario = (in_tmp / "bond.toml").read_text(encoding="utf-8")
    assert "#   contract eval bond.contract bond.toml --explain" in scenario
    for table in ("[params]", "[assume]", "[[events]]"):
        assert table in scenario
    status, out, _ = cli("eval", "bond.contract", "bond.toml")
    assert status == 0
    assert "2026-03-16  payment     250,000.00 USD  §3      event 1   redemption  Issuer → Holder" in out


def test_the_note_skeleton_gives_prices_and_issues_shares_at_a_price_with_its_unit(in_tmp):
    cli("new", "note", "--like", "note")
    assert "[prices]" in (in_tmp / "note.toml").read_text(encoding="utf-8")
    status, out, _ = cli("eval", "note.contract", "note.toml")
    assert status == 0
    assert "577,474 sh  §2      event 1  common to Holder  at 0.9 USD per common (close of 2025-06-30)" in out


def test_an_existing_file_is_never_written_over_and_nothing_half_is_left(in_tmp):
    (in_tmp / "mine.toml").write_text("title = \"my own\"\n", encoding="utf-8")

    status, _, err = cli("new", "mine")

    assert status == 1
    assert err == "error: cannot write mine.toml: it exists, and contract new never replaces a file\n"
    assert (in_tmp / "mine.toml").read_text(encoding="utf-8") == "title = \"my own\"\n"
    assert not (in_tmp / "mine.contract").exists()


def test_a_name_that_cannot_name_a_contract_is_wrong_usage(in_tmp):
    status, _, err = cli("new", "3 notes")

    assert status == 2
    assert err.startswith("error: '3 notes' cannot name a contract")
    assert os.listdir(in_tmp) == []


def tutorial_contract() -> str:
    """The contract docs/tutorial.md builds: step 1's section with step 3's maturity rule, then §2, §3, §tests."""
    text = (Path(__file__).parent.parent / "docs" / "tutorial.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```$", text, flags=re.S | re.M)
    first = next(b for b in blocks if b.startswith('contract "'))
    maturity = next(b for b in blocks if b.startswith("  on maturity {") and "§2 {" in b)
    start = first.index("  on maturity {")
    first = first[:start] + maturity + "}\n"
    sections = [next(b for b in blocks if b.startswith(f'§{label} "')) for label in ("2", "3", "tests")]
    return "\n".join([first] + sections)


def test_the_tutorials_contract_checks_and_gives_the_figures_the_tutorial_shows(in_tmp):
    (in_tmp / "acme_note.contract").write_text(tutorial_contract(), encoding="utf-8")
    (in_tmp / "prepaid.toml").write_text('title = "Acme prepays in June 2026 on twelve days\' notice"\n\n'
                                         '[[events]]\ndate = 2026-06-15\ntype = "Prepayment"\n'
                                         'noticed_on = 2026-06-03\n', encoding="utf-8")

    assert cli("check", "acme_note.contract")[:2] == (0, "acme_note.contract: ok (4 sections, 1 event type)\n")
    assert cli("fmt", "--check", "acme_note.contract")[0] == 0
    status, out, _ = cli("eval", "acme_note.contract", "prepaid.toml")
    assert status == 0
    assert ("2026-06-15  payment       3,484.93 USD  §2      event 1   interest  Acme Corp. → Holder"
            "  for [2026-03-01, 2026-06-15)\n"
            "2026-06-15  payment     200,000.00 USD  §3      event 1   principal  Acme Corp. → Holder\n") in out
    status, out, _ = cli("test", "acme_note.contract", "--max-examples", "30", "--counterexamples", "found")
    assert status == 0, out
