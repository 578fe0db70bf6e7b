"""Where the order of a day decides a result, found before any run.

Rules of one day run in the order they are written. When a scheduled rule
reads a state that a scheduled rule of another section, written before it,
changes, and the two can fall on the same date, the order decides what the
later one sees: the checker warns at the later rule. The dates are known
here only where the contract writes them plainly (date literals, terms that
are dates, lists of them, `every` schedules with literal bounds); where they
depend on a parameter or a computation, the run finds the same case instead
(runtime/interpreter.py, `same_day_order`).
"""

from __future__ import annotations

from datetime import date

from ..stdlib import schedules
from . import ast

def day_order_warnings(contract: ast.Contract) -> list[tuple[ast.Node, str]]:
    """(the later rule, the message) for each pair of scheduled rules whose order decides a result."""
    items = {i.name: i for s in contract.sections for i in s.items
             if isinstance(i, (ast.Term, ast.ScheduleDecl, ast.StateDecl, ast.Action))}
    states = {name for name, item in items.items() if isinstance(item, ast.StateDecl)}
    rules = [(section.label, item) for section in contract.sections for item in section.items
             if isinstance(item, (ast.OnEachRule, ast.OnDateRule))]
    found = []
    for later_index, (later_clause, later) in enumerate(rules):
        reads = _reads(later, items) & states
        if not reads:
            continue
        later_dates = _rule_dates(later, items)
        for earlier_clause, earlier in rules[:later_index]:
            if earlier_clause == later_clause:
                continue
            changed = sorted(_writes(earlier, items) & reads)
            if not changed:
                continue
            earlier_dates = _rule_dates(earlier, items)
            if later_dates is None or earlier_dates is None:
                continue  # not known before a run: the run says so where it happens
            common = sorted(later_dates & earlier_dates)
            if common:
                listed = ", ".join(f"'{name}'" for name in changed)
                line = earlier.span.line if earlier.span else 0
                found.append((later, f"on {common[0].isoformat()}"
                              + (f" and {len(common) - 1} other dates" if len(common) > 1 else "")
                              + f" the rule of {later_clause} reads {listed}, which the rule of {earlier_clause} "
                              f"(line {line}) changes before it: rules of one day run in the order they are written"))
    return found


def _with_actions(node: ast.Node, items: dict) -> list[ast.Node]:
    """A rule and the actions it performs, however deep."""
    found, pending, seen = [], [node], set()
    while pending:
        current = pending.pop()
        found.append(current)
        for inner in ast.walk(current):
            if isinstance(inner, ast.Do) and inner.action not in seen and inner.action in items:
                seen.add(inner.action)
                pending.append(items[inner.action])
    return found


def _reads(rule: ast.Node, items: dict) -> set[str]:
    return {name for node in _with_actions(rule, items) for name in ast.names_in(node)}


def _writes(rule: ast.Node, items: dict) -> set[str]:
    return {inner.name for node in _with_actions(rule, items) for inner in ast.walk(node)
            if isinstance(inner, (ast.SetState, ast.Adjust, ast.Record))}


def _rule_dates(rule: ast.Node, items: dict) -> set[date] | None:
    if isinstance(rule, ast.OnDateRule):
        day = _constant(rule.date, items, set())
        return {day} if isinstance(day, date) else None
    dates = _constant(rule.dates, items, set())
    return set(dates) if isinstance(dates, list) and all(isinstance(d, date) for d in dates) else None


def _constant(node: ast.Node, items: dict, seen: set):
    """The value of a plainly written date expression, or None where it is not known before a run."""
    if isinstance(node, ast.DateLit):
        return node.value
    if isinstance(node, ast.Name) and node.name in items and node.name not in seen:
        item = items[node.name]
        if isinstance(item, (ast.Term, ast.ScheduleDecl)):
            return _constant(item.value, items, seen | {node.name})
        return None
    if isinstance(node, ast.ListExpr):
        values = [_constant(element, items, seen) for element in node.items]
        return values if all(isinstance(v, date) for v in values) else None
    if isinstance(node, ast.Binary) and node.operator == "+":
        left, right = _constant(node.left, items, seen), _constant(node.right, items, seen)
        if isinstance(left, list) and isinstance(right, list):
            return left + right
        return None
    if isinstance(node, ast.Every):
        if node.end is None:
            return None  # open-ended: it runs to the horizon of each run
        start, end = _constant(node.start, items, seen), _constant(node.end, items, seen)
        if not isinstance(start, date) or not isinstance(end, date):
            return None
        pairs = [(schedules.MONTHS[md.month], int(md.day)) for md in node.month_days]
        return schedules.recurring(pairs, start, end, end)
    return None
