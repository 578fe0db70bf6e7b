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

import functools
import heapq
import operator
from datetime import date, datetime, time, timedelta
from decimal import Decimal, localcontext
from fractions import Fraction

from ..cache import collector_paused
from ..diagnostics import ContractError, Diagnostic, Span, closest
from ..language import ast
from ..language import types as T
from ..language.checked import CheckedContract
from ..stdlib import exact, schedules
from ..stdlib.accrual import Ledger, Settlement
from ..stdlib.prices import PriceSeries
from ..stdlib.schedules import MONTHS
from .builtins import PLAIN_FUNCTIONS
from .compiler import (LITERALS, accrual_parts, compiled_arguments, compiled_block, compiled_expression,
                       literal_term)
from .effects import Effect, Result, Step
from .explain import describe_event, formula, plain_number, plain_text, text_of_type
from .values import (START_OF_DAY, STEP_BUDGET, Deferred, EventRecord, Frame, Inputs, PreconditionFailed, Quote,
                     Rejected, ScheduledRuleName, Setting)

SCHEDULE_REACH = timedelta(days=400)  # open-ended schedules are laid out this far past the horizon
LIST_BUDGET = 1_000_000  # elements in one list
EXPLANATION_LINES = 10_000  # lines one explanation keeps (each effect keeps a copy of its own)
KEPT_ENTRIES = 4_096  # dates of a scheduled rule whose timeline entries a contract keeps from one run to the next
GENERATED_AFTER = 2  # evaluations of a checked contract in one process that run its blocks as closures alone


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
        # event index -> the states its rule changed (name, before, after), of an event that made no effect
        self.event_changes: dict[int, list] = {}
        # a contract evaluated many times in this process runs its blocks as generated code (codegen.py);
        # a run that explains itself, and the first few of each contract, run them as closures
        evaluations = contract.compiled[_EVALUATIONS] = contract.compiled.get(_EVALUATIONS, 0) + 1
        self.block_of = compiled_block
        if not explain and evaluations > GENERATED_AFTER:
            self.block_of = generator()

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
                if type(symbol.node.default) in LITERALS:
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
            found = self.contract.compiled[key] = {}
            for symbol in self.symbols_of("term"):
                literal, value = literal_term(symbol)  # as the closures and generated code read it
                if literal:
                    found[symbol.name] = value
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
            fields, rate_names = accrual_parts(symbol, self.contract)
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
        until = self.until
        # on one date, scheduled rules keep the order they are written in
        for order, (label, item) in enumerate(self.contract.items_of(ast.OnEachRule, ast.OnDateRule)):
            frame = self.global_frame(label)
            # what each of its dates needs to run it: the name its date takes, and its body's closure
            variable = item.variable if isinstance(item, ast.OnEachRule) else None
            body = self.block_of(item.body, self.contract)
            listed = None
            if isinstance(item, ast.OnEachRule):
                listed = self.set_up_value(item.dates, frame)
                # the entries of the last run, when it had the same dates (a run mostly repeats the last settings)
                kept = self.contract.compiled.get(("entries", id(item)))
                if kept is not None and kept[1] == until and kept[2] is body and (kept[0] is listed or kept[0] == listed):
                    self.charge(kept[3], item, frame)
                    self.timeline.extend(kept[4])
                    continue
                # each once, in the order listed: a schedule is mostly in order, which the sort below then
                # merges as runs instead of sorting a set's order (n log n: a tenth more a date at 100,000 dates)
                dates = dict.fromkeys(listed)
                self.charge(len(dates), item, frame)  # each date is an item of the timeline
            else:
                dates = {self.set_up_value(item.date, frame)}
            entries, timed = [], False
            for when in dates:
                if type(when) is date:  # the usual case, without a call
                    if when <= until:
                        entries.append((when, START_OF_DAY, 0, order, (label, item, when, variable, body)))
                    continue
                timed = True
                day, moment = day_and_moment(when)
                if day <= until:
                    entries.append((day, moment, 0, order, (label, item, when, variable, body)))
                    self.timed_days.setdefault(day, moment)
            self.timeline.extend(entries)
            # kept for a schedule of a usual length and no time of day (which also marks its day as timed)
            if listed is not None and not timed and len(dates) <= KEPT_ENTRIES:
                self.contract.compiled[("entries", id(item))] = (listed, until, body, len(dates), entries)
        for bound in self.inputs.events:
            declaration: ast.EventDecl = self.symbols[bound.type].node
            effective = bound.date
            if declaration.effective is not None:
                frame = self.global_frame(self.symbols[bound.type].section)
                frame.locals["date"] = bound.date
                effective = self.evaluate(declaration.effective, frame)
            if effective != bound.date:  # its terms move it: it keeps the scenario's date as `filed`
                record = EventRecord(bound.type, bound.index, effective, bound.fields, bound.span, bound.date)
            else:
                record = EventRecord(bound.type, bound.index, bound.date, bound.fields, bound.span)
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
        # the timeline is laid out before the run and the queue only pushed to and popped: both kept at hand
        timeline, queue, effects, position, end = self.timeline, self.queue, self.effects, 0, len(self.timeline)
        while position < end or queue:
            if queue and (position == end or _PLACE(queue[0]) < _PLACE(timeline[position])):
                when, moment, phase, _, item = heapq.heappop(queue)
            else:
                when, moment, phase, _, item = timeline[position]
                position += 1
            self.moment = moment
            first_new = len(effects)
            if phase == 0:
                # another scheduled rule of this moment follows directly in the timeline (items events
                # schedule run after every one of them): only one that does reads what this one changed
                following = timeline[position] if position < end else None
                followed = (following is not None and following[2] == 0 and following[0] == when
                            and following[1] == moment)
                clause, rule, nominal, variable, body = item
                self.run_scheduled(clause, rule, nominal, variable, body, followed)
            elif phase == 1:
                self.run_deferred(item, when)
            else:
                if item.index in self.claimed:
                    continue
                if moment == START_OF_DAY and when in self.timed_days:
                    self.untimed_event(item, self.timed_days[when])
                self.run_event(item)
            if snapshots and len(effects) > first_new:
                self.take_snapshot(snapshots, when, effects[first_new:])
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

    def run_scheduled(self, clause: str, rule, when, variable: str | None, body, followed: bool) -> None:
        """A scheduled rule on one of its dates: `variable` is the name its date takes (`on each d in ...`),
        `body` its block's closure."""
        nominal = when if type(when) is date else day_and_moment(when)[0]
        frame = Frame(clause, None, nominal, [], {variable: when} if variable is not None else {},
                      ScheduledRuleName((clause, when)))
        # only the moment being run is kept (rules at different times of a day run in the order of their
        # times), and only once a rule of it changed a state that a later one may read: mostly none has
        earlier = self.day_changes[1]
        if earlier and self.day_changes[0] == (nominal, self.moment):
            reads = self.reads_of(rule)
            for other_clause, other_line, changed in earlier:
                if other_clause != clause and not reads.isdisjoint(changed):
                    self.same_day_order(rule, clause, nominal, other_clause, other_line, sorted(reads & changed), frame)
        self.values_before = before = {}
        body(self, frame)
        if before and followed:  # only a rule that set a state can have changed one, for a later rule to read
            changed = {name for name, value in before.items() if self.state[name] is not value}
            if changed:
                if self.day_changes[0] != (nominal, self.moment):
                    self.day_changes = ((nominal, self.moment), [])
                self.day_changes[1].append((clause, rule.span.line if rule.span else 0, changed))

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
        self.transaction(self.block_of(item.body, self.contract), frame, item.frame.cause)

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
        made = len(self.effects)
        # an event that made nothing of its own shows what it changed instead (the table's "accepted" line)
        if self.transaction(self.block_of(rule.body, self.contract), frame, record) and len(self.effects) == made:
            changed = [(name, self.text(before[name], self.symbols[name].type),
                        self.text(value, self.symbols[name].type))
                       for name, value in self.state.items() if name in before and before[name] != value]
            if changed:
                self.event_changes[record.index] = changed

    def transaction(self, block, frame: Frame, cause: EventRecord | None) -> bool:
        """Run `block` (a block's closure or generated code) in `frame`; if the terms reject it, undo what it did
        and record the rejection.

        What is saved is small and bounded (state, ledgers, the splits of the price series);
        items the body schedules wait in a buffer, so the timeline itself is never copied."""
        saved = self.save()
        self.scheduled_here.append([])
        try:
            block(self, frame)
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
        """What restore() needs: the ledgers and markets are the run's from its set-up on, so their checkpoints are
        kept in their order, without their names (every event and claim saves them)."""
        return (dict(self.state), tuple(map(_CHECKPOINT, self.ledgers.values())),
                tuple(map(_CHECKPOINT, self.markets.values())), len(self.effects), len(self.claimed_order),
                {n: dict(p) for n, p in self.pending_items.items()} if self.pending_items else {})

    def restore(self, saved) -> None:
        state, ledgers, markets, effects, claimed, pending_items = saved
        self.state = state
        for ledger, checkpoint in zip(self.ledgers.values(), ledgers, strict=True):
            ledger.rollback(checkpoint)
        for market, checkpoint in zip(self.markets.values(), markets, strict=True):
            market.rollback(checkpoint)
        del self.effects[effects:]
        for index in self.claimed_order[claimed:]:
            self.claimed.discard(index)
        del self.claimed_order[claimed:]
        self.pending_items = pending_items

    # --------------------------------------------------------- statements
    def execute(self, statements, frame: Frame) -> None:
        """Run a block of statements: compiled once per checked contract (compiled_block or generated_block),
        then called."""
        self.block_of(statements, self.contract)(self, frame)

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
        for label, item, text in self.shown_items():
            if type(item) is ast.StateDecl:
                value = self.state[item.name]
                if value is not None:
                    state[item.name] = self.shown_at_end(value, text, "state", item)
            else:
                value = self.evaluate(item.value, self.global_frame(label))
                state[item.name] = self.shown_at_end(value, text, "report", item)
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

    def shown_items(self) -> tuple:
        """The states (but private ones) and reports a result shows, in the order written, each with the function
        that writes its value (explain.text_of_type): the same in every run, so found once per contract."""
        key = ("shown at the end",)
        found = self.contract.compiled.get(key)
        if found is None:
            found = self.contract.compiled[key] = tuple(
                (label, item, text_of_type(self.symbols[item.name].type if type(item) is ast.StateDecl
                                           else self.contract.type_of(item.value), self.contract.currencies))
                for label, item in self.contract.items_of(ast.StateDecl, ast.Report)
                if not (type(item) is ast.StateDecl and item.private))
        return found

    def shown_at_end(self, value, text, kind: str, item: ast.StateDecl | ast.Report) -> str:
        try:
            return text(value)
        except ArithmeticError:
            raise self.not_shown(f"{kind} '{item.name}'", item.span, self.contract.text) from None


@functools.cache
def generator():
    """codegen.generated_block, imported once: only a process that evaluates a contract many times needs it, and
    an import statement run on every evaluation costs microseconds each time."""
    from .codegen import generated_block

    return generated_block


_EVALUATIONS = ("evaluations",)  # how many runs a checked contract has had in this process
_EFFECT_DATE = operator.attrgetter("date")  # the sort key of the effects, without a Python call for each
_CHECKPOINT = operator.methodcaller("checkpoint")  # of a ledger or a market, called from C


def _PLACE(entry):
    """Where an entry of the timeline stands: its date, its time of day, its phase, its order in the phase."""
    return entry[:4]


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


_ORDERS = {
    "==": lambda order: order == 0, "!=": lambda order: order != 0, "<": lambda order: order < 0,
    "<=": lambda order: order <= 0, ">": lambda order: order > 0, ">=": lambda order: order >= 0,
}



_LAYING_OUT = frozenset((ast.Every, ast.Comprehension, ast.ListExpr))
_PURE_BUILTINS = frozenset(("min", "max", "first", "last", "range", "zip", "all", "any", "sum", "year_fraction",
                            "cyclic", "counted_as"))  # functions of their arguments' values alone
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
    enumeration's member (a name the checker found to be one, as the compiler's closure of a name reads it)."""
    if type(node) in LITERALS or type(node) is ast.NoneLit:
        return True
    return (type(node) is ast.Name and node.name not in contract.symbols
            and isinstance(contract.types.get(id(node)), T.Enum))


def evaluate(contract: CheckedContract, inputs: Inputs, explain: bool = False) -> Result:
    """Run one scenario's inputs through a checked contract.

    Arithmetic is exact (stdlib/exact.py); the run's decimal context traps Inexact
    as well, so no operation anywhere in it can round a number silently."""
    with collector_paused(), localcontext(exact.EXACT):  # a run makes no cycles worth collecting as it goes
        return Run(contract, inputs, explain).run()
