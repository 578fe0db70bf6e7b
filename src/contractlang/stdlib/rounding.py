"""Rounding, always written where the document rounds: cents half up, whole units up or down, N places down."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

_LARGEST = Decimal("1e40")
_MOST_PLACES = 40  # with values up to _LARGEST, 80 digits hold any rounding to this many places


def _quantize(value: Decimal, places, mode: str) -> Decimal:
    if abs(value) > _LARGEST:
        raise OverflowError("the value is too large to round")
    if not -_MOST_PLACES <= places <= _MOST_PLACES:  # compared before converting: a huge number converts slowly
        raise OverflowError(f"cannot round to more than {_MOST_PLACES} places either side of the point")
    with localcontext() as context:
        context.prec = 80  # enough for any value we accept at any number of places we use
        return value.quantize(Decimal(1).scaleb(-int(places)), rounding=mode)


def round_half_up(value: Decimal, places) -> Decimal:
    """To `places` decimals (an int or a whole Decimal), half up."""
    return _quantize(value, places, ROUND_HALF_UP)


def round_down(value: Decimal, places) -> Decimal:
    """Toward zero (truncation); for the nonnegative amounts of the instruments, simply down."""
    return _quantize(value, places, ROUND_DOWN)


def ceil_whole(value: Decimal) -> Decimal:
    return _quantize(value, 0, ROUND_CEILING)


def floor_whole(value: Decimal) -> Decimal:
    return _quantize(value, 0, ROUND_FLOOR)


def cents(value: Decimal) -> Decimal:
    """Money to the cent, half up (G1)."""
    return round_half_up(value, 2)
