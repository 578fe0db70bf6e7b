"""Syntax trees and checked contracts kept in the on-disk cache as plain data, and checked on the way back.

A tree is kept as nested lists: a node is [CLASS, field, ...] with its fields
in declaration order, CLASS being one of ast's own classes; a Span is [path,
line, column, end line, end column], or without its path when it is the
entry's own (most spans: it is stored once); a tuple is a list; a date is its ISO
text. (Numbers are the author's text in a tree, so no Decimal needs keeping.)
What each field may hold is read from ast's type annotations, both ways, so
that a plain value is turned back into exactly the type its field declares
and anything else is refused; a value no annotation allows is not kept.

A checked contract is kept the same way with its tree, so that a later start
neither parses nor checks it: the types of the language (types.py) as their
classes and fields, each distinct type once, and the nodes its types and
symbols belong to by their place in the tree (children first).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import types
import typing
from datetime import date, datetime, time
from decimal import Decimal

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


def tree_to_plain(node: ast.Node, path: str | None = None):
    """A syntax tree as nested lists of texts, integers, booleans and None (TypeError if it holds anything else);
    spans in the file `path` without it."""
    with _spans_in(path):
        return _converters(ast.Node)[0](node)


def tree_from_plain(plain, root: type = ast.Contract, path: str | None = None):
    """The syntax tree of `tree_to_plain`'s output of the same `path`; ValueError if `plain` is not a tree rooted
    in `root`."""
    with _spans_in(path):
        return _converters(root)[1](plain)


@contextlib.contextmanager
def _spans_in(path: str | None):
    _span_paths.append(path)
    try:
        yield
    finally:
        _span_paths.pop()


_NODE_CLASSES = {cls.__name__: cls for cls in vars(ast).values()
                 if isinstance(cls, type) and issubclass(cls, ast.Node) and attrs.has(cls)}
_TYPE_CLASSES = {cls.__name__: cls for cls in vars(T).values() if isinstance(cls, type) and attrs.has(cls)}
_numbering: list[list] = []  # while a checked contract is kept or read: the list its nodes go to, children first
_span_paths: list[str | None] = []  # while a tree is kept or read: the path of the file its spans are in
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
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if len(arguments) != 2 or type(None) not in arguments:
            raise TypeError(f"cannot keep fields of type {hint}")
        inner_to, inner_from = _converters(next(a for a in arguments if a is not type(None)))
        return (lambda value: None if value is None else inner_to(value),
                lambda plain: None if plain is None else inner_from(plain))
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
    if hint is Span:
        return _span()
    if isinstance(hint, type) and issubclass(hint, ast.Node):
        return _node(hint, _NODE_CLASSES)
    if isinstance(hint, type) and (issubclass(hint, T.Type) or hint is T.Unit):
        return _node(hint, _TYPE_CLASSES)
    raise TypeError(f"cannot keep fields of type {hint}")


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


_SPAN_TYPES = [str, int, int, int, int]
_SPAN_PLACE_TYPES = [int, int, int, int]


def _span():
    """A Span, which every node has: [line, column, end line, end column] in the file being kept or read,
    [path, line, column, end line, end column] in another, checked at one go."""
    def to_plain(value):
        if type(value) is not Span:
            raise TypeError(f"{value!r} is not a Span")
        place = [value.line, value.column, value.end_line, value.end_column]
        return place if _span_paths and value.path == _span_paths[-1] else [value.path, *place]

    def from_plain(plain):
        if type(plain) is not list:
            raise _wrong(plain, "a span")
        kinds = list(map(type, plain))
        if kinds == _SPAN_PLACE_TYPES and _span_paths and _span_paths[-1] is not None:
            return Span(_span_paths[-1], *plain)
        if kinds != _SPAN_TYPES:
            raise _wrong(plain, "a span")
        return Span(*plain)

    return to_plain, from_plain


def _node(hint: type, classes: dict[str, type]):
    """A node (or a type) of class `hint` or of any of its subclasses in `classes`, named by its class."""
    numbered = classes is _NODE_CLASSES

    def to_plain(value):
        if not isinstance(value, hint) or classes.get(type(value).__name__) is not type(value):
            raise TypeError(f"{value!r} is not a {hint.__name__} of the syntax tree")
        plain = [type(value).__name__, *[to(getattr(value, name)) for name, to in _fields_to_plain(type(value))]]
        if numbered and _numbering:
            _numbering[-1].append(value)
        return plain

    known: dict[str, tuple] = {}  # each class name met here, with how to rebuild its fields

    def from_plain(plain):
        if type(plain) is not list or not plain or type(plain[0]) is not str:
            raise _wrong(plain, hint.__name__)
        found = known.get(plain[0])
        if found is None:
            cls = classes.get(plain[0])
            if cls is None or not issubclass(cls, hint):
                raise _wrong(plain[0], hint.__name__)
            found = known[plain[0]] = (cls, *_fields_from_plain(cls))
        cls, count, atoms, converted = found
        if len(plain) != count + 1:
            raise _wrong(plain, f"{count} fields of {cls.__name__}")
        values = plain[1:]
        for index, allowed in atoms:
            if type(values[index]) not in allowed:
                raise _wrong(values[index], cls.__name__ + " field")
        for index, optional, back in converted:
            if not (optional and values[index] is None):
                values[index] = back(values[index])
        built = cls(*values)
        if numbered and _numbering:
            _numbering[-1].append(built)
        return built

    return to_plain, from_plain


@functools.lru_cache(maxsize=None)
def _fields_to_plain(cls: type) -> tuple:
    """(name, to plain) for each field of an attrs class, in order."""
    return tuple((field.name, _converters(_declared_type(field.type, cls.__module__))[0]) for field in attrs.fields(cls))


@functools.lru_cache(maxsize=None)
def _fields_from_plain(cls: type) -> tuple:
    """How to rebuild the fields of an attrs class: (how many, fields kept as they are with the
    types they may have, and (index, may be None, from plain) for the others).

    Trees are read far more often than written: texts, numbers and flags, most of
    a tree, are checked in place instead of each through a function."""
    atoms, converted = [], []
    fields = attrs.fields(cls)
    for index, field in enumerate(fields):
        hint = _declared_type(field.type, cls.__module__)
        arguments = typing.get_args(hint)
        optional = typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in arguments
        inner = next(a for a in arguments if a is not type(None)) if optional else hint
        if inner in (str, bool, int):
            atoms.append((index, {inner, type(None)} if optional else {inner}))
        else:
            converted.append((index, optional, _converters(inner)[1]))
    return len(fields), tuple(atoms), tuple(converted)


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


def checked_entry_name(path: str, text: str, grammar: str) -> str:
    """Named after the contract, the grammar and the code that parses and checks (language/ and stdlib/)."""
    return f"tree-{cache.key(grammar, _checking_source(), path, text)}-checked.json"


@functools.lru_cache(maxsize=1)
def _checking_source() -> str:
    package = os.path.dirname(os.path.dirname(__file__))
    sources = [os.path.join(package, "diagnostics.py")]
    for folder in ("language", "stdlib"):
        place = os.path.join(package, folder)
        sources += sorted(os.path.join(place, name) for name in os.listdir(place) if name.endswith(".py"))
    parts = []
    for source in sources:
        with open(source, encoding="utf-8") as handle:
            parts.append(handle.read())
    return "\0".join(parts)


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
    nodes: list = []
    _numbering.append(nodes)
    try:
        tree = tree_to_plain(contract.tree, contract.path)
    finally:
        _numbering.pop()
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
    types = [[node_number(node_id), type_number(value)] for node_id, value in contract.types.items()]
    events = [[name, spec.name, [[field, type_number(f.type), _default_to_plain(f.default)]
                                 for field, f in spec.fields.items()], spec.time_field]
              for name, spec in contract.events.items()]
    warnings = [[w.message, None if w.span is None else _span()[0](w.span), _source_to_plain(w.source, contract),
                 w.severity] for w in contract.warnings]
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
    nodes: list = []
    _numbering.append(nodes)
    try:
        tree = tree_from_plain(plain["tree"], path=path)
    finally:
        _numbering.pop()
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

    types = {}
    node_count, type_count = len(nodes), len(table)
    for entry in listed(plain["types"], len(plain["types"])):  # thousands: checked here, not call by call
        expect(type(entry) is list and len(entry) == 2, "a list of the wrong length")
        node, value = entry
        expect(type(node) is int and type(value) is int and 0 <= node < node_count and 0 <= value < type_count,
               "a number outside its table")
        types[id(nodes[node])] = table[value]
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
        warnings.append(Diagnostic(text_of(message), None if span is None else _span()[1](span),
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
