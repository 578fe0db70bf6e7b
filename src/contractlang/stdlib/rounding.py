"""Rounding, always written where the document rounds: cents half up, whole units up or down, N places down.

Each function takes an exact number (a Decimal, or a Fraction that does not
terminate) and gives an exact Decimal: the only place a digit is given up."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

from .kept import KeptTable

_LARGEST = Decimal("1e40")
_LARGEST_WHOLE = 10 ** 40
_LARGEST_DIGIT = _LARGEST.adjusted()  # a Decimal whose first digit stands lower is below _LARGEST: one call, not two tests
_MOST_PLACES = 40  # with values up to _LARGEST, 80 digits hold any rounding to this many places
_ROUNDING = Context(prec=80, Emax=999_999, Emin=-999_999)  # enough for any value we accept at any number of places we use
_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(-_MOST_PLACES, _MOST_PLACES + 1)}  # made once


def _whole(numerator: int, denominator: int, mode: str) -> int:
    """numerator / denominator (denominator > 0) to a whole number under a Decimal rounding mode."""
    floor, remainder = divmod(numerator, denominator)
    if remainder == 0 or mode == ROUND_FLOOR:
        return floor
    if mode == ROUND_CEILING:
        return floor + 1
    if mode == ROUND_DOWN:
        return floor if numerator > 0 else floor + 1
    whole, rest = divmod(abs(numerator), denominator)
    if mode == ROUND_HALF_EVEN:  # a half goes to the even neighbour
        whole += 2 * rest > denominator or (2 * rest == denominator and whole % 2 == 1)
    else:  # half up: halves away from zero
        whole += 2 * rest >= denominator
    return whole if numerator > 0 else -whole


def _quantize(value, places, mode: str) -> Decimal:
    if type(value) is Fraction:
        numerator, denominator = value.numerator, value.denominator
        if abs(numerator) > _LARGEST_WHOLE * denominator:
            raise OverflowError("the value is too large to round")
    elif abs(value) > _LARGEST:
        raise OverflowError("the value is too large to round")
    if not -_MOST_PLACES <= places <= _MOST_PLACES:  # compared before converting: a huge number converts slowly
        raise OverflowError(f"cannot round to more than {_MOST_PLACES} places either side of the point")
    places = int(places)
    if type(value) is Fraction:
        if places >= 0:
            numerator *= 10 ** places
        else:
            denominator *= 10 ** -places
        return _ROUNDING.multiply(Decimal(_whole(numerator, denominator, mode)), _QUANTA[places])  # scaleb, faster
    return value.quantize(_QUANTA[places], mode, _ROUNDING)  # positional: faster than by keyword


def round_half_up(value, places) -> Decimal:
    """To `places` decimals (an int or a whole Decimal), half up."""
    return _quantize(value, places, ROUND_HALF_UP)


def round_half_even(value, places) -> Decimal:
    """To `places` decimals, a half to the even neighbour (banker's rounding)."""
    return _quantize(value, places, ROUND_HALF_EVEN)


def round_down(value, places) -> Decimal:
    """Toward zero (truncation); for the nonnegative amounts of the instruments, simply down."""
    return _quantize(value, places, ROUND_DOWN)


def ceil_whole(value) -> Decimal:
    return _quantize(value, 0, ROUND_CEILING)


def floor_whole(value) -> Decimal:
    return _quantize(value, 0, ROUND_FLOOR)


def cents(value) -> Decimal:
    """Money to the cent, half up (G1)."""
    if type(value) is Decimal and value.adjusted() < _LARGEST_DIGIT:  # the usual cases, without the general checks
        return value.quantize(_CENT, ROUND_HALF_UP, _ROUNDING)  # positional: a third of the time by keyword
    if type(value) is Fraction:
        numerator, denominator = value._numerator, value._denominator  # noqa: SLF001 - read directly, as exact does
        found = _CENTS_OF_RATIOS.get((numerator, denominator))
        if found is not None:
            return found
        if abs(numerator) <= _LARGEST_WHOLE * denominator:
            whole, rest = divmod(abs(numerator) * 100, denominator)
            whole += 2 * rest >= denominator  # half up: halves away from zero
            rounded = _ROUNDING.multiply(Decimal(whole if numerator > 0 else -whole), _CENT)  # scaleb(-2), faster
            return _CENTS_OF_RATIOS.keep((numerator, denominator), rounded)
    return round_half_up(value, 2)


_CENT = _QUANTA[2]
# (numerator, denominator) -> cents: every run of a contract rounds the same interest of the same spans
_CENTS_OF_RATIOS = KeptTable(1_024)


SETTLEMENTS = ("cents", "cents down", "cents half even", "exact")  # how a payment settles its amount


def settle_amount(value, rule: str):
    """An amount as a payment settles it: to the cent half up (the default), down or half even, or exactly."""
    if rule == "cents":
        return cents(value)
    if rule == "cents down":
        return round_down(value, 2)
    if rule == "cents half even":
        return round_half_even(value, 2)
    if rule == "exact":
        return value
    raise ValueError(f"unknown settlement {rule!r}")
