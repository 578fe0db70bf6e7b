"""What evaluation produces, and its two renderings: JSON for machines, a table for people.

An `Effect` is a payment, an issue of shares, an adjustment of a term, a
rejection, a count of votes or a status; it carries its date, the clause of
the instrument it comes from, the scenario event that caused it (or None for
the contract's own schedule) and the steps that computed it, for --explain.
"""

from __future__ import annotations

import json
import re
from datetime import date, time
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import attrs

from .. import records
from ..diagnostics import printable
from ..stdlib import exact
from ..stdlib.kept import KeptTable

KIND_KEYS = {
    "payment": ("payer", "payee", "amount", "currency", "purpose", "due", "period"),
    "issue": ("recipient", "security", "quantity", "price", "price_date"),
    "adjustment": ("name", "before", "after"),
    "rejection": ("event", "reason"),
    "votes": ("holder", "quantity"),
    "status": ("name", "value", "due"),
}


class DateTexts(KeptTable):
    """The ISO texts of dates, each written once: results write the same payment dates run after run, and
    date.isoformat() formats through printf, ten times a look-up."""

    __slots__ = ()

    def __init__(self):
        super().__init__(4_096)  # a few thousand dates

    def __missing__(self, day: date) -> str:
        return self.keep(day, day.isoformat())


DATE_TEXTS = DateTexts()


@records.frozen
class Step:
    """One line of an explanation: what was computed, and the clause it comes from."""

    text: str
    clause: str


@records.define
class Effect:
    date: date
    kind: str
    clause: str
    cause: int | None
    details: dict
    steps: tuple[Step, ...] = ()
    snapshot: dict | None = None  # the values a contract reports with each effect (its `snapshot` item)
    time: time | None = None  # the time of day of the item or event that made it, where it has one

    @property
    def moment(self) -> str:
        """Its date, and its time of day where it has one, as people read them (2029-06-30 17:00:00)."""
        return self.date.isoformat() + (f" {self.time.isoformat()}" if self.time is not None else "")

    def to_json(self) -> dict:
        record = {"date": DATE_TEXTS[self.date]}
        if self.time is not None:
            record["time"] = self.time.isoformat()
        record.update(kind=self.kind, clause=self.clause, cause=self.cause)
        for key in KIND_KEYS[self.kind]:
            if self.details.get(key) is not None:
                record[key] = self.details[key]
        if self.snapshot is not None:
            record["snapshot"] = self.snapshot
        return record


@records.define
class Result:
    """The outcome of evaluating one scenario against one contract."""

    instrument: str
    until: date
    assumptions: dict[str, dict]
    effects: list[Effect]
    state: dict[str, object]
    currencies: dict[str, str] = attrs.field(factory=dict)  # money states' currencies, where there are several
    warnings: list = attrs.field(factory=list)  # diagnostics of severity "warning": the order of a day, say
    event_changes: dict = attrs.field(factory=dict)  # event index -> [(state, before, after)] its rule changed, when it made no effect

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


def thousands(whole: str) -> str:
    """1234567 → 1,234,567, by slicing the digits as written: int() refuses a run of more than 4,300."""
    head = len(whole) % 3 or 3
    return ",".join([whole[:head]] + [whole[start:start + 3] for start in range(head, len(whole), 3)])


def grouped(amount: str) -> str:
    """1234567.89 → 1,234,567.89 for people (JSON keeps the plain form)."""
    sign = "-" if amount.startswith("-") else ""
    digits = amount.lstrip("-")
    whole, dot, fraction = digits.partition(".")
    if not (whole.isascii() and whole.isdigit()):
        return amount
    return f"{sign}{thousands(whole)}{dot}{fraction}"


SHOWN_PLACES = 6  # decimal places a long number is shown with in the table; the JSON keeps every digit
_NUMBER = re.compile(r"(?<![\w.\-/:])(-?)([0-9]+)(?:\.([0-9]+))?(?![\w\-/:]|\.[0-9])")
_LEADING_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?= |$)")


def for_people(text: str) -> str:
    """Numbers in a text as people read them: thousands separated, a long quotient rounded to
    six places with an ellipsis (`67,265.753425…`). A whole number that reads as a year (2003) is left."""
    def shown(match: re.Match) -> str:
        sign, whole, fraction = match.group(1), match.group(2), match.group(3)
        if fraction is None and (len(whole) < 4 or (len(whole) == 4 and 1900 <= int(whole) < 2200)):
            return match.group(0)
        tail = ""
        if fraction is not None and len(fraction) > SHOWN_PLACES:
            with localcontext() as context:  # the digits of the whole part, the places kept and a carry
                context.prec = len(whole) + SHOWN_PLACES + 1
                rounded = Decimal(f"{whole}.{fraction}").quantize(Decimal(1).scaleb(-SHOWN_PLACES),
                                                                  ROUND_HALF_EVEN)
            whole, fraction = f"{rounded:f}".split(".")
            tail = "…"
        return f"{sign}{thousands(whole)}" + (f".{fraction}" if fraction is not None else "") + tail
    return _NUMBER.sub(shown, text)


def _value(text: str) -> str:
    """A value of unknown type as people read it: one that reads as a number, with its unit if any
    (`1000000.00 USD`), has that number grouped by `for_people`; any other is a text, shown as written."""
    number = _LEADING_NUMBER.match(text)
    return for_people(number.group(0)) + text[number.end():] if number else text


def as_percentage(value: str) -> str:
    """0.085 → 8.5% (a value that is not a plain number is left as it is)."""
    try:
        return f"{exact.shown(Decimal(value) * 100)}%"
    except ArithmeticError:
        return value


def _describe(effect: Effect, currency: str | None = None) -> tuple[str, str]:
    """The amount column and the description column of one effect."""
    d = effect.details
    if effect.kind == "payment":
        text = f"{d['purpose']}  {d['payer']} → {d['payee']}"
        if d.get("period"):
            text += f"  for [{d['period'][0]}, {d['period'][1]})"
        if d.get("due"):
            text += f"  due {d['due']}"
        return f"{grouped(d['amount'])} {d['currency']}", text
    if effect.kind == "issue":
        text = f"{d['security']} to {d['recipient']}"
        if d.get("price"):
            text += f"  at {for_people(d['price'])}" + (f" {currency} per {d['security']}" if currency else "")
            if d.get("price_date"):
                text += f" (close of {d['price_date']})"
        return f"{grouped(d['quantity'])} sh", text
    if effect.kind == "adjustment":
        return "", f"{d['name']}: {_value(d['before'])} → {_value(d['after'])}"
    if effect.kind == "rejection":
        return "", f"{d['event']} rejected: {d['reason']}"
    if effect.kind == "votes":
        return f"{grouped(d['quantity'])}", f"votes of {d['holder']}"
    return "", f"{d['name']} = {_value(d['value'])}" + (f"  due {d['due']}" if d.get("due") else "")


def _same_day_order(previous: Effect | None, effect: Effect) -> str | None:
    """Why an effect came after another of its day from a rule of another clause (the order of G6), else None."""
    if (previous is None or previous.date != effect.date or previous.cause == effect.cause or effect.cause is None
            or previous.clause == effect.clause):
        return None
    if effect.time is not None and previous.time != effect.time:
        earlier = (f"the scheduled rule of {previous.clause}" if previous.cause is None
                   else f"event {previous.cause}")
        at = f" at {previous.time.isoformat()}" if previous.time is not None else ", which has no time of day"
        return (f"ran at {effect.time.isoformat()}, after {earlier}{at}: "
                "the steps of a day run in the order of their times of day")
    if previous.cause is None:
        return (f"ran after the scheduled rule of {previous.clause} of the same day: "
                "the contract's own schedule of a day runs first")
    if previous.cause < effect.cause:
        return (f"ran after event {previous.cause} of the same day: "
                "events of one day run in the order the scenario gives them")
    return None


@records.frozen
class Accepted:
    """A scenario event the terms accepted that produced no effect (a notice): the table still lists it."""

    index: int
    type: str
    date: date
    clause: str


def render_table(result: Result, explain: bool = False, color: bool = False, parameters: dict | None = None,
                 rates: frozenset = frozenset(), events: tuple = (), currency: str | None = None) -> str:
    """A table for people: dates, kinds and amounts aligned, clause and cause on every line; then the
    parameters and assumptions in force and the state at the end. Numbers are grouped and long
    quotients rounded for display (`for_people`), rates shown as percentages, prices with their unit;
    `events` (Accepted) gives a line to each accepted event that produced nothing else."""
    import click

    def style(text: str, **how) -> str:
        return click.style(text, **how) if color else text

    rows = []
    for position, effect in enumerate(result.effects):
        amount, text = (printable(part) for part in _describe(effect, currency))
        cause = f"event {effect.cause}" if effect.cause is not None else "schedule"
        rows.append(((effect.date, position), effect, effect.kind, amount, effect.clause, cause, text))
    causes = {effect.cause for effect in result.effects}
    for event in events:
        if event.index not in causes and event.date <= result.until:
            # where it ran: after its day's scheduled items and the events before it, before those after it
            later = [p for p, e in enumerate(result.effects) if e.date == event.date
                     and e.cause is not None and e.cause > event.index]
            changed = result.event_changes.get(event.index)
            what = ("set " + ", ".join(f"{name} {_value(str(before))} → {_value(str(after))}"
                              for name, before, after in changed)
                    if changed else "no payment, issue or status")
            rows.append(((event.date, (later[0] if later else len(result.effects)) - 0.5), None, "accepted", "",
                         event.clause, f"event {event.index}",
                         printable(f"{event.type} accepted: {what}")))
    rows.sort(key=lambda row: row[0])
    width_date = 19 if any(e.time is not None for e in result.effects) else 10  # with a time of day where one has it
    width_amount = max([len(r[3]) for r in rows] + [6])
    width_clause = max([len(r[4]) for r in rows] + [6])
    width_cause = max([len(r[5]) for r in rows] + [5])
    lines = [style(printable(result.instrument), bold=True) + f"  (through {result.until.isoformat()})", ""]
    header = f"{'date':<{width_date}}  {'kind':<10}  {'amount':>{width_amount}}  {'clause':<{width_clause}}  {'cause':<{width_cause}}  what"
    lines.append(style(header, bold=True))
    previous = None
    for (when, _), effect, kind, amount, clause, cause, text in rows:
        colour = {"rejection": "red", "payment": "green", "issue": "cyan", "adjustment": "yellow"}.get(kind)
        when_shown = effect.moment if effect is not None else when.isoformat()
        line = f"{when_shown:<{width_date}}  {kind:<10}  {amount:>{width_amount}}  {clause:<{width_clause}}  {cause:<{width_cause}}  {text}"
        lines.append(style(line, fg=colour) if colour else line)
        if explain and effect is not None:
            order = _same_day_order(previous, effect)
            previous = effect
            if order:
                lines.append(style(f"{'':<{width_date + 2}}  {'':<{width_clause}}  {order}", dim=True))
            for step in effect.steps:
                lines.append(style(f"{'':<{width_date + 2}}  {step.clause:<{width_clause}}  "
                                   f"{for_people(printable(step.text))}", dim=True))
    if not rows:
        lines.append("(no effects)")
    for title, entries in (("parameters", parameters or {}), ("assumptions", result.assumptions)):
        if not entries and title == "parameters":
            continue
        lines.append("")
        lines.append(style(title, bold=True))
        if not entries:
            lines.append("  (none)")
        for name, entry in entries.items():
            value = as_percentage(entry["value"]) if name in rates else _value(str(entry["value"]))
            lines.append(printable(f"  {name} = {value}  ({entry['source']}, {entry['clause']})"))
    lines.append("")
    lines.append(style("state at the end", bold=True))
    for name, value in result.state.items():
        shown = _value(value) if isinstance(value, str) else json.dumps(value)
        lines.append(printable(f"  {name} = {shown}"))
    return "\n".join(lines) + "\n"
