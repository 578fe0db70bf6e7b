"""Static checks, before anything runs: names, types and units, declarations, sections.

`check(contract, path, text)` returns a `CheckedContract` (the tree plus what the
interpreter needs: the type of every expression, the symbol table, the event
signatures) or raises ContractError with every problem found, each at its
position. Problems are collected, not thrown one by one, so an author sees them
all at once.
"""

from __future__ import annotations

import re

import attrs

from . import ast
from . import types as T
from ..diagnostics import ContractError, Diagnostic, Span, closest
from .day_order import day_order_warnings
from .checked import NO_DEFAULT, CheckedContract, EventSpec, FieldSpec, Symbol
from .builtins import BUILTIN_FUNCTIONS
from .expressions import ExpressionChecks, UnknownUnit
from .parser import parse, read_source
from .properties import check_example, check_generate, invariant_scope
from .scope import Context, Scope

ACCRUAL_FIELDS = {"on", "annual_rate", "day_count", "start", "boundaries", "frequency", "termination"}
PAY_OPTIONS = {"due": T.DATE, "on": T.DATE, "period": T.PERIOD, "rounding": T.SETTLEMENT, "even_when_zero": T.BOOL}
RECORD_OPTIONS = {"due": T.DATE, "on": T.DATE}
REASON_KINDS = ("term", "parameter", "assumption", "state")  # the contract's names a reason may write
_FOLLOW_ON = re.compile(r"\bUnknown\b")  # the type of what an earlier problem left unknown


class Checker(ExpressionChecks):
    def __init__(self, contract: ast.Contract, path: str, text: str):
        self.contract = contract
        self.path = path
        self.text = text
        self.problems: list[Diagnostic] = []
        self.symbols: dict[str, Symbol] = {}
        self.types: dict[int, T.Type] = {}
        self.currencies: list[str] = []
        self.securities: list[str] = []
        self.enums: dict[str, T.Enum] = {}
        self.members: dict[str, T.Enum] = {}
        self.accrual_bases: set[str] = set()
        self.deadlines: set[str] = set()  # the names of items rules schedule with `on DATE as NAME`
        self.time_zone: ast.TimeZoneDecl | None = None
        self.issued: set[str | None] = set()  # the securities `issue` statements name (None: one a run computes)

    # ------------------------------------------------------------- reporting
    def problem(self, message: str, node: ast.Node | None) -> None:
        """Record a problem once; one that follows from an earlier one (a type that could not be
        known) is left out, since the earlier message says what to fix."""
        self.problem_at(message, node.span if node is not None else None)

    def problem_at(self, message: str, span: Span | None) -> None:
        if self.problems and _FOLLOW_ON.search(message):
            return
        if any(p.message == message and p.span == span for p in self.problems):
            return
        self.problems.append(Diagnostic(message, span, self.text))

    # ------------------------------------------------------------- the passes
    def run(self) -> CheckedContract:
        self.declare_units()
        self.declare_names()
        self.check_sections()
        self.check_declarations()
        self.check_currency_codes()
        self.check_rules()
        self.check_cycles()
        if self.problems:
            raise ContractError(self.problems)
        events = {}
        event_sections = {}
        for symbol in self.symbols.values():
            if symbol.kind == "event":
                node: ast.EventDecl = symbol.node
                fields = {}
                for field in node.fields:
                    default = NO_DEFAULT
                    if field.default is not None:
                        default = _literal_value(field.default)
                    fields[field.name] = FieldSpec(self.resolve_type(field.type, report=False), default)
                events[node.name] = EventSpec(node.name, fields, node.time_field)
                event_sections[node.name] = symbol.section
        checked = CheckedContract(self.contract, self.path, self.text, self.symbols, self.types, events,
                                  event_sections, tuple(self.currencies))
        checked.warnings = [Diagnostic(message, node.span, self.text, severity="warning")
                            for node, message in day_order_warnings(self.contract)]
        return checked

    def declare_units(self) -> None:
        seen: dict[str, ast.Node] = {}
        for declaration in self.contract.declarations:
            name = declaration.name
            if name in T.SHARE_NAMES:
                self.problem(f"'{name}' is the unit of a count of shares of any class: "
                             "a security is named otherwise", declaration)
                continue
            if name in seen or name in T.BUILTIN_TYPES or name in ("days", "day", "List", "today", "until"):
                self.problem(f"'{name}' is already defined", declaration)
                continue
            seen[name] = declaration
            if isinstance(declaration, ast.CurrencyDecl):
                self.currencies.append(name)
            elif isinstance(declaration, ast.SecurityDecl):
                self.securities.append(name)
            elif isinstance(declaration, ast.EnumDecl):
                enum = T.Enum(name, declaration.members)
                self.enums[name] = enum
                for member in declaration.members:
                    if member in self.members:
                        self.problem(f"'{member}' is already a member of {self.members[member].name}", declaration)
                    self.members[member] = enum
        for builtin in (T.CONVENTION,):
            for member in builtin.members:
                if member.isidentifier() and member != "none" and member not in self.members:
                    self.members[member] = builtin

    def declare(self, name: str, kind: str, type_: T.Type, node: ast.Node, section: str) -> None:
        taken = name in self.symbols or name in self.members or name in ("today", "until")
        if taken or name in self.currencies or name in self.securities or name in self.enums:
            self.problem(f"'{name}' is already defined", node)
            return
        self.symbols[name] = Symbol(name, kind, type_, node, section)

    def declare_names(self) -> None:
        """Every section-level name, before any expression is looked at (order is free)."""
        for section in self.contract.sections:
            for item in section.items:
                label = section.label
                if isinstance(item, ast.Parameter):
                    self.declare(item.name, "parameter", self.resolve_type(item.type), item, label)
                elif isinstance(item, ast.Assumption):
                    self.declare(item.name, "assumption", self.resolve_type(item.type), item, label)
                elif isinstance(item, ast.StateDecl):
                    self.declare(item.name, "state", self.resolve_type(item.type), item, label)
                elif isinstance(item, ast.MarketDecl):
                    type_ = self.resolve_type(item.type)
                    if not isinstance(type_, T.Number):
                        self.problem("a market is a series of numbers: a price (USD per common), a rate (Decimal), "
                                     "an exchange rate (USD per EUR)", item.type)
                    self.declare(item.name, "market", type_, item, label)
                elif isinstance(item, ast.EventDecl):
                    self.declare(item.name, "event", T.Simple("Event"), item, label)
                elif isinstance(item, ast.Action):
                    self.declare(item.name, "action", T.Simple("Action"), item, label)
                elif isinstance(item, ast.Function):
                    self.declare(item.name, "function", T.Simple("Unknown"), item, label)
                elif isinstance(item, (ast.Term, ast.ScheduleDecl, ast.Report, ast.AccrualDecl)):
                    kind = {ast.Term: "term", ast.ScheduleDecl: "schedule", ast.Report: "report",
                            ast.AccrualDecl: "accrual"}[type(item)]
                    # the type is known once its expression is checked
                    self.declare(item.name, kind, T.Simple("Unknown"), item, label)

    def check_sections(self) -> None:
        labels: dict[str, ast.Section] = {}
        for section in self.contract.sections:
            if section.label in labels:
                self.problem(f"section {section.label} appears twice", section)
            labels[section.label] = section
            if not section.items:
                self.problem(f"section {section.label} is empty: give its rules, or its text marked 'not computed'", section)
            computed = any(not isinstance(i, (ast.TextItem, ast.NotComputed)) for i in section.items)
            marked = any(isinstance(i, ast.NotComputed) for i in section.items)
            if computed and marked:
                self.problem(f"section {section.label} has rules but is marked 'not computed'", section)
        horizons = [i for s in self.contract.sections for i in s.items if isinstance(i, ast.Horizon)]
        for extra in horizons[1:]:
            self.problem("only one 'horizon' may be declared", extra)

    # --------------------------------------------------------------- types
    def resolve_type(self, node: ast.TypeExpr, report: bool = True) -> T.Type:
        if node.name == "List":
            element = self.resolve_type(node.element, report)
            if report:
                self.single_values(element, node.element)
            return T.ListOf(element)
        base: T.Type
        if node.per is not None:
            try:
                base = T.Number(self.unit_of(node.name, node) / self.unit_of(node.per, node))
            except UnknownUnit as problem:
                if report:
                    self.problem(str(problem), node)
                base = T.Simple("Unknown")
        elif node.name in T.BUILTIN_TYPES:
            base = T.BUILTIN_TYPES[node.name]
        elif node.name in self.enums:
            base = self.enums[node.name]
        elif node.name in self.currencies or node.name in self.securities or node.name in T.SHARE_NAMES:
            base = T.Number(self.unit_of(node.name, node))
        else:
            if report:
                known = list(T.BUILTIN_TYPES) + list(self.enums) + self.currencies + self.securities + ["shares"]
                hint = closest(node.name, known)
                self.problem(f"unknown type '{node.name}'" + (f"; did you mean '{hint}'?" if hint else ""), node)
            base = T.Simple("Unknown")
        return T.Optional(base) if node.optional else base

    def single_values(self, element: T.Type, node: ast.Node) -> None:
        """Lists hold single values: a list of lists could show, copy or compare far more than it costs to build."""
        if isinstance(element, T.ListOf):
            self.problem("a list holds single values, not lists: every run is bounded", node)

    def unit_of(self, name: str, node: ast.Node) -> T.Unit:
        if name in self.currencies or name in self.securities:
            return T.Unit.of(name)
        if name in T.SHARE_NAMES:
            return T.Unit.of(T.SHARE)
        hint = closest(name, self.currencies + self.securities + ["shares"])
        raise UnknownUnit(f"unknown unit '{name}': declare it with 'currency' or 'security'"
                         + (f"; did you mean '{hint}'?" if hint else ""))

    # ---------------------------------------------------------- declarations
    def global_scope(self) -> Scope:
        scope = Scope()
        scope.names["until"] = T.DATE
        return scope

    def symbol_type(self, name: str) -> T.Type | None:
        symbol = self.symbols.get(name)
        if symbol is None:
            return None
        if symbol.type == T.Simple("Unknown") and symbol.kind in ("term", "schedule", "report", "function"):
            self.check_value_symbol(symbol)
        return symbol.type

    def check_value_symbol(self, symbol: Symbol) -> None:
        """Type a term, schedule or report on first use (they may be declared in any order)."""
        if symbol.checking:
            return  # a cycle; reported by check_cycles
        symbol.checking = True
        node = symbol.node
        scope = self.global_scope()
        if isinstance(node, ast.Term):
            expected = self.resolve_type(node.type) if node.type is not None else None
            found = self.expr(node.value, scope, Context(symbol.section), expected)
            if expected is not None:
                self.expect(found, expected, node.value, f"term '{node.name}'")
                found = expected
            symbol.type = found
        elif isinstance(node, ast.ScheduleDecl):
            found = self.expr(node.value, scope, Context(symbol.section), T.ListOf(T.DATE))
            self.expect(found, T.ListOf(T.DATE), node.value, f"schedule '{node.name}'")
            symbol.type = T.ListOf(T.DATE)
        elif isinstance(node, ast.Report):
            symbol.type = self.expr(node.value, scope, Context(symbol.section))
        elif isinstance(node, ast.Function):
            inner = Scope(scope)
            for parameter in node.parameters:
                if parameter.name in inner.names or parameter.name in self.symbols:
                    self.problem(f"parameter '{parameter.name}' is already defined", parameter)
                inner.names[parameter.name] = self.resolve_type(parameter.type)
            symbol.type = self.expr(node.body, inner, Context(symbol.section))
        symbol.checking = False

    def check_currency_codes(self) -> None:
        """A template's currency takes its code from a Text parameter."""
        for declaration in self.contract.declarations:
            if isinstance(declaration, ast.CurrencyDecl) and declaration.code is not None:
                symbol = self.symbols.get(declaration.code)
                if symbol is None or symbol.kind != "parameter":
                    self.unknown(declaration.code, declaration, kinds=("parameter",))
                elif symbol.type != T.TEXT:
                    self.problem(f"the code of currency {declaration.name} is a Text parameter, not "
                                 f"{T.describe(symbol.type)}", declaration)

    def check_declarations(self) -> None:
        for section in self.contract.sections:
            context = Context(section.label)
            for item in section.items:
                scope = self.global_scope()
                if isinstance(item, (ast.Term, ast.ScheduleDecl, ast.Report)):
                    symbol = self.symbols.get(item.name)
                    if symbol is not None and symbol.node is item:
                        self.symbol_type(item.name)
                elif isinstance(item, ast.Parameter) and item.default is not None:
                    declared = self.resolve_type(item.type, report=False)
                    self.expect(self.expr(item.default, scope, context, declared), declared, item.default,
                                f"the default of parameter '{item.name}'")
                    self.require_literal(item.default, f"the default of parameter '{item.name}'")
                elif isinstance(item, ast.Assumption):
                    declared = self.resolve_type(item.type, report=False)
                    self.expect(self.expr(item.default, scope, context, declared), declared, item.default,
                                f"the default of assumption '{item.name}'")
                    self.require_literal(item.default, f"the default of assumption '{item.name}'")
                elif isinstance(item, ast.StateDecl):
                    declared = self.resolve_type(item.type, report=False)
                    self.expect(self.expr(item.initial, scope, context, declared), declared, item.initial,
                                f"the initial value of state '{item.name}'")
                elif isinstance(item, ast.Horizon):
                    self.expect(self.expr(item.value, scope, context), T.DATE, item.value, "the horizon")
                elif isinstance(item, ast.Precondition):
                    self.expect(self.expr(item.condition, scope, context), T.BOOL, item.condition, "a requirement")
                elif isinstance(item, ast.AccrualDecl):
                    self.check_accrual(item, scope, context)
                elif isinstance(item, ast.EventDecl):
                    self.check_event_decl(item, context)
                elif isinstance(item, ast.TimeZoneDecl):
                    self.check_time_zone(item)

    def check_time_zone(self, item: ast.TimeZoneDecl) -> None:
        from zoneinfo import available_timezones, ZoneInfo, ZoneInfoNotFoundError

        if self.time_zone is not None:
            self.problem(f"the contract's time zone is already given (line {self.time_zone.span.line}): "
                         "every time of day of a contract is in one zone", item)
            return
        self.time_zone = item
        try:
            ZoneInfo(item.zone)
        except (ZoneInfoNotFoundError, ValueError):
            hint = closest(item.zone, sorted(available_timezones()))
            self.problem(f"'{item.zone}' is not a time zone of the IANA database"
                         + (f"; did you mean '{hint}'?" if hint else " (for example \"America/New_York\")"), item)

    def require_literal(self, node: ast.Expr, what: str) -> None:
        if _literal_value(node) is NO_DEFAULT:
            self.problem(f"{what} must be a literal value (a scenario can override it)", node)

    def check_accrual(self, item: ast.AccrualDecl, scope: Scope, context: Context) -> None:
        fields = {}
        for field in item.fields:
            if field.name not in ACCRUAL_FIELDS:
                hint = closest(field.name, ACCRUAL_FIELDS)
                self.problem(f"an accrual has no field '{field.name}'" + (f"; did you mean '{hint}'?" if hint else ""), field)
            elif field.name in fields:
                self.problem(f"field '{field.name}' is given twice", field)
            fields[field.name] = field
        for required in ("on", "annual_rate", "day_count", "start"):
            if required not in fields:
                self.problem(f"accrual '{item.name}' needs '{required}:'", item)
        symbol = self.symbols.get(item.name)
        amount_type: T.Type = T.Simple("Unknown")
        base = fields.get("on")
        if base is not None:
            state = base.value
            if not isinstance(state, ast.Name) or self.symbols.get(state.name, None) is None \
                    or self.symbols[state.name].kind != "state":
                self.problem("an accrual accrues on a state (for example 'on: outstanding_principal')", base.value)
            else:
                self.accrual_bases.add(state.name)
            for name in ast.names_in(fields["annual_rate"].value) if "annual_rate" in fields else ():
                if name in self.symbols and self.symbols[name].kind == "state":
                    self.accrual_bases.add(name)  # a rate state's change may be dated for the accrual too
            base_type = self.expr(base.value, scope, context)
            rate_type = self.expr(fields["annual_rate"].value, scope, context) if "annual_rate" in fields else None
            if "annual_rate" in fields:
                self.check_rate_follows_states(fields["annual_rate"].value)
            if isinstance(base_type, T.Number) and isinstance(rate_type, T.Number):
                amount_type = T.Number(base_type.unit * rate_type.unit)
            elif base_type != T.Simple("Unknown"):
                self.problem(f"an accrual needs a number to accrue on and a number as its rate, not {base_type} and {rate_type}", item)
        if "day_count" in fields:
            self.expect(self.expr(fields["day_count"].value, scope, context, T.DAY_COUNT), T.DAY_COUNT,
                        fields["day_count"].value, "the day count")
        if "start" in fields:
            self.expect(self.expr(fields["start"].value, scope, context), T.DATE, fields["start"].value, "the accrual start")
        if "boundaries" in fields:
            self.expect(self.expr(fields["boundaries"].value, scope, context, T.ListOf(T.DATE)), T.ListOf(T.DATE),
                        fields["boundaries"].value, "the period boundaries")
        if "frequency" in fields:
            self.expect(self.expr(fields["frequency"].value, scope, context, T.INTEGER), T.INTEGER,
                        fields["frequency"].value, "the periods a year")
        if "termination" in fields:
            self.expect(self.expr(fields["termination"].value, scope, context), T.DATE,
                        fields["termination"].value, "the final date")
        if symbol is not None and symbol.node is item:
            symbol.type = T.Simple("Accrual")
            symbol.amount_type = amount_type

    def check_rate_follows_states(self, rate: ast.Expr) -> None:
        """An accrual's rate is kept in step with the states it names; anything else it could read
        (a price series, the day) would be read once and go stale, a silent wrong result."""
        for node in ast.walk(rate):
            if isinstance(node, ast.Call) and node.function in ("quote_before", "quote_on_or_before", "pending"):
                self.problem(f"an accrual's rate cannot read {node.function}(): it would be read once; keep the "
                             "rate in a state that the rule of each reset sets, and name that state here", node)
            elif isinstance(node, ast.Name) and node.name in ("today", "until"):
                self.problem(f"an accrual's rate cannot read '{node.name}': keep the rate in a state that the "
                             "rule of each reset sets, and name that state here", node)

    def check_event_decl(self, item: ast.EventDecl, context: Context) -> None:
        seen = set()
        for field in item.fields:
            if field.name in seen or field.name in ("date", "filed", "index"):
                self.problem(f"field '{field.name}' is already defined" if field.name in seen
                             else f"'{field.name}' is every event's own field; choose another name", field)
            seen.add(field.name)
            declared = self.resolve_type(field.type)
            if field.default is not None:
                self.expect(self.expr(field.default, self.global_scope(), context, declared), declared,
                            field.default, f"the default of field '{field.name}'")
                self.require_literal(field.default, f"the default of field '{field.name}'")
        if item.effective is not None:
            scope = self.global_scope()
            scope.names["date"] = T.DATE
            self.expect(self.expr(item.effective, scope, context), T.DATE, item.effective, "the effective date")
        if item.time_field is not None:
            timed = next((f for f in item.fields if f.name == item.time_field), None)
            if timed is None:
                self.problem(f"'{item.time_field}' is not a field of {item.name}: an event happens at the time of day "
                             "one of its fields gives", item)
            elif self.resolve_type(timed.type, report=False) != T.TIME:
                self.problem(f"the time of day of {item.name} is a Time field, and '{timed.name}' is not one", timed)

    def expect_moment(self, found: T.Type, node: ast.Expr, what: str) -> None:
        """A scheduled item runs on a date (at the start of the day) or at a moment (a DateTime)."""
        if found != T.DATETIME:
            self.expect(found, T.DATE, node, what + " (a Date, or a DateTime: DATE at TIME)")

    def event_record_type(self, name: str) -> T.Type:
        return T.Simple(f"event {name}")

    # ---------------------------------------------------------------- rules
    def check_rules(self) -> None:
        handled: dict[str, ast.UponRule] = {}
        claimed = set()
        for section in self.contract.sections:  # one pass: the events claimed, the deadlines named, the securities issued
            for item in section.items:
                if isinstance(item, (ast.TextItem, ast.NotComputed, ast.Example, ast.Invariant)):
                    continue  # neither claims nor schedules
                for node in ast.walk(item):
                    if isinstance(node, ast.Claim):
                        claimed.add(node.event)
                    elif isinstance(node, ast.Issue):
                        self.issued.add(node.security.value if isinstance(node.security, ast.StringLit) else None)
                    elif isinstance(node, ast.Defer) and node.name is not None:
                        if node.name in self.symbols or node.name in self.members:
                            self.problem(f"'{node.name}' is already defined; name the scheduled item otherwise", node)
                        self.deadlines.add(node.name)
        for section in self.contract.sections:
            for item in section.items:
                if isinstance(item, ast.UponRule):
                    if item.event in handled:
                        self.problem(f"{item.event} already has an 'upon' rule (at line {handled[item.event].span.line}):"
                                     " one rule handles an event; cite other clauses inside it", item)
                    handled[item.event] = item
        for symbol in self.symbols.values():
            if symbol.kind == "event" and symbol.name not in handled and symbol.name not in claimed:
                self.problem(f"event '{symbol.name}' has no rule: add 'upon {symbol.name} as ...' "
                             "(or a claim in a scheduled rule)", symbol.node)
        for section in self.contract.sections:
            for item in section.items:
                scope = self.global_scope()
                scope = Scope(scope)
                scope.names["today"] = T.DATE
                if isinstance(item, ast.UponRule):
                    symbol = self.symbols.get(item.event)
                    if symbol is None or symbol.kind != "event":
                        self.unknown(item.event, item, kinds=("event",))
                    else:
                        scope.names[item.binder] = self.event_record_type(item.event)
                    self.block(item.body, scope, Context(section.label, in_event=True))
                elif isinstance(item, ast.OnEachRule):
                    found = self.expr(item.dates, scope, Context(section.label), T.ListOf(T.DATE))
                    moments = found == T.ListOf(T.DATETIME)  # each at its time of day
                    if not moments:
                        self.expect(found, T.ListOf(T.DATE), item.dates, "the dates of a scheduled rule")
                    scope.names[item.variable] = T.DATETIME if moments else T.DATE
                    self.block(item.body, scope, Context(section.label, in_schedule=True))
                elif isinstance(item, ast.OnDateRule):
                    self.expect_moment(self.expr(item.date, scope, Context(section.label)), item.date,
                                       "the date of a scheduled rule")
                    self.block(item.body, scope, Context(section.label, in_schedule=True))
                elif isinstance(item, ast.Action):
                    for parameter in item.parameters:
                        if parameter.name in scope.names:
                            self.problem(f"parameter '{parameter.name}' is already defined", parameter)
                        scope.names[parameter.name] = self.resolve_type(parameter.type)
                    self.block(item.body, scope, Context(section.label, in_event=True, in_schedule=True, in_action=True))
                elif isinstance(item, (ast.Invariant, ast.Example)):
                    labels = {s.label for s in self.contract.sections}
                    if item.cites is not None and item.cites not in labels:
                        hint = closest(item.cites, labels)
                        self.problem(f"'{item.name}' cites {item.cites}, which this contract does not have"
                                     + (f"; did you mean {hint}?" if hint else ""), item)
                    clause = item.cites or section.label
                    if isinstance(item, ast.Invariant):
                        self.check_invariant(item, clause)
                    else:
                        self.check_example(item, clause)
                elif isinstance(item, ast.Generate):
                    check_generate(self, item, section.label)
                elif isinstance(item, ast.Snapshot):
                    seen = set()
                    for entry in item.entries:
                        if entry.name in seen:
                            self.problem(f"'{entry.name}' is already in the snapshot", entry)
                        seen.add(entry.name)
                        self.expr(entry.value, scope, Context(section.label))

    def block(self, statements, scope: Scope, context: Context, new_scope: bool = True) -> None:
        inner = Scope(scope) if new_scope else scope
        for statement in statements:
            self.statement(statement, inner, context)

    def statement(self, node: ast.Statement, scope: Scope, context: Context) -> None:
        if isinstance(node, ast.Let):
            if scope.lookup(node.name) is not None or node.name in self.symbols or node.name in self.members:
                self.problem(f"'{node.name}' is already defined", node)
            scope.names[node.name] = self.expr(node.value, scope, context)
            return
        if isinstance(node, ast.Check):
            if not context.in_invariant:
                self.problem("'check' belongs in an invariant", node)
            self.expect(self.expr(node.condition, scope, context), T.BOOL, node.condition, "a check")
            return
        if isinstance(node, ast.If):
            for condition, body in node.branches:
                self.expect(self.expr(condition, scope, context), T.BOOL, condition, "a condition")
                self.block(body, scope, context)
            if node.otherwise is not None:
                self.block(node.otherwise, scope, context)
            return
        if isinstance(node, ast.ForEach):
            source = self.expr(node.source, scope, context)
            inner = Scope(scope)
            if isinstance(source, T.ListOf):
                inner.names[node.variable] = source.element
            else:
                self.problem(f"'for' needs a list, not {source}", node.source)
                inner.names[node.variable] = T.Simple("Unknown")
            self.block(node.body, inner, context, new_scope=False)
            return
        if isinstance(node, ast.Cite):
            self.block(node.body, scope, attrs.evolve(context, section=node.section), new_scope=False)
            return
        if context.in_invariant:
            self.problem("an invariant only states facts: it cannot pay, issue, change state or reject", node)
            return
        if isinstance(node, ast.SetState):
            declared = self.state_type(node.name, node)
            self.expect(self.expr(node.value, scope, context, declared), declared, node.value, f"state '{node.name}'")
            if node.effective is not None:
                if node.name not in self.accrual_bases:
                    self.problem(f"'from' dates a change for accruals, and no accrual accrues on '{node.name}' "
                                 "or at a rate that names it", node.effective)
                self.expect(self.expr(node.effective, scope, context), T.DATE, node.effective, "the date a change counts from")
        elif isinstance(node, ast.Adjust):
            declared = self.state_type(node.name, node)
            self.expect(self.expr(node.value, scope, context, declared), declared, node.value, f"state '{node.name}'")
        elif isinstance(node, ast.Record):
            symbol = self.symbols.get(node.name)
            expected = symbol.type if symbol is not None and symbol.kind == "state" else None
            found = self.expr(node.value, scope, context, expected)
            if expected is not None:
                self.expect(found, expected, node.value, f"state '{node.name}'")
            elif symbol is not None:
                article = "an" if symbol.kind[0] in "aeiou" else "a"
                self.problem(f"'{node.name}' is {article} {symbol.kind}; a record names a state or a new fact", node)
            self.options(node.options, RECORD_OPTIONS, scope, context, "a record")
        elif isinstance(node, ast.Pay):
            amount = self.expr(node.amount, scope, context)
            if isinstance(amount, T.Accrued):
                amount = amount.amount
            if not (isinstance(amount, T.Number) and amount.unit.single_base() in self.currencies):
                self.problem(f"a payment is an amount of money, not {amount}", node.amount)
            self.expect(self.expr(node.payer, scope, context), T.TEXT, node.payer, "the payer")
            self.expect(self.expr(node.payee, scope, context), T.TEXT, node.payee, "the payee")
            self.options(node.options, PAY_OPTIONS, scope, context, "a payment")
        elif isinstance(node, ast.Issue):
            quantity = self.expr(node.quantity, scope, context)
            issued = quantity.unit.single_base() if isinstance(quantity, T.Number) else None
            if issued not in self.securities:
                self.problem(f"an issue delivers a number of shares of a security, not {quantity}"
                             + ("; count them as a security's with counted_as(x, SECURITY)" if issued == T.SHARE else ""),
                             node.quantity)
            self.expect(self.expr(node.security, scope, context), T.TEXT, node.security, "the security's name")
            named = node.security.value if isinstance(node.security, ast.StringLit) else None
            if named in self.securities and issued in self.securities and named != issued:
                self.problem(f"the shares issued are {issued}, not {named}", node.quantity)
            if isinstance(node.security, ast.StringLit) and node.security.value not in self.securities:
                hint = closest(node.security.value, self.securities)
                self.problem(f"'{node.security.value}' is not a security this contract declares"
                             + (f"; did you mean '{hint}'?" if hint else "")
                             + f" (it declares: {', '.join(self.securities) or 'none'})", node.security)
            self.expect(self.expr(node.recipient, scope, context), T.TEXT, node.recipient, "the recipient")
            for option in node.options:
                found = self.expr(option.value, scope, context)
                if option.name == "price":
                    if not (isinstance(found, T.Quote) or (isinstance(found, T.Number) and not found.unit.is_plain)):
                        self.problem(f"a price is money per share, not {found}", option.value)
                elif option.name == "price_date":
                    self.expect(found, T.DATE, option.value, "the price date")
                else:
                    self.problem(f"an issue has no option '{option.name}' (it has: price, price_date)", option)
        elif isinstance(node, ast.Votes):
            quantity = self.expr(node.quantity, scope, context)
            if not (isinstance(quantity, T.Number) and quantity.unit.single_base() in self.securities):
                self.problem(f"votes are counted in shares of a security, not {quantity}", node.quantity)
            self.expect(self.expr(node.holder, scope, context), T.TEXT, node.holder, "the holder")
        elif isinstance(node, (ast.Reject, ast.Require)):
            if not context.in_event:
                self.problem("only an event can be rejected: 'reject' and 'require' belong in an 'upon' rule", node)
            if isinstance(node, ast.Require):
                self.expect(self.expr(node.condition, scope, context), T.BOOL, node.condition, "a requirement")
            for reference in node.references:
                self.reason_value(reference, scope, context)
        elif isinstance(node, ast.Defer):
            if not context.in_event or context.in_action:
                self.problem("'on DATE' inside a rule schedules an item for an event: it belongs in an 'upon' rule", node)
            self.expect_moment(self.expr(node.date, scope, context), node.date, "the date of the scheduled item")
            self.block(node.body, scope, attrs.evolve(context, in_schedule=False))
        elif isinstance(node, ast.Claim):
            symbol = self.symbols.get(node.event)
            if not context.in_schedule or context.in_action:
                self.problem("'upon' inside a rule lets an event act on a scheduled item: it belongs in an 'on' rule", node)
            inner = Scope(scope)
            if symbol is None or symbol.kind != "event":
                self.unknown(node.event, node, kinds=("event",))
            else:
                inner.names[node.binder] = self.event_record_type(node.event)
            self.block(node.body, inner, attrs.evolve(context, in_event=True), new_scope=False)
            if node.otherwise is not None:
                self.block(node.otherwise, scope, context)
        elif isinstance(node, ast.Cancel):
            self.deadline_name(node.name, node)
        elif isinstance(node, ast.Stop):
            symbol = self.symbols.get(node.accrual)
            if symbol is None or symbol.kind != "accrual":
                self.unknown(node.accrual, node, kinds=("accrual",))
        elif isinstance(node, ast.Rebase):
            symbol = self.symbols.get(node.market)
            if symbol is None or symbol.kind != "market":
                self.unknown(node.market, node, kinds=("market",))
            self.expect(self.expr(node.ratio, scope, context), T.DECIMAL, node.ratio, "a split ratio")
        elif isinstance(node, ast.Do):
            symbol = self.symbols.get(node.action)
            if symbol is None or symbol.kind != "action":
                self.unknown(node.action, node, kinds=("action",))
                return
            action: ast.Action = symbol.node
            if len(node.arguments) != len(action.parameters):
                self.problem(f"action '{node.action}' takes {len(action.parameters)} values, not {len(node.arguments)}", node)
            for argument, parameter in zip(node.arguments, action.parameters):
                declared = self.resolve_type(parameter.type, report=False)
                self.expect(self.expr(argument, scope, context, declared), declared, argument, f"'{parameter.name}'")
        else:  # pragma: no cover - the grammar has no other statement
            self.problem(f"unexpected statement {type(node).__name__}", node)

    def reason_value(self, reference: ast.Expr, scope: Scope, context: Context) -> None:
        """A `{NAME}` or `{NAME.FIELD}` of a reason: a value of the rule (a `let`, the event and its fields) or a
        term, parameter, assumption or state, which the reason can write. Its problems are shown at its brace."""
        brace = Span(reference.span.path, reference.span.line, reference.span.column - 1,
                     reference.span.line, reference.span.column)
        named = reference.subject if isinstance(reference, ast.FieldAccess) else reference
        symbol = self.symbols.get(named.name)
        if scope.lookup(named.name) is None and symbol is not None and symbol.kind not in REASON_KINDS:
            self.problem_at(f"a reason writes a value of its rule or a {', '.join(REASON_KINDS[:-1])} or "
                            f"{REASON_KINDS[-1]}; '{named.name}' is {_article(symbol.kind)} {symbol.kind}", brace)
            return
        if scope.lookup(named.name) is None and symbol is None and named.name in self.members:
            self.problem_at(f"'{named.name}' is a member of {self.members[named.name].name}: "
                            "a reason writes it as it is, without braces", brace)
            return
        before = len(self.problems)
        found = self.expr(reference, scope, context)
        self.problems[before:] = [attrs.evolve(p, span=brace) for p in self.problems[before:]]
        if len(self.problems) == before and not T.is_unknown(found) and not _writable(found):
            self.problem_at(f"a reason writes a number, an amount, a date, a text, a truth value or a member "
                            f"of an enumeration, not {T.describe(found)}", brace)

    def options(self, options, allowed: dict[str, T.Type], scope: Scope, context: Context, what: str) -> None:
        seen = set()
        for option in options:
            if option.name in seen:
                self.problem(f"option '{option.name}' is given twice", option)
            seen.add(option.name)
            if option.name not in allowed:
                self.problem(f"{what} has no option '{option.name}' (it has: {', '.join(allowed)})", option)
                continue
            self.expect(self.expr(option.value, scope, context, allowed[option.name]), allowed[option.name],
                        option.value, f"'{option.name}'")

    def deadline_name(self, name: str, node: ast.Node) -> None:
        """`cancel NAME` and `pending(NAME)` name items that rules schedule with `on DATE as NAME`."""
        if name not in self.deadlines:
            hint = closest(name, sorted(self.deadlines))
            self.problem(f"no rule schedules an item named '{name}' (with 'on DATE as {name} {{ ... }}')"
                         + (f"; did you mean '{hint}'?" if hint else ""), node)

    def state_type(self, name: str, node: ast.Node) -> T.Type:
        symbol = self.symbols.get(name)
        if symbol is None or symbol.kind != "state":
            if symbol is not None:
                self.problem(f"'{name}' is a {symbol.kind}, not a state: only states change", node)
            else:
                self.unknown(name, node, kinds=("state",))
            return T.Simple("Unknown")
        return symbol.type

    def unknown(self, name: str, node: ast.Node, kinds=None, scope: Scope | None = None) -> None:
        candidates = [s.name for s in self.symbols.values() if kinds is None or s.kind in kinds]
        if scope is not None:
            candidates += list(scope.all_names())
        if kinds is None:
            candidates += list(self.members) + list(BUILTIN_FUNCTIONS)
        hint = closest(name, candidates)
        what = f"unknown {kinds[0]}" if kinds and len(kinds) == 1 else "unknown name"
        self.problem(f"{what} '{name}'" + (f"; did you mean '{hint}'?" if hint else ""), node)

    # -------------------------------------------------- examples, invariants
    def check_invariant(self, item: ast.Invariant, section: str) -> None:
        scope = invariant_scope(self, item)
        self.block(item.body, scope, Context(section, in_invariant=True))

    def check_example(self, item: ast.Example, section: str) -> None:
        check_example(self, item, section)

    # ------------------------------------------------------------- cycles
    def check_cycles(self) -> None:
        """Terms, schedules and defaults may refer to each other in any order, but not in a circle."""
        graph: dict[str, set[str]] = {}
        for symbol in self.symbols.values():
            node = symbol.node
            expressions = []
            if isinstance(node, (ast.Term, ast.ScheduleDecl)):
                expressions = [node.value]
            elif isinstance(node, ast.StateDecl):
                expressions = [node.initial]
            elif isinstance(node, ast.Function):
                expressions = [node.body]
            if expressions:  # names read, and functions called: a function may not call itself, directly or not
                graph[symbol.name] = {n for e in expressions for n in ast.names_in(e)} | {
                    n.function for e in expressions for n in ast.walk(e)
                    if isinstance(n, ast.Call) and n.function in self.symbols}
        horizon = [i for s in self.contract.sections for i in s.items if isinstance(i, ast.Horizon)]
        if horizon:
            graph["until"] = set(ast.names_in(horizon[0].value))
        # actions may not perform each other in a circle: every evaluation must end
        for symbol in self.symbols.values():
            if symbol.kind == "action":
                graph[symbol.name] = {n.action for n in ast.walk(symbol.node) if isinstance(n, ast.Do)}
        visiting, done = set(), set()

        def visit(name: str, path: list[str]) -> None:
            if name in done or name not in graph:
                return
            if name in visiting:
                cycle = path[path.index(name):] + [name]
                symbol = self.symbols.get(name)
                self.problem("these definitions refer to each other in a circle: " + " → ".join(cycle),
                             symbol.node if symbol else None)
                return
            visiting.add(name)
            for other in sorted(graph[name]):
                visit(other, path + [name])
            visiting.discard(name)
            done.add(name)

        for name in sorted(graph):
            visit(name, [])


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _writable(type_: T.Type) -> bool:
    """Whether a reason can write a value of this type, as the results write it (runtime/explain.py)."""
    if isinstance(type_, T.Optional):
        return _writable(type_.inner)
    return isinstance(type_, (T.Number, T.Enum)) or type_ in (T.DATE, T.DAYS, T.BOOL, T.TEXT, T.TIME, T.DATETIME)


def _literal_value(node: ast.Expr):
    """The value of a literal default (decimal, date, bool, text, none), or NO_DEFAULT."""
    from decimal import Decimal

    if isinstance(node, (ast.NumberLit, ast.PercentLit, ast.DateLit, ast.BoolLit, ast.StringLit)):
        return node.value
    if isinstance(node, ast.TimeLit):
        from datetime import time

        return time.fromisoformat(node.text)
    if isinstance(node, ast.AtTime) and isinstance(node.date, ast.DateLit) and isinstance(node.time, ast.TimeLit):
        from datetime import datetime, time

        return datetime.combine(node.date.value, time.fromisoformat(node.time.text))
    if isinstance(node, ast.NoneLit):
        return None
    if isinstance(node, ast.Name):
        return node.name  # an enum member
    if isinstance(node, ast.Negate) and isinstance(node.operand, ast.NumberLit):
        return Decimal(node.operand.value).copy_negate()  # exactly, whatever the digits
    return NO_DEFAULT


def check(contract: ast.Contract, path: str, text: str) -> CheckedContract:
    """Check a parsed contract; raises ContractError listing every problem found."""
    return Checker(contract, path, text).run()


def load(path: str) -> CheckedContract:
    """Read, parse and check a contract file."""
    text = read_source(path)
    return check(parse(text, path), path, text)
