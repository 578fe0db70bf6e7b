"""Exact numbers: no quotient loses a digit before the contract rounds it.

A quotient that does not terminate stays exact (a Fraction behind the number)
until a rounding function of the contract rounds it; a value that reaches a
result unrounded is shown half even to 28 significant digits, a terminating
one exactly; a scenario or --set may give a plain number as an exact ratio.
"""

from __future__ import annotations

import json
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from contractlang.cli import main
from contractlang.stdlib import exact, rounding

HEADER = 'contract "exact"\ncurrency USD\nsecurity common\n'


def evaluate(tmp_path: Path, body: str, scenario: str = 'title = "exact"\n', *options: str):
    contract = tmp_path / "exact.contract"
    contract.write_text(HEADER + body, encoding="utf-8")
    scenario_path = tmp_path / "exact.toml"
    scenario_path.write_text(scenario, encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(contract), str(scenario_path), "--format", "json", *options])
    return result.exit_code, result.stdout, result.stderr


def reports(tmp_path: Path, *lines: str, options=()) -> dict:
    body = '§1 "Figures" {\n  horizon 2003-01-02\n' + "".join(f"  {line}\n" for line in lines) + "}\n"
    status, stdout, stderr = evaluate(tmp_path, body, 'title = "exact"\n', *options)
    assert status == 0, stderr
    return json.loads(stdout)["state"]


def test_the_issues_example_is_exactly_300000_shares(tmp_path):
    state = reports(tmp_path, "report shares = floor(500_000.00 USD / (10_000_000.00 USD / 6_000_000 common))",
                    "report price = 10_000_000.00 USD / 6_000_000 common")
    assert state["shares"] == "300000"  # the price held to 28 digits gave 299999
    assert state["price"] == "1.666666666666666666666666667"  # shown half even to 28 significant digits


def test_thirds_add_up_to_one_and_a_quotient_times_its_divisor_gives_back_the_dividend(tmp_path):
    state = reports(tmp_path, "report one = 1 / 3 + 1 / 3 + 1 / 3", "report is_one = 1 / 3 + 1 / 3 + 1 / 3 == 1",
                    "report back = 1 / 7 * 7", "report whole = is_whole(2 / 3 * 3)", "report half = 1 / 8")
    assert state == {"one": "1", "is_one": "true", "back": "1", "whole": "true", "half": "0.125"}


def test_a_non_terminating_report_is_shown_half_even_to_28_significant_digits(tmp_path):
    state = reports(tmp_path, "report two_thirds = 2 / 3", "report big = 20_000_000 / 3",
                    "report small = 1 / 30_000", "report sum = 2 / 3 + 2 / 3", "report negative = -(2 / 3)")
    assert state == {"two_thirds": "0.6666666666666666666666666667", "big": "6666666.666666666666666666667",
                     "small": "0.00003333333333333333333333333333", "sum": "1.333333333333333333333333333",
                     "negative": "-0.6666666666666666666666666667"}


def test_rounding_functions_round_the_exact_value(tmp_path):
    state = reports(tmp_path, "report up = ceil(2 / 3)", "report down = floor(-(2 / 3))",
                    "report pennies = cents(2.00 USD / 3)", "report places = round_half_up(2 / 3, 4)",
                    "report truncated = round_down(2 / 3, 4)", "report ordered = 1 / 3 < 0.3333333333333333333333333334")
    assert state == {"up": "1", "down": "-1", "pennies": "0.67", "places": "0.6667", "truncated": "0.6666",
                     "ordered": "true"}


def test_products_and_sums_keep_every_digit(tmp_path):
    # the default decimal context rounds past 28 digits: 1 + 10^-30 was 1
    state = reports(tmp_path, "report sum = 1 + 0.000_000_000_000_000_000_000_000_000_001",
                    "report product = 1_234_567_890_123_456.789 * 1_234_567_890_123_456.789")
    assert state["sum"] == "1.000000000000000000000000000001"
    assert state["product"] == "1524157875323883675019051998750.190521"  # 37 digits


SPLITS = '''§1 "Conversion" {
  horizon 2004-01-01
  term holder = "Holder"
  term shares = "common"
  state conversion_price: USD per common = 0.30 USD per common
  event StockSplit { ratio: Decimal }
  upon StockSplit as split {
    adjust conversion_price = conversion_price / split.ratio
  }
  event Conversion { amount: USD }
  upon Conversion as conversion {
    issue ceil(conversion.amount / conversion_price) of shares to holder, price conversion_price
  }
}
'''


def split_scenario(*ratios: str) -> str:
    events = [("StockSplit", f'ratio = "{ratio}"') for ratio in ratios] + [("Conversion", "amount = 100000")]
    return 'title = "splits"\n' + "".join(
        f'[[events]]\ndate = 2003-06-0{day}\ntype = "{kind}"\n{field}\n' for day, (kind, field) in enumerate(events, 1))


def test_a_one_for_three_reverse_split_is_read_exactly(tmp_path):
    status, stdout, stderr = evaluate(tmp_path, SPLITS, split_scenario("1/3"))
    assert status == 0, stderr
    result = json.loads(stdout)
    # 100,000 at $0.90 is 111,111.1...: the next whole share is 111,112 (0.333333 gave 111,111)
    assert [e["quantity"] for e in result["effects"] if e["kind"] == "issue"] == ["111112"]
    assert result["state"]["conversion_price"] == "0.9"


def test_a_split_of_one_third_then_three_changes_no_quantity(tmp_path):
    quantities = {}
    for ratios in ((), ("1/3", "3/1"), ("3", "1/3"), ("2/3", "3/2")):
        status, stdout, stderr = evaluate(tmp_path, SPLITS, split_scenario(*ratios))
        assert status == 0, stderr
        result = json.loads(stdout)
        quantities[ratios] = [e["quantity"] for e in result["effects"] if e["kind"] == "issue"]
        assert result["state"]["conversion_price"] == "0.3"
    assert set(map(tuple, quantities.values())) == {("333334",)}


def test_a_ratio_is_a_plain_number_given_exactly_on_the_command_line_too(tmp_path):
    lines = ("parameter ratio: Decimal = 1", "parameter fee: USD = 1.00 USD", "report r = ratio", "report tripled = ratio * 3")
    assert reports(tmp_path, *lines, options=("--set", "ratio=2/3")) == {
        "r": "0.6666666666666666666666666667", "tripled": "2"}
    assert reports(tmp_path, *lines, options=("--set", "ratio=6/8")) == {"r": "0.75", "tripled": "2.25"}
    body = '§1 "Figures" {\n  horizon 2003-01-02\n' + "".join(f"  {line}\n" for line in lines) + "}\n"
    for refused in ("ratio=1/0", "fee=1/3", "ratio=1/3/4", "ratio=1.5/3"):
        status, _, stderr = evaluate(tmp_path, body, 'title = "exact"\n', "--set", refused)
        assert status == 2 and "must be" in stderr, (refused, stderr)


def test_an_exact_ratio_in_a_scenario_that_is_not_a_number_is_a_diagnostic_at_its_position(tmp_path):
    status, _, stderr = evaluate(tmp_path, SPLITS, split_scenario("1/0"))
    assert status == 1
    assert 'field \'ratio\' must be a number, not "1/0"' in stderr


# ------------------------------------------------------------- the library


numbers = st.one_of(
    st.decimals(min_value=-10 ** 9, max_value=10 ** 9, places=4, allow_nan=False, allow_infinity=False),
    st.fractions(min_value=-10 ** 6, max_value=10 ** 6, max_denominator=10 ** 4).map(exact.from_fraction),
)


@given(numbers, numbers)
def test_every_operation_is_exact_and_a_fraction_only_when_it_does_not_terminate(a, b):
    operations = [(exact.add, Fraction.__add__), (exact.subtract, Fraction.__sub__),
                  (exact.multiply, Fraction.__mul__)] + ([(exact.divide, Fraction.__truediv__)] if b != 0 else [])
    for ours, theirs in operations:
        result = ours(a, b)
        expected = theirs(Fraction(a), Fraction(b))
        assert Fraction(result) == expected
        denominator = expected.denominator
        while denominator % 2 == 0:
            denominator //= 2
        while denominator % 5 == 0:
            denominator //= 5
        assert isinstance(result, Fraction) == (denominator != 1)
    assert exact.compare(a, b) == (Fraction(a) > Fraction(b)) - (Fraction(a) < Fraction(b))


@given(numbers, st.integers(min_value=-3, max_value=6))
def test_rounding_a_fraction_agrees_with_rounding_its_exact_decimal_expansion(value, places):
    # a Fraction is never a tie at a finite place, so 60 correct digits decide every rounding
    with localcontext() as context:
        context.prec = 80
        expansion = Decimal(Fraction(value).numerator) / Decimal(Fraction(value).denominator)
    def written(number: Decimal) -> tuple:  # the value and its places: a rounded amount shows what it was rounded to
        return number, number.as_tuple().exponent

    for function in (rounding.round_half_up, rounding.round_down, rounding.round_half_even):
        assert written(function(value, places)) == written(function(expansion, places))
    assert written(rounding.ceil_whole(value)) == written(rounding.ceil_whole(expansion))
    assert written(rounding.floor_whole(value)) == written(rounding.floor_whole(expansion))
    assert written(rounding.cents(value)) == written(rounding.round_half_up(expansion, 2))


@given(st.integers(min_value=-10 ** 30, max_value=10 ** 30), st.integers(0, 60), st.integers(0, 60))
def test_a_terminating_quotient_is_a_decimal_with_just_the_places_it_needs(numerator, twos, fives):
    value = exact.from_fraction(Fraction(numerator, 2 ** twos * 5 ** fives))
    with localcontext() as context:
        context.prec = 200
        expected = Decimal(numerator) / (Decimal(2) ** twos * Decimal(5) ** fives)
        fewest_places = min(0, expected.normalize(context).as_tuple().exponent)
    assert type(value) is Decimal and value == expected
    assert value.as_tuple().exponent == fewest_places


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-10 ** 30, max_value=10 ** 30)
       | st.builds(lambda digits, exponent: Decimal(digits).scaleb(exponent),
                   st.integers(-10 ** 20, 10 ** 20), st.integers(-40, 40)))
def test_a_terminating_number_is_shown_in_plain_digits_without_trailing_zeros(value):
    text = exact.shown(value)
    assert "E" not in text and "e" not in text
    assert Decimal(text) == value
    if "." in text:
        assert not text.endswith("0") and not text.endswith(".")


def test_shown_rounds_half_even_at_28_significant_digits_and_keeps_a_terminating_value_whole():
    assert exact.shown(Fraction(1, 3)) == "0.3333333333333333333333333333"
    assert exact.shown(Fraction(-5, 3)) == "-1.666666666666666666666666667"
    assert exact.shown(Fraction(10 ** 30, 3)) == "333333333333333333333333333300"
    long = Decimal("1.000000000000000000000000000000001")
    assert exact.shown(long) == "1.000000000000000000000000000000001"
    assert exact.shown(Decimal("0E-5")) == "0"
    assert [exact.shown(Decimal(text)) for text in ("3200", "3200.00", "1.5E+3", "-0.10", "1E-7", "-0.00")] == [
        "3200", "3200", "1500", "-0.1", "0.0000001", "0"]


def test_a_number_past_the_digits_it_may_hold_is_out_of_range_not_rounded():
    with pytest.raises(ArithmeticError):
        exact.multiply(Decimal("1" * 600), Decimal("1" * 600))
    with pytest.raises(ArithmeticError):
        exact.add(Decimal("1E+900"), Decimal("1E-900"))
    with pytest.raises(exact.TooManyDigits):
        exact.multiply(Fraction(1, 3 ** 2000), Fraction(1, 7 ** 2000))
