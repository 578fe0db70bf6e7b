"""Lark's compiled parser tables kept as plain data (JSON) that cannot run code when read.

Lark serialises a parser to dicts, lists and scalars (what `Lark.save` writes,
in its own format), but its dicts of states and tokens have integer keys, which
JSON cannot keep: those dicts are stored as {INT_KEYS: [[key, value], ...]}.

Building the tables takes longer than any evaluation, so the package ships
them (contract_tables.json beside this file: a line of what they were made
for, then the tables); a process whose cache has none takes those when they were
made for its grammar, options and Lark, and keeps them in the cache.
"""

from __future__ import annotations

import json
import os

from .. import cache
from ..files import write_whole

SHIPPED_TABLES = os.path.join(os.path.dirname(__file__), "contract_tables.json")
_INT_KEYS = "\0int keys"


def entry_name(made_for: dict[str, str]) -> str:
    """The cache entry of the tables made for a grammar and a Lark (`parser.tables_made_for`)."""
    return f"grammar-{cache.key(made_for['grammar'], made_for['lark'])}.json"


def load_lark(name: str, runtime_options: dict):
    """A Lark parser from the tables kept in the cache under `name`, or None; `runtime_options` are those not
    kept."""
    return _lark_from(cache.load(name, object_hook=_int_keys_back), runtime_options)


def load_shipped(made_for: dict[str, str], runtime_options: dict):
    """A Lark parser from the tables shipped with the package, or None unless they were made for the same grammar
    and Lark; they are kept in the cache on the way."""
    try:
        with open(SHIPPED_TABLES, encoding="utf-8") as shipped:
            if shipped_for(shipped.readline()) != made_for:
                return None
            body = shipped.read().rstrip("\n")
        parser = _lark_from(cache.plain_json(body, _int_keys_back), runtime_options)
    except (OSError, ValueError, RecursionError):
        return None
    if parser is not None:
        cache.store_json(entry_name(made_for), body)
    return parser


def shipped_for(first_line: str) -> dict | None:
    """What the shipped tables were made for, from their file's first line (None when it says nothing sound)."""
    try:
        made_for = json.loads(first_line)
    except ValueError:
        return None
    return made_for if isinstance(made_for, dict) else None


def _lark_from(stored, runtime_options: dict):
    from lark import Lark

    if not isinstance(stored, dict) or set(stored) != {"data", "memo"}:
        return None
    try:
        # Lark's own loader (behind Lark.load): it makes only the classes of its grammar and tables
        return Lark._load_from_dict(stored["data"], stored["memo"], **runtime_options)
    except Exception:  # tables of the wrong shape fail in as many ways as Lark has: build them afresh
        return None


def store_lark(name: str, parser, runtime_options: dict) -> None:
    plain = _plain_tables(parser, runtime_options)
    if plain is not None:
        cache.store(name, plain)


def write_shipped(made_for: dict[str, str], parser, runtime_options: dict) -> None:
    """Write the tables of `parser` to be shipped with the package: a line of what they were made for, then them."""
    plain = _plain_tables(parser, runtime_options)
    if plain is None:
        raise TypeError("Lark's tables hold something JSON cannot keep")
    header = json.dumps(made_for, sort_keys=True)
    write_whole(SHIPPED_TABLES, f"{header}\n{json.dumps(plain, separators=(',', ':'))}\n", replace=True)


def _plain_tables(parser, runtime_options: dict) -> dict | None:
    """The tables of `parser` as plain data, without the options given again when they are loaded (None when
    they hold something else)."""
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    data, memo = parser.memo_serialize([TerminalDef, Rule])
    data["options"] = {option: value for option, value in data["options"].items() if option not in runtime_options}
    try:
        return {"data": _int_keys_out(data), "memo": _int_keys_out(memo)}
    except TypeError:  # a Lark whose tables hold something else: not kept
        return None


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
