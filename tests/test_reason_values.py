"""Values in a rejection's reason: `{NAME}` and `{NAME.FIELD}` written when the rule runs (reference.md,
"Values in a reason"), reported at their brace when they name nothing a reason can write, and found by the
editor's references and rename. The G12 reasons of the three instruments name the instrument's date (memo G12:
"with a reason naming that date")."""

from __future__ import annotations

from pathlib import Path

from contract_helpers import HEADER, evaluated, problems, run, write

from contractlang.tools.lsp import RenameRefused, renamed_spans
from contractlang.tools.symbols import index_document

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts"
NOTE_2002 = str(CONTRACTS / "nstor_2002_subordinated_note.contract")
NOTE_2003 = str(CONTRACTS / "nstor_2003_convertible_note.contract")
SERIES_H = str(CONTRACTS / "nstor_series_h_preferred.contract")


def rejections(contract: str, tmp_path: Path, scenario: str) -> list[tuple]:
    result = evaluated(contract, write(tmp_path / "s.toml", scenario))
    return [(e["date"], e["clause"], e["event"], e["reason"]) for e in result["effects"] if e["kind"] == "rejection"]


# ---------------------------------------------------------------- the instruments (G12)

def test_the_2003_note_names_the_issue_date_the_scenario_sets(tmp_path):
    # §(i), G12: the form's date is its issue_date; a scenario dates it June 2, 2003, and a conversion
    # of May 20 comes before the Note exists. The split on the Note's date itself acts (0.30 → 0.15).
    assert rejections(NOTE_2003, tmp_path, """
until = 2003-06-30
[params]
issue_date = 2003-06-02
[[events]]
date = 2003-05-20
type = "HolderConversion"
principal = 1000
[[events]]
date = 2003-06-02
type = "StockSplit"
ratio = 2
""") == [("2003-05-20", "§(i)", "HolderConversion", "no term acts before the Note's date, 2003-06-02 (G12)")]


def test_series_h_names_the_issue_date_the_scenario_sets_not_its_default(tmp_path):
    # §2, G12: issued March 1, 2002 by the scenario (the contract's default is 2001-04-12, which the reason
    # must not give): a conversion notice of January 15, 2002 is before it.
    assert rejections(SERIES_H, tmp_path, """
until = 2002-03-31
[params]
issue_date = 2002-03-01
[[events]]
date = 2002-01-15
type = "Conversion"
shares = 100
""") == [("2002-01-15", "§2", "Conversion", "no term acts before the issue date, 2002-03-01 (G12)")]


def test_the_2002_note_names_its_date_june_7_2002(tmp_path):
    # §(i), G12: the Note is dated June 7, 2002 (its term `dated`); a split the day before is rejected.
    assert rejections(NOTE_2002, tmp_path, """
until = 2002-06-30
[[events]]
date = 2002-06-06
type = "StockSplit"
ratio = 2
""") == [("2002-06-06", "§(i)", "StockSplit", "no term acts before the Note's date, 2002-06-07 (G12)")]


# ---------------------------------------------------------------- values as the results write them

LOAN = HEADER + '''enum Status { open, closed }

§1 "Loan" {
  term opened = 2024-01-01
  term cap = 1_000.00 USD
  term fee = 2.5%
  state principal: USD = 500 USD
  state status: Status = open
  event Draw {
    amount: USD
    note: Text = "none given"
  }
  upon Draw as draw {
    let asked = draw.amount + principal
    require draw.date >= opened else "nothing before {opened}; {draw.note} on {draw.date}"
    require asked <= cap else """{asked} would pass the cap of {cap}
      ({principal} drawn, {{fee}} {fee}, status {status})"""
    reject "a draw is refused {{always}}; }} and {{ are braces"
  }
}
'''


def test_each_value_is_written_as_the_results_write_it_and_fmt_keeps_the_reasons_as_written(tmp_path):
    # money in cents (500 + 600.5 = 1,100.50, over 1,000.00), a percentage exactly (2.5% is 0.025),
    # a date in ISO form, a text and a member as they are, `{{` and `}}` as braces, a long text's line kept;
    # the contract is run as `fmt` lays it out, which leaves every reason as it was written
    path = tmp_path / "loan.contract"
    write(path, LOAN)
    assert run("fmt", str(path))[0] == 0
    formatted = path.read_text(encoding="utf-8")
    for reason in ('"nothing before {opened}; {draw.note} on {draw.date}"',
                   '({principal} drawn, {{fee}} {fee}, status {status})',
                   '"a draw is refused {{always}}; }} and {{ are braces"'):
        assert reason in formatted
    assert rejections(str(path), tmp_path, """
until = 2024-12-31
[[events]]
date = 2023-12-15
type = "Draw"
amount = 250
[[events]]
date = 2024-02-01
type = "Draw"
amount = 600.5
note = "for the roof"
[[events]]
date = 2024-02-02
type = "Draw"
amount = 1
""") == [
        ("2023-12-15", "§1", "Draw", "nothing before 2024-01-01; none given on 2023-12-15"),
        ("2024-02-01", "§1", "Draw", "1100.50 would pass the cap of 1000.00\n"
                                     "      (500.00 drawn, {fee} 0.025, status open)"),
        ("2024-02-02", "§1", "Draw", "a draw is refused {always}; } and { are braces"),
    ]


# ---------------------------------------------------------------- what the checker reports, at the brace

RULE = HEADER + '''§1 "Loan" {
  term opened = 2024-01-01
  schedule dates = [opened]
  state principal: USD = 500 USD
  accrual interest {
    on: principal
    annual_rate: 5%
    day_count: "actual/365"
    start: opened
    boundaries: dates
  }
  event Draw {
    amount: USD
  }
  upon Draw as draw {
    REASON
  }
}
'''


def caret(column: int) -> str:
    """The caret line under a source line, which a diagnostic indents by four."""
    return " " * (4 + column - 1) + "^"


def reported(statement: str) -> list[str]:
    return problems(RULE.replace("REASON", statement)[len(HEADER):])


def test_an_unknown_name_is_reported_at_its_brace():
    assert reported('reject "not before {opend}"') == [
        "t.contract:19:24: error: unknown name 'opend'; did you mean 'opened'?\n"
        '        reject "not before {opend}"\n' + caret(24)]


def test_an_unknown_field_is_reported_at_its_brace():
    assert reported('require draw.amount > 0 USD else "not {draw.amont}"') == [
        "t.contract:19:43: error: a Draw event has no field 'amont'; did you mean 'amount'? "
        "(it has: date, filed, index, amount)\n"
        '        require draw.amount > 0 USD else "not {draw.amont}"\n' + caret(43)]


def test_a_value_a_reason_cannot_write_is_reported_at_its_brace():
    assert reported('reject "{draw} {dates} {interest}"') == [
        "t.contract:19:13: error: a reason writes a number, an amount, a date, a text, a truth value or a member "
        "of an enumeration, not a Draw event\n"
        '        reject "{draw} {dates} {interest}"\n' + caret(13),
        "t.contract:19:20: error: a reason writes a value of its rule or a term, parameter, assumption or state; "
        "'dates' is a schedule\n"
        '        reject "{draw} {dates} {interest}"\n' + caret(20),
        "t.contract:19:28: error: a reason writes a value of its rule or a term, parameter, assumption or state; "
        "'interest' is an accrual\n"
        '        reject "{draw} {dates} {interest}"\n' + caret(28)]


def test_an_unclosed_brace_is_reported_where_it_stands_also_on_a_later_line_of_a_long_text():
    assert reported('reject """the first line\n      and {opened"""') == [
        "t.contract:20:11: error: this '{' is never closed: a reason names a value as {NAME} or {NAME.FIELD}, "
        "and writes a brace itself as {{\n"
        '          and {opened"""\n' + caret(11)]


def test_a_brace_that_closes_nothing_or_holds_no_name_is_reported():
    assert reported('reject "a } b"') == [
        "t.contract:19:15: error: this '}' closes no '{': a reason writes a brace itself as }}\n"
        '        reject "a } b"\n' + caret(15)]
    assert reported('reject "{opened + 1 day}"') == [
        "t.contract:19:13: error: '{opened + 1 day}' names no value: a reason names one as {NAME} or "
        "{NAME.FIELD}, and writes a brace itself as {{\n"
        '        reject "{opened + 1 day}"\n' + caret(13)]


def test_contract_check_reports_it_without_a_traceback(tmp_path):
    path = write(tmp_path / "bad.contract", RULE.replace("REASON", 'reject "{principl}"'))
    status, out, err = run("check", path)
    assert status == 1
    assert err.startswith(f"{path}:19:13: error: unknown name 'principl'; did you mean 'principal'?")
    assert "Traceback" not in err


# ---------------------------------------------------------------- references and rename

def test_references_and_a_rename_reach_the_names_inside_reasons():
    text = LOAN
    index = index_document(text, "loan.contract")
    assert index.diagnostics == []
    # `cap` is declared on line 8 and read on line 19, in the condition and in the long reason
    line = text.split("\n")[18]
    assert [(s.line, s.column) for s in index.references("cap")] == [(8, 8), (19, 22), (19, line.index("{cap}") + 2)]
    assert line.index("{cap}") + 2 == 65
    spans = renamed_spans(index, "cap", "ceiling")
    lines = text.split("\n")
    for span in sorted(spans, key=lambda s: (s.line, s.column), reverse=True):
        line = lines[span.line - 1]
        lines[span.line - 1] = line[:span.column - 1] + "ceiling" + line[span.end_column - 1:]
    renamed = "\n".join(lines)
    assert 'the cap of {ceiling}\n' in renamed and "term ceiling = 1_000.00 USD" in renamed
    assert "{cap}" not in renamed and index_document(renamed, "loan.contract").diagnostics == []
    # an event's field, through the binder, in a reason: `{draw.note}`, its name after "{draw."
    first_reason = text.split("\n")[17]
    assert [(s.line, s.column) for s in index.references("Draw.note")] == [
        (14, 5), (18, first_reason.index("{draw.note}") + len("{draw.") + 1)]


def test_a_rename_to_a_name_already_defined_is_refused():
    index = index_document(LOAN, "loan.contract")
    try:
        renamed_spans(index, "cap", "principal")
    except RenameRefused as refused:
        assert str(refused) == "'principal' is already defined (state, line 10)"
    else:
        raise AssertionError("renaming cap to principal was not refused")
