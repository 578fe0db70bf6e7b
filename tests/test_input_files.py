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

from contractlang.language.checker import load
from contractlang.diagnostics import ContractError
from contractlang.inputs.binding import inputs_for
from contractlang.inputs.scenario import load_scenario

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


# ------------------------------------------------------------------- where a price series may be

def test_a_price_series_named_by_an_absolute_path_is_refused_before_it_is_read(contract, tmp_path):
    scenario = scenario_naming(tmp_path, "/etc/passwd")
    assert_refused(run("eval", str(contract), str(scenario)),
                   f"{scenario}:2:1: error: the price series '/etc/passwd' must be named relative to {scenario}, "
                   "not by an absolute path", "root:")


def test_a_price_series_reached_through_dot_dots_must_still_be_a_csv_file(contract, tmp_path):
    name = "../" * 40 + "etc/passwd"  # more than enough to climb to the root from any temporary folder
    scenario = scenario_naming(tmp_path, name)
    assert_refused(run("eval", str(contract), str(scenario)),
                   f"{scenario}:2:1: error: the price series '{name}' must be a .csv file", "root:")


def test_a_price_series_beside_the_scenario_may_be_reached_through_dot_dots(contract, tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "scenarios").mkdir()
    write(tmp_path / "data" / "p.csv", PRICES)
    assert price_used(contract, scenario_naming(tmp_path / "scenarios", "../data/p.csv")) == "1.25"


def test_a_csv_name_that_is_a_symlink_to_another_kind_of_file_is_refused(contract, tmp_path):
    (tmp_path / "p.csv").symlink_to("/etc/passwd")
    scenario = scenario_naming(tmp_path, "p.csv")
    assert_refused(run("eval", str(contract), str(scenario)),
                   f"{scenario}:2:1: error: the price series 'p.csv' must be a .csv file (it resolves to passwd)",
                   "root:")


def test_a_csv_name_that_is_a_symlink_to_a_device_is_refused_at_once(contract, tmp_path):
    (tmp_path / "z.csv").symlink_to("/dev/zero")
    scenario = scenario_naming(tmp_path, "z.csv")
    assert_refused(run("eval", str(contract), str(scenario)),
                   f"{scenario}:2:1: error: the price series 'z.csv' is not a regular file (a device)")


# ------------------------------------------------------------------- what may be read at all

def test_a_fifo_is_refused_at_once_as_a_contract_a_scenario_or_a_price_series(contract, tmp_path):
    for name in ("fifo.contract", "fifo.toml", "fifo.csv"):
        os.mkfifo(tmp_path / name)
    fifo = tmp_path / "fifo.contract"
    assert_refused(run("check", str(fifo)),
                   f"{fifo}:1:1: error: {fifo} is not a regular file (a pipe), so it cannot be a contract")
    fifo = tmp_path / "fifo.toml"
    assert_refused(run("eval", str(contract), str(fifo)),
                   f"{fifo}:1:1: error: {fifo} is not a regular file (a pipe), so it cannot be a scenario")
    scenario = scenario_naming(tmp_path, "fifo.csv")
    assert_refused(run("eval", str(contract), str(scenario)),
                   f"{scenario}:2:1: error: the price series 'fifo.csv' is not a regular file (a pipe)")


def test_a_device_is_not_a_contract():
    assert_refused(run("check", "/dev/zero"),
                   "/dev/zero:1:1: error: /dev/zero is not a regular file (a device), so it cannot be a contract")


def test_files_over_their_limit_are_refused_without_reading_them_whole(contract, tmp_path):
    """Sparse files of 2 GB, under a 1 GB limit of address space: only the limit plus one byte may be read."""
    two_gigabytes, one_gigabyte = 2 << 30, 1 << 30
    for name in ("big.contract", "big.toml", "big.csv"):
        os.truncate(write(tmp_path / name, ""), two_gigabytes)
    big = tmp_path / "big.contract"
    assert_refused(run("check", str(big), memory=one_gigabyte),
                   f"{big}:1:1: error: the file is too large (more than 1,000,000 bytes)")
    big = tmp_path / "big.toml"
    assert_refused(run("eval", str(contract), str(big), memory=one_gigabyte),
                   f"{big}:1:1: error: the file is too large (more than 5,000,000 bytes)")
    big = tmp_path / "big.csv"
    assert_refused(run("eval", str(contract), str(scenario_naming(tmp_path, "big.csv")), memory=one_gigabyte),
                   f"{big}:1:1: error: the file is too large (more than 5,000,000 bytes)")


# ------------------------------------------------------------------- a file that is not what it should be

def test_a_price_series_without_its_header_is_reported_without_showing_it(contract, tmp_path):
    series = write(tmp_path / "p.csv", "secret,figures\n2003-06-04,1.25\n")
    assert_refused(run("eval", str(contract), str(scenario_naming(tmp_path, "p.csv"))),
                   f"{series}:1:1: error: not a price series: it must start with the header 'date,price'",
                   "secret")


def test_a_scenario_named_by_another_file_is_reported_without_showing_its_lines(contract, tmp_path):
    scenario = write(tmp_path / "named.toml", 'secret = "figures"\n')
    with pytest.raises(ContractError) as caught:
        load_scenario(str(scenario), echo=False)
    assert caught.value.render() == (f"{scenario}:1:1: error: unknown key 'secret' in a scenario "
                                     "(the keys are: title, until, params, assume, prices, market, events)")
    scenario = write(tmp_path / "named.toml", '[[events]]\ndate = 2003-06-05\ntype = "Secret"\n')
    with pytest.raises(ContractError) as caught:
        inputs_for(load(str(contract)), load_scenario(str(scenario), echo=False), {}, {}, None)
    assert caught.value.render() == (f"{scenario}:3:1: error: event 1: unknown event type 'Secret' "
                                     "(this contract's events: Convert)")


def test_a_scenario_is_a_toml_or_json_file_whatever_the_case_of_its_extension(contract, tmp_path):
    scenario = write(tmp_path / "s.JSON", '{"until": "2003-12-31", "prices": {"2003-06-04": "1.25"},'
                                          ' "events": [{"date": "2003-06-05", "type": "Convert", "principal": 1000}]}')
    assert price_used(contract, scenario) == "1.25"
    other = write(tmp_path / "s.txt", "until = 2003-12-31\n")
    assert_refused(run("eval", str(contract), str(other)), f"{other}:1:1: error: a scenario is a .toml or .json file")


# ------------------------------------------------------------------- the formats as promised

def test_a_byte_order_mark_is_accepted_in_a_contract_a_scenario_and_a_price_series(tmp_path):
    contract = write(tmp_path / "priced.contract", "\ufeff" + PRICED)
    write(tmp_path / "p.csv", "\ufeff" + PRICES)
    scenario = write(tmp_path / "s.toml", '\ufeffuntil = 2003-12-31\nprices = "p.csv"\n\n' + CONVERSION)
    assert run("check", str(contract))[0] == 0
    assert price_used(contract, scenario) == "1.25"


def test_a_quoted_price_over_two_lines_is_one_field_and_later_rows_keep_their_lines(contract, tmp_path):
    series = write(tmp_path / "p.csv", 'date,price\n2003-06-04,"1.25\n"\n2003-06-05,abc\n')
    assert_refused(run("eval", str(contract), str(scenario_naming(tmp_path, "p.csv"))),
                   f'{series}:4:12: error: the price of 2003-06-05 must be a positive number, not "abc"')
    series = write(tmp_path / "p.csv", 'date,price\n2003-06-04,"1.2\n5"\n')
    assert_refused(run("eval", str(contract), str(scenario_naming(tmp_path, "p.csv"))),
                   f'{series}:2:12: error: the price of 2003-06-04 must be a positive number, not "1.2\\x0a5"')


def test_a_row_the_csv_reader_refuses_is_a_diagnostic_at_its_line(contract, tmp_path):
    series = write(tmp_path / "p.csv", 'date,price\n2003-06-04,"' + "1" * 200_000 + '"\n')
    assert_refused(run("eval", str(contract), str(scenario_naming(tmp_path, "p.csv"))),
                   f"{series}:2:1: error: not a valid CSV row: field larger than field limit (131072)")


@pytest.mark.parametrize("written", ["2003W231", "2003-W23-1", "20030605"])
def test_only_yyyy_mm_dd_is_a_date_in_a_scenario_a_price_series_and_a_parameter(contract, tmp_path, written):
    scenario = write(tmp_path / "s.toml", f'until = "{written}"\n')
    assert_refused(run("eval", str(contract), str(scenario)),
                   f"{scenario}:1:1: error: 'until' must be a date (YYYY-MM-DD), not \"{written}\"")
    scenario = write(tmp_path / "s.toml", f'[[events]]\ndate = "{written}"\ntype = "Convert"\nprincipal = 1\n')
    assert_refused(run("eval", str(contract), str(scenario)),
                   f"{scenario}:2:1: error: event 1 (Convert): 'date' must be a date (YYYY-MM-DD), not \"{written}\"")
    series = write(tmp_path / "p.csv", f"date,price\n{written},1.25\n")
    assert_refused(run("eval", str(contract), str(scenario_naming(tmp_path, "p.csv"))),
                   f"{series}:2:1: error: the date must be a date (YYYY-MM-DD), not \"{written}\"")
    scenario = write(tmp_path / "s.toml", f'[params]\nstart = "{written}"\n')
    assert_refused(run("eval", str(contract), str(scenario)),
                   f"{scenario}:2:1: error: parameter 'start' must be a date (YYYY-MM-DD), not \"{written}\" (not a date)")


def test_a_json_key_given_twice_is_refused_where_it_is_given_the_second_time(contract, tmp_path):
    event = '{"date": "2003-06-05", "type": "Convert", "principal": 1000, "principal": 2000}'
    scenario = write(tmp_path / "s.json", '{\n  "until": "2003-12-31",\n  "events": [\n    ' + event + '\n  ]\n}\n')
    column = 5 + event.index('"principal": 2000')
    assert_refused(run("eval", str(contract), str(scenario)),
                   f"{scenario}:4:{column}: error: 'principal' is given twice in the same object (a key may be given once)")
    scenario = write(tmp_path / "s.json", '{"until": "2003-12-31",\n "until": "2004-01-01"}\n')
    assert_refused(run("eval", str(contract), str(scenario)),
                   f"{scenario}:2:2: error: 'until' is given twice in the same object (a key may be given once)")


def test_a_toml_integer_of_5000_digits_is_a_diagnostic_at_the_number(contract, tmp_path):
    scenario = write(tmp_path / "s.toml", "until = 2003-12-31\n[params]\nstart = " + "7" * 5000 + "\n")
    assert_refused(run("eval", str(contract), str(scenario)),
                   f"{scenario}:3:9: error: not valid TOML: a number of more than 4,300 digits")


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
    assert run("check", str(valid))[:2] == (0, f"{valid}: ok (1 section, 0 event types)\n")
    deep = write(tmp_path / "deep.contract",
                 'contract "Quoted"\n§1 "Terms" {\n  term said = "a \\" ("\n'
                 f'  term x = {brackets}1{")" * 70}\n}}\n')
    column = len("  term x = ") + 64  # the 65th bracket, the section's brace being the first
    assert_refused(run("check", str(deep)),
                   f"{deep}:4:{column}: error: brackets are nested too deeply (more than 64 levels)")
