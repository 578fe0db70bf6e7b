"""A process starts from work kept before: parser tables shipped with the package, entries of the cache.

What is kept must be exactly what would be made afresh, and anything kept
that was not made for this grammar, or was tampered with, is refused, so that
the work is done again and every result stays the same.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import lark
import pytest

from contractlang import cache
from contractlang.language import parser, parser_tables

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = sorted((ROOT / "contracts").rglob("*.contract"))
EVAL = ["eval", "contracts/nstor_2002_subordinated_note.contract", "scenarios/nstor_2002_to_maturity.toml",
        "--format", "json"]


def shipped_header() -> dict:
    with open(parser_tables.SHIPPED_TABLES, encoding="utf-8") as shipped:
        return json.loads(shipped.readline())


def test_the_shipped_parser_tables_are_made_for_this_grammar():
    assert shipped_header()["grammar"] == parser.tables_made_for()["grammar"], (
        "the grammar changed since the parser tables were shipped: run `make parser-tables`")


@pytest.fixture(scope="module")
def runtime_options():
    return {"propagate_positions": True}


@pytest.fixture(scope="module")
def built_afresh(runtime_options):
    return lark.Lark(parser.grammar_text(), **parser.TABLE_OPTIONS, **runtime_options)


def test_the_shipped_tables_parse_every_contract_as_tables_built_afresh(tmp_path, monkeypatch, built_afresh,
                                                                       runtime_options):
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(tmp_path / "cache"))
    shipped = parser_tables.load_shipped(parser.tables_made_for(), runtime_options)
    if shipped_header()["lark"] != lark.__version__:  # tables of another Lark are not taken: they are built
        assert shipped is None
        return
    assert shipped is not None
    assert len(CONTRACTS) >= 9
    for path in CONTRACTS:
        text = path.read_text(encoding="utf-8")
        assert shipped.parse(text) == built_afresh.parse(text), path


def test_a_first_start_takes_the_shipped_tables_builds_none_and_keeps_them_in_the_cache(tmp_path):
    folder = tmp_path / "cache"
    environment = {**os.environ, "CONTRACT_CACHE_DIR": str(folder)}
    environment.pop("CONTRACT_DEBUG", None)
    # building tables goes through Lark's constructor; loading them does not
    refuse_to_build = ("import lark, sys\n"
                       "def refuse(*arguments, **options): raise SystemExit('the parser tables were built')\n"
                       "lark.Lark.__init__ = refuse\n"
                       "from contractlang.cli import main\n"
                       "main(sys.argv[1:], prog_name='contract')\n")
    first = subprocess.run([sys.executable, "-c", refuse_to_build, *EVAL], capture_output=True, text=True,
                           cwd=ROOT, env=environment, timeout=120)
    assert (first.returncode, first.stderr) == (0, "")
    assert json.loads(first.stdout)["effects"][0]["amount"] == "67265.75"
    name = parser_tables.entry_name(parser.tables_made_for())
    with open(parser_tables.SHIPPED_TABLES, encoding="utf-8") as shipped:
        body = shipped.read().split("\n", 1)[1].rstrip("\n")
    assert (folder / name).read_text(encoding="utf-8").split("\n", 1)[1] == body
    again = subprocess.run([sys.executable, "-m", "contractlang.cli", *EVAL], capture_output=True, text=True,
                           cwd=ROOT, env=environment, timeout=120)
    assert (again.returncode, again.stderr, again.stdout) == (0, "", first.stdout)


def genuine_shipped() -> tuple[str, str]:
    with open(parser_tables.SHIPPED_TABLES, encoding="utf-8") as shipped:
        return shipped.readline(), shipped.read()


@pytest.mark.parametrize("tamper", [
    "another grammar", "another Lark", "no header", "not JSON", "wrong shape", "a NaN", "damaged tables", "empty"])
def test_shipped_tables_not_made_for_this_grammar_or_tampered_with_are_refused(tmp_path, monkeypatch, tamper,
                                                                               runtime_options):
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(tmp_path / "cache"))
    made_for = parser.tables_made_for()
    header, body = json.dumps(made_for, sort_keys=True) + "\n", genuine_shipped()[1]
    planted = {
        "another grammar": json.dumps({**made_for, "grammar": "0" * 32}) + "\n" + body,
        "another Lark": json.dumps({**made_for, "lark": "0.0.1"}) + "\n" + body,
        "no header": body,
        "not JSON": header + body[:1000],
        "wrong shape": header + json.dumps({"data": [], "memo": {}}),
        "a NaN": header + body.replace('"maybe_placeholders":true', '"maybe_placeholders":NaN'),
        "damaged tables": header + body.replace('"@":', '"#":', 1),
        "empty": "",
    }[tamper]
    assert planted != header + body
    path = tmp_path / "contract_tables.json"
    path.write_text(planted, encoding="utf-8")
    monkeypatch.setattr(parser_tables, "SHIPPED_TABLES", str(path))
    assert parser_tables.load_shipped(made_for, runtime_options) is None
    assert cache.load(parser_tables.entry_name(made_for)) is None  # nothing was kept


def test_missing_shipped_tables_are_refused(tmp_path, monkeypatch, runtime_options):
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(parser_tables, "SHIPPED_TABLES", str(tmp_path / "none.json"))
    assert parser_tables.load_shipped(parser.tables_made_for(), runtime_options) is None
