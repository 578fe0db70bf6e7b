"""More bad input that escaped the error contract: each case gives its diagnostic (or, for an event past
`until`, a warning), never an internal error or a result computed from something other than what was written.

As in test_bad_input_hunt.py, every case runs the command line in-process and
asserts the whole first line of the diagnostic (path, line, column and
message), the caret where there is one, and the exit status: 1 for bad input,
2 for a wrong value on the command line (INTERFACE.md, "Exit status"). A file
rewritten whole keeps its permissions.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from contractlang.cli import main

NOTE = "contracts/nstor_2002_subordinated_note.contract"
BOND = "contracts/examples/fixed_rate_bond.contract"
CONVERSION = '[[events]]\ndate = 2003-07-14\ntype = "HolderConversion"\nprincipal = 600000\n'


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    return result.exit_code, result.stderr


def scenario(tmp_path: Path, text: str, name: str = "s.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_an_escaped_half_of_a_surrogate_pair_in_json_is_refused_where_it_is_written(tmp_path):
    # json reads "\ud800" as a character that no output can encode: every format and the memo ended in an
    # internal error (UnicodeEncodeError), after the scenario had been evaluated
    path = scenario(tmp_path, '{"until": "2004-01-01",\n "title": "a\\ud800b"}', "s.json")
    for extra in ((), ("--format", "json"), ("--format", "csv")):
        status, err = run("eval", NOTE, path, *extra)
        assert status == 1
        assert err.splitlines() == [
            f"{path}:2:13: error: not valid JSON: \\ud800 is half of a surrogate pair, not a character (a character "
            "beyond U+FFFF is written as its pair, or as itself)",
            '     "title": "a\\ud800b"}',
            "                ^"]
    memo = tmp_path / "memo.html"
    status, _ = run("render", NOTE, path, "-o", str(memo))
    assert status == 1 and not memo.exists()
    path = scenario(tmp_path, '{"until": "2004-01-01", "title": "x\\\\\\udfff"}', "s.json")
    status, err = run("eval", NOTE, path)
    assert err.splitlines()[0] == (f"{path}:1:38: error: not valid JSON: \\udfff is half of a surrogate pair, not a "
                                   "character (a character beyond U+FFFF is written as its pair, or as itself)")


def test_a_whole_surrogate_pair_and_an_escaped_backslash_before_u_are_read_as_written(tmp_path):
    path = scenario(tmp_path, '{"until": "2004-01-01", "title": "\\ud83d\\ude00 \\\\ud800"}', "s.json")
    result = CliRunner().invoke(main, ["eval", NOTE, path, "--format", "json"])
    assert result.exit_code == 0, result.stderr


def test_nan_and_infinity_in_json_are_not_numbers_and_null_is_quoted_as_written(tmp_path):
    # json reads NaN and Infinity (which JSON does not have) as binary floats: they were refused at the event
    # ("not nan", "not inf"), and a null was quoted as Python's None
    for constant, column in (("NaN", 77), ("-Infinity", 77), ("Infinity", 77)):
        path = scenario(tmp_path, '{"until": "2004-01-01", "title": "NaN",\n "events": [{"date": "2003-07-14", '
                                  f'"type": "HolderConversion", "principal": {constant}}}]}}', "s.json")
        status, err = run("eval", NOTE, path)
        assert status == 1
        assert err.splitlines()[0] == f"{path}:2:{column}: error: not valid JSON: {constant} is not a JSON number"
        assert err.splitlines()[2] == " " * (4 + column - 1) + "^"
    path = scenario(tmp_path, '{"until": null}', "s.json")
    status, err = run("eval", NOTE, path)
    assert status == 1
    assert err.splitlines()[0] == f"{path}:1:1: error: 'until' must be a date (YYYY-MM-DD), not null"


def test_a_series_given_both_as_prices_and_as_its_market_table_is_refused(tmp_path):
    # the run took the market table and dropped the prices unsaid: 600,000 × 110% at 2.00 instead of 1.00
    path = scenario(tmp_path, 'until = 2003-08-01\n[prices]\n2003-07-11 = 1\n[market.closing_bid]\n'
                              f"2003-07-11 = 2\n{CONVERSION}")
    status, err = run("eval", NOTE, path)
    assert status == 1
    assert err.splitlines() == [
        f"{path}:4:1: error: the series 'closing_bid' is given twice, as 'prices' and as market.closing_bid: "
        "give it once",
        "    [market.closing_bid]",
        "    ^"]


def test_prices_given_to_a_contract_that_reads_no_market_are_warned_of(tmp_path):
    # they were read, and dropped unsaid; a scenario may still give them (INTERFACE.md's own example gives the
    # 2003 note, which reads no price, a [prices] table), so the run goes on
    path = scenario(tmp_path, "until = 2027-01-01\n\n[prices]\n2024-01-02 = 1.25\n")
    status, err = run("eval", BOND, path)
    assert status == 0
    assert err.splitlines() == [f"{path}:3:1: warning: this contract has no market series: its 'prices' are not read",
                                "    [prices]",
                                "    ^"]


def test_a_price_below_or_at_zero_given_as_a_market_series_is_refused_at_its_date(tmp_path):
    # `prices` refused them, but [market.closing_bid] took -2 and 0 as closing prices
    for value in ("-2", "0"):
        path = scenario(tmp_path, f'until = 2003-08-01\n[market.closing_bid]\n2003-07-10 = 2\n"2003-07-11" = {value}\n'
                                  f"{CONVERSION}")
        status, err = run("eval", NOTE, path)
        assert status == 1
        assert err.splitlines() == [
            f"{path}:4:1: error: the value of market 'closing_bid' on 2003-07-11 must be positive (the series is "
            f"of USD per common), not {value}",
            f'    "2003-07-11" = {value}',
            "    ^"]
    (tmp_path / "bids.csv").write_text("date,value\n2003-07-10,1\n2003-07-11,-0.5\n")
    path = scenario(tmp_path, f'until = 2003-08-01\nmarket.closing_bid = "bids.csv"\n{CONVERSION}')
    status, err = run("eval", NOTE, path)
    assert status == 1
    assert err.splitlines() == [
        f"{tmp_path / 'bids.csv'}:3:1: error: the value of market 'closing_bid' on 2003-07-11 must be positive (the "
        "series is of USD per common), not -0.5",
        "    2003-07-11,-0.5",
        "    ^"]


VOLUMES = '''contract "Volumes"
currency USD
security common
§1 "Conversion" {
  market closing_price: USD per common
  market volume: common
  market index: Decimal
  event Conversion { amount: USD }
  upon Conversion as conversion {
    let vwap = weighted_average_before(closing_price, volume, conversion.date, 2)
    issue floor(conversion.amount / vwap) of "common" to "Holder", price vwap
  }
}
'''


def test_a_volume_may_be_zero_but_not_negative_and_a_rate_may_be_either(tmp_path):
    contract = tmp_path / "volumes.contract"
    contract.write_text(VOLUMES)
    text = ('until = 2024-03-10\n[market.closing_price]\n2024-03-04 = 10.00\n2024-03-05 = 11.00\n'
            "[market.volume]\n2024-03-04 = 0\n2024-03-05 = VOLUME\n[market.index]\n2024-03-04 = -0.5\n"
            '[[events]]\ndate = 2024-03-07\ntype = "Conversion"\namount = 1100.00\n')
    result = CliRunner().invoke(main, ["eval", str(contract), scenario(tmp_path, text.replace("VOLUME", "3000")),
                                       "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert '"quantity": "100"' in result.stdout  # 1,100 / 11 (the volume of March 4 weighs nothing)
    path = scenario(tmp_path, text.replace("VOLUME", "-3000"))
    status, err = run("eval", str(contract), path)
    assert status == 1
    assert err.splitlines()[:2] == [
        f"{path}:7:1: error: the value of market 'volume' on 2024-03-05 must be not negative (the series is of "
        "common), not -3000",
        "    2024-03-05 = -3000"]


def test_a_wrong_value_of_a_market_table_is_refused_at_its_own_line(tmp_path):
    # it was said at the top of the file, whatever line the value stood on
    path = scenario(tmp_path, f'until = 2003-08-01\n\n[market.closing_bid]\n2003-07-10 = 2\n2003-07-11 = "x"\n{CONVERSION}')
    status, err = run("eval", NOTE, path)
    assert status == 1
    assert err.splitlines() == [
        f"{path}:5:1: error: the value of market 'closing_bid' on 2003-07-11 must be a number, not \"x\"",
        '    2003-07-11 = "x"',
        "    ^"]


def test_a_name_given_twice_on_the_command_line_is_wrong_use(tmp_path):
    # the last was taken silently; a scenario and an example refuse a name given twice
    for option, name in (("--set", "face_value"), ("--assume", "day_count")):
        first, second = ("1.00", "2.00") if option == "--set" else ("30/360", "actual/360")
        result = CliRunner().invoke(main, ["eval", BOND, "scenarios/bond_to_maturity.toml", option,
                                           f"{name}={first}", option, f"{name}={second}"])
        assert result.exit_code == 2
        assert result.stderr.splitlines()[-1] == (f"Error: Invalid value for {option}: {name} is given twice "
                                                  f"('{first}', then '{second}'): give each name once")
        assert result.stdout == ""


def test_digits_that_are_not_ascii_are_not_a_number(tmp_path):
    # Decimal reads "１００" (fullwidth) and "١٠٠" (Arabic-Indic) as 100; the tool promises figures as TOML writes them
    status, err = run("eval", BOND, "scenarios/bond_to_maturity.toml", "--set", "face_value=１００")
    assert status == 2
    assert err.splitlines()[0] == 'error: --set face_value must be an amount in USD, not "１００"'
    path = scenario(tmp_path, f'until = 2004-01-01\nprices = "nso_closing_bid_2001_2006.csv"\n'
                              f'{CONVERSION.replace("600000", chr(34) + "١٠٠" + chr(34))}')
    (tmp_path / "nso_closing_bid_2001_2006.csv").write_text(Path("scenarios/nso_closing_bid_2001_2006.csv").read_text())
    status, err = run("eval", NOTE, path)
    assert status == 1
    assert err.splitlines()[:2] == [
        f"{path}:6:1: error: event 1 (HolderConversion): field 'principal' must be an amount in USD, not \"١٠٠\"",
        '    principal = "١٠٠"']
    (tmp_path / "p.csv").write_text("date,price\n2003-07-11,１\n")
    path = scenario(tmp_path, f'until = 2003-08-01\nprices = "p.csv"\n{CONVERSION}')
    status, err = run("eval", NOTE, path)
    assert status == 1
    assert err.splitlines() == [f"{tmp_path / 'p.csv'}:2:12: error: the price of 2003-07-11 must be a positive "
                                'number, not "１"',
                                "    2003-07-11,１",
                                "               ^"]


def test_an_underscore_stands_only_between_digits(tmp_path):
    # "1_" and "1__000" were read as 1 and 1000; TOML refuses both as numbers
    for written in ("1_", "1__000", "_1", "1_.5"):
        status, err = run("eval", BOND, "scenarios/bond_to_maturity.toml", "--set", f"face_value={written}")
        assert status == 2
        assert err.splitlines()[0] == f'error: --set face_value must be an amount in USD, not "{written}"'
    result = CliRunner().invoke(main, ["eval", BOND, "scenarios/bond_to_maturity.toml", "--set",
                                       "face_value=1_000_000.00_0", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert '"amount": "12500.00"' in result.stdout


def test_a_quote_left_open_in_a_price_series_is_refused_at_its_row(tmp_path):
    # the CSV reader read the rest of the file as the field, and the row was taken as 2003-07-11 at 1
    (tmp_path / "p.csv").write_text('date,price\n2003-07-10,2\n2003-07-11,"1\n')
    path = scenario(tmp_path, f'until = 2003-08-01\nprices = "p.csv"\n{CONVERSION}')
    status, err = run("eval", NOTE, path)
    assert status == 1
    assert err.splitlines() == [f"{tmp_path / 'p.csv'}:3:1: error: not a valid CSV row: unexpected end of data"]


MOMENTS = '''contract "Moments"
currency USD "dollars"
§1 "Moments" {
  time zone "America/New_York"
  parameter cutoff: Time = 17:00
  horizon 2025-01-01
  event Notice {
    at_moment: DateTime
    when: Time = 09:00
  }
  upon Notice as n {
    record seen = n.when
  }
}
'''


def test_a_time_of_day_with_a_fraction_of_a_second_is_refused_as_a_date_and_time_is(tmp_path):
    # a TOML time 17:00:00.5 was taken, shown as 17:00 and counted as 17:00:00; a date and time is refused
    contract = tmp_path / "moments.contract"
    contract.write_text(MOMENTS)
    path = scenario(tmp_path, "until = 2024-12-31\n[params]\ncutoff = 17:00:00.5\n")
    status, err = run("eval", str(contract), path)
    assert status == 1
    assert err.splitlines() == [
        f"{path}:3:1: error: parameter 'cutoff' must be a time of day (17:00:00, or \"17:00\"), not 17:00:00.500000 "
        "(to the second)",
        "    cutoff = 17:00:00.5",
        "    ^"]
    path = scenario(tmp_path, 'until = 2024-12-31\n[[events]]\ndate = 2024-06-01\ntype = "Notice"\n'
                              "at_moment = 2024-06-01T10:00:00\nwhen = 10:00:00.999\n")
    status, err = run("eval", str(contract), path)
    assert status == 1
    assert err.splitlines()[0] == (f"{path}:6:1: error: event 1 (Notice): field 'when' must be a time of day "
                                   '(17:00:00, or "17:00"), not 10:00:00.999000 (to the second)')


def test_fmt_keeps_the_permissions_of_the_contract_it_rewrites(tmp_path):
    # the new file took those of a new file: a contract only its owner could read became readable by all
    import os
    import stat

    contract = tmp_path / "private.contract"
    contract.write_text('contract "x"\ncurrency USD "d"\n§1 "a" {\n    term   t = 1\n}\n')
    contract.chmod(0o600)
    result = CliRunner().invoke(main, ["fmt", str(contract)])
    assert (result.exit_code, result.stdout) == (0, f"reformatted {contract}\n")
    assert contract.read_text() == 'contract "x"\n\ncurrency USD "d"\n\n§1 "a" {\n  term t = 1\n}\n'
    assert stat.S_IMODE(os.stat(contract).st_mode) == 0o600


def test_a_command_line_value_or_file_name_that_is_not_utf8_is_wrong_use_before_anything_is_written(tmp_path):
    # bytes that are not UTF-8 reach Python as lone surrogates: the memo's chart, the memo itself and a batch's
    # rows could not hold them (internal errors, after an empty rows file had been created)
    import os

    memo = tmp_path / "memo.html"
    result = CliRunner().invoke(main, ["render", BOND, "scenarios/bond_to_maturity.toml", "--set", "holder=a\udcffb",
                                       "-o", str(memo)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: Invalid value for --set: 'holder=a\\udcffb' is not UTF-8 text"
    named = os.path.join(os.fsencode(tmp_path), b"\xff.toml")
    with open(named, "w") as out:
        out.write("until = 2027-01-01\n")
    shown = os.fsdecode(named)
    result = CliRunner().invoke(main, ["render", BOND, shown, "-o", str(memo)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for SCENARIO: {shown!r} is not UTF-8 text"
    rows = tmp_path / "rows.jsonl"
    result = CliRunner().invoke(main, ["batch", BOND, "--scenarios", shown, "--out", str(rows), "--jobs", "1"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for --scenarios: {shown!r} is not UTF-8 text"
    assert sorted(os.listdir(tmp_path)) == [os.fsdecode(b"\xff.toml")]


def test_an_event_a_scenario_dates_after_its_own_until_is_warned_of(tmp_path):
    # the run ended at `until` and the result said nothing of the conversion (an `until` of the wrong year);
    # the result stays the run through `until`, and a shorter run asked for with --until is not warned of
    (tmp_path / "nso_closing_bid_2001_2006.csv").write_text(Path("scenarios/nso_closing_bid_2001_2006.csv").read_text())
    path = scenario(tmp_path, f'until = 2003-01-01\nprices = "nso_closing_bid_2001_2006.csv"\n\n{CONVERSION}')
    result = CliRunner().invoke(main, ["eval", NOTE, path, "--format", "json"])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"{path}:5:1: warning: event 1 (HolderConversion) is dated 2003-07-14, after the scenario's until "
        "(2003-01-01): it is not evaluated",
        "    date = 2003-07-14",
        "    ^"]
    assert '"kind": "issue"' not in result.stdout
    result = CliRunner().invoke(main, ["eval", NOTE, path, "--until", "2003-02-01", "--format", "json"])
    assert (result.exit_code, result.stderr) == (0, "")


def test_a_place_far_along_a_long_line_is_shown_with_what_surrounds_it(tmp_path):
    # the line was cut at 200 characters and the caret stood under the ellipsis, 155 columns short of the place
    path = scenario(tmp_path, '{"until": "2004-01-01", "title": "' + "x" * 300 + '", "events": [1, 2, }', "s.json")
    status, err = run("eval", NOTE, path)
    assert status == 1
    assert err.splitlines() == [f"{path}:1:355: error: not valid JSON: Expecting value",
                                "    …" + "x" * 60 + '", "events": [1, 2, }',
                                "    " + " " * 81 + "^"]


WALL_TIMES = '''contract "Wall times"
currency USD "dollars"
§1 "Moments" {
  time zone "America/New_York"
  horizon 2025-01-01
  event Notice { at_moment: DateTime }
  upon Notice as n {
    record seen = n.at_moment
  }
}
'''
def wall_time_notice(tmp_path: Path, moment: str) -> tuple[str, str]:
    contract = tmp_path / "wall.contract"
    contract.write_text(WALL_TIMES, encoding="utf-8")
    return str(contract), scenario(tmp_path, f'[[events]]\ndate = 2024-06-01\ntype = "Notice"\nat_moment = {moment}\n')


def test_a_wall_time_the_clocks_skip_is_refused_at_its_key(tmp_path):
    contract, path = wall_time_notice(tmp_path, "2024-03-10T02:30:00")
    status, err = run("eval", contract, path)
    assert status == 1
    assert err.splitlines() == [
        f"{path}:4:1: error: event 1 (Notice): field 'at_moment': 2024-03-10 02:30:00 is no time in America/New_York: "
        "the clocks skip 02:30 on 2024-03-10",
        "    at_moment = 2024-03-10T02:30:00",
        "    ^"]


def test_a_wall_time_the_clocks_repeat_is_refused_whether_written_locally_or_with_an_offset(tmp_path):
    for moment, shown in (("2024-11-03T01:30:00", "2024-11-03 01:30:00"), ('"2024-11-03T01:30"', '"2024-11-03T01:30"'),
                          ("2024-11-03T05:30:00Z", "2024-11-03 05:30:00+00:00"),  # 01:30 EDT
                          ("2024-11-03T06:30:00Z", "2024-11-03 06:30:00+00:00")):  # 01:30 EST
        contract, path = wall_time_notice(tmp_path, moment)
        status, err = run("eval", contract, path)
        assert status == 1
        assert err.splitlines()[0] == (
            f"{path}:4:1: error: event 1 (Notice): field 'at_moment': {shown} is 01:30 in America/New_York on "
            "2024-11-03, which the clocks show twice: the contract's times of day, wall times there, cannot tell the "
            "two apart")
    contract, path = wall_time_notice(tmp_path, "2024-11-03T07:30:00Z")  # 02:30 EST: once only
    status, err = run("eval", contract, path)
    assert status == 0, err


def test_the_interface_example_scenario_runs_on_the_2003_note_with_a_warning_for_its_prices(tmp_path):
    # INTERFACE.md's example: a [prices] table beside a conversion of the 2003 note, whose price is fixed
    path = scenario(tmp_path, 'title = "Holder converts $500,000 in June 2003"\nuntil = 2006-12-31\n'
                              '[params]\nissue_date = 2003-05-01\n[assume]\nday_count = "30/360"\n'
                              '[prices]\n2003-06-02 = 0.41\n2003-06-03 = "0.415"\n'
                              '[[events]]\ndate = 2003-06-05\ntype = "HolderConversion"\nprincipal = 500000\n'
                              'with_interest = true\n')
    result = CliRunner().invoke(main, ["eval", "contracts/nstor_2003_convertible_note.contract", path,
                                       "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == (f"{path}:7:1: warning: this contract has no market series: its "
                                             "'prices' are not read")
    first = json.loads(result.stdout)["effects"][0]  # 500,000 is more than the 250,000 outstanding
    assert (first["kind"], first["event"], first["date"]) == ("rejection", "HolderConversion", "2003-06-05")
