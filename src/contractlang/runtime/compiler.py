"""The checked contract compiled once into closures, which every run then calls.

Each statement becomes a closure `(run, frame) -> None` and each expression one `(run, frame) -> value`,
made the first time a run needs them and kept with the checked contract (`contract.compiled`,
`contract.blocks`), so that evaluating thousands of scenarios compiles each rule once and a run does
no dispatch on node types. A closure reaches the run only through the `run` it is called with (its
state, ledgers, budget and diagnostics): the interpreter (interpreter.py) is built on this module,
never the other way round.

Names are resolved by what the checker knows them to be; literals are constants; each operator tests
only for its usual case (two decimals, two values of one kind compared) and leaves the rest to
`run.combine`. A date or number out of range is reported at the innermost node that met it.
"""

from __future__ import annotations

import operator
from datetime import date, datetime, time
from decimal import Decimal
from fractions import Fraction

from ..language import ast
from ..language import types as T
from ..language.checked import CheckedContract
from ..language.reasons import read_reason
from ..stdlib import exact, rounding, schedules
from ..stdlib.accrual import Settlement
from .builtins import BUILTIN_FUNCTIONS, PLAIN_FUNCTIONS
from .effects import DATE_TEXTS, Effect, Step
from .explain import describe_event, plain_number, plain_text
from .values import START_OF_DAY, STEP_BUDGET, CheckFailed, EventRecord, Frame, Pair, Quote, Rejected

DECIMAL_OPERATIONS = {"+": exact.EXACT.add, "-": exact.EXACT.subtract, "*": exact.EXACT.multiply}
COMPARISONS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
                ">=": operator.ge}
COMPARED_DIRECTLY = frozenset((Decimal, date, str, bool, int))  # two of one kind: compared as Python does
EXACT_OPERATIONS = {"+": exact.add, "-": exact.subtract, "*": exact.multiply}
NUMBERS = frozenset((Decimal, Fraction, int))

_RUN_STATEMENTS = {  # statements the run performs through its own methods (compiled_statement calls them)
    ast.Defer: "s_defer", ast.Cancel: "s_cancel", ast.Stop: "s_stop", ast.Rebase: "s_rebase",
}

_RUN_EXPRESSIONS = {  # expressions the run computes through its own methods (compile_expression calls them)
    ast.Every: "e_every",
}


def field_of(subject, name: str):
    """A field of a value: an event's, a quote's, a settlement's, a pair's or a period's."""
    reader = _FIELD_READERS.get(type(subject))
    if reader is not None:
        return reader(subject, name)
    if subject is None and name in ("start", "end"):
        return None
    return getattr(subject, name)


def _event_field(subject: EventRecord, name: str):
    if name == "date":
        return subject.date
    if name == "filed":  # the scenario's date, before `effective` moved it
        return subject.filed or subject.date
    if name == "index":
        return Decimal(subject.index)
    return subject.fields[name]


def _period_field(subject: tuple, name: str):
    if len(subject) == 2:
        return subject[0] if name == "start" else subject[1]
    return getattr(subject, name)


_FIELD_READERS = {  # by the kind of value: one look-up, not a test of each kind in turn
    EventRecord: _event_field,
    Quote: getattr,
    Settlement: lambda subject, name: subject.amount if name == "amount" else subject.period,
    Pair: lambda subject, name: subject.first if name == "first" else subject.second,
    datetime: lambda subject, name: subject.date() if name == "date" else subject.time(),
    tuple: _period_field,
}


def accrual_parts(symbol, contract: CheckedContract) -> tuple[dict, set]:
    """An accrual's fields by name, and the names its rate reads (a rate that follows a state changes with
    it): found once per contract."""
    key = ("accrual", symbol.name)
    if key not in contract.compiled:
        fields = {f.name: f.value for f in symbol.node.fields}
        contract.compiled[key] = (fields, set(ast.names_in(fields["annual_rate"])))
    return contract.compiled[key]


def states_accruals_follow(contract: CheckedContract) -> frozenset[str]:
    """The states an accrual's base is, or its rate reads: setting one changes a ledger (Run.assign). Found once."""
    key = ("states accruals follow",)
    if key not in contract.compiled:
        found = set()
        for symbol in contract.symbols.values():
            if symbol.kind == "accrual":
                fields, rate_names = accrual_parts(symbol, contract)
                found |= {fields["on"].name} | rate_names
        contract.compiled[key] = frozenset(found)
    return contract.compiled[key]


# -------------------------------------------------------------- compiled statements


def compiled_block(statements, contract: CheckedContract):
    """A block of statements as one closure `(run, frame) -> None`, made once per checked contract.

    Each statement is charged one step before it runs (the budget stops the run at the statement
    that goes over it), and a number out of range in its own work, outside any expression, is
    reported at that statement."""
    kept = type(statements) is tuple  # a block of the tree, kept by its id; a list a caller made is not kept
    found = contract.blocks.get(id(statements)) if kept else None
    if found is not None:
        return found
    # a `let` (the most frequent statement) is run by the block itself where nothing is explained: its value
    # stored under its name, which is all its closure does then, without the closure's call
    compiled = tuple((statement, compiled_statement(statement, contract),
                      statement.name if type(statement) is ast.Let else None,
                      compiled_expression(statement.value, contract) if type(statement) is ast.Let else None)
                     for statement in statements)

    def block(run, frame):
        for statement, perform, let_name, let_value in compiled:
            run.steps_taken += 1
            if run.steps_taken > STEP_BUDGET:
                run.charge(0, statement, frame)  # says where the run went over its budget
            try:
                if let_name is not None and not run.explain:
                    frame.locals[let_name] = let_value(run, frame)
                else:
                    perform(run, frame)
            except ArithmeticError as problem:
                raise run.out_of_range(problem, statement, frame) from None

    if kept:
        block.statements = statements  # held, so that the block's id stays its own while the contract lives
        contract.blocks[id(statements)] = block
    return block


def compiled_statement(node: ast.Statement, contract: CheckedContract, blocks=compiled_block):
    """One statement as a closure `(run, frame) -> None`: its expressions compiled, its nested blocks by `blocks`
    (compiled_block, or generated code's own)."""
    if type(node) in _BLOCK_STATEMENT_COMPILERS:
        return _BLOCK_STATEMENT_COMPILERS[type(node)](node, contract, blocks)
    compiler = _STATEMENT_COMPILERS.get(type(node))
    if compiler is not None:
        return compiler(node, contract)
    method = _RUN_STATEMENTS[type(node)]
    return lambda run, frame: getattr(run, method)(node, frame)


def _options(node, contract: CheckedContract):
    """A statement's options (`due D, on D2`) as (name, closure) pairs, evaluated in the order written."""
    return tuple((option.name, compiled_expression(option.value, contract)) for option in node.options)


def _compile_let(node: ast.Let, contract: CheckedContract):
    value, name, written = compiled_expression(node.value, contract), node.name, node.value

    def let(run, frame):
        result = frame.locals[name] = value(run, frame)
        if run.explain:
            run.step(frame, name, written, result)
    return let


def _compile_set(node: ast.SetState, contract: CheckedContract):
    value, name, written = compiled_expression(node.value, contract), node.name, node.value
    effective = compiled_expression(node.effective, contract) if node.effective is not None else None

    def set_state(run, frame):
        result = value(run, frame)
        from_day = effective(run, frame) if effective is not None else None
        if run.explain:
            run.step(frame, name, written, result, f" (for accruals from {from_day})" if from_day else "")
        run.assign(name, result, frame, from_day)
    return set_state


def _compile_adjust(node: ast.Adjust, contract: CheckedContract):
    value, name, written = compiled_expression(node.value, contract), node.name, node.value
    type_ = contract.symbols[name].type

    def adjust(run, frame):
        before = run.state[name]
        after = value(run, frame)
        if run.explain:
            run.step(frame, name, written, after)
        run.assign(name, after, frame)
        if before != after:
            run.emit(node, frame, "adjustment", {"name": name, "before": run.text(before, type_),
                                                 "after": run.text(after, type_)})
    return adjust


def _compile_record(node: ast.Record, contract: CheckedContract):
    value, name, options = compiled_expression(node.value, contract), node.name, _options(node, contract)
    symbol = contract.symbols.get(name)
    is_state = symbol is not None and symbol.kind == "state"
    type_ = symbol.type if is_state else contract.type_of(node.value)
    money = isinstance(type_, T.Number) and type_.unit.single_base() in contract.currencies

    def record(run, frame):
        result = value(run, frame)
        if is_state:
            run.assign(name, result, frame)
        given = {option: compute(run, frame) for option, compute in options}
        on = given.get("on", frame.today)
        due = given.get("due")
        details = {"name": name, "value": run.text(result, type_)}
        if money:
            details["amount"] = details["value"]  # a status that records money: its amount, for examples and invariants
        if due is not None and due != on:
            details["due"] = due.isoformat()
        run.emit(node, frame, "status", details, when=on)
    return record


_PAYMENT_ROUNDING = {"cents": "rounded to cents, half up", "cents down": "rounded down to cents",
                     "cents half even": "rounded to cents, half even", "exact": "exactly, not rounded"}


class PaymentTerms:
    """What a `pay` statement fixes once: its purpose, currency, payer, payee and where each option stands
    among the values computed in the order written (the checker lets none be given twice). `pay` makes
    the payment of an amount and those values; the statement's closure calls it, and generated code writes
    it out from the same terms."""

    __slots__ = ("node", "purpose", "currency", "code", "payer", "payee", "period_at", "rounding_at", "even_at",
                 "on_at", "due_at")

    def __init__(self, node: ast.Pay, contract: CheckedContract):
        self.node, self.purpose = node, node.purpose
        type_ = contract.type_of(node.amount)
        self.currency = (type_.amount if isinstance(type_, T.Accrued) else type_).unit.single_base()
        self.code = contract.currency_code_parameters.get(self.currency)
        self.payer, self.payee = compiled_expression(node.payer, contract), compiled_expression(node.payee, contract)
        place = {option.name: position for position, option in enumerate(node.options)}
        self.period_at, self.rounding_at, self.even_at = place.get("period"), place.get("rounding"), place.get(
            "even_when_zero")
        self.on_at, self.due_at = place.get("on"), place.get("due")

    def pay(self, run, frame, amount, given: list) -> None:
        """The payment of `amount` with its options' values `given`, its parties found once it is known to be made
        (generated code writes the same out: codegen's payment)."""
        period = None
        if type(amount) is Settlement:
            period, amount = amount.period, amount.amount
        if self.period_at is not None:
            period = given[self.period_at]
        settlement = given[self.rounding_at] if self.rounding_at is not None else "cents"
        paid = rounding.cents(amount) if settlement == "cents" else rounding.settle_amount(amount, settlement)
        if not paid and not (self.even_at is not None and given[self.even_at]):
            return
        on = given[self.on_at] if self.on_at is not None else frame.today
        due = given[self.due_at] if self.due_at is not None else None
        shown_currency = run.globals[self.code] if self.code is not None else self.currency  # a template's code
        payer, payee = self.payer(run, frame), self.payee(run, frame)
        details = {
            "payer": payer,
            "payee": payee,
            # in cents, the amount has two places: str() writes them as the format .2f does, and faster
            "amount": str(paid) if settlement != "exact" else plain_number(paid),
            "currency": shown_currency,
            "purpose": self.purpose,
            "due": DATE_TEXTS[due] if due is not None and due != on else None,
            "period": [DATE_TEXTS[period[0]], DATE_TEXTS[period[1]]] if period else None,
        }
        if not run.explain and run.moment == START_OF_DAY:  # what emit makes of it, without its call
            run.effects.append(Effect(on or frame.today, "payment", frame.clause,
                                      frame.cause.index if frame.cause is not None else None, details, (), None, None))
            return
        extra = ()
        if run.explain:
            extra = [Step(f"paid {details['amount']} {shown_currency} as {self.purpose}: {plain_number(amount)} "
                          f"{_PAYMENT_ROUNDING[settlement]}", frame.clause)]
        run.emit(self.node, frame, "payment", details, on, extra)  # by position: a call with keywords costs more


def _with_options(node: ast.Pay | ast.Issue, value: ast.Expr, contract: CheckedContract, perform):
    """The closure of a statement that computes a value (a payment's amount, an issue's quantity), then its
    options in the order written, and hands them to `perform` (PaymentTerms.pay, IssueTerms.issue)."""
    value_of = compiled_expression(value, contract)
    computes = tuple(compute for _, compute in _options(node, contract))

    def statement(run, frame):
        computed = value_of(run, frame)
        given = []
        for compute in computes:  # in the order written, without a comprehension's call
            given.append(compute(run, frame))
        perform(run, frame, computed, given)
    return statement


def _compile_pay(node: ast.Pay, contract: CheckedContract):
    return _with_options(node, node.amount, contract, PaymentTerms(node, contract).pay)


class IssueTerms:
    """What an `issue` statement fixes once: its recipient, its security and where each option stands among the
    values computed in the order written. `issue` makes the issue of a quantity with those values; the
    statement's closure calls it, and generated code writes it out from the same terms."""

    __slots__ = ("node", "recipient", "security", "price_at", "price_date_at")

    def __init__(self, node: ast.Issue, contract: CheckedContract):
        self.node = node
        self.recipient = compiled_expression(node.recipient, contract)
        self.security = compiled_expression(node.security, contract)
        place = {option.name: position for position, option in enumerate(node.options)}
        self.price_at, self.price_date_at = place.get("price"), place.get("price_date")

    def issue(self, run, frame, quantity, given: list) -> None:
        """The issue of `quantity` with its options' values `given`, its parties found once it is known to be made
        (generated code writes the same out: codegen's issue)."""
        price = given[self.price_at] if self.price_at is not None else None
        price_date = given[self.price_date_at] if self.price_date_at is not None else None
        if isinstance(price, Quote):
            price, price_date = price.price, price_date or price.date
        if quantity == 0:
            return
        details = {
            "recipient": self.recipient(run, frame),
            "security": self.security(run, frame),
            "quantity": plain_number(quantity),
            "price": plain_number(price) if price is not None else None,
            "price_date": DATE_TEXTS[price_date] if price_date is not None else None,
        }
        run.emit(self.node, frame, "issue", details)


def _compile_issue(node: ast.Issue, contract: CheckedContract):
    return _with_options(node, node.quantity, contract, IssueTerms(node, contract).issue)


def _compile_votes(node: ast.Votes, contract: CheckedContract):
    holder, quantity = compiled_expression(node.holder, contract), compiled_expression(node.quantity, contract)

    def votes(run, frame):
        run.emit(node, frame, "votes", {"holder": holder(run, frame),
                                        "quantity": plain_number(quantity(run, frame))})
    return votes


def _compile_reject(node: ast.Reject, contract: CheckedContract):
    reason = compiled_reason(node, contract)

    def reject(run, frame):
        raise Rejected(reason(run, frame), frame.clause)
    return reject


def _compile_require(node: ast.Require, contract: CheckedContract):
    condition, reason = compiled_expression(node.condition, contract), compiled_reason(node, contract)

    def require(run, frame):
        if not condition(run, frame):
            raise Rejected(reason(run, frame), frame.clause)
    return require


def compiled_reason(node: ast.Reject | ast.Require, contract: CheckedContract):
    """A rejection's reason as a closure: its text with each `{NAME}` or `{NAME.FIELD}` written as the results
    write that value, when the rule runs (language/reasons.py)."""
    pieces = read_reason(node.reason)[0]
    if not node.references:
        text = pieces[0]  # `{{` and `}}` read as braces
        return lambda run, frame: text
    values = tuple((compiled_expression(reference, contract), contract.types.get(id(reference)))
                   for reference in node.references)
    currencies = contract.currencies

    def reason(run, frame):
        written = [pieces[0]]
        for (value, type_), piece in zip(values, pieces[1:]):
            written += (plain_text(value(run, frame), type_, currencies), piece)
        return "".join(written)
    return reason


def _compile_check(node: ast.Check, contract: CheckedContract):
    condition, message = compiled_expression(node.condition, contract), node.message

    def check(run, frame):
        if not condition(run, frame):
            raise CheckFailed(message, frame.clause)
    return check


def _compile_if(node: ast.If, contract: CheckedContract, blocks=compiled_block):
    branches = tuple((compiled_expression(condition, contract), blocks(body, contract))
                     for condition, body in node.branches)
    otherwise = blocks(node.otherwise, contract) if node.otherwise is not None else None

    # a branch runs in its rule's frame: the checker lets no name be defined twice in a scope or its
    # enclosing ones, so what a branch defines is never read after it, and a copy of the names is not needed
    def if_statement(run, frame):
        for condition, body in branches:
            if condition(run, frame):
                body(run, frame)
                return
        if otherwise is not None:
            otherwise(run, frame)
    return if_statement


def _compile_cite(node: ast.Cite, contract: CheckedContract, blocks=compiled_block):
    body, section = blocks(node.body, contract), node.section

    def cite(run, frame):  # shares locals and steps: citing is not scoping
        body(run, Frame(section, frame.cause, frame.today, frame.steps, frame.locals, frame.rule))
    return cite


def _compile_do(node: ast.Do, contract: CheckedContract, blocks=compiled_block):
    action: ast.Action = contract.symbols[node.action].node
    arguments = tuple(compiled_expression(argument, contract) for argument in node.arguments)
    names = tuple(parameter.name for parameter in action.parameters)
    body = blocks(action.body, contract)

    if not arguments:  # the usual action, of the contract's state alone: no arguments to bind
        def do_without_arguments(run, frame):
            body(run, Frame(frame.clause, frame.cause, frame.today, frame.steps, {}, frame.rule))
        return do_without_arguments

    def do(run, frame):
        values = [argument(run, frame) for argument in arguments]
        body(run, Frame(frame.clause, frame.cause, frame.today, frame.steps, dict(zip(names, values)), frame.rule))
    return do


def _compile_for(node: ast.ForEach, contract: CheckedContract, blocks=compiled_block):
    source, variable = compiled_expression(node.source, contract), node.variable
    body = blocks(node.body, contract)

    def for_each(run, frame):
        values = source(run, frame)
        run.charge(len(values), node, frame)
        for value in values:
            inner = frame.child()
            inner.locals[variable] = value
            body(run, inner)
    return for_each


def _compile_claim(node: ast.Claim, contract: CheckedContract, blocks=compiled_block):
    event, binder, body = node.event, node.binder, blocks(node.body, contract)
    otherwise = blocks(node.otherwise, contract) if node.otherwise is not None else None

    def claim(run, frame):
        rejections = []  # a rejected event changes nothing (G9): the next one of its type on the day is tried
        for record in run.pending_events.get(frame.today, ()):
            if record.type == event and record.index not in run.claimed:
                run.charge(len(frame.steps), node, frame)  # the event's explanation starts with a copy of this one
                run.claimed.add(record.index)
                run.claimed_order.append(record.index)
                inner = Frame(frame.clause, record, frame.today, list(frame.steps), {**frame.locals, binder: record},
                              f"{record.type} (event {record.index})")
                if run.explain:
                    inner.steps.append(Step(describe_event(record, contract), frame.clause))
                if run.transaction(body, inner, record):
                    run.effects.extend(rejections)
                    return
                rejections.append(run.effects.pop())
        if otherwise is not None:
            otherwise(run, frame)  # in the rule's frame, as a branch of an if
        # the scheduled item goes first in its day (G6): the events' rejections follow it
        run.effects.extend(rejections)
    return claim


_STATEMENT_COMPILERS = {
    ast.Let: _compile_let, ast.SetState: _compile_set, ast.Adjust: _compile_adjust, ast.Record: _compile_record,
    ast.Pay: _compile_pay, ast.Issue: _compile_issue, ast.Votes: _compile_votes, ast.Reject: _compile_reject,
    ast.Require: _compile_require, ast.Check: _compile_check,
}
_BLOCK_STATEMENT_COMPILERS = {  # the statements that hold blocks of their own
    ast.If: _compile_if, ast.Cite: _compile_cite, ast.Do: _compile_do, ast.ForEach: _compile_for,
    ast.Claim: _compile_claim,
}


# -------------------------------------------------------------- compiled expressions


def compiled_expression(node: ast.Expr, contract: CheckedContract):
    """An expression's closure as a run evaluates it, made once per checked contract and kept by node.

    A date or number out of range in the expression's own work is reported at this node, unless a
    node inside it that is evaluated on its own (an argument, an element) reported it first."""
    found = contract.compiled.get(id(node))
    if found is not None:
        return found
    if type(node) is ast.Call:  # the usual case: its own closure reports there, without a second call
        compiled = contract.compiled[id(node)] = _compile_call(node, contract, guarded=True)
        return compiled
    inner = compile_expression(node, contract)
    if not may_fail(node):
        compiled = inner  # nothing in it can go out of range, or what can reports at itself
    else:
        compiled = _guarded(inner, node)
    contract.compiled[id(node)] = compiled
    return compiled


def may_fail(node: ast.Expr) -> bool:
    """Whether the closure compile_expression makes for a node may raise a date or number out of range
    that no node inside it reports: then compiled_expression reports it at this node."""
    kind = type(node)
    if kind in _NEVER_FAIL:
        return False
    if kind is ast.Binary:  # an operator reports its own failures; its sides are its own closures
        return may_fail(node.left) or may_fail(node.right)
    if kind is ast.FieldAccess:
        return may_fail(node.subject)
    if kind is ast.IfExpr:
        return may_fail(node.condition) or may_fail(node.then) or may_fail(node.otherwise)
    if kind in (ast.Not, ast.IsNone):
        return may_fail(node.operand)
    return True  # calls, negation and the interpreter's own methods


_NEVER_FAIL = frozenset((ast.NumberLit, ast.PercentLit, ast.DateLit, ast.StringLit, ast.BoolLit, ast.TimeLit,
                         ast.NoneLit, ast.Name,  # literals and names
                         ast.ListExpr, ast.Comprehension, ast.Index))  # their parts report at themselves


def compiled_arguments(node: ast.Call, contract: CheckedContract):
    """A call's positional arguments' closures and its named ones' (name, closure), made once."""
    found = contract.arguments.get(id(node))
    if found is None:
        found = contract.arguments[id(node)] = (
            tuple(compiled_expression(a.value, contract) for a in node.arguments if a.name is None),
            tuple((a.name, compiled_expression(a.value, contract)) for a in node.arguments if a.name is not None))
    return found


def field_reading(node: ast.FieldAccess, contract: CheckedContract) -> str:
    """How a field is read, by what the checker found its subject to be: "settlement" (only settle() gives one),
    "event" (an event's own field), or "any" (field_of, by the value's kind). All three read as field_of would."""
    known = contract.types.get(id(node.subject))
    if isinstance(known, T.Accrued):
        return "settlement"
    if isinstance(known, T.Simple) and known.name.startswith("event ") and node.name not in ("date", "filed", "index"):
        return "event"
    return "any"


def compile_expression(node: ast.Expr, contract: CheckedContract):
    """An expression as a closure `(run, frame) -> value`.

    Names are resolved by what the checker knows them to be; literals are constants; operators
    call the closures of their sides, and calls, lists and comprehensions those of their parts
    (each evaluated on its own, through compiled_expression). Anything else runs through the
    interpreter's own method for its node."""
    kind = type(node)
    if kind is ast.NumberLit:
        value = int(node.value) if node.unit is not None and node.unit.name in ("day", "days") else node.value
        return lambda run, frame: value
    if kind in (ast.PercentLit, ast.DateLit, ast.StringLit, ast.BoolLit):
        value = node.value
        return lambda run, frame: value
    if kind is ast.TimeLit:
        value = time.fromisoformat(node.text)
        return lambda run, frame: value
    if kind is ast.NoneLit:
        return lambda run, frame: None
    if kind is ast.Name:
        return _compile_name(node, contract)
    if kind is ast.FieldAccess:
        subject, name, reading = compile_expression(node.subject, contract), node.name, field_reading(node, contract)
        if reading == "settlement":
            if name == "amount":
                return lambda run, frame: subject(run, frame).amount
            return lambda run, frame: subject(run, frame).period
        if reading == "event":
            return lambda run, frame: subject(run, frame).fields[name]
        return lambda run, frame: field_of(subject(run, frame), name)
    if kind is ast.IfExpr:
        condition, then = compile_expression(node.condition, contract), compile_expression(node.then, contract)
        otherwise = compile_expression(node.otherwise, contract)
        return lambda run, frame: then(run, frame) if condition(run, frame) else otherwise(run, frame)
    if kind is ast.Not:
        operand = compile_expression(node.operand, contract)
        return lambda run, frame: not operand(run, frame)
    if kind is ast.IsNone:
        operand, negated = compile_expression(node.operand, contract), node.negated
        return lambda run, frame: (operand(run, frame) is None) != negated
    if kind is ast.Binary:
        return _compile_binary(node, contract)
    if kind is ast.AtTime:
        day, moment = compile_expression(node.date, contract), compile_expression(node.time, contract)
        return lambda run, frame: datetime.combine(day(run, frame), moment(run, frame))
    if kind is ast.Negate:
        operand = compiled_expression(node.operand, contract)
        return lambda run, frame: exact.negate(operand(run, frame))
    if kind is ast.Call:
        return _compile_call(node, contract)
    if kind is ast.ListExpr:
        return _compile_list(node, contract)
    if kind is ast.Comprehension:
        return _compile_comprehension(node, contract)
    if kind is ast.Index:
        return _compile_index(node, contract)
    method = _RUN_EXPRESSIONS[kind]
    return lambda run, frame: getattr(run, method)(node, frame)


def _compile_call(node: ast.Call, contract: CheckedContract, guarded: bool = False):
    """A call's closure; `guarded`, it reports a date or number out of range in its own work at the call
    (as compiled_expression would), else it leaves that to the node around it (the side of an operator)."""
    guard = _guarded if guarded else _unguarded
    function = contract.functions.get(node.function)
    if function is None:
        plain = PLAIN_FUNCTIONS.get(node.function)
        if node.function in ("min", "max") and len(compiled_arguments(node, contract)[0]) == 2:  # of two values
            first, second = compiled_arguments(node, contract)[0]
            return (_least if node.function == "min" else _greatest)(first, second, node, guarded)
        if node.function in ("accrued", "settle"):  # the most frequent calls: straight to the run's method
            settle, arguments = node.function == "settle", compiled_arguments(node, contract)[1]
            if len(arguments) == 1 and arguments[0][0] in ("before", "through"):  # the usual
                return _accrual_of_one(node, settle, *arguments[0], guarded)
            return guard(lambda run, frame: run.accrual_call(node, frame, settle, arguments), node)
        if plain is None:
            builtin = BUILTIN_FUNCTIONS[node.function]
            return guard(lambda run, frame: builtin(run, node, frame), node)
        return _plain_call(plain, compiled_arguments(node, contract)[0], node, guarded)
    arguments = tuple(compiled_expression(argument.value, contract) for argument in node.arguments)
    names = tuple(parameter.name for parameter in function.parameters)
    body = compiled_expression(function.body, contract)
    section, rule = contract.symbols[node.function].section, f"function {node.function}"

    def call(run, frame):
        values = [argument(run, frame) for argument in arguments]
        run.charge(1, node, frame)
        return body(run, Frame(section, frame.cause, frame.today, [], dict(zip(names, values)), rule))
    return guard(call, node)


def _unguarded(inner, node: ast.Call):
    return inner


def _guarded(inner, node: ast.Expr):
    """An expression's closure that reports a date or number out of range in its own work at the
    expression (a call's arguments, each compiled on their own, report theirs first)."""
    def guarded(run, frame):
        try:
            return inner(run, frame)
        except (schedules.OutsideCalendar, ArithmeticError) as problem:
            raise failure(run, problem, node, frame, True) from None
    return guarded


def failure(run, problem: Exception, node: ast.Expr, frame: Frame, said_here: bool) -> Exception:
    """What a date past the calendar or a number out of range met in a node's own work raises: a diagnostic
    at the node, or (not `said_here`) the problem itself, for the node around it to report."""
    if not said_here:
        return problem
    if isinstance(problem, schedules.OutsideCalendar):
        return run.outside_calendar(problem, node, frame)
    return run.out_of_range(problem, node, frame)


def _plain_call(plain, arguments: tuple, node: ast.Call, guarded: bool):
    """A call of a function that needs only its arguments' values (business_day, first_of_month, cents: the most
    frequent calls), for the usual numbers of arguments; `guarded` as _compile_call's, said by the closure itself
    rather than by a closure of _guarded around it, which would be a second call."""
    if len(arguments) == 1:
        (only,) = arguments

        def plain_of_one(run, frame):
            try:
                return plain(only(run, frame))
            except (schedules.OutsideCalendar, ArithmeticError) as problem:
                raise failure(run, problem, node, frame, guarded) from None
        return plain_of_one
    if len(arguments) == 2:
        first, second = arguments

        def plain_of_two(run, frame):
            try:
                return plain(first(run, frame), second(run, frame))
            except (schedules.OutsideCalendar, ArithmeticError) as problem:
                raise failure(run, problem, node, frame, guarded) from None
        return plain_of_two
    if len(arguments) == 3:
        first, second, third = arguments

        def plain_of_three(run, frame):
            try:
                return plain(first(run, frame), second(run, frame), third(run, frame))
            except (schedules.OutsideCalendar, ArithmeticError) as problem:
                raise failure(run, problem, node, frame, guarded) from None
        return plain_of_three
    return (_guarded if guarded else _unguarded)(
        lambda run, frame: plain(*[argument(run, frame) for argument in arguments]), node)


def _accrual_of_one(node: ast.Call, settle: bool, name: str, value, guarded: bool):
    """accrued() or settle() with one named argument (`before:` or `through:`), straight to its ledger, without
    the named arguments' dict that Run.accrual_call makes; `guarded` as _compile_call's, said by the closure."""
    ledger_name, through = node.arguments[0].value.name, name == "through"

    def accrual_of_one(run, frame):
        try:
            end = value(run, frame)
            if through:
                end = schedules.add_days(end, 1)
        except (schedules.OutsideCalendar, ArithmeticError) as problem:
            raise failure(run, problem, node, frame, guarded) from None
        try:
            ledger = run.ledgers[ledger_name]
            if settle:
                looked_through = len(ledger.changes) + len(ledger.portions)  # Ledger.entries, before it settles
                settled = ledger.settle(end)
                if run.explain:
                    return run.settled(settled, looked_through, ledger, node, frame)
                run.steps_taken += looked_through + len(settled.pieces)  # as Run.settled charges them
                if run.steps_taken > STEP_BUDGET:
                    run.charge(0, node, frame)  # says where the run went over its budget
                return settled
            accrued = ledger.accrued(end)
            run.charge(ledger.entries + len(accrued.pieces), node, frame)
            return accrued.amount
        except schedules.OutsideCalendar as problem:  # a date past the calendar: said at its expression
            raise failure(run, problem, node, frame, guarded) from None
        except ValueError as problem:  # a day count without what it needs
            raise run.accrual_failed(problem, node, frame) from None
        except ArithmeticError as problem:
            raise failure(run, problem, node, frame, guarded) from None
    return accrual_of_one


def _least(first, second, node: ast.Call, guarded: bool):
    """min(a, b): the first of the least; a decimal and a ratio compared exactly, without Python's mixed operators
    (`guarded` as _plain_call's)."""
    def least(run, frame):
        try:
            a, b = first(run, frame), second(run, frame)
            if type(a) is not type(b) and type(a) in NUMBERS and type(b) in NUMBERS:
                return b if exact.compare(b, a) < 0 else a
            return min(a, b)
        except (schedules.OutsideCalendar, ArithmeticError) as problem:
            raise failure(run, problem, node, frame, guarded) from None
    return least


def _greatest(first, second, node: ast.Call, guarded: bool):
    """max(a, b): the first of the greatest, compared as _least compares."""
    def greatest(run, frame):
        try:
            a, b = first(run, frame), second(run, frame)
            if type(a) is not type(b) and type(a) in NUMBERS and type(b) in NUMBERS:
                return b if exact.compare(b, a) > 0 else a
            return max(a, b)
        except (schedules.OutsideCalendar, ArithmeticError) as problem:
            raise failure(run, problem, node, frame, guarded) from None
    return greatest


def _compile_list(node: ast.ListExpr, contract: CheckedContract):
    items, length = tuple(compiled_expression(item, contract) for item in node.items), len(node.items)

    def list_of(run, frame):
        run.charge_list(length, node, frame)
        return [item(run, frame) for item in items]
    return list_of


def _compile_comprehension(node: ast.Comprehension, contract: CheckedContract):
    source, variable = compiled_expression(node.source, contract), node.variable
    condition = compiled_expression(node.condition, contract) if node.condition is not None else None
    element = compiled_expression(node.element, contract)

    def comprehension(run, frame):
        values = []
        inner = frame.child()
        items = source(run, frame)
        run.charge(len(items), node, frame)
        for item in items:
            inner.locals[variable] = item
            if condition is None or condition(run, inner):
                values.append(element(run, inner))
        return values
    return comprehension


def _compile_index(node: ast.Index, contract: CheckedContract):
    subject, position_of = compiled_expression(node.subject, contract), compiled_expression(node.position, contract)

    def index(run, frame):
        values = subject(run, frame)
        position = position_of(run, frame)
        if not (1 <= position <= len(values)):
            raise run.diagnostic(f"position {plain_number(position)} is not in a list of {len(values)} "
                                 "(the first is 1)", node, frame)
        return values[int(position) - 1]
    return index


def name_source(node: ast.Name, contract: CheckedContract) -> str:
    """Where a name's value is read when no name of the rule (a let, a binder, a parameter) has it: by what the
    checker found it to be. compiler.py's closure of a name and generated code both read it so."""
    symbol = contract.symbols.get(node.name)
    kind = symbol.kind if symbol is not None else None
    if node.name in ("today", "until"):
        return node.name
    if kind in ("parameter", "assumption"):
        return "setting"
    if kind in ("state", "term", "schedule", "report", "market", "accrual"):
        return "term" if kind in ("schedule", "report") else kind
    if isinstance(contract.types.get(id(node)), T.Enum) and kind is None:
        return "member"  # a member stands for itself
    return "rule"


# a term, a default or a state's first value written as one of these is the same value in every run
LITERALS = frozenset((ast.NumberLit, ast.PercentLit, ast.DateLit, ast.StringLit, ast.BoolLit))


def literal_term(symbol) -> tuple[bool, object]:
    """(True, its value) for a term the contract writes as a literal (a party's name, a date, a rate), which
    every run reads as that value; (False, None) for any other."""
    if symbol is None or symbol.kind != "term" or type(symbol.node.value) not in LITERALS:
        return False, None
    return True, compile_expression(symbol.node.value, None)(None, None)  # a literal's closure reads nothing


def _compile_name(node: ast.Name, contract: CheckedContract):
    name, source = node.name, name_source(node, contract)
    symbol = contract.symbols.get(name)
    if source == "today":
        return lambda run, frame: frame.locals[name] if name in frame.locals else frame.today
    if source == "until":
        return lambda run, frame: frame.locals[name] if name in frame.locals else run.until
    if source == "state":
        return lambda run, frame: frame.locals[name] if name in frame.locals else run.state[name]
    if source == "setting":
        return lambda run, frame: frame.locals[name] if name in frame.locals else run.globals[name]
    if source == "term":
        literal, value = literal_term(symbol)
        if literal:  # what run.globals holds for it from the start of every run (Run.literal_terms)
            return lambda run, frame: frame.locals[name] if name in frame.locals else value
        return lambda run, frame: (frame.locals[name] if name in frame.locals
                                   else run.globals[name] if name in run.globals else run.global_value(symbol))
    if source == "market":
        return lambda run, frame: frame.locals[name] if name in frame.locals else run.markets[name]
    if source == "accrual":
        return lambda run, frame: frame.locals[name] if name in frame.locals else run.ledgers[name]
    if source == "member":
        return lambda run, frame: frame.locals[name] if name in frame.locals else name
    return lambda run, frame: frame.locals[name]  # a name of the rule: a let, a binder, a parameter


def _compile_binary(node: ast.Binary, contract: CheckedContract):
    op = node.operator
    left, right = compile_expression(node.left, contract), compile_expression(node.right, contract)
    if op == "and":
        return lambda run, frame: bool(left(run, frame)) and bool(right(run, frame))
    if op == "or":
        return lambda run, frame: bool(left(run, frame)) or bool(right(run, frame))
    if op == "??":
        def coalesce(run, frame):
            value = left(run, frame)
            return value if value is not None else right(run, frame)
        return coalesce
    if op in DECIMAL_OPERATIONS:
        return _arithmetic(op, left, right, node)
    if op in COMPARISONS:
        return _compared(op, left, right, node)
    return _divided(left, right, node) if op == "/" else _combined(op, left, right, node)


# Each kind of operator tests only for its own usual case; any other goes through Run.combine. A date
# or number out of range in the operation is reported at the operator (failure, as a call reports its own).

def _arithmetic(op: str, left, right, node: ast.Binary):
    operation, exact_operation = DECIMAL_OPERATIONS[op], EXACT_OPERATIONS[op]

    def arithmetic(run, frame):
        a, b = left(run, frame), right(run, frame)
        try:
            if type(a) is Decimal and type(b) is Decimal:
                return operation(a, b)  # exact, or out of range (never rounded)
            if type(a) in NUMBERS and type(b) in NUMBERS:
                return exact_operation(a, b)  # a ratio on either side, or whole days
            return run.combine(op, a, b, node, frame)
        except (schedules.OutsideCalendar, ArithmeticError) as problem:
            raise failure(run, problem, node, frame, True) from None
    return arithmetic


def _compared(op: str, left, right, node: ast.Binary):
    comparison = COMPARISONS[op]

    def compared(run, frame):
        a, b = left(run, frame), right(run, frame)
        try:
            if type(a) is type(b) and type(a) in COMPARED_DIRECTLY:
                return comparison(a, b)
            return run.combine(op, a, b, node, frame)
        except (schedules.OutsideCalendar, ArithmeticError) as problem:
            raise failure(run, problem, node, frame, True) from None
    return compared


def _divided(left, right, node: ast.Binary):
    def divided(run, frame):
        a, b = left(run, frame), right(run, frame)
        try:
            if type(a) is Decimal and type(b) is Decimal and b:
                return exact.divide(a, b)  # exact: a ratio when it does not terminate
            return run.combine("/", a, b, node, frame)
        except (schedules.OutsideCalendar, ArithmeticError) as problem:
            raise failure(run, problem, node, frame, True) from None
    return divided


def _combined(op: str, left, right, node: ast.Binary):
    def combined(run, frame):
        a, b = left(run, frame), right(run, frame)
        try:
            return run.combine(op, a, b, node, frame)
        except (schedules.OutsideCalendar, ArithmeticError) as problem:
            raise failure(run, problem, node, frame, True) from None
    return combined

