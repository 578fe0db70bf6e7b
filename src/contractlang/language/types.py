"""The types of the contract language: units as types.

A number carries a `Unit`: a product of base units with integer exponents.
Base units are currencies (`USD`) and the securities a contract declares
(`common`, `preferred`). So money is `USD`, a number of shares is `common`,
a price is `USD per common` (USD¹·common⁻¹), a conversion rate `common per
preferred`, and a plain decimal or a percentage has no unit at all.
Multiplying and dividing numbers combines their units; adding needs equal
units. `USD / (USD per common)` is therefore `common`, and `USD + common` is
a type error.
"""

from __future__ import annotations

from .. import records
from ..stdlib import calendars, daycount, rounding, schedules


@records.frozen
class Unit:
    """A product of base units: `powers` is a sorted tuple of (base, exponent)."""

    powers: tuple[tuple[str, int], ...] = ()

    @staticmethod
    def of(base: str) -> "Unit":
        return Unit(((base, 1),))

    def __mul__(self, other: "Unit") -> "Unit":
        merged = dict(self.powers)
        for base, exponent in other.powers:
            merged[base] = merged.get(base, 0) + exponent
        return Unit(tuple(sorted((b, e) for b, e in merged.items() if e)))

    def inverse(self) -> "Unit":
        return Unit(tuple((b, -e) for b, e in self.powers))

    def __truediv__(self, other: "Unit") -> "Unit":
        return self * other.inverse()

    @property
    def is_plain(self) -> bool:
        return not self.powers

    @property
    def is_ratio(self) -> bool:
        """A plain number or a quotient of units (`successor per common`): a value an exact "N/M" may give."""
        return not self.powers or any(exponent < 0 for _, exponent in self.powers)

    def single_base(self) -> str | None:
        """The base of a unit like `USD` or `common` (exponent 1), else None."""
        if len(self.powers) == 1 and self.powers[0][1] == 1:
            return self.powers[0][0]
        return None

    def __str__(self) -> str:
        if not self.powers:
            return "plain number"
        above = [b if e == 1 else f"{b}^{e}" for b, e in self.powers if e > 0]
        below = [b if e == -1 else f"{b}^{-e}" for b, e in self.powers if e < 0]
        text = " ".join(above) if above else "1"
        if below:
            text += " per " + " ".join(below)
        return text


PLAIN = Unit()

# A count of shares of any class, one for one (a capitalization): `6_000_000 shares`, `USD per share`.
# A security's shares become shares, or those of another security, only through `counted_as`.
SHARE = "share"
SHARE_NAMES = ("share", "shares")


class Type:
    """Base of all types; subclasses are frozen attrs classes, compared by value."""


@records.frozen
class Number(Type):
    unit: Unit = PLAIN
    integral: bool = False

    def __str__(self) -> str:
        if self.unit.is_plain:
            return "Integer" if self.integral else "Decimal"
        return str(self.unit)


@records.frozen
class Simple(Type):
    """Date, Days, Bool, Text, Time, DateTime and the record-like values of the library."""

    name: str

    def __str__(self) -> str:
        return self.name


@records.frozen
class Enum(Type):
    name: str
    members: tuple[str, ...]

    def __str__(self) -> str:
        return self.name


@records.frozen
class ListOf(Type):
    element: Type

    def __str__(self) -> str:
        return f"List[{self.element}]"


@records.frozen
class Pair(Type):
    """Two values side by side (an element of `zip(a, b)`): `.first`, `.second`."""

    first: Type
    second: Type

    def __str__(self) -> str:
        return f"Pair[{self.first}, {self.second}]"


@records.frozen
class Optional(Type):
    inner: Type

    def __str__(self) -> str:
        return f"{self.inner}?"


@records.frozen
class Quote(Type):
    """A closing price with the trading day it was taken from: `.price`, `.date`."""

    price: Number

    def __str__(self) -> str:
        return f"Quote of {self.price}"


@records.frozen
class Accrued(Type):
    """What a settlement of an accrual returns: `.amount` and its `.period`."""

    amount: Number

    def __str__(self) -> str:
        return f"Accrued {self.amount}"


DATE = Simple("Date")
DAYS = Simple("Days")
BOOL = Simple("Bool")
TEXT = Simple("Text")
TIME = Simple("Time")
DATETIME = Simple("DateTime")
PERIOD = Simple("Period")
ORDERED = (DATE, DAYS, TIME, DATETIME)  # the values besides numbers that `<` compares
DECIMAL = Number(PLAIN)
INTEGER = Number(PLAIN, integral=True)

CALENDARS = ("US", "US-FL", "US-CA", "US-NY", "XFED", "weekends")

DAY_COUNT = Enum("DayCount", daycount.DAY_COUNTS)
CALENDAR = Enum("Calendar", CALENDARS)
CONVENTION = Enum("Convention", calendars.CONVENTIONS)
PERIOD_UNIT = Enum("PeriodUnit", tuple(schedules.PERIOD_UNITS))
STUB = Enum("Stub", schedules.STUB_RULES)
END_OF_MONTH = Enum("EndOfMonth", schedules.END_OF_MONTH_RULES)
SETTLEMENT = Enum("Settlement", rounding.SETTLEMENTS)

BUILTIN_TYPES: dict[str, Type] = {
    "Date": DATE,
    "Days": DAYS,
    "Bool": BOOL,
    "Text": TEXT,
    "Time": TIME,
    "DateTime": DATETIME,
    "Decimal": DECIMAL,
    "Integer": INTEGER,
    "Period": PERIOD,
    "DayCount": DAY_COUNT,
    "Calendar": CALENDAR,
    "Convention": CONVENTION,
    "PeriodUnit": PERIOD_UNIT,
    "Stub": STUB,
    "EndOfMonth": END_OF_MONTH,
    "Settlement": SETTLEMENT,
}


def assignable(value: Type, target: Type) -> bool:
    """Whether a value of type `value` may stand where `target` is expected."""
    if value == target:
        return True
    if isinstance(target, Optional):
        inner = value.inner if isinstance(value, Optional) else value
        return value == Simple("None") or assignable(inner, target.inner)
    if isinstance(value, Number) and isinstance(target, Number):
        # an integer is a decimal, not the other way round
        return value.unit == target.unit and (value.integral or not target.integral)
    if isinstance(value, ListOf) and isinstance(target, ListOf):
        return value.element == Simple("Nothing") or assignable(value.element, target.element)
    return False


NONE_TYPE = Simple("None")
EMPTY_LIST = ListOf(Simple("Nothing"))


def is_unknown(type_: Type | None) -> bool:
    """A type the checker could not find (already reported): it raises no further problem."""
    return type_ is None or type_ == Simple("Unknown") or (
        isinstance(type_, Optional) and type_.inner == Simple("Unknown"))


def describe(type_: Type) -> str:
    """A type as a message names it: "a whole number", "USD", "a Conversion event"."""
    if isinstance(type_, Number):
        if type_.unit.is_plain:
            return "a whole number" if type_.integral else "a plain number"
        return f"{type_.unit}"
    if type_ == NONE_TYPE:
        return "none"
    if isinstance(type_, Simple) and type_.name.startswith("event "):
        name = type_.name[len('event '):]
        return f"{'an' if name[:1] in 'AEIOU' else 'a'} {name} event"
    return str(type_)
