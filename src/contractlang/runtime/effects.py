"""What evaluation produces, and its two renderings: JSON for machines, a table for people.

An `Effect` is a payment, an issue of shares, an adjustment of a term, a
rejection, a count of votes or a status; it carries its date, the clause of
the instrument it comes from, the scenario event that caused it (or None for
the contract's own schedule) and the steps that computed it, for --explain.
"""

from __future__ import annotations

import json
from datetime import date

import attrs

from ..diagnostics import printable

KIND_KEYS = {
    "payment": ("payer", "payee", "amount", "currency", "purpose", "due", "period"),
    "issue": ("recipient", "security", "quantity", "price", "price_date"),
    "adjustment": ("name", "before", "after"),
    "rejection": ("event", "reason"),
    "votes": ("holder", "quantity"),
    "status": ("name", "value", "due"),
}


@attrs.frozen
class Step:
    """One line of an explanation: what was computed, and the clause it comes from."""

    text: str
    clause: str


@attrs.define
class Effect:
    date: date
    kind: str
    clause: str
    cause: int | None
    details: dict
    steps: tuple[Step, ...] = ()
    snapshot: dict | None = None  # the values a contract reports with each effect (its `snapshot` item)

    def to_json(self) -> dict:
        record = {"date": self.date.isoformat(), "kind": self.kind, "clause": self.clause, "cause": self.cause}
        for key in KIND_KEYS[self.kind]:
            if self.details.get(key) is not None:
                record[key] = self.details[key]
        if self.snapshot is not None:
            record["snapshot"] = self.snapshot
        return record


@attrs.define
class Result:
    """The outcome of evaluating one scenario against one contract."""

    instrument: str
    until: date
    assumptions: dict[str, dict]
    effects: list[Effect]
    state: dict[str, object]
    currencies: dict[str, str] = attrs.field(factory=dict)  # money states' currencies, where there are several

    def to_json(self) -> dict:
        found = {
            "instrument": self.instrument,
            "until": self.until.isoformat(),
            "assumptions": self.assumptions,
            "effects": [effect.to_json() for effect in self.effects],
            "state": self.state,
        }
        if self.currencies:
            found["currencies"] = self.currencies
        return found


def render_json(result: Result) -> str:
    """Deterministic JSON: the same result gives byte-identical text."""
    return json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"


def _group(amount: str) -> str:
    """1234567.89 → 1,234,567.89 for people (JSON keeps the plain form)."""
    sign = "-" if amount.startswith("-") else ""
    digits = amount.lstrip("-")
    whole, dot, fraction = digits.partition(".")
    if not whole.isdigit():
        return amount
    return f"{sign}{int(whole):,}{dot}{fraction}"


def _describe(effect: Effect) -> tuple[str, str]:
    """The amount column and the description column of one effect."""
    d = effect.details
    if effect.kind == "payment":
        text = f"{d['purpose']}  {d['payer']} → {d['payee']}"
        if d.get("period"):
            text += f"  for [{d['period'][0]}, {d['period'][1]})"
        if d.get("due"):
            text += f"  due {d['due']}"
        return f"{_group(d['amount'])} {d['currency']}", text
    if effect.kind == "issue":
        text = f"{d['security']} to {d['recipient']}"
        if d.get("price"):
            text += f"  at {d['price']}"
            if d.get("price_date"):
                text += f" (close of {d['price_date']})"
        return f"{_group(d['quantity'])} sh", text
    if effect.kind == "adjustment":
        return "", f"{d['name']}: {d['before']} → {d['after']}"
    if effect.kind == "rejection":
        return "", f"{d['event']} rejected: {d['reason']}"
    if effect.kind == "votes":
        return f"{_group(d['quantity'])}", f"votes of {d['holder']}"
    return "", f"{d['name']} = {d['value']}" + (f"  due {d['due']}" if d.get("due") else "")


def render_table(result: Result, explain: bool = False, color: bool = False) -> str:
    """A table for people: dates, kinds and amounts aligned, clause and cause on every line."""
    import click

    def style(text: str, **how) -> str:
        return click.style(text, **how) if color else text

    rows = []
    for effect in result.effects:
        amount, text = (printable(part) for part in _describe(effect))
        cause = f"event {effect.cause}" if effect.cause is not None else "schedule"
        rows.append((effect, effect.date.isoformat(), effect.kind, amount, effect.clause, cause, text))
    width_amount = max([len(r[3]) for r in rows] + [6])
    width_clause = max([len(r[4]) for r in rows] + [6])
    width_cause = max([len(r[5]) for r in rows] + [5])
    lines = [style(printable(result.instrument), bold=True) + f"  (through {result.until.isoformat()})", ""]
    header = f"{'date':<10}  {'kind':<10}  {'amount':>{width_amount}}  {'clause':<{width_clause}}  {'cause':<{width_cause}}  what"
    lines.append(style(header, bold=True))
    for effect, when, kind, amount, clause, cause, text in rows:
        colour = {"rejection": "red", "payment": "green", "issue": "cyan", "adjustment": "yellow"}.get(kind)
        line = f"{when:<10}  {kind:<10}  {amount:>{width_amount}}  {clause:<{width_clause}}  {cause:<{width_cause}}  {text}"
        lines.append(style(line, fg=colour) if colour else line)
        if explain:
            for step in effect.steps:
                lines.append(style(f"{'':<12}  {step.clause:<{width_clause}}  {printable(step.text)}", dim=True))
    if not rows:
        lines.append("(no effects)")
    lines.append("")
    lines.append(style("assumptions", bold=True))
    for name, entry in result.assumptions.items():
        lines.append(printable(f"  {name} = {entry['value']}  ({entry['source']}, {entry['clause']})"))
    lines.append("")
    lines.append(style("state at the end", bold=True))
    for name, value in result.state.items():
        shown = value if isinstance(value, str) else json.dumps(value)
        lines.append(printable(f"  {name} = {_group(shown) if isinstance(value, str) and value[:1].isdigit() else shown}"))
    return "\n".join(lines) + "\n"
