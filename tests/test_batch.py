"""`contract batch` and `contract eval --format csv`: the same rows whatever the workers, the engine or an interruption."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import skip_unless_ci
from contractlang.tools.batch import local_engine, plan, run_batch
from contractlang.tools.rows import COLUMNS

ROOT = Path(__file__).resolve().parents[1]
NOTE_2002 = "contracts/nstor_2002_subordinated_note.contract"
NOTE_2003 = "contracts/nstor_2003_convertible_note.contract"
CONVERSIONS_2002 = "scenarios/nstor_2002_conversions.toml"


def contract(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "contractlang.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_eval_csv_keeps_the_time_of_day_of_an_effect_that_has_one():
    done = contract("eval", "contracts/examples/warrant.contract", "scenarios/warrant_exercises_split_expiry.toml",
                    "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = csv_rows(done.stdout)
    assert [(r["date"], r["time"], r["kind"], r["amount"] or r["quantity"]) for r in rows[:2]] == [
        ("2025-02-03", "10:30:00", "payment", "80000.00"), ("2025-02-03", "10:30:00", "issue", "20000")]
    assert rows[2]["time"] == ""  # a split's adjustment has no time of day


def test_eval_csv_gives_one_row_per_effect_then_one_per_state_key_with_exact_figures():
    done = contract("eval", NOTE_2002, CONVERSIONS_2002, "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(",".join(COLUMNS) + "\n")  # text mode: the CSV's \r\n read as \n
    rows = csv_rows(done.stdout)
    first = rows[0]
    assert (first["row"], first["date"], first["kind"], first["clause"], first["amount"], first["period"]) == (
        "1", "2002-06-10", "payment", "§(ii)", "67265.75", "2002-02-28/2002-06-07")
    conversion = rows[6]
    assert (conversion["kind"], conversion["cause"], conversion["quantity"], conversion["price"],
            conversion["price_date"]) == ("issue", "2", "538334", "1.1253", "2003-07-11")
    rejection = rows[4]
    assert rejection["reason"] == "the Holder may convert only after May 31, 2003"
    state = {row["name"]: row["value"] for row in rows if row["row"] == "state"}
    assert state and all(row["date"] == "2005-06-30" for row in rows if row["row"] == "state")
    assert rows[0]["contract"] == NOTE_2002 and rows[0]["scenario"] == CONVERSIONS_2002


def test_two_workers_write_the_same_bytes_as_one(tmp_path):
    tasks = plan([NOTE_2002, NOTE_2003], ["scenarios/nstor_200*.toml"])
    assert len(tasks) == 20
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    run_batch(tasks, str(one), local_engine(1), 1)
    summary = run_batch(tasks, str(two), local_engine(2), 2)
    assert one.read_bytes() == two.read_bytes()
    assert (summary.scenarios, summary.errors) == (20, 10)  # a 2003 scenario gives the 2002 note an issue_date
    eval_csv = contract("eval", NOTE_2002, CONVERSIONS_2002, "--format", "csv").stdout
    pair = [row for row in csv_rows(one.read_text(encoding="utf-8"))
            if row["contract"] == NOTE_2002 and row["scenario"] == CONVERSIONS_2002]
    assert pair == csv_rows(eval_csv)


def test_a_scenario_in_error_is_an_error_row_with_its_position_and_the_batch_goes_on(tmp_path):
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    shutil.copy(ROOT / CONVERSIONS_2002, scenarios / "a_good.toml")
    shutil.copy(ROOT / "scenarios/nso_closing_bid_2001_2006.csv", scenarios)
    (scenarios / "b_missing_field.toml").write_text(
        'until = 2004-01-01\n\n[[events]]\ndate = 2003-07-01\ntype = "HolderConversion"\nprincipl = 1000\n',
        encoding="utf-8")
    shutil.copy(ROOT / "scenarios/nstor_2002_to_maturity.toml", scenarios / "c_after.toml")
    out = tmp_path / "rows.jsonl"
    done = contract("batch", str(ROOT / NOTE_2002), "--scenarios", str(scenarios), "--out", str(out), "--jobs", "2")
    assert done.returncode == 1
    assert "3 scenarios," in done.stderr and "1 errors" in done.stderr and "Traceback" not in done.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    errors = [row for row in rows if row["kind"] == "error"]
    assert len(errors) == 1
    assert errors[0]["position"] == f"{scenarios / 'b_missing_field.toml'}:6:1"
    assert errors[0]["message"].startswith("event 1 (HolderConversion): unknown field 'principl'; did you mean 'principal'?")
    assert [row["scenario"].rsplit("/", 1)[1] for row in rows if row["row"] == "1"] == ["a_good.toml", "c_after.toml"]


def test_a_batch_stops_its_worker_processes_before_it_returns(tmp_path):
    import multiprocessing

    tasks = plan([NOTE_2002], ["scenarios/nstor_2002_*.toml"])
    run_batch(tasks, str(tmp_path / "rows.jsonl"), local_engine(2), 2)
    assert multiprocessing.active_children() == []  # none left for the interpreter's exit to shut down


@pytest.mark.parametrize("extension", [".jsonl", ".csv"])
def test_an_interrupted_batch_resumes_to_the_bytes_of_an_uninterrupted_one(tmp_path, extension):
    tasks = plan([NOTE_2002, NOTE_2003], ["scenarios/nstor_200*.toml"])
    whole = tmp_path / f"whole{extension}"
    run_batch(tasks, str(whole), local_engine(1), 1)
    expected = whole.read_bytes()
    cut = tmp_path / f"cut{extension}"
    cut.write_bytes(expected[: len(expected) * 3 // 5 + 7])  # in the middle of a row
    summary = run_batch(tasks, str(cut), local_engine(2), 2, resume=True)
    assert cut.read_bytes() == expected
    assert 0 < summary.skipped < 20 and summary.skipped + summary.scenarios == 20


def test_resume_of_a_finished_batch_writes_only_its_last_pair_again(tmp_path):
    tasks = plan([NOTE_2002], [CONVERSIONS_2002, "scenarios/nstor_2002_to_maturity.toml"])
    out = tmp_path / "rows.csv"
    run_batch(tasks, str(out), local_engine(1), 1)
    expected = out.read_bytes()
    summary = run_batch(tasks, str(out), local_engine(1), 1, resume=True)
    assert (summary.skipped, summary.scenarios) == (1, 1)
    assert out.read_bytes() == expected


GRID = '''[params]
issue_date = [2003-05-01, 2003-06-02]

[assume]
day_count = ["30/360", "actual/365"]
'''


def test_a_grid_multiplies_each_scenario_and_names_the_values_that_vary(tmp_path):
    (tmp_path / "grid.toml").write_text(GRID, encoding="utf-8")
    out = tmp_path / "rows.csv"
    done = contract("batch", NOTE_2003, "--scenarios", "scenarios/nstor_2003_conversions_split.toml",
                    "--grid", str(tmp_path / "grid.toml"), "--out", str(out), "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert "4 scenarios, " in done.stderr
    rows = csv_rows(out.read_text(encoding="utf-8"))
    assert list(dict.fromkeys(row["varying"] for row in rows)) == [
        "issue_date=2003-05-01 day_count=30/360", "issue_date=2003-05-01 day_count=actual/365",
        "issue_date=2003-06-02 day_count=30/360", "issue_date=2003-06-02 day_count=actual/365"]
    first_interest = {row["varying"]: row["amount"] for row in rows if row["row"] == "1"}
    assert first_interest["issue_date=2003-05-01 day_count=30/360"] == "3333.33"


def test_a_grid_value_of_the_wrong_type_is_a_diagnostic_at_its_line(tmp_path):
    (tmp_path / "grid.toml").write_text('[params]\nissue_date = [2003-05-01, "soon"]\n', encoding="utf-8")
    done = contract("batch", NOTE_2003, "--scenarios", "scenarios/nstor_2003_conversions_split.toml",
                    "--grid", str(tmp_path / "grid.toml"), "--out", str(tmp_path / "rows.csv"))
    assert done.returncode == 1
    assert done.stderr.startswith(f"{tmp_path / 'grid.toml'}:2:1: error: parameter 'issue_date' must be a date")
    assert "\n    issue_date = [2003-05-01, \"soon\"]\n    ^" in done.stderr


def test_an_output_of_an_unknown_format_is_wrong_usage(tmp_path):
    done = contract("batch", NOTE_2002, "--scenarios", CONVERSIONS_2002, "--out", str(tmp_path / "rows.xlsx"))
    assert done.returncode == 2
    assert "must end in .jsonl, .csv, .parquet" in done.stderr


def test_parquet_holds_the_rows_of_jsonl_as_text(tmp_path):
    try:
        import pyarrow.parquet
    except ImportError:
        skip_unless_ci("pyarrow (the parquet extra) is not installed")
    tasks = plan([NOTE_2002], [CONVERSIONS_2002])
    run_batch(tasks, str(tmp_path / "rows.parquet"), local_engine(1), 1)
    run_batch(tasks, str(tmp_path / "rows.jsonl"), local_engine(1), 1)
    table = pyarrow.parquet.read_table(tmp_path / "rows.parquet")
    assert table.column_names == list(COLUMNS)
    from_parquet = [{k: v for k, v in row.items() if v is not None} for row in table.to_pylist()]
    from_jsonl = [json.loads(line) for line in (tmp_path / "rows.jsonl").read_text(encoding="utf-8").splitlines()]
    assert from_parquet == from_jsonl
    assert from_parquet[6]["quantity"] == "538334"


def test_dask_on_a_local_cluster_of_two_workers_writes_the_bytes_of_the_local_engine(tmp_path):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        skip_unless_ci("dask[distributed] (the dask extra) is not installed")
    from contractlang.tools.batch import dask_engine

    tasks = plan([NOTE_2002, NOTE_2003], ["scenarios/nstor_200*.toml"])
    run_batch(tasks, str(tmp_path / "local.jsonl"), local_engine(2), 2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        summary = run_batch(tasks, str(tmp_path / "dask.jsonl"), dask_engine(client), 2)
    assert summary.scenarios == 20
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()


def test_a_grid_of_price_series_gives_each_pair_its_own_path(tmp_path):
    series = (ROOT / "scenarios/nso_closing_bid_2001_2006.csv").read_text(encoding="utf-8").splitlines()
    doubled = [series[0]] + [f"{day},{Decimal(price) * 2}" for day, price in (line.split(",") for line in series[1:])]
    (tmp_path / "doubled.csv").write_text("\n".join(doubled) + "\n", encoding="utf-8")
    (tmp_path / "grid.toml").write_text('prices = ["doubled.csv"]\n', encoding="utf-8")
    tasks = plan([NOTE_2002], [CONVERSIONS_2002], str(tmp_path / "grid.toml"))
    run_batch(tasks, str(tmp_path / "rows.csv"), local_engine(1), 1)
    rows = csv_rows((tmp_path / "rows.csv").read_text(encoding="utf-8"))
    first_issue = next(row for row in rows if row["kind"] == "issue")
    assert first_issue["varying"] == f"prices={tmp_path / 'doubled.csv'}"
    assert (first_issue["price"], first_issue["quantity"]) == ("2.2506", "269167")  # twice 1.1253: half the shares


def test_a_grid_of_price_series_replaces_the_series_a_scenario_gives_by_its_market_name(tmp_path):
    (tmp_path / "one.toml").write_text(
        'until = 2003-12-31\n[[events]]\ndate = 2003-07-14\ntype = "HolderConversion"\nprincipal = 110000\n'
        '[market.closing_bid]\n2003-07-11 = 1.00\n', encoding="utf-8")
    (tmp_path / "doubled.csv").write_text("date,price\n2003-07-11,2.00\n", encoding="utf-8")
    (tmp_path / "grid.toml").write_text('prices = ["doubled.csv"]\n', encoding="utf-8")
    tasks = plan([NOTE_2002], [str(tmp_path / "one.toml")], str(tmp_path / "grid.toml"))
    run_batch(tasks, str(tmp_path / "rows.csv"), local_engine(1), 1)
    rows = csv_rows((tmp_path / "rows.csv").read_text(encoding="utf-8"))
    issue = next(row for row in rows if row["kind"] == "issue")
    # the grid's 2.00, not the scenario's 1.00: 110% of it is 2.2, and ⌈(110,000 + its interest) / 2.2⌉
    assert (issue["price"], issue["price_date"]) == ("2.2", "2003-07-11")


def test_a_grid_of_price_series_for_a_contract_without_a_market_is_an_error_row(tmp_path):
    (tmp_path / "flat.csv").write_text("date,price\n2025-01-02,1.00\n", encoding="utf-8")
    (tmp_path / "grid.toml").write_text('prices = ["flat.csv"]\n', encoding="utf-8")
    tasks = plan(["contracts/examples/fixed_rate_bond.contract"], ["scenarios/bond_to_maturity.toml"],
                 str(tmp_path / "grid.toml"))
    run_batch(tasks, str(tmp_path / "rows.csv"), local_engine(1), 1)
    rows = csv_rows((tmp_path / "rows.csv").read_text(encoding="utf-8"))
    assert [(row["row"], row["message"]) for row in rows] == [
        ("error", "this contract has no market series: it reads no 'prices'")]


def test_dask_against_a_scheduler_at_an_address_writes_the_bytes_of_the_local_engine(tmp_path):
    try:
        from dask.distributed import LocalCluster
    except ImportError:
        skip_unless_ci("dask[distributed] (the dask extra) is not installed")
    arguments = [str(ROOT / NOTE_2002), "--scenarios", str(ROOT / CONVERSIONS_2002),
                 str(ROOT / "scenarios/nstor_2002_to_maturity.toml")]
    assert contract("batch", *arguments, "--out", str(tmp_path / "local.csv")).returncode == 0
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp",
                      dashboard_address=None) as cluster:
        done = contract("batch", *arguments, "--engine", "dask", "--address", cluster.scheduler_address,
                        "--out", str(tmp_path / "dask.csv"))
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("2 scenarios, ")
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()


def test_an_address_without_the_dask_engine_is_wrong_usage(tmp_path):
    done = contract("batch", NOTE_2002, "--scenarios", CONVERSIONS_2002, "--address", "localhost:8786",
                    "--out", str(tmp_path / "rows.csv"))
    assert done.returncode == 2
    assert "--address needs --engine dask" in done.stderr


def test_a_terminal_sees_a_progress_bar_of_the_scenarios(tmp_path, capsys):
    tasks = plan([NOTE_2002], [CONVERSIONS_2002, "scenarios/nstor_2002_to_maturity.toml"])
    run_batch(tasks, str(tmp_path / "rows.jsonl"), local_engine(1), 1, progress=True)
    bar = capsys.readouterr().err
    assert "/2 [" in bar and "scenario" in bar  # drawn, then cleared (tqdm draws at most ten times a second)
    run_batch(tasks, str(tmp_path / "rows.jsonl"), local_engine(1), 1, progress=False)
    assert capsys.readouterr().err == ""


def test_a_scheduler_that_cannot_be_reached_is_an_error_naming_it(tmp_path):
    try:
        import distributed  # noqa: F401
    except ImportError:
        skip_unless_ci("dask[distributed] (the dask extra) is not installed")
    done = contract("batch", NOTE_2002, "--scenarios", CONVERSIONS_2002, "--engine", "dask",
                    "--address", "tcp://127.0.0.1:9", "--connect-timeout", "0.5", "--out", str(tmp_path / "rows.csv"))
    assert done.returncode == 1
    assert done.stderr.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert "Traceback" not in done.stderr


def test_an_output_that_cannot_be_written_is_an_error_not_a_traceback(tmp_path):
    done = contract("batch", NOTE_2002, "--scenarios", CONVERSIONS_2002, "--out", str(tmp_path / "no" / "rows.csv"))
    assert done.returncode == 1
    assert done.stderr == f"error: cannot write {tmp_path / 'no' / 'rows.csv'}: No such file or directory\n"


SNAPSHOT = '''contract "A loan that reports its notional with every effect"
currency USD
security common

§1 "Repayments" {
  term holder = "H"
  state notional: USD = 1_000.00 USD
  snapshot notional = notional
  horizon 2025-01-01
  event Repay { amount: USD }
  upon Repay as repayment {
    pay repayment.amount from holder to holder as principal
    set notional = notional - repayment.amount
  }
}
'''


def test_a_snapshot_is_one_cell_of_json_text(tmp_path):
    (tmp_path / "loan.contract").write_text(SNAPSHOT, encoding="utf-8")
    (tmp_path / "repay.toml").write_text('[[events]]\ndate = 2024-03-01\ntype = "Repay"\namount = 400\n',
                                         encoding="utf-8")
    done = contract("eval", str(tmp_path / "loan.contract"), str(tmp_path / "repay.toml"), "--format", "csv")
    assert done.returncode == 0, done.stderr
    payment = csv_rows(done.stdout)[0]
    assert (payment["amount"], payment["snapshot"]) == ("400.00", '{"notional": "600.00"}')


def test_a_scenario_folder_holding_a_name_that_is_not_utf8_is_refused_before_anything_is_written(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    text = (ROOT / "scenarios/bond_to_maturity.toml").read_bytes()
    (folder / "bond.toml").write_bytes(text)
    with open(bytes(folder) + b"/bad\xff.toml", "wb") as handle:  # a name Linux keeps as bytes
        handle.write(text)
    done = contract("batch", "contracts/examples/fixed_rate_bond.contract", "--scenarios", str(folder),
                    "--out", str(tmp_path / "rows.csv"))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"error: --scenarios: the name '{folder}/bad\\udcff.toml' is not UTF-8 text")
    assert not (tmp_path / "rows.csv").exists()
