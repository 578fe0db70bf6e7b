"""What the checker hands on: a contract that passed every check, with what evaluation needs.

The runtime and the later stages read a contract only through these classes:
its tree, its symbol table, the type of every expression and the signature of
every event, never the checker's own workings.
"""

from __future__ import annotations

import functools

import attrs

from .. import records
from . import ast
from . import types as T

NO_DEFAULT = object()  # an event field that a scenario must give
TEST_ITEMS = (ast.Example, ast.Invariant, ast.Generate)  # the items only `contract test` runs


@records.frozen
class FieldSpec:
    """One field of an event: its type, and the value taken when a scenario leaves it out."""

    type: T.Type
    default: object = NO_DEFAULT


@records.frozen
class EventSpec:
    """An event a scenario may contain: its name and its fields, in order, and the field that gives
    its time of day, if it has one."""

    name: str
    fields: dict
    time_field: str | None = None


@records.define
class Symbol:
    """A name declared in the contract, with the section it was declared in."""

    name: str
    kind: str  # parameter, assumption, term, schedule, state, report, market, accrual, event, action, member
    type: T.Type
    node: ast.Node
    section: str
    amount_type: T.Type | None = None  # for an accrual: the type of what it accrues
    checking: bool = False  # set while its own expression is being typed (a cycle guard)


@records.define
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
    blocks: dict[int, object] = attrs.field(factory=dict)  # blocks of statements as closures, by block, made once
    arguments: dict[int, tuple] = attrs.field(factory=dict)  # the closures of a call's arguments, by call
    item_index: dict[tuple, tuple] = attrs.field(factory=dict)  # see items_of
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

    def items_of(self, *kinds: type) -> tuple[tuple[str, ast.Node], ...]:
        """The section items of those kinds, each with its section's label, in the order written.

        Found once per contract: every run asks for them."""
        found = self.item_index.get(kinds)
        if found is None:
            found = self.item_index[kinds] = tuple((section.label, item) for section in self.tree.sections
                                                   for item in section.items if isinstance(item, kinds))
        return found

    def for_evaluation(self) -> CheckedContract:
        """The contract as an evaluation reads it: without its examples, invariants and generators, which only
        `contract test` runs and which are most of a documented contract's tree (so a start that evaluates
        reads that much less of the cache). Every other item, name and type is the same."""
        sections = tuple(attrs.evolve(section, items=tuple(item for item in section.items
                                                           if not isinstance(item, TEST_ITEMS)))
                         for section in self.tree.sections)
        tree = attrs.evolve(self.tree, sections=sections)
        kept = {id(node) for node in ast.walk(tree)}
        return CheckedContract(tree, self.path, self.text,
                               {name: symbol for name, symbol in self.symbols.items() if id(symbol.node) in kept},
                               {node: type_ for node, type_ in self.types.items() if node in kept},
                               self.events, self.event_sections, self.currencies, warnings=self.warnings)

    @functools.cached_property
    def currency_code_parameters(self) -> dict[str, str]:
        """The currencies whose code a template's parameter gives, each with that parameter's name."""
        found = {}
        for declaration in self.tree.declarations:
            if isinstance(declaration, ast.CurrencyDecl) and declaration.code:
                found.setdefault(declaration.name, declaration.code)
        return found

    @functools.cached_property
    def handlers(self) -> dict[str, tuple[str, ast.UponRule]]:
        """The rule that handles each event, with its section's label (the last written, if several)."""
        return {rule.event: (label, rule) for label, rule in self.items_of(ast.UponRule)}
