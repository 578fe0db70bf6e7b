"""Lark's compiled parser tables kept as plain data (JSON) that cannot run code when read.

Lark serialises a parser to dicts, lists and scalars (what `Lark.save` writes,
in its own format), with two changes here, so that JSON reads the tables
straight into what the parser needs, with no function called per object:

- Lark's memo (the rules and terminals, numbered) is a list, not a dict with
  integer keys, which JSON cannot keep.
- The LALR table is the one `ActionTable` holds (given to Lark by the plugin
  `lalr_parser_class`): for each state, by number, a dict from each terminal
  and rule name it acts on to an integer. Lark's own form has a rule in each
  of its 10,000 actions, each rebuilt on reading by a call of its own: most
  of the time a first start took to load the tables.

Building the tables takes longer than any evaluation, so the package ships
them (contract_tables.json beside this file: a line of what they were made
for, then the tables); a process whose cache has none takes those when they were
made for its grammar, options and Lark, and keeps them in the cache.
"""

from __future__ import annotations

import functools
import json
import os

from .. import cache
from ..files import write_whole

SHIPPED_TABLES = os.path.join(os.path.dirname(__file__), "contract_tables.json")
TABLES_FORMAT = "action codes"  # the form the tables are kept in, in the names of their cache entries


def entry_name(made_for: dict[str, str]) -> str:
    """The cache entry of the tables made for a grammar and a Lark (`parser.tables_made_for`)."""
    return f"grammar-{cache.key(made_for['grammar'], made_for['lark'], TABLES_FORMAT)}.json"


def load_lark(name: str, runtime_options: dict):
    """A Lark parser from the tables kept in the cache under `name`, or None; `runtime_options` are those not
    kept."""
    return _lark_from(cache.load(name), runtime_options)


def load_shipped(made_for: dict[str, str], runtime_options: dict):
    """A Lark parser from the tables shipped with the package, or None unless they were made for the same grammar
    and Lark; they are kept in the cache on the way."""
    try:
        with open(SHIPPED_TABLES, encoding="utf-8") as shipped:
            if shipped_for(shipped.readline()) != made_for:
                return None
            body = shipped.read().rstrip("\n")
        parser = _lark_from(cache.plain_json(body), runtime_options)
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

    if not isinstance(stored, dict) or set(stored) != {"data", "memo"} or not isinstance(stored["memo"], list):
        return None
    try:
        # Lark's own loader (behind Lark.load): it makes only the classes of its grammar and tables
        return Lark._load_from_dict(stored["data"], dict(enumerate(stored["memo"])), **runtime_options)
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
    if list(memo) != list(range(len(memo))):
        return None
    try:
        return _plain({"data": data, "memo": list(memo.values())})
    except TypeError:  # a Lark whose tables hold something else: not kept
        return None


def _plain(value):
    """`value` with its tuples as lists; TypeError unless it is made of what JSON keeps as it is (no dict key
    but a text: JSON would turn any other into one)."""
    if isinstance(value, dict):
        if not all(type(k) is str for k in value):
            raise TypeError("a dict with keys that are not texts")
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or type(value) in (str, int, bool):
        return value
    raise TypeError(f"cannot keep {value!r}")


class ActionTable:
    """An LALR table as the parse loop reads it (parser.py), and as it is kept: `states[state][name]`, for each
    terminal and rule name a state acts on, is the state to go to (an integer >= 0) or, after a rule is
    reduced, ~ its number in `rules` (< 0). `end_states` are those of the start rules, by name."""

    __slots__ = ("states", "rules", "start_states", "end_states")

    def __init__(self, states: list[dict[str, int]], rules: list, start_states: dict, end_states: dict):
        self.states = states
        self.rules = rules
        self.start_states = start_states
        self.end_states = end_states

    @classmethod
    def of(cls, parse_table) -> ActionTable:
        """The table of Lark's IntParseTable (its states numbered from 0)."""
        from lark.parsers.lalr_analysis import Shift

        numbers: dict = {}
        rules = []
        states = []
        for state in range(len(parse_table.states)):
            codes = {}
            for name, (action, target) in parse_table.states[state].items():
                if action is Shift:
                    codes[name] = target
                else:
                    if target not in numbers:
                        numbers[target] = len(rules)
                        rules.append(target)
                    codes[name] = ~numbers[target]
            states.append(codes)
        return cls(states, rules, parse_table.start_states, parse_table.end_states)

    def lark_states(self) -> dict[int, dict[str, tuple]]:
        """The states in Lark's own form, for its parser and lexer: (Shift, state) or (Reduce, rule)."""
        from lark.parsers.lalr_analysis import Reduce, Shift

        rules = self.rules
        return {state: {name: (Shift, code) if code >= 0 else (Reduce, rules[~code]) for name, code in codes.items()}
                for state, codes in enumerate(self.states)}


@functools.lru_cache(maxsize=1)
def lalr_parser_class():
    """Lark's LALR parser, its table kept as an ActionTable (given to Lark as its `LALR_Parser` plugin)."""
    from lark.grammar import Rule
    from lark.parsers.lalr_parser import LALR_Parser

    class ActionTableLALRParser(LALR_Parser):
        def __init__(self, parser_conf, debug=False, strict=False):
            super().__init__(parser_conf, debug=debug, strict=strict)
            self.actions = ActionTable.of(self._parse_table)

        def serialize(self, memo=None):
            actions = self.actions
            return {"states": actions.states, "rules": [rule.serialize(memo) for rule in actions.rules],
                    "start_states": actions.start_states, "end_states": actions.end_states}

        @classmethod
        def deserialize(cls, data, memo, callbacks, debug=False):
            rules = [Rule.deserialize(reference, memo) for reference in data["rules"]]
            if not all(type(rule) is Rule for rule in rules):
                raise ValueError("a reduction by something other than a rule")
            actions = ActionTable(data["states"], rules, data["start_states"], data["end_states"])
            # Lark's loader given no states, then the states, which its parser reads at each parse (and its
            # lexer once this returns)
            parser = super().deserialize({"tokens": {}, "states": {}, "start_states": actions.start_states,
                                          "end_states": actions.end_states}, memo, callbacks, debug)
            parser._parse_table.states = actions.lark_states()
            parser.actions = actions
            return parser

    return ActionTableLALRParser
