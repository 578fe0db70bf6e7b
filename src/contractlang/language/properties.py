"""Examples and invariants, checked like rules: the names through which they see a run, and their checks.

Inside examples and invariants a run is seen through lists of records:
`effects`, `payments`, `issues`, `adjustments`, `rejections`, `statuses`,
`votes`, each effect with the fields of the JSON results; `history`, the
state after each step; for each event type, the scenario's events of that
type; and every state and report by name, at the end of the run. The checker
types their statements with its own expression and statement checks, in the
scopes made here; testing/ evaluates them.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from ..diagnostics import closest
from . import ast
from . import types as T
from .printer import expr
from .scope import Context, Scope

EFFECT = T.Simple("Effect")
SNAPSHOT = T.Simple("Snapshot")
RUN = T.Simple("Run")
EFFECT_LISTS = ("effects", "payments", "issues", "adjustments", "rejections", "statuses", "votes")
KIND_OF_LIST = {"payments": "payment", "issues": "issue", "adjustments": "adjustment",
                 "rejections": "rejection", "statuses": "status", "votes": "votes"}


def _effect_fields(checker) -> dict:
    """The fields of an effect record: the figures of the JSON results (`quantity` and `price` as plain
    numbers, as they are written there), and `shares` and `share_price`, an issue's figures in their units."""
    money = T.Number(T.Unit.of(checker.currencies[0])) if checker.currencies else T.DECIMAL
    shares = T.Number(_issued_unit(checker))
    fields = {name: T.TEXT for name in ("kind", "clause", "payer", "payee", "currency", "purpose", "recipient",
                                         "security", "name", "before", "after", "event", "reason", "holder", "value")}
    fields.update({
        "date": T.DATE, "cause": T.Optional(T.INTEGER), "amount": money, "quantity": T.DECIMAL,
        "price": T.DECIMAL, "due": T.Optional(T.DATE), "period_start": T.Optional(T.DATE),
        "period_end": T.Optional(T.DATE), "price_date": T.Optional(T.DATE),
        "shares": shares, "share_price": T.Number(money.unit / shares.unit),
    })
    return fields


def _issued_unit(checker) -> T.Unit:
    """The unit of the shares the contract issues: the one security its `issue` statements name, or
    `shares` of any class where they name several (or one that only a run knows)."""
    if len(checker.issued) == 1 and (security := next(iter(checker.issued))) in checker.securities:
        return T.Unit.of(security)
    return T.Unit.of(T.SHARE)


def _snapshot_fields(checker) -> dict:
    fields = {"date": T.DATE}
    fields.update({s.name: s.type for s in checker.symbols.values() if s.kind == "state"})
    return fields


def _run_fields(checker) -> dict:
    fields = {name: T.ListOf(EFFECT) for name in EFFECT_LISTS}
    fields["history"] = T.ListOf(SNAPSHOT)
    fields["until"] = T.DATE
    for symbol in checker.symbols.values():
        if symbol.kind == "state":
            fields[symbol.name] = symbol.type
        elif symbol.kind == "report":
            fields[symbol.name] = checker.symbol_type(symbol.name)
    return fields


# The record types examples and invariants see, with the fields of each (for `e.amount`, `varied.effects`)
RECORD_FIELDS = {"Effect": _effect_fields, "Snapshot": _snapshot_fields, "Run": _run_fields}


def run_scope(checker, parent=None):
    """The names through which examples and invariants see a run."""
    scope = Scope(parent or checker.global_scope())
    for name in EFFECT_LISTS:
        scope.names[name] = T.ListOf(EFFECT)
    scope.names["history"] = T.ListOf(SNAPSHOT)
    for symbol in checker.symbols.values():
        if symbol.kind == "event":
            scope.names[symbol.name] = T.ListOf(checker.event_record_type(symbol.name))
    return scope


def invariant_scope(checker, item: ast.Invariant):
    scope = run_scope(checker)
    variation = item.variation
    if variation is not None:
        scope.names["varied"] = RUN
        if variation.kind == "inserted_before":
            for name in (variation.event, variation.before):
                symbol = checker.symbols.get(name)
                if symbol is None or symbol.kind != "event":
                    checker.unknown(name, variation, kinds=("event",))
            _check_event_fields(checker, variation.event, variation.fields, variation, require_all=True)
        if variation.kind == "parameter_changed":
            _check_parameter_change(checker, variation)
    return scope


def _check_parameter_change(checker, variation) -> None:
    """`with NAME raised by 10%` (relative: a percentage multiplies), `lowered by AMOUNT` (of its type:
    added or taken away), `set to VALUE`: NAME is a parameter or an assumption."""
    symbol = checker.symbols.get(variation.event)
    if symbol is None or symbol.kind not in ("parameter", "assumption"):
        checker.unknown(variation.event, variation, kinds=("parameter", "assumption"))
        return
    declared = symbol.type
    found = checker.expr(variation.amount, checker.global_scope(), Context(symbol.section), declared)
    if variation.change != "set to" and not isinstance(declared, T.Number):
        checker.problem(f"'{variation.event}' is not a number: it can only be set to a value", variation)
    elif variation.change == "set to" or not isinstance(variation.amount, ast.PercentLit):
        checker.expect(found, declared, variation.amount, f"'{variation.event}'")


def _check_event_fields(checker, event: str, fields, node, require_all: bool) -> None:
    symbol = checker.symbols.get(event)
    if symbol is None or symbol.kind != "event":
        return
    declared = {f.name: f for f in symbol.node.fields}
    given = set()
    for field in fields:
        if field.name in given:  # the second value would silently replace the first, as a scenario's key may not
            checker.problem(f"field '{field.name}' is given twice", field)
            continue
        if field.name not in declared:
            hint = closest(field.name, declared)
            checker.problem(f"{event} has no field '{field.name}'" + (f"; did you mean '{hint}'?" if hint else ""), field)
            continue
        given.add(field.name)
        expected = checker.resolve_type(declared[field.name].type, report=False)
        found = checker.expr(field.value, checker.global_scope(), Context(symbol.section), expected)
        checker.expect(found, expected, field.value, f"field '{field.name}'")
    if require_all:
        for name, field in declared.items():
            if name not in given and field.default is None:
                checker.problem(f"{event} needs field '{name}'", node)


def check_example(checker, item: ast.Example, section: str) -> None:
    context = Context(section, in_invariant=True)
    for given in item.items:
        _refuse_given_twice(checker, item, given)
        scope = checker.global_scope()
        if isinstance(given, ast.GivenUntil):
            checker.expect(checker.expr(given.value, scope, context), T.DATE, given.value, "'until'")
        elif isinstance(given, (ast.GivenParam, ast.GivenAssume)):
            kinds = ("parameter", "state") if isinstance(given, ast.GivenParam) else ("assumption",)
            symbol = checker.symbols.get(given.name)
            if symbol is None or symbol.kind not in kinds or (symbol.kind == "state" and not symbol.node.settable):
                checker.unknown(given.name, given, kinds=kinds[:1])
                continue
            found = checker.expr(given.value, scope, context, symbol.type)
            checker.expect(found, symbol.type, given.value, f"'{given.name}'")
        elif isinstance(given, ast.GivenPrice):
            checker.expect(checker.expr(given.date, scope, context), T.DATE, given.date, "the price's date")
            markets = [s for s in checker.symbols.values() if s.kind == "market"]
            found = checker.expr(given.price, scope, context)
            if not markets:
                checker.problem("the contract declares no market to give prices for", given)
            else:
                checker.expect(found, markets[0].type, given.price, "a price")
        elif isinstance(given, ast.GivenEvent):
            symbol = checker.symbols.get(given.type)
            if symbol is None or symbol.kind != "event":
                checker.unknown(given.type, given, kinds=("event",))
                continue
            checker.expect(checker.expr(given.date, scope, context), T.DATE, given.date, "the event's date")
            _check_event_fields(checker, given.type, given.fields, given, require_all=True)
        elif isinstance(given, ast.Expectation):
            found = checker.expr(given.condition, run_scope(checker), context)
            checker.expect(found, T.BOOL, given.condition, "an expectation")


def _refuse_given_twice(checker, item: ast.Example, given) -> None:
    """An example gives its horizon, each parameter and assumption, and the price of a written date once:
    a second one would silently replace the first, as a scenario's key given twice may not."""
    def key(node):
        if isinstance(node, ast.GivenUntil):
            return ("until",)
        if isinstance(node, (ast.GivenParam, ast.GivenAssume)):
            return (type(node).__name__, node.name)
        if isinstance(node, ast.GivenPrice) and isinstance(node.date, ast.DateLit):
            return ("price", node.date.value)
        return None

    found = key(given)
    if found is None:
        return
    first = next(other for other in item.items if key(other) == found)
    if first is given:
        return
    line = f" (first on line {first.span.line})" if first.span else ""
    what = {"until": "'until'", "GivenParam": f"'{found[-1]}'", "GivenAssume": f"'{found[-1]}'",
            "price": f"the price of {found[-1]}"}[found[0]]
    checker.problem(f"{what} is given twice in this example{line}: each is given once", given)


def check_generate(checker, item: ast.Generate, section: str) -> None:
    context = Context(section)
    scope = checker.global_scope()
    expected = None
    if item.field is not None:
        symbol = checker.symbols.get(item.name)
        if symbol is None or symbol.kind != "event":
            checker.unknown(item.name, item, kinds=("event",))
            return
        declared = {f.name: f for f in symbol.node.fields}
        if item.field == "date":
            expected = T.DATE  # the event's own date
        elif item.field == "count" and "count" not in declared:
            expected = T.INTEGER  # how many of these events each scenario holds besides the others
        elif item.field not in declared:
            checker.problem(f"{item.name} has no field '{item.field}'", item)
            return
        else:
            expected = checker.resolve_type(declared[item.field].type, report=False)
    elif item.name == "until":
        expected = T.DATE
    else:
        symbol = checker.symbols.get(item.name)
        if symbol is None or not (symbol.kind in ("parameter", "market")
                                  or (symbol.kind == "state" and symbol.node.settable)):
            checker.unknown(item.name, item, kinds=("parameter", "market"))
            return
        expected = symbol.type
    if isinstance(expected, T.Optional):
        expected = expected.inner
    if item.high is None:  # drawn from a list: of any kind of value
        listed = T.ListOf(expected)
        checker.expect(checker.expr(item.low, scope, context, listed), listed, item.low, "the values to draw from")
        return
    if not (isinstance(expected, T.Number) or expected in T.ORDERED):
        checker.problem(f"'generate ... from A to B' narrows numbers, dates, moments and times, not {expected}; "
                        "'generate ... from LIST' draws any kind of value", item)
        return
    if item.high is None:  # drawn from a list
        listed = T.ListOf(expected)
        checker.expect(checker.expr(item.low, scope, context, listed), listed, item.low, "the values to draw from")
        return
    for bound in (item.low, item.high):
        checker.expect(checker.expr(bound, scope, context, expected), expected, bound, "a bound")
    low, high = _literal(item.low), _literal(item.high)
    if low is not None and high is not None and low[0] == high[0] and low[1] > high[1]:
        # nothing lies between them: generation would draw from an empty range, or outside it
        checker.problem(f"the bounds are reversed: {expr(item.low)} is above {expr(item.high)} "
                        "(generate ... from LOW to HIGH)", item)


def _literal(node: ast.Expr) -> tuple | None:
    """A bound written as a literal (a number with its unit, a percentage, a date, a time of day), as
    (its kind, its value) to compare with the other bound; None for any other expression."""
    if isinstance(node, ast.Negate):
        inner = _literal(node.operand)
        return (inner[0], -inner[1]) if inner is not None and isinstance(inner[1], Decimal) else None
    if isinstance(node, ast.NumberLit):
        return (node.unit, node.value)
    if isinstance(node, ast.PercentLit):
        return (None, node.value)
    if isinstance(node, ast.DateLit):
        return ("date", node.value)
    if isinstance(node, ast.TimeLit):
        return ("time", time.fromisoformat(node.text))
    return None
