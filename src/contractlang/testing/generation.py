"""Scenarios generated from a contract's own declarations, for its invariants.

Generation knows no instrument: it draws dates from the contract's own date
literals and schedules (and the days around them, weekends and holidays),
amounts from the magnitudes the contract writes, and price paths from a few
points held or interpolated, not one draw per day. `generate EVENT.count from
A to B` adds that many events of a type to each scenario. Some events follow the one
drawn before them by a span terms count (0, 1, 10, 30, 31 days ...), so that
periods counted from an event end inside scenarios. Parameters with defaults
vary too, figures by round factors of the default, flags either way (a failure
shrinks back to the default). `generate NAME from A to B`
in a contract narrows a parameter, `until` or an event field.
"""

from __future__ import annotations

import bisect
import math
import os
from datetime import date, datetime, time, timedelta
from decimal import Decimal, localcontext
from fractions import Fraction

import attrs
from hypothesis import strategies as st

from .. import cache, records
from ..diagnostics import ContractError
from ..inputs.scenario import BoundEvent
from ..language import ast
from ..language import types as T
from ..runtime.interpreter import Run
from ..runtime.values import Inputs, Setting
from ..stdlib.calendars import holidays_in


@records.define
class Generated:
    """A generated scenario: typed values, ready to run and to write as a scenario file."""

    until: date | None
    params: dict
    prices: dict
    events: list  # (type, date, fields)
    markets: dict = attrs.field(factory=dict)  # several series, by market name (with a single one: prices)
    assumptions: dict = attrs.field(factory=dict)  # set only by a relational invariant's variation

    def __repr__(self) -> str:
        events = ", ".join(f"{kind} {when}" for kind, when, _ in self.events)
        return f"Generated(until={self.until}, params={self.params}, {len(self.prices)} prices, events=[{events}])"

    def inputs(self, contract):
        return Inputs(
            params={name: Setting(value, "scenario") for name, value in self.params.items()},
            assumptions={name: Setting(value, "scenario") for name, value in self.assumptions.items()},
            until=self.until,
            prices=self.prices if not self.markets else None,
            markets=self.markets,
            events=[BoundEvent(i, kind, when, fields, None) for i, (kind, when, fields) in enumerate(self.events, 1)],
        )


def keep_hypothesis_files_in_cache() -> None:
    """Hypothesis keeps files of its own while it draws (the constants of the code it runs in): they go in the
    tool's cache, or a folder of the process's own, never in the folder the user works in."""
    from hypothesis.configuration import set_hypothesis_home_dir

    place = cache.folder()
    if place is None:
        import tempfile

        if "hypothesis" not in _PROCESS_FOLDER:
            _PROCESS_FOLDER["hypothesis"] = tempfile.TemporaryDirectory(prefix="contract-")
        place = _PROCESS_FOLDER["hypothesis"].name
    set_hypothesis_home_dir(os.path.join(place, "hypothesis"))


_PROCESS_FOLDER: dict = {}  # a temporary folder kept for the process's life (removed when it ends)


class Generator:
    """Hypothesis strategies for scenarios of one contract, drawn from what the contract declares."""

    def __init__(self, contract):
        self.contract = contract
        self.narrowed: dict[tuple[str, str | None], tuple] = {}
        self.choices: dict[tuple[str, str | None], list] = {}  # `generate X from LIST`
        self.listed: list[ast.Generate] = []
        self.literal_dates: set[date] = set()
        self.literal_times: set[time] = set()
        self.magnitudes: dict[str, list[Decimal]] = {}
        self._survey()
        self.defaults = self._defaults()
        self.low, self.high = self._date_range()
        self.edges = self._edge_dates()

    # -- what the contract says
    def _survey(self) -> None:
        evaluator = Run(self.contract, Inputs())
        frame = evaluator.global_frame("generation")
        for section in self.contract.tree.sections:
            for item in section.items:
                if isinstance(item, ast.Generate) and item.high is None:
                    self.listed.append(item)  # evaluated once the span of dates is known
                elif isinstance(item, ast.Generate):
                    self.narrowed[(item.name, item.field)] = (evaluator.evaluate(item.low, frame),
                                                              evaluator.evaluate(item.high, frame))
                if isinstance(item, (ast.Example, ast.Invariant)):
                    continue
                for node in ast.walk(item):
                    if isinstance(node, ast.DateLit):
                        self.literal_dates.add(node.value)
                    elif isinstance(node, ast.TimeLit):
                        self.literal_times.add(time.fromisoformat(node.text))
                    elif isinstance(node, ast.NumberLit) and node.unit is not None and node.unit.name not in ("day", "days"):
                        unit = node.unit.name + (f"/{node.unit.per}" if node.unit.per else "")
                        if node.value > 0:
                            self.magnitudes.setdefault(unit, []).append(node.value)
        for (name, field), (low, high) in self.narrowed.items():
            if isinstance(low, datetime):  # a moment: its days
                self.literal_dates.update({low.date(), high.date()})
            elif isinstance(low, date):
                self.literal_dates.update({low, high})

    def _defaults(self) -> dict:
        """The default of each parameter that has one and can be evaluated alone (a literal, a term)."""
        evaluator = Run(self.contract, Inputs())
        frame = evaluator.global_frame("generation")
        found = {}
        for symbol in self.contract.symbols.values():
            if symbol.kind == "parameter" and symbol.node.default is not None:
                try:
                    found[symbol.name] = evaluator.evaluate(symbol.node.default, frame)
                except (ContractError, KeyError, ArithmeticError):
                    continue
        return found

    def _varies(self, symbol) -> bool:
        """Whether a parameter with a default varies: a figure or a flag does; a date, a choice (a day
        count) or a text keeps its default unless a `generate` line says how it may move, since what
        is counted from it or goes with it moves in ways only the contract can state."""
        if (symbol.name, None) in self.narrowed or self.choices.get((symbol.name, None)):
            return True
        kind = symbol.type.inner if isinstance(symbol.type, T.Optional) else symbol.type
        return (isinstance(kind, T.Number) and symbol.name in self.defaults) or kind == T.BOOL

    def _date_range(self) -> tuple[date, date]:
        dates = sorted(self.literal_dates) or [date(2000, 1, 1), date(2005, 1, 1)]
        low, high = _moved(dates[0], -60), _moved(dates[-1], 30)
        if ("until", None) in self.narrowed:
            high = max(high, self.narrowed[("until", None)][1])
        return low, high

    def _edge_dates(self) -> list[date]:
        """Dates where terms change: the contract's dates and schedules, the days next to them, holidays."""
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
            for item in self.listed:
                self.choices[(item.name, item.field)] = sorted(run.evaluate(item.low, run.global_frame("generation")))
            calendars = [v for k, v in run.globals.items() if self.contract.symbols[k].type == T.CALENDAR]
        except ContractError:
            calendars = []
        near = set()
        for day in edges:
            near.update(_moved(day, offset) for offset in (-1, 0, 1))
        if calendars:
            for year in range(self.low.year, self.high.year + 1):
                near.update(d for d in holidays_in(calendars[0], year) if self.low <= d <= self.high)
        return sorted(d for d in near if self.low <= d <= self.high)

    # -- strategies
    def dates(self):
        span = (self.high - self.low).days
        if span <= UNIFORM_DAYS:  # drawn evenly: hypothesis's own dates crowd the start of the span
            plain = st.sampled_from([self.low + timedelta(days=offset) for offset in range(span + 1)])
        else:
            plain = st.dates(min_value=self.low, max_value=self.high)
        if not self.edges:
            return plain
        return st.one_of(st.sampled_from(self.edges), plain)

    def number(self, type_: T.Number, bounds=None):
        unit = str(type_.unit).replace(" per ", "/")
        found = self.magnitudes.get(unit) or []
        if bounds is not None:
            low, high = bounds
        else:
            if type_.unit.is_plain:
                return st.sampled_from([Decimal(v) for v in ("2", "0.5", "1.5", "3", "0.1", "1.05", "1.25", "4")])
            top = max(found) if found else Decimal(10_000_000)
            low, high = Decimal(0), top * Decimal("1.2")
        places = 0 if type_.integral else (2 if high >= 100 else 4)
        # the figures of `places` places within the bounds, counted exactly: a bound may be a ratio (1 / 3)
        # or have more places than are drawn, and neither may let a figure outside them be drawn
        bottom = math.ceil(Fraction(low) * 10 ** places)
        top = math.floor(Fraction(high) * 10 ** places)
        low, high = _in_units(bottom, places), _in_units(max(bottom, top), places)
        # digits enough for the largest figure to keep its last place: beyond 28 digits
        # Decimal's default context would round it
        with localcontext(prec=max(28, high.adjusted() + places + 2)):
            # the contract's own figures, then round ones (1, 2, 5 times a power of ten): a failure shrinks
            # toward the first of them, so a counterexample shows a figure a reader recognises
            own = sorted(v for v in found if low <= v <= high) if bounds is None else []
            round_ones = own + [v for v in _round_figures(low, high) if v not in own] + [high]
        return st.one_of(
            st.sampled_from(round_ones),
            st.integers(bottom, max(bottom, top)).map(lambda n: _in_units(n, places)),
        )

    def field(self, event: str, name: str, type_: T.Type, when_strategy):
        if (event, name) in self.choices and self.choices[(event, name)]:
            return st.sampled_from(self.choices[(event, name)])
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
        if type_ == T.DATETIME:  # a day as dates are drawn, at a time as times of day are
            times = self.field("", "", T.TIME, None)  # the contract's own times and the minutes around them
            if bounds is None:
                return st.builds(datetime.combine, self.dates(), times)
            low, high = bounds
            days = st.dates(min_value=low.date(), max_value=high.date())
            return st.builds(datetime.combine, days, times).filter(lambda m: low <= m <= high)
        if type_ == T.TIME:  # the contract's own times and the minutes around them, or any minute (within bounds)
            low, high = bounds if bounds is not None else (time(0, 0), time(23, 59))
            first, last = low.hour * 60 + low.minute, high.hour * 60 + high.minute
            near = sorted({t for literal in self.literal_times for t in _minutes_around(literal) if low <= t <= high})
            any_minute = st.integers(first, max(first, last)).map(lambda m: time(m // 60, m % 60))
            return st.one_of(st.sampled_from(near), any_minute) if near else any_minute
        return st.nothing()

    def event(self, name: str):
        """Events of one type; the strategies of its fields are built once, not at every draw."""
        spec = self.contract.events[name]
        dates = self.dates()
        if self.choices.get((name, "date")):  # mostly from the list, sometimes any day (to be rejected)
            listed = st.sampled_from(self.choices[(name, "date")])
            dates = st.one_of(listed, listed, listed, dates)
        offsets = st.one_of(st.sampled_from([-1, 0, 9, 10, 11, 29, 30, 31]), st.integers(-40, 90))
        fields = {}
        for field_name, field in spec.fields.items():
            if (name, field_name) in self.choices:
                fields[field_name] = ("value", self.field(name, field_name, field.type, None))
            elif field.type == T.DATE or field.type == T.Optional(T.DATE):
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
                values[field_name] = _moved(when, drawn) if how == "offset" else drawn
            return (name, when, values)

        return draw_event()

    def prices(self):
        """The series of a contract's single market (several: see markets())."""
        markets = [s for s in self.contract.symbols.values() if s.kind == "market"]
        if len(markets) != 1:
            return st.just({})
        return self.series(markets[0])

    def markets(self):
        """Each series of a contract with several markets, by name."""
        markets = [s for s in self.contract.symbols.values() if s.kind == "market"]
        if len(markets) < 2:
            return st.just({})
        return st.fixed_dictionaries({s.name: self.series(s) for s in markets})

    def series(self, market):
        """A few points over the scenario's span, held or interpolated between them, on weekdays.

        Prices lie around the contract's own figures of their unit; a plain series (a rate) within
        `generate NAME from A to B`, negative values included, else from -1% to 10%."""
        unit = str(market.type.unit).replace(" per ", "/")
        found = self.magnitudes.get(unit) or []
        if (market.name, None) in self.narrowed:
            low, high = (Decimal(v) for v in self.narrowed[(market.name, None)])
        elif market.type.unit.is_plain:
            low, high = Decimal("-0.01"), Decimal("0.10")
        else:
            low = min(found) / 4 if found else Decimal("0.1")
            high = max(found) * 3 if found else Decimal("3")
        plain = market.type.unit.is_plain
        first, last = _moved(self.low, -40), _moved(self.high, 30)
        span = (last - first).days
        weekdays = [(offset, first + timedelta(days=offset)) for offset in range(span + 1)
                    if (first + timedelta(days=offset)).weekday() < 5]
        offsets = [offset for offset, _ in weekdays]
        counts = st.integers(2, 5)
        scale = 100_000 if plain else 1000  # a rate to the thousandth of a percent, a price to the thousandth
        fewest = int(low * scale) if plain else max(1, int(low * scale))  # a price is at least a thousandth
        most = max(fewest, int(high * scale))
        # round levels first (a failure shrinks toward them: 1.00, 0.50, 2%), any level of the range besides
        round_levels = sorted({int(v * scale) for v in _round_figures(max(low, Decimal(0)), high) + [low]
                               if fewest <= int(v * scale) <= most})
        levels = st.one_of(st.sampled_from(round_levels), st.integers(fewest, most)) if round_levels \
            else st.integers(fewest, most)
        cut = st.integers(1, span - 1)

        @st.composite
        def draw_prices(draw):
            count = draw(counts)
            points = [draw(levels) for _ in range(count)]
            anchors = [0] + sorted(draw(st.lists(cut, min_size=count - 2, max_size=count - 2, unique=True))) + [span]
            held = draw(st.booleans())
            prices = {}
            made = {}  # each level's number, made once a draw: a held level, or a gentle slope, repeats for days
            places = 5 if plain else 3
            for segment in range(count - 1):  # from each anchor to the next; the last takes the path's end too
                start, end = anchors[segment], anchors[segment + 1]
                a, b = points[segment], points[segment + 1]
                width = max(1, end - start)
                last = len(weekdays) if segment == count - 2 else bisect.bisect_left(offsets, end)
                for offset, day in weekdays[bisect.bisect_left(offsets, start):last]:
                    value = a if held else a + (b - a) * (offset - start) // width
                    price = made.get(value)
                    if price is None:
                        price = made[value] = _in_units(value, places)
                    prices[day] = price
            return prices

        return draw_prices()

    def params(self):
        @st.composite
        def draw_params(draw):
            found = {}
            for symbol in self.contract.symbols.values():
                settable = symbol.kind == "state" and symbol.node.settable
                if symbol.kind != "parameter" and not settable:
                    continue
                bounds = self.narrowed.get((symbol.name, None))
                required = symbol.kind == "parameter" and symbol.node.default is None
                # a parameter with a default (or optional) keeps it in about half the scenarios, and a
                # failure shrinks toward it, so that a counterexample names only the values it needs
                if not required and (not self._varies(symbol) or not draw(st.booleans())):
                    continue
                if self.choices.get((symbol.name, None)):
                    found[symbol.name] = draw(st.sampled_from(self.choices[(symbol.name, None)]))
                    continue
                kind = symbol.type.inner if isinstance(symbol.type, T.Optional) else symbol.type
                default = self.defaults.get(symbol.name)
                if kind == T.DATE:
                    low, high = bounds or (self.low, self.high)
                    found[symbol.name] = draw(st.dates(min_value=low, max_value=high))
                elif isinstance(kind, T.Number) and bounds is None and default is not None:
                    factors = WHOLE_FACTORS if kind.integral else NUMBER_FACTORS
                    found[symbol.name] = default * draw(st.sampled_from(factors))
                elif isinstance(kind, T.Number):
                    found[symbol.name] = draw(self.number(kind, bounds))
                elif kind == T.DATETIME:  # within its `generate ... from A to B`, if it has one
                    found[symbol.name] = draw(self.field(symbol.name, None, kind, None))
                elif kind == T.BOOL or isinstance(kind, T.Enum) or kind == T.TIME:
                    found[symbol.name] = draw(self.field("", symbol.name, kind, None))
            return found

        return draw_params()

    def scenarios(self, max_events: int = 6):
        names = sorted(self.contract.events)
        any_event = st.one_of([self.event(name) for name in names]) if names else None
        params = self.params()
        prices = self.prices()
        markets = self.markets()
        has_horizon = any(isinstance(i, ast.Horizon) for s in self.contract.tree.sections for i in s.items)
        until_bounds = self.narrowed.get(("until", None))
        following = st.one_of(st.none(), st.none(), st.sampled_from(FOLLOWING_GAPS))
        # `generate EVENT.count from A to B`: so many more of them, after the others, in the order written
        counted = [(kind, self.event(kind), bounds) for (kind, field), bounds in self.narrowed.items()
                   if field == "count" and kind in self.contract.events
                   and "count" not in self.contract.events[kind].fields]

        @st.composite
        def draw_scenario(draw):
            chosen_params = draw(params)
            if self.choices.get(("until", None)):
                until = draw(st.sampled_from(self.choices[("until", None)]))
            elif until_bounds is not None:
                until = draw(st.dates(min_value=until_bounds[0], max_value=until_bounds[1]))
            elif has_horizon and draw(st.booleans()):
                until = None
            else:
                until = draw(st.dates(min_value=min(_moved(self.low, 60), self.high), max_value=self.high))
            events = draw(st.lists(any_event, max_size=max_events)) if names else []
            for kind, strategy, (fewest, most) in counted:
                events += [draw(strategy) for _ in range(draw(st.integers(int(fewest), int(most))))]
            # some events follow an earlier one by a span that terms count (the same day, the day after,
            # a period of days and the days around its end), so that deadlines are reached, not missed
            for position in range(1, len(events)):
                gap = draw(following)
                if gap is not None:
                    kind, _, fields = events[position]
                    when = min(_moved(events[position - 1][1], gap), self.high)
                    events[position] = (kind, when, fields)
            events.sort(key=lambda e: e[1])
            return Generated(until, chosen_params, draw(prices), events, draw(markets))

        return draw_scenario()


def _moved(day: date, days: int) -> date:
    """`day` moved by `days`, kept within the calendar (0001-01-01 to 9999-12-31): a contract's dates may
    lie near either end, and the days drawn around them must not fall off it."""
    return date.fromordinal(min(max(day.toordinal() + days, 1), date.max.toordinal()))


def _minutes_around(moment: time) -> list[time]:
    """A time and the minutes either side of it, within the day."""
    at = datetime.combine(date(2000, 1, 1), moment)
    return [t.time() for t in (at - timedelta(minutes=1), at, at + timedelta(minutes=1)) if t.date() == at.date()]


UNIFORM_DAYS = 20_000  # a span of dates up to this long is drawn from evenly (a list of its days)
FOLLOWING_GAPS = (0, 1, 2, 5, 9, 10, 11, 29, 30, 31, 32)  # days after the event before
NUMBER_FACTORS = tuple(Decimal(f) for f in ("0.5", "0.9", "1.1", "2", "0.25", "10"))  # times a default figure
WHOLE_FACTORS = tuple(Decimal(f) for f in ("2", "3", "10"))  # a count stays whole


def _round_figures(low: Decimal, high: Decimal) -> list[Decimal]:
    """1, 2 and 5 times the powers of ten within three orders of magnitude below high (and above low),
    largest first, then low itself: figures of the size the contract deals in, a dozen at most."""
    figures = []
    for exponent in range(high.adjusted(), high.adjusted() - 4, -1):
        figures += [m * Decimal(10) ** exponent for m in (5, 2, 1) if low < m * Decimal(10) ** exponent <= high]
    return figures + [low]


def _in_units(count: int, places: int) -> Decimal:
    """`count` units of the last of `places` decimal places (hundredths for 2), exactly, however large."""
    return Decimal(f"{count}E-{places}")
