"""Rounding, always written where the document rounds: cents half up, whole units up or down, N places down."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

_LARGEST = Decimal("1e40")


def _quantize(value: Decimal, places: int, mode: str) -> Decimal:
    if abs(value) > _LARGEST:
        raise OverflowError(f"{value} is too large to round")
    with localcontext() as context:
        context.prec = 80  # enough for any value we accept at any number of places we use
        return value.quantize(Decimal(1).scaleb(-places), rounding=mode)


def round_half_up(value: Decimal, places: int) -> Decimal:
    return _quantize(value, places, ROUND_HALF_UP)


def round_down(value: Decimal, places: int) -> Decimal:
    """Toward zero (truncation); for the nonnegative amounts of the instruments, simply down."""
    return _quantize(value, places, ROUND_DOWN)


def ceil_whole(value: Decimal) -> Decimal:
    return _quantize(value, 0, ROUND_CEILING)


def floor_whole(value: Decimal) -> Decimal:
    return _quantize(value, 0, ROUND_FLOOR)


def cents(value: Decimal) -> Decimal:
    """Money to the cent, half up (G1)."""
    return round_half_up(value, 2)
