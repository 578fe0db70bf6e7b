"""Mutants of a contract: small changes that make it no longer say what its document says.

Each mutant changes one place in the rules of a contract (never in its examples
or invariants, never inside its texts):

- `percent`: a percentage changed by one point (8% → 9%);
- `rounding`: `ceil` turned to `floor`, or `floor` to `ceil`;
- `business-day`: the business-day shift removed (`business_day(d, ...)` → `d`);
- `span-end`: the end of an accrual span moved by one day (`before: E` → `before: (E) + 1 day`);
- `strictness`: a comparison in the conditions of an event made loose or strict (`<` ↔ `<=`, `>` ↔ `>=`);
- `days`: a term that is a number of days changed by one either way (a cure period of 30 days → 29, 31);
- `assumption`: a yes-or-no assumption's default turned around (`= true` → `= false`);
- `guard`: a requirement of an event that admits alternatives (`require A or B`) dropped, so that the
  event is always accepted there (the Holder's election of the order allowed without a default).

Mutations are made in the text, at the positions the parser recorded, so that a
mutant keeps everything else (comments, layout) as it was.
"""

from __future__ import annotations

import attrs

from contractlang.language import ast
from contractlang.language.parser import parse

FLIP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}


@attrs.frozen
class Mutant:
    kind: str
    line: int
    description: str
    text: str  # the whole mutated contract


def _offsets(text: str) -> list[int]:
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def _walk(node, inside_event=False):
    """(node, inside an event's conditions) for every node of the rules."""
    yield node, inside_event
    if isinstance(node, (ast.Example, ast.Invariant, ast.TextItem, ast.NotComputed)):
        return
    for child in ast.children(node):
        yield from _walk(child, inside_event or isinstance(node, ast.UponRule))


def _conditions(node):
    """The comparisons inside `require` conditions."""
    for child, _ in _walk(node):
        if isinstance(child, ast.Binary) and child.operator in FLIP:
            yield child


def mutants(text: str, path: str = "<contract>") -> list[Mutant]:
    tree = parse(text, path)
    starts = _offsets(text)

    def at(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    def end(span) -> int:
        return at(span.end_line, span.end_column)

    def replace(start: int, stop: int, new: str) -> str:
        return text[:start] + new + text[stop:]

    found: list[Mutant] = []
    for node, inside_event in _walk(tree):
        span = node.span
        if span is None:
            continue
        if isinstance(node, ast.PercentLit):
            bumped = str(node.value * 100 + 1).rstrip("0").rstrip(".") if "." in str(node.value * 100) else str(int(node.value * 100) + 1)
            found.append(Mutant("percent", span.line, f"{node.text}% → {bumped}%",
                                replace(at(span.line, span.column), end(span), f"{bumped}%")))
        elif isinstance(node, ast.Call) and node.function in ("ceil", "floor"):
            other = "floor" if node.function == "ceil" else "ceil"
            start = at(span.line, span.column)
            found.append(Mutant("rounding", span.line, f"{node.function} → {other}",
                                replace(start, start + len(node.function), other)))
        elif isinstance(node, ast.Call) and node.function == "business_day":
            first = node.arguments[0].value.span
            inner = text[at(first.line, first.column):end(first)]
            found.append(Mutant("business-day", span.line, f"business_day({inner}, ...) → {inner}",
                                replace(at(span.line, span.column), end(span), f"({inner})")))
        elif isinstance(node, ast.Call) and node.function in ("settle", "accrued"):
            for argument in node.arguments:
                if argument.name in ("before", "through"):
                    value = argument.value.span
                    inner = text[at(value.line, value.column):end(value)]
                    found.append(Mutant("span-end", span.line, f"{argument.name}: {inner} → {argument.name}: ({inner}) + 1 day",
                                        replace(at(value.line, value.column), end(value), f"({inner}) + 1 day")))
        elif isinstance(node, ast.Term) and isinstance(node.value, ast.NumberLit) and node.value.unit is not None \
                and node.value.unit.name in ("day", "days"):
            value = node.value.span
            for changed in (node.value.value - 1, node.value.value + 1):
                found.append(Mutant("days", span.line, f"{node.name} = {node.value.value} days → {changed} days",
                                    replace(at(value.line, value.column), end(value), f"{changed} days")))
        elif isinstance(node, ast.Assumption) and isinstance(node.default, ast.BoolLit):
            value = node.default.span
            flipped = "false" if node.default.value else "true"
            found.append(Mutant("assumption", span.line, f"{node.name} = {flipped}",
                                replace(at(value.line, value.column), end(value), flipped)))
        elif isinstance(node, ast.Require) and inside_event:
            if isinstance(node.condition, ast.Binary) and node.condition.operator == "or":
                condition = node.condition.span
                found.append(Mutant("guard", span.line, "require A or B → require true",
                                    replace(at(condition.line, condition.column), end(condition), "true")))
            for comparison in _conditions(node.condition):
                left, right = comparison.left.span, comparison.right.span
                gap = text[end(left):at(right.line, right.column)]
                operator = comparison.operator
                position = end(left) + gap.index(operator)
                found.append(Mutant("strictness", span.line, f"{operator} → {FLIP[operator]}",
                                    replace(position, position + len(operator), FLIP[operator])))
    return found
