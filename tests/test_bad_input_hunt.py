"""Bad input that once escaped the error contract: each case gives its diagnostic, never an internal error.

Every case runs the command line in-process and asserts the whole first line
of the diagnostic (path, line, column and message), the caret where there is
one, and the exit status: 1 for bad input, 2 for a wrong value on the command
line (INTERFACE.md, "Exit status").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from contractlang.cli import main

MOMENTS = '''contract "Moments"
currency USD "dollars"
§1 "Moments" {
  time zone "America/New_York"
  parameter start: DateTime = 2024-01-01 at 09:00
  parameter cutoff: Time = 17:00
  horizon 2025-01-01
  event Notice { at_moment: DateTime }
  upon Notice as n {
    record seen = n.at_moment
  }
}
'''


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    return result.exit_code, result.stderr


def moments(tmp_path: Path, scenario: str) -> tuple[str, str]:
    contract = tmp_path / "moments.contract"
    contract.write_text(MOMENTS)
    path = tmp_path / "s.toml"
    path.write_text(scenario)
    return str(contract), str(path)


def notice(moment: str) -> str:
    return f'[[events]]\ndate = 2024-06-01\ntype = "Notice"\nat_moment = {moment}\n'


DESCRIBED = ('must be a date and time (2029-06-30T17:00:00, or "2029-06-30T17:00", with an offset such as -04:00 '
             "if not local)")


def test_a_moment_written_right_but_no_real_day_or_hour_is_refused_at_its_key(tmp_path):
    contract, scenario = moments(tmp_path, notice('"2024-02-30T10:00"'))
    status, err = run("eval", contract, scenario)
    assert status == 1
    assert err.splitlines() == [
        f"{scenario}:4:1: error: event 1 (Notice): field 'at_moment' {DESCRIBED}, not \"2024-02-30T10:00\" "
        "(not a date and time)",
        '    at_moment = "2024-02-30T10:00"',
        "    ^"]


def test_an_offset_of_a_day_or_more_is_refused(tmp_path):
    contract, scenario = moments(tmp_path, notice('"2024-01-01T10:00+25:00"'))
    status, err = run("eval", contract, scenario)
    assert status == 1
    assert err.splitlines()[0] == (f"{scenario}:4:1: error: event 1 (Notice): field 'at_moment' {DESCRIBED}, "
                                   'not "2024-01-01T10:00+25:00" (not a date and time)')


def test_a_moment_too_near_the_ends_of_the_calendar_to_change_zone_is_refused(tmp_path):
    # the conversion passes through UTC: 00:00 at +05:00 on January 1 of year 1 is in year 0 there, and
    # 23:00 at -05:00 on December 31, 9999 in year 10000
    for moment, shown in (("0001-01-01T00:00:00+05:00", "0001-01-01 00:00:00+05:00"),
                          ("9999-12-31T23:00:00-05:00", "9999-12-31 23:00:00-05:00"),
                          ('"0001-01-01T00:00Z"', '"0001-01-01T00:00Z"')):
        contract, scenario = moments(tmp_path, notice(moment))
        status, err = run("eval", contract, scenario)
        assert status == 1
        assert err.splitlines() == [
            f"{scenario}:4:1: error: event 1 (Notice): field 'at_moment' {DESCRIBED}, not {shown} (too near the "
            "ends of the calendar, 0001-01-01 and 9999-12-31, to be turned into the contract's time zone, "
            "America/New_York)",
            f"    at_moment = {moment}",
            "    ^"]


def test_a_time_of_day_past_23_59_on_the_command_line_is_wrong_usage(tmp_path):
    contract, scenario = moments(tmp_path, "")
    for value, shown in (("25:00", "25:00"), ("17:60", "17:60"), ("17:00:61", "17:00:61")):
        status, err = run("eval", contract, scenario, "--set", f"cutoff={value}")
        assert status == 2
        assert err.splitlines()[0] == (f'error: --set cutoff must be a time of day (17:00:00, or "17:00"), '
                                       f'not "{shown}" (not a time of day)')
    status, err = run("eval", contract, scenario, "--set", "start=2024-13-01T10:00")
    assert status == 2
    assert err.splitlines()[0] == f'error: --set start {DESCRIBED}, not "2024-13-01T10:00" (not a date and time)'


def test_a_number_whose_exponent_no_decimal_holds_is_refused_where_it_is_written(tmp_path):
    contract = "contracts/nstor_2002_subordinated_note.contract"
    toml = tmp_path / "e.toml"
    toml.write_text('until = 2004-01-01\n[[events]]\ndate = 2003-07-01\ntype = "HolderConversion"\n'
                    "principal = 1e9999999999999999999\n")
    status, err = run("eval", contract, str(toml))
    assert status == 1
    assert err.splitlines() == [
        f"{toml}:5:13: error: not valid TOML: the number 1e9999999999999999999 has an exponent beyond what a "
        "decimal holds",
        "    principal = 1e9999999999999999999",
        "                ^"]
    json = tmp_path / "e.json"
    json.write_text('{"until": "2004-01-01",\n "events": [{"date": "2003-07-01", "type": "HolderConversion", '
                    '"principal": -2.5E-99999999999999999999}]}')
    status, err = run("eval", contract, str(json))
    assert status == 1
    assert err.splitlines()[0] == (f"{json}:2:77: error: not valid JSON: the number -2.5E-99999999999999999999 "
                                   "has an exponent beyond what a decimal holds")


def test_an_exponent_a_decimal_holds_is_still_read_and_then_refused_by_its_type(tmp_path):
    toml = tmp_path / "e.toml"
    toml.write_text('until = 2004-01-01\n[[events]]\ndate = 2003-07-01\ntype = "HolderConversion"\n'
                    "principal = 1e999999999999999999\n")
    status, err = run("eval", "contracts/nstor_2002_subordinated_note.contract", str(toml))
    assert status == 1
    assert err.splitlines()[0] == (f"{toml}:5:1: error: event 1 (HolderConversion): field 'principal' must be an "
                                   "amount in USD, not 1E+999999999999999999")


def test_a_file_name_too_long_for_the_system_is_a_diagnostic(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "a" * 300
    status, err = run("new", name)
    assert status == 1
    assert err.splitlines() == [f"error: cannot write {name}.contract: File name too long"]
    assert list(tmp_path.iterdir()) == []


GIVEN_TWICE = '''contract "Given twice"
currency USD "dollars"
security common "Common Stock"
§1 "Conversion" {
  parameter start: Date = 2003-01-01
  horizon 2004-01-01
  market closing_bid: USD per common
  event Convert { principal: USD }
  upon Convert as c {
    record price_used = quote_before(closing_bid, c.date).price
  }
  example "the price before the conversion is used" §1 {
    price 2003-01-01 = 1.00 USD per common
    price 2003-01-01 = 2.00 USD per common
    set start = 2003-01-01
    set start = 2003-01-02
    event Convert on 2003-01-02 { principal: 1.00 USD, principal: 2.00 USD }
    expect true
  }
}
'''


def test_an_example_that_gives_a_price_a_parameter_or_a_field_twice_is_refused_at_the_second(tmp_path):
    # a scenario file cannot give a key twice (TOML and JSON refuse it); an example kept the last one silently
    contract = tmp_path / "twice.contract"
    contract.write_text(GIVEN_TWICE)
    status, err = run("check", str(contract))
    assert status == 1
    assert err.splitlines() == [
        f"{contract}:14:5: error: the price of 2003-01-01 is given twice in this example (first on line 13): "
        "each is given once",
        "        price 2003-01-01 = 2.00 USD per common",
        "        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
        f"{contract}:16:5: error: 'start' is given twice in this example (first on line 15): each is given once",
        "        set start = 2003-01-02",
        "        ^~~~~~~~~~~~~~~~~~~~~~",
        f"{contract}:17:56: error: field 'principal' is given twice",
        "        event Convert on 2003-01-02 { principal: 1.00 USD, principal: 2.00 USD }",
        "                                                           ^~~~~~~~~~~~~~~~~~~"]


def test_a_line_separator_inside_a_scenario_string_does_not_move_later_diagnostics(tmp_path):
    # U+2028 and U+0085 may stand in a TOML or JSON string; the parsers end a line only at a newline
    contract = "contracts/nstor_2002_subordinated_note.contract"
    toml = tmp_path / "s.toml"
    toml.write_text('title = "a\u2028b\x85c"\nuntil = 2004-01-01\n[[events]]\ndate = 2003-07-01\ntype = "Bogus"\n')
    status, err = run("eval", contract, str(toml))
    assert status == 1
    assert err.splitlines()[0].startswith(f"{toml}:5:1: error: event 1: unknown event type 'Bogus'")
    assert err.splitlines()[1:] == ['    type = "Bogus"', "    ^"]
    json = tmp_path / "s.json"
    json.write_text('{"title": "a\u2028b",\n"until": "2004-01-01",\n"events": [\n {"date": "2003-07-01", "type": "Bogus"}]}\n')
    status, err = run("eval", contract, str(json))
    assert status == 1
    assert err.splitlines()[0].startswith(f"{json}:4:2: error: event 1: unknown event type 'Bogus'")
    assert err.splitlines()[1:] == ['     {"date": "2003-07-01", "type": "Bogus"}]}', "     ^"]


def test_a_form_feed_in_a_contract_string_leaves_the_caret_under_the_line_of_the_message(tmp_path):
    contract = tmp_path / "ff.contract"
    contract.write_text('contract "x"\ncurrency USD "d"\n§1 "a" {\n  term t = "abc\x0cdef"\n  term u = t + 1\n}\n')
    status, err = run("check", str(contract))
    assert status == 1
    assert err.splitlines() == [f"{contract}:5:12: error: cannot add Text and a whole number",
                                "      term u = t + 1",
                                "               ^~~~~"]


def test_a_character_that_looks_like_a_letter_but_is_not_ascii_is_named(tmp_path):
    contract = tmp_path / "lookalike.contract"
    contract.write_text('contract "x"\ncurrency USD "d"\n§1 "a" {\n  term \u0430 = 1\n}\n')
    status, err = run("check", str(contract))
    assert status == 1
    assert err.splitlines() == [f"{contract}:4:8: error: unexpected character '\u0430' (U+0430 CYRILLIC SMALL LETTER A)",
                                "      term \u0430 = 1",
                                "           ^"]


def test_a_figure_of_more_digits_than_a_number_holds_is_refused_at_its_key_and_quoted_short(tmp_path):
    # docs/reference.md: a number holds up to 1,000 significant digits; 1,001 were refused only at the
    # contract's first expression that read the principal (nstor_2002 line 423), and quoted whole
    toml = tmp_path / "s.toml"
    figure = "1." + "0" * 999 + "1"
    toml.write_text(f'until = 2004-01-01\n[[events]]\ndate = 2003-07-14\ntype = "HolderConversion"\nprincipal = {figure}\n')
    status, err = run("eval", "contracts/nstor_2002_subordinated_note.contract", str(toml))
    assert status == 1
    assert err.splitlines()[0] == (f"{toml}:5:1: error: event 1 (HolderConversion): field 'principal' must be an "
                                   f"amount in USD, not {figure[:80]}… (more than 1,000 significant digits)")
    toml.write_text(f'until = 2004-01-01\n[[events]]\ndate = 2003-07-14\ntype = "StockSplit"\nratio = "{figure}"\n')
    status, err = run("eval", "contracts/nstor_2002_subordinated_note.contract", str(toml))
    assert status == 1
    assert err.splitlines()[0] == (f"{toml}:5:1: error: event 1 (StockSplit): field 'ratio' must be a number, "
                                   f'not "{figure[:80]}…" (more than 1,000 significant digits)')


HUGE = '''contract "Huge"
currency USD "dollars"
§1 "Huge" {
  parameter ratio: Decimal = 100
  parameter name: Text = "Holder"
  horizon 2025-01-01
  term t2: Decimal = ratio * ratio
  term t4: Decimal = t2 * t2
  term t8: Decimal = t4 * t4
  term t16: Decimal = t8 * t8
  term t32: Decimal = t16 * t16
  term t64: Decimal = t32 * t32
  term t128: Decimal = t64 * t64
  term t256: Decimal = t128 * t128
  term t512: Decimal = t256 * t256
  term t1024: Decimal = t512 * t512
  term t2048: Decimal = t1024 * t1024
  state seen: Decimal = t2048 * t1024
}
'''


def huge(tmp_path: Path) -> tuple[str, str]:
    contract = tmp_path / "huge.contract"
    contract.write_text(HUGE)
    scenario = tmp_path / "s.toml"
    scenario.write_text("until = 2025-01-01\n")
    return str(contract), str(scenario)


def test_a_number_of_more_than_4300_digits_is_grouped_in_the_table_and_the_memo(tmp_path):
    # int() refuses to read more than 4,300 digits; 100 ** 3072 has 6,145
    contract, scenario = huge(tmp_path)
    grouped = "1," + ",".join(["000"] * 2048)
    result = CliRunner().invoke(main, ["eval", contract, scenario])
    assert result.exit_code == 0, result.stderr
    assert f"  seen = {grouped}\n" in result.stdout
    memo = tmp_path / "memo.html"
    status, _ = run("render", contract, scenario, "-o", str(memo))
    assert status == 0
    assert grouped in memo.read_text()


def test_a_long_quotient_with_a_long_whole_part_is_rounded_to_six_places(tmp_path):
    # the default context of 28 digits could not hold 29 digits before the point and 6 after it
    contract, scenario = huge(tmp_path)
    Path(contract).write_text(HUGE.split("  term t2")[0] + "}\n")
    result = CliRunner().invoke(main, ["eval", contract, scenario, "--set", "ratio=12345678901234567890123456789.1234567"])
    assert result.exit_code == 0, result.stderr
    assert "  ratio = 12,345,678,901,234,567,890,123,456,789.123457…  (command line, §1)\n" in result.stdout


@pytest.mark.filterwarnings("error::UserWarning")  # a long name squeezed the chart's axes to nothing
def test_a_text_in_the_table_is_shown_as_written(tmp_path):
    # a name is not a number: "Corp 1234567" was shown as "Corp 1,234,567", and a long one ended in an error
    name = "Corp 12345678901234567890123456789.1234567"
    result = CliRunner().invoke(main, ["eval", "contracts/examples/fixed_rate_bond.contract",
                                       "scenarios/bond_to_maturity.toml", "--set", f"holder={name}"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[3].endswith(f"  interest  Issuer → {name}  for [2024-01-15, 2024-04-15)")
    assert f"  holder = {name}  (command line, §1)" in lines
    nines = "9" * 5000
    scenario = tmp_path / "reorganization.toml"
    scenario.write_text(Path("scenarios/series_h_reorganization.toml").read_text()
                        .replace("Storage Acquisition Corp. common", nines))
    prices = "nso_closing_bid_2001_2006.csv"
    (tmp_path / prices).write_text(Path("scenarios", prices).read_text())
    result = CliRunner().invoke(main, ["eval", "contracts/nstor_series_h_preferred.contract", str(scenario)])
    assert result.exit_code == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if " issue " in line] == [
        f"2003-07-07  issue          555,556 sh  §5(d)   event 3   {nines} to Holder"]
    memo = tmp_path / "memo.html"
    status, _ = run("render", "contracts/nstor_series_h_preferred.contract", str(scenario), "-o", str(memo))
    assert status == 0
    assert nines in memo.read_text()


def grid(tmp_path: Path, text: str) -> tuple[int, str, str]:
    path = tmp_path / "grid.toml"
    path.write_text(text)
    status, err = run("batch", "contracts/nstor_2003_convertible_note.contract", "--scenarios",
                      "scenarios/nstor_2003_conversions_split.toml", "--grid", str(path),
                      "--out", str(tmp_path / "rows.csv"), "--jobs", "1")
    assert not (tmp_path / "rows.csv").exists()
    return status, err, str(path)


def test_a_grid_number_no_decimal_or_integer_holds_is_refused_where_it_is_written(tmp_path):
    status, err, path = grid(tmp_path, "[params]\nprincipal = [1e99999999999999999999]\n")
    assert status == 1
    assert err.splitlines() == [
        f"{path}:2:14: error: not valid TOML: the number 1e99999999999999999999 has an exponent beyond what a "
        "decimal holds",
        "    principal = [1e99999999999999999999]",
        "                 ^"]
    status, err, path = grid(tmp_path, "[params]\nprincipal = [1, " + "9" * 5000 + "]\n")
    assert status == 1
    assert err.splitlines()[0] == f"{path}:2:17: error: not valid TOML: a number of more than 4,300 digits"


def test_a_grid_nested_too_deeply_is_refused_at_the_bracket_past_the_limit(tmp_path):
    status, err, path = grid(tmp_path, '[params]\n# [[[[\nholder = ["[[[", ' + "[" * 3000 + "]" * 3000 + "]\n")
    assert status == 1
    assert err.splitlines()[0] == (f"{path}:3:33: error: the grid is nested too deeply (more than 16 lists and "
                                   "tables within one another)")


def test_a_grid_of_more_combinations_than_can_be_run_is_refused_before_any_runs(tmp_path):
    # three lists of 1,000 values are 10^9 combinations: they were multiplied out and never finished
    principals = ", ".join(f"{n}.00" for n in range(1, 1001))
    holders = ", ".join(f'"Holder {n}"' for n in range(1, 1001))
    status, err, path = grid(tmp_path, f"[params]\nprincipal = [{principals}]\nholder = [{holders}]\n"
                                       "issue_date = [2003-05-01]\n")
    assert status == 1
    assert err.splitlines()[0] == (f"{path}:3:1: error: the grid names 1,000,000 combinations (1,000 × 1,000 × 1): "
                                   "at most 100,000 are run")


AT_THE_END = '''contract "At the end of the calendar"
currency USD "dollars"
§1 "Late" {
  parameter start: Date = 9999-12-01
  parameter principal: USD = 100.00 USD
  horizon 9999-12-31
  event Pay { amount: USD }
  upon Pay as p {
    pay p.amount from "Issuer" to "Holder" as interest
  }
  invariant "the principal is not negative" §1 {
    check principal >= 0.00 USD else "negative"
  }
}
'''


def test_generation_keeps_its_dates_within_the_calendar_near_either_end(tmp_path):
    # the days drawn around a contract's dates (60 before, 30 after, the next day) fell off the calendar
    for name, text in (("late", AT_THE_END),
                       ("early", AT_THE_END.replace("9999-12-01", "0001-01-15").replace("9999-12-31", "0001-03-01"))):
        contract = tmp_path / f"{name}.contract"
        contract.write_text(text)
        result = CliRunner().invoke(main, ["test", str(contract), "--max-examples", "20", "--counterexamples",
                                           str(tmp_path / "found")])
        assert (result.exit_code, result.stderr) == (0, "")
        assert result.stdout.splitlines()[-1].startswith("1 property, 20 scenarios tried, 0 failed, ")


BOUNDED = '''contract "Bounded"
currency USD "dollars"
§1 "Bounded" {
  parameter start: Date = 2024-01-01
  horizon 2025-01-01
  event Pay { r: Decimal }
  upon Pay as p {
    record seen = p.r
  }
  generate Pay.r from 1 / 3 to 2 / 3
  invariant "each figure lies within its bounds" §1 {
    for p in Pay {
      check p.r >= 1 / 3 and p.r <= 2 / 3 else "outside"
    }
  }
}
'''


def test_a_generated_figure_between_bounds_that_are_ratios_lies_within_them(tmp_path):
    # the bounds were taken for decimals (`high.adjusted()`): a ratio ended in an internal error
    contract = tmp_path / "bounded.contract"
    contract.write_text(BOUNDED)
    result = CliRunner().invoke(main, ["test", str(contract), "--max-examples", "50", "--counterexamples",
                                       str(tmp_path / "found")])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-1].startswith("1 property, 50 scenarios tried, 0 failed, ")


def test_bounds_written_the_wrong_way_round_are_refused_at_the_generate_line(tmp_path):
    contract = tmp_path / "reversed.contract"
    contract.write_text(BOUNDED.replace("generate Pay.r from 1 / 3 to 2 / 3",
                                        "generate Pay.r from 0.5 to -25%\n  generate until from 2024-06-01 to 2024-05-31"))
    status, err = run("check", str(contract))
    assert status == 1
    assert err.splitlines() == [
        f"{contract}:10:3: error: the bounds are reversed: 0.5 is above -25% (generate ... from LOW to HIGH)",
        "      generate Pay.r from 0.5 to -25%",
        "      ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
        f"{contract}:11:3: error: the bounds are reversed: 2024-06-01 is above 2024-05-31 (generate ... from LOW to "
        "HIGH)",
        "      generate until from 2024-06-01 to 2024-05-31",
        "      ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~"]


def test_more_generated_events_than_a_scenario_holds_are_refused_at_the_generate_line(tmp_path):
    # hypothesis gave up (Unsatisfiable) after half a minute of scenarios too large to draw
    contract = tmp_path / "many.contract"
    contract.write_text(BOUNDED.replace("generate Pay.r from 1 / 3 to 2 / 3",
                                        "generate Pay.r from 1 / 3 to 2 / 3\n  generate Pay.count from 1000000 to 1000000"))
    status, err = run("test", str(contract), "--max-examples", "5", "--counterexamples", str(tmp_path / "found"))
    assert status == 1
    assert err.splitlines() == [
        f"{contract}:11:3: error: a generated scenario cannot hold 1,000,000 events of type Pay: at most 500 of a "
        "type are drawn",
        "      generate Pay.count from 1000000 to 1000000",
        "      ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~"]
    assert not (tmp_path / "found").exists()


def test_the_language_server_refuses_an_oversized_message_and_logs_a_malformed_one_in_a_line(tmp_path):
    # a Content-Length of 99999999999 made pygls ask for that many bytes at once (MemoryError); a body that is
    # not JSON made it print a traceback
    import subprocess
    import sys

    server = [sys.executable, "-m", "contractlang.cli", "lsp"]
    done = subprocess.run(server, input=b"Content-Length: 99999999999\r\n\r\n", capture_output=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.decode().splitlines() == [
        "error: a message of 99,999,999,999 bytes (its Content-Length) is more than the 67,108,864 the server "
        "reads: the session is ended"]
    done = subprocess.run(server, input=b"Content-Length: 5\r\n\r\n{bad}", capture_output=True, timeout=60)
    assert done.returncode == 0
    assert done.stderr.decode().splitlines() == [
        "contract lsp: Unable to handle message (Expecting property name enclosed in double quotes: line 1 column 2 "
        "(char 1))"]
    assert b"Error in server: Expecting property name" in done.stdout  # the client is told, as before


def test_a_later_horizon_near_the_calendars_end_is_its_last_day():
    # an invariant `over a later horizon` runs the scenario again 400 days later: from 9999-06-30 that
    # would pass the calendar's last day, so it runs to 9999-12-31 instead of failing to be evaluated
    from datetime import date

    from contractlang.language.checker import load
    from contractlang.language import ast
    from contractlang.testing.generation import Generated
    from contractlang.testing.invariants import vary

    contract = load("contracts/examples/fixed_rate_bond.contract")
    later = next(item.variation for _, item in contract.items_of(ast.Invariant)
                 if item.variation is not None and item.variation.kind == "later_horizon")
    assert vary(contract, Generated(date(9999, 6, 30), {}, {}, []), later, None, None).until == date(9999, 12, 31)
    assert vary(contract, Generated(date(2026, 1, 1), {}, {}, []), later, None, None).until == date(2027, 2, 5)
