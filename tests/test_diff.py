"""`contract diff`: layout is no change, a changed percentage is found and named by its clause, a text changes no outcome."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from contractlang.language.checker import load
from contractlang.tools.diff import diff

ROOT = Path(__file__).resolve().parents[1]
NOTE_2002 = ROOT / "contracts/nstor_2002_subordinated_note.contract"
CONVERSIONS_2002 = "scenarios/nstor_2002_conversions.toml"
PREMIUM = "  term holder_premium = 110%\n"


def contract(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "contractlang.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def draft(tmp_path, name: str, old: str, new: str) -> str:
    text = NOTE_2002.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return str(path)


def test_a_change_of_layout_and_comments_only_is_no_change(tmp_path):
    relaid = draft(tmp_path, "relaid.contract", PREMIUM,
                   "\n\n  # the premium, restated\n  term   holder_premium   =   110%      # of the prior close\n\n")
    done = contract("diff", str(NOTE_2002), relaid, CONVERSIONS_2002, "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "terms: no change\noutcomes: no change (1 scenarios given, 100 generated)\n"
    assert not (tmp_path / "out").exists()


def test_the_holders_premium_lowered_is_found_by_generation_with_the_defaults_and_named_by_its_clause(tmp_path):
    lowered = draft(tmp_path, "premium_105.contract", PREMIUM, "  term holder_premium = 105%\n")
    done = contract("diff", str(NOTE_2002), lowered, "--out", str(tmp_path / "out"))
    assert done.returncode == 3, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["terms: 1 change", "  §1(b) term holder_premium: 110% → 105%"]
    assert lines[2].startswith("outcomes: ") and "(0 given, 100 generated)" in lines[2]
    assert lines[3].startswith("  generated: ") and lines[3].endswith("differ, by clause: §1(b) in " +
                                                                      lines[3].split(" of ")[0].split()[-1])
    smallest = tmp_path / "out" / "nstor_2002_subordinated_note-vs-premium_105.toml"
    assert lines[-1].startswith(f"  written, smallest first: {smallest}")
    replayed = [contract("eval", path, str(smallest), "--format", "json").stdout for path in (str(NOTE_2002), lowered)]
    assert replayed[0] and replayed[0] != replayed[1]  # the scenario written shows the difference under `contract eval`


def test_a_given_scenario_shows_both_share_counts_and_the_difference():
    old = load(str(NOTE_2002))
    new_text = old.text.replace(PREMIUM, "  term holder_premium = 105%\n")
    from contractlang.language.checker import check
    from contractlang.language.parser import parse

    new = check(parse(new_text, "premium_105.contract"), "premium_105.contract", new_text)
    report = diff(old, new, [CONVERSIONS_2002], count=0, seed=0, out_dir="unused", keep=0)
    [(path, found)] = report.given
    assert [(d.clause, d.what) for d in found] == [
        ("§1(b)", "2003-07-14 issue to Holder (event 2): quantity 538334 → 563969 (+25635); "
                  "price 1.1253 → 1.07415 (-0.05115)")]
    assert report.terms == ["§1(b) term holder_premium: 110% → 105%"]


def test_a_changed_text_is_a_change_of_terms_and_of_no_outcome(tmp_path):
    quoted = "the Holder may convert all or part of\n"
    reworded = draft(tmp_path, "reworded.contract", "and prior to Maturity, " + quoted,
                     "and before Maturity, " + quoted)
    done = contract("diff", str(NOTE_2002), reworded, CONVERSIONS_2002, "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ("terms: 1 change\n  §1(b) text changed\n"
                           "outcomes: no change (1 scenarios given, 100 generated)\n")


def test_a_scenario_that_fits_neither_draft_is_a_problem_in_the_scenario(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('until = 2004-01-01\n[[events]]\ndate = 2003-07-01\ntype = "Conversion"\n', encoding="utf-8")
    done = contract("diff", str(NOTE_2002), str(NOTE_2002), str(bad), "--generate", "0")
    assert done.returncode == 1
    assert done.stderr.startswith(f"{bad}:4:1: error: event 1: unknown event type 'Conversion'")


def test_a_shorter_cure_period_moves_the_event_of_default_by_its_days(tmp_path):
    text = (ROOT / "contracts/nstor_2003_convertible_note.contract").read_text(encoding="utf-8")
    shorter = tmp_path / "cure_15.contract"
    shorter.write_text(text.replace("term cure_period = 30 days", "term cure_period = 15 days"), encoding="utf-8")
    done = contract("diff", "contracts/nstor_2003_convertible_note.contract", str(shorter),
                    "scenarios/nstor_2003_default_covenant_acceleration.toml", "--generate", "0")
    assert done.returncode == 3
    assert done.stdout.splitlines()[1:] == [
        "  §5 term cure_period: 30 days → 15 days",
        "outcomes: 1 of 1 scenarios differ (1 given, 0 generated)",
        "  scenarios/nstor_2003_default_covenant_acceleration.toml",
        "    §5(i)",
        "      2003-11-20 status event_of_default (event 5): date 2003-11-20 → 2003-11-05 (-15 days)"]
