"""The built-in functions at run time: each is called with the run, the call and its frame.

The run evaluates the arguments (`run.positional`) so that every argument is
counted and explained as any other expression; `BUILTIN_FUNCTIONS` is the
table the interpreter looks a call up in, with the same names as the
checker's signatures in language/builtins.py, less `PLAIN_FUNCTIONS`: those
that need nothing but the values of their positional arguments, which the
interpreter calls on those values directly.
"""

from __future__ import annotations

from decimal import Decimal

from ..stdlib import calendars, exact, rounding, schedules
from ..stdlib.daycount import year_fraction
from .values import Pair


def _f_min_max(function):
    def call(run, node, frame):
        values = run.positional(node, frame)
        if len(values) == 1 and isinstance(values[0], list):  # the least or greatest of a list
            values = values[0]
            run.charge(len(values), node, frame)
            if not values:
                raise run.diagnostic(f"{node.function}() of an empty list", node, frame)
        return function(values)
    return call


def _f_list_end(position: int):
    def call(run, node, frame):
        values = run.positional(node, frame)[0]
        if not values:
            raise run.diagnostic(f"{node.function}() of an empty list", node, frame)
        return values[position]
    return call


def _f_range(run, node, frame):
    low, high = (int(v) for v in run.positional(node, frame))
    run.charge_list(max(high - low + 1, 0), node, frame)
    return [Decimal(n) for n in range(low, high + 1)]


def _f_zip(run, node, frame):
    first, second = run.positional(node, frame)
    if len(first) != len(second):
        raise run.diagnostic(f"zip() of lists of {len(first)} and {len(second)} elements", node, frame)
    run.charge_list(len(first), node, frame)
    return [Pair(a, b) for a, b in zip(first, second)]


def _f_quote(strictly_before: bool):
    def call(run, node, frame):
        return run.quote(node, frame, strictly_before)
    return call


def _f_accrual(settle: bool):
    def call(run, node, frame):
        return run.accrual_call(node, frame, settle)
    return call


def _f_over_list(function):
    """A function that looks at every element of the list it is given: each is a step."""
    def call(run, node, frame):
        items = run.positional(node, frame)[0]
        run.charge(len(items), node, frame)
        return function(items)
    return call


def _plain(value):
    return Decimal(value) if type(value) is int else value  # a Decimal, or a Fraction that does not terminate


def _f_counted_as(run, node, frame):
    return run.evaluate(node.arguments[0].value, frame)  # the second names a security: units are the checker's


def _f_pending(run, node, frame):
    dates = run.pending(node.arguments[0].value.name)
    run.charge_list(len(dates), node, frame)
    return dates


def _f_year_fraction(run, node, frame):
    day_count, start, end = run.positional(node, frame)
    named = run.named(node, frame)
    if "frequency" in named:
        named["frequency"] = int(named["frequency"])
    try:
        return exact.from_fraction(year_fraction(day_count, start, end, **named))
    except ValueError as problem:  # a day count that needs what the call did not give
        raise run.diagnostic(f"{problem}", node, frame) from None


def _f_cyclic(run, node, frame):
    anchor, count, unit, end = run.positional(node, frame)
    named = run.named(node, frame)
    try:
        dates = schedules.cyclic(anchor, int(count), unit, end, stub=named.get("stub", "short last"),
                                 end_of_month=named.get("end_of_month", "same day"), maximum=run.list_budget)
    except schedules.TooManyDates as problem:
        raise run.diagnostic(f"{problem}, beyond what a list may hold; every run is bounded", node, frame) from None
    except ValueError as problem:
        raise run.diagnostic(str(problem), node, frame) from None
    run.charge_list(len(dates), node, frame)
    return dates


def _f_average(run, node, frame):
    name = node.arguments[0].value.name
    when = run.evaluate(node.arguments[1].value, frame)
    count = int(run.evaluate(node.arguments[2].value, frame))
    window = run.markets[name].latest_before(when, count)
    run.charge(len(window) + 1, node, frame)
    if count < 1 or len(window) < count:
        raise run.diagnostic(f"average_before() needs {count} observations of market '{name}' before "
                             f"{when.isoformat()}; the scenario has {len(window)}", node, frame)
    return exact.divide(exact.total(value for _, value in window), Decimal(count))


def _f_weighted_average(run, node, frame):
    name, weights_name = node.arguments[0].value.name, node.arguments[1].value.name
    when = run.evaluate(node.arguments[2].value, frame)
    count = int(run.evaluate(node.arguments[3].value, frame))
    window = run.markets[name].latest_before(when, count)
    run.charge(2 * len(window) + 1, node, frame)
    if count < 1 or len(window) < count:
        raise run.diagnostic(f"weighted_average_before() needs {count} observations of market '{name}' before "
                             f"{when.isoformat()}; the scenario has {len(window)}", node, frame)
    weights = []
    for day, _ in window:
        observed = run.markets[weights_name].on_or_before(day)
        if observed is None or observed[0] != day:
            raise run.diagnostic(f"weighted_average_before() weighs the observation of market '{name}' on "
                                 f"{day.isoformat()} by market '{weights_name}', which has none that day", node, frame)
        weights.append(observed[1])
    total_weight = exact.total(weights)
    if total_weight == 0:
        raise run.diagnostic(f"the weights of market '{weights_name}' over the {count} observations before "
                             f"{when.isoformat()} add up to zero", node, frame)
    weighted = exact.total(exact.multiply(value, weight) for (_, value), weight in zip(window, weights))
    return exact.divide(weighted, total_weight)


PLAIN_FUNCTIONS = {
    "abs": exact.absolute,
    "ceil": rounding.ceil_whole,
    "floor": rounding.floor_whole,
    "round_half_up": rounding.round_half_up,
    "round_down": rounding.round_down,
    "cents": rounding.cents,
    "first_of_month": schedules.first_of_month,
    "last_of_month": schedules.last_of_month,
    "add_months": schedules.add_months,
    "year": lambda d: Decimal(d.year),
    "month": lambda d: Decimal(d.month),
    "day": lambda d: Decimal(d.day),
    "days_between": lambda a, b: Decimal((b - a).days),
    "business_day": calendars.adjust,  # the same arguments in the same order: called directly
    "is_business_day": lambda d, calendar: calendars.is_business_day(calendar, d),
    "add_business_days": lambda d, n, calendar: calendars.add_business_days(d, int(n), calendar),
    "span": lambda a, b: (a, b),
    "count": lambda items: Decimal(len(items)),
    "money": lambda x: x,
    "plain": _plain,
    "is_whole": exact.is_whole,
}


BUILTIN_FUNCTIONS = {
    "min": _f_min_max(min),
    "max": _f_min_max(max),
    "cyclic": _f_cyclic,
    "quote_before": _f_quote(True),
    "quote_on_or_before": _f_quote(False),
    "average_before": _f_average,
    "weighted_average_before": _f_weighted_average,
    "accrued": _f_accrual(False),
    "settle": _f_accrual(True),
    "pending": _f_pending,
    "first": _f_list_end(0),
    "last": _f_list_end(-1),
    "range": _f_range,
    "zip": _f_zip,
    "year_fraction": _f_year_fraction,
    "all": _f_over_list(all),
    "any": _f_over_list(any),
    "sum": _f_over_list(exact.total),
    "counted_as": _f_counted_as,
}
