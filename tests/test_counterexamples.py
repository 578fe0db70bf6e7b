"""`contract test`'s counterexample files and the files examples name.

A counterexample is written whole or not at all, never through a symlink and
never over a file the tool did not write; an example's scenario is a file
named relative to its contract, refused by position when it is anything else;
and generating scenarios does not grow with the figures a contract writes.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from contractlang.cli import main

SEED = "3"

# a false invariant over a contract with a market, so that a counterexample is a TOML file and a price series
PRICED = '''contract "A note with a price series and a property that does not hold"
currency USD
security common
§1 "Payments" {
  term holder = "Holder"
  term company = "Company"
  term conversion_price = PRICE USD per common
  horizon 2004-01-01
  market closing_bid: USD per common
  state paid: USD = 0 USD
  event Pay { amount: USD }
  upon Pay as p {
    require p.amount > 0 USD else "nothing to pay"
    pay p.amount from company to holder as principal
    set paid = paid + p.amount
  }
}
§2 "Properties" {
  invariant "never more than 500 paid" §1 {
    check paid <= 500 USD else "more than 500 was paid"
  }
}
'''
STEM = "priced-never-more-than-500-paid"


def cli(*args):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def priced_contract(folder: Path, price: str = "1.50") -> Path:
    path = folder / "priced.contract"
    path.write_text(PRICED.replace("PRICE", price), encoding="utf-8")
    return path


def run_test(contract: Path, out: Path, *more):
    return cli("test", str(contract), "--seed", SEED, "--max-examples", "20", "--counterexamples", str(out), *more)


def evaluate(contract: Path, scenario: Path) -> dict:
    status, out, err = cli("eval", str(contract), str(scenario), "--format", "json")
    assert status == 0, err
    return json.loads(out)


def names_in(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


# ------------------------------------------------------------------- names that are taken


@pytest.mark.parametrize("taken", [f"{STEM}.toml", f"{STEM}.prices.csv"])
@pytest.mark.parametrize("kind", ["symlink", "file", "folder"])
def test_a_name_taken_by_anything_is_left_alone_and_the_next_free_pair_is_used(tmp_path, taken, kind):
    contract = priced_contract(tmp_path)
    out = tmp_path / "found"
    out.mkdir()
    outside = tmp_path / "precious.txt"
    outside.write_text("not the tool's to touch\n", encoding="utf-8")
    if kind == "symlink":
        (out / taken).symlink_to(outside)
    elif kind == "file":
        (out / taken).write_text("someone else's\n", encoding="utf-8")
    else:
        (out / taken).mkdir()

    status, stdout, err = run_test(contract, out)

    assert status == 1, err
    assert outside.read_text(encoding="utf-8") == "not the tool's to touch\n"
    if kind == "symlink":
        assert (out / taken).is_symlink() and os.readlink(out / taken) == str(outside)
    elif kind == "file":
        assert (out / taken).read_text(encoding="utf-8") == "someone else's\n"
    else:
        assert (out / taken).is_dir() and names_in(out / taken) == []
    assert names_in(out) == sorted([taken, f"{STEM}-2.toml", f"{STEM}-2.prices.csv"])
    assert f"counterexample: {out / f'{STEM}-2.toml'}" in stdout
    assert f'prices = "{STEM}-2.prices.csv"' in (out / f"{STEM}-2.toml").read_text(encoding="utf-8")
    assert Decimal(evaluate(contract, out / f"{STEM}-2.toml")["state"]["paid"]) > 500


def test_a_second_run_writes_the_same_counterexample_under_the_next_free_name(tmp_path):
    contract = priced_contract(tmp_path)
    out = tmp_path / "found"
    assert run_test(contract, out)[0] == 1
    first_toml = (out / f"{STEM}.toml").read_text(encoding="utf-8")
    first_csv = (out / f"{STEM}.prices.csv").read_text(encoding="utf-8")

    assert run_test(contract, out)[0] == 1

    assert names_in(out) == sorted([f"{STEM}.toml", f"{STEM}.prices.csv", f"{STEM}-2.toml", f"{STEM}-2.prices.csv"])
    assert (out / f"{STEM}.toml").read_text(encoding="utf-8") == first_toml
    assert (out / f"{STEM}.prices.csv").read_text(encoding="utf-8") == first_csv
    assert (out / f"{STEM}-2.prices.csv").read_text(encoding="utf-8") == first_csv
    second_toml = (out / f"{STEM}-2.toml").read_text(encoding="utf-8")
    assert second_toml == first_toml.replace(f"{STEM}.prices.csv", f"{STEM}-2.prices.csv")
    assert evaluate(contract, out / f"{STEM}-2.toml") == evaluate(contract, out / f"{STEM}.toml")


# ------------------------------------------------------------------- writes that fail


def test_a_folder_that_cannot_be_made_is_one_line_error_and_nothing_is_written(tmp_path):
    contract = priced_contract(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way\n", encoding="utf-8")
    out = blocker / "found"

    status, stdout, err = run_test(contract, out)

    assert status == 1
    assert "FAIL invariant 'never more than 500 paid' (§1)" in stdout
    assert err.splitlines() == [f"error: cannot write {out / f'{STEM}.prices.csv'}: "
                                f"the folder {out} cannot be made (Not a directory)"]
    assert blocker.read_text(encoding="utf-8") == "in the way\n"
    assert names_in(tmp_path) == ["a-file", "priced.contract"]


def test_a_folder_that_is_a_file_is_one_line_error(tmp_path):
    contract = priced_contract(tmp_path)
    out = tmp_path / "found"
    out.write_text("a file, not a folder\n", encoding="utf-8")

    status, _, err = run_test(contract, out)

    assert status == 1
    assert err.splitlines() == [f"error: cannot write {out / f'{STEM}.prices.csv'}: {out} is not a folder"]
    assert out.read_text(encoding="utf-8") == "a file, not a folder\n"


@pytest.mark.parametrize("failing, name", [(1, f"{STEM}.prices.csv"), (2, f"{STEM}.toml")])
def test_a_full_disk_leaves_no_half_counterexample_and_is_one_line_error(tmp_path, monkeypatch, failing, name):
    """The disk fills up while the price series (the first file) or the scenario (the second) is written."""
    contract = priced_contract(tmp_path)
    out = tmp_path / "found"
    out.mkdir()
    real_fsync = os.fsync
    written = [0]

    def fsync_on_a_full_disk(descriptor):
        # only the counterexamples' folder is full: other writes (the tool's cache) go on as usual
        if Path(os.readlink(f"/proc/self/fd/{descriptor}")).parent == out:
            written[0] += 1
            if written[0] == failing:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync_on_a_full_disk)
    status, stdout, err = run_test(contract, out)

    assert status == 1
    assert "FAIL invariant 'never more than 500 paid' (§1)" in stdout
    assert err.splitlines() == [f"error: cannot write {out / name}: No space left on device"]
    assert names_in(out) == []


# ------------------------------------------------------------------- concurrent runs


def test_two_runs_at_once_each_leave_whole_distinct_counterexamples(tmp_path):
    contract = priced_contract(tmp_path)
    out = tmp_path / "found"
    command = [sys.executable, "-m", "contractlang.cli", "test", str(contract), "--seed", SEED,
               "--max-examples", "20", "--counterexamples", str(out)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = [run.communicate(timeout=120) for run in runs]

    assert [run.returncode for run in runs] == [1, 1], outcomes
    assert names_in(out) == sorted([f"{STEM}.toml", f"{STEM}.prices.csv", f"{STEM}-2.toml", f"{STEM}-2.prices.csv"])
    reported = sorted(line.split("counterexample: ")[1] for stdout, _ in outcomes
                      for line in stdout.splitlines() if "counterexample: " in line)
    assert reported == [str(out / f"{STEM}-2.toml"), str(out / f"{STEM}.toml")]
    for stem in (STEM, f"{STEM}-2"):
        assert f'prices = "{stem}.prices.csv"' in (out / f"{stem}.toml").read_text(encoding="utf-8")
    assert (out / f"{STEM}.prices.csv").read_bytes() == (out / f"{STEM}-2.prices.csv").read_bytes()
    assert evaluate(contract, out / f"{STEM}.toml") == evaluate(contract, out / f"{STEM}-2.toml")


# ------------------------------------------------------------------- an example's scenario

EXAMPLE = '''contract "A note whose example names a scenario"
currency USD
§1 "Payments" {
  term holder = "Holder"
  term company = "Company"
  horizon 2004-01-01
  state paid: USD = 0 USD
  event Pay { amount: USD }
  upon Pay as p {
    pay p.amount from company to holder as principal
    set paid = paid + p.amount
  }
}
§2 "Properties" {
  example "the scenario's payment" §1 {
    scenario "NAME"
    expect paid == 100.00 USD
  }
}
'''
SCENARIO_LINE = 16
GOOD_SCENARIO = '[[events]]\ndate = 2003-01-02\ntype = "Pay"\namount = 100\n'
SECRET = "password = hunter2 and more that is not TOML"


def example_contract(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "deep" / "er"
    folder.mkdir(parents=True)
    path = folder / "example.contract"
    path.write_text(EXAMPLE.replace("NAME", name), encoding="utf-8")
    return path


def test_an_example_may_name_its_scenario_through_dot_dot(tmp_path):
    (tmp_path / "one-payment.toml").write_text(GOOD_SCENARIO, encoding="utf-8")
    contract = example_contract(tmp_path, "../../one-payment.toml")
    status, out, err = cli("test", str(contract))
    assert status == 0, out + err
    assert "ok   example \"the scenario's payment\" (§1)" in out


@pytest.mark.parametrize("name, files, message", [
    ("/etc/passwd", {}, "the example's scenario '/etc/passwd' must be named relative to {contract}, "
                        "not by an absolute path"),
    ("../../x.txt", {"x.txt": SECRET}, "the example's scenario '../../x.txt' must be a .toml or .json file"),
    ("../../x.toml", {"x.txt": SECRET, "x.toml": "-> x.txt"},
     "the example's scenario '../../x.toml' must be a .toml or .json file (it resolves to x.txt)"),
    ("missing.toml", {}, "the example's scenario 'missing.toml': no such file (looked for {folder}/missing.toml)"),
    ("..", {}, "the example's scenario '..' is a directory"),
])
def test_an_example_naming_anything_but_a_scenario_beside_it_is_refused_at_its_line(tmp_path, name, files, message):
    for file, content in files.items():
        if content.startswith("-> "):
            (tmp_path / file).symlink_to(tmp_path / content[3:])
        else:
            (tmp_path / file).write_text(content, encoding="utf-8")
    contract = example_contract(tmp_path, name)

    status, out, err = cli("test", str(contract))

    assert status == 1
    message = message.format(contract=contract, folder=contract.parent)
    column = EXAMPLE.splitlines()[SCENARIO_LINE - 1].index("scenario") + 1
    assert f"{contract}:{SCENARIO_LINE}:{column}: error: {message}" in out
    assert f'    scenario "{name}"' in out  # the contract's own line is shown, with its caret
    assert "root:" not in out + err and "hunter2" not in out + err


def test_an_example_scenario_that_is_not_toml_is_reported_by_position_without_its_content(tmp_path):
    (tmp_path / "broken.toml").write_text(SECRET + "\n", encoding="utf-8")
    contract = example_contract(tmp_path, "../../broken.toml")

    status, out, err = cli("test", str(contract))

    assert status == 1
    assert f"{contract.parent / '../../broken.toml'}:1:" in out
    assert "not valid TOML" in out
    assert "hunter2" not in out + err


# ------------------------------------------------------------------- generation and magnitudes


def limited_memory():
    """At most 1 GiB of address space: a generator that grows with a figure fails fast instead of swapping."""
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.parametrize("price", ["5_000_000.00", "1_000_000_000_000_000_000_000_000_000_000.00"])
def test_generation_does_not_grow_with_the_figures_a_contract_writes(tmp_path, price):
    text = PRICED.replace("PRICE", price).replace(
        '  term company = "Company"\n', f'  term company = "Company"\n  term cap = {price} USD\n')
    contract = tmp_path / "priced.contract"
    contract.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "contractlang.cli", "test", str(contract), "--max-examples", "20",
                          "--counterexamples", str(tmp_path / "found")],
                         capture_output=True, text=True, timeout=120, preexec_fn=limited_memory)
    elapsed = time.perf_counter() - started
    assert run.returncode == 1, run.stdout + run.stderr
    assert "FAIL invariant 'never more than 500 paid' (§1)" in run.stdout
    assert run.stderr == ""
    assert elapsed < 20


def test_a_price_below_a_thousandth_is_generated_too(tmp_path):
    contract = priced_contract(tmp_path, price="0.0001")
    status, out, err = run_test(contract, tmp_path / "found")
    assert (status, err) == (1, "")
    assert "FAIL invariant 'never more than 500 paid' (§1)" in out
