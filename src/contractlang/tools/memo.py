"""`contract render`: a checked contract, and optionally one run of it, as a memo for people who read documents.

The memo is one self-contained HTML file laid out like the instrument: each
section with its title and quoted text beside the rules that compute it, the
terms and parameters as a term sheet, the assumptions with their reasons, and
the examples and invariants under the section each one defends. With a run it
adds the effects as a timeline (each linked to its section, its explanation
in a `<details>`), the final state and the cash-flow picture. The page's data
is built here from the public classes of the stages below; jinja2, Pygments
and matplotlib are imported only when a page is rendered.
"""

from __future__ import annotations

import os
import re
import tempfile
import textwrap
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import attrs

from .. import records
from ..diagnostics import ContractError, Diagnostic
from ..files import write_whole
from ..language import ast
from ..language import types as T
from ..language.checked import CheckedContract
from ..language.printer import expr, type_text, variation
from ..runtime.effects import Effect, Result, grouped
from ..runtime.explain import plain_text
from ..runtime.interpreter import evaluate
from ..runtime.values import Inputs
from .cashflow import CashFlow, IssueMark, OutstandingSeries, PaymentMark, cash_flow_svg

TEMPLATE = "memo.html.j2"
MEMO_EXTRA = "rendering a memo needs jinja2, matplotlib and Pygments: pip install 'contractlang[memo]'"
PDF_EXTRA = "writing a PDF needs WeasyPrint and its system libraries (Pango): pip install 'contractlang[pdf]'"
# what a section shows as its text, and what the memo lists apart from the rules
_QUOTED = (ast.TextItem, ast.NotComputed)
_DEFENCES = (ast.Example, ast.Invariant)


@records.frozen
class Defence:
    """An example or invariant, shown under the section it defends and listed in the one it is written in."""

    kind: str  # "example" or "invariant"
    name: str
    stands_in: str  # the label of the section where it is written
    stands_in_anchor: str
    defends: str
    defends_anchor: str
    over: str  # the variation of a relational invariant, else ""


@records.frozen
class SectionView:
    label: str
    anchor: str
    title: str
    texts: tuple[str, ...]
    not_computed: bool
    rules: str  # the source of the section's declarations and rules, as written
    defences: tuple[Defence, ...]  # those that defend this section
    written_here: tuple[Defence, ...]  # those written in this section that defend another


@records.frozen
class TermRow:
    name: str
    kind: str  # term or parameter
    type: str
    value: str
    given: str  # the value a scenario or the command line gave a parameter, with its source, else ""
    section: str
    anchor: str


@records.frozen
class AssumptionRow:
    name: str
    type: str
    default: str
    reason: str
    section: str
    anchor: str
    in_force: str  # the value of the run, else ""
    source: str


@records.frozen
class EffectRow:
    number: int
    date: str
    kind: str
    amount: str
    clause: str
    anchor: str
    cause: str
    what: str
    steps: tuple[tuple[str, str], ...]  # (clause, text)


@records.frozen
class Memo:
    title: str
    path: str
    declarations: tuple[tuple[str, str, str], ...]  # (kind, name, description)
    sections: tuple[SectionView, ...]
    terms: tuple[TermRow, ...]
    assumptions: tuple[AssumptionRow, ...]
    scenario: str | None = None  # the scenario's title or path, when there is a run
    until: str | None = None
    effects: tuple[EffectRow, ...] = ()
    state: tuple[tuple[str, str], ...] = ()
    cash_flow: CashFlow | None = None


def build_memo(contract: CheckedContract, inputs: Inputs | None = None, result: Result | None = None,
               scenario_title: str | None = None) -> Memo:
    """The page's data; with a run (`inputs` and its `result`) also its timeline, state and cash flows."""
    anchors = _anchors(contract.tree.sections)
    clause_anchor = _clause_anchors(contract.tree.sections, anchors)
    defences = _defences(contract.tree.sections, anchors)
    sections = tuple(SectionView(
        label=section.label, anchor=anchors[section.label], title=section.title or "",
        texts=tuple(item.text for item in section.items if isinstance(item, _QUOTED) and item.text),
        not_computed=any(isinstance(item, ast.NotComputed) for item in section.items),
        rules=_rules_source(section, contract.text),
        defences=tuple(d for d in defences if d.defends == section.label),
        written_here=tuple(d for d in defences if d.stands_in == section.label != d.defends),
    ) for section in contract.tree.sections)
    declarations = tuple((type(d).__name__.removesuffix("Decl").lower(), d.name,
                          getattr(d, "description", None) or ", ".join(getattr(d, "members", ())))
                         for d in contract.tree.declarations)
    memo = Memo(title=contract.title, path=contract.path, declarations=declarations, sections=sections,
                terms=_term_sheet(contract, anchors, inputs), assumptions=_assumptions(contract, anchors, result))
    if result is None:
        return memo
    return attrs.evolve(
        memo, scenario=scenario_title or (inputs.path if inputs else None), until=result.until.isoformat(),
        effects=tuple(_effect_row(n, e, clause_anchor.get(e.clause) or _enclosing(e.clause, anchors), inputs)
                      for n, e in enumerate(result.effects, start=1)),
        state=tuple((name, _shown(value, contract.symbols.get(name))) for name, value in result.state.items()),
        cash_flow=_cash_flow(contract, inputs, result))


def render_html(memo: Memo) -> str:
    """The memo as one HTML page: inline CSS and SVG, no scripts, nothing fetched."""
    try:
        import jinja2
        import markupsafe
        from pygments import highlight
        from pygments.formatters import HtmlFormatter

        from .highlight import ContractLexer
    except ImportError:
        raise ContractError(Diagnostic(MEMO_EXTRA)) from None
    lexer, formatter = ContractLexer(), HtmlFormatter(cssclass="rules", wrapcode=True)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    highlighted = {s.anchor: markupsafe.Markup(highlight(s.rules, lexer, formatter)) for s in memo.sections if s.rules}
    try:
        picture = cash_flow_svg(memo.cash_flow) if memo.cash_flow else ""
    except ModuleNotFoundError as missing:  # matplotlib is imported only where a picture is drawn
        if (missing.name or "").partition(".")[0] != "matplotlib":
            raise
        raise ContractError(Diagnostic(MEMO_EXTRA)) from None
    return environment.get_template(TEMPLATE).render(
        memo=memo, highlighted=highlighted, picture=markupsafe.Markup(picture),
        code_css=markupsafe.Markup(formatter.get_style_defs(".rules")))


def write_memo(html: str, path: str) -> None:
    """Write the page as HTML, or as PDF when `path` ends in .pdf; whole or not at all."""
    if not path.lower().endswith(".pdf"):
        write_whole(path, html, replace=True)
        return
    try:
        import weasyprint
    except (ImportError, OSError):  # OSError: the package is there but Pango is not
        raise ContractError(Diagnostic(PDF_EXTRA)) from None
    document = weasyprint.HTML(string=html).write_pdf()
    target = Path(path)
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(document)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except OSError as problem:
        raise ContractError(Diagnostic(f"cannot write {target}: {problem.strerror}")) from None
    finally:
        if temporary is not None and os.path.lexists(temporary):
            os.unlink(temporary)


def _umask() -> int:
    """The process's umask (it can only be read by setting it), so a PDF gets the mode any new file would."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# ------------------------------------------------------------------ sections


def _anchors(sections) -> dict[str, str]:
    """An HTML id for each section label (`§1(b)` → `s-1-b`), unique within the page."""
    found, taken = {}, set()
    for section in sections:
        base = "s-" + (re.sub(r"[^A-Za-z0-9]+", "-", section.label.lstrip("§")).strip("-").lower() or "section")
        anchor, n = base, 1
        while anchor in taken:
            n += 1
            anchor = f"{base}-{n}"
        taken.add(anchor)
        found[section.label] = anchor
    return found


def _clause_anchors(sections, anchors: dict[str, str]) -> dict[str, str]:
    """The section anchor of every clause an effect may carry.

    A clause goes to the section whose label it is, else to the longest label
    it continues (`§1(a)(ii)` to `§1(a)`, `§5(vi)` to `§5`: where its text
    stands), else to the section whose rules cite it (`§x { ... }` inside)."""
    found = dict(anchors)
    for section in sections:
        for node in _walk(section):
            if isinstance(node, ast.Cite) and node.section not in found:
                found[node.section] = _enclosing(node.section, anchors) or anchors[section.label]
    return found


def _enclosing(clause: str, anchors: dict[str, str]) -> str:
    """The anchor of the longest section label that `clause` continues with a sub-clause, or ""."""
    labels = [label for label in anchors if clause.startswith(label) and clause[len(label):].startswith("(")]
    return anchors[max(labels, key=len)] if labels else ""


def _walk(node):
    yield node
    for value in attrs.astuple(node, recurse=False) if attrs.has(type(node)) else ():
        for child in value if isinstance(value, tuple) else (value,):
            if isinstance(child, tuple):
                for inner in child:
                    if attrs.has(type(inner)):
                        yield from _walk(inner)
            elif attrs.has(type(child)) and isinstance(child, ast.Node):
                yield from _walk(child)


def _rules_source(section: ast.Section, text: str) -> str:
    """The section's declarations and rules as the author wrote them, each from its span, comments inside kept."""
    lines = text.splitlines()
    parts = []
    for item in section.items:
        if isinstance(item, _QUOTED + _DEFENCES) or item.span is None or not item.span.end_line:
            continue
        span = item.span
        chunk = lines[span.line - 1: span.end_line]
        chunk[-1] = chunk[-1][: span.end_column - 1]
        chunk[0] = " " * (span.column - 1) + chunk[0][span.column - 1:]
        parts.append(textwrap.dedent("\n".join(chunk)).rstrip())
    return "\n\n".join(parts)


def _defences(sections, anchors: dict[str, str]) -> list[Defence]:
    """Every example and invariant with the section it defends (the one it stands in, if it cites none)."""
    found = []
    for section in sections:
        for item in section.items:
            if not isinstance(item, _DEFENCES):
                continue
            defended = item.cites if item.cites in anchors else section.label
            kind = "example" if isinstance(item, ast.Example) else "invariant"
            over = variation(item.variation).strip() if kind == "invariant" else ""
            found.append(Defence(kind, item.name, section.label, anchors[section.label],
                                 defended, anchors[defended], over))
    return found


# ------------------------------------------------------------------ term sheet


def _term_sheet(contract: CheckedContract, anchors: dict[str, str], inputs: Inputs | None) -> tuple[TermRow, ...]:
    rows = []
    for section in contract.tree.sections:
        for item in section.items:
            if isinstance(item, ast.Term):
                symbol = contract.symbols[item.name]
                rows.append(TermRow(item.name, "term", str(symbol.type), expr(item.value), "",
                                    section.label, anchors[section.label]))
            elif isinstance(item, ast.Parameter):
                setting = inputs.params.get(item.name) if inputs else None
                given = ""
                if setting is not None:
                    value = plain_text(setting.value, contract.symbols[item.name].type, contract.currencies)
                    given = f"{value} ({setting.source})"
                rows.append(TermRow(item.name, "parameter", type_text(item.type),
                                    expr(item.default) if item.default is not None else "required", given,
                                    section.label, anchors[section.label]))
    return tuple(rows)


def _assumptions(contract: CheckedContract, anchors: dict[str, str], result: Result | None):
    rows = []
    for section in contract.tree.sections:
        for item in section.items:
            if isinstance(item, ast.Assumption):
                entry = result.assumptions.get(item.name, {}) if result else {}
                rows.append(AssumptionRow(item.name, type_text(item.type), expr(item.default), item.reason,
                                          section.label, anchors[section.label],
                                          str(entry.get("value", "")), str(entry.get("source", ""))))
    return tuple(rows)


# ------------------------------------------------------------------ the run


def _shown(value, symbol) -> str:
    """A state's value at the end: a number grouped, a text (or any other type) as written."""
    text = value if isinstance(value, str) else str(value)
    type_ = getattr(symbol, "type", None)
    if isinstance(type_, T.Optional):
        type_ = type_.inner
    return grouped(text) if isinstance(type_, T.Number) else text


def _effect_row(number: int, effect: Effect, anchor: str, inputs: Inputs | None) -> EffectRow:
    d = effect.details
    amount, what = "", ""
    if effect.kind == "payment":
        amount = f"{grouped(d['amount'])} {d['currency']}"
        what = f"{d['purpose']}, {d['payer']} → {d['payee']}"
        if d.get("period"):
            what += f", for [{d['period'][0]}, {d['period'][1]})"
        if d.get("due"):
            what += f", due {d['due']}"
    elif effect.kind == "issue":
        amount = f"{grouped(d['quantity'])} {d['security']}"
        what = f"to {d['recipient']}"
        if d.get("price"):
            what += f" at {d['price']}" + (f" (close of {d['price_date']})" if d.get("price_date") else "")
    elif effect.kind == "adjustment":
        what = f"{d['name']}: {d['before']} → {d['after']}"
    elif effect.kind == "rejection":
        what = f"{d['event']} rejected: {d['reason']}"
    elif effect.kind == "votes":
        amount, what = grouped(d["quantity"]), f"votes of {d['holder']}"
    else:
        what = f"{d['name']} = {d['value']}" + (f", due {d['due']}" if d.get("due") else "")
    cause = "schedule"
    if effect.cause is not None:
        types = {event.index: event.type for event in inputs.events} if inputs else {}
        cause = f"event {effect.cause}" + (f" ({types[effect.cause]})" if effect.cause in types else "")
    return EffectRow(number, effect.moment, effect.kind, amount, effect.clause,
                     anchor, cause, what,
                     tuple((step.clause, step.text) for step in effect.steps))


def _cash_flow(contract: CheckedContract, inputs: Inputs | None, result: Result) -> CashFlow | None:
    payments = [e for e in result.effects if e.kind == "payment"]
    issues = [e for e in result.effects if e.kind == "issue"]
    receiver = Counter(e.details["payee"] for e in payments).most_common(1)[0][0] if payments else ""
    outstanding = _outstanding(contract, inputs, result) if inputs is not None else None
    if not payments and not issues and outstanding is None:
        return None
    return CashFlow(
        payments=tuple(PaymentMark(e.date, Decimal(e.details["amount"]), e.details["purpose"],
                                   e.details["payee"] == receiver) for e in payments),
        issues=tuple(IssueMark(e.date, Decimal(e.details["quantity"]), e.details["security"]) for e in issues),
        outstanding=outstanding,
        currency=payments[0].details["currency"] if payments else (contract.currencies or ("",))[0],
        receiver=receiver)


def _outstanding_state(contract: CheckedContract, result: Result) -> tuple[str, str] | None:
    """The reported state that says what is outstanding (principal or shares), with its unit; None if there is none."""
    securities = {d.name for d in contract.tree.declarations if isinstance(d, ast.SecurityDecl)}
    candidates = []
    for order, name in enumerate(result.state):
        symbol = contract.symbols.get(name)
        if symbol is None or symbol.kind != "state" or not isinstance(symbol.type, T.Number):
            continue
        unit = symbol.type.unit.single_base()
        if unit in contract.currencies or unit in securities:
            if "outstanding" in name or "principal" in name:
                candidates.append(("outstanding" not in name, order, name, unit))
    return min(candidates)[2:] if candidates else None


def _outstanding(contract: CheckedContract, inputs: Inputs, result: Result) -> OutstandingSeries | None:
    """The outstanding state at the end of each day with an effect, read from runs to that day.

    A later horizon never changes what happened before an earlier one, so the
    run to a day reports the state of the whole run on that day."""
    chosen = _outstanding_state(contract, result)
    if chosen is None:
        return None
    name, unit = chosen
    points = []
    for day in sorted({effect.date for effect in result.effects if effect.date <= result.until}):
        value = evaluate(contract, attrs.evolve(inputs, until=day)).state.get(name)
        try:
            points.append((day, Decimal(str(value))))
        except InvalidOperation:
            return None
    return OutstandingSeries(name, unit, tuple(points)) if points else None
