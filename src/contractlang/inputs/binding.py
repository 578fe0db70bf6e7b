"""Scenario values typed against a contract: parameters, assumptions and events checked and bound for a run.

A value read from a scenario or the command line is turned into the runtime
value of the type the contract declares (`coerce`); the scenario's events are
checked against the contract's event declarations (`bind_events`); and
`inputs_for` puts them together, the command line over the scenario, as the
inputs of one run. A name or value the contract refuses on the command line
is wrong use of the command line (CommandLineError), not bad input.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date, datetime, time, timezone

from ..diagnostics import CommandLineError, ContractError, Diagnostic, Span, closest
from ..language import types as T
from ..language.checked import NO_DEFAULT
from ..runtime.values import Inputs, Setting
from ..stdlib import exact
from .scenario import (BoundEvent, RawScenario, RawValue, decimal_value, parse_date, ratio_value, shown,
                       too_many_digits)


_TIME_OF_DAY = re.compile(r"\d{2}:\d{2}(:\d{2})?")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?")


def _describe(type_: T.Type) -> str:
    if isinstance(type_, T.Number):
        if type_.unit.is_plain:
            return "a whole number" if type_.integral else "a number"
        if type_.unit.is_ratio:
            return f'an amount in {type_.unit} (a number, or a ratio such as "1/3")'
        return f"an amount in {type_.unit}"
    if type_ == T.DATE:
        return "a date (YYYY-MM-DD)"
    if type_ == T.BOOL:
        return "true or false"
    if type_ == T.TEXT:
        return "a text"
    if type_ == T.DAYS:
        return "a whole number of days"
    if type_ == T.TIME:
        return 'a time of day (17:00:00, or "17:00")'
    if type_ == T.DATETIME:
        return 'a date and time (2029-06-30T17:00:00, or "2029-06-30T17:00", with an offset such as -04:00 if not local)'
    if isinstance(type_, T.Enum):
        return "one of " + ", ".join(f'"{m}"' for m in type_.members)
    if isinstance(type_, T.Optional):
        return _describe(type_.inner) + ' or "none"'
    return str(type_)


def coerce(raw, type_: T.Type, *, what: str, span: Span | Callable[[], Span] | None, text: str | None = None,
           zone: str | None = None):
    """A raw scenario or command-line value as the runtime value of a declared type.

    `span` may be a function that finds the position, called only when the value is refused: a
    scenario's events find where a key is written only then. A date and time with an offset (or Z)
    is turned into the contract's time `zone`; one without is already local time there."""
    written = raw  # as the user wrote it, for the message, even once a text has been read as a moment

    def fail(detail: str = ""):
        message = f"{what} must be {_describe(type_)}, not {shown(written)}{detail}"
        raise ContractError(Diagnostic(message, span() if callable(span) else span, text))

    if isinstance(type_, T.Optional):
        if raw is None or raw == "none":
            return None
        return coerce(raw, type_.inner, what=what, span=span, text=text, zone=zone)
    if isinstance(type_, T.Number):
        # a plain number or a quotient of units may be an exact ratio, "1/3" (read exactly, never as 0.333333)
        number = ratio_value(raw) if type_.unit.is_ratio else decimal_value(raw)
        if number is None:
            fail(f" (more than {exact.DIGITS:,} significant digits)" if too_many_digits(raw) else "")
        if type_.integral and not exact.is_whole(number):
            fail()
        return number
    if type_ == T.DAYS:
        number = decimal_value(raw)
        if number is None or number != number.to_integral_value():
            fail()
        return int(number)
    if type_ == T.DATE:
        if isinstance(raw, datetime):
            fail(" (a date, not a date and time)")
        if isinstance(raw, date):
            return raw
        if isinstance(raw, str):
            parsed = parse_date(raw)
            if parsed is None:
                fail(" (not a date)")
            return parsed
        fail()
    if type_ == T.TIME:
        if isinstance(raw, time):
            if raw.microsecond:  # a TOML time may carry a fraction, shown and counted as the whole second before it
                fail(" (to the second)")
            return raw
        if isinstance(raw, str) and _TIME_OF_DAY.fullmatch(raw):
            try:
                return time.fromisoformat(raw)
            except ValueError:  # written like a time, but 25:00 or 17:60 is none
                fail(" (not a time of day)")
        fail()
    if type_ == T.DATETIME:
        if isinstance(raw, str) and _MOMENT.fullmatch(raw):
            try:
                raw = datetime.fromisoformat(raw)
            except ValueError:  # written like a moment, but February 30, 25:00 or an offset of +25:00 is none
                fail(" (not a date and time)")
        if not isinstance(raw, datetime):
            fail()
        if raw.tzinfo is not None:
            if zone is None:
                fail(" (a time with an offset needs the contract's time zone, `time zone \"...\"`, to be turned into)")
            from zoneinfo import ZoneInfo

            try:
                raw = raw.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
            except OverflowError:  # the conversion passes through UTC, which may fall off either end of the calendar
                fail(f" (too near the ends of the calendar, 0001-01-01 and 9999-12-31, to be turned into the "
                     f"contract's time zone, {zone})")
        if raw.microsecond:
            fail(" (to the second)")
        problem = _wall_time_problem(raw, zone) if zone is not None else ""
        if problem:
            raise ContractError(Diagnostic(f"{what}: {shown(written)} {problem}", span() if callable(span) else span,
                                           text))
        return raw
    if type_ == T.BOOL:
        if isinstance(raw, bool):
            return raw
        if raw in ("true", "false"):
            return raw == "true"
        fail()
    if type_ == T.TEXT:
        if isinstance(raw, str):
            return raw
        fail()
    if isinstance(type_, T.Enum):
        if isinstance(raw, str) and raw in type_.members:
            return raw
        hint = closest(raw, type_.members) if isinstance(raw, str) else None
        fail(f" (did you mean \"{hint}\"?)" if hint else "")
    fail()


def _wall_time_problem(moment: datetime, zone: str) -> str:
    """Why a wall time of the contract's zone stands for no instant, or for two ("" when it stands for one).

    The contract's moments are wall times there: one the clocks skip (spring forward) never happens, and
    one they repeat (fall back) cannot be told from its twin, so events an hour apart would lose their order."""
    from zoneinfo import ZoneInfo

    place = ZoneInfo(zone)
    first, second = moment.replace(tzinfo=place, fold=0), moment.replace(tzinfo=place, fold=1)
    if first.utcoffset() == second.utcoffset():
        return ""
    wall, day = moment.strftime("%H:%M"), moment.date().isoformat()
    if first.astimezone(timezone.utc).astimezone(place).replace(tzinfo=None) != moment:
        return f"is no time in {zone}: the clocks skip {wall} on {day}"
    return (f"is {wall} in {zone} on {day}, which the clocks show twice: the contract's times of day, wall "
            "times there, cannot tell the two apart")


def bind_events(scenario: RawScenario, specs: dict, zone: str | None = None) -> list[BoundEvent]:
    """The scenario's events, checked against the contract's declarations and typed."""
    bound = []
    for event in scenario.events:
        spec = specs.get(event.type)
        where = f"event {event.index} ({event.type})"
        if spec is None:
            hint = closest(event.type, specs)
            raise ContractError(Diagnostic(
                f"event {event.index}: unknown event type '{event.type}'" + (f"; did you mean '{hint}'?" if hint else "")
                + f" (this contract's events: {', '.join(specs) or 'none'})", event.span_of("type"), scenario.text))
        fields = {}
        for name, raw in event.fields.items():
            if name not in spec.fields:
                hint = closest(name, spec.fields)
                raise ContractError(Diagnostic(
                    f"{where}: unknown field '{name}'" + (f"; did you mean '{hint}'?" if hint else "")
                    + f" ({event.type} has: {', '.join(['date'] + list(spec.fields))})", event.span_of(name),
                    scenario.text))
            fields[name] = coerce(raw, spec.fields[name].type, what=f"{where}: field '{name}'",
                                  span=functools.partial(event.span_of, name), text=scenario.text, zone=zone)
        for name, field in spec.fields.items():
            if name not in fields:
                if field.default is NO_DEFAULT:
                    raise ContractError(Diagnostic(f"{where}: missing field '{name}' ({_describe(field.type)})",
                                                   event.span, scenario.text))
                fields[name] = field.default
        ordered = {name: fields[name] for name in spec.fields}
        bound.append(BoundEvent(event.index, event.type, event.date, ordered, event.span))
    return bound


def _check_signs(name: str, type_: T.Type, series: RawValue, scenario: RawScenario) -> None:
    """A series of prices or exchange rates (a unit per another) holds positive values, and one of a
    quantity (`market volume: common`) no negative one: `prices` refuses them, and so does each
    [market.NAME] of such a unit. Only a plain number (a rate) may take any sign (docs/reference.md)."""
    unit = type_.unit
    if unit.is_plain:
        return
    quotient = unit.is_ratio
    wrong = next(((when, value) for when, value in series.value.items() if value < 0 or (quotient and value == 0)),
                 None)
    if wrong is not None:
        when, value = wrong
        kind = "positive" if quotient else "not negative"
        span = series.entry(when) if series.entry is not None else series.span
        shown_text = scenario.text if span.path == scenario.path else None  # a CSV row: from its file, a series
        raise ContractError(Diagnostic(f"the value of market '{name}' on {when} must be {kind} (the series is of "
                                       f"{unit}), not {value}", span, shown_text))


def scenario_warnings(contract, scenario: RawScenario, until_given: bool) -> list[Diagnostic]:
    """Warnings of what a scenario gives that its run does not read, which its result would not show: `prices`
    for a contract with no market, and each event dated after the scenario's own `until` (a shorter run asked
    for with --until is not warned of)."""
    warnings = []
    if scenario.prices is not None and not any(s.kind == "market" for s in contract.symbols.values()):
        warnings.append(Diagnostic("this contract has no market series: its 'prices' are not read",
                                   scenario.prices_span or Span(scenario.path, 1, 1), scenario.text,
                                   severity="warning"))
    until = scenario.until.value if scenario.until is not None and not until_given else None
    warnings += [Diagnostic(f"event {event.index} ({event.type}) is dated {event.date}, after the scenario's until "
                            f"({until}): it is not evaluated", event.span_of("date"), scenario.text,
                            severity="warning")
                 for event in scenario.events if until is not None and event.date > until]
    return warnings


def parse_cli_assignment(text: str) -> tuple[str, str]:
    """`NAME=VALUE` from --set or --assume."""
    name, separator, value = text.partition("=")
    if not separator or not name.strip().isidentifier():
        raise ValueError(text)
    return name.strip(), value.strip()


def inputs_for(contract, scenario: RawScenario | None, sets: dict, assumes: dict, until: date | None):
    """The typed inputs of a run: the scenario's values, then the command line's over them."""
    inputs = Inputs(path=scenario.path if scenario else None)
    text = scenario.text if scenario else None
    for table, cli_values, target, kinds in (
        (scenario.params if scenario else {}, sets, inputs.params, ("parameter", "state")),
        (scenario.assume if scenario else {}, assumes, inputs.assumptions, ("assumption",)),
    ):
        noun = "parameter" if kinds[0] == "parameter" else "assumption"
        for source, values in (("scenario", table), ("command line", cli_values)):
            for name, raw in values.items():
                value, span = (raw.value, raw.span) if isinstance(raw, RawValue) else (raw, None)
                symbol = contract.symbols.get(name)
                known = symbol is not None and symbol.kind in kinds and (
                    symbol.kind != "state" or symbol.node.settable)
                if not known:
                    candidates = [s.name for s in contract.symbols.values()
                                  if s.kind in kinds and (s.kind != "state" or s.node.settable)]
                    hint = closest(name, candidates)
                    message = (f"the contract has no {noun} '{name}'" + (f"; did you mean '{hint}'?" if hint else "")
                               + (f" (its {noun}s: {', '.join(candidates)})" if candidates else f" (it has no {noun}s)"))
                    if source == "command line":
                        raise CommandLineError(Diagnostic(f"--{'set' if noun == 'parameter' else 'assume'}: {message}"))
                    raise ContractError(Diagnostic(message, span, text))
                if source == "scenario":
                    typed = coerce(value, symbol.type, what=f"{noun} '{name}'", span=span, text=text,
                                   zone=contract.time_zone)
                else:
                    option = f"--{'set' if noun == 'parameter' else 'assume'}"
                    try:
                        typed = coerce(value, symbol.type, what=f"{option} {name}", span=None, zone=contract.time_zone)
                    except ContractError as problem:
                        raise CommandLineError(problem.diagnostics) from None
                target[name] = Setting(typed, source, span)
    if until is not None:
        inputs.until = until
    elif scenario is not None and scenario.until is not None:
        inputs.until = scenario.until.value
    inputs.prices = scenario.prices if scenario else None
    markets = [s.name for s in contract.symbols.values() if s.kind == "market"]
    for name, series in (scenario.markets.items() if scenario else ()):
        if name not in markets:
            hint = closest(name, markets)
            raise ContractError(Diagnostic(
                f"the contract has no market '{name}'" + (f"; did you mean '{hint}'?" if hint else "")
                + (f" (its markets: {', '.join(markets)})" if markets else " (it has no market series)"),
                series.span, scenario.text))
        if inputs.prices is not None:  # the runtime would take one of the two and drop the other unsaid
            raise ContractError(Diagnostic(
                f"the series '{name}' is given twice, as 'prices' and as market.{name}: give it once", series.span,
                scenario.text))
        _check_signs(name, contract.symbols[name].type, series, scenario)
        inputs.markets[name] = series.value
    if inputs.prices is not None and len(markets) > 1:
        span = scenario.prices_span or Span(scenario.path, 1, 1)
        raise ContractError(Diagnostic(
            f"this contract has several market series ({', '.join(markets)}): give each as [market.NAME], "
            "not one 'prices'", span, scenario.text))
    inputs.events = bind_events(scenario, contract.events, contract.time_zone) if scenario else []
    return inputs


def replace_price_series(contract, inputs: Inputs, prices: dict) -> None:
    """Give the contract's single market the series `prices` in place of the one its scenario gave, as
    `prices` or as [market.NAME] (a batch grid's series): never beside it, where the runtime would read one."""
    markets = [s.name for s in contract.symbols.values() if s.kind == "market"]
    if not markets:
        raise ContractError(Diagnostic("this contract has no market series: it reads no 'prices'"))
    if len(markets) > 1:
        raise ContractError(Diagnostic(f"this contract has several market series ({', '.join(markets)}): "
                                       "a grid's 'prices' is the series of a contract's single market"))
    inputs.markets.pop(markets[0], None)
    inputs.prices = prices
