"""Syntax trees and checked contracts kept in the on-disk cache as plain data, and checked on the way back.

A tree is kept as {"nodes": ..., "spans": ..., "elsewhere": ...}. A node is
[CLASS, field, ...] with its fields in declaration order but its span,
CLASS being one of ast's own classes; a tuple is a list; a date is its ISO
text. (Numbers are the author's text in a tree, so no Decimal needs keeping.)
The spans of all nodes, in the order the nodes are built (children first),
are one flat list of integers, four a node (line, column, end line, end
column), all in the entry's own file; those in another file, or none, are
listed under "elsewhere" by their place, with their path. Reading builds the
spans at one go and hands them to the nodes in turn: a tree's nodes are
mostly its spans, and a span each through a function took a third of a read.
What each field may hold is read from ast's type annotations, both ways, so
that a plain value is turned back into exactly the type its field declares
and anything else is refused; a value no annotation allows is not kept.

A checked contract is kept the same way with its tree, so that a later start
neither parses nor checks it: the types of the language (types.py) as their
classes and fields, each distinct type once, and the nodes its types and
symbols belong to by their place in the tree (the order of the spans).
"""

from __future__ import annotations

import functools
import os
import sys
import types
import typing
from datetime import date, datetime, time
from decimal import Decimal
from itertools import repeat
from time import time_ns

import attrs

from .. import cache
from ..diagnostics import Diagnostic, Span
from . import ast
from . import types as T
from .checked import NO_DEFAULT, CheckedContract, EventSpec, FieldSpec, Symbol

def load_tree(name: str, path: str) -> ast.Contract | None:
    """The syntax tree of the file `path` stored under `name`, or None if there is none or it is not a sound tree."""
    with cache.collector_paused():
        plain = cache.load(name)
        if plain is None:
            return None
        try:
            return tree_from_plain(plain, path=path)
        except (ValueError, TypeError, RecursionError):  # TypeError: a class whose fields ast declares unkeepable
            return None


def store_tree(name: str, tree: ast.Contract, path: str) -> None:
    try:
        plain = tree_to_plain(tree, path)
    except (TypeError, RecursionError):  # not kept: parsed again next time
        return
    cache.store(name, plain)


def tree_to_plain(node: ast.Node, path: str | None = None) -> dict:
    """A syntax tree as plain data, texts, integers, booleans and None in lists (TypeError if it holds anything
    else); spans in the file `path` without it."""
    return _tree_to_plain(node, path)[0]


def tree_from_plain(plain, root: type = ast.Contract, path: str | None = None):
    """The syntax tree of `tree_to_plain`'s output of the same `path`; ValueError if `plain` is not a tree rooted
    in `root`."""
    return _tree_from_plain(plain, root, path)[0]


class _Writing:
    """A tree being kept: its spans so far, flat, those elsewhere, and its nodes, in the order they are kept."""

    __slots__ = ("path", "spans", "elsewhere", "nodes")

    def __init__(self, path: str | None):
        self.path, self.spans, self.elsewhere, self.nodes = path, [], [], []

    def add(self, node: ast.Node) -> None:
        span = node.span
        if type(span) is Span and self.path is not None and span.path == self.path:
            self.spans += _span_to_plain(span, self.path)
        else:
            self.elsewhere.append([len(self.nodes), None if span is None else _span_to_plain(span, None)])
            self.spans += (0, 0, 0, 0)
        self.nodes.append(node)


def _tree_to_plain(node: ast.Node, path: str | None) -> tuple[dict, list]:
    """The plain form of a tree, and its nodes in the order their spans are kept."""
    writing = _Writing(path)
    _writing.append(writing)
    try:
        nodes = _converters(ast.Node)[0](node)
    finally:
        _writing.pop()
    return {"nodes": nodes, "spans": writing.spans, "elsewhere": writing.elsewhere}, writing.nodes


def _tree_from_plain(plain, root: type, path: str | None) -> tuple[ast.Node, list]:
    """A tree from its plain form, and its nodes in the order of their spans."""
    if type(plain) is not dict or plain.keys() != {"nodes", "spans", "elsewhere"}:
        raise _wrong(plain, "a tree")
    spans = _spans_from_plain(plain["spans"], plain["elsewhere"], path)
    nodes: list = []
    _reading.append((spans, nodes))
    try:
        tree = _converters(root)[1](plain["nodes"])
    except IndexError:  # a node met when every span is taken
        raise ValueError("more nodes than spans") from None
    finally:
        _reading.pop()
    if len(nodes) != len(spans):
        raise ValueError("more spans than nodes")
    return tree, nodes


def _spans_from_plain(flat, elsewhere, path: str | None) -> list:
    """Every span of a tree, at one go: four integers each in `path`, but those `elsewhere` names."""
    if type(flat) is not list or len(flat) % 4 or not set(map(type, flat)) <= {int}:
        raise _wrong(flat, "a list of spans")
    count = len(flat) // 4
    if path is None:
        spans = [None] * count
    else:
        spans = list(map(Span, repeat(path, count), flat[0::4], flat[1::4], flat[2::4], flat[3::4]))
    if type(elsewhere) is not list:
        raise _wrong(elsewhere, "a list of spans elsewhere")
    last = -1
    for entry in elsewhere:
        if type(entry) is not list or len(entry) != 2 or type(entry[0]) is not int or not last < entry[0] < count:
            raise _wrong(entry, "a span elsewhere, in order")
        last = entry[0]
        spans[last] = None if entry[1] is None else _span_from_plain(entry[1], None)
    if path is None and len(elsewhere) != count:
        raise ValueError("a span without its path, read with none given")
    return spans


_SPAN_TYPES = [str, int, int, int, int]
_SPAN_PLACE_TYPES = [int, int, int, int]


def _span_to_plain(span: Span, path: str | None) -> list:
    """[line, column, end line, end column] in the file `path`, with the span's path before them in another."""
    if type(span) is not Span or [type(span.path), *map(type, (span.line, span.column, span.end_line,
                                                                 span.end_column))] != _SPAN_TYPES:
        raise TypeError(f"{span!r} is not a Span of a path and four numbers")
    place = [span.line, span.column, span.end_line, span.end_column]
    return place if path is not None and span.path == path else [span.path, *place]


def _span_from_plain(plain, path: str | None) -> Span:
    kinds = list(map(type, plain)) if type(plain) is list else None
    if kinds == _SPAN_PLACE_TYPES and path is not None:
        return Span(path, *plain)
    if kinds != _SPAN_TYPES:
        raise _wrong(plain, "a span")
    return Span(*plain)


_NODE_CLASSES = {cls.__name__: cls for cls in vars(ast).values()
                 if isinstance(cls, type) and issubclass(cls, ast.Node) and attrs.has(cls)}
_TYPE_CLASSES = {cls.__name__: cls for cls in vars(T).values() if isinstance(cls, type) and attrs.has(cls)}
_writing: list[_Writing] = []  # while a tree is kept
_reading: list[tuple[list, list]] = []  # while a tree is read: its spans, and the nodes built so far
_ATOMS = {  # the types a field may declare, with their plain form and back
    str: (str, lambda value: value),
    bool: (bool, lambda value: value),
    int: (int, lambda value: value),
    date: (str, date.fromisoformat),
}
_ANY_ATOM = (str, bool, int, type(None))  # what a bare `tuple` field may hold besides nodes


def _wrong(value, wanted) -> ValueError:
    # names the type only: a planted value may be too large or too deep to print
    return ValueError(f"a {type(value).__name__} where {wanted} was expected")


@functools.lru_cache(maxsize=None)
def _converters(hint) -> tuple[typing.Callable, typing.Callable]:
    """(to plain, from plain) for values of one declared type."""
    inner = _optional_inner(hint)
    if inner is not None:
        inner_to, inner_from = _converters(inner)
        return (lambda value: None if value is None else inner_to(value),
                lambda plain: None if plain is None else inner_from(plain))
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return _sequence(*_converters(arguments[0]))
        return _fixed_sequence([_converters(argument) for argument in arguments])
    if hint is tuple:  # a bare tuple (a block of statements): nodes and plain atoms
        return _sequence(*_converters(typing.Any))
    if hint is typing.Any:
        return _any_value()
    if hint in _ATOMS:
        return _atom(hint, *_ATOMS[hint])
    if isinstance(hint, type) and issubclass(hint, ast.Node):
        return _node(hint, _NODE_CLASSES)
    if isinstance(hint, type) and (issubclass(hint, T.Type) or hint is T.Unit):
        return _node(hint, _TYPE_CLASSES)
    raise TypeError(f"cannot keep fields of type {hint}")


def _optional_inner(hint):
    """X for `X | None`, None for any other type; TypeError for a union of more (not kept)."""
    if typing.get_origin(hint) not in (typing.Union, types.UnionType):
        return None
    arguments = typing.get_args(hint)
    if len(arguments) != 2 or type(None) not in arguments:
        raise TypeError(f"cannot keep fields of type {hint}")
    return next(a for a in arguments if a is not type(None))


def _sequence(item_to, item_from):
    def from_plain(plain):
        if type(plain) is not list:
            raise _wrong(plain, "a list")
        return tuple([item_from(item) for item in plain])

    return (lambda value: [item_to(item) for item in value]), from_plain


def _fixed_sequence(items):
    def to_plain(value):
        if len(value) != len(items):
            raise TypeError(f"{value!r} has {len(value)} items, not {len(items)}")
        return [to(item) for (to, _), item in zip(items, value)]

    def from_plain(plain):
        if type(plain) is not list or len(plain) != len(items):
            raise _wrong(plain, f"a list of {len(items)}")
        return tuple([back(item) for (_, back), item in zip(items, plain)])

    return to_plain, from_plain


def _any_value():
    node_to, node_from = _converters(ast.Node)

    def to_plain(value):
        if isinstance(value, ast.Node):
            return node_to(value)
        if type(value) not in _ANY_ATOM:
            raise TypeError(f"cannot keep {value!r}")
        return value

    def from_plain(plain):
        if type(plain) is list:
            return node_from(plain)
        if type(plain) not in _ANY_ATOM:
            raise _wrong(plain, "a node or a plain value")
        return plain

    return to_plain, from_plain


def _atom(hint, plain_type, back):
    def to_plain(value):
        if type(value) is not hint:
            raise TypeError(f"{value!r} is not a {hint.__name__}")
        return value if plain_type is hint else str(value)

    def from_plain(plain):
        if type(plain) is not plain_type:
            raise _wrong(plain, hint.__name__)
        return back(plain)

    return to_plain, from_plain


def _node(hint: type, classes: dict[str, type]):
    """A node (or a type) of class `hint` or of any of its subclasses in `classes`, named by its class.

    A node's span is not among its fields: it goes to the tree's spans when the node is kept, after its
    children, and comes from them in the same order when it is built."""
    spanned = classes is _NODE_CLASSES

    def to_plain(value):
        if not isinstance(value, hint) or classes.get(type(value).__name__) is not type(value):
            raise TypeError(f"{value!r} is not a {hint.__name__} of the syntax tree")
        plain = [type(value).__name__, *[to(getattr(value, name)) for name, to in _fields_to_plain(type(value))]]
        if spanned:
            _writing[-1].add(value)
        return plain

    known: dict[str, tuple] = {}  # each class name met here: the class, its fields' readers, its plans

    def from_plain(plain):
        if type(plain) is not list or not plain or type(plain[0]) is not str:
            raise _wrong(plain, hint.__name__)
        found = known.get(plain[0])
        if found is None:
            cls = classes.get(plain[0])
            if cls is None or not issubclass(cls, hint):
                raise _wrong(plain[0], hint.__name__)
            found = known[plain[0]] = (cls, _fields_from_plain(cls), {})
        cls, readers, plans = found
        values = plain[1:]
        kinds = tuple(map(type, values))
        plan = plans.get(kinds)
        if plan is None:
            plan = plans[kinds] = _plan(cls, readers, kinds)
        for index, back in plan:
            values[index] = back(values[index])
        if spanned:
            spans, nodes = _reading[-1]
            built = cls(*values, spans[len(nodes)])
            nodes.append(built)
            return built
        return cls(*values)

    return to_plain, from_plain


def _plan(cls: type, readers: tuple, kinds: tuple) -> tuple:
    """The fields to turn back, each with how, of a class's plain fields of these types; ValueError if a field's
    type does not allow its value.

    Made once for each combination of types met: most fields (texts, numbers, flags, absent
    values) are then taken as they are, without a call each."""
    if len(kinds) != len(readers):
        raise _wrong(kinds, f"{len(readers)} fields of {cls.__name__}")
    plan = []
    for index, (kind, (as_is, turned)) in enumerate(zip(kinds, readers)):
        if kind not in as_is:
            if kind not in turned:
                raise ValueError(f"a {kind.__name__} where a field of {cls.__name__} was expected")
            plan.append((index, turned[kind]))
    return tuple(plan)


@functools.lru_cache(maxsize=None)
def _kept_fields(cls: type) -> tuple:
    """The fields of an attrs class that are kept in its plain form: all but a node's span, its last field."""
    fields = attrs.fields(cls)
    if cls in _NODE_CLASSES.values():
        if not fields or fields[-1].name != "span":
            raise TypeError(f"cannot keep {cls.__name__}: its last field is not its span")
        fields = fields[:-1]
    return fields


@functools.lru_cache(maxsize=None)
def _fields_to_plain(cls: type) -> tuple:
    """(name, to plain) for each kept field of an attrs class, in order."""
    return tuple((field.name, _converters(_declared_type(field.type, cls.__module__))[0])
                 for field in _kept_fields(cls))


@functools.lru_cache(maxsize=None)
def _fields_from_plain(cls: type) -> tuple:
    """For each kept field of an attrs class: the plain types taken as they are, and how to turn back each other
    plain type it may hold."""
    return tuple(_reader(_declared_type(field.type, cls.__module__)) for field in _kept_fields(cls))


def _reader(hint) -> tuple[frozenset, dict]:
    inner = _optional_inner(hint)
    if inner is not None:
        as_is, turned = _reader(inner)
        return as_is | {type(None)}, turned
    if hint in (str, bool, int):
        return frozenset({hint}), {}
    if hint is typing.Any:
        return frozenset(_ANY_ATOM), {list: _converters(ast.Node)[1]}
    if hint is date:
        return frozenset(), {str: date.fromisoformat}
    return frozenset(), {list: _converters(hint)[1]}  # a node, a type or a tuple


@functools.lru_cache(maxsize=None)
def _declared_type(annotation, module: str):
    """The type an annotation of ast or types names (their annotations are text: postponed evaluation).

    Evaluated in its module's namespace as typing.get_type_hints would, but once for each
    distinct text rather than once for each field of each class: a process reads
    its first tree sooner."""
    while isinstance(annotation, str):  # `"TypeExpr | None"`, quoted in ast, is text twice over
        annotation = eval(annotation, vars(sys.modules[module]))  # ast's or types' own source, never a cache entry's
    return annotation


# ------------------------------------------------------------ checked contracts

# what a checked contract is kept as; a class with other fields (a later version) is not kept
_KEPT_FIELDS = {
    CheckedContract: ("tree", "path", "text", "symbols", "types", "events", "event_sections", "currencies",
                      "formulas", "compiled", "blocks", "arguments", "item_index", "warnings"),
    Symbol: ("name", "kind", "type", "node", "section", "amount_type", "checking"),
    EventSpec: ("name", "fields", "time_field"),
    FieldSpec: ("type", "default"),
    Diagnostic: ("message", "span", "source", "severity"),
}
_DEFAULTS_TO_PLAIN = {Decimal: str, date: date.isoformat, time: time.isoformat, datetime: datetime.isoformat,
                      str: str}
_DEFAULTS_FROM_PLAIN = {"Decimal": Decimal, "date": date.fromisoformat, "time": time.fromisoformat,
                        "datetime": datetime.fromisoformat, "str": str}

SETTLED_NS = 10 * 10**9  # a file changed more recently than this is read, not known by its status


def checked_entry_name(path: str, text: str, grammar: str, for_evaluation: bool = False) -> str:
    """Named after the contract, the grammar and the code that parses and checks (language/ and stdlib/); the
    contract as an evaluation reads it (CheckedContract.for_evaluation) under a name of its own."""
    kept = "evaluated" if for_evaluation else "checked"
    return f"tree-{cache.key(grammar, _checking_code(), path, text)}-{kept}.json"


@functools.lru_cache(maxsize=1)
def _checking_code() -> str:
    package = os.path.dirname(os.path.dirname(__file__))
    sources = [os.path.join(package, "diagnostics.py")]
    for folder in ("language", "stdlib"):
        place = os.path.join(package, folder)
        sources += sorted(os.path.join(place, name) for name in os.listdir(place) if name.endswith(".py"))
    return code_identity(sources, time_ns())


def code_identity(sources: list[str], now_ns: int) -> str:
    """What tells the code of these files from any other: the status of each (device, inode, size, times of
    modification and of change) when none changed in the SETTLED_NS before `now_ns`, else their text.

    A write to a file, a rename onto its name, and a `touch` that sets its modification time back all
    give it a change time of the moment they happen, which no program can choose, so a file whose
    status is seen again holds the text it held when it was seen. Only two writes within one tick of
    the file system's clock can leave the same status: a file changed within the last seconds is
    read instead, so its status is taken only once no such write can follow. Reading every file each
    start took longer than the rest of finding a checked contract."""
    statuses = [os.stat(source) for source in sources]
    if all(max(status.st_mtime_ns, status.st_ctime_ns) < now_ns - SETTLED_NS for status in statuses):
        return "status\0" + "\0".join(
            f"{source}:{status.st_dev}:{status.st_ino}:{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}"
            for source, status in zip(sources, statuses))
    parts = []
    for source in sources:
        with open(source, encoding="utf-8") as handle:
            parts.append(handle.read())
    return "text\0" + "\0".join(parts)


def load_checked(name: str, path: str, text: str) -> CheckedContract | None:
    """The checked contract stored under `name` for this path and text, or None if there is none or it is not
    sound."""
    with cache.collector_paused():
        plain = cache.load(name)
        if plain is None:
            return None
        try:
            return checked_from_plain(plain, path, text)
        except (ValueError, TypeError, ArithmeticError, RecursionError):  # ArithmeticError: a default not a number
            return None


def store_checked(name: str, contract: CheckedContract) -> bool:
    """Keep a checked contract under `name`; False when it holds what cannot be kept."""
    try:
        plain = checked_to_plain(contract)
    except (TypeError, RecursionError):  # not kept: checked again next time
        return False
    cache.store(name, plain)
    return True


def checked_to_plain(contract: CheckedContract) -> dict:
    """A checked contract as plain data: its tree, and its types and symbols naming nodes by their place in it
    (TypeError if it holds anything else)."""
    for cls, fields in _KEPT_FIELDS.items():
        if tuple(field.name for field in attrs.fields(cls)) != fields:
            raise TypeError(f"{cls.__name__} has fields this cache does not know")
    if contract.formulas or contract.compiled or contract.blocks or contract.arguments or contract.item_index:
        raise TypeError("a contract already evaluated")
    tree, nodes = _tree_to_plain(contract.tree, contract.path)
    place = {id(node): number for number, node in enumerate(nodes)}
    if len(place) != len(nodes):
        raise TypeError("a node stands twice in the tree")
    type_to = _converters(T.Type)[0]
    table: dict = {}

    def type_number(value) -> int:
        if value not in table:
            table[value] = len(table)
        return table[value]

    def node_number(node_id: int) -> int:
        if node_id not in place:
            raise TypeError("a type or a symbol of a node outside the tree")
        return place[node_id]

    symbols = [[s.name, s.kind, type_number(s.type), node_number(id(s.node)), s.section,
                None if s.amount_type is None else type_number(s.amount_type), s.checking]
               for s in contract.symbols.values()]
    if any(name != symbol.name for name, symbol in contract.symbols.items()):
        raise TypeError("a symbol under another name")
    types = [number for node_id, value in contract.types.items()
             for number in (node_number(node_id), type_number(value))]
    events = [[name, spec.name, [[field, type_number(f.type), _default_to_plain(f.default)]
                                 for field, f in spec.fields.items()], spec.time_field]
              for name, spec in contract.events.items()]
    warnings = [[w.message, None if w.span is None else _span_to_plain(w.span, contract.path),
                 _source_to_plain(w.source, contract), w.severity] for w in contract.warnings]
    return {"tree": tree, "path": contract.path, "type_table": [type_to(value) for value in table],
            "types": types, "symbols": symbols, "events": events, "event_sections": dict(contract.event_sections),
            "currencies": list(contract.currencies), "warnings": warnings}


def _default_to_plain(default):
    if default is NO_DEFAULT:
        return ["absent"]
    if default is None or type(default) is bool:
        return ["plain", default]
    if type(default) not in _DEFAULTS_TO_PLAIN:
        raise TypeError(f"cannot keep a default of {type(default).__name__}")
    return [type(default).__name__, _DEFAULTS_TO_PLAIN[type(default)](default)]


def _source_to_plain(source, contract: CheckedContract):
    if source is None or source is contract.text or source == contract.text:
        return source is not None
    raise TypeError("a diagnostic about another text")


def checked_from_plain(plain, path: str, text: str) -> CheckedContract:
    """The checked contract of `checked_to_plain`'s output; ValueError if `plain` is not one of `path` and `text`."""
    def expect(condition: bool, what: str) -> None:
        if not condition:
            raise ValueError(f"not a checked contract: {what}")

    expect(type(plain) is dict and set(plain) == {"tree", "path", "type_table", "types", "symbols", "events",
                                                  "event_sections", "currencies", "warnings"}, "its keys")
    expect(plain["path"] == path, "another path")
    tree, nodes = _tree_from_plain(plain["tree"], ast.Contract, path)
    type_from = _converters(T.Type)[1]
    expect(type(plain["type_table"]) is list, "its types")
    table = [type_from(value) for value in plain["type_table"]]

    def listed(value, count: int) -> list:
        expect(type(value) is list and len(value) == count, "a list of the wrong length")
        return value

    def text_of(value) -> str:
        expect(type(value) is str, "a text")
        return value

    def number(value, among: list):
        expect(type(value) is int and 0 <= value < len(among), "a number outside its table")
        return among[value]

    # thousands of (node, type) pairs, flat: checked and looked up at one go, not pair by pair
    pairs = plain["types"]
    expect(type(pairs) is list and len(pairs) % 2 == 0 and set(map(type, pairs)) <= {int}, "its nodes' types")
    node_numbers, type_numbers = pairs[0::2], pairs[1::2]
    expect(not pairs or (0 <= min(node_numbers) and max(node_numbers) < len(nodes)
                         and 0 <= min(type_numbers) and max(type_numbers) < len(table)), "a number outside its table")
    types = dict(zip(map(id, map(nodes.__getitem__, node_numbers)), map(table.__getitem__, type_numbers)))
    symbols = {}
    for entry in listed(plain["symbols"], len(plain["symbols"])):
        name, kind, type_, node, section, amount_type, checking = listed(entry, 7)
        expect(type(checking) is bool and name not in symbols, "a symbol")
        symbols[text_of(name)] = Symbol(name, text_of(kind), number(type_, table), number(node, nodes),
                                        text_of(section), None if amount_type is None else number(amount_type, table),
                                        checking)
    events = {}
    for entry in listed(plain["events"], len(plain["events"])):
        name, spec_name, fields, time_field = listed(entry, 4)
        specs = {}
        for field in listed(fields, len(fields)):
            field_name, field_type, default = listed(field, 3)
            specs[text_of(field_name)] = FieldSpec(number(field_type, table), _default_from_plain(default, expect))
        events[text_of(name)] = EventSpec(text_of(spec_name), specs,
                                          None if time_field is None else text_of(time_field))
    sections = plain["event_sections"]
    expect(type(sections) is dict and all(type(value) is str for value in sections.values()), "its sections")
    currencies = tuple(text_of(currency) for currency in listed(plain["currencies"], len(plain["currencies"])))
    warnings = []
    for entry in listed(plain["warnings"], len(plain["warnings"])):
        message, span, has_source, severity = listed(entry, 4)
        expect(type(has_source) is bool, "a diagnostic")
        warnings.append(Diagnostic(text_of(message), None if span is None else _span_from_plain(span, path),
                                   text if has_source else None, text_of(severity)))
    return CheckedContract(tree, path, text, symbols, types, events, dict(sections), currencies, warnings=warnings)


def _default_from_plain(plain, expect):
    expect(type(plain) is list and plain and type(plain[0]) is str, "a default")
    kind, *rest = plain
    if kind == "absent" and not rest:
        return NO_DEFAULT
    expect(len(rest) == 1, "a default")
    if kind == "plain":
        expect(rest[0] is None or type(rest[0]) is bool, "a default")
        return rest[0]
    expect(kind in _DEFAULTS_FROM_PLAIN and type(rest[0]) is str, "a default")
    return _DEFAULTS_FROM_PLAIN[kind](rest[0])
