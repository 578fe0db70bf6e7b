"""The shared conformance cases (../shared/conformance), run through the command line as check.py does."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT.parent / "shared" / "conformance" / "check.py"


@pytest.mark.skipif(not CHECK.exists(), reason="../shared/conformance is not beside this checkout")
def test_every_conformance_case_matches_its_worked_answer():
    command = f"{shlex.quote(sys.executable)} -m contractlang.cli"
    done = subprocess.run([sys.executable, str(CHECK), "--command", command, "-v"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 failed" in done.stdout
