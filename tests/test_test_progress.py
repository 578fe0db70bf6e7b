"""`contract test` on a terminal: a counter while the generated scenarios run, and parameters with defaults
that vary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from contractlang.cli import main
from contractlang.testing.runner import run_tests

ROOT = Path(__file__).resolve().parents[1]
BOND = str(ROOT / "contracts" / "examples" / "fixed_rate_bond.contract")


def test_a_terminal_sees_a_counter_of_the_scenarios_while_the_invariants_run(tmp_path, capsys):
    run_tests([BOND], max_examples=30, seed=0, out_dir=str(tmp_path), echo=print, color=True)
    out = capsys.readouterr().out
    # the counter is written over itself on one line (a carriage return; click keeps the clearing escape for
    # a real terminal), every ten scenarios
    assert "\r  ...  4 invariants: 10/30 scenarios\r  ...  4 invariants: 20/30 scenarios" in out


def test_without_a_terminal_no_counter_is_written(tmp_path, capsys):
    run_tests([BOND], max_examples=30, seed=0, out_dir=str(tmp_path), echo=print, color=False)
    assert "\r" not in capsys.readouterr().out


CONTRACT = '''contract "test"
currency USD
§1 "Fee" {
  parameter fee: USD = 100.00 USD
  parameter waived: Bool = false
  event Charge {}
  upon Charge as charge {
    if not waived { pay fee from "Client" to "Bank" as fee }
  }
  invariant "the fee is never more than 150" §1 {
    for p in payments {
      check p.amount <= 150.00 USD else "a fee of more than 150 was charged"
    }
  }
}
'''


def test_a_parameter_with_a_default_varies_and_a_failure_names_its_value(tmp_path):
    path = tmp_path / "fee.contract"
    path.write_text(CONTRACT, encoding="utf-8")
    result = CliRunner().invoke(main, ["test", str(path), "--counterexamples", str(tmp_path / "found")])
    # only a fee varied above its default (100 × 2 or × 10) breaks the check: generation found it
    assert result.exit_code == 1
    assert "FAIL invariant 'the fee is never more than 150'" in result.stdout
    written = next((tmp_path / "found").glob("*.toml")).read_text(encoding="utf-8")
    assert 'fee = "200' in written or 'fee = "1000' in written
    assert "waived" not in written  # a setting the failure does not need is left at its default


def test_contract_test_leaves_nothing_in_the_working_folder_but_counterexamples(tmp_path):
    # a process of its own: hypothesis writes its files (the constants it draws from) on its first draw
    work = tmp_path / "work"
    work.mkdir()
    environment = {**os.environ, "CONTRACT_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "contractlang.cli", "test", BOND, "--max-examples", "5"],
                          cwd=work, env=environment, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert list(work.iterdir()) == []
    assert (tmp_path / "cache" / "hypothesis" / "constants").is_dir()
