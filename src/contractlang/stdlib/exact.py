"""Exact numbers: every sum, product and quotient is exact until the contract rounds it.

A number is a `Decimal` while it terminates and a `fractions.Fraction` only when
it does not (a quotient such as 10_000_000 / 6_000_000). Decimal arithmetic is
done in `EXACT`, a context that traps `Inexact`: an operation either gives the
exact result or is out of range (a diagnostic), never a rounded one. A quotient
is tried as a Decimal first (the fast path); when it does not fit, it is
computed as a Fraction, which becomes a Decimal again whenever it terminates.
Any operation with a Fraction operand is done in Fraction. Both kinds compare
with each other exactly.

No number is allowed more than DIGITS significant digits (a Decimal) or a
numerator or denominator of more than about DIGITS digits (a Fraction): past
that, the operation is out of range, so no run grows a number without bound.
`shown` prints a non-terminating value rounded half even to 28 significant
digits, for explanations and unrounded results; rounding functions take either
kind and give an exact Decimal.
"""

from __future__ import annotations

from decimal import (ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, Inexact, InvalidOperation, Overflow,
                     Underflow)
from fractions import Fraction
from math import gcd

from .kept import KeptTable

DIGITS = 1_000  # significant digits a number may hold exactly
SHOWN_DIGITS = 28  # significant digits a non-terminating value is shown with
_LIMIT_BITS = 3_400  # about DIGITS decimal digits, for a Fraction's numerator and denominator

EXACT = Context(prec=DIGITS, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999,
                traps=[Inexact, Overflow, Underflow, InvalidOperation, DivisionByZero])
_QUOTIENT = Context(prec=50, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999,
                    traps=[Overflow, InvalidOperation, DivisionByZero])  # Inexact is looked at, not raised: faster
_SHOWN = Context(prec=SHOWN_DIGITS, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999,
                 traps=[Overflow, InvalidOperation, DivisionByZero])
# EXACT's operations, bound once: looked up on every call they took twice the time of the operation itself
_ADD, _SUBTRACT, _MULTIPLY = EXACT.add, EXACT.subtract, EXACT.multiply
_TENTHS_POWERS: dict[int, Decimal] = {}  # places -> 1E-places, each made once (a terminating quotient's scale)


def _one_at(places: int) -> Decimal:
    """1E-places. A whole number times it is that number shifted `places` to the right, as scaleb would shift it,
    in a third of scaleb's time (which converts its int operand to a Decimal on every call)."""
    found = _TENTHS_POWERS.get(places)
    if found is None:
        found = _TENTHS_POWERS[places] = Decimal(1).scaleb(-places)
    return found


class TooManyDigits(ArithmeticError):
    """A value would need more digits than a number may hold exactly."""


def from_fraction(value: Fraction):
    """A Fraction as an exact Decimal when it terminates, else the Fraction itself (both bounded in size)."""
    return _made(value.numerator, value.denominator, value)


def _parts(value) -> tuple[int, int]:
    """A number as (numerator, denominator), the denominator positive."""
    kind = type(value)
    if kind is Fraction:
        return value._numerator, value._denominator  # noqa: SLF001 - read directly: the fast path of every operation
    if kind is Decimal:
        return value.as_integer_ratio()
    return value, 1


def _made(numerator: int, denominator: int, made: Fraction | None = None):
    """numerator / denominator (positive) as a Decimal when it terminates, else as a Fraction in lowest terms."""
    common = gcd(numerator, denominator)
    if common != 1:
        numerator //= common
        denominator //= common
        made = None
    if numerator.bit_length() > _LIMIT_BITS or denominator.bit_length() > _LIMIT_BITS:
        raise TooManyDigits("the value needs more digits than a number may hold")
    if denominator == 1:
        return Decimal(numerator)
    twos = (denominator & -denominator).bit_length() - 1
    rest = denominator >> twos
    fives = 0
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    if rest != 1:
        if made is None:
            made = object.__new__(Fraction)  # in lowest terms already: no second normalisation, nor its checks
            made._numerator, made._denominator = numerator, denominator  # noqa: SLF001
        return made
    places = max(twos, fives)
    return _MULTIPLY(Decimal(numerator * 2 ** (places - twos) * 5 ** (places - fives)), _one_at(places))


def add(a, b):
    if type(a) is Fraction or type(b) is Fraction:
        if type(b) is not Fraction and not b:  # a ratio and nothing: the ratio itself
            return a
        if type(a) is not Fraction and not a:
            return b
        n1, d1 = _parts(a)
        n2, d2 = _parts(b)
        return _made(n1 * d2 + n2 * d1, d1 * d2)
    if type(a) is int and type(b) is int:  # day spans stay whole days
        return a + b
    try:
        return _ADD(a, b)
    except TypeError:
        return a + b  # texts


def subtract(a, b):
    if type(a) is Fraction or type(b) is Fraction:
        if type(b) is not Fraction and not b:  # a ratio less nothing: the ratio itself
            return a
        n1, d1 = _parts(a)
        n2, d2 = _parts(b)
        return _made(n1 * d2 - n2 * d1, d1 * d2)
    if type(a) is int and type(b) is int:
        return a - b
    return _SUBTRACT(a, b)


def multiply(a, b):
    if type(a) is Fraction or type(b) is Fraction:
        n1, d1 = _parts(a)
        n2, d2 = _parts(b)
        return _made(n1 * n2, d1 * d2)
    if type(a) is int and type(b) is int:
        return a * b
    return _MULTIPLY(a, b)


def divide(a, b):
    """The exact quotient: a Decimal when it terminates, else a Fraction (b is not zero)."""
    if type(a) is not Fraction and type(b) is not Fraction:
        flags = _QUOTIENT.flags
        flags[Inexact] = flags[Underflow] = False
        quotient = _QUOTIENT.divide(a, b)
        if not flags[Inexact] and not flags[Underflow]:
            return quotient
    n1, d1 = _parts(a)
    n2, d2 = _parts(b)
    if n2 < 0:
        n1, n2 = -n1, -n2
    return _made(n1 * d2, d1 * n2)


_KINDS = frozenset((Decimal, Fraction, int))


def are_numbers(a, b) -> bool:
    return type(a) in _KINDS and type(b) in _KINDS


def compare(a, b) -> int:
    """-1, 0 or 1 as a is less than, equal to or greater than b (exactly, whatever their kinds)."""
    if type(a) is Fraction or type(b) is Fraction:
        if type(b) is not Fraction and not b:  # a ratio against nothing (`> 0 USD`, the usual test): its sign
            return (a._numerator > 0) - (a._numerator < 0)  # noqa: SLF001
        if type(a) is not Fraction and not a:
            return (b._numerator < 0) - (b._numerator > 0)  # noqa: SLF001
        n1, d1 = _parts(a)
        n2, d2 = _parts(b)
        left, right = n1 * d2, n2 * d1
    else:
        left, right = a, b
    return (left > right) - (left < right)


def negate(a):
    return EXACT.minus(a) if type(a) is Decimal else -a


def absolute(a):
    return EXACT.abs(a) if type(a) is Decimal else abs(a)


def total(values):
    """The exact sum of numbers (0 for none)."""
    result = Decimal(0)
    for value in values:
        result = add(result, value)
    return result


def is_whole(value) -> bool:
    if type(value) is Fraction:
        return value.denominator == 1  # never, for a value that does not terminate
    return value == value.to_integral_value()


def shown(value) -> str:
    """A number as plain digits, without exponent or trailing zeros; a non-terminating one half even to 28 digits."""
    if type(value) is Fraction:
        key = (value._numerator, value._denominator)  # noqa: SLF001
        text = _SHOWN_FRACTIONS.get(key)
        if text is None:
            rounded = _SHOWN.divide(Decimal(key[0]), Decimal(key[1]))
            text = _SHOWN_FRACTIONS.keep(key, format(_SHOWN.normalize(rounded), "f"))
        return text
    if value == 0:
        return "0"
    text = str(value)  # plain digits unless it chose an exponent: then the normal form's, written out
    if "E" in text:
        return format(EXACT.normalize(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text  # no trailing zeros after the point


_SHOWN_FRACTIONS = KeptTable(4_096)  # (numerator, denominator) -> text: an explanation shows a value several times
