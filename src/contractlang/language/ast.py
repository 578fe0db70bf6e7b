"""The syntax tree of a contract: small frozen attrs classes.

Every node keeps the `span` it was parsed from, excluded from equality so that
two trees compare equal when they say the same thing, wherever it was written
(the printer's round trip relies on this). Literals keep the text the author
wrote (`1_000_000.00`) so that `fmt` gives it back unchanged.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from datetime import date

import attrs

from ..diagnostics import Span
from ..records import fields_repr
from ..stdlib.exact import EXACT as _EXACT


def _span():
    return attrs.field(default=None, eq=False, repr=False)


def _frozen_node(cls):
    """A frozen attrs class whose equality, hash and repr are Node's, shared by every node class.

    attrs would compile those three methods for each of the eighty classes in
    every process, half the cost of importing this module. Not slotted: Node has
    no slots, so its instances keep a dict anyway, and a slotted class is made twice."""
    return attrs.frozen(cls, eq=False, repr=False, slots=False)


class Node:
    span: Span | None

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return _compared_values(self) == _compared_values(other)

    def __hash__(self):
        return hash((self.__class__, *_compared_values(self)))

    __repr__ = fields_repr


@functools.cache
def _compared_fields(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in attrs.fields(kind) if f.eq)


def _compared_values(node: Node) -> tuple:
    """The values equality compares, as attrs would: every field but the span."""
    return tuple([getattr(node, name) for name in _compared_fields(node.__class__)])


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # each node class's fields that may hold nodes, found once


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in attrs.fields(kind) if f.name != "span")
    return names


def _nodes_in(value, found: list) -> None:
    if isinstance(value, Node):
        found.append(value)
    elif isinstance(value, tuple):
        for item in value:
            _nodes_in(item, found)


def children(node: "Node") -> list["Node"]:
    """The nodes directly inside a node, in order (through tuples, however nested)."""
    found: list[Node] = []
    for name in _field_names(type(node)):
        _nodes_in(getattr(node, name), found)
    return found


def walk(node: "Node"):
    """A node and every node inside it, depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def names_in(node: "Node") -> list[str]:
    """Every plain name an expression refers to, in order (for cycle checks and for what a rule reads)."""
    return [n.name for n in walk(node) if isinstance(n, Name)]


# --------------------------------------------------------------- expressions


class Expr(Node):
    pass


@_frozen_node
class UnitExpr(Node):
    """`USD`, `common`, `USD per common`, `days`."""

    name: str
    per: str | None = None
    span: Span | None = _span()


@_frozen_node
class NumberLit(Expr):
    text: str
    unit: UnitExpr | None = None
    span: Span | None = _span()

    @property
    def value(self) -> Decimal:
        return Decimal(self.text.replace("_", ""))


@_frozen_node
class PercentLit(Expr):
    text: str  # without the % sign
    span: Span | None = _span()

    @property
    def value(self) -> Decimal:
        return _EXACT.divide(Decimal(self.text.replace("_", "")), 100)  # exactly, whatever the digits


@_frozen_node
class DateLit(Expr):
    value: date
    span: Span | None = _span()


@_frozen_node
class TimeLit(Expr):
    text: str
    span: Span | None = _span()


@_frozen_node
class StringLit(Expr):
    value: str
    long: bool = False
    span: Span | None = _span()


@_frozen_node
class BoolLit(Expr):
    value: bool
    span: Span | None = _span()


@_frozen_node
class NoneLit(Expr):
    span: Span | None = _span()


@_frozen_node
class Name(Expr):
    name: str
    span: Span | None = _span()


@_frozen_node
class FieldAccess(Expr):
    subject: Expr
    name: str
    span: Span | None = _span()


@_frozen_node
class Index(Expr):
    """`xs[n]`: the n-th element of a list, counted from 1."""

    subject: Expr
    position: Expr
    span: Span | None = _span()


@_frozen_node
class Argument(Node):
    value: Expr
    name: str | None = None
    span: Span | None = _span()


@_frozen_node
class Call(Expr):
    function: str
    arguments: tuple[Argument, ...]
    span: Span | None = _span()


@_frozen_node
class ListExpr(Expr):
    items: tuple[Expr, ...]
    span: Span | None = _span()


@_frozen_node
class Comprehension(Expr):
    element: Expr
    variable: str
    source: Expr
    condition: Expr | None = None
    span: Span | None = _span()


@_frozen_node
class MonthDay(Node):
    month: str
    day: str
    span: Span | None = _span()


@_frozen_node
class Every(Expr):
    """`every Mar 10, Jun 10 from START [to END]`: a recurring schedule of dates."""

    month_days: tuple[MonthDay, ...]
    start: Expr
    end: Expr | None = None
    span: Span | None = _span()


@_frozen_node
class IfExpr(Expr):
    condition: Expr
    then: Expr
    otherwise: Expr
    span: Span | None = _span()


@_frozen_node
class AtTime(Expr):
    """`DATE at TIME`: a moment, the date and time of day together (a DateTime)."""

    date: Expr
    time: Expr
    span: Span | None = _span()


@_frozen_node
class Binary(Expr):
    """Arithmetic (+ - * /), comparison, `and`, `or`, `in` and `??`."""

    operator: str
    left: Expr
    right: Expr
    span: Span | None = _span()


@_frozen_node
class Not(Expr):
    operand: Expr
    span: Span | None = _span()


@_frozen_node
class Negate(Expr):
    operand: Expr
    span: Span | None = _span()


@_frozen_node
class IsNone(Expr):
    operand: Expr
    negated: bool = False
    span: Span | None = _span()


# --------------------------------------------------------------------- types


@_frozen_node
class TypeExpr(Node):
    """`USD`, `USD per common`, `Date`, `Status`, `Date?`, `List of Date`."""

    name: str
    per: str | None = None
    optional: bool = False
    element: "TypeExpr | None" = None  # for `List of T`
    span: Span | None = _span()


# ---------------------------------------------------------------- statements


class Statement(Node):
    pass


Block = tuple  # tuple[Statement, ...]


@_frozen_node
class Let(Statement):
    name: str
    value: Expr
    span: Span | None = _span()


@_frozen_node
class SetState(Statement):
    """`set NAME = VALUE [from DATE]`: from when the new value counts for accruals."""

    name: str
    value: Expr
    effective: Expr | None = None
    span: Span | None = _span()


@_frozen_node
class Adjust(Statement):
    name: str
    value: Expr
    span: Span | None = _span()


@_frozen_node
class Option(Node):
    name: str
    value: Expr
    span: Span | None = _span()


@_frozen_node
class Record(Statement):
    name: str
    value: Expr
    options: tuple[Option, ...] = ()  # due D, on D: dated like a payment
    span: Span | None = _span()


@_frozen_node
class Pay(Statement):
    amount: Expr
    payer: Expr
    payee: Expr
    purpose: str
    options: tuple[Option, ...] = ()
    span: Span | None = _span()


@_frozen_node
class Issue(Statement):
    quantity: Expr
    security: Expr
    recipient: Expr
    options: tuple[Option, ...] = ()
    span: Span | None = _span()


@_frozen_node
class Votes(Statement):
    quantity: Expr
    holder: Expr
    span: Span | None = _span()


@_frozen_node
class Reject(Statement):
    reason: str
    references: tuple[Expr, ...] = ()  # what the reason's {NAME} and {NAME.FIELD} read, in its order (reasons.py)
    span: Span | None = _span()


@_frozen_node
class Require(Statement):
    condition: Expr
    reason: str
    references: tuple[Expr, ...] = ()  # what the reason's {NAME} and {NAME.FIELD} read, in its order (reasons.py)
    span: Span | None = _span()


@_frozen_node
class If(Statement):
    branches: tuple[tuple[Expr, Block], ...]
    otherwise: Block | None = None
    span: Span | None = _span()


@_frozen_node
class Cite(Statement):
    """`§5(h) { ... }`: the statements inside cite §5(h) instead of the enclosing section."""

    section: str
    body: Block
    span: Span | None = _span()


@_frozen_node
class Defer(Statement):
    """`on DATE [as NAME] { ... }` inside a rule: a scheduled item created by an event.

    A named item is a deadline: until its date it is pending (`pending(NAME)`), and
    `cancel NAME` takes every pending item of that name off the timeline."""

    date: Expr
    body: Block
    name: str | None = None
    span: Span | None = _span()


@_frozen_node
class Cancel(Statement):
    """`cancel NAME`: the pending items of that name will not run (what they awaited was done in time)."""

    name: str
    span: Span | None = _span()


@_frozen_node
class Claim(Statement):
    """`upon EVENT as x { ... } otherwise { ... }` inside a scheduled rule: an event of
    that type on the same date acts on this scheduled item instead of on its own."""

    event: str
    binder: str
    body: Block
    otherwise: Block | None = None
    span: Span | None = _span()


@_frozen_node
class Stop(Statement):
    accrual: str
    span: Span | None = _span()


@_frozen_node
class Rebase(Statement):
    market: str
    ratio: Expr
    span: Span | None = _span()


@_frozen_node
class Check(Statement):
    """In an invariant: a condition that must hold, with what it means."""

    condition: Expr
    message: str
    span: Span | None = _span()


@_frozen_node
class Do(Statement):
    action: str
    arguments: tuple[Expr, ...]
    span: Span | None = _span()


@_frozen_node
class ForEach(Statement):
    variable: str
    source: Expr
    body: Block
    span: Span | None = _span()


# ------------------------------------------------------------- section items


class Item(Node):
    pass


@_frozen_node
class TextItem(Item):
    text: str
    long: bool = False
    span: Span | None = _span()


@_frozen_node
class NotComputed(Item):
    text: str | None = None
    long: bool = False
    span: Span | None = _span()


@_frozen_node
class Parameter(Item):
    name: str
    type: TypeExpr
    default: Expr | None = None
    span: Span | None = _span()


@_frozen_node
class Assumption(Item):
    name: str
    type: TypeExpr
    default: Expr
    reason: str
    span: Span | None = _span()


@_frozen_node
class Term(Item):
    name: str
    type: TypeExpr | None
    value: Expr
    span: Span | None = _span()


@_frozen_node
class StateDecl(Item):
    name: str
    type: TypeExpr
    initial: Expr
    private: bool = False
    settable: bool = False  # `parameter state`: a scenario may give its initial value
    span: Span | None = _span()


@_frozen_node
class Report(Item):
    name: str
    value: Expr
    span: Span | None = _span()


@_frozen_node
class Horizon(Item):
    value: Expr
    span: Span | None = _span()


@_frozen_node
class ScheduleDecl(Item):
    name: str
    value: Expr
    span: Span | None = _span()


@_frozen_node
class MarketDecl(Item):
    name: str
    type: TypeExpr
    span: Span | None = _span()


@_frozen_node
class TimeZoneDecl(Item):
    """`time zone "America/New_York"`: the zone of every time of day of the contract and its scenarios."""

    zone: str
    span: Span | None = _span()


@_frozen_node
class Precondition(Item):
    condition: Expr
    reason: str
    span: Span | None = _span()


@_frozen_node
class AccrualField(Node):
    name: str
    value: Expr
    span: Span | None = _span()


@_frozen_node
class AccrualDecl(Item):
    name: str
    fields: tuple[AccrualField, ...]
    span: Span | None = _span()


@_frozen_node
class FieldDecl(Node):
    name: str
    type: TypeExpr
    default: Expr | None = None
    span: Span | None = _span()


@_frozen_node
class EventDecl(Item):
    """`event NAME [at FIELD] { fields } [effective DATE]`; FIELD, a Time, is the time of day it happens."""

    name: str
    fields: tuple[FieldDecl, ...]
    effective: Expr | None = None
    time_field: str | None = None
    span: Span | None = _span()


@_frozen_node
class UponRule(Item):
    event: str
    binder: str
    body: Block
    span: Span | None = _span()


@_frozen_node
class OnEachRule(Item):
    variable: str
    dates: Expr
    body: Block
    span: Span | None = _span()


@_frozen_node
class OnDateRule(Item):
    date: Expr
    body: Block
    span: Span | None = _span()


@_frozen_node
class Action(Item):
    """A named group of statements that several rules perform with `do NAME(...)`."""

    name: str
    parameters: tuple[FieldDecl, ...]
    body: Block
    span: Span | None = _span()


@_frozen_node
class Snapshot(Item):
    """`snapshot NAME = EXPR, ...`: values reported with every effect, as they stand after its step."""

    entries: tuple[Option, ...]
    span: Span | None = _span()


@_frozen_node
class Function(Item):
    """`function NAME(PARAM: TYPE, ...) = EXPR`: a value computed the same way wherever it is needed;
    pure (it changes nothing) and total (no function calls itself, directly or not)."""

    name: str
    parameters: tuple[FieldDecl, ...]
    body: Expr
    span: Span | None = _span()


@_frozen_node
class GivenUntil(Node):
    value: Expr
    span: Span | None = _span()


@_frozen_node
class GivenParam(Node):
    name: str
    value: Expr
    span: Span | None = _span()


@_frozen_node
class GivenAssume(Node):
    name: str
    value: Expr
    span: Span | None = _span()


@_frozen_node
class GivenPrice(Node):
    date: Expr
    price: Expr
    span: Span | None = _span()


@_frozen_node
class FieldValue(Node):
    name: str
    value: Expr
    span: Span | None = _span()


@_frozen_node
class GivenEvent(Node):
    type: str
    date: Expr
    fields: tuple[FieldValue, ...] = ()
    span: Span | None = _span()


@_frozen_node
class Expectation(Node):
    condition: Expr
    span: Span | None = _span()


@_frozen_node
class Example(Item):
    name: str
    items: tuple[Node, ...]
    cites: str | None = None  # the section it defends
    span: Span | None = _span()


@_frozen_node
class GivenScenario(Node):
    path: str
    span: Span | None = _span()


@_frozen_node
class Variation(Node):
    """The second run a relational invariant compares with: `later_horizon`,
    `without_rejected`, `inserted_before` (an event put just before each event of a type),
    or `parameter_changed` (a parameter or assumption raised by, lowered by or set to an amount)."""

    kind: str
    event: str | None = None
    fields: tuple = ()  # FieldValue
    before: str | None = None
    change: str | None = None  # "raised by", "lowered by" or "set to", of the parameter named in `event`
    amount: Expr | None = None
    span: Span | None = _span()


@_frozen_node
class Invariant(Item):
    name: str
    body: Block
    variation: Variation | None = None
    cites: str | None = None  # the section it defends
    span: Span | None = _span()


@_frozen_node
class Generate(Item):
    """`generate NAME[.FIELD] from LOW to HIGH` narrows what `contract test` generates;
    `generate NAME[.FIELD] from LIST` draws it from the list (an event's date from a schedule)."""

    name: str
    field: str | None
    low: Expr
    high: Expr | None = None
    span: Span | None = _span()


# ----------------------------------------------------------------- the file


@_frozen_node
class CurrencyDecl(Node):
    """`currency USD "..."`; `currency Cash "..." = currency_code`: a template's currency, whose code
    the Text parameter gives (amounts are written in `Cash`; results show the code)."""

    name: str
    description: str | None = None
    code: str | None = None
    span: Span | None = _span()


@_frozen_node
class SecurityDecl(Node):
    name: str
    description: str | None = None
    span: Span | None = _span()


@_frozen_node
class EnumDecl(Node):
    name: str
    members: tuple[str, ...]
    span: Span | None = _span()


@_frozen_node
class Section(Node):
    label: str  # "§1(b)"
    title: str | None
    items: tuple[Item, ...]
    span: Span | None = _span()


@_frozen_node
class Contract(Node):
    title: str
    declarations: tuple[Node, ...]  # currencies, securities, enums
    sections: tuple[Section, ...]
    span: Span | None = _span()
