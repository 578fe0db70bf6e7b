"""What reaches the terminal: no input can drive it; wrong use of the command line exits 2; output that cannot be written is an error, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from contractlang.diagnostics import Diagnostic, Span, printable

ROOT = Path(__file__).resolve().parents[1]
NOTE = '''contract "notes"
currency USD
security common

§1 "Notes" {
  term holder = "Holder"
  term company = "Company"
  horizon 2004-01-01
  event Note { text: Text }
  upon Note as n {
    record said = n.text
  }
}
'''
# an OSC sequence that retitles a terminal, a right-to-left override and a screen clear
HOSTILE = "\\u001b]0;owned\\u0007\\u202eevil\\u001b[2J"


def contract(*args, stdout=subprocess.PIPE):
    return subprocess.run([sys.executable, "-m", "contractlang.cli", *args], cwd=ROOT, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=120)


def test_control_and_bidirectional_characters_are_escaped_in_the_table(tmp_path):
    (tmp_path / "note.contract").write_text(NOTE, encoding="utf-8")
    (tmp_path / "s.toml").write_text(
        f'until = 2003-12-31\n[[events]]\ndate = 2003-06-02\ntype = "Note"\ntext = "{HOSTILE}"\n', encoding="utf-8")
    done = contract("eval", str(tmp_path / "note.contract"), str(tmp_path / "s.toml"))
    assert done.returncode == 0, done.stderr
    assert "said = \\x1b]0;owned\\x07\\u202eevil\\x1b[2J" in done.stdout
    assert "\x1b" not in done.stdout and "\u202e" not in done.stdout and "\x07" not in done.stdout


def test_a_diagnostic_escapes_the_line_it_shows_and_keeps_its_caret_under_the_place():
    source = 'term t = "\x1b[2J" +\n'
    shown = Diagnostic("cannot add", Span("c.contract", 1, 17), source).render().splitlines()
    assert shown[1] == '    term t = "\\x1b[2J" +'
    assert shown[2].index("^") == shown[1].index("+")
    assert printable("plain text, 1,000.00 USD") == "plain text, 1,000.00 USD"


def test_a_full_disk_on_standard_output_is_one_line_and_exit_1():
    with open("/dev/full", "w") as full:
        for args in (["eval", "contracts/nstor_2002_subordinated_note.contract", "scenarios/nstor_2002_conversions.toml"],
                     ["check", "contracts/nstor_2002_subordinated_note.contract"]):
            done = contract(*args, stdout=full)
            assert done.returncode == 1
            assert done.stderr == "error: cannot write to standard output: No space left on device\n"


def test_fmt_that_cannot_write_its_file_says_so_and_leaves_the_file_whole(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from contractlang.cli import main

    messy = tmp_path / "messy.contract"
    messy.write_text('contract "x"\n§1 {   term t = 1\n}\n', encoding="utf-8")

    def no_space(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    done = CliRunner().invoke(main, ["fmt", str(messy)])
    assert done.exit_code == 1
    assert done.stderr == f"error: cannot write {messy}: No space left on device\n"
    assert messy.read_text(encoding="utf-8") == 'contract "x"\n§1 {   term t = 1\n}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["messy.contract"]


NOTE_2003 = ("contracts/nstor_2003_convertible_note.contract", "scenarios/nstor_2003_conversions_split.toml")


def test_a_value_given_on_the_command_line_that_does_not_parse_is_wrong_use_exit_2():
    done = contract("eval", *NOTE_2003, "--set", "principal==1")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ('error: --set principal must be an amount in USD, not "=1"\n'
                           "Try 'contract eval --help' for help.\n")


def test_a_name_the_contract_does_not_declare_on_the_command_line_is_wrong_use_with_the_closest_name():
    done = contract("eval", *NOTE_2003, "--set", "principl=5")
    assert done.returncode == 2
    assert done.stderr.startswith("error: --set: the contract has no parameter 'principl'; did you mean 'principal'?")
    done = contract("eval", *NOTE_2003, "--assume", "day_cont=30/360")
    assert done.returncode == 2
    assert done.stderr.startswith("error: --assume: the contract has no assumption 'day_cont'; did you mean 'day_count'?")


def test_until_on_the_command_line_is_a_date_written_yyyy_mm_dd_only():
    for text in ("20050101", "2005W011", "2005-1-1"):
        done = contract("eval", *NOTE_2003, "--until", text)
        assert done.returncode == 2 and "is not a date (YYYY-MM-DD)" in done.stderr
    assert contract("eval", *NOTE_2003, "--until", "2005-01-01").returncode == 0


def test_a_diagnostic_never_reads_a_device_or_a_pipe_to_show_its_line(tmp_path):
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert Diagnostic("m", Span(str(fifo), 1, 1)).render() == f"{fifo}:1:1: error: m"
    assert Diagnostic("m", Span("/dev/zero", 1, 1)).render() == "/dev/zero:1:1: error: m"
