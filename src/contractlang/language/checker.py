"""Static checks, before anything runs: names, types and units, declarations, sections.

`check(contract, path, text)` returns a `CheckedContract` (the tree plus what the
interpreter needs: the type of every expression, the symbol table, the event
signatures) or raises ContractError with every problem found, each at its
position. Problems are collected, not thrown one by one, so an author sees them
all at once.
"""

from __future__ import annotations

import attrs

from . import ast
from . import types as T
from ..diagnostics import ContractError, Diagnostic, closest
from .checked import NO_DEFAULT, CheckedContract, EventSpec, FieldSpec, Symbol
from .properties import RECORD_FIELDS, check_example, check_generate, invariant_scope
from .scope import Context, Scope

MONTHS = {name: number for number, name in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}

ACCRUAL_FIELDS = {"on", "annual_rate", "day_count", "start", "boundaries"}
LITERAL_LENGTH = 60  # characters of a written number: a longer one costs more at every use it has
PAY_OPTIONS = {"due": T.DATE, "on": T.DATE, "period": T.PERIOD}


class _UnitError(Exception):
    pass


class Checker:
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

    # ------------------------------------------------------------- reporting
    def problem(self, message: str, node: ast.Node | None) -> None:
        self.problems.append(Diagnostic(message, node.span if node is not None else None, self.text))

    # ------------------------------------------------------------- the passes
    def run(self) -> CheckedContract:
        self.declare_units()
        self.declare_names()
        self.check_sections()
        self.check_declarations()
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
                events[node.name] = EventSpec(node.name, fields)
                event_sections[node.name] = symbol.section
        return CheckedContract(self.contract, self.path, self.text, self.symbols, self.types, events,
                               event_sections, tuple(self.currencies))

    def declare_units(self) -> None:
        seen: dict[str, ast.Node] = {}
        for declaration in self.contract.declarations:
            name = declaration.name
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
                    if not (isinstance(type_, T.Number) and len(type_.unit.powers) == 2):
                        self.problem("a market gives prices: declare it as CURRENCY per SECURITY", item.type)
                    self.declare(item.name, "market", type_, item, label)
                elif isinstance(item, ast.EventDecl):
                    self.declare(item.name, "event", T.Simple("Event"), item, label)
                elif isinstance(item, ast.Action):
                    self.declare(item.name, "action", T.Simple("Action"), item, label)
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
        markets = [s for s in self.symbols.values() if s.kind == "market"]
        for extra in markets[1:]:
            self.problem("a contract reads one price series: only one 'market' declaration", extra.node)
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
            except _UnitError as problem:
                if report:
                    self.problem(str(problem), node)
                base = T.Simple("Unknown")
        elif node.name in T.BUILTIN_TYPES:
            base = T.BUILTIN_TYPES[node.name]
        elif node.name in self.enums:
            base = self.enums[node.name]
        elif node.name in self.currencies or node.name in self.securities:
            base = T.Number(T.Unit.of(node.name))
        else:
            if report:
                known = list(T.BUILTIN_TYPES) + list(self.enums) + self.currencies + self.securities
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
        hint = closest(name, self.currencies + self.securities)
        raise _UnitError(f"unknown unit '{name}': declare it with 'currency' or 'security'"
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
        if symbol.type == T.Simple("Unknown") and symbol.kind in ("term", "schedule", "report"):
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
        symbol.checking = False

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
            base_type = self.expr(base.value, scope, context)
            rate_type = self.expr(fields["annual_rate"].value, scope, context) if "annual_rate" in fields else None
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
        if symbol is not None and symbol.node is item:
            symbol.type = T.Simple("Accrual")
            symbol.amount_type = amount_type

    def check_event_decl(self, item: ast.EventDecl, context: Context) -> None:
        seen = set()
        for field in item.fields:
            if field.name in seen or field.name == "date":
                self.problem(f"field '{field.name}' is already defined" if field.name in seen
                             else "'date' is every event's own field; choose another name", field)
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

    def event_record_type(self, name: str) -> T.Type:
        return T.Simple(f"event {name}")

    # ---------------------------------------------------------------- rules
    def check_rules(self) -> None:
        handled: dict[str, ast.UponRule] = {}
        claimed = {n.event for s in self.contract.sections for i in s.items for n in ast.walk(i)
                   if isinstance(n, ast.Claim)}
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
                    self.expect(self.expr(item.dates, scope, Context(section.label), T.ListOf(T.DATE)),
                                T.ListOf(T.DATE), item.dates, "the dates of a scheduled rule")
                    scope.names[item.variable] = T.DATE
                    self.block(item.body, scope, Context(section.label, in_schedule=True))
                elif isinstance(item, ast.OnDateRule):
                    self.expect(self.expr(item.date, scope, Context(section.label)), T.DATE, item.date,
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
                    self.problem(f"'from' dates a change for accruals, and nothing accrues on '{node.name}'", node.effective)
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
                self.problem(f"'{node.name}' is a {symbol.kind}; a record names a state or a new fact", node)
        elif isinstance(node, ast.Pay):
            amount = self.expr(node.amount, scope, context)
            if isinstance(amount, T.Accrued):
                amount = amount.amount
            if not (isinstance(amount, T.Number) and amount.unit.single_base() in self.currencies):
                self.problem(f"a payment is an amount of money, not {amount}", node.amount)
            self.expect(self.expr(node.payer, scope, context), T.TEXT, node.payer, "the payer")
            self.expect(self.expr(node.payee, scope, context), T.TEXT, node.payee, "the payee")
            self.options(node.options, PAY_OPTIONS, scope, context)
        elif isinstance(node, ast.Issue):
            quantity = self.expr(node.quantity, scope, context)
            if not (isinstance(quantity, T.Number) and quantity.unit.single_base() in self.securities):
                self.problem(f"an issue delivers a number of shares of a security, not {quantity}", node.quantity)
            self.expect(self.expr(node.security, scope, context), T.TEXT, node.security, "the security's name")
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
        elif isinstance(node, ast.Defer):
            if not context.in_event or context.in_action:
                self.problem("'on DATE' inside a rule schedules an item for an event: it belongs in an 'upon' rule", node)
            self.expect(self.expr(node.date, scope, context), T.DATE, node.date, "the date of the scheduled item")
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

    def options(self, options, allowed: dict[str, T.Type], scope: Scope, context: Context) -> None:
        seen = set()
        for option in options:
            if option.name in seen:
                self.problem(f"option '{option.name}' is given twice", option)
            seen.add(option.name)
            if option.name not in allowed:
                self.problem(f"a payment has no option '{option.name}' (it has: {', '.join(allowed)})", option)
                continue
            self.expect(self.expr(option.value, scope, context), allowed[option.name], option.value, f"'{option.name}'")

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
            if expressions:
                graph[symbol.name] = {n for e in expressions for n in ast.names_in(e)}
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

    # -------------------------------------------------------- expressions
    def expect(self, found: T.Type, expected: T.Type, node: ast.Node, what: str) -> None:
        if _unknown(found) or _unknown(expected):
            return
        if not T.assignable(found, expected):
            self.problem(f"{what} must be {_describe(expected)}, not {_describe(found)}", node)

    def expr(self, node: ast.Expr, scope: Scope, context: Context, expected: T.Type | None = None) -> T.Type:
        found = self._expr(node, scope, context, expected)
        self.types[id(node)] = found
        return found

    def _expr(self, node: ast.Expr, scope: Scope, context: Context, expected: T.Type | None) -> T.Type:
        if isinstance(node, ast.NumberLit):
            self.literal_length(node)
            return self.number_literal(node)
        if isinstance(node, ast.PercentLit):
            self.literal_length(node)
            return T.DECIMAL
        if isinstance(node, ast.DateLit):
            return T.DATE
        if isinstance(node, ast.TimeLit):
            return T.TIME
        if isinstance(node, ast.BoolLit):
            return T.BOOL
        if isinstance(node, ast.NoneLit):
            return T.NONE_TYPE
        if isinstance(node, ast.StringLit):
            target = expected.inner if isinstance(expected, T.Optional) else expected
            if isinstance(target, T.Enum):
                if node.value not in target.members:
                    hint = closest(node.value, target.members)
                    self.problem(f"'{node.value}' is not a {target.name}; one of: {', '.join(target.members)}"
                                 + (f" (did you mean '{hint}'?)" if hint else ""), node)
                return target
            return T.TEXT
        if isinstance(node, ast.Name):
            return self.name(node, scope)
        if isinstance(node, ast.FieldAccess):
            return self.field_access(node, scope, context)
        if isinstance(node, ast.Call):
            return self.call(node, scope, context)
        if isinstance(node, ast.ListExpr):
            element = expected.element if isinstance(expected, T.ListOf) else None
            types = [self.expr(item, scope, context, element) for item in node.items]
            if not types:
                return T.EMPTY_LIST
            first = types[0]
            for item, found in zip(node.items[1:], types[1:]):
                self.expect(found, first, item, "every item of a list")
            self.single_values(first, node.items[0])
            return T.ListOf(first)
        if isinstance(node, ast.Comprehension):
            source = self.expr(node.source, scope, context)
            inner = Scope(scope)
            if isinstance(source, T.ListOf):
                inner.names[node.variable] = source.element
            else:
                if not _unknown(source):
                    self.problem(f"'for ... in' needs a list, not {_describe(source)}", node.source)
                inner.names[node.variable] = T.Simple("Unknown")
            if node.condition is not None:
                self.expect(self.expr(node.condition, inner, context), T.BOOL, node.condition, "a condition")
            element = self.expr(node.element, inner, context)
            self.single_values(element, node.element)
            return T.ListOf(element)
        if isinstance(node, ast.Every):
            for month_day in node.month_days:
                month = MONTHS.get(month_day.month)
                if month is None:
                    hint = closest(month_day.month, MONTHS)
                    self.problem(f"'{month_day.month}' is not a month" + (f"; did you mean '{hint}'?" if hint else ""), month_day)
                elif not 1 <= int(month_day.day.replace("_", "").split(".")[0]) <= 31 or "." in month_day.day:
                    self.problem(f"{month_day.month} {month_day.day} is not a day of the month", month_day)
            self.expect(self.expr(node.start, scope, context), T.DATE, node.start, "the first date")
            if node.end is not None:
                self.expect(self.expr(node.end, scope, context), T.DATE, node.end, "the last date")
            return T.ListOf(T.DATE)
        if isinstance(node, ast.IfExpr):
            self.expect(self.expr(node.condition, scope, context), T.BOOL, node.condition, "a condition")
            then = self.expr(node.then, scope, context, expected)
            otherwise = self.expr(node.otherwise, scope, context, expected or then)
            if T.assignable(otherwise, then):
                return then
            if T.assignable(then, otherwise):
                return otherwise
            self.problem(f"both branches must give the same kind of value, not {_describe(then)} and {_describe(otherwise)}", node)
            return T.Simple("Unknown")
        if isinstance(node, ast.Not):
            self.expect(self.expr(node.operand, scope, context), T.BOOL, node.operand, "'not'")
            return T.BOOL
        if isinstance(node, ast.Negate):
            found = self.expr(node.operand, scope, context)
            if not (isinstance(found, T.Number) or found == T.DAYS or _unknown(found)):
                self.problem(f"cannot negate {_describe(found)}", node)
            return found
        if isinstance(node, ast.IsNone):
            found = self.expr(node.operand, scope, context)
            if not isinstance(found, T.Optional) and not _unknown(found):
                self.problem(f"{_describe(found)} is never none", node.operand)
            return T.BOOL
        if isinstance(node, ast.Binary):
            return self.binary(node, scope, context, expected)
        self.problem(f"unexpected expression {type(node).__name__}", node)  # pragma: no cover
        return T.Simple("Unknown")

    def literal_length(self, node: ast.NumberLit | ast.PercentLit) -> None:
        """Bounds the cost of reading and using a written number, however often a run evaluates it."""
        if len(node.text) > LITERAL_LENGTH:
            self.problem(f"a number is written with at most {LITERAL_LENGTH} characters, not {len(node.text):,}", node)

    def number_literal(self, node: ast.NumberLit) -> T.Type:
        integral = "." not in node.text
        if node.unit is None:
            return T.INTEGER if integral else T.DECIMAL
        if node.unit.name in ("day", "days") and node.unit.per is None:
            if not integral:
                self.problem("a number of days is whole", node)
            return T.DAYS
        try:
            unit = self.unit_of(node.unit.name, node.unit)
            if node.unit.per is not None:
                unit = unit / self.unit_of(node.unit.per, node.unit)
        except _UnitError as problem:
            self.problem(str(problem), node.unit)
            return T.Simple("Unknown")
        return T.Number(unit, integral=integral)

    def name(self, node: ast.Name, scope: Scope) -> T.Type:
        local = scope.lookup(node.name)
        if local is not None:
            return local
        if node.name in self.symbols:
            symbol = self.symbols[node.name]
            if symbol.kind in ("event", "action"):
                self.problem(f"'{node.name}' is an {symbol.kind}, not a value", node)
                return T.Simple("Unknown")
            found = self.symbol_type(node.name)
            return found if found is not None else T.Simple("Unknown")
        if node.name in self.members:
            return self.members[node.name]
        if node.name == "today":
            self.problem("'today' is the date being processed: it exists only inside rules", node)
            return T.DATE
        self.unknown(node.name, node, scope=scope)
        return T.Simple("Unknown")

    def field_access(self, node: ast.FieldAccess, scope: Scope, context: Context) -> T.Type:
        subject = self.expr(node.subject, scope, context)
        fields: dict[str, T.Type] = {}
        if isinstance(subject, T.Simple) and subject.name.startswith("event "):
            event = self.symbols[subject.name[len("event "):]].node
            fields = {"date": T.DATE, "index": T.INTEGER}
            fields.update({f.name: self.resolve_type(f.type, report=False) for f in event.fields})
        elif isinstance(subject, T.Quote):
            fields = {"price": subject.price, "date": T.DATE}
        elif isinstance(subject, T.Accrued):
            fields = {"amount": subject.amount, "period": T.PERIOD}
        elif subject == T.PERIOD:
            fields = {"start": T.DATE, "end": T.DATE}
        elif isinstance(subject, T.Simple) and subject.name in RECORD_FIELDS:
            fields = RECORD_FIELDS[subject.name](self)
        elif _unknown(subject):
            return subject
        if node.name in fields:
            return fields[node.name]
        if not fields:
            self.problem(f"{_describe(subject)} has no fields", node)
        else:
            hint = closest(node.name, fields)
            self.problem(f"{_describe(subject)} has no field '{node.name}'" + (f"; did you mean '{hint}'?" if hint else "")
                         + f" (it has: {', '.join(fields)})", node)
        return T.Simple("Unknown")

    def call(self, node: ast.Call, scope: Scope, context: Context) -> T.Type:
        signature = BUILTIN_FUNCTIONS.get(node.function)
        if signature is None:
            hint = closest(node.function, list(BUILTIN_FUNCTIONS))
            self.problem(f"unknown function '{node.function}'" + (f"; did you mean '{hint}'?" if hint else ""), node)
            for argument in node.arguments:
                self.expr(argument.value, scope, context)
            return T.Simple("Unknown")
        if node.function == "settle" and (context.in_invariant or not (context.in_event or context.in_schedule)):
            self.problem("'settle' pays off an accrual: it belongs in a rule", node)
        return signature(self, node, scope, context)

    def binary(self, node: ast.Binary, scope: Scope, context: Context, expected: T.Type | None) -> T.Type:
        op = node.operator
        if op in ("and", "or"):
            for side in (node.left, node.right):
                self.expect(self.expr(side, scope, context), T.BOOL, side, f"'{op}'")
            return T.BOOL
        if op == "??":
            left = self.expr(node.left, scope, context)
            inner = left.inner if isinstance(left, T.Optional) else left
            if not isinstance(left, T.Optional) and not _unknown(left):
                self.problem(f"'??' gives a value for none, and {_describe(left)} is never none", node.left)
            right = self.expr(node.right, scope, context, inner)
            self.expect(right, inner, node.right, "the value used when the left side is none")
            return inner
        if op == "in":
            right = self.expr(node.right, scope, context)
            element = right.element if isinstance(right, T.ListOf) else None
            left = self.expr(node.left, scope, context, element)
            if element is None:
                if not _unknown(right):
                    self.problem(f"'in' needs a list on its right, not {_describe(right)}", node.right)
            else:
                self.expect(left, element, node.left, "the value looked for")
            return T.BOOL
        left = self.expr(node.left, scope, context)
        right = self.expr(node.right, scope, context, left if isinstance(left, T.Enum) else None)
        if isinstance(right, T.Enum) and isinstance(node.left, ast.StringLit):
            left = self.expr(node.left, scope, context, right)
        if _unknown(left) or _unknown(right):
            return T.BOOL if op in ("==", "!=", "<", "<=", ">", ">=") else T.Simple("Unknown")
        if op in ("==", "!=", "<", "<=", ">", ">="):
            if not (T.assignable(left, right) or T.assignable(right, left)):
                self.problem(f"cannot compare {_describe(left)} with {_describe(right)}", node)
            elif op not in ("==", "!=") and (isinstance(left, T.Optional) or isinstance(right, T.Optional)):
                self.problem(f"cannot order a value that may be none ({_describe(left)}, {_describe(right)}): "
                             "give one with ?? first", node)
            elif op not in ("==", "!=") and not (isinstance(left, T.Number) or left in (T.DATE, T.DAYS, T.TIME)):
                self.problem(f"{_describe(left)} values have no order", node)
            return T.BOOL
        return self.arithmetic(node, op, left, right)

    def arithmetic(self, node: ast.Binary, op: str, left: T.Type, right: T.Type) -> T.Type:
        if isinstance(left, T.Number) and isinstance(right, T.Number):
            if op in ("+", "-"):
                if left.unit != right.unit:
                    self.problem(f"cannot {'add' if op == '+' else 'subtract'} {_describe(left)} and {_describe(right)}", node)
                    return T.Simple("Unknown")
                return T.Number(left.unit, left.integral and right.integral)
            if op == "*":
                return T.Number(left.unit * right.unit, left.integral and right.integral)
            return T.Number(left.unit / right.unit)
        if op == "+" and {left, right} == {T.DATE, T.DAYS}:
            return T.DATE
        if op == "-" and left == T.DATE and right == T.DAYS:
            return T.DATE
        if op == "-" and left == T.DATE and right == T.DATE:
            return T.DAYS
        if op in ("+", "-") and left == T.DAYS and right == T.DAYS:
            return T.DAYS
        if op == "*" and {left, right} == {T.DAYS, T.INTEGER}:
            return T.DAYS
        if op == "+" and isinstance(left, T.ListOf) and isinstance(right, T.ListOf):
            if T.assignable(right, left):
                return left
            if T.assignable(left, right):
                return right
        verb = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide"}[op]
        self.problem(f"cannot {verb} {_describe(left)} and {_describe(right)}", node)
        return T.Simple("Unknown")


# ------------------------------------------------------------ the library

def _arguments(checker: Checker, node: ast.Call, scope, context, positional: list, named: dict | None = None,
               optional_named: dict | None = None):
    """Check a call's arguments against a signature; gives the types found, by position and by name."""
    named = named or {}
    optional_named = optional_named or {}
    given = [a for a in node.arguments if a.name is None]
    names = {a.name: a for a in node.arguments if a.name is not None}
    found_positional = []
    if len(given) != len(positional):
        checker.problem(f"{node.function}() takes {len(positional)} value{'s' if len(positional) != 1 else ''}"
                        + (f" and {', '.join(n + ':' for n in named)}" if named else "") + f", not {len(given)}", node)
    for argument, expected in zip(given, positional):
        found = checker.expr(argument.value, scope, context, expected if isinstance(expected, T.Type) else None)
        if isinstance(expected, T.Type):
            checker.expect(found, expected, argument.value, f"the value given to {node.function}()")
        found_positional.append(found)
    found_named = {}
    for name, argument in names.items():
        if name not in named and name not in optional_named:
            checker.problem(f"{node.function}() has no '{name}:'", argument)
            checker.expr(argument.value, scope, context)
            continue
        expected = named.get(name, optional_named.get(name))
        found = checker.expr(argument.value, scope, context, expected if isinstance(expected, T.Type) else None)
        if isinstance(expected, T.Type):
            checker.expect(found, expected, argument.value, f"'{name}:'")
        found_named[name] = found
    for name in named:
        if name not in names:
            checker.problem(f"{node.function}() needs '{name}:'", node)
    return found_positional, found_named


def _same_numbers(function: str):
    def check(checker, node, scope, context):
        if not node.arguments:
            checker.problem(f"{function}() needs at least one value", node)
            return T.Simple("Unknown")
        types = [checker.expr(a.value, scope, context) for a in node.arguments]
        first = types[0]
        for argument, found in zip(node.arguments[1:], types[1:]):
            if not (T.assignable(found, first) or T.assignable(first, found)):
                checker.problem(f"{function}() compares values of one kind, not {_describe(first)} and {_describe(found)}", argument)
        if not (isinstance(first, T.Number) or first in (T.DATE, T.DAYS) or _unknown(first)):
            checker.problem(f"{function}() needs numbers or dates, not {_describe(first)}", node)
        if all(isinstance(t, T.Number) for t in types):
            return T.Number(first.unit, all(t.integral for t in types))
        return first
    return check


def _rounding(whole: bool, places: bool):
    def check(checker, node, scope, context):
        expected = [None, T.INTEGER] if places else [None]
        found, _ = _arguments(checker, node, scope, context, expected)
        if found and not (isinstance(found[0], T.Number) or _unknown(found[0])):
            checker.problem(f"{node.function}() rounds a number, not {_describe(found[0])}", node)
            return T.Simple("Unknown")
        if found and isinstance(found[0], T.Number):
            return T.Number(found[0].unit, integral=whole)
        return T.Simple("Unknown")
    return check


def _cents(checker, node, scope, context):
    found, _ = _arguments(checker, node, scope, context, [None])
    if found and isinstance(found[0], T.Number) and found[0].unit.single_base() not in checker.currencies:
        checker.problem(f"cents() rounds money, not {_describe(found[0])}", node)
    return found[0] if found else T.Simple("Unknown")


def _fixed(result: T.Type, *positional: T.Type):
    def check(checker, node, scope, context):
        _arguments(checker, node, scope, context, list(positional))
        return result
    return check


def _market_argument(checker, node, scope, context):
    """The first argument of a price look-up names a market series."""
    if not node.arguments or not isinstance(node.arguments[0].value, ast.Name):
        checker.problem(f"{node.function}() needs a market series first (declared with 'market')", node)
        return None
    name = node.arguments[0].value.name
    symbol = checker.symbols.get(name)
    if symbol is None or symbol.kind != "market":
        checker.unknown(name, node.arguments[0], kinds=("market",))
        return None
    checker.types[id(node.arguments[0].value)] = symbol.type
    return symbol.type


def _quote(checker, node, scope, context):
    price = _market_argument(checker, node, scope, context)
    if len(node.arguments) != 2 or node.arguments[1].name is not None:
        checker.problem(f"{node.function}() takes a market series and a date", node)
    else:
        checker.expect(checker.expr(node.arguments[1].value, scope, context), T.DATE, node.arguments[1].value, "the date")
    return T.Quote(price) if isinstance(price, T.Number) else T.Simple("Unknown")


def _accrual(result_is_settlement: bool):
    def check(checker, node, scope, context):
        if not node.arguments or not isinstance(node.arguments[0].value, ast.Name):
            checker.problem(f"{node.function}() needs an accrual first", node)
            return T.Simple("Unknown")
        name = node.arguments[0].value.name
        symbol = checker.symbols.get(name)
        if symbol is None or symbol.kind != "accrual":
            checker.unknown(name, node.arguments[0], kinds=("accrual",))
            return T.Simple("Unknown")
        checker.types[id(node.arguments[0].value)] = T.Simple("Accrual")
        if symbol.amount_type is None:
            checker.check_accrual(symbol.node, checker.global_scope(), Context(symbol.section))
        amount = symbol.amount_type or T.Simple("Unknown")
        names = {a.name for a in node.arguments[1:]}
        if any(a.name is None for a in node.arguments[1:]):
            checker.problem(f"{node.function}() takes its other values by name: before: or through:, and on:", node)
        if len(names & {"before", "through"}) != 1:
            checker.problem(f"{node.function}() needs exactly one of 'before:' (days before a date) or 'through:' (up to and including it)", node)
        for argument in node.arguments[1:]:
            if argument.name in ("before", "through"):
                checker.expect(checker.expr(argument.value, scope, context), T.DATE, argument.value, f"'{argument.name}:'")
            elif argument.name == "on":
                found = checker.expr(argument.value, scope, context)
                base_field = next((f for f in symbol.node.fields if f.name == "on"), None)
                if base_field is not None:
                    base_type = checker.types.get(id(base_field.value))
                    if base_type is not None:
                        checker.expect(found, base_type, argument.value, "'on:' (a part of what accrues)")
            elif argument.name is not None:
                checker.problem(f"{node.function}() has no '{argument.name}:'", argument)
        if result_is_settlement:
            return T.Accrued(amount) if isinstance(amount, T.Number) else T.Simple("Unknown")
        return amount
    return check


def _span_function(checker, node, scope, context):
    _arguments(checker, node, scope, context, [T.DATE, T.DATE])
    return T.PERIOD


def _year_fraction(checker, node, scope, context):
    _arguments(checker, node, scope, context, [T.DAY_COUNT, T.DATE, T.DATE])
    return T.DECIMAL


def _list_function(function: str):
    def check(checker, node, scope, context):
        found, _ = _arguments(checker, node, scope, context, [None])
        if not found:
            return T.Simple("Unknown")
        source = found[0]
        if not isinstance(source, T.ListOf):
            if not _unknown(source):
                checker.problem(f"{function}() needs a list, not {_describe(source)}", node)
            return T.Simple("Unknown")
        if function in ("all", "any"):
            checker.expect(source.element, T.BOOL, node, f"the items given to {function}()")
            return T.BOOL
        if function == "count":
            return T.INTEGER
        if function == "sum":
            if not isinstance(source.element, T.Number) and source.element != T.Simple("Nothing"):
                checker.problem(f"sum() adds numbers, not {_describe(source.element)}", node)
                return T.Simple("Unknown")
            return source.element if isinstance(source.element, T.Number) else T.DECIMAL
        return T.Simple("Unknown")
    return check


def _plain(checker, node, scope, context):
    """`plain(x)`: a number without its unit, for comparing figures across units in checks."""
    found, _ = _arguments(checker, node, scope, context, [None])
    if found and not (isinstance(found[0], T.Number) or _unknown(found[0])):
        checker.problem(f"plain() takes a number, not {_describe(found[0])}", node)
    return T.DECIMAL


def _is_whole(checker, node, scope, context):
    found, _ = _arguments(checker, node, scope, context, [None])
    if found and not (isinstance(found[0], T.Number) or _unknown(found[0])):
        checker.problem(f"is_whole() takes a number, not {_describe(found[0])}", node)
    return T.BOOL


def _money(checker, node, scope, context):
    """`money(x)`: a plain number as an amount of the contract's currency (for checks on effects)."""
    _arguments(checker, node, scope, context, [T.DECIMAL])
    currency = checker.currencies[0] if checker.currencies else None
    return T.Number(T.Unit.of(currency)) if currency else T.Simple("Unknown")


BUILTIN_FUNCTIONS = {
    "min": _same_numbers("min"),
    "max": _same_numbers("max"),
    "abs": _rounding(False, False),
    "ceil": _rounding(True, False),
    "floor": _rounding(True, False),
    "round_half_up": _rounding(False, True),
    "round_down": _rounding(False, True),
    "cents": _cents,
    "first_of_month": _fixed(T.DATE, T.DATE),
    "last_of_month": _fixed(T.DATE, T.DATE),
    "add_months": _fixed(T.DATE, T.DATE, T.INTEGER),
    "year": _fixed(T.INTEGER, T.DATE),
    "month": _fixed(T.INTEGER, T.DATE),
    "day": _fixed(T.INTEGER, T.DATE),
    "days_between": _fixed(T.INTEGER, T.DATE, T.DATE),
    "business_day": _fixed(T.DATE, T.DATE, T.CONVENTION, T.CALENDAR),
    "is_business_day": _fixed(T.BOOL, T.DATE, T.CALENDAR),
    "quote_before": _quote,
    "quote_on_or_before": _quote,
    "accrued": _accrual(False),
    "settle": _accrual(True),
    "span": _span_function,
    "year_fraction": _year_fraction,
    "all": _list_function("all"),
    "any": _list_function("any"),
    "count": _list_function("count"),
    "sum": _list_function("sum"),
    "plain": _plain,
    "is_whole": _is_whole,
    "money": _money,
}

def _unknown(type_: T.Type | None) -> bool:
    return type_ is None or type_ == T.Simple("Unknown") or (
        isinstance(type_, T.Optional) and type_.inner == T.Simple("Unknown"))


def _describe(type_: T.Type) -> str:
    if isinstance(type_, T.Number):
        if type_.unit.is_plain:
            return "a whole number" if type_.integral else "a plain number"
        return f"{type_.unit}"
    if type_ == T.NONE_TYPE:
        return "none"
    if isinstance(type_, T.Simple) and type_.name.startswith("event "):
        return f"a {type_.name[len('event '):]} event"
    return str(type_)


def _literal_value(node: ast.Expr):
    """The value of a literal default (decimal, date, bool, text, none), or NO_DEFAULT."""
    from decimal import Decimal

    if isinstance(node, (ast.NumberLit, ast.PercentLit, ast.DateLit, ast.BoolLit, ast.StringLit)):
        return node.value
    if isinstance(node, ast.NoneLit):
        return None
    if isinstance(node, ast.Name):
        return node.name  # an enum member
    if isinstance(node, ast.Negate) and isinstance(node.operand, ast.NumberLit):
        return -Decimal(node.operand.value)
    return NO_DEFAULT


def check(contract: ast.Contract, path: str, text: str) -> CheckedContract:
    """Check a parsed contract; raises ContractError listing every problem found."""
    return Checker(contract, path, text).run()


def load(path: str) -> CheckedContract:
    """Read, parse and check a contract file."""
    from .parser import read_source, parse

    text = read_source(path)
    return check(parse(text, path), path, text)
