"""A small on-disk cache for work that does not change between runs.

Three things are kept: Lark's compiled parser tables, the syntax trees of
contract files (keyed by their text, the grammar and the code that builds
trees), and the holiday lists of calendars (keyed by the holidays package
installed). The cache is an optimisation, so it must never change an outcome:

- Entries are plain JSON, read with a parser that cannot run code, behind a
  digest of the entry's name and body: damaged or misnamed entries are misses.
  Their contents are checked again on the way back (a tree field by field
  against ast's declared types), so an entry of the wrong shape is a miss too.
- The folder ($CONTRACT_CACHE_DIR, else $XDG_CACHE_HOME/contractlang, else
  ~/.cache/contractlang) is used only if it is a real directory owned by the
  user and closed to everyone else (one that is ours but open is closed, mode
  0700). Otherwise the tool runs without a cache and says so once on stderr:
  there is no fall-back to a shared folder, where another user could plant entries.
- Entries are written whole (a temporary file renamed into place); a write that
  fails (a full disk) is skipped without a word.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
import sys
import types
import typing
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs

from . import __version__
from .language import ast
from .diagnostics import ContractError, Span
from .files import read_text, write_whole

MAX_ENTRY_BYTES = 64_000_000


def folder() -> Path | None:
    """The cache folder, or None (after one warning on stderr) when there can be none."""
    return _checked_folder(
        os.environ.get("CONTRACT_CACHE_DIR")
        or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
                        "contractlang"))


@functools.lru_cache(maxsize=None)
def _checked_folder(place: str) -> Path | None:
    """Checked once per process and folder, so that the warning is given once."""
    problem = _unsafe(place)
    if problem is None:
        return Path(place)
    print(f"warning: no cache ({problem}); running without one", file=sys.stderr)
    return None


def _unsafe(place: str) -> str | None:
    """Why `place` cannot hold the cache, or None once it exists, is ours, and is closed to others."""
    if os.path.islink(place):
        return f"{place} is a symbolic link"
    if os.path.lexists(place) and not os.path.isdir(place):
        return f"{place} is not a directory"
    try:
        os.makedirs(place, mode=0o700, exist_ok=True)
        # the checks are made on the folder opened, so that it cannot be swapped in between
        handle = os.open(place, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as problem:
        return f"cannot create {place}: {problem.strerror}"
    try:
        status = os.fstat(handle)
        if status.st_uid != os.geteuid():
            return f"{place} is not owned by you"
        if stat.S_IMODE(status.st_mode) & 0o077:
            os.fchmod(handle, 0o700)
    except OSError as problem:
        return f"cannot make {place} private: {problem.strerror}"
    finally:
        os.close(handle)
    return None


def key(*parts: str) -> str:
    digest = hashlib.sha256(__version__.encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def _digest(name: str, body: str) -> str:
    return hashlib.sha256(f"{name}\0{body}".encode()).hexdigest()


def load(name: str, object_hook=None):
    """The plain value stored under `name` (JSON: no float, no code), or None for a missing or damaged entry.

    `object_hook` turns each JSON object read into what it stands for, as in json.loads;
    it raises ValueError for one of the wrong shape."""
    place = folder()
    if place is None:
        return None
    try:
        digest, body = read_text(str(place / name), limit=MAX_ENTRY_BYTES, noun="a cache entry").split("\n", 1)
        if digest != _digest(name, body):
            return None
        return json.loads(body, parse_float=Decimal, parse_constant=_refuse, object_hook=object_hook)
    except (ContractError, ValueError, RecursionError):
        return None


def _refuse(constant: str):
    raise ValueError(f"{constant} is not plain data")


def store(name: str, value) -> None:
    """Keep a plain value (JSON: dicts with text keys, lists, texts, integers, booleans, None) under `name`."""
    place = folder()
    if place is None:
        return
    try:
        body = json.dumps(value, separators=(",", ":"), allow_nan=False)
        write_whole(place / name, f"{_digest(name, body)}\n{body}", replace=True)
    except (ContractError, OSError, TypeError, ValueError, RecursionError):
        pass


# --------------------------------------------------------------- syntax trees
#
# A tree is kept as nested lists: a node is [CLASS, field, ...] with its fields
# in declaration order, CLASS being one of ast's own classes; a Span is [path,
# line, column, end line, end column]; a tuple is a list; a date is its ISO
# text. (Numbers are the author's text in a tree, so no Decimal needs keeping.)
# What each field may hold is read from ast's type annotations, both ways, so
# that a plain value is turned back into exactly the type its field declares
# and anything else is refused; a value no annotation allows is not kept.


def load_tree(name: str) -> ast.Contract | None:
    """The syntax tree stored under `name`, or None if there is none or it is not a sound tree."""
    plain = load(name)
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
    store(name, plain)


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


# ------------------------------------------------------------- parser tables
#
# Lark serialises a parser to dicts, lists and scalars (what `Lark.save` writes,
# in its own format), but its dicts of states and tokens have integer keys, which JSON
# cannot keep: those dicts are stored as {INT_KEYS: [[key, value], ...]}.

_INT_KEYS = "\0int keys"


def load_lark(name: str, runtime_options: dict):
    """A Lark parser from the tables stored under `name`, or None; `runtime_options` are those not stored."""
    from lark import Lark

    stored = load(name, object_hook=_int_keys_back)
    if not isinstance(stored, dict) or set(stored) != {"data", "memo"}:
        return None
    try:
        # Lark's own loader (behind Lark.load): it makes only the classes of its grammar and tables
        return Lark._load_from_dict(stored["data"], stored["memo"], **runtime_options)
    except Exception:  # tables of the wrong shape fail in as many ways as Lark has: build them afresh
        return None


def store_lark(name: str, parser, runtime_options: dict) -> None:
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    data, memo = parser.memo_serialize([TerminalDef, Rule])
    data["options"] = {option: value for option, value in data["options"].items() if option not in runtime_options}
    try:
        plain = {"data": _int_keys_out(data), "memo": _int_keys_out(memo)}
    except TypeError:  # a Lark whose tables hold something else: not kept
        return
    store(name, plain)


def _int_keys_out(value):
    if isinstance(value, dict):
        if all(type(k) is str for k in value):
            return {k: _int_keys_out(v) for k, v in value.items()}
        if all(type(k) is int for k in value):
            return {_INT_KEYS: [[k, _int_keys_out(v)] for k, v in value.items()]}
        raise TypeError("a dict with keys of several types")
    if isinstance(value, (list, tuple)):
        return [_int_keys_out(item) for item in value]
    if value is None or type(value) in (str, int, bool):
        return value
    raise TypeError(f"cannot keep {value!r}")


def _int_keys_back(value: dict) -> dict:
    if _INT_KEYS not in value:
        return value
    pairs = value[_INT_KEYS]
    if len(value) != 1 or type(pairs) is not list or not all(
            type(pair) is list and len(pair) == 2 and type(pair[0]) is int for pair in pairs):
        raise ValueError("not a dict with integer keys")
    return dict(pairs)
