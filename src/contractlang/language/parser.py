"""Text in, syntax tree out. Lark's errors become Diagnostics here and nowhere else.

The grammar (grammar/contract.lark) is loaded once per process; its compiled
LALR tables and the trees of texts parsed before are kept in the on-disk cache
(cache.py, parser_tables.py and tree_cache.py: plain JSON), so a later start parses without rebuilding them.
The tables are shipped with the package too (parser_tables.py), so that not even a first start builds them.
"""

from __future__ import annotations

import functools
import gc
import os
import re
from datetime import date

from .. import cache, files
from ..diagnostics import ContractError, Diagnostic, Span, source_lines
from . import ast, parser_tables, reasons, tree_cache
from .reasons import BadReference, read_reason

MAX_SOURCE_BYTES = 1_000_000
MAX_NESTING = 64
MAX_DEPTH = 200

_TERMINAL_WORDS = {
    "NAME": "a name",
    "UNIT_NAME": "a name",
    "NUMBER": "a number",
    "PERCENT": "a percentage",
    "DATE": "a date (YYYY-MM-DD)",
    "TIME": "a time of day (HH:MM)",
    "STRING": "a text in quotes",
    "LONG_STRING": 'a text in triple quotes',
    "SECTION": "a section label such as §1(b)",
    "COMPARE": "a comparison",
    "PRIVATE": "'private'",
    "OPTIONAL": "'?'",
    "$END": "the end of the file",
}


def grammar_text() -> str:
    """The grammar shipped in the package (beside this file), or the repository's copy in a source checkout."""
    packaged = os.path.join(os.path.dirname(__file__), "contract.lark")
    if not os.path.isfile(packaged):
        checkout = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__)))))
        packaged = os.path.join(checkout, "grammar", "contract.lark")
    with open(packaged, encoding="utf-8") as grammar:
        return grammar.read()


_comments: list = []  # filled by the lexer during one parse; read by parse_with_comments


TABLE_OPTIONS = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": True}  # what shapes the tables


@functools.lru_cache(maxsize=1)
def _parser():
    """The LALR parser, from tables kept before: in the cache, else shipped with the package, else built (and then
    kept in the cache)."""
    from lark import Lark  # imported on first use: `contract --help` needs no parser

    runtime_options = lark_runtime_options()
    made_for = tables_made_for()
    name = parser_tables.entry_name(made_for)
    parser = parser_tables.load_lark(name, runtime_options) or parser_tables.load_shipped(made_for, runtime_options)
    if parser is None:
        parser = Lark(grammar_text(), **TABLE_OPTIONS, **runtime_options)
        parser_tables.store_lark(name, parser, runtime_options)
    # The tables, and all that the process imported before it needed them, live as long as the process: the
    # cycle collector, set off again and again by the tens of thousands of objects a parse makes, need not walk
    # them each time (30 ms of a first `contract eval` of the 2002 note).
    gc.freeze()
    return parser


def lark_runtime_options() -> dict:
    """What cannot be kept with the tables (a function, the postlexer, the lexer's class), given again when they
    are loaded."""
    return {"lexer_callbacks": {"COMMENT": _comments.append}, "propagate_positions": True,
            "postlex": _UnitsOnTheirLine(), "_plugins": {"ContextualLexer": _whole_grammar_first_lexer(),
                                                          "LALR_Parser": parser_tables.lalr_parser_class()}}


@functools.lru_cache(maxsize=1)
def _whole_grammar_first_lexer():
    """Lark's contextual lexer reads each token with the scanner of the terminals the parser's state accepts,
    built (its regular expressions compiled) on the state's first use: the first parse of the 2002 note built
    86, 14 ms. This one reads a token with the scanner of the whole grammar first and keeps it when the state
    accepts it, which is then the token the state's own scanner reads. When the state does not, and the token
    is a keyword where the state takes a name (82 tokens of that note's 9,900), the token is that name, as the
    state's scanner reads it: the state's keywords are some of the grammar's, and the name is none of them.
    Only otherwise (a syntax error, mostly) is the token read again, from its start, by the state's scanner,
    so that a parse without an error builds none.

    Why the token is the same: scanners try terminals in one order (priority, then longest), and a state's
    terminals are some of the grammar's, in that order; of the grammar's, only a name takes in keywords
    (read as a name, then retyped when the name is one), and no keyword is read by anything else. Whitespace
    and comments, skipped before a token, are skipped alike by every scanner (and their callbacks run once),
    and where no terminal of the grammar matches, none of the state's does: the state's scanner then reports
    the error as before. tests/test_start_up.py compares every token with Lark's own contextual lexer."""
    import copy

    from lark.exceptions import UnexpectedCharacters, UnexpectedToken
    from lark.lexer import BasicLexer, ContextualLexer, PatternStr, Token, UnlessCallback

    class KeywordRetyper:
        """Lark's UnlessCallback (a name that is a keyword takes the keyword's type) by a dict: its regular
        expression of every keyword of the grammar costs two microseconds a name."""

        def __init__(self, keywords: dict[str, str]):
            self.keywords = keywords

        def __call__(self, token):
            keyword = self.keywords.get(token.value)
            if keyword is not None:
                token.type = keyword
            return token

    class StatesLexers(dict):
        """The lexer of each parser state, made when the state first needs one (Lark's makes all of them, and
        then builds each one's scanner on first use); states that accept the same terminals share one."""

        def __init__(self, conf, accepted: dict):
            super().__init__()
            self.conf = conf
            self.accepted = accepted
            self.by_terminals = {}

        def __missing__(self, state):
            terminals = self.accepted[state]
            lexer = self.by_terminals.get(terminals)
            if lexer is None:
                conf = copy.copy(self.conf)
                conf.terminals = [self.conf.terminals_by_name[name] for name in terminals
                                  if name in self.conf.terminals_by_name]
                conf.skip_validation = True  # the whole grammar's lexer checked them all
                lexer = self.by_terminals[terminals] = BasicLexer(conf)
            self[state] = lexer
            return lexer

    class WholeGrammarLexer(BasicLexer):
        """Lark's BasicLexer, reading a token (and the whitespace before it) with fewer calls of Python: the
        scanner's match called directly, the line counted in place. Where nothing matches, Lark's own reads
        again and reports it. `matched_as` is the terminal the last token was read as, before a callback
        retyped it."""

        matched_as = None

        def next_token(self, lex_state, parser_state=None):
            counter = lex_state.line_ctr
            end = lex_state.text.end
            match = self.scanner.match
            ignored_types, newline_types, callbacks = self.ignore_types, self.newline_types, self.callback
            newline = counter.newline_char
            while counter.char_pos < end:
                found = match(lex_state.text, counter.char_pos)
                if not found:
                    return super().next_token(lex_state, parser_state)
                value, kind = found
                ignored = kind in ignored_types
                token = None
                if not ignored or kind in callbacks:
                    # Token's own constructor: Token() is a shim that looks for a keyword argument out of use
                    token = Token._future_new(kind, value, counter.char_pos, counter.line, counter.column)
                if kind in newline_types:  # LineCounter.feed
                    newlines = value.count(newline)
                    if newlines:
                        counter.line += newlines
                        counter.line_start_pos = counter.char_pos + value.rindex(newline) + 1
                counter.char_pos += len(value)
                counter.column = counter.char_pos - counter.line_start_pos + 1
                if token is not None:
                    token.end_line, token.end_column, token.end_pos = counter.line, counter.column, counter.char_pos
                    if kind in callbacks:
                        token = callbacks[kind](token)
                    if not ignored:
                        lex_state.last_token = token
                        self.matched_as = kind
                        return token
            raise EOFError(self)

    class WholeGrammarFirstLexer(ContextualLexer):
        BasicLexer = WholeGrammarLexer  # of the whole grammar; those of the states are Lark's

        def __init__(self, conf, states, always_accept=()):
            super().__init__(conf, {}, always_accept)  # the whole grammar's lexer alone
            skipped = set(conf.ignore) | set(always_accept)
            self.accepted = {state: frozenset(accepts) | skipped for state, accepts in states.items()}
            self.lexers = StatesLexers(conf, self.accepted)
            self.root_lexer.scanner  # built now, with its callbacks: every token is read with it
            callbacks = self.root_lexer.callback
            self.names_of_keywords = set()  # the terminals whose keywords a KeywordRetyper retypes
            for name, callback in list(callbacks.items()):
                keywords = callback.scanner.terminals if isinstance(callback, UnlessCallback) else ()
                if keywords and all(type(k.pattern) is PatternStr and not k.pattern.flags for k in keywords):
                    callbacks[name] = KeywordRetyper({k.pattern.value: k.name for k in reversed(keywords)})
                    self.names_of_keywords.add(name)

        def lex(self, lexer_state, parser_state):
            whole_grammar = self.root_lexer
            counter = lexer_state.line_ctr
            states = parser_state.state_stack
            try:
                while True:
                    state = states[-1]
                    before = lexer_state.last_token
                    try:
                        token = whole_grammar.next_token(lexer_state, parser_state)
                        read_as = whole_grammar.matched_as
                    except UnexpectedCharacters:  # nor does any terminal of the state match: it says so
                        token = self.lexers[state].next_token(lexer_state, parser_state)
                        read_as = None
                    accepted = self.accepted[state]
                    if token.type in accepted:
                        pass
                    elif read_as in accepted and read_as in self.names_of_keywords:
                        token.type = read_as  # a keyword where the state takes a name: that name
                    else:
                        counter.char_pos, counter.line, counter.column = token.start_pos, token.line, token.column
                        counter.line_start_pos = token.start_pos - token.column + 1
                        lexer_state.last_token = before
                        token = self.lexers[state].next_token(lexer_state, parser_state)
                    yield token
            except EOFError:
                pass
            except UnexpectedCharacters as e:  # as Lark's contextual lexer: a terminal of another state is named
                try:
                    last_token = lexer_state.last_token
                    token = self.root_lexer.next_token(lexer_state, parser_state)
                    raise UnexpectedToken(token, e.allowed, state=parser_state, token_history=[last_token],
                                          terminals_by_name=self.root_lexer.terminals_by_name)
                except UnexpectedCharacters:
                    raise e

    return WholeGrammarFirstLexer


class _UnitsOnTheirLine:
    """A name is the unit of a number only on the number's line (`5 USD`): `count: Integer = 5` followed by
    a field on the next line is not the number 5 in a unit named after that field."""

    always_accept = ()

    def process(self, stream):
        previous = None
        for token in stream:
            if token.type in ("NAME", "UNIT_NAME"):
                on_its_line = previous is not None and previous.type == "NUMBER" and previous.end_line == token.line
                token.type = "UNIT_NAME" if on_its_line else "NAME"
            previous = token
            yield token


def tables_made_for() -> dict[str, str]:
    """What the tables depend on: the grammar with the options that shape them, and the Lark installed."""
    import lark

    return {"grammar": cache.key(grammar_text(), repr(sorted(TABLE_OPTIONS.items()))), "lark": lark.__version__}


def write_shipped_tables() -> None:
    """Build the tables afresh and write them where the package ships them (`make parser-tables`, after the grammar
    changes: tests/test_start_up.py fails until then)."""
    from lark import Lark

    runtime_options = lark_runtime_options()
    parser = Lark(grammar_text(), **TABLE_OPTIONS, **runtime_options)
    parser_tables.write_shipped(tables_made_for(), parser, runtime_options)


def read_source(path: str) -> str:
    """A contract's text: a regular file of UTF-8 text of at most MAX_SOURCE_BYTES, or a diagnostic."""
    return files.read_text(path, limit=MAX_SOURCE_BYTES, noun="a contract")


def parse_with_comments(text: str, path: str = "<contract>") -> tuple[ast.Contract, list[tuple[int, str]]]:
    """The syntax tree and the comments of a file, as (line, text) pairs, for the printer."""
    tree = _parse(text, path)
    return tree, [(token.line, str(token).rstrip()) for token in _comments]


def parse(text: str, path: str = "<contract>", *, cached: bool = True) -> ast.Contract:
    """Parse contract source text into a syntax tree, or raise ContractError.

    Trees of texts parsed before come from the on-disk cache (unless not `cached`: a caller that keeps
    the tree in an entry of its own)."""
    if not cached:
        return _parse(text, path)
    name = f"tree-{cache.key(grammar_text(), _builder_source(), path, text)}.json"
    tree = tree_cache.load_tree(name, path)
    if tree is not None:
        return tree
    tree = _parse(text, path)
    tree_cache.store_tree(name, tree, path)
    return tree


@functools.lru_cache(maxsize=1)
def _builder_source() -> str:
    """The code that shapes trees and keeps them: a change to it must not meet trees cached before it."""
    parts = []
    for source in (__file__, ast.__file__, tree_cache.__file__, reasons.__file__):  # reasons: what a reason reads
        with open(source, encoding="utf-8") as code:
            parts.append(code.read())
    return "".join(parts)


def _parse(text: str, path: str) -> ast.Contract:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

    _check_nesting(text, path)
    _comments.clear()
    refused: list[ContractError] = []
    try:
        built = _shift_and_reduce(_parser().parse_interactive(text), _reducers(_Builder(path, text), refused))
        if built.levels > MAX_DEPTH:
            _check_tree_depth(_parser().parse(text), path, text)
    except UnexpectedToken as problem:
        incomplete = _end_of_incomplete_line(problem, text, path)
        if incomplete is not None:
            raise ContractError(Diagnostic(incomplete[1], incomplete[0], text))
        raise ContractError(Diagnostic(_unexpected_token(problem), _position(problem, path), text))
    except UnexpectedCharacters as problem:
        char = text[problem.pos_in_stream] if problem.pos_in_stream < len(text) else ""
        raise ContractError(Diagnostic(f"unexpected character {char!r}{_named(char)}", _position(problem, path), text))
    except UnexpectedEOF as problem:
        lines = source_lines(text) or [""]
        raise ContractError(Diagnostic(f"the file ends too early; expected {_expected(problem.expected)}", Span(path, len(lines), len(lines[-1]) + 1), text))
    except UnexpectedInput as problem:  # any other lexing problem
        raise ContractError(Diagnostic("syntax error", _position(problem, path), text))
    if refused:
        raise refused[0]
    return built.value


def _shift_and_reduce(session, callbacks: dict):
    """Lark's LALR loop (its parse_from_state and feed_token) over the tokens of an interactive parse, with
    the callbacks by rule, reading the parser's ActionTable (parser_tables.py): an action is an integer and a
    reduction's rule is found by its number, where Lark's loop hashes the rule, a call of Python at each of
    the 36,000 reductions of the 2002 note. A syntax error is raised as Lark raises it."""
    from lark.exceptions import UnexpectedToken
    from lark.lexer import Token

    parser_state = session.parser_state
    table = _parser().parser.parser.actions
    states = table.states
    end_state = parser_state.parse_conf.end_state
    reductions = [(len(rule.expansion), rule.origin.name, callbacks[rule]) for rule in table.rules]
    state_stack = parser_state.state_stack
    value_stack = parser_state.value_stack

    def feed(token, is_end: bool):
        kind = token.type
        while True:
            actions = states[state_stack[-1]]
            code = actions.get(kind)
            if code is None:
                raise UnexpectedToken(token, {name for name in actions if name.isupper()}, state=parser_state)
            if code >= 0:  # never the end token: a table reduces before it
                state_stack.append(code)
                value_stack.append(token)
                return None
            size, origin, reduce = reductions[~code]
            if reduce is None:  # a rule of one symbol that gives its value: the value stays on the stack
                state_stack[-1] = states[state_stack[-2]][origin]
            else:
                if size:
                    children = value_stack[-size:]
                    del state_stack[-size:]
                    del value_stack[-size:]
                else:
                    children = []
                value_stack.append(reduce(children))
                state_stack.append(states[state_stack[-1]][origin])
            if is_end and state_stack[-1] == end_state:
                return value_stack[-1]

    token = session.lexer_thread.state.last_token
    for token in session.lexer_thread.lex(parser_state):
        feed(token, False)
    return feed(Token.new_borrow_pos("$END", "", token) if token else Token("$END", "", 0, 1, 1), True)


def _named(char: str) -> str:
    """The Unicode name of a character that is not ASCII: a Cyrillic 'а' looks like the Latin 'a' it is not."""
    if not char or char.isascii():
        return ""
    import unicodedata

    name = unicodedata.name(char, "")
    return f" (U+{ord(char):04X}{' ' + name if name else ''})"


class _Builder:
    """What the functions that build nodes need besides a rule's children: the file, for spans and diagnostics."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.text = text

    def token_span(self, token) -> Span:
        return Span(self.path, token.line, token.column, token.end_line or token.line, token.end_column or token.column)

    def reason_references(self, token) -> tuple[ast.Expr, ...]:
        """The names a reason's text reads (reasons.py), each at its place inside the string; a brace that
        starts or ends no reference is reported where it stands."""
        raw = str(token)
        quotes = 3 if raw.startswith('"""') else 1
        try:
            references = read_reason(raw[quotes:-quotes])[1]
        except BadReference as problem:
            line, column = self.place_in(token, quotes + problem.offset)
            raise ContractError(Diagnostic(problem.message, Span(self.path, line, column, line, column + 1), self.text))
        found = []
        for reference in references:
            line, column = self.place_in(token, quotes + reference.offset)
            start, end = column + 1, column + 1 + len(reference.name)  # the name, after its brace
            node = ast.Name(reference.name, span=Span(self.path, line, start, line, end))
            if reference.field is not None:
                node = ast.FieldAccess(node, reference.field,
                                       span=Span(self.path, line, start, line, end + 1 + len(reference.field)))
            found.append(node)
        return tuple(found)

    def place_in(self, token, offset: int) -> tuple[int, int]:
        """The line and column of the character `offset` characters into a token, which may span lines."""
        raw = str(token)
        lines_before = raw.count("\n", 0, offset)
        if not lines_before:
            return token.line, token.column + offset
        return token.line + lines_before, offset - raw.rfind("\n", 0, offset)


class _Reduced:
    """A rule's result on the parser's stack, with the stretch of text it covers and the levels of syntax tree
    it holds. The stretch is what a rule above it spans from or to: brackets around an expression included,
    as Lark's propagate_positions counts them (the expression's own span leaves them out)."""

    __slots__ = ("value", "line", "column", "end_line", "end_column", "levels")

    def __init__(self, value, line: int, column: int, end_line: int, end_column: int, levels: int):
        self.value = value
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.levels = levels


def _reducers(builder: _Builder, refused: list) -> dict:
    """The parser's callbacks, by rule, that build the syntax tree while it parses (no lark Tree is made); None
    for a rule whose value is its only child, left where it is (28,000 of the 36,000 reductions of the 2002 note).

    The first diagnostic of a node builder is kept in `refused` and raised only once the whole text has
    parsed, so that a syntax error further on, or a tree too deep, is reported first, as when the tree was
    built after the parse."""
    callbacks = {}
    for rule, shape, kept, nones_at_end, build in _reduction_plan():
        if shape == "inner":
            callbacks[rule] = None if len(rule.expansion) == 1 else _widened(kept[0][0])
        else:
            callbacks[rule] = _reducer(kept, nones_at_end, build, builder, refused)
    return callbacks


def _widened(index: int):
    """An expression in brackets: the expression itself, stretched over them."""
    def reduce(children):
        inner = children[index]
        if type(inner) is _Reduced:
            first, last = children[0], children[-1]
            inner.line, inner.column, inner.end_line, inner.end_column = (first.line, first.column,
                                                                          last.end_line, last.end_column)
        return inner

    return reduce


def _reducer(kept: tuple, nones_at_end: int, build, builder: _Builder, refused: list):
    """A node from its rule's children (tokens and _Reduced), or, when `build` is None, the list of them that a
    rule of Lark's making (`x*`, `x+`) splices into the rule that uses it. As in Lark's tree, tokens that carry
    no meaning (`{`, `=`) are left out and None stands for an optional part not written. Every rule reads at
    least one token, so its first and last children say where it starts and ends."""
    path = builder.path
    trailing = [None] * nones_at_end

    def reduce(children):
        first, last = children[0], children[-1]
        values = []
        levels = 0
        for index, splice, nones_before in kept:
            if nones_before:
                values += [None] * nones_before
            child = children[index]
            if type(child) is _Reduced:
                if child.levels > levels:
                    levels = child.levels
                if splice:
                    values += child.value
                else:
                    values.append(child.value)
            else:
                values.append(child)
        if trailing:
            values += trailing
        if build is None:
            return _Reduced(values, first.line, first.column, last.end_line, last.end_column, levels)
        value = None
        if not refused:
            try:
                value = build(builder, Span(path, first.line, first.column, last.end_line, last.end_column), values)
            except ContractError as problem:
                refused.append(problem)
        return _Reduced(value, first.line, first.column, last.end_line, last.end_column, levels + 1)

    return reduce


@functools.lru_cache(maxsize=1)
def _reduction_plan() -> list[tuple]:
    """For each rule of the grammar: its shape ("inner": a `?rule` that gives its only child; "spliced": a list
    for the rule above; "node"), which children it keeps, with the Nones before each and after the last,
    and its node builder. The children kept are those Lark's ChildFilter keeps (parse_tree_builder.py)."""
    parser = _parser()
    methods = _builder_methods()
    plan = []
    for rule in parser.rules:
        options = rule.options
        empty = options.empty_indices if parser.options.maybe_placeholders else ()
        runs = ([len(ones) for ones in "".join(str(int(flag)) for flag in empty).split("0")] if empty
                else [0] * (len(rule.expansion) + 1))
        kept = []
        nones = 0
        for index, symbol in enumerate(rule.expansion):
            nones += runs[index]
            if options.keep_all_tokens or not (symbol.is_term and symbol.filter_out):
                kept.append((index, not symbol.is_term and symbol.name.startswith("_"), nones))
                nones = 0
        nones += runs[-1]
        if options.expand1 and not rule.alias and len(kept) == 1 and not kept[0][1] and not kept[0][2] and not nones:
            plan.append((rule, "inner", tuple(kept), 0, None))
        elif rule.origin.name.startswith("_"):
            plan.append((rule, "spliced", tuple(kept), nones, None))
        else:
            name = rule.alias or options.template_source or rule.origin.name
            plan.append((rule, "node", tuple(kept), nones, methods[name]))
    return plan


def _check_nesting(text: str, path: str) -> None:
    """Refuse absurdly nested brackets before the parser and tree builder see them.

    Brackets in texts, comments and section labels do not count: those are read
    with the grammar's own patterns, so that an escaped quote in a text cannot
    turn the rest of the file inside out."""
    depth = 0
    for found in _bracket_pattern().finditer(text):
        if found.group("unclosed"):
            return  # a text that never ends: the parser reports it
        bracket = found.group("bracket")
        if bracket is None:
            continue
        depth += 1 if bracket in "([{" else -1
        if depth > MAX_NESTING:
            line_start = text.rfind("\n", 0, found.start()) + 1
            where = Span(path, text.count("\n", 0, found.start()) + 1, found.start() - line_start + 1)
            raise ContractError(Diagnostic(f"brackets are nested too deeply (more than {MAX_NESTING} levels)", where, text))


@functools.lru_cache(maxsize=1)
def _bracket_pattern():
    """A bracket, or a terminal whose text may hold brackets (matched whole, as the lexer reads it)."""
    parser = _parser()
    skipped = "|".join(f"(?:{parser.get_terminal(name).pattern.to_regexp()})"
                       for name in ("LONG_STRING", "STRING", "COMMENT", "SECTION"))
    return re.compile(f'{skipped}|(?P<bracket>[()\\[\\]{{}}])|(?P<unclosed>")')


def _check_tree_depth(tree, path: str, text: str) -> None:
    """Refuse a syntax tree deeper than MAX_DEPTH before anything walks it.

    The tree builder, the checker, the interpreter and the printer each recurse
    once a level, so `if a then if b then ...`, `not not ...` or a very long sum
    would exhaust Python's stack; brackets alone are counted before parsing."""
    from lark import Tree

    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            where = Span(path, node.meta.line, node.meta.column) if not node.meta.empty else None
            raise ContractError(Diagnostic(f"the contract is nested too deeply here (more than {MAX_DEPTH} levels)",
                                           where, text))
        stack.extend((child, depth + 1) for child in reversed(node.children) if isinstance(child, Tree))


def _position(problem, path: str) -> Span:
    return Span(path, problem.line or 1, problem.column or 1)


def _describe_terminal(name: str) -> str:
    if name in _TERMINAL_WORDS:
        return _TERMINAL_WORDS[name]
    try:
        terminal = _parser().get_terminal(name)
    except KeyError:
        return name.lower()
    pattern = terminal.pattern
    if pattern.type == "str":
        return f"'{pattern.value}'"
    return name.lower()


_STATEMENT_WORDS = {"let", "set", "pay", "issue", "require", "if", "adjust", "record", "reject", "do"}
_ITEM_WORDS = {"term", "state", "parameter", "assumption", "event", "upon", "schedule", "accrual", "text"}
_OPERATORS = {"'+'", "'-'", "'*'", "'/'", "'.'", "'('", "'??'", "'and'", "'or'", "'in'", "'is'", "a comparison",
              "'per'", "'['"}


def _expected(names) -> str:
    """What the parser expected, in the language's terms: kinds of things, not token names."""
    words = {_describe_terminal(name) for name in names}
    plain = {w.strip("'") for w in words}
    groups = []
    if _STATEMENT_WORDS <= plain:
        groups.append("a statement (let, set, pay, issue, require, if, ...)")
        words -= {f"'{w}'" for w in plain if w.isalpha()} | {_TERMINAL_WORDS["SECTION"]}
    elif _ITEM_WORDS <= plain:
        groups.append("a declaration or rule (term, state, event, upon, on, text, ...)")
        words -= {f"'{w}'" for w in plain if w.isalpha()}
    values = {_TERMINAL_WORDS[n] for n in ("NAME", "NUMBER", "PERCENT", "DATE", "STRING", "LONG_STRING", "TIME")}
    if len(words & values) >= 4:
        words -= values | {"'('", "'['", "'-'", "'not'", "'if'", "'every'", "'true'", "'false'", "'none'"}
        groups.append("a value or expression")
    if words & _OPERATORS and words - _OPERATORS:
        words -= _OPERATORS
        groups.append("an operator")
    elif words and words <= _OPERATORS:
        words = set()
        groups.append("an operator")
    listed = sorted(words) + groups
    if len(listed) > 6:
        listed = listed[:6] + ["..."]
    if len(listed) == 1:
        return listed[0]
    return ", ".join(listed[:-1]) + " or " + listed[-1]


def _unexpected_token(problem) -> str:
    token = problem.token
    if token.type == "$END":
        if "RBRACE" in problem.expected:
            return "the file ends before a '}' closes a block"
        return f"the file ends too early; expected {_expected(problem.expected)}"
    found = f"'{token}'" if len(str(token)) < 30 else f"'{str(token)[:27]}...'"
    return f"unexpected {found}; expected {_expected(problem.expected)}"


def _end_of_incomplete_line(problem, text: str, path: str):
    """A line the parser needed more of (a `require` without its `else`) is reported where it ends,
    not at the first word of the next line, which is right."""
    token = problem.token
    if token.type == "$END" or getattr(token, "start_pos", None) is None or "ELSE" not in problem.expected:
        return None
    before = token.start_pos
    while before > 0 and text[before - 1] in " \t\r\n":
        before -= 1
    if "\n" not in text[before:token.start_pos]:
        return None
    line = text.count("\n", 0, before) + 1
    column = before - (text.rfind("\n", 0, before) + 1) + 1
    return Span(path, line, column), "expected 'else \"reason\"' after this condition: a require or a check gives its reason"


def _unquote(token) -> tuple[str, bool]:
    text = str(token)
    if text.startswith('"""'):
        return text[3:-3], True
    body = text[1:-1]
    return body.replace('\\"', '"').replace("\\\\", "\\"), False


def _builder_methods():
    """The functions that build ast nodes, by rule name, each given the rule's span and children."""
    methods = {}

    def define(name):
        def register(function):
            methods[name] = function
            return function

        return register

    # ---- file and declarations
    @define("start")
    def start(self, span, children):
        title, *rest = children
        declarations = tuple(c for c in rest if not isinstance(c, ast.Section))
        sections = tuple(c for c in rest if isinstance(c, ast.Section))
        return ast.Contract(title, declarations, sections, span=span)

    @define("title")
    def title(self, span, children):
        return _unquote(children[0])[0]

    @define("currency_decl")
    def currency_decl(self, span, children):
        name, description, code = children
        return ast.CurrencyDecl(str(name), _unquote(description)[0] if description else None,
                                str(code) if code is not None else None, span=span)

    @define("security_decl")
    def security_decl(self, span, children):
        name, description = children
        return ast.SecurityDecl(str(name), _unquote(description)[0] if description else None, span=span)

    @define("enum_decl")
    def enum_decl(self, span, children):
        name, *members = children
        return ast.EnumDecl(str(name), tuple(str(m) for m in members), span=span)

    @define("section")
    def section(self, span, children):
        label, title, *items = children
        return ast.Section(str(label), _unquote(title)[0] if title else None, tuple(items), span=span)

    @define("string")
    def string(self, span, children):
        return children[0]

    @define("text_item")
    def text_item(self, span, children):
        text, long = _unquote(children[0])
        return ast.TextItem(text, long, span=span)

    @define("not_computed")
    def not_computed(self, span, children):
        if children[0] is None:
            return ast.NotComputed(None, span=span)
        text, long = _unquote(children[0])
        return ast.NotComputed(text, long, span=span)

    @define("parameter")
    def parameter(self, span, children):
        name, type_, default = children
        return ast.Parameter(str(name), type_, default, span=span)

    @define("assumption")
    def assumption(self, span, children):
        name, type_, default, reason = children
        return ast.Assumption(str(name), type_, default, _unquote(reason)[0], span=span)

    @define("term")
    def term(self, span, children):
        name, type_, value = children
        return ast.Term(str(name), type_, value, span=span)

    @define("state_decl")
    def state_decl(self, span, children):
        private, name, type_, initial = children
        return ast.StateDecl(str(name), type_, initial, private is not None, span=span)

    @define("settable_state")
    def settable_state(self, span, children):
        name, type_, initial = children
        return ast.StateDecl(str(name), type_, initial, False, True, span=span)

    @define("report")
    def report(self, span, children):
        return ast.Report(str(children[0]), children[1], span=span)

    @define("horizon")
    def horizon(self, span, children):
        return ast.Horizon(children[0], span=span)

    @define("schedule")
    def schedule(self, span, children):
        return ast.ScheduleDecl(str(children[0]), children[1], span=span)

    @define("market")
    def market(self, span, children):
        return ast.MarketDecl(str(children[0]), children[1], span=span)

    @define("precondition")
    def precondition(self, span, children):
        return ast.Precondition(children[0], _unquote(children[1])[0], span=span)

    @define("time_zone")
    def time_zone(self, span, children):
        return ast.TimeZoneDecl(_unquote(children[0])[0], span=span)

    @define("accrual")
    def accrual(self, span, children):
        name, *fields = children
        return ast.AccrualDecl(str(name), tuple(fields), span=span)

    @define("accrual_field")
    def accrual_field(self, span, children):
        return ast.AccrualField(str(children[0]), children[1], span=span)

    @define("event_decl")
    def event_decl(self, span, children):
        name, time_field, *fields, effective = children
        return ast.EventDecl(str(name), tuple(fields), effective, str(time_field) if time_field else None,
                             span=span)

    @define("field_decl")
    def field_decl(self, span, children):
        name, type_, default = children
        return ast.FieldDecl(str(name), type_, default, span=span)

    @define("upon_rule")
    def upon_rule(self, span, children):
        event, binder, body = children
        return ast.UponRule(str(event), str(binder), body, span=span)

    @define("action")
    def action(self, span, children):
        name, *rest = children
        body = rest.pop()
        return ast.Action(str(name), tuple(p for p in rest if p is not None), body, span=span)

    @define("snapshot")
    def snapshot(self, span, children):
        return ast.Snapshot(tuple(children), span=span)

    @define("snapshot_entry")
    def snapshot_entry(self, span, children):
        return ast.Option(str(children[0]), children[1], span=span)

    @define("function")
    def function(self, span, children):
        name, *rest = children
        body = rest.pop()
        return ast.Function(str(name), tuple(p for p in rest if p is not None), body, span=span)

    @define("do_stmt")
    def do_stmt(self, span, children):
        name, *arguments = children
        return ast.Do(str(name), tuple(a for a in arguments if a is not None), span=span)

    @define("on_each_rule")
    def on_each_rule(self, span, children):
        variable, dates, body = children
        return ast.OnEachRule(str(variable), dates, body, span=span)

    @define("on_date_rule")
    def on_date_rule(self, span, children):
        return ast.OnDateRule(children[0], children[1], span=span)

    # ---- examples and invariants
    @define("example")
    def example(self, span, children):
        name, cites, *items = children
        return ast.Example(_unquote(name)[0], tuple(items), str(cites) if cites else None, span=span)

    @define("given_until")
    def given_until(self, span, children):
        return ast.GivenUntil(children[0], span=span)

    @define("given_param")
    def given_param(self, span, children):
        return ast.GivenParam(str(children[0]), children[1], span=span)

    @define("given_assume")
    def given_assume(self, span, children):
        return ast.GivenAssume(str(children[0]), children[1], span=span)

    @define("given_price")
    def given_price(self, span, children):
        return ast.GivenPrice(children[0], children[1], span=span)

    @define("given_event")
    def given_event(self, span, children):
        type_, date_, *fields = children
        return ast.GivenEvent(str(type_), date_, tuple(f for f in fields if f is not None), span=span)

    @define("field_value")
    def field_value(self, span, children):
        return ast.FieldValue(str(children[0]), children[1], span=span)

    @define("expectation")
    def expectation(self, span, children):
        return ast.Expectation(children[0], span=span)

    @define("invariant")
    def invariant(self, span, children):
        name, cites, variation, body = children
        return ast.Invariant(_unquote(name)[0], body, variation, str(cites) if cites else None, span=span)

    @define("later_horizon")
    def later_horizon(self, span, children):
        return ast.Variation("later_horizon", span=span)

    @define("without_rejected")
    def without_rejected(self, span, children):
        return ast.Variation("without_rejected", span=span)

    @define("inserted_before")
    def inserted_before(self, span, children):
        event, *fields, before = children
        return ast.Variation("inserted_before", str(event), tuple(f for f in fields if f is not None), str(before),
                             span=span)

    @define("parameter_changed")
    def parameter_changed(self, span, children):
        name, change, amount = children
        return ast.Variation("parameter_changed", str(name), change=" ".join(str(change).split()), amount=amount,
                             span=span)

    @define("generate")
    def generate(self, span, children):
        name, field, low, high = children
        return ast.Generate(str(name), str(field) if field else None, low, high, span=span)

    @define("given_scenario")
    def given_scenario(self, span, children):
        return ast.GivenScenario(_unquote(children[0])[0], span=span)

    # ---- statements
    @define("block")
    def block(self, span, children):
        return tuple(children)

    @define("let_stmt")
    def let_stmt(self, span, children):
        return ast.Let(str(children[0]), children[1], span=span)

    @define("set_stmt")
    def set_stmt(self, span, children):
        name, value, effective = children
        return ast.SetState(str(name), value, effective, span=span)

    @define("adjust_stmt")
    def adjust_stmt(self, span, children):
        return ast.Adjust(str(children[0]), children[1], span=span)

    @define("record_stmt")
    def record_stmt(self, span, children):
        name, value, *options = children
        return ast.Record(str(name), value, tuple(options), span=span)

    @define("pay_stmt")
    def pay_stmt(self, span, children):
        amount, payer, payee, purpose, *options = children
        return ast.Pay(amount, payer, payee, str(purpose), tuple(options), span=span)

    @define("issue_stmt")
    def issue_stmt(self, span, children):
        quantity, security, recipient, *options = children
        return ast.Issue(quantity, security, recipient, tuple(options), span=span)

    @define("option")
    def option(self, span, children):
        return ast.Option(str(children[0]), children[1], span=span)

    @define("votes_stmt")
    def votes_stmt(self, span, children):
        return ast.Votes(children[0], children[1], span=span)

    @define("reject_stmt")
    def reject_stmt(self, span, children):
        return ast.Reject(_unquote(children[0])[0], self.reason_references(children[0]), span=span)

    @define("require_stmt")
    def require_stmt(self, span, children):
        return ast.Require(children[0], _unquote(children[1])[0], self.reason_references(children[1]), span=span)

    @define("check_stmt")
    def check_stmt(self, span, children):
        return ast.Check(children[0], _unquote(children[1])[0], span=span)

    @define("if_stmt")
    def if_stmt(self, span, children):
        condition, body, *rest = children
        branches = [(condition, body)]
        otherwise = None
        for clause in rest:
            if clause is None:
                continue
            if clause[0] == "elif":
                branches.append((clause[1], clause[2]))
            else:
                otherwise = clause[1]
        return ast.If(tuple(branches), otherwise, span=span)

    @define("elif_clause")
    def elif_clause(self, span, children):
        return ("elif", children[0], children[1])

    @define("else_clause")
    def else_clause(self, span, children):
        return ("else", children[0])

    @define("cite_stmt")
    def cite_stmt(self, span, children):
        return ast.Cite(str(children[0]), children[1], span=span)

    @define("defer_stmt")
    def defer_stmt(self, span, children):
        when, name, body = children
        return ast.Defer(when, body, str(name) if name is not None else None, span=span)

    @define("cancel_stmt")
    def cancel_stmt(self, span, children):
        return ast.Cancel(str(children[0]), span=span)

    @define("claim_stmt")
    def claim_stmt(self, span, children):
        event, binder, body, otherwise = children
        return ast.Claim(str(event), str(binder), body, otherwise, span=span)

    @define("stop_stmt")
    def stop_stmt(self, span, children):
        return ast.Stop(str(children[0]), span=span)

    @define("rebase_stmt")
    def rebase_stmt(self, span, children):
        return ast.Rebase(str(children[0]), children[1], span=span)

    @define("for_stmt")
    def for_stmt(self, span, children):
        return ast.ForEach(str(children[0]), children[1], children[2], span=span)

    # ---- expressions
    @define("if_expr")
    def if_expr(self, span, children):
        return ast.IfExpr(*children, span=span)

    @define("coalesce")
    def coalesce(self, span, children):
        return ast.Binary("??", children[0], children[1], span=span)

    def binary(operator):
        def build(self, span, children):
            return ast.Binary(operator, children[0], children[1], span=span)

        return build

    for name, operator in [("or_", "or"), ("and_", "and"), ("member", "in"), ("add", "+"),
                           ("subtract", "-"), ("multiply", "*"), ("divide", "/")]:
        methods[name] = binary(operator)

    @define("compare")
    def compare(self, span, children):
        left, operator, right = children
        return ast.Binary(str(operator), left, right, span=span)

    @define("at_time")
    def at_time(self, span, children):
        return ast.AtTime(children[0], children[1], span=span)

    @define("not_")
    def not_(self, span, children):
        return ast.Not(children[0], span=span)

    @define("negate")
    def negate(self, span, children):
        return ast.Negate(children[0], span=span)

    @define("is_none")
    def is_none(self, span, children):
        return ast.IsNone(children[0], False, span=span)

    @define("is_not_none")
    def is_not_none(self, span, children):
        return ast.IsNone(children[0], True, span=span)

    @define("field")
    def field(self, span, children):
        return ast.FieldAccess(children[0], str(children[1]), span=span)

    @define("index")
    def index(self, span, children):
        return ast.Index(children[0], children[1], span=span)

    @define("call")
    def call(self, span, children):
        name, *arguments = children
        return ast.Call(str(name), tuple(a for a in arguments if a is not None), span=span)

    @define("argument")
    def argument(self, span, children):
        return ast.Argument(children[0], None, span=span)

    @define("named_argument")
    def named_argument(self, span, children):
        return ast.Argument(children[1], str(children[0]), span=span)

    @define("name")
    def name(self, span, children):
        return ast.Name(str(children[0]), span=span)

    @define("list")
    def list_(self, span, children):
        return ast.ListExpr(tuple(c for c in children if c is not None), span=span)

    @define("comprehension")
    def comprehension(self, span, children):
        element, variable, source, condition = children
        return ast.Comprehension(element, str(variable), source, condition, span=span)

    @define("every")
    def every(self, span, children):
        *month_days, start, end = children
        return ast.Every(tuple(month_days), start, end, span=span)

    @define("month_day")
    def month_day(self, span, children):
        return ast.MonthDay(str(children[0]), str(children[1]), span=span)

    @define("number")
    def number(self, span, children):
        value, unit = children
        return ast.NumberLit(str(value), unit, span=span)

    @define("unit")
    def unit(self, span, children):
        name, per = children
        return ast.UnitExpr(str(name), str(per) if per else None, span=span)

    @define("percent")
    def percent(self, span, children):
        return ast.PercentLit(str(children[0])[:-1], span=span)

    @define("date")
    def date_(self, span, children):
        token = children[0]
        try:
            value = date.fromisoformat(str(token))
        except ValueError:
            raise ContractError(Diagnostic(f"{token} is not a date", self.token_span(token), self.text))
        return ast.DateLit(value, span=span)

    @define("time")
    def time(self, span, children):
        token = str(children[0])
        hours, minutes, seconds = int(token[:2]), int(token[3:5]), int(token[6:] or 0)
        if hours > 23 or minutes > 59 or seconds > 59:
            raise ContractError(Diagnostic(f"{token} is not a time of day", self.token_span(children[0]), self.text))
        return ast.TimeLit(token, span=span)

    @define("true")
    def true(self, span, children):
        return ast.BoolLit(True, span=span)

    @define("false")
    def false(self, span, children):
        return ast.BoolLit(False, span=span)

    @define("none")
    def none(self, span, children):
        return ast.NoneLit(span=span)

    @define("type")
    def type_(self, span, children):
        name, per, optional = children
        return ast.TypeExpr(str(name), str(per) if per else None, optional is not None, span=span)

    @define("list_type")
    def list_type(self, span, children):
        return ast.TypeExpr("List", element=children[0], span=span)

    @define("string_lit")
    def string_lit(self, span, children):
        text, long = _unquote(children[0])
        return ast.StringLit(text, long, span=span)

    return methods
