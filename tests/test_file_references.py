"""A file another file names is found as `Path(referrer).parent / name` finds it, without importing pathlib.

The path given back shows in diagnostics about that file, so it must be written exactly as pathlib
writes it: empty and `.` parts dropped, `..` kept, a trailing slash gone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contractlang.diagnostics import ContractError
from contractlang.files import resolve_reference


@pytest.fixture
def folder(tmp_path, monkeypatch):
    (tmp_path / "scenarios" / "sub").mkdir(parents=True)
    for name in ("prices.csv", "sub/deep.csv", "..csv", "upper.CSV", "x.", "notes.txt"):
        (tmp_path / "scenarios" / name).write_text("date,price\n", encoding="utf-8")
    (tmp_path / "scenarios" / "link.csv").symlink_to("sub/deep.csv")
    (tmp_path / "scenarios" / "alias.csv").symlink_to("notes.txt")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("referrer", ["scenarios/run.toml", "./scenarios//run.toml", "scenarios/sub/../run.toml"])
@pytest.mark.parametrize("name", ["prices.csv", "./prices.csv", "sub//deep.csv", "sub/../prices.csv",
                                  "../scenarios/prices.csv", "prices.csv/", "..csv", "upper.CSV", "link.csv"])
def test_a_named_file_is_the_one_pathlib_finds_written_as_pathlib_writes_it(folder, referrer, name):
    found = resolve_reference(name, referrer, extensions=(".csv",), role="prices", span=None, text=None)
    assert found == str(Path(referrer).parent / name)
    assert os.path.samefile(found, Path(referrer).parent / name)


def test_an_absolute_referrer_keeps_its_root(folder):
    referrer = str(folder / "scenarios" / "run.toml")
    found = resolve_reference("sub/deep.csv", referrer, extensions=(".csv",), role="prices", span=None, text=None)
    assert found == f"{folder}/scenarios/sub/deep.csv"


@pytest.mark.parametrize("name, message", [
    ("x.", "prices 'x.' must be a .csv file"),                      # no extension, as pathlib reads it
    ("alias.csv", "prices 'alias.csv' must be a .csv file (it resolves to notes.txt)"),
    ("sub", "prices 'sub' is a directory"),
    ("none.csv", "prices 'none.csv': no such file (looked for scenarios/none.csv)"),
    (".//none.csv", "prices './/none.csv': no such file (looked for scenarios/none.csv)"),
])
def test_a_named_file_that_cannot_be_used_is_said_as_before(folder, name, message):
    with pytest.raises(ContractError) as problem:
        resolve_reference(name, "scenarios/run.toml", extensions=(".csv",), role="prices", span=None, text=None)
    assert problem.value.diagnostics[0].message == message


def test_a_symbolic_link_loop_is_no_such_file(folder):
    (folder / "scenarios" / "loop.csv").symlink_to("loop.csv")
    with pytest.raises(ContractError) as problem:
        resolve_reference("loop.csv", "scenarios/run.toml", extensions=(".csv",), role="prices", span=None, text=None)
    assert problem.value.diagnostics[0].message == "prices 'loop.csv': no such file (looked for scenarios/loop.csv)"
