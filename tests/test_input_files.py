"""The files a user names, and the files they name: read only when they are what they should be.

A contract, a scenario and a price series are regular files of bounded size
(a device, a FIFO or a huge file is refused at once, without reading it);
a price series is named relative to its scenario and must be a .csv file; a
file that is not what it should be is reported by name and position without
showing its content; and the formats are read as they are promised (a
byte-order mark accepted, dates YYYY-MM-DD only, a JSON key given once).
Each case runs the command line in a subprocess, as a user would.
"""

from __future__ import annotations

import os
import resource
import subprocess
from pathlib import Path

import pytest

from contractlang.checker import load
from contractlang.diagnostics import ContractError
from contractlang.scenario import inputs_for, load_scenario

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"

PRICED = '''contract "A note priced by its market"
currency USD
security common
§1 "Conversion" {
  parameter start: Date = 2003-01-01
  term holder = "Holder"
  horizon 2004-01-01
  market closing_bid: USD per common
  event Convert { principal: USD }
  upon Convert as c {
    let q = quote_before(closing_bid, c.date)
    record price_used = q.price
  }
}
'''
CONVERSION = '[[events]]\ndate = 2003-06-05\ntype = "Convert"\nprincipal = 1000\n'
PRICES = "date,price\n2003-06-04,1.25\n"


def run(*args: str, memory: int | None = None) -> tuple[int, str, str]:
    """The command line in a subprocess that must end within 10 s (a read that waits or never ends fails)."""
    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    done = subprocess.run([str(PYTHON), "-m", "contractlang.cli", *args], capture_output=True, text=True,
                          timeout=10, preexec_fn=limit_memory if memory else None)
    return done.returncode, done.stdout, done.stderr


def assert_refused(result, head: str, *not_shown: str) -> None:
    """Exit status 1, exactly this first line, no traceback, and nothing of the refused file."""
    status, out, err = result
    assert status == 1, (out, err)
    assert err.splitlines()[0] == head, err
    assert "Traceback" not in err and "internal error" not in err
    for secret in not_shown:
        assert secret not in out + err


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def contract(tmp_path) -> Path:
    return write(tmp_path / "priced.contract", PRICED)


def scenario_naming(folder: Path, prices: str) -> Path:
    return write(folder / "s.toml", f'until = 2003-12-31\nprices = "{prices}"\n\n{CONVERSION}')


def price_used(contract: Path, scenario: Path) -> str:
    import json

    status, out, err = run("eval", str(contract), str(scenario), "--format", "json")
    assert status == 0, err
    return json.loads(out)["effects"][0]["value"]


# ------------------------------------------------------------------- what may be read at all

def test_a_device_is_not_a_contract():
    assert_refused(run("check", "/dev/zero"),
                   "/dev/zero:1:1: error: /dev/zero is not a regular file (a device), so it cannot be a contract")


# ------------------------------------------------------------------- nesting in a contract

def test_if_then_nested_1000_deep_is_refused_where_it_is_too_deep(tmp_path):
    conditional = "if true then " * 1000 + "1" + " else 2" * 1000
    contract = write(tmp_path / "deep.contract", f'contract "Deep"\n§1 "Terms" {{\n  term x = {conditional}\n}}\n')
    # the file, the section and the term are three levels; each `if` one more; so the
    # condition of the 197th `if` is the first thing more than 200 levels down
    column = len("  term x = ") + len("if true then ") * 196 + len("if ") + 1
    assert_refused(run("check", str(contract)),
                   f"{contract}:3:{column}: error: the contract is nested too deeply here (more than 200 levels)")


def test_an_escaped_quote_in_a_text_does_not_confuse_the_bracket_count(tmp_path):
    brackets = "(" * 70
    valid = write(tmp_path / "valid.contract",
                  'contract "Quoted"\n§1 "Terms" {\n  term said = "a \\" ("\n'
                  f'  term label = "{brackets}"\n  # a comment {brackets}\n}}\n')
    assert run("check", str(valid))[:2] == (0, f"{valid}: ok (1 sections, 0 event types)\n")
    deep = write(tmp_path / "deep.contract",
                 'contract "Quoted"\n§1 "Terms" {\n  term said = "a \\" ("\n'
                 f'  term x = {brackets}1{")" * 70}\n}}\n')
    column = len("  term x = ") + 64  # the 65th bracket, the section's brace being the first
    assert_refused(run("check", str(deep)),
                   f"{deep}:4:{column}: error: brackets are nested too deeply (more than 64 levels)")
