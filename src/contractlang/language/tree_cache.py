"""Syntax trees kept in the on-disk cache as plain data, and checked on the way back.

A tree is kept as nested lists: a node is [CLASS, field, ...] with its fields
in declaration order, CLASS being one of ast's own classes; a Span is [path,
line, column, end line, end column]; a tuple is a list; a date is its ISO
text. (Numbers are the author's text in a tree, so no Decimal needs keeping.)
What each field may hold is read from ast's type annotations, both ways, so
that a plain value is turned back into exactly the type its field declares
and anything else is refused; a value no annotation allows is not kept.
"""

from __future__ import annotations

import functools
import types
import typing
from datetime import date

import attrs

from .. import cache
from ..diagnostics import Span
from . import ast

def load_tree(name: str) -> ast.Contract | None:
    """The syntax tree stored under `name`, or None if there is none or it is not a sound tree."""
    plain = cache.load(name)
    if plain is None:
        return None
    try:
        return tree_from_plain(plain)
    except (ValueError, TypeError, RecursionError):  # TypeError: a class whose fields ast declares unkeepable
        return None


def store_tree(name: str, tree: ast.Contract) -> None:
    try:
        plain = tree_to_plain(tree)
    except (TypeError, RecursionError):  # not kept: parsed again next time
        return
    cache.store(name, plain)


def tree_to_plain(node: ast.Node):
    """A syntax tree as nested lists of texts, integers, booleans and None (TypeError if it holds anything else)."""
    return _converters(ast.Node)[0](node)


def tree_from_plain(plain, root: type = ast.Contract):
    """The syntax tree of `tree_to_plain`'s output; ValueError if `plain` is not a tree rooted in `root`."""
    return _converters(root)[1](plain)


_NODE_CLASSES = {cls.__name__: cls for cls in vars(ast).values()
                 if isinstance(cls, type) and issubclass(cls, ast.Node) and attrs.has(cls)}
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
        return _node(hint)
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


def _span():
    """A Span, which every node has: [path, line, column, end line, end column], checked at one go."""
    def to_plain(value):
        if type(value) is not Span:
            raise TypeError(f"{value!r} is not a Span")
        return [value.path, value.line, value.column, value.end_line, value.end_column]

    def from_plain(plain):
        if type(plain) is not list or list(map(type, plain)) != _SPAN_TYPES:
            raise _wrong(plain, "a span")
        return Span(*plain)

    return to_plain, from_plain


def _node(hint: type):
    """A node of class `hint` or of any of its subclasses, named by its class."""
    def to_plain(value):
        if not isinstance(value, hint) or _NODE_CLASSES.get(type(value).__name__) is not type(value):
            raise TypeError(f"{value!r} is not a {hint.__name__} of the syntax tree")
        return [type(value).__name__, *[to(getattr(value, name)) for name, to in _fields_to_plain(type(value))]]

    def from_plain(plain):
        if type(plain) is not list or not plain or type(plain[0]) is not str:
            raise _wrong(plain, hint.__name__)
        cls = _NODE_CLASSES.get(plain[0])
        if cls is None or not issubclass(cls, hint):
            raise _wrong(plain[0], hint.__name__)
        count, atoms, converted = _fields_from_plain(cls)
        if len(plain) != count + 1:
            raise _wrong(plain, f"{count} fields of {cls.__name__}")
        values = plain[1:]
        for index, allowed in atoms:
            if type(values[index]) not in allowed:
                raise _wrong(values[index], cls.__name__ + " field")
        for index, optional, back in converted:
            if not (optional and values[index] is None):
                values[index] = back(values[index])
        return cls(*values)

    return to_plain, from_plain


@functools.lru_cache(maxsize=None)
def _fields_to_plain(cls: type) -> tuple:
    """(name, to plain) for each field of an attrs class, in order."""
    return tuple((field.name, _converters(_declared_type(field.type))[0]) for field in attrs.fields(cls))


@functools.lru_cache(maxsize=None)
def _fields_from_plain(cls: type) -> tuple:
    """How to rebuild the fields of an attrs class: (how many, fields kept as they are with the
    types they may have, and (index, may be None, from plain) for the others).

    Trees are read far more often than written: texts, numbers and flags, most of
    a tree, are checked in place instead of each through a function."""
    atoms, converted = [], []
    fields = attrs.fields(cls)
    for index, field in enumerate(fields):
        hint = _declared_type(field.type)
        arguments = typing.get_args(hint)
        optional = typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in arguments
        inner = next(a for a in arguments if a is not type(None)) if optional else hint
        if inner in (str, bool, int):
            atoms.append((index, {inner, type(None)} if optional else {inner}))
        else:
            converted.append((index, optional, _converters(inner)[1]))
    return len(fields), tuple(atoms), tuple(converted)


@functools.lru_cache(maxsize=None)
def _declared_type(annotation):
    """The type an annotation of ast names (ast's annotations are text: postponed evaluation).

    Evaluated in ast's namespace as typing.get_type_hints would, but once for each
    distinct text rather than once for each field of each class: a process reads
    its first tree sooner."""
    while isinstance(annotation, str):  # `"TypeExpr | None"`, quoted in ast, is text twice over
        annotation = eval(annotation, vars(ast))  # ast's own source text, never a cache entry's
    return annotation
