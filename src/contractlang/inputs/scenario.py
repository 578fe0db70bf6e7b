"""Scenario files (TOML or JSON) read into exact, typed inputs with positions.

Every number is read as a Decimal (TOML floats included: the TOML parser,
tomli, is given `parse_float=Decimal`), never as a binary float. It reports no
positions for keys, so a small locator finds the line of a key in the text;
errors about an event name its 1-based position, its type and the field.

Every file is read through `files.read_text`; a price series is a file the
scenario names, found through `files.resolve_reference`. A file that another
file names may be anything on the machine, so no line of it is shown under a
diagnostic until it is known to be what it should be.
"""

from __future__ import annotations

import functools
import io
import os
import re
import sys
from collections.abc import Callable
from datetime import date, datetime
from decimal import Context, Decimal, Inexact, InvalidOperation, Rounded
from fractions import Fraction

import attrs

from .. import files, records
from ..cache import collector_paused
from ..stdlib import exact
from ..stdlib.kept import KeptTable
from ..stdlib.prices import DatedValues
from ..diagnostics import ContractError, Diagnostic, Span, closest, source_lines

MAX_SCENARIO_BYTES = 5_000_000
MAX_PRICE_SERIES_BYTES = 5_000_000
SCENARIO_FORMATS = (".toml", ".json")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TOP_LEVEL_KEYS = ("title", "until", "params", "assume", "prices", "market", "events")


@records.frozen
class RawValue:
    """A value as read, where it is written, and for a series where each of its dates is (`entry`)."""

    value: object
    span: Span | None
    entry: Callable[[date], Span] | None = attrs.field(default=None, eq=False, repr=False)


@records.frozen
class RawEvent:
    """One event as written: its fields are the values as read (besides type and date).

    Where each key is written is found only when a diagnostic asks for it (`span_of`):
    finding every key of every event up front cost more than reading the file."""

    index: int
    type: str
    date: date
    fields: dict
    span: Span
    locator: _Locator = attrs.field(repr=False, eq=False)

    def span_of(self, key: str) -> Span:
        """Where the event writes `key` (the event's start when the key is not found on its lines)."""
        return self.locator.event_key(self.index, key)


@records.define
class RawScenario:
    path: str
    text: str
    title: str | None = None
    until: RawValue | None = None
    params: dict = attrs.field(factory=dict)
    assume: dict = attrs.field(factory=dict)
    prices: dict | None = None
    prices_span: Span | None = None  # where 'prices' is written
    markets: dict = attrs.field(factory=dict)  # [market.NAME]: several named series (rates may be negative)
    events: list = attrs.field(factory=list)


@records.frozen
class BoundEvent:
    index: int
    type: str
    date: date
    fields: dict
    span: Span | None


# ---------------------------------------------------------------- locating


class _Locator:
    """Finds the line and column of keys in a TOML or JSON text."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.lines = source_lines(text)
        # each test of a line is guarded by a plain `in`, the cheapest test there is: most lines fail it
        self.event_starts = [i for i, line in enumerate(self.lines)
                             if "[[events]]" in line and line.strip().startswith("[[events]]")]
        if not self.event_starts and path.endswith(".json"):  # the objects of a pretty-printed "events" array
            opened = next((i for i, line in enumerate(self.lines) if '"events"' in line), None)
            if opened is not None:
                self.event_starts = [i for i in range(opened + 1, len(self.lines))
                                     if "{" in self.lines[i] and self.lines[i].lstrip().startswith("{")]
        self.top_end: int | None = None  # where the keys before the first table end: found at the first look-up
        self.tops: dict[str, Span] = {}
        self.event_keys: dict[int, dict[str, Span]] = {}

    def _find(self, key: str, start: int, stop: int) -> Span | None:
        pattern = _key_pattern(key)
        for number in range(start, min(stop, len(self.lines))):
            match = pattern.search(self.lines[number])
            if match:
                column = len(self.lines[number]) - len(self.lines[number].lstrip()) + 1
                return Span(self.path, number + 1, column)
        return None

    def _table(self, name: str) -> tuple[int, int]:
        for number, line in enumerate(self.lines):
            if line.strip() == f"[{name}]":
                end = next((i for i in range(number + 1, len(self.lines)) if self.lines[i].lstrip().startswith("[")),
                           len(self.lines))
                return number + 1, end
        return 0, len(self.lines)

    def table_or_key(self, name: str) -> Span | None:
        """Where a TOML scenario gives a table: as [NAME] (a series [market.NAME]), or as NAME = "file.csv"."""
        dotted = _key_pattern(name)
        for number, line in enumerate(self.lines):
            if line.strip() == f"[{name}]" or dotted.search(line):
                return Span(self.path, number + 1, len(line) - len(line.lstrip()) + 1)
        return None

    def top(self, key: str) -> Span:
        if self.top_end is None:
            self.top_end = next((i for i, line in enumerate(self.lines)
                                 if "[" in line and line.lstrip().startswith("[")), len(self.lines))
        if key not in self.tops:
            self.tops[key] = self._find(key, 0, self.top_end) or self._find(key, 0, len(self.lines)) or self.start()
        return self.tops[key]

    def in_table(self, table: str, key: str) -> Span:
        start, end = self._table(table)
        return self._find(key, start, end) or self.top(table)

    def event(self, index: int) -> Span:
        if index - 1 < len(self.event_starts):
            number = self.event_starts[index - 1]
            line = self.lines[number]
            return Span(self.path, number + 1, len(line) - len(line.lstrip()) + 1)
        return self.top("events")

    def event_key(self, index: int, key: str) -> Span:
        if index - 1 < len(self.event_starts):
            keys = self.event_keys.get(index)
            if keys is None:
                keys = self.event_keys[index] = self._keys_of_event(index)
            return keys.get(key) or self.event(index)
        return self.event(index)

    def _keys_of_event(self, index: int) -> dict[str, Span]:
        """Where each key of one event is written: one pass over its own lines."""
        start = self.event_starts[index - 1] + 1
        stop = self.event_starts[index] if index < len(self.event_starts) else len(self.lines)
        found: dict[str, Span] = {}
        for number in range(start, stop):
            line = self.lines[number]
            stripped = line.lstrip()
            if stripped.startswith("["):
                break
            match = _ANY_KEY.match(stripped)
            if match and match.group(1) not in found:
                found[match.group(1)] = Span(self.path, number + 1, len(line) - len(stripped) + 1)
        return found

    def start(self) -> Span:
        return Span(self.path, 1, 1)


_ANY_KEY = re.compile(r'"?([A-Za-z0-9_\-]+)"?\s*[=:]')


@functools.lru_cache(maxsize=256)
def _key_pattern(key: str):
    return re.compile(r'^\s*"?' + re.escape(key) + r'"?\s*[=:]')


# ---------------------------------------------------------------- reading


def load_scenario(path: str, *, echo: bool = True) -> RawScenario:
    """Read a scenario file; every problem is a ContractError with a position.

    With echo=False (a scenario that another file names) diagnostics about its
    content give the position and the message but never a line of it: the
    name may point at any file on the machine. Reading builds many objects and
    no cycle among them, so the cycle collector waits until it is done."""
    with collector_paused():
        return _read_scenario(path, echo)


def _read_scenario(path: str, echo: bool) -> RawScenario:
    extension = os.path.splitext(path)[1].lower()
    if extension not in SCENARIO_FORMATS:
        raise ContractError(Diagnostic("a scenario is a .toml or .json file", Span(path, 1, 1), ""))
    text = files.read_text(path, limit=MAX_SCENARIO_BYTES, noun="a scenario")
    shown = text if echo else ""
    locator = _Locator(path, text)
    if extension == ".json":
        data = _parse_json(text, path, shown)
    else:
        data = parse_toml(text, path, shown)
    if not isinstance(data, dict):
        raise ContractError(Diagnostic("a scenario is a table of keys (title, until, params, assume, prices, market, events)",
                                       locator.start(), shown))
    _check_depth(data, path, shown)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            hint = closest(key, TOP_LEVEL_KEYS)
            raise ContractError(Diagnostic(
                f"unknown key '{key}' in a scenario" + (f"; did you mean '{hint}'?" if hint else "")
                + f" (the keys are: {', '.join(TOP_LEVEL_KEYS)})", locator.top(key), shown))
    scenario = RawScenario(path, shown)
    if "title" in data:
        if not isinstance(data["title"], str):
            raise ContractError(Diagnostic("'title' must be a text", locator.top("title"), shown))
        scenario.title = data["title"]
    if "until" in data:
        span = locator.top("until")
        scenario.until = RawValue(_date_value(data["until"], "'until'", span, shown), span)
    for table, target in (("params", scenario.params), ("assume", scenario.assume)):
        if table in data:
            if not isinstance(data[table], dict):
                raise ContractError(Diagnostic(f"'{table}' must be a table of NAME = VALUE", locator.top(table), shown))
            for name, value in data[table].items():
                target[name] = RawValue(value, locator.in_table(table, name))
    if "prices" in data:
        scenario.prices = _prices(data["prices"], path, shown, locator)
        scenario.prices_span = locator.table_or_key("prices") or locator.top("prices")
    if "market" in data:
        span = locator.top("market")
        if not isinstance(data["market"], dict):
            raise ContractError(Diagnostic("'market' must hold one table (or CSV file name) for each series: "
                                           "[market.NAME] or market.NAME = \"file.csv\"", span, shown))
        for name, series in data["market"].items():
            series_span = locator.table_or_key(f"market.{name}") or span
            values, entry = _series(name, series, path, shown, series_span, locator)
            scenario.markets[name] = RawValue(values, series_span, entry)
    if "events" in data:
        events = data["events"]
        if not isinstance(events, list):
            raise ContractError(Diagnostic("'events' must be a list of tables ([[events]])", locator.top("events"), shown))
        for index, event in enumerate(events, start=1):
            scenario.events.append(_raw_event(index, event, locator, shown))
    return scenario


def parse_toml(text: str, path: str, shown: str):
    """A TOML text with its numbers as exact Decimals; what the parser refuses (a number no Decimal or int
    holds among it) is a diagnostic at its place. A scenario and a batch's grid are read with it.

    tomli rather than the standard library's tomllib (the same parser, which it is taken from): its
    compiled build reads a scenario some two and a half times faster, and says where a text is wrong."""
    import tomli

    try:
        return tomli.loads(text, parse_float=_exact_number)
    except _ExponentTooLarge as number:
        raise ContractError(Diagnostic(f"not valid TOML: {number}", _span_at(path, text, max(0, text.find(number.text))),
                                       shown))
    except tomli.TOMLDecodeError as problem:
        message = problem.msg or "invalid TOML"
        raise ContractError(Diagnostic(f"not valid TOML: {message[:1].lower() + message[1:]}",
                                       Span(path, problem.lineno or 1, problem.colno or 1), shown))
    except ValueError:
        # the parser reads integers with int(), which refuses more digits than sys.get_int_max_str_digits()
        limit = sys.get_int_max_str_digits()
        long_number = next((found for found in re.finditer(r"[0-9][0-9_]*", text)
                            if len(found.group().replace("_", "")) > limit), None)
        span = _span_at(path, text, long_number.start()) if long_number else Span(path, 1, 1)
        raise ContractError(Diagnostic(f"not valid TOML: a number of more than {limit:,} digits", span, shown))
    except RecursionError:
        raise ContractError(Diagnostic("the scenario is nested too deeply", Span(path, 1, 1), shown))


def _parse_json(text: str, path: str, shown: str):
    """The JSON text read by json's C scanner, which refuses a key given twice without saying where; only
    then is the text read again by json's Python scanner, which finds where (some 20 times slower)."""
    import json
    import json.scanner

    try:
        try:
            data = json.JSONDecoder(parse_float=_exact_number, parse_int=Decimal, parse_constant=_not_a_json_number,
                                    object_pairs_hook=_dict_refusing_duplicate_keys).decode(text)
        except _KeyGivenTwice:
            decoder = json.JSONDecoder(parse_float=_exact_number, parse_int=Decimal, parse_constant=_not_a_json_number)
            decoder.parse_object = _json_object_refusing_duplicate_keys
            decoder.scan_once = json.scanner.py_make_scanner(decoder)  # the C scanner would not call parse_object
            data = decoder.decode(text)
    except _NotAJsonNumber as constant:
        found = next((found.start(1) for found in re.finditer(_JSON_CONSTANT, text) if found.group(1) == str(constant)), 0)
        raise ContractError(Diagnostic(f"not valid JSON: {constant} is not a JSON number", _span_at(path, text, found),
                                       shown))
    except json.JSONDecodeError as problem:
        raise ContractError(Diagnostic(f"not valid JSON: {problem.msg}", Span(path, problem.lineno or 1, problem.colno or 1), shown))
    except _ExponentTooLarge as number:
        raise ContractError(Diagnostic(f"not valid JSON: {number}", _span_at(path, text, max(0, text.find(number.text))),
                                       shown))
    except _DuplicateKey as duplicate:
        raise ContractError(Diagnostic(f"'{duplicate.key}' is given twice in the same object (a key may be given once)",
                                       _span_at(path, text, duplicate.offset), shown))
    except RecursionError:
        raise ContractError(Diagnostic("the scenario is nested too deeply", Span(path, 1, 1), shown))
    if "\\u" in text:  # json reads an escaped half of a surrogate pair as a character no output can encode
        lone = next((found for found in re.finditer(_JSON_SURROGATE, text) if not found.group(2)), None)
        if lone is not None:
            raise ContractError(Diagnostic(
                f"not valid JSON: \\u{lone.group(1)} is half of a surrogate pair, not a character (a character "
                "beyond U+FFFF is written as its pair, or as itself)", _span_at(path, text, lone.start(1) - 2), shown))
    return data


# Patterns met only on the way to an error, or once for a price series, are compiled when first used (re keeps
# them): a start compiles none of them.
# a string, read whole so that nothing inside it is taken for a constant, or one of the constants json allows
_JSON_CONSTANT = r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)'
# an escape not itself escaped (an even number of backslashes before it), with the low half after a high one
_JSON_SURROGATE = (r'(?<!\\)(?:\\\\)*\\u([dD][89a-fA-F][0-9a-fA-F]{2})'
                   r'(?:(?<=[dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2}))?')


class _NotAJsonNumber(Exception):
    """NaN, Infinity or -Infinity: json reads them as binary floats, though JSON has no such numbers."""


def _not_a_json_number(name: str):
    raise _NotAJsonNumber(name)


class _ExponentTooLarge(Exception):
    """A number written with an exponent that no Decimal holds (1e99999999999999999999), with its text."""

    def __init__(self, text: str):
        super().__init__(f"the number {text[:40]}{'…' if len(text) > 40 else ''} has an exponent beyond what a "
                         "decimal holds")
        self.text = text


def _exact_number(text: str) -> Decimal:
    """A number of the file as an exact Decimal; Decimal() itself refuses an exponent of more than 18 digits."""
    try:
        return Decimal(text)
    except InvalidOperation:
        raise _ExponentTooLarge(text) from None


class _DuplicateKey(Exception):
    """A key given twice in one JSON object, with the offset of its second occurrence."""

    def __init__(self, key: str, offset: int):
        super().__init__(key)
        self.key, self.offset = key, offset


class _KeyGivenTwice(Exception):
    """The C scanner met a key given twice somewhere: the careful reading says which and where."""


def _dict_refusing_duplicate_keys(pairs: list) -> dict:
    found = dict(pairs)
    if len(found) < len(pairs):
        raise _KeyGivenTwice
    return found


def _json_object_refusing_duplicate_keys(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
    """json's own object parser, except that a key given twice is refused where it is given the second time.

    json.loads would keep the last value silently. The object is read once more,
    key by key, only when it has a duplicate, to find where it stands."""
    from json import decoder

    pairs, end = decoder.JSONObject(s_and_end, strict, scan_once, None, list, memo)
    keys = [key for key, _ in pairs]
    if len(set(keys)) < len(keys):
        text, offset = s_and_end
        seen = set()
        for key in keys:
            offset = text.index('"', offset)
            if key in seen:
                raise _DuplicateKey(key, offset)
            seen.add(key)
            _, offset = decoder.scanstring(text, offset + 1, strict)
            offset = decoder.WHITESPACE.match(text, text.index(":", offset) + 1).end()
            _, offset = scan_once(text, offset)
    return dict(pairs), end


def _span_at(path: str, text: str, offset: int) -> Span:
    """The line and column of a character offset in a text."""
    line_start = text.rfind("\n", 0, offset) + 1
    return Span(path, text.count("\n", 0, offset) + 1, offset - line_start + 1)


def _check_depth(data, path: str, text: str, limit: int = 16) -> None:
    """Refuses a value deeper than `limit`; only tables and lists are visited (a value deeper than the
    limit is in a table or list at the limit)."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        inner = value.values() if isinstance(value, dict) else value
        if inner and depth >= limit:
            raise ContractError(Diagnostic("the scenario is nested too deeply", Span(path, 1, 1), text))
        stack.extend((v, depth + 1) for v in inner if isinstance(v, (dict, list)))


def _raw_event(index: int, event, locator: _Locator, text: str) -> RawEvent:
    span = locator.event(index)
    if not isinstance(event, dict):
        raise ContractError(Diagnostic(f"event {index} must be a table with date, type and its fields", span, text))
    if "type" not in event:
        raise ContractError(Diagnostic(f"event {index} has no 'type'", span, text))
    if not isinstance(event["type"], str):
        raise ContractError(Diagnostic(f"event {index}: 'type' must be a text naming the event",
                                       locator.event_key(index, "type"), text))
    kind = event["type"]
    if "date" not in event:
        raise ContractError(Diagnostic(f"event {index} ({kind}) has no 'date'", span, text))
    when = _plain_date(event["date"])
    if when is None:
        raise _not_a_date(event["date"], f"event {index} ({kind}): 'date'", locator.event_key(index, "date"), text)
    fields = dict(event)
    del fields["type"], fields["date"]
    return RawEvent(index, kind, when, fields, span, locator)


def _date_value(value, what: str, span: Span, text: str) -> date:
    when = _plain_date(value)
    if when is None:
        raise _not_a_date(value, what, span, text)
    return when


def _plain_date(value) -> date | None:
    """A TOML date, or a text YYYY-MM-DD, as a date; None for anything else (a date and time included)."""
    if isinstance(value, date):
        return None if isinstance(value, datetime) else value
    return parse_date(value) if isinstance(value, str) else None


def _not_a_date(value, what: str, span: Span, text: str) -> ContractError:
    if isinstance(value, datetime):
        return ContractError(Diagnostic(f"{what} must be a date, not a date and time", span, text))
    return ContractError(Diagnostic(f"{what} must be a date (YYYY-MM-DD), not {shown(value)}", span, text))


def parse_date(text: str) -> date | None:
    """The date a text writes as YYYY-MM-DD, or None: the one form of date the tool promises.

    date.fromisoformat alone would also take ISO week dates (2003W231) and
    compact ones (20030605) since Python 3.11."""
    if not ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _prices(value, path: str, text: str, locator: _Locator) -> dict:
    span = locator.top("prices")
    if isinstance(value, str):
        series = files.resolve_reference(value, path, extensions=(".csv",), role="the price series", span=span,
                                         text=text)
        return load_price_csv(series)
    if not isinstance(value, dict):
        raise ContractError(Diagnostic("'prices' must be a table of DATE = PRICE or the name of a CSV file", span, text))
    prices = {}
    for key, price in value.items():
        key_span = locator.in_table("prices", key)
        when = _date_value(key, f"price date {key!r}", key_span, text)
        prices[when] = _price_value(price, f"the price of {when}", key_span, text)
    return prices


def _series(name: str, value, path: str, text: str, span: Span, locator: _Locator) -> tuple[dict, Callable]:
    """One named series of a scenario: a table of DATE = VALUE, or a CSV file; values may be negative.

    With it comes where each date is written, found only when a diagnostic asks (the contract may
    refuse a value that the series alone cannot: a negative price)."""
    if isinstance(value, str):
        series = files.resolve_reference(value, path, extensions=(".csv",), role=f"the series '{name}'", span=span,
                                         text=text)
        return load_price_csv(series, signed=True), functools.partial(_row_of, series)
    if not isinstance(value, dict):
        raise ContractError(Diagnostic(f"market '{name}' must be a table of DATE = VALUE or the name of a CSV file",
                                       span, text))
    found, written = {}, {}
    for key, number in value.items():
        when, figure = _plain_date(key), decimal_value(number)
        if when is None or figure is None:  # only a wrong entry is looked for: a long table is read in one pass
            key_span = locator.in_table(f"market.{name}", key)
            when = _date_value(key, f"date {key!r} of market '{name}'", key_span, text)
            figure = _series_value(number, f"the value of market '{name}' on {when}", key_span, text)
        found[when], written[when] = figure, key
    return found, lambda when: locator.in_table(f"market.{name}", written[when])


def _row_of(path: str, when: date) -> Span:
    """Where a CSV series gives the value of `when`: the first row that starts with its date."""
    text = files.read_text(path, limit=MAX_PRICE_SERIES_BYTES, noun="a price series")
    pattern = re.compile(r'\s*"?' + when.isoformat() + r'\s*"?\s*,')
    number = next((number for number, line in enumerate(source_lines(text), start=1) if pattern.match(line)), 1)
    return Span(path, number, 1)


def _series_value(value, what: str, span: Span, text: str) -> Decimal:
    number = decimal_value(value)
    if number is None:
        raise ContractError(Diagnostic(f"{what} must be a number, not {shown(value)}", span, text))
    return number


SERIES_HEADERS = {False: (["date", "price"],), True: (["date", "price"], ["date", "value"])}  # by `signed`
# (path, signed) -> (the text read, its series): used only for the same text, so a changed file is read again;
# a process that has read none reads its first series whole (the benchmark empties it to time that first read)
SERIES_READ = KeptTable(16)


def load_price_csv(path: str, signed: bool = False) -> dict:
    """A CSV of closing prices with the columns date,price (header required).

    Until the header shows the file is a price series, no line of it is shown
    under a diagnostic: a scenario may name any file. A series read before from
    the very same text is not read again: a scenario run many times in one
    process names the same prices each time."""
    text = files.read_text(path, limit=MAX_PRICE_SERIES_BYTES, noun="a price series")
    kept = SERIES_READ.get((path, signed))
    if kept is not None and kept[0] == text:
        return kept[1].copy()
    prices = _plain_series(text, signed)
    if prices is None:
        prices = _series_row_by_row(path, text, signed)
    SERIES_READ.keep((path, signed), (text, prices))
    return prices.copy()  # a copy, with the days in order once found: what is kept is never changed


def _series_row_by_row(path: str, text: str, signed: bool) -> DatedValues:
    """The series read row by row: any row that is not written plainly is read here, and a wrong one said where."""
    rows = _numbered_rows(path, text)
    _, header = next(rows, (1, None))
    columns = [c.strip().lower() for c in header] if header is not None else None
    if columns not in SERIES_HEADERS[signed]:
        raise ContractError(Diagnostic("not a price series: it must start with the header 'date,price'"
                                       + (" (or 'date,value')" if signed else ""), Span(path, 1, 1), ""))
    prices = {}
    value_of = _series_value if signed else _price_value
    for number, row in rows:
        if len(row) == 2:  # the usual row, read without building positions; any doubt takes the careful way
            when, value = _plain_row(row, signed)
            if when is not None and when not in prices:
                prices[when] = value
                continue
        if not row or all(not cell.strip() for cell in row):
            continue
        where = Span(path, number, 1)
        if len(row) != 2:
            raise ContractError(Diagnostic(f"expected two columns, date and price, not {len(row)}", where, text))
        when = _date_value(row[0].strip(), "the date", where, text)
        if when in prices:
            raise ContractError(Diagnostic(f"{when} appears twice in the price series", where, text))
        prices[when] = value_of(row[1].strip(), f"the price of {when}", Span(path, number, len(row[0]) + 2), text)
    return DatedValues(prices)


_PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
# possessive (++, ?+): a row that does not match is not tried again in other ways, some 40% quicker
_PLAIN_ROW = r"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9],%s[0-9]{1,20}+(?:\.[0-9]{1,19}+)?+"
_PLAIN_SERIES = {signed: f"{_PLAIN_ROW % sign}(?:\n{_PLAIN_ROW % sign})*+\n?"  # compiled when first used
                 for signed, sign in ((False, ""), (True, "-?+"))}
# at most 20 + 19 digits: a plain price is made exactly (a figure that would be rounded raises)
_PLAIN_FIGURES = Context(prec=40, traps=[InvalidOperation, Inexact, Rounded])


def _plain_series(text: str, signed: bool) -> DatedValues | None:
    """The whole series at one go when its header is plain and every row after it is written plainly
    (2004-01-05,1.25), its dates distinct and real and its prices positive, else None for the reading row by
    row, which says what is wrong: a long series is read some five times faster."""
    header_end = text.find("\n")
    header = text[:header_end]
    if header_end < 0 or '"' in header or "\r" in header:  # a quote or a CR: the CSV reader reads the header
        return None
    if [column.strip().lower() for column in header.split(",")] not in SERIES_HEADERS[signed]:
        return None
    body = text[header_end + 1:]
    if not re.fullmatch(_PLAIN_SERIES[signed], body):
        return None
    cells = body.replace("\n", ",").split(",")
    if cells[-1] == "":  # the newline that ends the last row
        cells.pop()
    try:
        days = list(map(date.fromisoformat, cells[0::2]))
    except ValueError:
        return None
    values = list(map(_PLAIN_FIGURES.create_decimal, cells[1::2]))
    prices = DatedValues(zip(days, values))
    # a plain figure is never negative unless signed: all() finds a zero, quicker than min() finds the least
    if len(prices) != len(days) or not (signed or all(values)):
        return None
    return prices


def _plain_row(row: list[str], signed: bool):
    """(date, value) of a row written plainly (2004-01-05,1.25), else (None, None) for the careful reading."""
    day, figure = row
    if not (_PLAIN_DATE.fullmatch(day) and _PLAIN_NUMBER.fullmatch(figure) and len(figure) <= 40):
        return None, None
    try:
        when = date.fromisoformat(day)
    except ValueError:
        return None, None
    value = Decimal(figure)
    if not signed and value <= 0:
        return None, None
    return when, value


def _numbered_rows(path: str, text: str):
    """Each row of a CSV text with the line it starts on.

    The CSV reader reads the text itself, so that a quoted field may span
    lines. A row it refuses is a diagnostic at its line, without the line itself.
    A text without quotes is split plainly, line by line: the same rows, several times faster."""
    if '"' not in text and "\r" not in text:
        lines = text.split("\n")
        if lines and lines[-1] == "":  # the newline that ends the last row starts no row
            lines.pop()
        for number, line in enumerate(lines, start=1):
            yield number, line.split(",") if line else []
        return
    import csv  # here: a series without quotes, as most are, needs no csv module

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)  # a quote left open is refused, not read to the end
    while True:
        first_line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as problem:
            raise ContractError(Diagnostic(f"not a valid CSV row: {problem}", Span(path, reader.line_num, 1), ""))
        yield first_line, row


def _price_value(value, what: str, span: Span, text: str) -> Decimal:
    number = decimal_value(value)
    if number is None or number <= 0:
        raise ContractError(Diagnostic(f"{what} must be a positive number, not {shown(value)}", span, text))
    return number


# ---------------------------------------------------------------- typing


# ASCII digits only (Decimal would read "١٠٠" or "１００" too), an underscore only between two of them, as in TOML
_DIGITS = r"[0-9]+(?:_[0-9]+)*"
_WRITTEN_NUMBER = re.compile(rf"\s*-?{_DIGITS}(?:\.{_DIGITS})?\s*")


def ratio_value(value) -> Decimal | Fraction | None:
    """A plain number, or an exact ratio written as a text of two whole numbers with a slash ("1/3").

    The ratio is read exactly: a Decimal when it terminates, else a Fraction;
    None for anything else, a zero denominator or numbers of more than 40 digits."""
    if isinstance(value, str):
        found = re.fullmatch(rf"\s*(-?{_DIGITS})\s*/\s*({_DIGITS})\s*", value)
        if found:
            parts = [part.replace("_", "").lstrip("-") for part in found.groups()]
            if max(len(part.lstrip("0")) for part in parts) > 40:  # measured before converting: a long text converts slowly
                return None
            numerator, denominator = (int(part.replace("_", "")) for part in found.groups())
            if denominator == 0:
                return None
            return exact.from_fraction(Fraction(numerator, denominator))
    return decimal_value(value)


def decimal_value(value) -> Decimal | None:
    """A scenario value as an exact Decimal, or None for anything that is not a finite number of sensible size."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, str) and _WRITTEN_NUMBER.fullmatch(value):
        number = Decimal(value.strip().replace("_", ""))
    else:
        return None
    # at most the significant digits a number of a run may hold (stdlib/exact.py): a longer one would be
    # refused later, at whichever expression of the contract first reads it, not here at its key
    if not number.is_finite() or abs(number.adjusted()) > 40 or len(number.as_tuple().digits) > exact.DIGITS:
        return None
    return number


def too_many_digits(value) -> bool:
    """Whether a number as written has more significant digits than a number of a run may hold."""
    if isinstance(value, str) and _WRITTEN_NUMBER.fullmatch(value):
        value = Decimal(value.strip().replace("_", ""))
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool) and (
        len(Decimal(value).as_tuple().digits) > exact.DIGITS)


SHOWN_CHARACTERS = 80  # of a value a message quotes: a refused value may be a whole file's length


def shown(value) -> str:
    """A scenario value as a message quotes it, a long one cut short with an ellipsis."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:  # JSON's null
        return "null"
    if isinstance(value, (dict, list)):
        return "a table" if isinstance(value, dict) else "a list"
    text = str(value)
    if len(text) > SHOWN_CHARACTERS:
        text = text[:SHOWN_CHARACTERS] + "…"
    return f'"{text}"' if isinstance(value, str) else text
