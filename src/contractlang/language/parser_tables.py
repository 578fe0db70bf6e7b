"""Lark's compiled parser tables kept in the on-disk cache as plain data (JSON) that cannot run code when read.

Lark serialises a parser to dicts, lists and scalars (what `Lark.save` writes,
in its own format), but its dicts of states and tokens have integer keys, which
JSON cannot keep: those dicts are stored as {INT_KEYS: [[key, value], ...]}.
"""

from __future__ import annotations

from .. import cache

_INT_KEYS = "\0int keys"


def load_lark(name: str, runtime_options: dict):
    """A Lark parser from the tables stored under `name`, or None; `runtime_options` are those not stored."""
    from lark import Lark

    stored = cache.load(name, object_hook=_int_keys_back)
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
    cache.store(name, plain)


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
