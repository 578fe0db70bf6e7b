"""`contract test` has teeth: it fails on every mutant of a contract that is not equivalent to it.

Each mutant (see mutants.py) is written to a temporary file and `contract test`
runs on it with the default number of examples and seed. `--fail-fast` stops
at the first failure: it changes how long a failing run takes, not whether it
fails. The mutants that survive must be exactly the known equivalent ones
below, each with the reason no scenario can tell it from the contract.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mutants import mutants

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = [
    "contracts/nstor_2002_subordinated_note.contract",
    "contracts/nstor_2003_convertible_note.contract",
    "contracts/nstor_series_h_preferred.contract",
]

# (contract, kind, the mutated line as written in the contract) → why it cannot be killed
EQUIVALENT = {
    ("contracts/nstor_2002_subordinated_note.contract", "business-day",
     "let pay_day = business_day(maturity, following, calendar)"):
        "Maturity, November 20, 2006, is a Monday and no Florida holiday: there is nothing to shift",
    ("contracts/nstor_2003_convertible_note.contract", "business-day",
     "let pay_day = business_day(maturity, following, calendar)"):
        "April 1, 2004 is a Thursday and no California holiday: there is nothing to shift",
    ("contracts/nstor_2003_convertible_note.contract", "business-day",
     "let pay_day = business_day(d, following, calendar)"):
        "July 15 and October 15, 2003 and January 15, 2004 are all California business days",
    ("contracts/nstor_2002_subordinated_note.contract", "span-end",
     "else settle(interest, before: today, up_to: to_accrued + interest_converted_ahead)"):
        "this branch settles less than what accrued before today, so a day more is never reached",
    ("contracts/nstor_2003_convertible_note.contract", "span-end",
     "else settle(interest, before: today, up_to: to_accrued + interest_converted_ahead)"):
        "this branch settles less than what accrued before today, so a day more is never reached",
    ("contracts/nstor_2002_subordinated_note.contract", "span-end",
     "let ahead_paid = settle(interest, through: today, on: outstanding_principal,"):
        "it settles the interest converted ahead on the outstanding principal, which lies on its days through "
        "a Date of Conversion no later than today, so a day more is never reached",
    ("contracts/nstor_2003_convertible_note.contract", "span-end",
     "let ahead_paid = settle(interest, through: today, on: outstanding_principal,"):
        "it settles the interest converted ahead on the outstanding principal, which lies on its days through "
        "a Date of Conversion no later than today, so a day more is never reached",
    ("contracts/nstor_2002_subordinated_note.contract", "span-end",
     "let ahead_settled = settle(interest, through: today, on: outstanding_principal,"):
        "it settles, before principal leaves, the interest converted ahead on the outstanding principal, which "
        "lies on its days through a Date of Conversion no later than today, so a day more is never reached",
    ("contracts/nstor_2003_convertible_note.contract", "span-end",
     "let ahead_settled = settle(interest, through: today, on: outstanding_principal,"):
        "it settles, before principal leaves, the interest converted ahead on the outstanding principal, which "
        "lies on its days through a Date of Conversion no later than today, so a day more is never reached",
    ("contracts/nstor_2002_subordinated_note.contract", "span-end",
     "let settled_in_part = settle(interest, through: today, up_to: from_accrued)"):
        "this branch settles less than all the interest owed through today, so a day more is never reached",
    ("contracts/nstor_2003_convertible_note.contract", "span-end",
     "let settled_in_part = settle(interest, through: today, up_to: from_accrued)"):
        "this branch settles less than all the interest owed through today, so a day more is never reached",
    ("contracts/nstor_2002_subordinated_note.contract", "span-end",
     "let settled_later = settle(interest, through: today, up_to: converted_later_alike)"):
        "it settles interest converted on days before the payment date, less than all owed through it, so a day more is never reached",
    ("contracts/nstor_2003_convertible_note.contract", "span-end",
     "let settled_later = settle(interest, through: today, up_to: converted_later_alike)"):
        "it settles interest converted on days before the payment date, less than all owed through it, so a day more is never reached",
}


def _run(contract: str, mutant, folder: Path) -> tuple[object, int, str]:
    path = folder / f"mutant-{abs(hash((mutant.kind, mutant.line, mutant.description, mutant.text))) % 10**10}.contract"
    path.write_text(mutant.text, encoding="utf-8")
    command = [sys.executable, "-m", "contractlang.cli", "test", str(path), "--fail-fast",
               "--counterexamples", str(folder / "counterexamples")]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return mutant, done.returncode, done.stdout + done.stderr


def _line_of(text: str, line: int) -> str:
    return text.splitlines()[line - 1].strip()


@pytest.mark.slow
@pytest.mark.parametrize("contract", CONTRACTS)
def test_contract_test_kills_every_mutant_that_is_not_equivalent(contract, tmp_path):
    source = (ROOT / contract).read_text(encoding="utf-8")
    found = mutants(source, contract)
    assert found, "no mutants were made: the mutation operators no longer match the contract"
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda m: _run(contract, m, tmp_path), found))
    for mutant, status, output in results:
        assert "Traceback" not in output, f"{mutant.description} at line {mutant.line} crashed:\n{output}"
    survivors = {(contract, m.kind, _line_of(source, m.line)) for m, status, _ in results if status == 0}
    known = {key for key in EQUIVALENT if key[0] == contract}
    unexpected = sorted(survivors - known)
    assert not unexpected, "mutants that contract test does not notice:\n" + "\n".join(
        f"  {kind}: {line}" for _, kind, line in unexpected)
    assert survivors == known, f"documented equivalent mutants no longer survive: {sorted(known - survivors)}"


def test_the_unmutated_contracts_pass_contract_test(tmp_path):
    examples = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "contracts" / "examples").glob("*.contract"))
    command = [sys.executable, "-m", "contractlang.cli", "test", *CONTRACTS, *examples, "--counterexamples",
               str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 failed" in done.stdout
