"""The shared conformance cases (../shared/conformance), each run through the command line as check.py does."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import skip_unless_ci

ROOT = Path(__file__).resolve().parents[1]
CONFORMANCE = ROOT.parent / "shared" / "conformance"
CHECK = CONFORMANCE / "check.py"
CASES = sorted(p.stem for p in (CONFORMANCE / "cases").glob("*.toml")) if CHECK.exists() else []

def test_the_conformance_cases_are_beside_this_checkout():
    if not CHECK.exists():
        skip_unless_ci("../shared/conformance is not beside this checkout")
    assert CASES, "no case in ../shared/conformance/cases"


@pytest.mark.parametrize("case", CASES)
def test_conformance_case_matches_its_worked_answer(case):
    command = f"{shlex.quote(sys.executable)} -m contractlang.cli"
    done = subprocess.run([sys.executable, str(CHECK), "--command", command, "-v", case], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 0 failed" in done.stdout
