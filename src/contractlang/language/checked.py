"""What the checker hands on: a contract that passed every check, with what evaluation needs.

The runtime and the later stages read a contract only through these classes:
its tree, its symbol table, the type of every expression and the signature of
every event, never the checker's own workings.
"""

from __future__ import annotations

import functools

import attrs

from . import ast
from . import types as T

NO_DEFAULT = object()  # an event field that a scenario must give


@attrs.frozen
class FieldSpec:
    """One field of an event: its type, and the value taken when a scenario leaves it out."""

    type: T.Type
    default: object = NO_DEFAULT


@attrs.frozen
class EventSpec:
    """An event a scenario may contain: its name and its fields, in order, and the field that gives
    its time of day, if it has one."""

    name: str
    fields: dict
    time_field: str | None = None


@attrs.define
class Symbol:
    """A name declared in the contract, with the section it was declared in."""

    name: str
    kind: str  # parameter, assumption, term, schedule, state, report, market, accrual, event, action, member
    type: T.Type
    node: ast.Node
    section: str
    amount_type: T.Type | None = None  # for an accrual: the type of what it accrues
    checking: bool = False  # set while its own expression is being typed (a cycle guard)


@attrs.define
class CheckedContract:
    """A contract that passed every check, with what evaluation needs."""

    tree: ast.Contract
    path: str
    text: str
    symbols: dict[str, Symbol]
    types: dict[int, T.Type]
    events: dict[str, EventSpec]
    event_sections: dict[str, str]
    currencies: tuple[str, ...]
    formulas: dict[int, str | None] = attrs.field(factory=dict)  # explanation texts, by node, made once
    compiled: dict[int, object] = attrs.field(factory=dict)  # expressions as closures, by node, made once
    warnings: list = attrs.field(factory=list)  # diagnostics of severity "warning" (the order of a day)

    @property
    def title(self) -> str:
        return self.tree.title

    @functools.cached_property
    def time_zone(self) -> str | None:
        """The zone every time of day of the contract is in (`time zone "..."`), if it says one."""
        return next((item.zone for section in self.tree.sections for item in section.items
                     if isinstance(item, ast.TimeZoneDecl)), None)

    @functools.cached_property
    def functions(self) -> dict[str, ast.Function]:
        """The contract's own functions, by name (calls of any other name are built-ins)."""
        return {s.name: s.node for s in self.symbols.values() if s.kind == "function"}

    def type_of(self, node: ast.Node) -> T.Type:
        return self.types[id(node)]
