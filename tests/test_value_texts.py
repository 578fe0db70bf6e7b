"""A result writes each state at the end of every run with a function chosen once for its type
(explain.text_of_type): it must write every value as plain_text does."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from contractlang.language import types as T
from contractlang.runtime.explain import plain_text, text_of_type

USD = T.Number(T.Unit.of("USD"))
SHARES = T.Number(T.Unit.of("common"))
CURRENCIES = ("USD",)


@pytest.mark.parametrize("type_, value, text", [
    (USD, Decimal("1.005"), "1.01"),  # money in cents, half up
    (USD, Decimal("7"), "7.00"),
    (USD, Fraction(1, 3), "0.33"),
    (T.Optional(USD), Decimal("2.5"), "2.50"),
    (T.Optional(USD), None, "none"),
    (SHARES, Decimal("1388.890"), "1388.89"),  # other numbers exactly, without trailing zeros
    (SHARES, Fraction(1, 4), "0.25"),
    (T.Optional(SHARES), None, "none"),
    (T.DATE, date(2002, 6, 10), "2002-06-10"),
    (T.BOOL, True, "true"),
    (T.ListOf(USD), [Decimal("1"), Decimal("0.125")], "[1.00, 0.13]"),
])
def test_the_text_of_a_type_writes_what_plain_text_writes(type_, value, text):
    assert plain_text(value, type_, CURRENCIES) == text
    assert text_of_type(type_, CURRENCIES)(value) == text


def test_money_of_a_currency_the_contract_does_not_declare_is_a_plain_number():
    assert text_of_type(USD, ())(Decimal("1.005")) == plain_text(Decimal("1.005"), USD, ()) == "1.005"
