"""A price series read at one go says the same as one read row by row: exact prices, and each wrong row where it is."""

from datetime import date
from decimal import Decimal

import pytest

from contractlang.diagnostics import ContractError
from contractlang.inputs.scenario import load_price_csv


def series_file(tmp_path, text: str) -> str:
    path = tmp_path / "prices.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_plain_prices_are_exact_decimals_written_as_their_text(tmp_path):
    figures = ["0.843", "1.250", "12345678901234567890.1234567890123456789", "0.0000000000000000001", "7"]
    rows = "".join(f"2004-01-{day:02d},{figure}\n" for day, figure in enumerate(figures, start=5))
    read = load_price_csv(series_file(tmp_path, "date,price\n" + rows))
    assert list(read) == [date(2004, 1, 5), date(2004, 1, 6), date(2004, 1, 7), date(2004, 1, 8), date(2004, 1, 9)]
    assert all(type(value) is Decimal for value in read.values())
    assert [str(value) for value in read.values()] == figures[:3] + ["1E-19", "7"]  # Decimal writes 10**-19 so
    assert read[date(2004, 1, 7)] == Decimal("12345678901234567890.1234567890123456789")


def test_a_signed_series_keeps_its_negative_and_zero_values(tmp_path):
    read = load_price_csv(series_file(tmp_path, "Date, Value\n2004-01-05,-0.0025\n2004-01-06,0\n2004-01-07,-0\n"),
                          signed=True)
    assert [str(value) for value in read.values()] == ["-0.0025", "0", "-0"]


@pytest.mark.parametrize("rows, message", [
    ("2004-01-05,1.25\n2004-01-06,1.2x\n",
     '3:12: error: the price of 2004-01-06 must be a positive number, not "1.2x"\n'
     "    2004-01-06,1.2x\n               ^"),
    ("2004-01-05,1.25\n2004-02-30,1.30\n",
     '3:1: error: the date must be a date (YYYY-MM-DD), not "2004-02-30"\n    2004-02-30,1.30\n    ^'),
    ("2004-01-05,1.25\n20040106,1.30\n",
     '3:1: error: the date must be a date (YYYY-MM-DD), not "20040106"\n    20040106,1.30\n    ^'),
    ("2004-01-05,1.25\n2004-01-05,1.30\n",
     "3:1: error: 2004-01-05 appears twice in the price series\n    2004-01-05,1.30\n    ^"),
    ("2004-01-05,1.25\n\n2004-01-06,-1\n",  # the blank line is skipped and still counted
     '4:12: error: the price of 2004-01-06 must be a positive number, not "-1"\n    2004-01-06,-1\n               ^'),
    ("2004-01-05,0.00\n",
     '2:12: error: the price of 2004-01-05 must be a positive number, not "0.00"\n    2004-01-05,0.00\n               ^'),
    ("2004-01-05,1.25,2004-01-06\n7\n",  # three cells then one: as many cells as two rows, but not two rows
     "2:1: error: expected two columns, date and price, not 3\n    2004-01-05,1.25,2004-01-06\n    ^"),
    ("2004-01-05,.5\n",
     '2:12: error: the price of 2004-01-05 must be a positive number, not ".5"\n    2004-01-05,.5\n               ^'),
    ("2004-01-05,1e5\n",
     '2:12: error: the price of 2004-01-05 must be a positive number, not "1e5"\n    2004-01-05,1e5\n               ^'),
])
def test_a_wrong_row_is_reported_at_its_line_and_column_with_a_caret(tmp_path, rows, message):
    path = series_file(tmp_path, "date,price\n" + rows)
    with pytest.raises(ContractError) as problem:
        load_price_csv(path)
    assert problem.value.render() == f"{path}:{message}"


def test_a_blank_line_between_plain_rows_is_skipped(tmp_path):
    read = load_price_csv(series_file(tmp_path, "date,price\n2004-01-05,1.25\n\n2004-01-06,2\n"))
    assert read == {date(2004, 1, 5): Decimal("1.25"), date(2004, 1, 6): Decimal("2")}


def test_a_series_read_again_is_a_copy_and_follows_its_file_when_it_changes(tmp_path):
    import os

    path = series_file(tmp_path, "date,price\n2004-01-05,1.25\n")
    first = load_price_csv(path)
    first[date(2004, 1, 6)] = Decimal("9")  # a caller's change is not kept for the next reading
    assert load_price_csv(path) == {date(2004, 1, 5): Decimal("1.25")}
    written = os.stat(path)
    with open(path, "w", encoding="utf-8") as handle:  # as long as before, and given back its time
        handle.write("date,price\n2004-01-05,1.75\n")
    os.utime(path, ns=(written.st_atime_ns, written.st_mtime_ns))
    assert load_price_csv(path) == {date(2004, 1, 5): Decimal("1.75")}
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("date,price\n2004-01-05,1.7x\n")
    with pytest.raises(ContractError) as problem:
        load_price_csv(path)
    assert problem.value.render().startswith(f'{path}:2:12: error: the price of 2004-01-05 must be a positive number')


def test_a_series_read_as_signed_and_as_prices_is_read_each_way(tmp_path):
    path = series_file(tmp_path, "date,price\n2004-01-05,-1.25\n")
    assert load_price_csv(path, signed=True) == {date(2004, 1, 5): Decimal("-1.25")}
    with pytest.raises(ContractError) as problem:
        load_price_csv(path)
    assert problem.value.render().startswith(f'{path}:2:12: error: the price of 2004-01-05 must be a positive number, '
                                             'not "-1.25"')
