"""The signatures of the built-in functions, as checks: each types a call's arguments and gives its result type.

`BUILTIN_FUNCTIONS` maps a function's name to a check called with the checker,
the call, and the scope and context it stands in.
"""

from __future__ import annotations

from ..diagnostics import closest
from . import ast
from . import types as T
from .scope import Context


def _arguments(checker, node: ast.Call, scope, context, positional: list, named: dict | None = None,
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
        if len(types) == 1 and isinstance(types[0], T.ListOf):  # the least or greatest of a list
            element = types[0].element
            if not (isinstance(element, T.Number) or element in T.ORDERED):
                checker.problem(f"{function}() needs numbers or dates, not {T.describe(element)}", node)
            return element
        first = types[0]
        for argument, found in zip(node.arguments[1:], types[1:]):
            if not (T.assignable(found, first) or T.assignable(first, found)):
                checker.problem(f"{function}() compares values of one kind, not {T.describe(first)} and {T.describe(found)}", argument)
        if not (isinstance(first, T.Number) or first in (T.DATE, T.DAYS) or T.is_unknown(first)):
            checker.problem(f"{function}() needs numbers or dates, not {T.describe(first)}", node)
        if all(isinstance(t, T.Number) for t in types):
            return T.Number(first.unit, all(t.integral for t in types))
        return first
    return check


def _rounding(whole: bool, places: bool):
    def check(checker, node, scope, context):
        expected = [None, T.INTEGER] if places else [None]
        found, _ = _arguments(checker, node, scope, context, expected)
        if found and not (isinstance(found[0], T.Number) or T.is_unknown(found[0])):
            checker.problem(f"{node.function}() rounds a number, not {T.describe(found[0])}", node)
            return T.Simple("Unknown")
        if found and isinstance(found[0], T.Number):
            return T.Number(found[0].unit, integral=whole)
        return T.Simple("Unknown")
    return check


def _cents(checker, node, scope, context):
    found, _ = _arguments(checker, node, scope, context, [None])
    if found and not T.is_unknown(found[0]) and not (
            isinstance(found[0], T.Number) and found[0].unit.single_base() in checker.currencies):
        hint = " (its `.amount` is money)" if isinstance(found[0], T.Accrued) else ""
        checker.problem(f"cents() rounds money, not {T.describe(found[0])}{hint}", node)
        return T.Simple("Unknown")
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
    positional = [a for a in node.arguments if a.name is None]
    if len(positional) != 2 or any(a.name not in (None, "within") for a in node.arguments):
        checker.problem(f"{node.function}() takes a market series and a date (and within: a number of days)", node)
    else:
        checker.expect(checker.expr(positional[1].value, scope, context), T.DATE, positional[1].value, "the date")
    for argument in node.arguments:
        if argument.name == "within":
            checker.expect(checker.expr(argument.value, scope, context), T.DAYS, argument.value,
                           "'within:' (how old the latest observation may be)")
    return T.Quote(price) if isinstance(price, T.Number) else T.Simple("Unknown")


def _average(checker, node, scope, context):
    """`average_before(SERIES, D, N)`: the mean of the N latest observations before D (exact)."""
    series = _market_argument(checker, node, scope, context)
    if len(node.arguments) != 3 or any(a.name is not None for a in node.arguments):
        checker.problem("average_before() takes a market series, a date and a number of observations", node)
    else:
        checker.expect(checker.expr(node.arguments[1].value, scope, context), T.DATE, node.arguments[1].value, "the date")
        checker.expect(checker.expr(node.arguments[2].value, scope, context), T.INTEGER, node.arguments[2].value,
                       "the number of observations")
    return series if isinstance(series, T.Number) else T.Simple("Unknown")


def _weighted_average(checker, node, scope, context):
    """`weighted_average_before(SERIES, WEIGHTS, D, N)`: the mean of the N latest observations of SERIES
    before D, each weighted by the observation of WEIGHTS on its day (a volume-weighted price)."""
    series = _market_argument(checker, node, scope, context)
    if len(node.arguments) != 4 or any(a.name is not None for a in node.arguments):
        checker.problem("weighted_average_before() takes a market series, the series of its weights (volumes), "
                        "a date and a number of observations", node)
        return T.Simple("Unknown")
    weights = node.arguments[1].value
    symbol = checker.symbols.get(weights.name) if isinstance(weights, ast.Name) else None
    if symbol is None or symbol.kind != "market":
        if isinstance(weights, ast.Name):
            checker.unknown(weights.name, weights, kinds=("market",))
        else:
            checker.problem("the weights of weighted_average_before() are a market series (declared with 'market')",
                            weights)
    else:
        checker.types[id(weights)] = symbol.type
    checker.expect(checker.expr(node.arguments[2].value, scope, context), T.DATE, node.arguments[2].value, "the date")
    checker.expect(checker.expr(node.arguments[3].value, scope, context), T.INTEGER, node.arguments[3].value,
                   "the number of observations")
    return series if isinstance(series, T.Number) else T.Simple("Unknown")


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
            checker.problem(f"{node.function}() takes its other values by name: before: or through:, and on:"
                            + (" or up_to:" if result_is_settlement else ""), node)
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
            elif argument.name == "up_to" and result_is_settlement:
                checker.expect(checker.expr(argument.value, scope, context, amount), amount, argument.value,
                               "'up_to:' (the most to settle, earliest days first)")
            elif argument.name is not None:
                checker.problem(f"{node.function}() has no '{argument.name}:'", argument)
        if result_is_settlement:
            return T.Accrued(amount) if isinstance(amount, T.Number) else T.Simple("Unknown")
        return amount
    return check


def _pending(checker, node, scope, context):
    """`pending(NAME)`: the dates of the items named NAME that are scheduled and have not run."""
    if len(node.arguments) != 1 or node.arguments[0].name is not None or not isinstance(node.arguments[0].value, ast.Name):
        checker.problem("pending() takes the name of a scheduled item (from 'on DATE as NAME')", node)
        return T.ListOf(T.DATE)
    checker.deadline_name(node.arguments[0].value.name, node.arguments[0])
    checker.types[id(node.arguments[0].value)] = T.Simple("Scheduled item")
    return T.ListOf(T.DATE)


def _list_end(checker, node, scope, context):
    """`first(list)`, `last(list)`: an element (a run that finds the list empty stops with a diagnostic)."""
    found, _ = _arguments(checker, node, scope, context, [None])
    if found and isinstance(found[0], T.ListOf):
        return found[0].element
    if found and not T.is_unknown(found[0]):
        checker.problem(f"{node.function}() needs a list, not {T.describe(found[0])}", node)
    return T.Simple("Unknown")


def _range(checker, node, scope, context):
    """`range(a, b)`: the whole numbers from a to b, both included."""
    _arguments(checker, node, scope, context, [T.INTEGER, T.INTEGER])
    return T.ListOf(T.INTEGER)


def _zip(checker, node, scope, context):
    """`zip(a, b)`: the pairs of elements at the same positions (a run with lists of different
    lengths stops with a diagnostic rather than drop elements)."""
    found, _ = _arguments(checker, node, scope, context, [None, None])
    if len(found) == 2 and all(isinstance(f, T.ListOf) for f in found):
        return T.ListOf(T.Pair(found[0].element, found[1].element))
    for argument, type_ in zip(node.arguments, found):
        if not isinstance(type_, T.ListOf) and not T.is_unknown(type_):
            checker.problem(f"zip() needs two lists, not {T.describe(type_)}", argument)
    return T.Simple("Unknown")


def _span_function(checker, node, scope, context):
    _arguments(checker, node, scope, context, [T.DATE, T.DATE])
    return T.PERIOD


def _year_fraction(checker, node, scope, context):
    _arguments(checker, node, scope, context, [T.DAY_COUNT, T.DATE, T.DATE],
               optional_named={"frequency": T.INTEGER, "termination": T.DATE, "period_start": T.DATE,
                               "period_end": T.DATE})
    return T.DECIMAL


def _cyclic(checker, node, scope, context):
    """`cyclic(ANCHOR, COUNT, UNIT, END, stub: ..., end_of_month: ...)`: dates counted from the anchor."""
    _arguments(checker, node, scope, context, [T.DATE, T.INTEGER, T.PERIOD_UNIT, T.DATE],
               optional_named={"stub": T.STUB, "end_of_month": T.END_OF_MONTH})
    return T.ListOf(T.DATE)


def _list_function(function: str):
    def check(checker, node, scope, context):
        found, _ = _arguments(checker, node, scope, context, [None])
        if not found:
            return T.Simple("Unknown")
        source = found[0]
        if not isinstance(source, T.ListOf):
            if not T.is_unknown(source):
                checker.problem(f"{function}() needs a list, not {T.describe(source)}", node)
            return T.Simple("Unknown")
        if function in ("all", "any"):
            checker.expect(source.element, T.BOOL, node, f"the items given to {function}()")
            return T.BOOL
        if function == "count":
            return T.INTEGER
        if function == "sum":
            if not isinstance(source.element, T.Number) and source.element != T.Simple("Nothing"):
                checker.problem(f"sum() adds numbers, not {T.describe(source.element)}", node)
                return T.Simple("Unknown")
            return source.element if isinstance(source.element, T.Number) else T.DECIMAL
        return T.Simple("Unknown")
    return check


def _plain(checker, node, scope, context):
    """`plain(x)`: a number without its unit, for comparing figures across units in checks."""
    found, _ = _arguments(checker, node, scope, context, [None])
    if found and not (isinstance(found[0], T.Number) or T.is_unknown(found[0])):
        checker.problem(f"plain() takes a number, not {T.describe(found[0])}", node)
    return T.DECIMAL


def _is_whole(checker, node, scope, context):
    found, _ = _arguments(checker, node, scope, context, [None])
    if found and not (isinstance(found[0], T.Number) or T.is_unknown(found[0])):
        checker.problem(f"is_whole() takes a number, not {T.describe(found[0])}", node)
    return T.BOOL


def _money(checker, node, scope, context):
    """`money(x)`: a plain number as an amount of the contract's currency (for checks on effects)."""
    _arguments(checker, node, scope, context, [T.DECIMAL])
    currency = checker.currencies[0] if checker.currencies else None
    return T.Number(T.Unit.of(currency)) if currency else T.Simple("Unknown")


def _counted_as(checker, node, scope, context):
    """`counted_as(x, SECURITY)`: x with the shares in its unit counted as shares of SECURITY (or as `shares`
    of any class), one for one. Units of different securities never meet otherwise, so a crossing is written
    where the document makes it (a price per share of any class as the price of a Safe Preferred share)."""
    if len(node.arguments) != 2 or any(a.name is not None for a in node.arguments):
        given = len(node.arguments)
        checker.problem("counted_as() takes a number and the security to count its shares as, "
                        f"not {given} value{'s' if given != 1 else ''}", node)
        return T.Simple("Unknown")
    value, security = (a.value for a in node.arguments)
    found = checker.expr(value, scope, context)
    name = security.name if isinstance(security, ast.Name) else None
    if name not in checker.securities and name not in T.SHARE_NAMES:
        hint = closest(name, checker.securities + ["shares"]) if name else None
        checker.problem("counted_as() counts shares as those of a security the contract declares, or as 'shares'"
                        + (f"; did you mean '{hint}'?" if hint else "")
                        + f" (it declares: {', '.join(checker.securities) or 'none'})", security)
        return T.Simple("Unknown")
    if T.is_unknown(found):
        return found
    unit = found.unit if isinstance(found, T.Number) else T.PLAIN
    counted = [(base, exponent) for base, exponent in unit.powers if base in checker.securities or base == T.SHARE]
    if len(counted) != 1 or abs(counted[0][1]) != 1:
        if not counted:
            what = "no shares"
        elif len(counted) > 1:
            what = "the shares of several securities"
        else:
            what = f"{counted[0][0]} to the power {counted[0][1]}"
        checker.problem(f"counted_as() counts the shares of one security, and {T.describe(found)} has {what}", value)
        return T.Simple("Unknown")
    base, exponent = counted[0]
    target = T.SHARE if name in T.SHARE_NAMES else name
    if base == target:
        checker.problem(f"{T.describe(found)} is already counted in {target}: there is nothing to count", security)
        return found
    change = T.Unit.of(target) / T.Unit.of(base)
    return T.Number(found.unit * change if exponent == 1 else found.unit / change, found.integral)


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
    "add_business_days": _fixed(T.DATE, T.DATE, T.INTEGER, T.CALENDAR),
    "cyclic": _cyclic,
    "quote_before": _quote,
    "quote_on_or_before": _quote,
    "average_before": _average,
    "weighted_average_before": _weighted_average,
    "accrued": _accrual(False),
    "settle": _accrual(True),
    "pending": _pending,
    "first": _list_end,
    "last": _list_end,
    "range": _range,
    "zip": _zip,
    "span": _span_function,
    "year_fraction": _year_fraction,
    "all": _list_function("all"),
    "any": _list_function("any"),
    "count": _list_function("count"),
    "sum": _list_function("sum"),
    "plain": _plain,
    "is_whole": _is_whole,
    "money": _money,
    "counted_as": _counted_as,
}
