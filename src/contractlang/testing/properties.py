"""Examples and invariants declared in contracts, and `contract test`.

An *example* is a scenario (inline, or a file named by path) with expectations
over the effects and the final state, in literal figures. An *invariant* is a
property of every run: its `check` statements must hold for every scenario
that hypothesis generates from the contract's own declarations: parameters,
event types and their fields, the instrument's dates. A relational invariant
(`over a later horizon`, `over the scenario without its rejected events`,
`over the scenario with EVENT {...} before each EVENT`) sees a second run,
`varied`, of a scenario derived from the first.

Inside examples and invariants a run is seen through lists of records:
`effects`, `payments`, `issues`, `adjustments`, `rejections`, `statuses`,
`votes`, each effect with the fields of the JSON results; `history`, the
state after each step; for each event type, the scenario's events of that
type; and every state and report by name, at the end of the run.

Generation knows no instrument: it draws dates from the contract's own date
literals and schedules (and the days around them, weekends and holidays),
amounts from the magnitudes the contract writes, and price paths from a few
points held or interpolated, not one draw per day. `generate NAME from A to B`
in a contract narrows a parameter, `until` or an event field.
"""

from __future__ import annotations

import itertools
import os
import time
from datetime import date, timedelta
from decimal import Decimal, localcontext
from pathlib import Path

import attrs

from ..language import ast
from ..language import types as T
from ..diagnostics import ContractError, Diagnostic
from ..language.properties import EFFECT_LISTS, KIND_OF_LIST

# ------------------------------------------------------------ runtime views


@attrs.frozen
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

    @staticmethod
    def of(effect) -> "EffectRecord":
        d = effect.details
        period = d.get("period") or (None, None)
        return EffectRecord(
            date=effect.date, kind=effect.kind, clause=effect.clause,
            cause=Decimal(effect.cause) if effect.cause is not None else None,
            amount=Decimal(d["amount"]) if "amount" in d else Decimal(0),
            quantity=Decimal(d["quantity"]) if d.get("quantity") is not None else Decimal(0),
            price=Decimal(d["price"]) if d.get("price") is not None else Decimal(0),
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


class RunView:
    """A finished run as examples and invariants see it (the `varied` run of a relational invariant)."""

    def __init__(self, run, result):
        self.run = run
        self.result = result
        self.records = [EffectRecord.of(e) for e in result.effects]
        self.until = run.until

    def lists(self) -> dict:
        found = {"effects": self.records}
        for name, kind in KIND_OF_LIST.items():
            found[name] = [r for r in self.records if r.kind == kind]
        found["history"] = [Snapshot(when, state) for when, state in self.run.history]
        return found

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
    from ..runtime.interpreter import _Frame

    view = RunView(run, result)
    local = view.lists()
    by_type: dict[str, list] = {s.name: [] for s in run.symbols.values() if s.kind == "event"}
    from ..runtime.interpreter import EventRecord

    for event in events:
        by_type.setdefault(event.type, []).append(EventRecord(event.type, event.index, event.date, event.fields))
    local.update(by_type)
    if varied is not None:
        local["varied"] = varied
    return _Frame(clause, None, run.until, [], local, "a property")


# ------------------------------------------------------------ examples


@attrs.define
class Failure:
    kind: str  # "example" or "invariant"
    name: str
    clause: str
    message: str
    counterexample: str | None = None  # path of the scenario written


def _example_inputs(contract, item: ast.Example):
    """Inputs for an example: its scenario file (if any), then its own givens over it."""
    from ..files import resolve_reference
    from ..runtime.interpreter import Inputs, Run, Setting
    from ..inputs.scenario import BoundEvent, inputs_for, load_scenario

    evaluator = Run(contract, Inputs())
    frame = evaluator.global_frame("example")
    inputs = Inputs()
    for given in item.items:
        if isinstance(given, ast.GivenScenario):
            # named relative to the contract and checked before it is read; its text is never shown,
            # since the contract could name any file
            path = resolve_reference(given.path, contract.path, extensions=(".toml", ".json"),
                                     role="the example's scenario", span=given.span, text=contract.text)
            inputs = inputs_for(contract, load_scenario(path, echo=False), {}, {}, None)
    prices = dict(inputs.prices or {})
    events = list(inputs.events)
    for given in item.items:
        if isinstance(given, ast.GivenUntil):
            inputs.until = evaluator.evaluate(given.value, frame)
        elif isinstance(given, ast.GivenParam):
            inputs.params[given.name] = Setting(evaluator.evaluate(given.value, frame), "scenario", given.span)
        elif isinstance(given, ast.GivenAssume):
            inputs.assumptions[given.name] = Setting(evaluator.evaluate(given.value, frame), "scenario", given.span)
        elif isinstance(given, ast.GivenPrice):
            prices[evaluator.evaluate(given.date, frame)] = evaluator.evaluate(given.price, frame)
        elif isinstance(given, ast.GivenEvent):
            spec = contract.events[given.type]
            fields = {name: field.default for name, field in spec.fields.items()}
            fields.update({f.name: evaluator.evaluate(f.value, frame) for f in given.fields})
            events.append(BoundEvent(len(events) + 1, given.type, evaluator.evaluate(given.date, frame), fields,
                                     given.span))
    inputs.prices = prices
    inputs.events = events
    return inputs


def run_example(contract, item: ast.Example, clause: str) -> list[str]:
    """The expectations of an example that do not hold (empty when it passes)."""
    from ..runtime.interpreter import Run

    inputs = _example_inputs(contract, item)
    run = Run(contract, inputs)
    try:
        result = run.run()
    except ContractError:
        raise
    except Exception as problem:  # a contract that divides by zero, say: a failure, not a crash
        return [f"the example could not be evaluated: {type(problem).__name__}: {problem}"]
    frame = view_frame(run, result, inputs.events, clause)
    failed = []
    for given in item.items:
        if isinstance(given, ast.Expectation) and not run.evaluate(given.condition, frame):
            from ..language.printer import expr

            failed.append(f"line {given.span.line}: expected {expr(given.condition)}" if given.span
                          else f"expected {expr(given.condition)}")
    return failed


# ------------------------------------------------------------ generation


@attrs.define(repr=False)
class Generated:
    """A generated scenario: typed values, ready to run and to write as a scenario file."""

    until: date | None
    params: dict
    prices: dict
    events: list  # (type, date, fields)

    def __repr__(self) -> str:
        events = ", ".join(f"{kind} {when}" for kind, when, _ in self.events)
        return f"Generated(until={self.until}, params={self.params}, {len(self.prices)} prices, events=[{events}])"

    def inputs(self, contract):
        from ..runtime.interpreter import Inputs, Setting
        from ..inputs.scenario import BoundEvent

        return Inputs(
            params={name: Setting(value, "scenario") for name, value in self.params.items()},
            until=self.until,
            prices=self.prices,
            events=[BoundEvent(i, kind, when, fields, None) for i, (kind, when, fields) in enumerate(self.events, 1)],
        )


class Generator:
    """Hypothesis strategies for scenarios of one contract, drawn from what the contract declares."""

    def __init__(self, contract):
        self.contract = contract
        self.narrowed: dict[tuple[str, str | None], tuple] = {}
        self.literal_dates: set[date] = set()
        self.magnitudes: dict[str, list[Decimal]] = {}
        self._survey()
        self.low, self.high = self._date_range()
        self.edges = self._edge_dates()

    # -- what the contract says
    def _survey(self) -> None:
        from ..runtime.interpreter import Inputs, Run

        evaluator = Run(self.contract, Inputs())
        frame = evaluator.global_frame("generation")
        for section in self.contract.tree.sections:
            for item in section.items:
                if isinstance(item, ast.Generate):
                    self.narrowed[(item.name, item.field)] = (evaluator.evaluate(item.low, frame),
                                                              evaluator.evaluate(item.high, frame))
                if isinstance(item, (ast.Example, ast.Invariant)):
                    continue
                for node in ast.walk(item):
                    if isinstance(node, ast.DateLit):
                        self.literal_dates.add(node.value)
                    elif isinstance(node, ast.NumberLit) and node.unit is not None and node.unit.name not in ("day", "days"):
                        unit = node.unit.name + (f"/{node.unit.per}" if node.unit.per else "")
                        if node.value > 0:
                            self.magnitudes.setdefault(unit, []).append(node.value)
        for (name, field), (low, high) in self.narrowed.items():
            if isinstance(low, date):
                self.literal_dates.update({low, high})

    def _date_range(self) -> tuple[date, date]:
        dates = sorted(self.literal_dates) or [date(2000, 1, 1), date(2005, 1, 1)]
        low, high = dates[0] - timedelta(days=60), dates[-1] + timedelta(days=30)
        if ("until", None) in self.narrowed:
            high = max(high, self.narrowed[("until", None)][1])
        return low, high

    def _edge_dates(self) -> list[date]:
        """Dates where terms change: the contract's dates and schedules, the days next to them, holidays."""
        from ..runtime.interpreter import Inputs, Run, Setting

        edges = set(self.literal_dates)
        try:
            params = {name: Setting(low, "scenario") for (name, field), (low, _) in self.narrowed.items()
                      if field is None and name != "until"}
            run = Run(self.contract, Inputs(params=params, until=self.high))
            run.bind_settings()
            run.until = self.high
            for symbol in self.contract.symbols.values():
                if symbol.kind == "schedule":
                    edges.update(d for d in run.global_value(symbol) if self.low <= d <= self.high)
            calendars = [v for k, v in run.globals.items() if self.contract.symbols[k].type == T.CALENDAR]
        except ContractError:
            calendars = []
        near = set()
        for day in edges:
            near.update(day + timedelta(days=offset) for offset in (-1, 0, 1))
        if calendars:
            from ..stdlib.calendars import _holidays

            for year in range(self.low.year, self.high.year + 1):
                near.update(d for d in _holidays(calendars[0], year) if self.low <= d <= self.high)
        return sorted(d for d in near if self.low <= d <= self.high)

    # -- strategies
    def dates(self):
        from hypothesis import strategies as st

        plain = st.dates(min_value=self.low, max_value=self.high)
        if not self.edges:
            return plain
        return st.one_of(st.sampled_from(self.edges), plain)

    def number(self, type_: T.Number, bounds=None):
        from hypothesis import strategies as st

        if bounds is not None:
            low, high = bounds
        else:
            unit = str(type_.unit).replace(" per ", "/")
            found = self.magnitudes.get(unit) or []
            if type_.unit.is_plain:
                return st.sampled_from([Decimal(v) for v in ("2", "0.5", "1.5", "3", "0.1", "1.05", "1.25", "4")])
            top = max(found) if found else Decimal(10_000_000)
            low, high = Decimal(0), top * Decimal("1.2")
        places = 0 if type_.integral else (2 if high >= 100 else 4)
        # digits enough for the largest figure to keep its last place: beyond 28 digits
        # Decimal's default context would round it, and quantize would refuse it
        with localcontext(prec=max(28, high.adjusted() + places + 2)):
            step = Decimal(1).scaleb(-places)
            top = int(high / step)
            bottom = int(low / step)
            round_ones = sorted({v for v in (high, high / 2, high / 4, high / 10, high / 31, low)
                                 if low <= v <= high})
            round_ones = [v.quantize(step) for v in round_ones] + ([Decimal(100) * k for k in range(1, 6)]
                                                                    if high >= 500 else [])
        return st.one_of(
            st.sampled_from([v for v in round_ones if low <= v <= high] or [low]),
            st.integers(bottom, max(bottom, top)).map(lambda n: _in_units(n, places)),
        )

    def field(self, event: str, name: str, type_: T.Type, when_strategy):
        from hypothesis import strategies as st

        bounds = self.narrowed.get((event, name))
        if isinstance(type_, T.Optional):
            return st.one_of(st.none(), self.field(event, name, type_.inner, when_strategy))
        if isinstance(type_, T.Number):
            return self.number(type_, bounds)
        if type_ == T.DATE:
            return None  # relative to the event's date: drawn in event()
        if type_ == T.BOOL:
            return st.booleans()
        if type_ == T.TEXT:
            return st.sampled_from(["Acquirer Inc. common", "Successor Holdings shares"])
        if isinstance(type_, T.Enum):
            return st.sampled_from(type_.members)
        if type_ == T.DAYS:
            return st.integers(0, 60)
        return st.nothing()

    def event(self, name: str):
        """Events of one type; the strategies of its fields are built once, not at every draw."""
        from hypothesis import strategies as st

        spec = self.contract.events[name]
        dates = self.dates()
        offsets = st.one_of(st.sampled_from([-1, 0, 9, 10, 11, 29, 30, 31]), st.integers(-40, 90))
        fields = {}
        for field_name, field in spec.fields.items():
            if field.type == T.DATE or field.type == T.Optional(T.DATE):
                bounds = self.narrowed.get((name, field_name))
                fields[field_name] = ("dated", st.dates(min_value=bounds[0], max_value=bounds[1])) if bounds \
                    else ("offset", offsets)
            else:
                fields[field_name] = ("value", self.field(name, field_name, field.type, None))

        @st.composite
        def draw_event(draw):
            when = draw(dates)
            values = {}
            for field_name, (how, strategy) in fields.items():
                drawn = draw(strategy)
                values[field_name] = when + timedelta(days=drawn) if how == "offset" else drawn
            return (name, when, values)

        return draw_event()

    def prices(self):
        """A few points over the scenario's span, held or interpolated between them, on weekdays."""
        from hypothesis import strategies as st

        markets = [s for s in self.contract.symbols.values() if s.kind == "market"]
        if not markets:
            return st.just({})
        unit = str(markets[0].type.unit).replace(" per ", "/")
        found = self.magnitudes.get(unit) or []
        low = min(found) / 4 if found else Decimal("0.1")
        high = max(found) * 3 if found else Decimal("3")
        first, last = self.low - timedelta(days=40), self.high + timedelta(days=30)
        span = (last - first).days
        weekdays = [(offset, first + timedelta(days=offset)) for offset in range(span + 1)
                    if (first + timedelta(days=offset)).weekday() < 5]
        counts = st.integers(2, 5)
        fewest = max(1, int(low * 1000))  # a price below a thousandth is generated as one thousandth
        levels = st.integers(fewest, max(fewest, int(high * 1000)))
        cut = st.integers(1, span - 1)

        @st.composite
        def draw_prices(draw):
            count = draw(counts)
            points = [draw(levels) for _ in range(count)]
            anchors = [0] + sorted(draw(st.lists(cut, min_size=count - 2, max_size=count - 2, unique=True))) + [span]
            held = draw(st.booleans())
            prices = {}
            segment = 0
            for offset, day in weekdays:
                while segment < count - 2 and offset >= anchors[segment + 1]:
                    segment += 1
                start, end = anchors[segment], anchors[segment + 1]
                a, b = points[segment], points[min(segment + 1, count - 1)]
                value = a if held else a + (b - a) * (offset - start) // max(1, end - start)
                prices[day] = _in_units(value, 3)  # thousandths, made at each draw: no table as large as a price
            return prices

        return draw_prices()

    def params(self):
        from hypothesis import strategies as st

        @st.composite
        def draw_params(draw):
            found = {}
            for symbol in self.contract.symbols.values():
                settable = symbol.kind == "state" and symbol.node.settable
                if symbol.kind != "parameter" and not settable:
                    continue
                bounds = self.narrowed.get((symbol.name, None))
                required = symbol.kind == "parameter" and symbol.node.default is None
                if bounds is None and not required:
                    continue
                if symbol.type == T.DATE:
                    low, high = bounds or (self.low, self.high)
                    found[symbol.name] = draw(st.dates(min_value=low, max_value=high))
                elif isinstance(symbol.type, T.Number):
                    found[symbol.name] = draw(self.number(symbol.type, bounds))
            return found

        return draw_params()

    def scenarios(self, max_events: int = 6):
        from hypothesis import strategies as st

        names = sorted(self.contract.events)
        any_event = st.one_of([self.event(name) for name in names]) if names else None
        params = self.params()
        prices = self.prices()
        has_horizon = any(isinstance(i, ast.Horizon) for s in self.contract.tree.sections for i in s.items)
        until_bounds = self.narrowed.get(("until", None))

        @st.composite
        def draw_scenario(draw):
            chosen_params = draw(params)
            if until_bounds is not None:
                until = draw(st.dates(min_value=until_bounds[0], max_value=until_bounds[1]))
            elif has_horizon and draw(st.booleans()):
                until = None
            else:
                until = draw(st.dates(min_value=self.low + timedelta(days=60), max_value=self.high))
            events = draw(st.lists(any_event, max_size=max_events)) if names else []
            events.sort(key=lambda e: e[1])
            return Generated(until, chosen_params, draw(prices), events)

        return draw_scenario()


def _in_units(count: int, places: int) -> Decimal:
    """`count` units of the last of `places` decimal places (hundredths for 2), exactly, however large."""
    return Decimal(f"{count}E-{places}")


# ------------------------------------------------------------ invariants


class _Discard(Exception):
    """A generated scenario the contract refuses as input (a precondition): not a counterexample."""


def evaluate_generated(contract, generated: Generated):
    from ..runtime.interpreter import PreconditionFailed, Run

    inputs = generated.inputs(contract)
    run = Run(contract, inputs)
    try:
        result = run.run()
    except PreconditionFailed:
        raise _Discard()
    return run, result, inputs


def vary(contract, generated: Generated, variation: ast.Variation, base_result) -> Generated:
    """The second scenario of a relational invariant."""
    if variation.kind == "later_horizon":
        from ..runtime.interpreter import Inputs, Run

        until = generated.until
        if until is None:
            until = base_result.until
        return attrs.evolve(generated, until=until + timedelta(days=400))
    if variation.kind == "without_rejected":
        rejected = {e.cause for e in base_result.effects if e.kind == "rejection" and e.cause is not None}
        kept = [event if i not in rejected else None for i, event in enumerate(generated.events, 1)]
        # keep each event's position so that causes still name the same events
        return attrs.evolve(generated, events=[e if e is not None else ("__removed__", None, {}) for e in kept])
    from ..runtime.interpreter import Inputs, Run

    evaluator = Run(contract, Inputs())
    frame = evaluator.global_frame("variation")
    spec = contract.events[variation.event]
    inserted_fields = {name: field.default for name, field in spec.fields.items()}
    inserted_fields.update({f.name: evaluator.evaluate(f.value, frame) for f in variation.fields})
    events = []
    for event in generated.events:
        if event[0] == variation.before:
            events.append((variation.event, event[1], dict(inserted_fields)))
        events.append(event)
    return attrs.evolve(generated, events=events)


def _inputs_skipping_removed(contract, generated: Generated):
    inputs = generated.inputs(contract)
    inputs.events = [e for e in inputs.events if e.type != "__removed__"]
    return inputs


def check_invariant(contract, item: ast.Invariant, clause: str, generated: Generated) -> str | None:
    """None when the invariant holds on this scenario, else what failed."""
    from ..runtime.interpreter import CheckFailed, PreconditionFailed, Run

    run, result, inputs = evaluate_generated(contract, generated)
    varied = None
    if item.variation is not None:
        other = vary(contract, generated, item.variation, result)
        other_run = Run(contract, _inputs_skipping_removed(contract, other))
        try:
            other_result = other_run.run()
        except PreconditionFailed:
            raise _Discard()
        varied = RunView(other_run, other_result)
    frame = view_frame(run, result, inputs.events, clause, varied)
    try:
        run.execute(item.body, frame)
    except CheckFailed as failed:
        return failed.message
    return None


# ------------------------------------------------------------ writing scenarios


def scenario_text(contract, generated: Generated, title: str, prices_file: str | None) -> str:
    """A scenario file (TOML) that `contract eval` runs to reproduce a generated scenario."""
    from ..runtime.interpreter import _plain_number

    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, Decimal):
            return f'"{_plain_number(v)}"'
        if isinstance(v, date):
            return v.isoformat()
        if v is None:
            return '"none"'
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [f"title = {value(title)}"]
    if generated.until is not None:
        lines.append(f"until = {generated.until.isoformat()}")
    if prices_file:
        lines.append(f"prices = {value(prices_file)}")
    if generated.params:
        lines += ["", "[params]"] + [f"{k} = {value(v)}" for k, v in generated.params.items()]
    for kind, when, fields in generated.events:
        if kind == "__removed__":
            continue
        lines += ["", "[[events]]", f"date = {when.isoformat()}", f"type = {value(kind)}"]
        lines += [f"{k} = {value(v)}" for k, v in fields.items()]
    return "\n".join(lines) + "\n"


def write_counterexample(contract, generated: Generated, title: str, out_dir: str, stem: str) -> str:
    """Write a counterexample as STEM.toml (and its prices as STEM.prices.csv); the path of the TOML.

    A name that is taken, by anything, is never touched: the first free pair of
    STEM, STEM-2, STEM-3, ... is used, so that a second run, or one running at
    the same time, keeps what the first wrote. Each file is written whole; the
    price series first, then the scenario that names it, and if the scenario
    cannot be written the series is removed, so nothing half is left."""
    from ..files import write_whole

    folder = Path(out_dir)
    _make_folder(folder, folder / f"{stem}.prices.csv" if generated.prices else folder / f"{stem}.toml")
    prices_text = None
    if generated.prices:
        rows = ["date,price"] + [f"{d.isoformat()},{p}" for d, p in sorted(generated.prices.items())]
        prices_text = "\n".join(rows) + "\n"
    for number in itertools.count(1):
        name = stem if number == 1 else f"{stem}-{number}"
        scenario, prices = folder / f"{name}.toml", folder / f"{name}.prices.csv"
        if os.path.lexists(scenario) or os.path.lexists(prices):
            continue
        if prices_text is not None:
            try:
                write_whole(prices, prices_text, replace=False)
            except FileExistsError:  # another run took the name since it was looked at
                continue
        written = False
        try:
            write_whole(scenario, scenario_text(contract, generated, title, prices.name if prices_text else None),
                        replace=False)
            written = True
        except FileExistsError:  # likewise, between the two files
            continue
        finally:
            if not written and prices_text is not None:
                os.unlink(prices)  # a series without its scenario is half a counterexample
        return str(scenario)


def _make_folder(folder: Path, first_file: Path) -> None:
    """Create the counterexamples folder; a failure names the first file that could not be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # the name is taken by something that is not a folder
        raise ContractError(Diagnostic(f"cannot write {first_file}: {folder} is not a folder")) from None
    except OSError as problem:
        raise ContractError(Diagnostic(
            f"cannot write {first_file}: the folder {folder} cannot be made ({problem.strerror})")) from None


# ------------------------------------------------------------ contract test


def _properties(contract):
    """Each example and invariant with the clause it cites (else the section it stands in)."""
    for section in contract.tree.sections:
        for item in section.items:
            if isinstance(item, (ast.Example, ast.Invariant)):
                yield item.cites or section.label, item


def test_contract(contract, max_examples: int, seed: int, out_dir: str, echo, color: bool = False,
                  only: str | None = None, fail_fast: bool = False) -> tuple[list[Failure], int, int]:
    """Run one contract's examples and invariants. Returns the failures, properties run and scenarios tried."""
    import click
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    def style(text, **how):
        return click.style(text, **how) if color else text

    failures: list[Failure] = []
    tried = 0
    count = 0
    generator = None
    for clause, item in _properties(contract):
        if only is not None and item.name != only:
            continue
        if fail_fast and failures:
            break
        count += 1
        started = time.perf_counter()
        if isinstance(item, ast.Example):
            try:
                failed = run_example(contract, item, clause)
            except ContractError as problem:
                failed = [problem.render()]
            tried += 1
            if failed:
                failures.append(Failure("example", item.name, clause, "; ".join(failed)))
                echo(style(f"  FAIL example {item.name!r} ({clause})", fg="red"))
                for line in failed:
                    echo(f"       {line}")
            else:
                echo(f"  ok   example {item.name!r} ({clause})")
            continue
        if generator is None:
            generator = Generator(contract)
        found: dict = {}
        runs = [0]

        @settings(max_examples=max_examples, deadline=None, database=None, derandomize=False,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink])
        @hypothesis_seed(seed)
        @given(generator.scenarios())
        def holds(generated):
            from hypothesis import assume, note

            runs[0] += 1
            if color and runs[0] % 10 == 0:  # a terminal: show progress on the line of the property
                click.echo(f"\r  ...  invariant {item.name[:60]!r}: {runs[0]}/{max_examples}", nl=False)
            try:
                message = check_invariant(contract, item, clause, generated)
            except _Discard:
                assume(False)
                return
            except ContractError as problem:
                message = "the scenario could not be evaluated: " + problem.diagnostics[0].message
            except (ArithmeticError, ValueError) as problem:
                message = f"the scenario could not be evaluated: {type(problem).__name__}: {problem}"
            if message is not None:
                found["generated"] = generated
                found["message"] = message
                note(message)
                raise AssertionError(message)

        try:
            holds()
            if color:
                click.echo("\r\033[K", nl=False)
            echo(f"  ok   invariant {item.name!r} ({clause}): {runs[0]} scenarios, "
                 f"{time.perf_counter() - started:.1f}s")
        except AssertionError:
            if color:
                click.echo("\r\033[K", nl=False)
            echo(style(f"  FAIL invariant {item.name!r} ({clause})", fg="red"))
            echo(f"       {found['message']}")
            stem = f"{Path(contract.path).stem}-{_slug(item.name)}"
            written = write_counterexample(contract, found["generated"], f"counterexample: {item.name}", out_dir, stem)
            failures.append(Failure("invariant", item.name, clause, found["message"], written))
            echo(f"       counterexample: {written}")
            echo("       reproduce with: contract eval " + contract.path + " " + written
                 + (" (and its variation: " + _describe_variation(item.variation) + ")" if item.variation else ""))
            for line in scenario_text(contract, found["generated"], "counterexample", None).splitlines()[1:]:
                echo(f"         {line}")
        tried += runs[0]
    return failures, count, tried


def _describe_variation(variation: ast.Variation) -> str:
    from ..language.printer import variation as text

    return text(variation).strip()


def _slug(name: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]


def run_tests(paths, max_examples: int, seed: int, out_dir: str, echo, color: bool = False,
              fail_fast: bool = False) -> int:
    """`contract test`: every contract's examples and invariants; the number of failures."""
    from ..language.checker import load

    started = time.perf_counter()
    total_failures = total_properties = total_tried = 0
    for path in paths:
        contract = load(path)
        echo(f"{path}")
        failures, count, tried = test_contract(contract, max_examples, seed, out_dir, echo, color,
                                               fail_fast=fail_fast)
        if count == 0:
            echo("  (no examples or invariants)")
        total_failures += len(failures)
        total_properties += count
        total_tried += tried
        if fail_fast and failures:
            break
    elapsed = time.perf_counter() - started
    echo(f"{total_properties} properties, {total_tried} scenarios tried, {total_failures} failed, {elapsed:.1f}s")
    return total_failures


def benchmark(path: str, n: int = 200, seed: int = 0) -> float:
    """Scenarios per second that `contract test` generates and evaluates for one contract."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hypothesis_seed

    from ..language.checker import load

    contract = load(path)
    generator = Generator(contract)
    count = [0]

    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @hypothesis_seed(seed)
    @given(generator.scenarios())
    def evaluate_all(generated):
        count[0] += 1
        try:
            evaluate_generated(contract, generated)
        except (_Discard, ContractError):
            pass

    started = time.perf_counter()
    evaluate_all()
    return count[0] / (time.perf_counter() - started)
