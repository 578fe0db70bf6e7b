"""Evaluates a checked contract over a timeline of scheduled items and events.

Time runs forward (G6): on each date the contract's scheduled rules come first,
in the order they are written, then items that events scheduled (in the order
they were scheduled; a named one only while pending, not cancelled), then the
scenario's events in file order. An event's
handler runs as a transaction: a `require` that fails or a `reject` undoes
everything the handler did and leaves one rejection effect instead.

The interpreter knows no instrument. It knows dates, numbers with units,
accruals, price series, effects and the order of time.

Every run is bounded by a budget: at most STEP_BUDGET steps, a step being
a statement run or a list element visited, built, copied or compared, and no
list longer than LIST_BUDGET elements. Past either, the run stops with a
diagnostic at the statement or expression that went over, so no contract can
hang or exhaust memory, however it nests its loops.
"""

from __future__ import annotations

import heapq
import operator
from datetime import date, datetime, time, timedelta
from decimal import Decimal, localcontext
from fractions import Fraction

import attrs

from ..cache import collector_paused
from ..diagnostics import ContractError, Diagnostic, Span, closest
from ..language import ast
from ..language import types as T
from ..language.checked import CheckedContract
from ..language.reasons import read_reason
from ..stdlib import exact, rounding, schedules
from ..stdlib.accrual import Ledger, Settlement
from ..stdlib.prices import PriceSeries
from ..stdlib.schedules import MONTHS
from .builtins import BUILTIN_FUNCTIONS, PLAIN_FUNCTIONS
from .effects import DATE_TEXTS, Effect, Result, Step
from .explain import describe_event, formula, plain_number, plain_text
from .values import (CheckFailed, Deferred, EventRecord, Frame, Inputs, Pair, PreconditionFailed, Quote, Rejected,
                     ScheduledRuleName, Setting)

SCHEDULE_REACH = timedelta(days=400)  # open-ended schedules are laid out this far past the horizon
STEP_BUDGET = 10_000_000  # steps in one run: far above what any instrument needs, and seconds of time
LIST_BUDGET = 1_000_000  # elements in one list
EXPLANATION_LINES = 10_000  # lines one explanation keeps (each effect keeps a copy of its own)


# -------------------------------------------------------------- the run


class Run:
    def __init__(self, contract: CheckedContract, inputs: Inputs, explain: bool = False, keep_history: bool = False):
        self.contract = contract
        self.inputs = inputs
        self.keep_history = keep_history  # the state after each step, for examples and invariants (`history`)
        self.explain = explain  # explanations are built only when asked for: they are most of a run's work
        self.symbols = contract.symbols
        self.globals: dict[str, object] = {}
        self.state: dict[str, object] = {}
        self.ledgers: dict[str, Ledger] = {}
        self.ledger_bases: dict[str, list[str]] = {}
        self.rate_readers: dict[str, list[str]] = {}  # state -> the accruals whose rate reads it
        self.effects: list[Effect] = []
        self.markets: dict[str, PriceSeries] = {}
        self.timeline: list = []  # the contract's scheduled rules and the scenario's events, sorted once
        self.queue: list = []  # a heap of the items events schedule as the run goes
        self.scheduled_here: list[list] = []  # items scheduled inside each open transaction, pushed on success
        self.sequence = 0
        self.pending_items: dict[str, dict[int, date]] = {}  # named items not yet run: sequence -> date
        self.claimed: set[int] = set()
        self.claimed_order: list[int] = []  # the claimed events in the order claimed, so a rejection undoes its own
        self.pending_events: dict[date, list[EventRecord]] = {}
        self.history: list[tuple[date, dict]] = []
        self.assumption_table: dict[str, dict] = {}
        self.until: date = date.min
        self.steps_taken = 0  # against STEP_BUDGET
        self.steps_shown: dict[int, tuple[list, int]] = {}
        self.day_changes: tuple = (None, [])  # the day and moment, and what each of its rules changed
        self.order_warned: set = set()
        self.timed_days: dict[date, int] = {}  # the days with a scheduled item at a time of day: its first moment
        self.untimed_warned: set[str] = set()  # the event types said to run at the start of such a day
        self.moment = START_OF_DAY  # the time of day of the step being run, in seconds
        self.warnings: list[Diagnostic] = []
        self.values_before: dict[str, object] = {}  # what each state the rule running now changed was before it
        self.event_changes: dict[int, list] = {}  # event index -> the states its rule changed (name, before, after)  # explanation (by identity): how many steps are shown

    # --------------------------------------------------------- the budget
    def charge(self, steps: int, node: ast.Node, frame: Frame) -> None:
        """Count steps against the run's budget; the node that goes over it is where the run stops."""
        self.steps_taken += steps
        if self.steps_taken > STEP_BUDGET:
            raise ContractError(Diagnostic(
                f"this evaluation exceeds its budget of {STEP_BUDGET:,} steps in {frame.rule} ({frame.clause}); "
                "every run is bounded (a step is a statement run or a list element visited, built, copied or compared)",
                node.span, self.contract.text))

    def charge_list(self, length: int, node: ast.Node, frame: Frame) -> None:
        """Before a list of `length` elements is built: it may not exceed LIST_BUDGET, and each element is a step."""
        if length > LIST_BUDGET:
            raise ContractError(Diagnostic(
                f"this list would hold {length:,} elements, beyond the {LIST_BUDGET:,} a list may hold, "
                f"in {frame.rule} ({frame.clause}); every run is bounded", node.span, self.contract.text))
        self.charge(length, node, frame)

    def out_of_range(self, problem: ArithmeticError, node: ast.Node, frame: Frame) -> ContractError:
        return ContractError(Diagnostic(
            f"cannot compute this in {frame.rule} ({frame.clause}): the numbers are out of range "
            f"({type(problem).__name__})", node.span, self.contract.text))

    list_budget = LIST_BUDGET

    def diagnostic(self, message: str, node: ast.Node, frame: Frame) -> ContractError:
        """A problem the run meets at an expression, named with its rule and clause."""
        return ContractError(Diagnostic(f"{message}, in {frame.rule} ({frame.clause})", node.span, self.contract.text))

    def not_shown(self, what: str, span: Span | None, text: str | None) -> ContractError:
        """Money beyond what can be rounded to cents, found where a result shows it."""
        return ContractError(Diagnostic(f"cannot show {what} in cents: the amount is out of range", span, text))

    # --------------------------------------------------------- set-up
    def run(self) -> Result:
        self.open_markets()  # first: a default, the horizon or a state's first value may quote one
        self.bind_settings()
        self.globals.update(self.literal_terms())
        self.until = self.compute_until()
        constant_states = self.constant_states()
        for symbol in self.symbols_of("state"):
            if symbol.node.settable and symbol.name in self.inputs.params:
                self.state[symbol.name] = self.inputs.params[symbol.name].value
            elif symbol.name in constant_states:
                self.state[symbol.name] = constant_states[symbol.name]
            else:
                self.state[symbol.name] = self.evaluate(symbol.node.initial, self.global_frame(symbol.section))
        self.check_preconditions()
        self.open_ledgers()
        self.lay_out_timeline()
        self.process()
        return self.result()

    def open_markets(self) -> None:
        names = [s.name for s in self.symbols_of("market")]
        for name in names:  # `prices` is the series of a contract's single market
            given = self.inputs.markets.get(name)
            if given is None and len(names) == 1:
                given = self.inputs.prices
            self.markets[name] = PriceSeries(given or {})

    def symbols_of(self, *kinds: str) -> tuple:
        """The contract's symbols of those kinds, in the order declared: found once per contract, as every run asks."""
        key = ("symbols", kinds)
        found = self.contract.compiled.get(key)
        if found is None:
            found = self.contract.compiled[key] = tuple(s for s in self.symbols.values() if s.kind in kinds)
        return found

    def literal_defaults(self) -> dict:
        """The parameters and assumptions whose default the contract writes as a literal: its value, and an
        assumption's text as results show it. The same in every run, so found once per contract."""
        key = ("literal defaults",)
        found = self.contract.compiled.get(key)
        if found is None:
            found = {}
            for symbol in self.symbols_of("parameter", "assumption"):
                if type(symbol.node.default) in _LITERALS:
                    value = self.evaluate(symbol.node.default, self.global_frame(symbol.section))
                    try:
                        shown = self.text(value, symbol.type) if symbol.kind == "assumption" else None
                        found[symbol.name] = (value, shown)
                    except ArithmeticError:
                        continue  # beyond what can be shown: each run says so, as it would without this
            self.contract.compiled[key] = found
        return found

    def literal_terms(self) -> dict:
        """The terms the contract writes as a literal (a date, an amount, a rate, a text), with their values:
        the same in every run, so found once per contract, where each run would make a frame for each."""
        key = ("literal terms",)
        found = self.contract.compiled.get(key)
        if found is None:
            found = self.contract.compiled[key] = {
                symbol.name: self.evaluate(symbol.node.value, self.global_frame(symbol.section))
                for symbol in self.symbols_of("term") if type(symbol.node.value) in _LITERALS}
        return found

    def constant_states(self) -> dict:
        """The states whose first value the contract writes as a literal or an enumeration's member (`0 USD`,
        `outstanding`, `none`): the same in every run, so found once per contract, where each run would make a
        frame for each."""
        key = ("constant states",)
        found = self.contract.compiled.get(key)
        if found is None:
            found = self.contract.compiled[key] = {
                symbol.name: self.evaluate(symbol.node.initial, self.global_frame(symbol.section))
                for symbol in self.symbols_of("state") if _is_constant(symbol.node.initial, self.contract)}
        return found

    def set_up_value(self, node: ast.Expr, frame: Frame):
        """The value of an expression of the set-up (the horizon, a precondition, an accrual's fields, a rule's
        dates), kept per contract with the date and the settings it reads when it reads nothing else a run has
        (settings_read): the next run with the same ones takes it, its steps charged as the evaluation's were
        and the terms and schedules it found put in the run's globals, as if it had computed it again."""
        if type(node) is ast.Name and node.name in self.globals:  # found already: read, as cheap as a look-up
            return self.evaluate(node, frame)
        key = ("settings read", id(node))
        reads = self.contract.compiled[key] if key in self.contract.compiled else self.contract.compiled.setdefault(
            key, settings_read(node, self.contract))
        if reads is None:
            return self.evaluate(node, frame)
        settings = (frame.today, self.until) if not reads else settings_key(
            (frame.today, self.until, *map(self.globals.get, reads)))  # two dates compare exactly: no text needed
        kept = self.contract.compiled.get(("set-up value", id(node)))  # the last one: runs mostly repeat settings
        if kept is not None and kept[0] == settings and self.steps_taken + kept[2] <= STEP_BUDGET:
            _, value, steps, found = kept
            self.steps_taken += steps
            for name, global_value in found:  # a list a contract may read is each run's own, as every list is
                self.globals.setdefault(name, list(global_value) if type(global_value) is list else global_value)
            return value
        steps, known = self.steps_taken, len(self.globals)
        value = self.evaluate(node, frame)
        found = tuple(self.globals.items())[known:]  # a dict keeps its order: the names this evaluation found
        self.contract.compiled[("set-up value", id(node))] = (settings, value, self.steps_taken - steps, found)
        return value

    def global_frame(self, clause: str) -> Frame:
        return Frame(clause, None, self.until, [], {}, "the contract")

    def bind_settings(self) -> None:
        defaults = self.literal_defaults()
        for symbol in self.symbols_of("parameter", "assumption"):
            if symbol.kind == "parameter":
                node: ast.Parameter = symbol.node
                if symbol.name in self.inputs.params:
                    self.globals[symbol.name] = self.inputs.params[symbol.name].value
                elif symbol.name in defaults:
                    self.globals[symbol.name] = defaults[symbol.name][0]
                elif node.default is not None:
                    self.globals[symbol.name] = self.evaluate(node.default, self.global_frame(symbol.section))
                else:
                    where = Span(self.inputs.path, 1, 1) if self.inputs.path else node.span
                    raise ContractError(Diagnostic(
                        f"the contract needs parameter '{symbol.name}' ({symbol.type}): give it under [params] "
                        f"or with --set {symbol.name}=VALUE", where))
            else:
                node: ast.Assumption = symbol.node
                setting = self.inputs.assumptions.get(symbol.name)
                if setting is None and symbol.name in defaults:
                    self.globals[symbol.name], shown = defaults[symbol.name]
                    self.assumption_table[symbol.name] = {"value": shown, "source": "contract",
                                                          "clause": symbol.section}
                    continue
                if setting is None:
                    setting = Setting(self.evaluate(node.default, self.global_frame(symbol.section)), "contract")
                self.globals[symbol.name] = setting.value
                try:
                    shown = self.text(setting.value, symbol.type)
                except ArithmeticError:
                    from_scenario = setting.span is not None
                    raise self.not_shown(f"assumption '{symbol.name}'", setting.span if from_scenario else node.span,
                                         None if from_scenario else self.contract.text) from None
                self.assumption_table[symbol.name] = {
                    "value": shown,
                    "source": setting.source,
                    "clause": symbol.section,
                }
        for name in list(self.inputs.params) + list(self.inputs.assumptions):
            symbol = self.symbols.get(name)
            kind = "parameter" if name in self.inputs.params else "assumption"
            settable = symbol is not None and symbol.kind == "state" and symbol.node.settable
            if (symbol is None or symbol.kind != kind) and not (kind == "parameter" and settable):
                setting = (self.inputs.params.get(name) or self.inputs.assumptions.get(name))
                candidates = [s.name for s in self.symbols.values()
                              if s.kind == kind or (kind == "parameter" and s.kind == "state" and s.node.settable)]
                hint = closest(name, candidates)
                raise ContractError(Diagnostic(
                    f"the contract has no {kind} '{name}'" + (f"; did you mean '{hint}'?" if hint else "")
                    + (f" (its {kind}s: {', '.join(candidates)})" if candidates else f" (it has no {kind}s)"),
                    setting.span))

    def compute_until(self) -> date:
        if self.inputs.until is not None:
            return self.inputs.until
        for label, item in self.contract.items_of(ast.Horizon):
            return self.set_up_value(item.value, Frame(label, None, date.min, [], {}, "the horizon"))
        where = Span(self.inputs.path, 1, 1) if self.inputs.path else None
        raise ContractError(Diagnostic(
            "the scenario needs 'until' (the date to evaluate through): this contract has no horizon of its own", where))

    def check_preconditions(self) -> None:
        for label, item in self.contract.items_of(ast.Precondition):
            if not self.set_up_value(item.condition, self.global_frame(label)):
                span = item.span
                for name in ast.names_in(item.condition):
                    setting = self.inputs.params.get(name) or self.inputs.assumptions.get(name)
                    if setting is not None and setting.span is not None:
                        span = setting.span
                        break
                raise PreconditionFailed(Diagnostic(f"{item.reason} ({label})", span))

    def open_ledgers(self) -> None:
        for symbol in self.symbols_of("accrual"):
            frame = self.global_frame(symbol.section)
            key = ("accrual", symbol.name)  # its fields by name, and the names its rate reads: found once
            if key not in self.contract.compiled:
                fields = {f.name: f.value for f in symbol.node.fields}
                self.contract.compiled[key] = (fields, set(ast.names_in(fields["annual_rate"])))
            fields, rate_names = self.contract.compiled[key]
            base_name = fields["on"].name
            # the Ledger puts its boundaries in order
            boundaries = self.set_up_value(fields["boundaries"], frame) if "boundaries" in fields else []
            start = self.set_up_value(fields["start"], frame)
            self.ledgers[symbol.name] = Ledger(
                start=start,
                base=self.state[base_name],
                annual_rate=self.set_up_value(fields["annual_rate"], frame),
                day_count=self.set_up_value(fields["day_count"], frame),
                boundaries=boundaries,
                frequency=int(self.set_up_value(fields["frequency"], frame)) if "frequency" in fields else None,
                termination=self.set_up_value(fields["termination"], frame) if "termination" in fields else None,
            )
            self.ledger_bases.setdefault(base_name, []).append(symbol.name)
            for name in rate_names:  # a rate that follows a state changes with it
                if name in self.state:
                    self.rate_readers.setdefault(name, []).append(symbol.name)

    # --------------------------------------------------------- timeline
    def lay_out_timeline(self) -> None:
        append, until = self.timeline.append, self.until
        # on one date, scheduled rules keep the order they are written in
        for order, (label, item) in enumerate(self.contract.items_of(ast.OnEachRule, ast.OnDateRule)):
            frame = self.global_frame(label)
            if isinstance(item, ast.OnEachRule):
                # each once, in the order listed: a schedule is mostly in order, which the sort below then
                # merges as runs instead of sorting a set's order (n log n: a tenth more a date at 100,000 dates)
                dates = dict.fromkeys(self.set_up_value(item.dates, frame))
                self.charge(len(dates), item, frame)  # each date is an item of the timeline
            else:
                dates = {self.set_up_value(item.date, frame)}
            for when in dates:
                if type(when) is date:  # the usual case, without a call
                    if when <= until:
                        append((when, START_OF_DAY, 0, order, (label, item, when)))
                    continue
                day, moment = day_and_moment(when)
                if day <= until:
                    append((day, moment, 0, order, (label, item, when)))
                    self.timed_days.setdefault(day, moment)
        for bound in self.inputs.events:
            record = EventRecord(bound.type, bound.index, bound.date, bound.fields, bound.span)
            declaration: ast.EventDecl = self.symbols[bound.type].node
            if declaration.effective is not None:
                frame = self.global_frame(self.symbols[bound.type].section)
                frame.locals["date"] = bound.date
                effective = self.evaluate(declaration.effective, frame)
                if effective != bound.date:
                    record = attrs.evolve(record, date=effective, filed=bound.date)
            if record.date <= self.until:
                self.pending_events.setdefault(record.date, []).append(record)
        for when, records in self.pending_events.items():
            records.sort(key=lambda r: r.index)
            for record in records:
                time_field = self.contract.events[record.type].time_field
                moment = seconds_of(record.fields[time_field]) if time_field is not None else START_OF_DAY
                self.timeline.append((when, moment, 2, record.index, record))
        # once, in C: the run then takes them in order, with no heap (no two entries share a place, so
        # the comparison never reaches the items themselves)
        self.timeline.sort()

    def process(self) -> None:
        snapshots = self.contract.items_of(ast.Snapshot)
        timeline, position = self.timeline, 0
        while position < len(timeline) or self.queue:
            if self.queue and (position == len(timeline) or _PLACE(self.queue[0]) < _PLACE(timeline[position])):
                when, moment, phase, _, item = heapq.heappop(self.queue)
            else:
                when, moment, phase, _, item = timeline[position]
                position += 1
            self.moment = moment
            first_new = len(self.effects)
            if phase == 0:
                clause, rule, nominal = item
                # another scheduled rule of this moment follows directly in the timeline (items events
                # schedule run after every one of them): only one that does reads what this one changed
                followed = position < len(timeline) and timeline[position][:3] == (when, moment, 0)
                self.run_scheduled(rule, clause, nominal, followed)
            elif phase == 1:
                self.run_deferred(item, when)
            else:
                if item.index in self.claimed:
                    continue
                if moment == START_OF_DAY and when in self.timed_days:
                    self.untimed_event(item, self.timed_days[when])
                self.run_event(item)
            if snapshots and len(self.effects) > first_new:
                self.take_snapshot(snapshots, when, self.effects[first_new:])
            if self.keep_history:
                self.history.append((when, dict(self.state)))

    def take_snapshot(self, snapshots, when: date, effects) -> None:
        """The values a contract reports with each effect, as they stand after the step that made it."""
        values = {}
        for clause, item in snapshots:
            frame = Frame(clause, None, when, [], {}, "the snapshot")
            for entry in item.entries:
                value = self.evaluate(entry.value, frame)
                values[entry.name] = self.text(value, self.contract.type_of(entry.value))
        for effect in effects:
            effect.snapshot = values

    def untimed_event(self, record: EventRecord, first_timed: int) -> None:
        """An event without a time of day, on a day with a timed item: it runs at the start of the day, said once."""
        if record.type in self.untimed_warned:
            return
        self.untimed_warned.add(record.type)
        self.warnings.append(Diagnostic(
            f"{record.type} has no time of day (`event {record.type} at FIELD`), so on {record.date} it runs at the "
            f"start of the day, before the item scheduled at {time_of(first_timed).isoformat()}",
            self.symbols[record.type].node.span, self.contract.text, severity="warning"))

    def run_scheduled(self, rule, clause: str, when, followed: bool) -> None:
        nominal = when if type(when) is date else day_and_moment(when)[0]
        names = {rule.variable: when} if type(rule) is ast.OnEachRule else {}
        frame = Frame(clause, None, nominal, [], names, ScheduledRuleName((clause, when)))
        # only the moment being run is kept: rules at different times of a day run in the order of their times
        if self.day_changes[0] != (nominal, self.moment):
            self.day_changes = ((nominal, self.moment), [])
        earlier = self.day_changes[1]
        if earlier:
            reads = self.reads_of(rule)
            for other_clause, other_line, changed in earlier:
                if other_clause != clause and not reads.isdisjoint(changed):
                    self.same_day_order(rule, clause, nominal, other_clause, other_line, sorted(reads & changed), frame)
        self.values_before = before = {}
        body = self.contract.blocks.get(id(rule.body))
        (body or compiled_block(rule.body, self.contract))(self, frame)
        if before and followed:  # only a rule that set a state can have changed one, for a later rule to read
            changed = {name for name, value in before.items() if self.state[name] is not value}
            if changed:
                earlier.append((clause, rule.span.line if rule.span else 0, changed))

    def reads_of(self, rule) -> set[str]:
        """The states a scheduled rule reads (through the actions it performs too), found once."""
        key = ("reads", id(rule))
        if key not in self.contract.compiled:
            names, seen, pending = set(), set(), [rule]
            while pending:
                node = pending.pop()
                names.update(ast.names_in(node))
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Do) and inner.action not in seen:
                        seen.add(inner.action)
                        pending.append(self.symbols[inner.action].node)
            self.contract.compiled[key] = {n for n in names if n in self.state}
        return self.contract.compiled[key]

    def same_day_order(self, rule, clause: str, day: date, other_clause: str, other_line: int, names, frame) -> None:
        """Two rules of one day in different sections, the later reading what the earlier changed: said once
        as a warning, and in the explanation of that day."""
        listed = ", ".join(f"'{n}'" for n in names)
        message = (f"the rule of {clause} reads {listed}, which the rule of {other_clause} (line {other_line}) "
                   f"changed earlier on {day}: rules of one day run in the order they are written")
        if self.explain:
            frame.steps.append(Step(message, clause))
        pair = (clause, other_clause, tuple(names))
        if pair not in self.order_warned:
            self.order_warned.add(pair)
            self.warnings.append(Diagnostic(message, rule.span, self.contract.text, severity="warning"))

    def run_deferred(self, item: Deferred, when: date) -> None:
        if item.name is not None:
            pending = self.pending_items.get(item.name, {})
            if item.sequence not in pending:
                return  # cancelled before its date
            del pending[item.sequence]
        kept = item.frame
        frame = Frame(kept.clause, kept.cause, when, list(kept.steps), dict(kept.locals), kept.rule)
        self.transaction(lambda: self.execute(item.body, frame), frame, item.frame.cause)

    def run_event(self, record: EventRecord) -> None:
        handler = self.contract.handlers.get(record.type)
        if handler is None:
            return
        clause, rule = handler
        frame = Frame(clause, record, record.date, [], {rule.binder: record}, f"{record.type} (event {record.index})")
        if self.explain:
            try:
                frame.steps.append(Step(describe_event(record, self.contract), clause))
            except ArithmeticError:
                raise self.not_shown(f"event {record.index} ({record.type})", record.span, None) from None
        self.values_before = before = {}
        if self.transaction(lambda: self.execute(rule.body, frame), frame, record):
            changed = [(name, self.text(before[name], self.symbols[name].type),
                        self.text(value, self.symbols[name].type))
                       for name, value in self.state.items() if name in before and before[name] != value]
            if changed:
                self.event_changes[record.index] = changed

    def transaction(self, body, frame: Frame, cause: EventRecord | None) -> bool:
        """Run `body`; if the terms reject it, undo what it did and record the rejection.

        What is saved is small and bounded (state, ledgers, the splits of the price series);
        items the body schedules wait in a buffer, so the timeline itself is never copied."""
        saved = self.save()
        self.scheduled_here.append([])
        try:
            body()
        except Rejected as rejection:
            self.scheduled_here.pop()
            self.restore(saved)
            self.effects.append(Effect(frame.today, "rejection", rejection.clause, cause.index if cause else None,
                                       {"event": cause.type if cause else "scheduled item", "reason": rejection.reason},
                                       tuple(frame.steps), time=time_of(self.moment)))
            return False
        for item in self.scheduled_here.pop():
            self.schedule(*item)
        return True

    def schedule(self, when: date, moment: int, item: Deferred) -> None:
        """Put an item scheduled by an event on the timeline (after the transaction succeeds)."""
        if self.scheduled_here:
            self.scheduled_here[-1].append((when, moment, item))
            return
        heapq.heappush(self.queue, (when, moment, 1, item.sequence, item))

    def save(self):
        return (dict(self.state), {n: l.checkpoint() for n, l in self.ledgers.items()},
                {n: m.copy() for n, m in self.markets.items()},
                len(self.effects), len(self.claimed_order), {n: dict(p) for n, p in self.pending_items.items()})

    def restore(self, saved) -> None:
        state, ledgers, market, effects, claimed, pending_items = saved
        self.state, self.markets = state, market
        for name, checkpoint in ledgers.items():
            self.ledgers[name].rollback(checkpoint)
        del self.effects[effects:]
        for index in self.claimed_order[claimed:]:
            self.claimed.discard(index)
        del self.claimed_order[claimed:]
        self.pending_items = pending_items

    # --------------------------------------------------------- statements
    def execute(self, statements, frame: Frame) -> None:
        """Run a block of statements: compiled once per checked contract (compiled_block), then called."""
        block = self.contract.blocks.get(id(statements)) if type(statements) is tuple else None
        if block is None:
            block = compiled_block(statements, self.contract)
        block(self, frame)

    def step(self, frame: Frame, name: str, node: ast.Expr, value, note: str = "") -> None:
        """One line of explanation: a name, the formula that gave it, its value."""
        if not self.explain or not self.explanation_has_room(frame):
            return
        shown = self.show(value, node)
        formulas = self.contract.formulas
        written = formulas[id(node)] if id(node) in formulas else formulas.setdefault(id(node), formula(node))
        text = f"{name} = {shown}" if written in (None, shown) else f"{name} = {written} = {shown}"
        frame.steps.append(Step(text + note, frame.clause))

    def explanation_has_room(self, frame: Frame) -> bool:
        """Whether the frame's explanation takes another line; when it first does not, it says so.

        A loop that runs a million statements explains them all no more than a run's memory allows."""
        if not self.explain:
            return False
        if len(frame.steps) < EXPLANATION_LINES:
            return True
        if len(frame.steps) == EXPLANATION_LINES:
            frame.steps.append(Step(f"… later steps are not shown: an explanation keeps {EXPLANATION_LINES:,} lines",
                                    frame.clause))
        return False

    def assign(self, name: str, value, frame: Frame, effective: date | None = None) -> None:
        before = self.state[name]
        if name not in self.values_before:
            self.values_before[name] = before
        self.state[name] = value
        for ledger_name in self.ledger_bases.get(name, ()):
            self.ledgers[ledger_name].change_base(effective or frame.today, exact.subtract(value, before))
        for ledger_name in self.rate_readers.get(name, ()):
            symbol = self.symbols[ledger_name]
            rate = next(f.value for f in symbol.node.fields if f.name == "annual_rate")
            self.ledgers[ledger_name].change_rate(effective or frame.today,
                                                  self.evaluate(rate, self.global_frame(symbol.section)))

    def currency_code(self, currency: str) -> str:
        """The code results show for a currency: its own name, or a template's code parameter."""
        code = self.contract.currency_code_parameters.get(currency)
        return self.globals[code] if code is not None else currency

    def s_defer(self, node: ast.Defer, frame: Frame) -> None:
        when, moment = day_and_moment(self.evaluate(node.date, frame))
        if when == frame.today and moment != START_OF_DAY and moment < self.moment:
            raise ContractError(Diagnostic(
                f"an item cannot be scheduled for {time_of(moment).isoformat()} on {when}, before the moment it is "
                f"scheduled at ({time_of(self.moment).isoformat()}), in {frame.rule} ({frame.clause})",
                node.date.span, self.contract.text))
        if when < frame.today:
            raise ContractError(Diagnostic(
                f"an item cannot be scheduled for {when}, before the day it is scheduled on ({frame.today}), "
                f"in {frame.rule} ({frame.clause})", node.date.span, self.contract.text))
        self.sequence += 1
        if node.name is not None:  # pending from now on, even when its date is past the horizon
            self.pending_items.setdefault(node.name, {})[self.sequence] = when
        if when <= self.until:
            if moment != START_OF_DAY:
                self.timed_days.setdefault(when, moment)
            self.charge(len(frame.steps), node, frame)  # the item keeps a copy of the explanation so far
            self.schedule(when, moment, Deferred(node.body, frame.child(steps=list(frame.steps)), self.sequence, node.name))

    def s_cancel(self, node: ast.Cancel, frame: Frame) -> None:
        cancelled = self.pending_items.pop(node.name, {})
        if cancelled and self.explanation_has_room(frame):
            dates = ", ".join(sorted({d.isoformat() for d in cancelled.values()}))
            frame.steps.append(Step(f"cancelled {len(cancelled)} pending {node.name} (due {dates})", frame.clause))

    def pending(self, name: str) -> list[date]:
        """The dates of the pending items of that name, earliest first."""
        return sorted(self.pending_items.get(name, {}).values())

    def s_stop(self, node: ast.Stop, frame: Frame) -> None:
        self.ledgers[node.accrual].stop(frame.today)

    def s_rebase(self, node: ast.Rebase, frame: Frame) -> None:
        ratio = self.evaluate(node.ratio, frame)
        self.markets[node.market].rebase(frame.today, ratio)
        if self.explanation_has_room(frame):
            frame.steps.append(Step(f"closing prices before {frame.today} are divided by {plain_number(ratio)}", frame.clause))

    def emit(self, node: ast.Statement, frame: Frame, kind: str, details: dict, when: date | None = None,
             extra=()) -> None:
        """An effect, with the steps of its rule since the rule's previous effect: each step is shown once."""
        cause = frame.cause.index if frame.cause is not None else None
        moment = self.moment
        at = None if moment == START_OF_DAY or (when is not None and when != frame.today) else time_of(moment)
        if not self.explain:
            self.effects.append(Effect(when or frame.today, kind, frame.clause, cause, details, (), None, at))
            return
        shown = self.steps_shown.get(id(frame.steps), (None, 0))[1]
        self.charge(len(frame.steps) - shown, node, frame)  # every effect keeps a copy of its new steps
        self.steps_shown[id(frame.steps)] = (frame.steps, len(frame.steps))  # held, so that its id stays its own
        self.effects.append(Effect(when or frame.today, kind, frame.clause, cause, details,
                                   tuple(frame.steps[shown:]) + tuple(extra), time=at))

    # --------------------------------------------------------- expressions
    def evaluate(self, node: ast.Expr, frame: Frame):
        """The value of an expression; a date or number beyond range is a diagnostic at the innermost node.

        Each expression is compiled once per checked contract into a closure (compiled_expression),
        so that a run does no dispatch on node types."""
        compiled = self.contract.compiled.get(id(node))
        if compiled is None:
            compiled = compiled_expression(node, self.contract)
        return compiled(self, frame)

    def outside_calendar(self, problem, node: ast.Node, frame: Frame) -> ContractError:
        return ContractError(Diagnostic(f"{problem}, in {frame.rule} ({frame.clause})", node.span, self.contract.text))

    def global_value(self, symbol):
        if symbol.name in self.globals:
            return self.globals[symbol.name]
        value = self.evaluate(symbol.node.value, self.global_frame(symbol.section))
        if symbol.kind != "report":
            self.globals[symbol.name] = value
        return value

    def e_every(self, node: ast.Every, frame):
        start = self.evaluate(node.start, frame)
        end = self.evaluate(node.end, frame) if node.end is not None else None
        # laid out this far past the horizon, but never past the calendar's last day
        limit = self.until + SCHEDULE_REACH if self.until <= date.max - SCHEDULE_REACH else date.max
        years = schedules.last_scheduled(end, limit).year - start.year + 1
        self.charge(max(years, 0) * len(node.month_days), node, frame)  # each month-day of each year is looked at
        # the same schedule is laid out in every run of a contract: the last one is kept, by its node
        key = ("every", id(node))
        laid_out = self.contract.compiled.get(key)
        if laid_out is None or laid_out[0] != (start, end, limit):
            pairs = [(MONTHS[md.month], int(md.day)) for md in node.month_days]
            laid_out = self.contract.compiled[key] = ((start, end, limit), schedules.recurring(pairs, start, end, limit))
        dates = list(laid_out[1])  # a copy: the kept one is never handed to a contract
        self.charge_list(len(dates), node, frame)
        return dates

    def combine(self, op: str, left, right, node: ast.Binary, frame: Frame):
        """An operator applied to the values of its two sides, past the usual case its compiled closure takes
        (two decimals, two values of one kind compared); the logical ones are not: they short-circuit."""
        if op == "+":
            if isinstance(left, date):
                return schedules.add_days(left, right)
            if isinstance(right, date):
                return schedules.add_days(right, left)
            if isinstance(left, list):
                self.charge_list(len(left) + len(right), node, frame)
                return left + right
            return exact.add(left, right)
        if op == "-":
            if isinstance(left, date) and isinstance(right, date):
                return (left - right).days
            if isinstance(left, date):
                return schedules.add_days(left, exact.negate(right))
            return exact.subtract(left, right)
        if op == "*":
            return exact.multiply(left, right)
        if op == "/":
            if right == 0:
                raise ContractError(Diagnostic(f"division by zero in {frame.rule} ({frame.clause})", node.span,
                                               self.contract.text))
            return exact.divide(left, right)  # exact: a Fraction when it does not terminate
        if op == "in":
            self.charge(len(right), node, frame)
            return left in right
        if isinstance(left, list):  # == or != compares element by element
            self.charge(len(left) + len(right), node, frame)
        elif (type(left) is Fraction or type(right) is Fraction) and exact.are_numbers(left, right):
            return _ORDERS[op](exact.compare(left, right))  # exactly, and faster than mixed operators
        if op == "==":
            return left == right
        if op == "!=":
            return left != right
        if op == "<":
            return left < right
        if op == "<=":
            return left <= right
        if op == ">":
            return left > right
        if op == ">=":
            return left >= right
        raise AssertionError(op)  # pragma: no cover

    # --------------------------------------------------------- library calls
    def named(self, node: ast.Call, frame) -> dict:
        return {name: value(self, frame) for name, value in compiled_arguments(node, self.contract)[1]}

    def positional(self, node: ast.Call, frame) -> list:
        return [value(self, frame) for value in compiled_arguments(node, self.contract)[0]]

    def accrual_call(self, node: ast.Call, frame, settle: bool, arguments: tuple | None = None):
        """accrued() or settle(); `arguments`, the call's named arguments' (name, closure), where the caller has them."""
        try:
            named = {}
            for name, value in arguments or compiled_arguments(node, self.contract)[1]:  # without a comprehension
                named[name] = value(self, frame)
            return self.accrual_query(node, frame, settle, named)
        except schedules.OutsideCalendar:
            raise  # a date past the calendar: said at its expression, as everywhere
        except ValueError as problem:  # a day count without what it needs (actual/actual ICMA without frequency:)
            raise self.accrual_failed(problem, node, frame) from None

    def accrual_failed(self, problem: ValueError, node: ast.Call, frame) -> ContractError:
        return self.diagnostic(f"accrual '{node.arguments[0].value.name}': {problem}", node, frame)

    def accrual_query(self, node: ast.Call, frame, settle: bool, named: dict):
        ledger = self.ledgers[node.arguments[0].value.name]
        end = named["before"] if "before" in named else schedules.add_days(named["through"], 1)
        if settle and "up_to" in named:
            if exact.compare(named["up_to"], 0) < 0:
                raise ContractError(Diagnostic(
                    f"settle() cannot settle a negative amount ({plain_number(named['up_to'])}), in "
                    f"{frame.rule} ({frame.clause})", node.span, self.contract.text))
            portion = named.get("on")
            looked_through = ledger.entries if portion is None else 0  # counted before it settles
            return self.settled(ledger.settle_at_most(end, named["up_to"], portion), looked_through, ledger, node,
                                frame)
        return self.ledger_query(ledger, end, named.get("on"), settle, node, frame)

    def ledger_query(self, ledger: Ledger, end: date, portion, settle: bool, node: ast.Call, frame):
        """settle() or accrued() of one ledger before `end` (of a portion of its base, or all of it), its steps
        charged: a query of the whole base looks through the changes and portions not yet settled, one of a
        part of it (on:) only through the spans of the schedule."""
        looked_through = ledger.entries if portion is None else 0
        if settle:
            return self.settled(ledger.settle(end, portion), looked_through, ledger, node, frame)
        accrued = ledger.accrued(end, portion)
        self.charge(looked_through + len(accrued.pieces), node, frame)
        return accrued.amount

    def settled(self, settled: Settlement, looked_through: int, ledger: Ledger, node: ast.Call, frame) -> Settlement:
        self.steps_taken += looked_through + len(settled.pieces)
        if self.steps_taken > STEP_BUDGET:
            self.charge(0, node, frame)  # says where the run went over its budget
        if self.explain and self.explanation_has_room(frame):
            frame.steps.extend(self.piece_steps(settled, ledger, frame.clause))
        return settled

    def quote(self, node: ast.Call, frame, strictly_before: bool) -> Quote:
        positional = [a for a in node.arguments if a.name is None]
        name = positional[0].value.name
        when = self.evaluate(positional[1].value, frame)
        within = self.named(node, frame).get("within")
        market = self.markets[name]
        self.charge(market.split_count, node, frame)  # a look-up applies every split recorded
        found = market.before(when) if strictly_before else market.on_or_before(when)
        relation = "before" if strictly_before else "on or before"
        if found is None:
            needed = f"{frame.rule}, {frame.clause}"
            span = frame.cause.span if frame.cause is not None and frame.cause.span is not None else node.span
            text = None if frame.cause is not None and frame.cause.span is not None else self.contract.text
            source = "the scenario's prices" if len(self.markets) == 1 else f"market '{name}'"
            raise ContractError(Diagnostic(
                f"no closing price {relation} {when.isoformat()} in {source}, needed by {needed}", span, text))
        trading_day, price = found
        if within is not None and (when - trading_day).days > within:
            raise ContractError(Diagnostic(
                f"the latest value of market '{name}' {relation} {when.isoformat()} is of {trading_day.isoformat()}, "
                f"more than {within} days before, needed by {frame.rule}, {frame.clause}", node.span, self.contract.text))
        return Quote(price, trading_day)

    def show(self, value, node: ast.Expr) -> str:
        type_ = self.contract.types.get(id(node))
        if isinstance(value, Settlement):
            span = f" for [{value.period[0]}, {value.period[1]})" if value.period else " (no days)"
            return f"{plain_number(value.amount)}{span}"
        if isinstance(value, Quote):
            return f"{plain_number(value.price)} (closing price of {value.date})"
        if (isinstance(value, Decimal) or type(value) is Fraction) and isinstance(type_, T.Number) and not type_.unit.is_plain:
            if (type_.unit.single_base() in self.contract.currencies and isinstance(value, Decimal)
                    and value.normalize(exact.EXACT).as_tuple().exponent >= -2):
                return f"{value.quantize(Decimal('0.01'), context=exact.EXACT)} {type_.unit}"  # money shows its cents, exactly
            return f"{plain_number(value)} {type_.unit}"
        return self.text(value, type_)

    def text(self, value, type_) -> str:
        return plain_text(value, type_, self.contract.currencies)

    def piece_steps(self, settlement: Settlement, ledger: Ledger, clause: str) -> list[Step]:
        """How a settled accrual was computed: base × rate × days / basis, span by span."""
        steps = []
        for piece in settlement.pieces:
            fraction = piece.fraction
            if ledger.day_count in ("actual/365", "actual/360", "30/360"):
                basis = 365 if ledger.day_count == "actual/365" else 360
                days = fraction * basis
                shown = f"{days.numerator if days.denominator == 1 else days}/{basis}"
            else:
                shown = f"{fraction.numerator}/{fraction.denominator}"
            steps.append(Step(
                f"  {plain_number(piece.base)} × {plain_number(exact.multiply(piece.rate, Decimal(100)))}% × {shown}"
                f" ({ledger.day_count})"
                f" over [{piece.start}, {piece.end}) = {plain_number(piece.amount)}", clause))
        return steps

    # --------------------------------------------------------- the result
    def result(self) -> Result:
        self.effects.sort(key=_EFFECT_DATE)  # stable: same-day effects keep the order they took place in
        state = {}
        for label, item in self.contract.items_of(ast.StateDecl, ast.Report):
            if type(item) is ast.StateDecl:
                if not item.private:
                    value = self.state[item.name]
                    if value is not None:
                        state[item.name] = self.shown_at_end(value, self.symbols[item.name].type, "state", item)
            else:
                value = self.evaluate(item.value, self.global_frame(label))
                state[item.name] = self.shown_at_end(value, self.contract.type_of(item.value), "report", item)
        result = Result(self.contract.title, self.until, self.assumption_table, self.effects, state)
        result.warnings = self.warnings
        result.event_changes = self.event_changes
        # which currency each money state is in
        if len(self.contract.currencies) > 1 or self.contract.currency_code_parameters:
            for name in state:
                symbol = self.symbols.get(name)
                type_ = symbol.type if symbol is not None and symbol.kind == "state" else None
                type_ = type_.inner if isinstance(type_, T.Optional) else type_
                if isinstance(type_, T.Number) and type_.unit.single_base() in self.contract.currencies:
                    result.currencies[name] = self.currency_code(type_.unit.single_base())
        return result

    def shown_at_end(self, value, type_, kind: str, item: ast.StateDecl | ast.Report) -> str:
        try:
            return self.text(value, type_)
        except ArithmeticError:
            raise self.not_shown(f"{kind} '{item.name}'", item.span, self.contract.text) from None


_EFFECT_DATE = operator.attrgetter("date")  # the sort key of the effects, without a Python call for each


def _PLACE(entry):
    """Where an entry of the timeline stands: its date, its time of day, its phase, its order in the phase."""
    return entry[:4]


START_OF_DAY = -1  # the moment of an item or event without a time of day: before any time of that day


def seconds_of(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def time_of(moment: int) -> time | None:
    """The time of day of a moment in seconds; None at the start of the day (no time of day)."""
    if moment == START_OF_DAY:
        return None
    return time(moment // 3600, moment // 60 % 60, moment % 60)


def day_and_moment(when: date) -> tuple[date, int]:
    """The date a scheduled item runs on, and its time of day in seconds (START_OF_DAY for a plain date)."""
    if isinstance(when, datetime):
        return when.date(), seconds_of(when.time())
    return when, START_OF_DAY


_DECIMAL_OPERATIONS = {"+": exact.EXACT.add, "-": exact.EXACT.subtract, "*": exact.EXACT.multiply}
_COMPARISONS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
                ">=": operator.ge}
_COMPARED_DIRECTLY = frozenset((Decimal, date, str, bool, int))  # two of one kind: compared as Python does
_EXACT_OPERATIONS = {"+": exact.add, "-": exact.subtract, "*": exact.multiply}
_NUMBERS = frozenset((Decimal, Fraction, int))
_ORDERS = {
    "==": lambda order: order == 0, "!=": lambda order: order != 0, "<": lambda order: order < 0,
    "<=": lambda order: order <= 0, ">": lambda order: order > 0, ">=": lambda order: order >= 0,
}

_STATEMENTS = {  # statements the run performs through its own methods (compiled_statement calls them)
    ast.Defer: Run.s_defer, ast.Cancel: Run.s_cancel, ast.Stop: Run.s_stop, ast.Rebase: Run.s_rebase,
}

_EXPRESSIONS = {  # expressions the run computes through its own methods (compile_expression calls them)
    ast.Every: Run.e_every,
}


def field_of(subject, name: str):
    """A field of a value: an event's, a quote's, a settlement's, a pair's or a period's."""
    reader = _FIELD_READERS.get(type(subject))
    if reader is not None:
        return reader(subject, name)
    if subject is None and name in ("start", "end"):
        return None
    return getattr(subject, name)


def _event_field(subject: EventRecord, name: str):
    if name == "date":
        return subject.date
    if name == "filed":  # the scenario's date, before `effective` moved it
        return subject.filed or subject.date
    if name == "index":
        return Decimal(subject.index)
    return subject.fields[name]


def _period_field(subject: tuple, name: str):
    if len(subject) == 2:
        return subject[0] if name == "start" else subject[1]
    return getattr(subject, name)


_FIELD_READERS = {  # by the kind of value: one look-up, not a test of each kind in turn
    EventRecord: _event_field,
    Quote: getattr,
    Settlement: lambda subject, name: subject.amount if name == "amount" else subject.period,
    Pair: lambda subject, name: subject.first if name == "first" else subject.second,
    datetime: lambda subject, name: subject.date() if name == "date" else subject.time(),
    tuple: _period_field,
}


# -------------------------------------------------------------- compiled statements


def compiled_block(statements, contract: CheckedContract):
    """A block of statements as one closure `(run, frame) -> None`, made once per checked contract.

    Each statement is charged one step before it runs (the budget stops the run at the statement
    that goes over it), and a number out of range in its own work, outside any expression, is
    reported at that statement."""
    kept = type(statements) is tuple  # a block of the tree, kept by its id; a list a caller made is not kept
    found = contract.blocks.get(id(statements)) if kept else None
    if found is not None:
        return found
    # a `let` (the most frequent statement) is run by the block itself where nothing is explained: its value
    # stored under its name, which is all its closure does then, without the closure's call
    compiled = tuple((statement, compiled_statement(statement, contract),
                      statement.name if type(statement) is ast.Let else None,
                      compiled_expression(statement.value, contract) if type(statement) is ast.Let else None)
                     for statement in statements)

    def block(run, frame):
        for statement, perform, let_name, let_value in compiled:
            run.steps_taken += 1
            if run.steps_taken > STEP_BUDGET:
                run.charge(0, statement, frame)  # says where the run went over its budget
            try:
                if let_name is not None and not run.explain:
                    frame.locals[let_name] = let_value(run, frame)
                else:
                    perform(run, frame)
            except ArithmeticError as problem:
                raise run.out_of_range(problem, statement, frame) from None

    if kept:
        block.statements = statements  # held, so that the block's id stays its own while the contract lives
        contract.blocks[id(statements)] = block
    return block


def compiled_statement(node: ast.Statement, contract: CheckedContract):
    """One statement as a closure `(run, frame) -> None`: its expressions compiled, its nested blocks too."""
    compiler = _STATEMENT_COMPILERS.get(type(node))
    if compiler is not None:
        return compiler(node, contract)
    method = _STATEMENTS[type(node)]
    return lambda run, frame: method(run, node, frame)


def _options(node, contract: CheckedContract):
    """A statement's options (`due D, on D2`) as (name, closure) pairs, evaluated in the order written."""
    return tuple((option.name, compiled_expression(option.value, contract)) for option in node.options)


def _compile_let(node: ast.Let, contract: CheckedContract):
    value, name, written = compiled_expression(node.value, contract), node.name, node.value

    def let(run, frame):
        result = frame.locals[name] = value(run, frame)
        if run.explain:
            run.step(frame, name, written, result)
    return let


def _compile_set(node: ast.SetState, contract: CheckedContract):
    value, name, written = compiled_expression(node.value, contract), node.name, node.value
    effective = compiled_expression(node.effective, contract) if node.effective is not None else None

    def set_state(run, frame):
        result = value(run, frame)
        from_day = effective(run, frame) if effective is not None else None
        if run.explain:
            run.step(frame, name, written, result, f" (for accruals from {from_day})" if from_day else "")
        run.assign(name, result, frame, from_day)
    return set_state


def _compile_adjust(node: ast.Adjust, contract: CheckedContract):
    value, name, written = compiled_expression(node.value, contract), node.name, node.value
    type_ = contract.symbols[name].type

    def adjust(run, frame):
        before = run.state[name]
        after = value(run, frame)
        if run.explain:
            run.step(frame, name, written, after)
        run.assign(name, after, frame)
        if before != after:
            run.emit(node, frame, "adjustment", {"name": name, "before": run.text(before, type_),
                                                 "after": run.text(after, type_)})
    return adjust


def _compile_record(node: ast.Record, contract: CheckedContract):
    value, name, options = compiled_expression(node.value, contract), node.name, _options(node, contract)
    symbol = contract.symbols.get(name)
    is_state = symbol is not None and symbol.kind == "state"
    type_ = symbol.type if is_state else contract.type_of(node.value)
    money = isinstance(type_, T.Number) and type_.unit.single_base() in contract.currencies

    def record(run, frame):
        result = value(run, frame)
        if is_state:
            run.assign(name, result, frame)
        given = {option: compute(run, frame) for option, compute in options}
        on = given.get("on", frame.today)
        due = given.get("due")
        details = {"name": name, "value": run.text(result, type_)}
        if money:
            details["amount"] = details["value"]  # a status that records money: its amount, for examples and invariants
        if due is not None and due != on:
            details["due"] = due.isoformat()
        run.emit(node, frame, "status", details, when=on)
    return record


_PAYMENT_ROUNDING = {"cents": "rounded to cents, half up", "cents down": "rounded down to cents",
                     "cents half even": "rounded to cents, half even", "exact": "exactly, not rounded"}


def _compile_pay(node: ast.Pay, contract: CheckedContract):
    amount_of, options = compiled_expression(node.amount, contract), _options(node, contract)
    payer, payee = compiled_expression(node.payer, contract), compiled_expression(node.payee, contract)
    purpose = node.purpose
    type_ = contract.type_of(node.amount)
    currency = (type_.amount if isinstance(type_, T.Accrued) else type_).unit.single_base()
    code = contract.currency_code_parameters.get(currency)

    def pay(run, frame):
        amount = amount_of(run, frame)
        period = None
        if isinstance(amount, Settlement):
            period, amount = amount.period, amount.amount
        given = {}
        for option, compute in options:  # in the order written, without a comprehension's call
            given[option] = compute(run, frame)
        period = given.get("period", period)
        settlement = given.get("rounding", "cents")
        paid = rounding.cents(amount) if settlement == "cents" else rounding.settle_amount(amount, settlement)
        if not paid and not given.get("even_when_zero", False):
            return
        on = given.get("on", frame.today)
        due = given.get("due")
        shown_currency = run.globals[code] if code is not None else currency  # a template's code parameter
        details = {
            "payer": payer(run, frame),
            "payee": payee(run, frame),
            # in cents, the amount has two places: str() writes them as the format .2f does, and faster
            "amount": str(paid) if settlement != "exact" else plain_number(paid),
            "currency": shown_currency,
            "purpose": purpose,
            "due": DATE_TEXTS[due] if due is not None and due != on else None,
            "period": [DATE_TEXTS[period[0]], DATE_TEXTS[period[1]]] if period else None,
        }
        if not run.explain and run.moment == START_OF_DAY:  # what emit makes of it, without its call
            run.effects.append(Effect(on or frame.today, "payment", frame.clause,
                                      frame.cause.index if frame.cause is not None else None, details, (), None, None))
            return
        extra = ()
        if run.explain:
            extra = [Step(f"paid {details['amount']} {shown_currency} as {purpose}: {plain_number(amount)} "
                          f"{_PAYMENT_ROUNDING[settlement]}", frame.clause)]
        run.emit(node, frame, "payment", details, on, extra)  # by position: a call with keywords costs more
    return pay


def _compile_issue(node: ast.Issue, contract: CheckedContract):
    quantity_of, options = compiled_expression(node.quantity, contract), _options(node, contract)
    recipient, security = compiled_expression(node.recipient, contract), compiled_expression(node.security, contract)

    def issue(run, frame):
        quantity = quantity_of(run, frame)
        given = {option: compute(run, frame) for option, compute in options}
        price = given.get("price")
        price_date = given.get("price_date")
        if isinstance(price, Quote):
            price, price_date = price.price, price_date or price.date
        if quantity == 0:
            return
        details = {
            "recipient": recipient(run, frame),
            "security": security(run, frame),
            "quantity": plain_number(quantity),
            "price": plain_number(price) if price is not None else None,
            "price_date": price_date.isoformat() if price_date is not None else None,
        }
        run.emit(node, frame, "issue", details)
    return issue


def _compile_votes(node: ast.Votes, contract: CheckedContract):
    holder, quantity = compiled_expression(node.holder, contract), compiled_expression(node.quantity, contract)

    def votes(run, frame):
        run.emit(node, frame, "votes", {"holder": holder(run, frame),
                                        "quantity": plain_number(quantity(run, frame))})
    return votes


def _compile_reject(node: ast.Reject, contract: CheckedContract):
    reason = _compiled_reason(node, contract)

    def reject(run, frame):
        raise Rejected(reason(run, frame), frame.clause)
    return reject


def _compile_require(node: ast.Require, contract: CheckedContract):
    condition, reason = compiled_expression(node.condition, contract), _compiled_reason(node, contract)

    def require(run, frame):
        if not condition(run, frame):
            raise Rejected(reason(run, frame), frame.clause)
    return require


def _compiled_reason(node: ast.Reject | ast.Require, contract: CheckedContract):
    """A rejection's reason as a closure: its text with each `{NAME}` or `{NAME.FIELD}` written as the results
    write that value, when the rule runs (language/reasons.py)."""
    pieces = read_reason(node.reason)[0]
    if not node.references:
        text = pieces[0]  # `{{` and `}}` read as braces
        return lambda run, frame: text
    values = tuple((compiled_expression(reference, contract), contract.types.get(id(reference)))
                   for reference in node.references)
    currencies = contract.currencies

    def reason(run, frame):
        written = [pieces[0]]
        for (value, type_), piece in zip(values, pieces[1:]):
            written += (plain_text(value(run, frame), type_, currencies), piece)
        return "".join(written)
    return reason


def _compile_check(node: ast.Check, contract: CheckedContract):
    condition, message = compiled_expression(node.condition, contract), node.message

    def check(run, frame):
        if not condition(run, frame):
            raise CheckFailed(message, frame.clause)
    return check


def _compile_if(node: ast.If, contract: CheckedContract):
    branches = tuple((compiled_expression(condition, contract), compiled_block(body, contract))
                     for condition, body in node.branches)
    otherwise = compiled_block(node.otherwise, contract) if node.otherwise is not None else None

    # a branch runs in its rule's frame: the checker lets no name be defined twice in a scope or its
    # enclosing ones, so what a branch defines is never read after it, and a copy of the names is not needed
    def if_statement(run, frame):
        for condition, body in branches:
            if condition(run, frame):
                body(run, frame)
                return
        if otherwise is not None:
            otherwise(run, frame)
    return if_statement


def _compile_cite(node: ast.Cite, contract: CheckedContract):
    body, section = compiled_block(node.body, contract), node.section

    def cite(run, frame):  # shares locals and steps: citing is not scoping
        body(run, Frame(section, frame.cause, frame.today, frame.steps, frame.locals, frame.rule))
    return cite


def _compile_do(node: ast.Do, contract: CheckedContract):
    action: ast.Action = contract.symbols[node.action].node
    arguments = tuple(compiled_expression(argument, contract) for argument in node.arguments)
    names = tuple(parameter.name for parameter in action.parameters)
    body = compiled_block(action.body, contract)

    def do(run, frame):
        values = [argument(run, frame) for argument in arguments]
        body(run, Frame(frame.clause, frame.cause, frame.today, frame.steps, dict(zip(names, values)), frame.rule))
    return do


def _compile_for(node: ast.ForEach, contract: CheckedContract):
    source, variable = compiled_expression(node.source, contract), node.variable
    body = compiled_block(node.body, contract)

    def for_each(run, frame):
        values = source(run, frame)
        run.charge(len(values), node, frame)
        for value in values:
            inner = frame.child()
            inner.locals[variable] = value
            body(run, inner)
    return for_each


def _compile_claim(node: ast.Claim, contract: CheckedContract):
    event, binder, body = node.event, node.binder, compiled_block(node.body, contract)
    otherwise = compiled_block(node.otherwise, contract) if node.otherwise is not None else None

    def claim(run, frame):
        rejections = []  # a rejected event changes nothing (G9): the next one of its type on the day is tried
        for record in run.pending_events.get(frame.today, ()):
            if record.type == event and record.index not in run.claimed:
                run.charge(len(frame.steps), node, frame)  # the event's explanation starts with a copy of this one
                run.claimed.add(record.index)
                run.claimed_order.append(record.index)
                inner = Frame(frame.clause, record, frame.today, list(frame.steps), {**frame.locals, binder: record},
                              f"{record.type} (event {record.index})")
                if run.explain:
                    inner.steps.append(Step(describe_event(record, contract), frame.clause))
                if run.transaction(lambda: body(run, inner), inner, record):
                    run.effects.extend(rejections)
                    return
                rejections.append(run.effects.pop())
        if otherwise is not None:
            otherwise(run, frame)  # in the rule's frame, as a branch of an if
        # the scheduled item goes first in its day (G6): the events' rejections follow it
        run.effects.extend(rejections)
    return claim


_STATEMENT_COMPILERS = {
    ast.Let: _compile_let, ast.SetState: _compile_set, ast.Adjust: _compile_adjust, ast.Record: _compile_record,
    ast.Pay: _compile_pay, ast.Issue: _compile_issue, ast.Votes: _compile_votes, ast.Reject: _compile_reject,
    ast.Require: _compile_require, ast.Check: _compile_check, ast.If: _compile_if, ast.Cite: _compile_cite,
    ast.Do: _compile_do, ast.ForEach: _compile_for, ast.Claim: _compile_claim,
}


# -------------------------------------------------------------- compiled expressions


def compiled_expression(node: ast.Expr, contract: CheckedContract):
    """An expression's closure as a run evaluates it, made once per checked contract and kept by node.

    A date or number out of range in the expression's own work is reported at this node, unless a
    node inside it that is evaluated on its own (an argument, an element) reported it first."""
    found = contract.compiled.get(id(node))
    if found is not None:
        return found
    if type(node) is ast.Call:  # the usual case: its own closure reports there, without a second call
        compiled = contract.compiled[id(node)] = _compile_call(node, contract, guarded=True)
        return compiled
    inner = compile_expression(node, contract)
    if not _may_fail(node):
        compiled = inner  # nothing in it can go out of range, or what can reports at itself
    else:
        compiled = _guarded(inner, node)
    contract.compiled[id(node)] = compiled
    return compiled


def _may_fail(node: ast.Expr) -> bool:
    """Whether the closure compile_expression makes for a node may raise a date or number out of range
    that no node inside it reports: then compiled_expression reports it at this node."""
    kind = type(node)
    if kind in _NEVER_FAIL:
        return False
    if kind is ast.Binary:  # an operator reports its own failures; its sides are its own closures
        return _may_fail(node.left) or _may_fail(node.right)
    if kind is ast.FieldAccess:
        return _may_fail(node.subject)
    if kind is ast.IfExpr:
        return _may_fail(node.condition) or _may_fail(node.then) or _may_fail(node.otherwise)
    if kind in (ast.Not, ast.IsNone):
        return _may_fail(node.operand)
    return True  # calls, negation and the interpreter's own methods


_LITERALS = frozenset((ast.NumberLit, ast.PercentLit, ast.DateLit, ast.StringLit, ast.BoolLit))


_LAYING_OUT = frozenset((ast.Every, ast.Comprehension, ast.ListExpr))
_PURE_BUILTINS = frozenset(("min", "max", "first", "last", "range", "zip", "all", "any", "sum", "plain", "is_whole",
                            "year_fraction", "cyclic", "counted_as"))  # functions of their arguments' values alone
_PURE_NODES = frozenset((ast.NumberLit, ast.PercentLit, ast.DateLit, ast.StringLit, ast.BoolLit, ast.TimeLit,
                         ast.NoneLit, ast.FieldAccess, ast.Index, ast.Argument, ast.ListExpr, ast.Comprehension,
                         ast.MonthDay, ast.Every, ast.IfExpr, ast.AtTime, ast.Binary, ast.Not, ast.Negate,
                         ast.IsNone, ast.UnitExpr))


def settings_read(node: ast.Expr, contract: CheckedContract) -> tuple[str, ...] | None:
    """The parameters and assumptions an expression reads, through the terms, schedules and functions it reads,
    when its value depends on nothing else but the date it is evaluated on and the horizon. None when it may
    read a state, a market, an accrual, a report, the events or the pending items, or when it reads settings
    but lays out no list (an `every`, a comprehension, a list): then it is cheaper computed than kept."""
    settings, seen, pending, lays_out = {}, set(), [node], False
    while pending:
        for inner in ast.walk(pending.pop()):
            kind = type(inner)
            lays_out = lays_out or kind in _LAYING_OUT
            if kind is ast.Name:
                symbol = contract.symbols.get(inner.name)
                if symbol is None:
                    continue  # a name of the expression itself (a comprehension's, a function's), or a member
                if symbol.kind in ("parameter", "assumption"):
                    settings[inner.name] = None
                elif symbol.kind in ("term", "schedule") and inner.name not in seen:
                    seen.add(inner.name)
                    pending.append(symbol.node.value)
                elif symbol.kind not in ("term", "schedule"):
                    return None
            elif kind is ast.Call:
                function = contract.functions.get(inner.function)
                if function is not None:
                    if inner.function not in seen:
                        seen.add(inner.function)
                        pending.append(function.body)
                elif inner.function not in PLAIN_FUNCTIONS and inner.function not in _PURE_BUILTINS:
                    return None
            elif kind not in _PURE_NODES:
                return None
    return tuple(settings) if lays_out or not settings else None


def settings_key(values: tuple) -> str:
    """Settings as a key that tells apart values that compare equal but read differently (1.0 and 1.00, 1 and
    true): their text, made in one call (a value without a text of its own, which no setting is, never matches)."""
    return repr(values)


def _is_constant(node: ast.Expr, contract: CheckedContract) -> bool:
    """Whether an expression is an immutable value that no run can change: a literal, `none` or an
    enumeration's member (a name the checker found to be one, as _compile_name reads it)."""
    if type(node) in _LITERALS or type(node) is ast.NoneLit:
        return True
    return (type(node) is ast.Name and node.name not in contract.symbols
            and isinstance(contract.types.get(id(node)), T.Enum))

_NEVER_FAIL = frozenset((ast.NumberLit, ast.PercentLit, ast.DateLit, ast.StringLit, ast.BoolLit, ast.TimeLit,
                         ast.NoneLit, ast.Name,  # literals and names
                         ast.ListExpr, ast.Comprehension, ast.Index))  # their parts report at themselves


def compiled_arguments(node: ast.Call, contract: CheckedContract):
    """A call's positional arguments' closures and its named ones' (name, closure), made once."""
    found = contract.arguments.get(id(node))
    if found is None:
        found = contract.arguments[id(node)] = (
            tuple(compiled_expression(a.value, contract) for a in node.arguments if a.name is None),
            tuple((a.name, compiled_expression(a.value, contract)) for a in node.arguments if a.name is not None))
    return found


def compile_expression(node: ast.Expr, contract: CheckedContract):
    """An expression as a closure `(run, frame) -> value`.

    Names are resolved by what the checker knows them to be; literals are constants; operators
    call the closures of their sides, and calls, lists and comprehensions those of their parts
    (each evaluated on its own, through compiled_expression). Anything else runs through the
    interpreter's own method for its node."""
    kind = type(node)
    if kind is ast.NumberLit:
        value = int(node.value) if node.unit is not None and node.unit.name in ("day", "days") else node.value
        return lambda run, frame: value
    if kind in (ast.PercentLit, ast.DateLit, ast.StringLit, ast.BoolLit):
        value = node.value
        return lambda run, frame: value
    if kind is ast.TimeLit:
        value = time.fromisoformat(node.text)
        return lambda run, frame: value
    if kind is ast.NoneLit:
        return lambda run, frame: None
    if kind is ast.Name:
        return _compile_name(node, contract)
    if kind is ast.FieldAccess:
        subject, name = compile_expression(node.subject, contract), node.name
        known = contract.types.get(id(node.subject))  # what the checker found the subject to be
        if isinstance(known, T.Accrued):  # only settle() gives one: a settlement, read as field_of reads it
            if name == "amount":
                return lambda run, frame: subject(run, frame).amount
            return lambda run, frame: subject(run, frame).period
        if isinstance(known, T.Simple) and known.name.startswith("event ") and name not in ("date", "filed", "index"):
            return lambda run, frame: subject(run, frame).fields[name]  # an event's own field, as field_of reads it
        return lambda run, frame: field_of(subject(run, frame), name)
    if kind is ast.IfExpr:
        condition, then = compile_expression(node.condition, contract), compile_expression(node.then, contract)
        otherwise = compile_expression(node.otherwise, contract)
        return lambda run, frame: then(run, frame) if condition(run, frame) else otherwise(run, frame)
    if kind is ast.Not:
        operand = compile_expression(node.operand, contract)
        return lambda run, frame: not operand(run, frame)
    if kind is ast.IsNone:
        operand, negated = compile_expression(node.operand, contract), node.negated
        return lambda run, frame: (operand(run, frame) is None) != negated
    if kind is ast.Binary:
        return _compile_binary(node, contract)
    if kind is ast.AtTime:
        day, moment = compile_expression(node.date, contract), compile_expression(node.time, contract)
        return lambda run, frame: datetime.combine(day(run, frame), moment(run, frame))
    if kind is ast.Negate:
        operand = compiled_expression(node.operand, contract)
        return lambda run, frame: exact.negate(operand(run, frame))
    if kind is ast.Call:
        return _compile_call(node, contract)
    if kind is ast.ListExpr:
        return _compile_list(node, contract)
    if kind is ast.Comprehension:
        return _compile_comprehension(node, contract)
    if kind is ast.Index:
        return _compile_index(node, contract)
    method = _EXPRESSIONS[kind]
    return lambda run, frame: method(run, node, frame)


def _compile_call(node: ast.Call, contract: CheckedContract, guarded: bool = False):
    """A call's closure; `guarded`, it reports a date or number out of range in its own work at the call
    (as compiled_expression would), else it leaves that to the node around it (the side of an operator)."""
    guard = _guarded if guarded else _unguarded
    function = contract.functions.get(node.function)
    if function is None:
        plain = PLAIN_FUNCTIONS.get(node.function)
        if node.function in ("min", "max") and len(compiled_arguments(node, contract)[0]) == 2:  # of two values
            first, second = compiled_arguments(node, contract)[0]
            return (_least if node.function == "min" else _greatest)(first, second, node, guarded)
        if node.function in ("accrued", "settle"):  # the most frequent calls: straight to the run's method
            settle, arguments = node.function == "settle", compiled_arguments(node, contract)[1]
            if len(arguments) == 1 and arguments[0][0] in ("before", "through"):  # the usual
                return _accrual_of_one(node, settle, *arguments[0], guarded)
            return guard(lambda run, frame: run.accrual_call(node, frame, settle, arguments), node)
        if plain is None:
            builtin = BUILTIN_FUNCTIONS[node.function]
            return guard(lambda run, frame: builtin(run, node, frame), node)
        return _plain_call(plain, compiled_arguments(node, contract)[0], node, guarded)
    arguments = tuple(compiled_expression(argument.value, contract) for argument in node.arguments)
    names = tuple(parameter.name for parameter in function.parameters)
    body = compiled_expression(function.body, contract)
    section, rule = contract.symbols[node.function].section, f"function {node.function}"

    def call(run, frame):
        values = [argument(run, frame) for argument in arguments]
        run.charge(1, node, frame)
        return body(run, Frame(section, frame.cause, frame.today, [], dict(zip(names, values)), rule))
    return guard(call, node)


def _unguarded(inner, node: ast.Call):
    return inner


def _guarded(inner, node: ast.Expr):
    """An expression's closure that reports a date or number out of range in its own work at the
    expression (a call's arguments, each compiled on their own, report theirs first)."""
    def guarded(run, frame):
        try:
            return inner(run, frame)
        except (schedules.OutsideCalendar, ArithmeticError) as problem:
            raise _failure(run, problem, node, frame, True) from None
    return guarded


def _failure(run, problem: Exception, node: ast.Expr, frame: Frame, said_here: bool) -> Exception:
    """What a date past the calendar or a number out of range met in a node's own work raises: a diagnostic
    at the node, or (not `said_here`) the problem itself, for the node around it to report."""
    if not said_here:
        return problem
    if isinstance(problem, schedules.OutsideCalendar):
        return run.outside_calendar(problem, node, frame)
    return run.out_of_range(problem, node, frame)


def _plain_call(plain, arguments: tuple, node: ast.Call, guarded: bool):
    """A call of a function that needs only its arguments' values (business_day, first_of_month, cents: the most
    frequent calls), for the usual numbers of arguments; `guarded` as _compile_call's, said by the closure itself
    rather than by a closure of _guarded around it, which would be a second call."""
    if len(arguments) == 1:
        (only,) = arguments

        def plain_of_one(run, frame):
            try:
                return plain(only(run, frame))
            except (schedules.OutsideCalendar, ArithmeticError) as problem:
                raise _failure(run, problem, node, frame, guarded) from None
        return plain_of_one
    if len(arguments) == 2:
        first, second = arguments

        def plain_of_two(run, frame):
            try:
                return plain(first(run, frame), second(run, frame))
            except (schedules.OutsideCalendar, ArithmeticError) as problem:
                raise _failure(run, problem, node, frame, guarded) from None
        return plain_of_two
    if len(arguments) == 3:
        first, second, third = arguments

        def plain_of_three(run, frame):
            try:
                return plain(first(run, frame), second(run, frame), third(run, frame))
            except (schedules.OutsideCalendar, ArithmeticError) as problem:
                raise _failure(run, problem, node, frame, guarded) from None
        return plain_of_three
    return (_guarded if guarded else _unguarded)(
        lambda run, frame: plain(*[argument(run, frame) for argument in arguments]), node)


def _accrual_of_one(node: ast.Call, settle: bool, name: str, value, guarded: bool):
    """accrued() or settle() with one named argument (`before:` or `through:`), straight to its ledger, without
    the named arguments' dict that Run.accrual_call makes; `guarded` as _compile_call's, said by the closure."""
    ledger_name, through = node.arguments[0].value.name, name == "through"

    def accrual_of_one(run, frame):
        try:
            end = value(run, frame)
            if through:
                end = schedules.add_days(end, 1)
        except (schedules.OutsideCalendar, ArithmeticError) as problem:
            raise _failure(run, problem, node, frame, guarded) from None
        try:
            ledger = run.ledgers[ledger_name]
            if settle:
                looked_through = len(ledger.changes) + len(ledger.portions)  # Ledger.entries, before it settles
                settled = ledger.settle(end)
                if run.explain:
                    return run.settled(settled, looked_through, ledger, node, frame)
                run.steps_taken += looked_through + len(settled.pieces)  # as Run.settled charges them
                if run.steps_taken > STEP_BUDGET:
                    run.charge(0, node, frame)  # says where the run went over its budget
                return settled
            accrued = ledger.accrued(end)
            run.charge(ledger.entries + len(accrued.pieces), node, frame)
            return accrued.amount
        except schedules.OutsideCalendar as problem:  # a date past the calendar: said at its expression
            raise _failure(run, problem, node, frame, guarded) from None
        except ValueError as problem:  # a day count without what it needs
            raise run.accrual_failed(problem, node, frame) from None
        except ArithmeticError as problem:
            raise _failure(run, problem, node, frame, guarded) from None
    return accrual_of_one


def _least(first, second, node: ast.Call, guarded: bool):
    """min(a, b): the first of the least; a decimal and a ratio compared exactly, without Python's mixed operators
    (`guarded` as _plain_call's)."""
    def least(run, frame):
        try:
            a, b = first(run, frame), second(run, frame)
            if type(a) is not type(b) and type(a) in _NUMBERS and type(b) in _NUMBERS:
                return b if exact.compare(b, a) < 0 else a
            return min(a, b)
        except (schedules.OutsideCalendar, ArithmeticError) as problem:
            raise _failure(run, problem, node, frame, guarded) from None
    return least


def _greatest(first, second, node: ast.Call, guarded: bool):
    """max(a, b): the first of the greatest, compared as _least compares."""
    def greatest(run, frame):
        try:
            a, b = first(run, frame), second(run, frame)
            if type(a) is not type(b) and type(a) in _NUMBERS and type(b) in _NUMBERS:
                return b if exact.compare(b, a) > 0 else a
            return max(a, b)
        except (schedules.OutsideCalendar, ArithmeticError) as problem:
            raise _failure(run, problem, node, frame, guarded) from None
    return greatest


def _compile_list(node: ast.ListExpr, contract: CheckedContract):
    items, length = tuple(compiled_expression(item, contract) for item in node.items), len(node.items)

    def list_of(run, frame):
        run.charge_list(length, node, frame)
        return [item(run, frame) for item in items]
    return list_of


def _compile_comprehension(node: ast.Comprehension, contract: CheckedContract):
    source, variable = compiled_expression(node.source, contract), node.variable
    condition = compiled_expression(node.condition, contract) if node.condition is not None else None
    element = compiled_expression(node.element, contract)

    def comprehension(run, frame):
        values = []
        inner = frame.child()
        items = source(run, frame)
        run.charge(len(items), node, frame)
        for item in items:
            inner.locals[variable] = item
            if condition is None or condition(run, inner):
                values.append(element(run, inner))
        return values
    return comprehension


def _compile_index(node: ast.Index, contract: CheckedContract):
    subject, position_of = compiled_expression(node.subject, contract), compiled_expression(node.position, contract)

    def index(run, frame):
        values = subject(run, frame)
        position = position_of(run, frame)
        if not (1 <= position <= len(values)):
            raise run.diagnostic(f"position {plain_number(position)} is not in a list of {len(values)} "
                                 "(the first is 1)", node, frame)
        return values[int(position) - 1]
    return index


def _compile_name(node: ast.Name, contract: CheckedContract):
    name = node.name
    symbol = contract.symbols.get(name)
    kind = symbol.kind if symbol is not None else None
    if name == "today":
        return lambda run, frame: frame.locals[name] if name in frame.locals else frame.today
    if name == "until":
        return lambda run, frame: frame.locals[name] if name in frame.locals else run.until
    if kind == "state":
        return lambda run, frame: frame.locals[name] if name in frame.locals else run.state[name]
    if kind in ("parameter", "assumption"):
        return lambda run, frame: frame.locals[name] if name in frame.locals else run.globals[name]
    if kind in ("term", "schedule", "report"):
        return lambda run, frame: (frame.locals[name] if name in frame.locals
                                   else run.globals[name] if name in run.globals else run.global_value(symbol))
    if kind == "market":
        return lambda run, frame: frame.locals[name] if name in frame.locals else run.markets[name]
    if kind == "accrual":
        return lambda run, frame: frame.locals[name] if name in frame.locals else run.ledgers[name]
    if isinstance(contract.types.get(id(node)), T.Enum) and kind is None:
        return lambda run, frame: frame.locals[name] if name in frame.locals else name  # a member stands for itself
    return lambda run, frame: frame.locals[name]  # a name of the rule: a let, a binder, a parameter


def _compile_binary(node: ast.Binary, contract: CheckedContract):
    op = node.operator
    left, right = compile_expression(node.left, contract), compile_expression(node.right, contract)
    if op == "and":
        return lambda run, frame: bool(left(run, frame)) and bool(right(run, frame))
    if op == "or":
        return lambda run, frame: bool(left(run, frame)) or bool(right(run, frame))
    if op == "??":
        def coalesce(run, frame):
            value = left(run, frame)
            return value if value is not None else right(run, frame)
        return coalesce
    if op in _DECIMAL_OPERATIONS:
        return _arithmetic(op, left, right, node)
    if op in _COMPARISONS:
        return _compared(op, left, right, node)
    return _divided(left, right, node) if op == "/" else _combined(op, left, right, node)


# Each kind of operator tests only for its own usual case; any other goes through Run.combine. A date
# or number out of range in the operation is reported at the operator.

def _arithmetic(op: str, left, right, node: ast.Binary):
    operation, exact_operation = _DECIMAL_OPERATIONS[op], _EXACT_OPERATIONS[op]

    def arithmetic(run, frame):
        a, b = left(run, frame), right(run, frame)
        try:
            if type(a) is Decimal and type(b) is Decimal:
                return operation(a, b)  # exact, or out of range (never rounded)
            if type(a) in _NUMBERS and type(b) in _NUMBERS:
                return exact_operation(a, b)  # a ratio on either side, or whole days
            return run.combine(op, a, b, node, frame)
        except schedules.OutsideCalendar as problem:
            raise run.outside_calendar(problem, node, frame) from None
        except ArithmeticError as problem:
            raise run.out_of_range(problem, node, frame) from None
    return arithmetic


def _compared(op: str, left, right, node: ast.Binary):
    comparison = _COMPARISONS[op]

    def compared(run, frame):
        a, b = left(run, frame), right(run, frame)
        try:
            if type(a) is type(b) and type(a) in _COMPARED_DIRECTLY:
                return comparison(a, b)
            return run.combine(op, a, b, node, frame)
        except schedules.OutsideCalendar as problem:
            raise run.outside_calendar(problem, node, frame) from None
        except ArithmeticError as problem:
            raise run.out_of_range(problem, node, frame) from None
    return compared


def _divided(left, right, node: ast.Binary):
    def divided(run, frame):
        a, b = left(run, frame), right(run, frame)
        try:
            if type(a) is Decimal and type(b) is Decimal and b:
                return exact.divide(a, b)  # exact: a ratio when it does not terminate
            return run.combine("/", a, b, node, frame)
        except schedules.OutsideCalendar as problem:
            raise run.outside_calendar(problem, node, frame) from None
        except ArithmeticError as problem:
            raise run.out_of_range(problem, node, frame) from None
    return divided


def _combined(op: str, left, right, node: ast.Binary):
    def combined(run, frame):
        a, b = left(run, frame), right(run, frame)
        try:
            return run.combine(op, a, b, node, frame)
        except schedules.OutsideCalendar as problem:
            raise run.outside_calendar(problem, node, frame) from None
        except ArithmeticError as problem:
            raise run.out_of_range(problem, node, frame) from None
    return combined


def evaluate(contract: CheckedContract, inputs: Inputs, explain: bool = False) -> Result:
    """Run one scenario's inputs through a checked contract.

    Arithmetic is exact (stdlib/exact.py); the run's decimal context traps Inexact
    as well, so no operation anywhere in it can round a number silently."""
    with collector_paused(), localcontext(exact.EXACT):  # a run makes no cycles worth collecting as it goes
        return Run(contract, inputs, explain).run()
