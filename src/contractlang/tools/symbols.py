"""The names of one contract and where each is declared and used, for an editor (hover, definition, references, completion, outline).

`index_document(text, path)` parses with the project's parser and checks with its
checker, so an editor shows exactly what `contract check` says. A contract with
a syntax error is still indexed: the broken section is blanked out (replaced by
spaces, so every other position stays where it is) and the text parsed again,
section by section, until what remains parses. Each broken section gives its own
syntax diagnostic and the others keep their symbols and their checker diagnostics;
a checker diagnostic that names what a blanked section declares (an unknown
name, a cited section) is left out, as a consequence of the blanking.
"""

from __future__ import annotations

import bisect
import re

import attrs

from .. import records
from ..diagnostics import ContractError, Diagnostic, Span
from ..language import ast
from ..language import types as T
from ..language.builtins import BUILTIN_FUNCTIONS
from ..language.checker import Checker
from ..language.parser import parse_with_comments

# what hover says of a built-in: its signature and what it gives
BUILTIN_DOCS = {
    "min": ("min(a, b, ...) or min(xs)", "the least of values of one kind"),
    "max": ("max(a, b, ...) or max(xs)", "the greatest of values of one kind"),
    "abs": ("abs(x)", "x without its sign, keeping its unit"),
    "ceil": ("ceil(x)", "x rounded up to whole units, keeping the unit"),
    "floor": ("floor(x)", "x rounded down to whole units, keeping the unit"),
    "cents": ("cents(x)", "money to the cent, half up"),
    "round_half_up": ("round_half_up(x, n)", "x to n decimals, half up"),
    "round_down": ("round_down(x, n)", "x to n decimals, toward zero"),
    "first_of_month": ("first_of_month(d)", "the first day of d's month"),
    "last_of_month": ("last_of_month(d)", "the last day of d's month"),
    "add_months": ("add_months(d, n)", "the date n months after d"),
    "year": ("year(d)", "the year of d, a whole number"),
    "month": ("month(d)", "the month of d, a whole number"),
    "day": ("day(d)", "the day of the month of d, a whole number"),
    "days_between": ("days_between(a, b)", "the days from a to b, a whole number"),
    "business_day": ("business_day(d, CONVENTION, CALENDAR)", "d moved to a business day of the calendar"),
    "is_business_day": ("is_business_day(d, CALENDAR)", "whether d is a business day of the calendar"),
    "add_business_days": ("add_business_days(d, n, CALENDAR)",
                          "n business days after d (before it when n < 0); 0 gives d, or the next business day"),
    "cyclic": ("cyclic(ANCHOR, N, UNIT, END [, stub: STUB] [, end_of_month: RULE])",
               "every N units from the anchor to END, both included, each date counted from the anchor"),
    "quote_before": ("quote_before(MARKET, d [, within: N days])",
                     "the close of the trading day immediately prior to d: .price, .date"),
    "quote_on_or_before": ("quote_on_or_before(MARKET, d [, within: N days])",
                           "the latest close on or before d: .price, .date"),
    "average_before": ("average_before(MARKET, d, N)", "the exact mean of the N latest observations before d"),
    "weighted_average_before": ("weighted_average_before(MARKET, WEIGHTS, d, N)",
                                "the exact mean of the N latest observations before d, weighted by WEIGHTS "
                                "on their days (a volume-weighted price)"),
    "accrued": ("accrued(ACCRUAL, before: E | through: D [, on: PART])",
                "what is unpaid for the days before E (or up to and including D)"),
    "settle": ("settle(ACCRUAL, before: E | through: D [, on: PART] [, up_to: AMOUNT])",
               "what is unpaid, now settled: .amount, .period (in rules only)"),
    "pending": ("pending(NAME)", "the dates of the pending items named NAME, earliest first (in rules only)"),
    "span": ("span(a, b)", "the period from a to b"),
    "year_fraction": ("year_fraction(DAYCOUNT, a, b [, frequency: N, termination: D, period_start: D, period_end: D])",
                      "the exact year fraction from a to b under the day count"),
    "all": ("all(list)", "whether every element is true"),
    "any": ("any(list)", "whether some element is true"),
    "count": ("count(list)", "the number of elements"),
    "sum": ("sum(list)", "the sum of the elements"),
    "first": ("first(xs)", "the first element"),
    "last": ("last(xs)", "the last element"),
    "range": ("range(a, b)", "the whole numbers a to b"),
    "zip": ("zip(xs, ys)", "the pairs of elements at the same positions: .first, .second"),
    "plain": ("plain(x)", "a number without its unit"),
    "counted_as": ("counted_as(x, SECURITY)", "x with its shares counted as shares of SECURITY (or `shares`), one for one"),
    "money": ("money(x)", "a plain number as the contract's currency"),
    "is_whole": ("is_whole(x)", "whether x is a whole number"),
}

# what every event has besides its declared fields: the type and what hover says of each
EVENT_OWN_FIELDS = {
    "date": ("Date", "the day it takes effect"),
    "filed": ("Date", "the date the scenario gives it, before `effective` moved it"),
    "index": ("a whole number", "its position among the scenario's events"),
}

_WORD = r"(?<![A-Za-z0-9_]){}(?![A-Za-z0-9_])"
# what keeps braces from counting: texts and comments, read with the grammar's own patterns
_DECLARED = (r"^\s*(?:term|(?:private |parameter )?state|parameter|assumption|schedule|accrual|market|event|action"
             r"|report)\s+([A-Za-z_][A-Za-z0-9_]*)")
_BRACE_SCAN = re.compile(r'"""(?:.|\n)*?"""|"(?:[^"\\]|\\.)*"|#[^\n]*|[{}]')


@records.frozen
class Definition:
    """A declared name: its kind, where the name itself stands, and what hover says of it."""

    key: str
    name: str
    kind: str
    span: Span
    section: str | None = None
    node: ast.Node | None = None
    detail: str | None = None  # a type or a description
    unit: str | None = None  # the unit of a number: USD, USD per common


@records.define
class DocumentIndex:
    """Everything an editor asks of one version of a document."""

    text: str
    path: str
    tree: ast.Contract | None
    diagnostics: list[Diagnostic]
    blanked_lines: list[tuple[int, int]]  # the sections left out after a syntax error, first and last line
    definitions: dict[str, Definition] = attrs.field(factory=dict)
    occurrences: list[tuple[Span, str]] = attrs.field(factory=list)  # a use or a declaration → the key it names
    locals_by_item: dict[int, dict[str, str]] = attrs.field(factory=dict)  # id(item) → name → key

    def key_at(self, line: int, column: int) -> str | None:
        """The key of the name under a 1-based position, if any; a cursor just after a name is on it."""
        for span, key in self.occurrences:
            if span.line == line and span.column <= column <= span.end_column:
                return key
        return None

    def references(self, key: str) -> list[Span]:
        return sorted({span for span, found in self.occurrences if found == key},
                      key=lambda s: (s.line, s.column))

    def section_at(self, line: int) -> ast.Section | None:
        for section in self.tree.sections if self.tree else ():
            if section.span.line <= line <= section.span.end_line:
                return section
        return None

    def item_at(self, line: int) -> ast.Node | None:
        section = self.section_at(line)
        for item in section.items if section else ():
            if item.span.line <= line <= item.span.end_line:
                return item
        return None

    def source_of(self, span: Span) -> str:
        """The text a span covers."""
        lines = self.text.split("\n")[span.line - 1:span.end_line]
        if len(lines) == 1:
            return lines[0][span.column - 1:span.end_column - 1]
        return "\n".join([lines[0][span.column - 1:]] + lines[1:-1] + [lines[-1][:span.end_column - 1]])

    def section_text(self, label: str) -> str | None:
        """A section's `text`, or what its `not computed` says."""
        for section in self.tree.sections if self.tree else ():
            if section.label == label:
                for item in section.items:
                    if isinstance(item, (ast.TextItem, ast.NotComputed)) and item.text:
                        return " ".join(item.text.split())
        return None


def index_document(text: str, path: str) -> DocumentIndex:
    """Parse (surviving broken sections), check, and index a document's names."""
    tree, diagnostics, blanked = parse_surviving(text, path)
    index = DocumentIndex(text, path, tree, diagnostics, blanked)
    if tree is None:
        return index
    checker = Checker(tree, path, text)
    try:
        diagnostics.extend(checker.run().warnings)  # the order of a day, as contract check says it
    except ContractError as problem:
        hidden = _hidden_names(text, blanked)
        diagnostics.extend(d for d in problem.diagnostics if not _follows_from_blanking(d, hidden))
    _Indexer(index, checker).run()
    return index


def parse_surviving(text: str, path: str) -> tuple[ast.Contract | None, list[Diagnostic], list[tuple[int, int]]]:
    """The tree of what parses, the syntax diagnostics of each broken section, and the line ranges blanked."""
    chunks = top_level_chunks(text)
    current = text
    problems: list[Diagnostic] = []
    blanked: list[tuple[int, int]] = []
    while True:
        try:
            tree, _ = parse_with_comments(current, path)
            return tree, problems, blanked
        except ContractError as error:
            found = error.diagnostics[0]
            problems.append(Diagnostic(found.message, found.span, text, found.severity))
            broken = _broken_chunk(current, chunks, found.span, blanked)
            if broken is None:
                return None, problems, blanked
            blanked.append(broken)
            current = _blank_lines(current, *broken)


def _hidden_names(text: str, blanked: list[tuple[int, int]]) -> set[str]:
    """The names and labels the blanked sections declare, as far as their text shows."""
    lines = text.split("\n")
    hidden: set[str] = set()
    for first, last in blanked:
        chunk = "\n".join(lines[first - 1:last])
        hidden.update(re.findall(r"^§[A-Za-z0-9().]+", chunk))
        hidden.update(re.findall(_DECLARED, chunk, flags=re.MULTILINE))
    return hidden


def _follows_from_blanking(diagnostic: Diagnostic, hidden: set[str]) -> bool:
    """Whether a problem names what a blanked section declares (a suggestion after "did you mean" does not count)."""
    named = diagnostic.message.split("; did you mean")[0]
    quoted = " ".join(re.findall(r"'([^']*)'", named))
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", quoted))
    return bool(words & hidden) or any(label in named for label in hidden if label.startswith("§"))


def top_level_chunks(text: str) -> list[tuple[int, int]]:
    """Line ranges (1-based, inclusive) of the top-level sections: a section starts with `§` at the start of a line."""
    lines = text.split("\n")
    starts = [number for number, line in enumerate(lines, 1) if line.startswith("§")]
    return [(start, (starts[i + 1] - 1) if i + 1 < len(starts) else len(lines)) for i, start in enumerate(starts)]


def _broken_chunk(text: str, chunks, span: Span | None, blanked) -> tuple[int, int] | None:
    """The section to blank: the first one before the error whose braces do not balance, else the error's own."""
    if span is None:
        return None
    lines = text.split("\n")
    candidates = [c for c in chunks if c not in blanked and c[0] <= span.line]
    for chunk in candidates:
        if not _balanced("\n".join(lines[chunk[0] - 1:chunk[1]])):
            return chunk
    return candidates[-1] if candidates and span.line <= candidates[-1][1] else None


def _balanced(text: str) -> bool:
    depth = 0
    for match in _BRACE_SCAN.finditer(text):
        token = match.group()
        if token in "{}":
            depth += 1 if token == "{" else -1
            if depth < 0:
                return False
    return depth == 0


def _blank_lines(text: str, first: int, last: int) -> str:
    """The text with lines first..last turned to spaces: every other line and column keeps its place."""
    lines = text.split("\n")
    for number in range(first, last + 1):
        lines[number - 1] = " " * len(lines[number - 1])
    return "\n".join(lines)


def _unit_of(type_: T.Type) -> str | None:
    return str(type_.unit) if isinstance(type_, T.Number) and not type_.unit.is_plain else None


class _Indexer:
    """Walks the tree once: definitions first, then every use, each resolved to the key of what it names."""

    def __init__(self, index: DocumentIndex, checker: Checker):
        self.index = index
        self.checker = checker
        self.text = index.text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        self.events: dict[str, ast.EventDecl] = {}

    # ---------------------------------------------------------- positions
    def offset(self, line: int, column: int) -> int:
        return self.line_starts[line - 1] + column - 1

    def span_of(self, offset: int, length: int) -> Span:
        line = bisect.bisect_right(self.line_starts, offset)
        column = offset - self.line_starts[line - 1] + 1
        return Span(self.index.path, line, column, line, column + length)

    def find(self, word: str, node: ast.Node, after: int | None = None) -> Span | None:
        """Where a name stands inside a node's text (after a given offset), as a whole word."""
        if node.span is None:
            return None
        start = after if after is not None else self.offset(node.span.line, node.span.column)
        end = self.offset(node.span.end_line, node.span.end_column) if node.span.end_line else len(self.text)
        match = re.compile(_WORD.format(re.escape(word))).search(self.text, start, max(end, start))
        return self.span_of(match.start(), len(word)) if match else None

    def end_of(self, span: Span) -> int:
        return self.offset(span.end_line, span.end_column)

    def define(self, key: str, name: str, kind: str, span: Span | None, **details) -> None:
        if span is None or key in self.index.definitions:
            return
        self.index.definitions[key] = Definition(key, name, kind, span, **details)
        self.index.occurrences.append((span, key))

    def use(self, key: str | None, span: Span | None) -> None:
        """Record a use of a declared name (an event's own `date` and `filed` are declared nowhere)."""
        if span is not None and (key in self.index.definitions or (key or "").startswith("builtin:")):
            self.index.occurrences.append((span, key))

    # ---------------------------------------------------------- definitions
    def run(self) -> None:
        tree = self.index.tree
        for declaration in tree.declarations:
            kind = {ast.CurrencyDecl: "currency", ast.SecurityDecl: "security", ast.EnumDecl: "enumeration"}[
                type(declaration)]
            name_span = self.find(declaration.name, declaration)
            self.define(declaration.name, declaration.name, kind, name_span, node=declaration,
                        detail=getattr(declaration, "description", None))
            if isinstance(declaration, ast.EnumDecl) and name_span is not None:
                after = self.end_of(name_span)
                for member in declaration.members:
                    member_span = self.find(member, declaration, after)
                    self.define(member, member, "member", member_span, node=declaration, detail=declaration.name)
                    after = self.end_of(member_span) if member_span else after
        for section in tree.sections:
            label_span = Span(self.index.path, section.span.line, section.span.column,
                              section.span.line, section.span.column + len(section.label))
            self.define(section.label, section.label, "section", label_span, node=section, detail=section.title)
        for name, symbol in self.checker.symbols.items():
            self.define(name, name, symbol.kind, self.find(name, symbol.node), section=symbol.section,
                        node=symbol.node, detail=None if T.is_unknown(symbol.type) else T.describe(symbol.type),
                        unit=_unit_of(symbol.type))
            if isinstance(symbol.node, ast.EventDecl):
                self.events[name] = symbol.node
                for field in symbol.node.fields:
                    self.define(f"{name}.{field.name}", field.name, "field", self.find(field.name, field),
                                section=symbol.section, node=field, detail=name)
                # an event's own fields are declared with the event: its name is where they come from
                for field in EVENT_OWN_FIELDS:
                    self.define(f"{name}.{field}", field, "field", self.index.definitions[name].span,
                                section=symbol.section, detail=name)
        for node in ast.walk(tree):
            if isinstance(node, ast.Defer) and node.name:
                self.define(node.name, node.name, "deadline", self.find(node.name, node, self.end_of(node.date.span)),
                            section=self.index.section_at(node.span.line).label)
        for section in tree.sections:
            for item in section.items:
                self.item(item, section)

    # ---------------------------------------------------------- uses
    def item(self, item: ast.Node, section: ast.Section) -> None:
        local_keys = self.index.locals_by_item.setdefault(id(item), {})
        binders: dict[str, str] = {}  # a binder's name → the event it stands for
        for node in ast.walk(item):
            for name, event, span in self.bindings(node):
                key = f"{section.label}/{item.span.line}/{name}"
                if name not in local_keys:
                    local_keys[name] = key
                    detail = self.local_type(node)
                    self.define(key, name, "event binder" if event else "local", span, section=section.label,
                                node=node, detail=f"a {event} event" if event else detail)
                else:
                    self.use(local_keys[name], span)
                if event:
                    binders[name] = event
        for node in ast.walk(item):
            self.uses(node, local_keys, binders)

    def bindings(self, node: ast.Node):
        """The local names a node introduces: (name, event or None, where the name stands)."""
        if isinstance(node, ast.Let):
            yield node.name, None, self.find(node.name, node)
        elif isinstance(node, (ast.UponRule, ast.Claim)):
            event_span = self.find(node.event, node)
            after = self.end_of(event_span) if event_span else None
            yield node.binder, node.event, self.find(node.binder, node, after)
        elif isinstance(node, (ast.OnEachRule, ast.ForEach)):
            yield node.variable, None, self.find(node.variable, node)
        elif isinstance(node, ast.Comprehension):
            yield node.variable, None, self.find(node.variable, node, self.end_of(node.element.span))
        elif isinstance(node, (ast.Action, ast.Function)):
            for parameter in node.parameters:
                yield parameter.name, None, self.find(parameter.name, parameter)

    def local_type(self, node: ast.Node) -> str | None:
        value = node.value if isinstance(node, ast.Let) else None
        found = self.checker.types.get(id(value)) if value is not None else None
        return None if found is None or T.is_unknown(found) else T.describe(found)

    def resolve(self, name: str, local_keys: dict[str, str]) -> str | None:
        if name in local_keys:
            return local_keys[name]
        return name if name in self.index.definitions else None

    def uses(self, node: ast.Node, local_keys: dict[str, str], binders: dict[str, str]) -> None:
        find = self.find
        if isinstance(node, ast.Name):
            self.use(self.resolve(node.name, local_keys), Span(self.index.path, node.span.line, node.span.column,
                                                               node.span.line, node.span.column + len(node.name)))
        elif isinstance(node, ast.FieldAccess):
            if isinstance(node.subject, ast.Name) and node.subject.name in binders:
                end = node.span.end_column
                self.use(f"{binders[node.subject.name]}.{node.name}",
                         Span(self.index.path, node.span.end_line, end - len(node.name), node.span.end_line, end))
        elif isinstance(node, ast.Call):
            key = f"builtin:{node.function}" if node.function in BUILTIN_FUNCTIONS else node.function
            self.use(key, find(node.function, node))
        elif isinstance(node, (ast.SetState, ast.Adjust)):
            self.use(self.resolve(node.name, local_keys), find(node.name, node))
        elif isinstance(node, ast.Cancel):
            self.use(self.resolve(node.name, local_keys), find(node.name, node))
        elif isinstance(node, ast.Stop):
            self.use(self.resolve(node.accrual, local_keys), find(node.accrual, node))
        elif isinstance(node, ast.Rebase):
            self.use(self.resolve(node.market, local_keys), find(node.market, node))
        elif isinstance(node, ast.Do):
            self.use(self.resolve(node.action, local_keys), find(node.action, node))
        elif isinstance(node, (ast.UponRule, ast.Claim)):
            self.use(self.resolve(node.event, local_keys), find(node.event, node))
        elif isinstance(node, ast.GivenEvent):
            self.use(self.resolve(node.type, local_keys), find(node.type, node))
            self.field_values(node.type, node.fields)
        elif isinstance(node, ast.Variation) and node.event:
            event_span = find(node.event, node)
            self.use(self.resolve(node.event, local_keys), event_span)
            self.field_values(node.event, node.fields)
            if node.before:
                after = self.end_of(node.span) - len(node.before) - 1
                self.use(self.resolve(node.before, local_keys), find(node.before, node, after))
        elif isinstance(node, (ast.GivenParam, ast.GivenAssume)):
            self.use(self.resolve(node.name, local_keys), find(node.name, node))
        elif isinstance(node, ast.Generate):
            name_span = find(node.name, node)
            self.use(self.resolve(node.name, local_keys), name_span)
            if node.field and name_span:
                self.use(f"{node.name}.{node.field}", find(node.field, node, self.end_of(name_span)))
        elif isinstance(node, ast.Cite):
            self.use(node.section if node.section in self.index.definitions else None,
                     Span(self.index.path, node.span.line, node.span.column,
                          node.span.line, node.span.column + len(node.section)))
        elif isinstance(node, (ast.Example, ast.Invariant)) and node.cites:
            self.use(node.cites if node.cites in self.index.definitions else None, self.cited_label(node))
        elif isinstance(node, (ast.TypeExpr, ast.UnitExpr)):
            name_span = Span(self.index.path, node.span.line, node.span.column,
                             node.span.line, node.span.column + len(node.name))
            self.use(self.resolve(node.name, {}), name_span)
            if node.per:
                self.use(self.resolve(node.per, {}), find(node.per, node, self.end_of(name_span) + 1))

    def field_values(self, event: str, fields) -> None:
        for field in fields:
            self.use(f"{event}.{field.name}", self.find(field.name, field))

    def cited_label(self, node: ast.Node) -> Span | None:
        """The label an example or invariant cites: after its name, before its body or variation."""
        start = self.offset(node.span.line, node.span.column)
        pattern = re.compile(re.escape(node.cites) + r"(?=\s*(?:\{|over\b))")
        match = pattern.search(self.text, start, self.end_of(node.span))
        return self.span_of(match.start(), len(node.cites)) if match else None
