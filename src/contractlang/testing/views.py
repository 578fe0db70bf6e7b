"""How examples and invariants see a run: effects as records, the state after each step, the events by type."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from .. import records
from ..language import types as T
from ..language.properties import KIND_OF_LIST
from ..runtime.values import EventRecord, Frame
from ..stdlib.kept import KeptTable


@records.frozen
class EffectRecord:
    date: date
    kind: str
    clause: str
    cause: Decimal | None
    amount: Decimal = Decimal(0)
    quantity: Decimal = Decimal(0)
    price: Decimal = Decimal(0)
    due: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    price_date: date | None = None
    payer: str = ""
    payee: str = ""
    currency: str = ""
    purpose: str = ""
    recipient: str = ""
    security: str = ""
    name: str = ""
    before: str = ""
    after: str = ""
    event: str = ""
    reason: str = ""
    holder: str = ""
    value: str = ""
    shares: Decimal = Decimal(0)  # an issue's quantity and price, typed in their units by the checker
    share_price: Decimal = Decimal(0)

    @staticmethod
    def of(effect) -> "EffectRecord":
        d = effect.details
        period = d.get("period") or (None, None)
        quantity = Decimal(d["quantity"]) if d.get("quantity") is not None else Decimal(0)
        price = Decimal(d["price"]) if d.get("price") is not None else Decimal(0)
        issued = effect.kind == "issue"
        return EffectRecord(
            date=effect.date, kind=effect.kind, clause=effect.clause,
            cause=Decimal(effect.cause) if effect.cause is not None else None,
            amount=Decimal(d["amount"]) if "amount" in d else Decimal(0),
            quantity=quantity, price=price,
            shares=quantity if issued else Decimal(0), share_price=price if issued else Decimal(0),
            due=_date(d.get("due")), period_start=_date(period[0]), period_end=_date(period[1]),
            price_date=_date(d.get("price_date")),
            **{k: d[k] for k in ("payer", "payee", "currency", "purpose", "recipient", "security", "name", "before",
                                 "after", "event", "reason", "holder", "value") if d.get(k) is not None},
        )


def _date(text):
    return date.fromisoformat(text) if text else None


class Snapshot:
    """The state after one step of a run, by name, with the step's date."""

    def __init__(self, when: date, state: dict):
        self.date = when
        self.__dict__.update(state)


# id(result) -> (result, its lists): the invariants that look at one run (contract test's shared pass) share them
_LISTS_OF_RUN = KeptTable(8)  # the runs of the last few scenarios: each is held while kept


def lists_of_run(run, result) -> dict:
    """A finished run's effects as records, all and by kind, and its state after each step, by the names
    examples and invariants give them: made once for a run that several invariants look at. They are shared,
    and nothing changes them (records are frozen, and no expression of the language changes a list)."""
    kept = _LISTS_OF_RUN.get(id(result))
    if kept is not None and kept[0] is result:
        return kept[1]
    effects = [EffectRecord.of(e) for e in result.effects]
    found = {"effects": effects}
    for name, kind in KIND_OF_LIST.items():
        found[name] = [r for r in effects if r.kind == kind]
    found["history"] = [Snapshot(when, state) for when, state in run.history]
    return _LISTS_OF_RUN.keep(id(result), (result, found))[1]


class RunView:
    """A finished run as examples and invariants see it (the `varied` run of a relational invariant)."""

    def __init__(self, run, result):
        self.run = run
        self.result = result
        self.until = run.until

    def lists(self) -> dict:
        return dict(lists_of_run(self.run, self.result))  # a dict of its own: a frame adds its names to it

    def __getattr__(self, name):
        lists = self.lists()
        if name in lists:
            return lists[name]
        if name in self.run.state:
            return self.run.state[name]
        symbol = self.run.symbols.get(name)
        if symbol is not None and symbol.kind == "report":
            return self.run.global_value(symbol)
        raise AttributeError(name)


def view_frame(run, result, events, clause: str, varied=None):
    """A frame in which the expressions of examples and invariants evaluate against a finished run."""
    view = RunView(run, result)
    local = view.lists()
    by_type: dict[str, list] = {s.name: [] for s in run.symbols.values() if s.kind == "event"}

    for event in events:
        by_type.setdefault(event.type, []).append(EventRecord(event.type, event.index, event.date, event.fields))
    local.update(by_type)
    if varied is not None:
        local["varied"] = varied
    return Frame(clause, None, run.until, [], local, "a property")


COMPARISONS = ("==", "!=", "<", "<=", ">", ">=", "in")
RECORDS_SHOWN = 8  # records of one list a failure prints: enough to see the run, short enough to read


def shown(value, type_: T.Type | None = None) -> str:
    """A value as a failure message prints it: numbers in plain digits, with their unit when the checker
    gave the expression one (`6049.32 USD`, so that both sides of a comparison read as amounts), records
    on one line."""
    from ..runtime.explain import plain_number

    if isinstance(type_, T.Optional):
        type_ = type_.inner
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, (Decimal, Fraction)):
        unit = type_.unit if isinstance(type_, T.Number) else T.PLAIN
        return plain_number(value) + ("" if unit.is_plain else f" {unit}")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, EffectRecord):
        return record_line(value)
    if isinstance(value, EventRecord):
        fields = ", ".join(f"{name} = {shown(v)}" for name, v in value.fields.items())
        return f"event {value.index}: {value.type} on {value.date}" + (f" ({fields})" if fields else "")
    if isinstance(value, (list, tuple)):
        element = type_.element if isinstance(type_, T.ListOf) else None
        return "[" + ", ".join(shown(v, element) for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def record_line(record: EffectRecord) -> str:
    """One effect as a failure lists it: date, kind, what it was, clause and cause."""
    from ..runtime.explain import plain_number

    what = {
        "payment": lambda r: f"{plain_number(r.amount)} {r.currency} {r.purpose} to {r.payee}",
        "issue": lambda r: f"{plain_number(r.quantity)} {r.security} to {r.recipient}"
                           + (f" at {plain_number(r.price)}" if r.price else ""),
        "adjustment": lambda r: f"{r.name} {r.before} -> {r.after}",
        "rejection": lambda r: f"{r.event}: {r.reason}",
        "votes": lambda r: f"{plain_number(r.quantity)} to {r.holder}",
        "status": lambda r: f"{r.name} = {r.value}",
    }[record.kind](record)
    cause = f"event {plain_number(record.cause)}" if record.cause is not None else "schedule"
    return f"{record.date} {record.kind} {what} ({record.clause}, {cause})"


def explain_failure(run, condition, frame) -> list[str]:
    """Why a condition is false: the value each side of its comparison had, and the records they came from.

    A false `a and b` is explained by its first false part; `not` and other forms by their own value."""
    from ..language import ast
    from ..language.printer import expr

    while isinstance(condition, ast.Binary) and condition.operator == "and":
        condition = condition.right if run.evaluate(condition.left, frame) else condition.left
    lines = []
    if isinstance(condition, ast.Binary) and condition.operator in COMPARISONS:
        for side in (condition.left, condition.right):
            lines.append(f"{expr(side)} is {shown(run.evaluate(side, frame), run.contract.types.get(id(side)))}")
    elif isinstance(condition, ast.Not):
        lines.append(f"{expr(condition.operand)} is true")
    lists = []
    for node in ast.walk(condition):
        if isinstance(node, ast.Name) and node.name in KIND_OF_LIST.keys() | {"effects"}:
            label, records = node.name, frame.locals.get(node.name)
        elif isinstance(node, ast.Name) and node.name in run.contract.events:
            label, records = node.name, frame.locals.get(node.name)
        elif (isinstance(node, ast.FieldAccess) and isinstance(node.subject, ast.Name)
              and node.subject.name == "varied" and node.name in KIND_OF_LIST.keys() | {"effects"}):
            label, records = f"varied.{node.name}", getattr(frame.locals["varied"], node.name)
        else:
            continue
        if label in (found for found, _ in lists) or records is None:
            continue
        lists.append((label, records))
    for label, records in lists:
        if not records:
            lines.append(f"{label}: none")
            continue
        lines.append(f"{label}:")
        lines += [f"  {shown(r)}" for r in records[:RECORDS_SHOWN]]
        if len(records) > RECORDS_SHOWN:
            lines.append(f"  ... and {len(records) - RECORDS_SHOWN} more")
    return lines
