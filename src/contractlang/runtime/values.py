"""The values a run is given and passes around: its inputs, quotes, event records, frames, and the ways it stops."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from .. import records
from ..diagnostics import ContractError, Span


STEP_BUDGET = 10_000_000  # steps in one run: far above what any instrument needs, and seconds of time
START_OF_DAY = -1  # the moment of an item or event without a time of day: before any time of that day


# ------------------------------------------------------------------- inputs


@records.define
class Setting:
    """A value for a parameter or assumption, and where it came from."""

    value: object
    source: str  # "contract", "scenario" or "command line"
    span: Span | None = None


@records.define
class Inputs:
    """Everything a run needs besides the contract, already typed."""

    params: dict[str, Setting] = attrs.field(factory=dict)
    assumptions: dict[str, Setting] = attrs.field(factory=dict)
    until: date | None = None
    prices: dict[date, Decimal] | None = None  # the series of a contract's single market
    markets: dict[str, dict[date, Decimal]] = attrs.field(factory=dict)  # series by market name
    events: list = attrs.field(factory=list)  # scenario.BoundEvent
    path: str | None = None  # the scenario file, for positions


# -------------------------------------------------------------- run values


@records.frozen
class Quote:
    price: Decimal
    date: date


@records.define
class EventRecord:
    """An event of the scenario as a run takes it: never changed once made, but not frozen, as every event of a
    run makes one and a frozen class's set-up costs twice its plain one."""

    type: str
    index: int
    date: date  # the date it takes effect
    fields: dict
    span: Span | None = None
    filed: date | None = None  # the scenario's date, where its terms moved it


class PreconditionFailed(ContractError):
    """The inputs break a `require` of the contract itself (a parameter out of its range)."""


class CheckFailed(Exception):
    """A `check` of an invariant does not hold."""

    def __init__(self, message: str, clause: str):
        super().__init__(message)
        self.message = message
        self.clause = clause


class Rejected(Exception):
    def __init__(self, reason: str, clause: str):
        super().__init__(reason)
        self.reason = reason
        self.clause = clause


class ScheduledRuleName(tuple):
    """How messages name a scheduled rule ("the scheduled rule of §2 on 2024-04-15"), written out only when
    one does: a run names a rule for each of its dates, and writing the date was most of making its frame.

    A pair (clause, date): made by the tuple's own constructor, without a call of Python code."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"the scheduled rule of {self[0]} on {self[1]!s}"


@records.define
class Frame:
    """Where a statement runs: the clause it cites, its cause, its date and what it has computed."""

    clause: str
    cause: EventRecord | None
    today: date
    steps: list
    locals: dict
    rule: str | ScheduledRuleName  # shown in messages

    def child(self, **changes) -> "Frame":
        if not changes:  # once per iteration of a loop: made directly, which is several times faster than evolve
            return Frame(self.clause, self.cause, self.today, self.steps, dict(self.locals), self.rule)
        frame = attrs.evolve(self, **changes)
        if "locals" not in changes:
            frame.locals = dict(self.locals)
        return frame


@records.frozen
class Pair:
    """An element of `zip(a, b)`."""

    first: object
    second: object


@records.define
class Deferred:
    """An item an event's rule scheduled: its statements, and the frame they run in (with the rule's names)."""

    body: tuple
    frame: Frame
    sequence: int  # its place among the items scheduled for one date
    name: str | None = None  # `on DATE as NAME`: pending until it runs, unless cancelled
