"""Texts for explanations: a computed expression's formula, an event as it was given, values in plain digits."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from fractions import Fraction

from ..language import ast
from ..language import types as T
from ..language.checked import CheckedContract
from ..stdlib import exact, rounding
from .values import EventRecord, Quote


FORMULA_WIDTH = 120  # characters of a formula an explanation shows; a longer one ends with " ..."


def formula(node: ast.Expr) -> str | None:
    """The text of a computed expression, for explanations (None for a plain literal or name)."""
    if isinstance(node, (ast.NumberLit, ast.PercentLit, ast.DateLit, ast.StringLit, ast.BoolLit, ast.Name)):
        return None
    from ..language.printer import expr  # only an explanation needs it: an evaluation starts without the printer

    text = expr(node)
    if len(text) <= FORMULA_WIDTH:
        return text
    cut = text.rfind(" ", 0, FORMULA_WIDTH - 4)  # between two words: a name is never cut short
    return text[:cut if cut > 0 else FORMULA_WIDTH - 4] + " ..."


def describe_event(record: EventRecord, contract: CheckedContract) -> str:
    fields = ", ".join(f"{name} = {plain_text(value, contract.events[record.type].fields[name].type, contract.currencies)}"
                       for name, value in record.fields.items())
    when = f"on {record.date}" if record.filed is None else f"dated {record.filed}, effective {record.date}"
    return f"event {record.index}: {record.type} {when}" + (f" ({fields})" if fields else "")


def plain_number(value) -> str:
    """A number as plain digits, without exponent or trailing zeros (for explanations and scenario files).

    A terminating value is shown exactly; one that does not terminate (a Fraction),
    half even to 28 significant digits."""
    if isinstance(value, Decimal) or type(value) is Fraction:
        return exact.shown(value)
    return str(value)


def number_text_of(type_, currencies=()):
    """How a number of `type_` is written: money of a declared currency in cents, any other number exactly."""
    if isinstance(type_, T.Optional):
        type_ = type_.inner
    if isinstance(type_, T.Number) and type_.unit.single_base() in currencies:
        return cents_text
    return exact.shown


def cents_text(value) -> str:
    return str(rounding.cents(value))  # two places, as the format .2f writes them, and faster


def text_of_type(type_, currencies=()):
    """The function that writes a value of `type_` as plain_text does, how its numbers are written found once:
    a result writes each of a contract's states at the end of every run."""
    number_text = number_text_of(type_, currencies)

    def text(value) -> str:
        if isinstance(value, Decimal) or type(value) is Fraction:
            return number_text(value)
        return plain_text(value, type_, currencies)
    return text


def plain_text(value, type_, currencies=()) -> str:
    """A value as the results show it: money in cents, other numbers exactly, dates in ISO form."""
    if isinstance(value, Decimal) or type(value) is Fraction:  # the usual case first
        return number_text_of(type_, currencies)(value)
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat("seconds" if value.second else "minutes")
    if isinstance(value, Quote):
        return plain_number(value.price)
    if isinstance(value, list):
        element = type_.element if isinstance(type_, T.ListOf) else None
        return "[" + ", ".join(plain_text(v, element, currencies) for v in value) + "]"
    return str(value)
