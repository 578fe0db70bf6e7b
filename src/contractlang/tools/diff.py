"""`contract diff`: what a change of terms changes, first in the text of the terms, then in the outcomes.

The terms are compared on the syntax tree (whose nodes leave their positions
out of equality), so layout and comments do not count. The outcomes are
compared on scenarios given and on scenarios generated from the events the
two drafts have in common; each difference is put under its clause with both
values and, for figures, the difference. Generated scenarios that show one
are written as scenario files, smallest first, for `contract eval`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import attrs

from .. import records
from ..diagnostics import ContractError
from ..inputs.binding import inputs_for
from ..inputs.scenario import load_scenario
from ..language import ast
from ..language.printer import expr
from ..runtime.interpreter import evaluate
from ..runtime.values import PreconditionFailed
from ..testing.counterexamples import scenario_text, write_counterexample
from ..testing.generation import Generated, Generator, keep_hypothesis_files_in_cache

ITEM_KINDS = {
    ast.TextItem: "text", ast.NotComputed: "text not computed", ast.Parameter: "parameter",
    ast.Assumption: "assumption", ast.Term: "term", ast.StateDecl: "state", ast.Report: "report",
    ast.Horizon: "horizon", ast.ScheduleDecl: "schedule", ast.MarketDecl: "market", ast.Precondition: "require",
    ast.AccrualDecl: "accrual", ast.EventDecl: "event", ast.UponRule: "rule", ast.OnEachRule: "rule",
    ast.OnDateRule: "rule", ast.Action: "action", ast.Example: "example", ast.Invariant: "invariant",
    ast.Generate: "generate", ast.TimeZoneDecl: "time zone", ast.Function: "function", ast.Snapshot: "snapshot",
}
# the expression a change of which is shown as OLD → NEW
SHOWN_VALUE = {ast.Term: "value", ast.Assumption: "default", ast.Parameter: "default", ast.StateDecl: "initial",
               ast.Report: "value", ast.Horizon: "value", ast.ScheduleDecl: "value"}
# the keys that say which effect of a clause an effect is, across the two drafts (its figures may differ)
REFUSED = "refused as input: "
EFFECT_IDENTITY = {"payment": ("purpose", "payer", "payee"), "issue": ("recipient", "security"),
                   "adjustment": ("name",), "rejection": ("event",), "votes": ("holder",), "status": ("name",)}


# ------------------------------------------------------------------ terms


def _item_name(item: ast.Item) -> str:
    kind = ITEM_KINDS.get(type(item), type(item).__name__.lower())
    if isinstance(item, ast.UponRule):
        return f"rule upon {item.event}"
    if isinstance(item, ast.OnEachRule):
        return f"rule on each {item.variable} in {expr(item.dates)}"
    if isinstance(item, ast.OnDateRule):
        return f"rule on {expr(item.date)}"
    if isinstance(item, ast.Generate):
        return f"generate {item.name}" + (f".{item.field}" if item.field else "")
    name = getattr(item, "name", None)
    return f"{kind} {name!r}" if isinstance(item, (ast.Example, ast.Invariant)) else f"{kind} {name}" if name else kind


def _named_items(section: ast.Section) -> dict[str, ast.Item]:
    """A section's items by a name that stays the same across drafts (the second text of a section is `text #2`)."""
    found: dict[str, ast.Item] = {}
    for item in section.items:
        name = _item_name(item)
        count = sum(1 for known in found if known == name or known.startswith(name + " #"))
        found[name if count == 0 else f"{name} #{count + 1}"] = item
    return found


def term_changes(old: ast.Contract, new: ast.Contract) -> list[str]:
    """One line for each section, declaration or item that differs, in the order of the new draft."""
    changes = []
    if old.title != new.title:
        changes.append(f"title: {old.title!r} → {new.title!r}")
    if old.declarations != new.declarations:
        changes.append("declarations (currencies, securities, enumerations) differ")
    old_sections = {section.label: section for section in old.sections}
    new_sections = {section.label: section for section in new.sections}
    for label in old_sections:
        if label not in new_sections:
            changes.append(f"{label} removed")
    for label, section in new_sections.items():
        before = old_sections.get(label)
        if before is None:
            changes.append(f"{label} added")
            continue
        if before == section:
            continue
        if before.title != section.title:
            changes.append(f"{label} title: {before.title!r} → {section.title!r}")
        old_items, new_items = _named_items(before), _named_items(section)
        for name in old_items:
            if name not in new_items:
                changes.append(f"{label} {name} removed")
        for name, item in new_items.items():
            if name not in old_items:
                changes.append(f"{label} {name} added")
            elif old_items[name] != item:
                changes.append(f"{label} {name}" + _change_of(old_items[name], item))
    return changes


def _change_of(old: ast.Item, new: ast.Item) -> str:
    field = SHOWN_VALUE.get(type(new))
    if field is not None and type(old) is type(new):
        before, after = getattr(old, field), getattr(new, field)
        if before != after and attrs.evolve(old, **{field: after}) == new:
            shown = [expr(value) if value is not None else "(none)" for value in (before, after)]
            return f": {shown[0]} → {shown[1]}"
    return " changed"


# ------------------------------------------------------------------ outcomes


@records.frozen
class Difference:
    """One effect or state value that differs: the clause it stands under and what changed in it."""

    clause: str
    what: str


def outcome(contract, inputs) -> dict | str:
    """A run's result as JSON, or the message of the problem that stopped it."""
    try:
        return evaluate(contract, inputs).to_json()
    except PreconditionFailed as problem:  # the inputs break a `require` of the contract
        return REFUSED + problem.diagnostics[0].message
    except ContractError as problem:
        return "error: " + problem.diagnostics[0].message
    except (ArithmeticError, ValueError) as problem:
        return f"error: {type(problem).__name__}: {problem}"


def compare(old, new) -> list[Difference]:
    """The effects and state values of two outcomes that differ, in the order of the old draft's effects."""
    if isinstance(old, str) or isinstance(new, str):
        if old == new:
            return []
        shown = [o if isinstance(o, str) else f"{len(o['effects'])} effects" for o in (old, new)]
        return [Difference("run", f"{shown[0]} → {shown[1]}")]
    differences = []
    unmatched = list(new["effects"])
    for effect in old["effects"]:
        match = next((e for e in unmatched if _identity(e) == _identity(effect)), None)
        if match is None:
            differences.append(Difference(effect["clause"], f"only in the old draft: {_describe(effect)}"))
            continue
        unmatched.remove(match)
        changed = [f"{key} {_pair(effect.get(key), match.get(key))}" for key in dict.fromkeys([*effect, *match])
                   if effect.get(key) != match.get(key)]
        if changed:
            differences.append(Difference(effect["clause"], f"{_describe(effect)}: " + "; ".join(changed)))
    for effect in unmatched:
        differences.append(Difference(effect["clause"], f"only in the new draft: {_describe(effect)}"))
    for name in dict.fromkeys([*old["state"], *new["state"]]):
        before, after = old["state"].get(name), new["state"].get(name)
        if before != after:
            differences.append(Difference("state", f"{name} {_pair(before, after)}"))
    return differences


def _identity(effect: dict) -> tuple:
    return (effect["clause"], effect["kind"], effect["cause"]) + tuple(
        effect.get(key) for key in EFFECT_IDENTITY[effect["kind"]])


def _describe(effect: dict) -> str:
    """`2003-07-14 issue to Holder (event 2)`: which effect, in the document's words, without its figures."""
    cause = f"event {effect['cause']}" if effect["cause"] is not None else "schedule"
    kind = effect["kind"]
    label = {"payment": f"{effect.get('purpose')} to {effect.get('payee')}", "issue": f"to {effect.get('recipient')}",
             "votes": f"of {effect.get('holder')}", "rejection": f"of {effect.get('event')}"}.get(kind,
                                                                                                effect.get("name"))
    return f"{effect['date']} {kind} {label} ({cause})"


def _pair(before, after) -> str:
    """`OLD → NEW`, with the difference when both are figures or dates: `538334 → 563969 (+25635)`."""
    text = f"{_shown(before)} → {_shown(after)}"
    days = _days_between(before, after)
    if days is not None:
        return f"{text} ({'+' if days > 0 else ''}{days} days)"
    try:
        difference = Decimal(after) - Decimal(before)
    except (InvalidOperation, TypeError, ValueError):
        return text
    if not difference.is_finite():
        return text
    return f"{text} ({'+' if difference > 0 else ''}{difference})"


def _days_between(before, after) -> int | None:
    """Days from one ISO date to another (a deadline moved), or None when either is not a date."""
    try:
        return (date.fromisoformat(after) - date.fromisoformat(before)).days
    except (TypeError, ValueError):
        return None


def _shown(value) -> str:
    if value is None:
        return "(none)"
    return value if isinstance(value, str) else str(value)


# ------------------------------------------------------------------ generation


def common_events(old, new) -> set[str]:
    """The event types both drafts declare alike (same fields, same types, same defaults)."""
    return {name for name, spec in old.events.items() if new.events.get(name) == spec}


def _for(contract, generated: Generated, events: set[str]) -> Generated:
    """The scenario as one draft takes it: the parameters it declares, the events both declare alike."""
    params = {name: value for name, value in generated.params.items()
              if name in contract.symbols and contract.symbols[name].kind in ("parameter", "state")}
    return attrs.evolve(generated, params=params, events=[e for e in generated.events if e[0] in events])


def changed_names(old, new) -> set[str]:
    """The declared names whose definitions differ between the drafts, and every name defined from them."""
    def definitions(contract):
        return {symbol.name: symbol.node for symbol in contract.symbols.values()}
    before, after = definitions(old), definitions(new)
    changed = {name for name in set(before) | set(after) if before.get(name) != after.get(name)}
    uses = {name: _names_used(node) for name, node in after.items()}
    while True:
        more = {name for name, used in uses.items() if name not in changed and used & changed}
        if not more:
            return changed
        changed |= more


def _names_used(node) -> set[str]:
    """The names and the actions and functions a definition refers to."""
    found = set(ast.names_in(node))
    for inner in ast.walk(node):
        if isinstance(inner, ast.Do):
            found.add(inner.action)
        elif isinstance(inner, ast.Call):
            found.add(inner.function)
    return found


def events_touching(contract, names: set[str]) -> list[str]:
    """The event types whose rules (or the scheduled items that claim them) read any of the names."""
    touching = []
    for section in contract.tree.sections:
        for item in section.items:
            if isinstance(item, ast.UponRule) and _names_used(item) & names:
                touching.append(item.event)
            elif isinstance(item, (ast.OnEachRule, ast.OnDateRule)):
                touching += [claim.event for claim in ast.walk(item)
                             if isinstance(claim, ast.Claim) and _names_used(claim) & names]
    return sorted(set(touching))


def _aimed_generator(contract, aimed: list[str]) -> Generator:
    """A generator of the draft's scenarios in which the events a change can reach come more often."""
    generator = Generator(contract)
    for kind in aimed:
        if kind in contract.events and "count" not in contract.events[kind].fields:
            generator.narrowed.setdefault((kind, "count"), (1, 3))
    return generator


def generated_scenarios(old, new, count: int, seed: int) -> list[Generated]:
    """`count` scenarios drawn by hypothesis from both drafts' declarations, the same for the same seed.

    The events whose rules read what changed (directly or through terms, actions and functions
    defined from it) are drawn in every scenario, so that a change shows where it can."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st

    if count == 0:
        return []
    keep_hypothesis_files_in_cache()
    events = common_events(old, new)
    aimed = [kind for kind in events_touching(new, changed_names(old, new)) if kind in events]
    strategy = st.one_of(_aimed_generator(old, aimed).scenarios(), _aimed_generator(new, aimed).scenarios())
    drawn: list[Generated] = []

    @settings(max_examples=count, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @hypothesis_seed(seed)
    @given(strategy)
    def collect(generated):
        drawn.append(attrs.evolve(generated, events=[e for e in generated.events if e[0] in events]))

    collect()
    return drawn


def _size(contract, generated: Generated) -> tuple[int, int]:
    return (len(generated.events), len(scenario_text(contract, generated, "", None)))


# ------------------------------------------------------------------ the report


@records.define
class Report:
    terms: list[str]
    given: list[tuple[str, list[Difference]]]  # (scenario path, differences)
    generated: int
    differing: list[tuple[Generated, list[Difference]]]  # smallest first
    written: list[str]

    @property
    def outcomes_differ(self) -> bool:
        return any(found for _, found in self.given) or bool(self.differing)


def diff(old, new, scenario_paths, count: int, seed: int, out_dir: str, keep: int) -> Report:
    """Compare two checked drafts; write the `keep` smallest generated scenarios that differ to `out_dir`."""
    given = []
    for path in scenario_paths:
        scenario = load_scenario(path)
        outcomes = [_given_outcome(contract, scenario) for contract in (old, new)]
        if all(isinstance(o, ContractError) for o in outcomes):
            raise outcomes[0]  # the scenario fits neither draft: a problem in the scenario
        outcomes = [f"error: {o.diagnostics[0].message}" if isinstance(o, ContractError) else o for o in outcomes]
        given.append((path, compare(*outcomes)))
    events = common_events(old, new)
    differing = []
    tried = 0
    for generated in generated_scenarios(old, new, count, seed):
        outcomes = [outcome(contract, _for(contract, generated, events).inputs(contract)) for contract in (old, new)]
        if all(isinstance(o, str) and o.startswith(REFUSED) for o in outcomes):
            continue  # a scenario both drafts refuse as input: no outcome to compare
        tried += 1
        found = compare(*outcomes)
        if found:
            differing.append((generated, found))
    differing.sort(key=lambda pair: _size(new, pair[0]))
    stem = f"{Path(old.path).stem}-vs-{Path(new.path).stem}"
    written = [write_counterexample(new, generated, f"differs between {old.path} and {new.path}: "
                                    + ", ".join(dict.fromkeys(d.clause for d in found)), out_dir, stem)
               for generated, found in differing[:keep]]
    return Report(term_changes(old.tree, new.tree), given, tried, differing, written)


def _given_outcome(contract, scenario):
    """The outcome of a given scenario, or the ContractError of a scenario that does not fit the draft."""
    try:
        inputs = inputs_for(contract, scenario, {}, {}, None)
    except ContractError as problem:
        return problem
    return outcome(contract, inputs)


def render(report: Report, shown_generated: int = 3) -> str:
    """The report for people: terms, then each given scenario, then the generated ones that differ."""
    lines = []
    if report.terms:
        lines.append(f"terms: {len(report.terms)} change{'s' if len(report.terms) != 1 else ''}")
        lines += [f"  {change}" for change in report.terms]
    else:
        lines.append("terms: no change")
    total = len(report.given) + report.generated
    count = sum(1 for _, found in report.given if found) + len(report.differing)
    if not count:
        lines.append(f"outcomes: no change ({len(report.given)} scenarios given, {report.generated} generated)")
        return "\n".join(lines) + "\n"
    lines.append(f"outcomes: {count} of {total} scenarios differ ({len(report.given)} given, "
                 f"{report.generated} generated)")
    for path, found in report.given:
        if found:
            lines.append(f"  {path}")
            lines += _grouped(found, "    ")
    if report.differing:
        clauses: dict[str, int] = {}
        for _, found in report.differing:
            for clause in dict.fromkeys(d.clause for d in found):
                clauses[clause] = clauses.get(clause, 0) + 1
        lines.append(f"  generated: {len(report.differing)} of {report.generated} differ, by clause: "
                     + ", ".join(f"{clause} in {n}" for clause, n in clauses.items()))
        for (generated, found), path in zip(report.differing[:shown_generated], report.written):
            lines.append(f"  {path}")
            lines += _grouped(found, "    ")
        if report.written:
            lines.append(f"  written, smallest first: {', '.join(report.written)}")
    return "\n".join(lines) + "\n"


def _grouped(found: list[Difference], indent: str) -> list[str]:
    lines = []
    for clause in dict.fromkeys(d.clause for d in found):
        lines.append(f"{indent}{clause}")
        lines += [f"{indent}  {d.what}" for d in found if d.clause == clause]
    return lines
