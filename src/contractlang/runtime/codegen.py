"""Blocks of a checked contract written out as Python source, for a contract evaluated many times.

After the first few evaluations of one checked contract in a process (interpreter.GENERATED_AFTER: in
`contract test`, a batch, the benchmark) each block its rules run becomes one Python function,
compiled once. In it the usual
statements (let, set, if, require, pay, issue, a citation, an action) and expressions (names, literals,
operators, fields, conditions, plain functions) are written out as the closures of compiler.py compute
them, so that a run calls no closure for each of them; anything else is called as the closure
compiler.py makes for it. The code follows the closures step for step: each statement is charged one
step before it runs, operands are evaluated in the same order, and a date or number out of range is
reported at the same node. A run that explains itself always takes the closures: this code builds no
explanation.

Nothing of the contract's text becomes code: a name is written as a quoted key, and every value (a
literal, a node, a closure) is a constant the function is given.
"""

from __future__ import annotations

import contextlib
from contextlib import contextmanager
from datetime import time
from decimal import Decimal

from ..language import ast
from ..language.checked import CheckedContract
from ..stdlib import exact, rounding
from ..stdlib.accrual import Settlement
from ..stdlib.schedules import OutsideCalendar, add_days
from .builtins import PLAIN_FUNCTIONS
from .compiler import (COMPARED_DIRECTLY, DECIMAL_OPERATIONS, EXACT_OPERATIONS, NUMBERS, IssueTerms, PaymentTerms,
                       compile_expression, compiled_block, compiled_expression, compiled_reason,
                       compiled_statement, failure, field_of, field_reading, literal_term, may_fail, name_source,
                       states_accruals_follow)
from .effects import DATE_TEXTS, Effect
from .explain import plain_number
from .values import START_OF_DAY, STEP_BUDGET, Frame, Quote, Rejected

MOST_NESTED = 15  # Python blocks open at once in a generated function (Python allows 20 tries): deeper is a closure

_HELPERS = {  # all the names a generated function reads besides its constants, builtins included
    "Decimal": Decimal, "Frame": Frame, "Rejected": Rejected, "OutsideCalendar": OutsideCalendar,
    "failure": failure, "field_of": field_of, "NUMBERS": NUMBERS, "COMPARED_DIRECTLY": COMPARED_DIRECTLY,
    "Settlement": Settlement, "cents": rounding.cents, "settle_amount": rounding.settle_amount, "Effect": Effect,
    "DATE_TEXTS": DATE_TEXTS, "plain_number": plain_number, "START_OF_DAY": START_OF_DAY, "Quote": Quote,
    "compare": exact.compare, "negate": exact.negate, "divide": exact.divide, "add_days": add_days,
    "__builtins__": {"type": type, "bool": bool, "min": min, "max": max, "len": len, "ValueError": ValueError,
                     "ArithmeticError": ArithmeticError, "str": str, "isinstance": isinstance}}

_LITERALS = (ast.NumberLit, ast.PercentLit, ast.DateLit, ast.StringLit, ast.BoolLit, ast.TimeLit, ast.NoneLit)
_WRITTEN_OUT = frozenset((*_LITERALS, ast.Name, ast.FieldAccess, ast.IfExpr, ast.Not, ast.IsNone, ast.Binary,
                          ast.Negate))
_ARITHMETIC = frozenset(DECIMAL_OPERATIONS)
_COMPARISON_OPERATORS = frozenset(("==", "!=", "<", "<=", ">", ">="))
_FAILED = "except (OutsideCalendar, ArithmeticError) as problem:"


def generated_block(statements, contract: CheckedContract):
    """A block of statements as one generated function `(run, frame) -> None`, made once per checked contract."""
    if type(statements) is not tuple:  # a list a caller made (an invariant's walker), not kept: its closures serve
        return compiled_block(statements, contract)
    key = ("generated", id(statements))
    found = contract.compiled.get(key)
    if found is not None:
        return found
    source = _Source(contract)
    with source.indented("def block(run, frame):"):
        source.line("L = frame.locals")
        source.statements(statements, "frame", "L")
    namespace = {**_HELPERS, "STEP_BUDGET": STEP_BUDGET, **source.constants}  # the budget as this module has it
    first = statements[0].span if statements and statements[0].span is not None else None
    where = f"<block generated from line {first.line}>" if first is not None else "<block generated>"  # in profiles
    exec(compile("\n".join(source.lines), where, "exec"), namespace)  # noqa: S102 (no contract text in it)
    block = namespace["block"]
    block.statements = statements  # held, so that the block's id stays its own while the contract lives
    contract.compiled[key] = block
    return block


def names_bound_in_rules(contract: CheckedContract) -> frozenset[str]:
    """Every name a binder may give a frame of a rule: an event's or a claim's, the variable of a schedule, a loop
    or a list, a parameter (any node's `variable`, `binder` or `parameters`, whatever its kind). A let cannot take
    a name of the contract (the checker refuses it), so a state, a term or a member that no binder takes is never
    in a frame of a rule: code reads it where it lives. Only generated code may: the closures also evaluate
    examples and invariants, whose frames hold a run's lists and events by name (testing/views.py). Found once
    per contract."""
    key = ("names bound in rules",)
    found = contract.compiled.get(key)
    if found is None:
        bound = set()
        for node in ast.walk(contract.tree):
            for field in ("variable", "binder"):
                if isinstance(getattr(node, field, None), str):
                    bound.add(getattr(node, field))
            bound.update(parameter.name for parameter in getattr(node, "parameters", ()))
        found = contract.compiled[key] = frozenset(bound)
    return found


class _Source:
    """The lines of one generated function and the constants it is given."""

    def __init__(self, contract: CheckedContract):
        self.contract = contract
        self.lines: list[str] = []
        self.constants: dict[str, object] = {}
        self.depth = 0  # Python blocks open where the next line goes
        self.deepest = 0
        self.count = 0
        self.actions: list[str] = []  # the actions being written out, innermost last: one never writes itself
        self.followed = states_accruals_follow(contract)  # states whose setting changes a ledger
        self.bound = names_bound_in_rules(contract)  # the contract's names a binder may take in a frame
        # (names, name) of each let written out here whose value is cents(...), as the last let of that name
        # written: a payment of it to the cent does not round it again. The checker refuses a let of any name
        # an enclosing scope has, and only a let binds a name in a dict of names here (an action's parameters
        # take a dict of their own; a loop's or a claim's body is a function of its own, on a copy), so a read
        # of the name, written after its let, sees that value. Writing a binder out here would end that
        self.in_cents: set[tuple[str, str]] = set()

    # ------------------------------------------------------------ writing
    def line(self, text: str) -> None:
        self.lines.append("    " * self.depth + text)

    @contextmanager
    def indented(self, header: str):
        self.line(header)
        self.depth += 1
        self.deepest = max(self.deepest, self.depth)
        yield
        self.depth -= 1

    def constant(self, value) -> str:
        name = f"k{len(self.constants)}"
        self.constants[name] = value
        return name

    def reported_at(self, node_name: str, frame: str, said_here) -> None:
        """The handler of the `try:` just written: a date past the calendar or a number out of range met in it
        is reported at the node (compiler.failure), or, not `said_here`, left to the node around it."""
        with self.indented(_FAILED):
            self.line(f"raise failure(run, problem, {node_name}, {frame}, {said_here}) from None")

    def fresh(self, stem: str = "t") -> str:
        self.count += 1
        return f"{stem}{self.count}"

    # ------------------------------------------------------------ statements
    def statements(self, statements, frame: str, names: str) -> None:
        for statement in statements:
            self.statement(statement, frame, names)
        if not statements:
            self.line("pass")

    def statement(self, node: ast.Statement, frame: str, names: str) -> None:
        """A statement as compiled_block runs it: a step charged, then its work, a number out of range in it
        reported at it. Written out where it nests shallowly enough, else its closure."""
        start, deepest = len(self.lines), self.deepest
        self.deepest = self.depth
        node_name = self.constant(node)
        self.line("run.steps_taken += 1")
        with self.indented("if run.steps_taken > STEP_BUDGET:"):
            self.line(f"run.charge(0, {node_name}, {frame})")
        with self.indented("try:"):
            self.perform(node, frame, names)
        with self.indented("except ArithmeticError as problem:"):
            self.line(f"raise run.out_of_range(problem, {node_name}, {frame}) from None")
        if self.deepest > MOST_NESTED:
            del self.lines[start:]
            self.statement_closure(node, frame, node_name)
        self.deepest = max(deepest, min(self.deepest, MOST_NESTED))

    def statement_closure(self, node: ast.Statement, frame: str, node_name: str) -> None:
        closure = self.constant(compiled_statement(node, self.contract, blocks=generated_block))
        self.line("run.steps_taken += 1")
        with self.indented("if run.steps_taken > STEP_BUDGET:"):
            self.line(f"run.charge(0, {node_name}, {frame})")
        with self.indented("try:"):
            self.line(f"{closure}(run, {frame})")
        with self.indented("except ArithmeticError as problem:"):
            self.line(f"raise run.out_of_range(problem, {node_name}, {frame}) from None")

    def perform(self, node: ast.Statement, frame: str, names: str) -> None:
        """A statement's own work, written out, or a call of its closure."""
        kind = type(node)
        if kind is ast.Let:
            value = self.value(node.value, frame, names)
            self.line(f"{names}[{node.name!r}] = {value}")
            if self.is_builtin_cents(node.value):
                self.in_cents.add((names, node.name))
            else:  # a let of the same name in another scope, written later: its own value
                self.in_cents.discard((names, node.name))
        elif kind is ast.SetState:
            value = self.value(node.value, frame, names)
            if node.effective is not None:  # the day accruals that follow the state see it from, after the value
                from_day = self.value(node.effective, frame, names)
                self.line(f"run.assign({node.name!r}, {value}, {frame}, {from_day})")
            elif node.name in self.followed:
                self.line(f"run.assign({node.name!r}, {value}, {frame})")
            else:  # what Run.assign does for a state no accrual follows: its value before the rule kept, once
                with self.indented(f"if {node.name!r} not in run.values_before:"):
                    self.line(f"run.values_before[{node.name!r}] = run.state[{node.name!r}]")
                self.line(f"run.state[{node.name!r}] = {value}")
        elif kind is ast.If:
            self.branches(node.branches, node.otherwise, frame, names)
        elif kind is ast.Require:
            condition = self.value(node.condition, frame, names)
            reason = self.constant(compiled_reason(node, self.contract))
            with self.indented(f"if not {condition}:"):
                self.line(f"raise Rejected({reason}(run, {frame}), {frame}.clause)")
        elif kind is ast.Pay:
            amount = self.value(node.amount, frame, names)
            given = [self.value(option.value, frame, names) for option in node.options]  # in the order written
            self.payment(PaymentTerms(node, self.contract), amount, given, frame, names)
        elif kind is ast.Issue:
            quantity = self.value(node.quantity, frame, names)
            given = [self.value(option.value, frame, names) for option in node.options]  # in the order written
            self.issue(IssueTerms(node, self.contract), quantity, given, frame, names)
        elif kind is ast.Cite:  # shares locals and steps: citing is not scoping
            cited = self.fresh("frame")
            section = self.constant(node.section)
            self.line(f"{cited} = Frame({section}, {frame}.cause, {frame}.today, {frame}.steps, {names}, {frame}.rule)")
            self.statements(node.body, cited, names)
        elif kind is ast.Do and node.action not in self.actions:
            action: ast.Action = self.contract.symbols[node.action].node
            values = [self.value(argument, frame, names) for argument in node.arguments]
            bound = ", ".join(f"{parameter.name!r}: {value}" for parameter, value in zip(action.parameters, values))
            inner, inner_names = self.fresh("frame"), self.fresh("L")
            self.line(f"{inner_names} = {{{bound}}}")
            made = len(self.lines)
            self.line(f"{inner} = Frame({frame}.clause, {frame}.cause, {frame}.today, {frame}.steps, {inner_names}, "
                      f"{frame}.rule)")
            self.actions.append(node.action)
            self.statements(action.body, inner, inner_names)
            self.actions.pop()
            # the action's frame differs from its caller's only by its names, which the code above reads from
            # its own dict: where no closure is given the frame, the caller's serves for the rest
            if not any(f"(run, {inner}" in line for line in self.lines[made + 1:]):
                self.lines[made] = self.lines[made].replace(self.lines[made].strip(), f"{inner} = {frame}")
        elif kind is ast.Claim and node.otherwise is not None:
            # on a day without events the claim takes none and its `otherwise` runs, in the rule's frame;
            # on a day with some its closure tries each, in the order given
            claim = self.constant(compiled_statement(node, self.contract, blocks=generated_block))
            with self.indented(f"if run.pending_events.get({frame}.today):"):
                self.line(f"{claim}(run, {frame})")
            with self.indented("else:"):
                self.statements(node.otherwise, frame, names)
        else:
            closure = self.constant(compiled_statement(node, self.contract, blocks=generated_block))
            self.line(f"{closure}(run, {frame})")

    def payment(self, made: PaymentTerms, amount: str, given: list[str], frame: str, names: str) -> None:
        """A payment as PaymentTerms.pay makes it from the amount and the options' values computed, its options
        placed when the code is written and its parties computed once it is known to be made."""
        node, period, paid, details = made.node, self.fresh(), self.fresh(), self.fresh()
        self.line(f"{period} = None")
        if made.rounding_at is None and type(node.amount) is ast.Name and (names, node.amount.name) in self.in_cents:
            # let to the cent already (a number, not a settlement): cents() of it is itself
            self.line(f"{paid} = {amount}")
            shown = f"str({paid})"
        else:
            value = self.fresh()
            self.line(f"{value} = {amount}")  # the amount may be a constant's name, which the code cannot assign
            with self.indented(f"if type({value}) is Settlement:"):
                self.line(f"{period}, {value} = {value}.period, {value}.amount")
            if made.rounding_at is None:  # to the cent, half up (G1)
                self.line(f"{paid} = cents({value})")
                shown = f"str({paid})"
            else:
                settlement = given[made.rounding_at]
                self.line(f"{paid} = cents({value}) if {settlement} == 'cents' "
                          f"else settle_amount({value}, {settlement})")
                shown = f"str({paid}) if {settlement} != 'exact' else plain_number({paid})"
        if made.period_at is not None:
            self.line(f"{period} = {given[made.period_at]}")
        even = f" or {given[made.even_at]}" if made.even_at is not None else ""
        with self.indented(f"if {paid}{even}:"):
            on = given[made.on_at] if made.on_at is not None else f"{frame}.today"
            due = given[made.due_at] if made.due_at is not None else None
            due_text = f"DATE_TEXTS[{due}] if {due} is not None and {due} != {on} else None" if due else "None"
            currency = f"run.globals[{made.code!r}]" if made.code is not None else self.constant(made.currency)
            payer, payee = (self.value(party, frame, names) for party in (node.payer, node.payee))
            self.line(f"{details} = {{'payer': {payer}, 'payee': {payee}, 'amount': {shown}, 'currency': {currency}, "
                      f"'purpose': {self.constant(made.purpose)}, 'due': {due_text}, "
                      f"'period': [DATE_TEXTS[{period}[0]], DATE_TEXTS[{period}[1]]] if {period} else None}}")
            self.effect(node, "payment", details, on, frame)

    def issue(self, made: IssueTerms, quantity: str, given: list[str], frame: str, names: str) -> None:
        """An issue as IssueTerms.issue makes it from the quantity and the options' values computed, its options
        placed when the code is written and its parties computed once it is known to be made."""
        price, price_date, details = self.fresh(), self.fresh(), self.fresh()
        self.line(f"{price} = {given[made.price_at] if made.price_at is not None else None}")
        self.line(f"{price_date} = {given[made.price_date_at] if made.price_date_at is not None else None}")
        with self.indented(f"if isinstance({price}, Quote):"):
            self.line(f"{price}, {price_date} = {price}.price, {price_date} or {price}.date")
        with self.indented(f"if not {quantity} == 0:"):
            recipient, security = (self.value(party, frame, names)
                                   for party in (made.node.recipient, made.node.security))
            self.line(f"{details} = {{'recipient': {recipient}, 'security': {security}, "
                      f"'quantity': plain_number({quantity}), "
                      f"'price': plain_number({price}) if {price} is not None else None, "
                      f"'price_date': DATE_TEXTS[{price_date}] if {price_date} is not None else None}}")
            self.effect(made.node, "issue", details, None, frame)

    def effect(self, node: ast.Statement, kind: str, details: str, on: str | None, frame: str) -> None:
        """An effect as Run.emit makes it when the run does not explain itself (code never does): made here at the
        start of a day, on the day `on` gives or the frame's; at a time of day by Run.emit, which finds its time."""
        when = f"{on} or {frame}.today" if on is not None else f"{frame}.today"
        with self.indented("if run.moment == START_OF_DAY:"):
            self.line(f"run.effects.append(Effect({when}, {kind!r}, {frame}.clause, "
                      f"{frame}.cause.index if {frame}.cause is not None else None, {details}, (), None, None))")
        with self.indented("else:"):
            day = f", {on}" if on is not None else ""
            self.line(f"run.emit({self.constant(node)}, {frame}, {kind!r}, {details}{day})")

    def is_builtin_cents(self, node: ast.Expr) -> bool:
        """Whether an expression is a call of the builtin cents() (rounding.cents), not a function of the contract."""
        return type(node) is ast.Call and node.function == "cents" and node.function not in self.contract.functions

    def branches(self, branches, otherwise, frame: str, names: str) -> None:
        """`if … else if … else`: each condition evaluated only when the ones before it did not hold."""
        (condition, body), rest = branches[0], branches[1:]
        holds = self.value(condition, frame, names)
        with self.indented(f"if {holds}:"):
            self.statements(body, frame, names)
        if rest or otherwise is not None:
            with self.indented("else:"):
                if rest:
                    self.branches(rest, otherwise, frame, names)
                else:
                    self.statements(otherwise, frame, names)

    # ------------------------------------------------------------ expressions
    def value(self, node: ast.Expr, frame: str, names: str) -> str:
        """An expression as compiled_expression evaluates it: a failure in its own work reported at it."""
        kind = type(node)
        if kind is ast.Call:
            return self.call(node, frame, names, guarded=True)
        if kind not in _WRITTEN_OUT:
            return self.closure(compiled_expression(node, self.contract), frame)
        if not may_fail(node):
            return self.inner(node, frame, names)
        result, node_name = self.fresh(), self.constant(node)
        with self.indented("try:"):
            self.line(f"{result} = {self.inner(node, frame, names)}")
        self.reported_at(node_name, frame, True)
        return result

    def closure(self, closure, frame: str) -> str:
        result = self.fresh()
        self.line(f"{result} = {self.constant(closure)}(run, {frame})")
        return result

    def inner(self, node: ast.Expr, frame: str, names: str) -> str:
        """An expression as compile_expression evaluates it; the name of what holds its value."""
        kind = type(node)
        if kind is ast.NumberLit:
            days = node.unit is not None and node.unit.name in ("day", "days")
            return self.constant(int(node.value) if days else node.value)
        if kind in (ast.PercentLit, ast.DateLit, ast.StringLit, ast.BoolLit):
            return self.constant(node.value)
        if kind is ast.TimeLit:
            return self.constant(time.fromisoformat(node.text))
        if kind is ast.NoneLit:
            return "None"
        if kind is ast.Name:
            result = self.fresh()
            self.line(f"{result} = {self.name(node, frame, names)}")
            return result
        if kind is ast.FieldAccess:
            return self.field(node, frame, names)
        if kind is ast.IfExpr:
            result = self.fresh()
            holds = self.inner(node.condition, frame, names)
            with self.indented(f"if {holds}:"):
                self.line(f"{result} = {self.inner(node.then, frame, names)}")
            with self.indented("else:"):
                self.line(f"{result} = {self.inner(node.otherwise, frame, names)}")
            return result
        if kind is ast.Not:
            result = self.fresh()
            self.line(f"{result} = not {self.inner(node.operand, frame, names)}")
            return result
        if kind is ast.IsNone:
            result, operand = self.fresh(), self.inner(node.operand, frame, names)
            self.line(f"{result} = {operand} is {'not ' if node.negated else ''}None")
            return result
        if kind is ast.Binary:
            return self.binary(node, frame, names)
        if kind is ast.Negate:
            result, operand = self.fresh(), self.value(node.operand, frame, names)
            self.line(f"{result} = negate({operand})")
            return result
        if kind is ast.Call:
            return self.call(node, frame, names, guarded=False)
        return self.closure(compile_expression(node, self.contract), frame)

    def name(self, node: ast.Name, frame: str, names: str) -> str:
        """A name read as compiler.py's closure of it reads it (compiler.name_source): a name of the rule first,
        where a binder of the contract may give the rule that name (names_bound_in_rules)."""
        name, source = node.name, name_source(node, self.contract)
        if source == "rule":  # a let, a binder, a parameter
            return f"{names}[{name!r}]"
        read = {"today": f"{frame}.today", "until": "run.until", "state": f"run.state[{name!r}]",
                "setting": f"run.globals[{name!r}]", "market": f"run.markets[{name!r}]",
                "accrual": f"run.ledgers[{name!r}]", "member": repr(name)}.get(source)
        if source == "term":
            literal, value = literal_term(self.contract.symbols[name])
            found = f"run.global_value({self.constant(self.contract.symbols[name])})"
            read = self.constant(value) if literal else f"run.globals[{name!r}] if {name!r} in run.globals else {found}"
        if name not in self.bound:  # no binder takes it (a let never can): where it lives is where it is read
            return read
        return f"{names}[{name!r}] if {name!r} in {names} else {read}"

    def field(self, node: ast.FieldAccess, frame: str, names: str) -> str:
        subject, name, result = self.inner(node.subject, frame, names), node.name, self.fresh()
        reading = field_reading(node, self.contract)
        if reading == "settlement":
            self.line(f"{result} = {subject}.{'amount' if name == 'amount' else 'period'}")
        elif reading == "event":
            self.line(f"{result} = {subject}.fields[{name!r}]")
        else:
            self.line(f"{result} = field_of({subject}, {name!r})")
        return result

    def binary(self, node: ast.Binary, frame: str, names: str) -> str:
        op, result = node.operator, self.fresh()
        left = self.inner(node.left, frame, names)
        if op in ("and", "or"):
            self.line(f"{result} = bool({left})")
            with self.indented(f"if {'' if op == 'and' else 'not '}{result}:"):
                self.line(f"{result} = bool({self.inner(node.right, frame, names)})")
            return result
        if op == "??":
            with self.indented(f"if {left} is not None:"):
                self.line(f"{result} = {left}")
            with self.indented("else:"):
                self.line(f"{result} = {self.inner(node.right, frame, names)}")
            return result
        right, node_name = self.inner(node.right, frame, names), self.constant(node)
        combined = f"run.combine({op!r}, {left}, {right}, {node_name}, {frame})"
        with self.indented("try:"):  # each kind of operator tests only for its usual case, as compiler.py's
            if op in _ARITHMETIC:
                with self.indented(f"if type({left}) is Decimal and type({right}) is Decimal:"):
                    self.line(f"{result} = {self.constant(DECIMAL_OPERATIONS[op])}({left}, {right})")
                with self.indented(f"elif type({left}) in NUMBERS and type({right}) in NUMBERS:"):
                    self.line(f"{result} = {self.constant(EXACT_OPERATIONS[op])}({left}, {right})")
                with self.indented("else:"):
                    self.line(f"{result} = {combined}")
            elif op in _COMPARISON_OPERATORS:
                with self.indented(f"if type({left}) is type({right}) and type({left}) in COMPARED_DIRECTLY:"):
                    self.line(f"{result} = {left} {op} {right}")
                with self.indented("else:"):
                    self.line(f"{result} = {combined}")
            elif op == "/":
                with self.indented(f"if type({left}) is Decimal and type({right}) is Decimal and {right}:"):
                    self.line(f"{result} = divide({left}, {right})")
                with self.indented("else:"):
                    self.line(f"{result} = {combined}")
            else:
                self.line(f"{result} = {combined}")
        self.reported_at(node_name, frame, True)
        return result

    def call(self, node: ast.Call, frame: str, names: str, guarded: bool) -> str:
        """A call as compiler.py's closure of it makes it; `guarded`, a failure in its own work is reported at it,
        else left to the node around it."""
        positional = [argument.value for argument in node.arguments if argument.name is None]
        named = [argument for argument in node.arguments if argument.name is not None]
        if node.function in ("accrued", "settle") and node.function not in self.contract.functions:
            if len(named) == 1 and named[0].name in ("before", "through"):  # the usual
                return self.accrual(node, named[0], frame, names, guarded)
            return self.accrual_query(node, named, frame, names, guarded)
        plain = PLAIN_FUNCTIONS.get(node.function)
        two_values = node.function in ("min", "max") and len(positional) == 2
        plain_call = plain is not None and 1 <= len(positional) <= 3
        if node.function in self.contract.functions or not (two_values or plain_call):
            made = compiled_expression(node, self.contract) if guarded else compile_expression(node, self.contract)
            return self.closure(made, frame)
        values = [self.value(argument, frame, names) for argument in positional]
        result, node_name = self.fresh(), self.constant(node)
        with self.indented("try:"):
            if two_values:
                first, second = values
                beyond = "<" if node.function == "min" else ">"
                with self.indented(f"if type({first}) is not type({second}) and type({first}) in NUMBERS "
                                   f"and type({second}) in NUMBERS:"):  # a decimal and a ratio, compared exactly
                    self.line(f"{result} = {second} if compare({second}, {first}) {beyond} 0 else {first}")
                with self.indented("else:"):
                    self.line(f"{result} = {node.function}({first}, {second})")
            else:
                self.line(f"{result} = {self.constant(plain)}({', '.join(values)})")
        self.reported_at(node_name, frame, guarded)
        return result

    def accrual(self, node: ast.Call, end: ast.Argument, frame: str, names: str, guarded: bool) -> str:
        """accrued() or settle() with one named argument (`before:` or `through:`), as compiler.py's closure
        makes it: straight to its ledger, its steps charged."""
        given, node_name = self.value(end.value, frame, names), self.constant(node)
        ledger, result = self.fresh(), self.fresh()
        if end.name == "through":
            with self.indented("try:"):
                self.line(f"{given} = add_days({given}, 1)")
            self.reported_at(node_name, frame, guarded)
        with self.indented("try:"):
            self.line(f"{ledger} = run.ledgers[{node.arguments[0].value.name!r}]")
            if node.function == "settle":
                looked_through = self.fresh()
                self.line(f"{looked_through} = len({ledger}.changes) + len({ledger}.portions)")  # before it settles
                self.line(f"{result} = {ledger}.settle({given})")
                self.line(f"run.steps_taken += {looked_through} + len({result}.pieces)")
                with self.indented("if run.steps_taken > STEP_BUDGET:"):
                    self.line(f"run.charge(0, {node_name}, {frame})")
            else:
                accrued = self.fresh()
                self.line(f"{accrued} = {ledger}.accrued({given})")
                self.line(f"run.charge({ledger}.entries + len({accrued}.pieces), {node_name}, {frame})")
                self.line(f"{result} = {accrued}.amount")
        with self.indented("except OutsideCalendar as problem:"):  # a date past the calendar
            self.line(f"raise failure(run, problem, {node_name}, {frame}, {guarded}) from None")
        with self.indented("except ValueError as problem:"):  # a day count without what it needs
            self.line(f"raise run.accrual_failed(problem, {node_name}, {frame}) from None")
        with self.indented("except ArithmeticError as problem:"):
            self.line(f"raise failure(run, problem, {node_name}, {frame}, {guarded}) from None")
        return result

    def accrual_query(self, node: ast.Call, named: list, frame: str, names: str, guarded: bool) -> str:
        """accrued() or settle() with any named arguments, as Run.accrual_call makes it (guarded, as the
        closure of compiler.py around it reports a date or number out of range)."""
        result, node_name = self.fresh(), self.constant(node)
        outer = self.indented("try:") if guarded else contextlib.nullcontext()
        with outer:
            with self.indented("try:"):
                given = [(argument.name, self.value(argument.value, frame, names)) for argument in named]
                arguments = ", ".join(f"{name!r}: {value}" for name, value in given)
                self.line(f"{result} = run.accrual_query({node_name}, {frame}, {node.function == 'settle'}, "
                          f"{{{arguments}}})")
            with self.indented("except OutsideCalendar:"):  # a date past the calendar: said at its expression
                self.line("raise")
            with self.indented("except ValueError as problem:"):  # a day count without what it needs
                self.line(f"raise run.accrual_failed(problem, {node_name}, {frame}) from None")
        if guarded:
            self.reported_at(node_name, frame, True)
        return result
