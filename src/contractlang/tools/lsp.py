"""`contract lsp`: a language server on pygls, so an editor shows what `contract check` says as the user types.

Diagnostics, hover, definition, references, rename, completion, the outline and
formatting all come from one index of the document (symbols.py), made by the
project's parser, checker and printer: the server has no grammar of its own.
"""

from __future__ import annotations

import logging
import re

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..diagnostics import ContractError, Diagnostic, Span
from ..language import ast
from ..language.builtins import BUILTIN_FUNCTIONS
from ..language.parser import parse_with_comments
from ..language.printer import format_contract
from .symbols import BUILTIN_DOCS, EVENT_OWN_FIELDS, Definition, DocumentIndex, index_document

UNIT_WORDS = ("days", "day")
MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # far more than any contract's text: a larger Content-Length is refused
_SYMBOL_KINDS = {
    ast.Term: types.SymbolKind.Constant, ast.Parameter: types.SymbolKind.Property,
    ast.Assumption: types.SymbolKind.Property, ast.StateDecl: types.SymbolKind.Variable,
    ast.Report: types.SymbolKind.Variable, ast.ScheduleDecl: types.SymbolKind.Array,
    ast.AccrualDecl: types.SymbolKind.Field, ast.MarketDecl: types.SymbolKind.Field,
    ast.EventDecl: types.SymbolKind.Event, ast.Action: types.SymbolKind.Function,
    ast.Function: types.SymbolKind.Function,
    ast.UponRule: types.SymbolKind.Method, ast.OnEachRule: types.SymbolKind.Method,
    ast.OnDateRule: types.SymbolKind.Method, ast.Example: types.SymbolKind.Object,
    ast.Invariant: types.SymbolKind.Object, ast.Precondition: types.SymbolKind.Boolean,
}
_COMPLETION_KINDS = {
    "term": types.CompletionItemKind.Constant, "parameter": types.CompletionItemKind.Property,
    "assumption": types.CompletionItemKind.Property, "state": types.CompletionItemKind.Variable,
    "report": types.CompletionItemKind.Variable, "schedule": types.CompletionItemKind.Variable,
    "accrual": types.CompletionItemKind.Field, "market": types.CompletionItemKind.Field,
    "event": types.CompletionItemKind.Event, "action": types.CompletionItemKind.Function,
    "function": types.CompletionItemKind.Function,
    "member": types.CompletionItemKind.EnumMember, "deadline": types.CompletionItemKind.Reference,
}


class ContractLanguageServer(LanguageServer):
    """Keeps the index of each open document's latest version."""

    def __init__(self):
        super().__init__("contract-lsp", __version__)
        self.indexes: dict[str, DocumentIndex] = {}

    def refresh(self, uri: str) -> DocumentIndex:
        document = self.workspace.get_text_document(uri)
        index = index_document(document.source, to_fs_path(uri) or uri)
        self.indexes[uri] = index
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=document.version, diagnostics=[_diagnostic(d, document) for d in index.diagnostics]))
        return index

    def index(self, uri: str) -> DocumentIndex:
        return self.indexes.get(uri) or self.refresh(uri)


def _range(span: Span) -> types.Range:
    """A span (1-based lines and columns) as the protocol's 0-based range; a bare position covers one character."""
    end_line, end_column = span.end_line, span.end_column
    if end_line == 0 or (end_line, end_column) <= (span.line, span.column):
        end_line, end_column = span.line, span.column + 1
    return types.Range(start=types.Position(line=span.line - 1, character=span.column - 1),
                       end=types.Position(line=end_line - 1, character=end_column - 1))


def _diagnostic(found, document) -> types.Diagnostic:
    severity = types.DiagnosticSeverity.Warning if found.severity == "warning" else types.DiagnosticSeverity.Error
    where = document.position_codec.range_to_client_units(document.lines, _range(found.span or Span("", 1, 1)))
    return types.Diagnostic(range=where, message=found.message, severity=severity, source="contract")


def _position(server: ContractLanguageServer, uri: str, position: types.Position) -> tuple[int, int]:
    """A client position (in UTF-16 units, as the protocol counts) as the index's 1-based line and character column."""
    document = server.workspace.get_text_document(uri)
    found = document.position_codec.position_from_client_units(document.lines, position)
    return found.line + 1, found.character + 1


def _to_client(server: ContractLanguageServer, uri: str, span: Span) -> types.Range:
    document = server.workspace.get_text_document(uri)
    return document.position_codec.range_to_client_units(document.lines, _range(span))


def hover_markdown(index: DocumentIndex, key: str) -> str | None:
    """What hover shows for a name: kind, type and unit, a term's value, its section and that section's text."""
    if key.startswith("builtin:"):
        signature, meaning = BUILTIN_DOCS.get(key[len("builtin:"):], (key[len("builtin:"):] + "(...)", "a built-in"))
        return f"```contract\n{signature}\n```\nbuilt-in: {meaning}"
    definition = index.definitions.get(key)
    if definition is None:
        return None
    if definition.kind == "section":
        title = f" {definition.detail}" if definition.detail else ""
        text = index.section_text(definition.name)
        return f"**{definition.name}**{title}" + (f"\n\n> {text}" if text else "")
    lines = [f"**{definition.kind}** `{definition.name}`" + (f": {definition.detail}" if definition.detail else "")]
    if definition.kind == "field" and definition.node is None:
        type_text, meaning = EVENT_OWN_FIELDS[definition.name]
        lines = [f"**field** `{definition.name}` of event `{definition.detail}`: {type_text}, {meaning}"]
    elif definition.kind == "field":
        field: ast.FieldDecl = definition.node
        lines = [f"**field** `{definition.name}` of event `{definition.detail}`: {index.source_of(field.type.span)}"]
        if field.default is not None:
            lines.append(f"default: `{index.source_of(field.default.span)}`")
    if definition.kind == "member":
        lines = [f"**value** `{definition.name}` of enumeration `{definition.detail}`"]
    if definition.unit:
        lines.append(f"unit: {definition.unit}")
    if isinstance(definition.node, ast.Term):
        lines.append(f"value: `{index.source_of(definition.node.value.span)}`")
    if definition.section:
        section = next(s for s in index.tree.sections if s.label == definition.section)
        lines.append(f"in **{section.label}**" + (f" {section.title}" if section.title else ""))
        text = index.section_text(section.label)
        if text:
            lines.append(f"> {text}")
    return "\n\n".join(lines)


def completions(index: DocumentIndex, line: int, column: int) -> list[types.CompletionItem]:
    """Names in scope; an event's fields after `e.`; units after a number; enumeration values; built-ins.

    The line being typed is often what breaks its section: then the names come from
    the document without that line, so the section's own names stay in scope."""
    before = index.text.split("\n")[line - 1][:column - 1]
    if any(first <= line <= last for first, last in index.blanked_lines):
        lines = index.text.split("\n")
        lines[line - 1] = " " * len(lines[line - 1])
        index = index_document("\n".join(lines), index.path)
    item = index.item_at(line)
    local_keys = index.locals_by_item.get(id(item), {}) if item is not None else {}
    field_access = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\.[A-Za-z0-9_]*$", before)
    if field_access:
        binder = index.definitions.get(local_keys.get(field_access.group(1), ""))
        if binder is None or binder.kind != "event binder":
            return []
        event = binder.node.event
        fields = [d for d in index.definitions.values() if d.kind == "field" and d.key.startswith(event + ".")]
        return [types.CompletionItem(label=f.name, kind=types.CompletionItemKind.Field,
                                     detail=index.source_of(f.node.type.span) if f.node else EVENT_OWN_FIELDS[f.name][0])
                for f in fields]
    if re.search(r"\d[\d_]*(\.\d[\d_]*)?\s+[A-Za-z_]*$", before):
        units = [d.name for d in index.definitions.values() if d.kind in ("currency", "security")]
        return [types.CompletionItem(label=name, kind=types.CompletionItemKind.Unit) for name in units + list(UNIT_WORDS)]
    found = [types.CompletionItem(label=d.name, kind=_COMPLETION_KINDS[d.kind], detail=d.detail)
             for d in index.definitions.values() if d.kind in _COMPLETION_KINDS]
    found += [types.CompletionItem(label=index.definitions[key].name, kind=types.CompletionItemKind.Variable,
                                   detail=index.definitions[key].detail) for key in local_keys.values()]
    found += [types.CompletionItem(label=name, kind=types.CompletionItemKind.Function,
                                   detail=BUILTIN_DOCS.get(name, (name,))[0]) for name in sorted(BUILTIN_FUNCTIONS)]
    return found


def document_symbols(index: DocumentIndex, to_client) -> list[types.DocumentSymbol]:
    """The sections as an outline, with their declarations and rules inside; `to_client` makes a span a range."""
    outline = []
    for section in index.tree.sections if index.tree else ():
        children = []
        for item in section.items:
            kind = _SYMBOL_KINDS.get(type(item))
            if kind is None:
                continue
            children.append(types.DocumentSymbol(name=_item_name(item, index), kind=kind, range=to_client(item.span),
                                                 selection_range=to_client(item.span)))
        label = index.definitions[section.label].span
        outline.append(types.DocumentSymbol(name=section.label, detail=section.title or "", kind=types.SymbolKind.Namespace,
                                            range=to_client(section.span), selection_range=to_client(label),
                                            children=children))
    return outline


def _item_name(item: ast.Node, index: DocumentIndex) -> str:
    if isinstance(item, ast.UponRule):
        return f"upon {item.event} as {item.binder}"
    if isinstance(item, ast.OnEachRule):
        return f"on each {item.variable} in {index.source_of(item.dates.span)}"
    if isinstance(item, ast.OnDateRule):
        return f"on {index.source_of(item.date.span)}"
    if isinstance(item, ast.Precondition):
        return f"require {index.source_of(item.condition.span)}"
    if isinstance(item, (ast.Example, ast.Invariant)):
        return f"{'example' if isinstance(item, ast.Example) else 'invariant'} \"{item.name}\""
    return item.name


def formatting_edits(index: DocumentIndex) -> list[types.TextEdit] | None:
    """The whole document in canonical layout, as one edit; none while it does not parse."""
    if index.blanked_lines or index.tree is None:
        return None
    try:
        tree, _ = parse_with_comments(index.text, index.path)
    except ContractError:
        return None
    formatted = format_contract(tree, index.text)
    if formatted == index.text:
        return []
    lines = index.text.split("\n")
    whole = types.Range(start=types.Position(line=0, character=0),
                        end=types.Position(line=len(lines) - 1, character=len(lines[-1])))
    return [types.TextEdit(range=whole, new_text=formatted)]


# what a rename may rename: the names the contract declares, each written only where the index finds it (a
# currency or security is also named inside texts, an event's own field and a built-in are declared nowhere)
RENAMED_KINDS = ("term", "parameter", "assumption", "state", "report", "schedule", "accrual", "market", "event",
                 "action", "function", "local", "event binder", "field", "deadline", "member", "enumeration")
_LOCAL_KINDS = ("local", "event binder")  # keyed by their rule: SECTION/LINE/NAME
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class RenameRefused(Exception):
    """A rename that would break the contract: what the editor shows instead of making it."""


def renamed_spans(index: DocumentIndex, key: str | None, new_name: str) -> list[Span]:
    """Where the name `key` stands, its declaration and every use (a `{NAME}` of a reason among them), all to be
    written `new_name`; RenameRefused if it is no name a rename may change, or the new one cannot stand there."""
    found = index.definitions.get(key or "")
    if found is None or found.kind not in RENAMED_KINDS or (found.kind == "field" and found.node is None):
        raise RenameRefused("only a name the contract declares can be renamed here")
    if not _NAME.fullmatch(new_name):
        raise RenameRefused(f"'{new_name}' is not a name: a letter or _, then letters, digits or _")
    rivals = [d for d in index.definitions.values() if d.name == new_name and d.key != key and _rivals(d, found)]
    if rivals:
        raise RenameRefused(f"'{new_name}' is already defined ({rivals[0].kind}, line {rivals[0].span.line})")
    spans = index.references(key)
    if index.tree is not None and not index.blanked_lines:
        try:
            parse_with_comments(_replaced(index.text, spans, new_name), index.path)
        except ContractError as problem:
            raise RenameRefused(f"'{new_name}' cannot stand there: {problem.diagnostics[0].message}") from None
    return spans


def _rivals(other: Definition, renamed: Definition) -> bool:
    """Whether a name already defined keeps another from being renamed to it: a field only among its event's
    fields, a local only among its rule's names and the contract's."""
    if (other.kind == "field") != (renamed.kind == "field"):
        return False
    if other.kind == "field":
        return other.detail == renamed.detail
    if other.kind in _LOCAL_KINDS and renamed.kind in _LOCAL_KINDS:
        return other.key.rsplit("/", 1)[0] == renamed.key.rsplit("/", 1)[0]
    return True


def _replaced(text: str, spans: list[Span], new: str) -> str:
    """The text with each span (on one line) written `new`, the last first so that the others keep their place."""
    lines = text.split("\n")
    for span in sorted(spans, key=lambda s: (s.line, s.column), reverse=True):
        line = lines[span.line - 1]
        lines[span.line - 1] = line[:span.column - 1] + new + line[span.end_column - 1:]
    return "\n".join(lines)


def build_server() -> ContractLanguageServer:
    server = ContractLanguageServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def changed(ls: ContractLanguageServer, params) -> None:
        ls.refresh(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def closed(ls: ContractLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.indexes.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: ContractLanguageServer, params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        index = ls.index(uri)
        key = index.key_at(*_position(ls, uri, params.position))
        text = hover_markdown(index, key) if key else None
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: ContractLanguageServer, params: types.DefinitionParams) -> types.Location | None:
        uri = params.text_document.uri
        index = ls.index(uri)
        found = index.definitions.get(index.key_at(*_position(ls, uri, params.position)) or "")
        return types.Location(uri=uri, range=_to_client(ls, uri, found.span)) if found else None

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(ls: ContractLanguageServer, params: types.ReferenceParams) -> list[types.Location]:
        uri = params.text_document.uri
        index = ls.index(uri)
        key = index.key_at(*_position(ls, uri, params.position))
        if key is None:
            return []
        declared = index.definitions.get(key)
        return [types.Location(uri=uri, range=_to_client(ls, uri, span)) for span in index.references(key)
                if params.context.include_declaration or declared is None or span != declared.span]

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    def rename(ls: ContractLanguageServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        uri = params.text_document.uri
        index = ls.index(uri)
        try:
            spans = renamed_spans(index, index.key_at(*_position(ls, uri, params.position)), params.new_name)
        except RenameRefused as refused:
            ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=str(refused)))
            return None
        return types.WorkspaceEdit(changes={uri: [types.TextEdit(range=_to_client(ls, uri, span),
                                                                 new_text=params.new_name) for span in spans]})

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["."]))
    def complete(ls: ContractLanguageServer, params: types.CompletionParams) -> types.CompletionList:
        uri = params.text_document.uri
        return types.CompletionList(is_incomplete=False,
                                    items=completions(ls.index(uri), *_position(ls, uri, params.position)))

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def outline(ls: ContractLanguageServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        uri = params.text_document.uri
        return document_symbols(ls.index(uri), lambda span: _to_client(ls, uri, span))

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: ContractLanguageServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        return formatting_edits(ls.index(params.text_document.uri))

    return server


class _BoundedInput:
    """Standard input as pygls reads it, except that a message longer than MAX_MESSAGE_BYTES is not read:
    pygls asks for the whole body at once, and a Content-Length of 99999999999 ran out of memory."""

    def __init__(self, stream):
        self.stream = stream
        self.refused: int | None = None  # the length of the message refused, which ends the session

    def readline(self) -> bytes:
        return self.stream.readline(MAX_MESSAGE_BYTES)

    def read(self, size: int) -> bytes:
        if size > MAX_MESSAGE_BYTES:
            self.refused = size
            return b""  # pygls stops at an empty body
        return self.stream.read(size)


class _OneLine(logging.Formatter):
    """pygls's own log, a line a message and no traceback: a malformed message is the client's, not a
    defect to trace, and pygls has told the client already."""

    def format(self, record: logging.LogRecord) -> str:
        problem = record.exc_info[1] if record.exc_info else None
        return f"contract lsp: {record.getMessage()}" + (f" ({problem})" if problem is not None else "")


def serve() -> None:
    """Speak the protocol on standard input and output until the editor says exit.

    The server closes its streams when it stops: it is given copies, so that the
    command line's own standard output stays open for its last flush."""
    import os
    import sys

    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(_OneLine())
    library = logging.getLogger("pygls")
    library.addHandler(handler)
    library.propagate = False
    stdin = _BoundedInput(os.fdopen(os.dup(0), "rb"))
    build_server().start_io(stdin, os.fdopen(os.dup(1), "wb"))
    if stdin.refused is not None:
        raise ContractError(Diagnostic(f"a message of {stdin.refused:,} bytes (its Content-Length) is more than "
                                       f"the {MAX_MESSAGE_BYTES:,} the server reads: the session is ended"))
