"""`contract lsp` driven through the protocol, as an editor drives it: a real server process over pipes.

One server runs for the whole module (started with pygls's own LanguageClient);
each test opens one of the repository's contracts, as it is or with an edit, and
asserts what the server answers in literal figures. Positions are 0-based, as
the protocol counts them.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import skip_unless_ci

try:
    from lsprotocol import types
    from pygls.lsp.client import LanguageClient
except ImportError:  # pragma: no cover - the lsp extra is missing
    types = None

ROOT = Path(__file__).resolve().parent.parent
BOND = ROOT / "contracts" / "examples" / "fixed_rate_bond.contract"
NOTE_2002 = ROOT / "contracts" / "nstor_2002_subordinated_note.contract"
TIMEOUT = 60


def line_of(path: Path, fragment: str) -> int:
    """The 0-based number of the first line containing a fragment: contracts change, what their lines say stays."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n")):
        if fragment in line:
            return number
    raise AssertionError(f"no line of {path.name} contains {fragment!r}")


def bond_line(fragment: str) -> int:
    return line_of(BOND, fragment)


class Editor:
    """A client of the real server, with its diagnostics as they arrive, and synchronous calls for tests."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.client = LanguageClient("contract-tests", "1")
        self.published: dict[str, list] = {}
        self.arrived = asyncio.Event()
        self.versions = 0

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published[params.uri] = list(params.diagnostics)
            self.arrived.set()

        self.run(self.client.start_io(sys.executable, "-m", "contractlang.cli", "lsp"))
        self.run(self.client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=ROOT.as_uri())))
        self.client.initialized(types.InitializedParams())

    def run(self, awaitable):
        return self.loop.run_until_complete(asyncio.wait_for(awaitable, TIMEOUT))

    def open(self, text: str, name: str) -> tuple[str, list]:
        """Open a document and wait for its diagnostics."""
        uri = (ROOT / "contracts" / name).as_uri()
        self.arrived.clear()
        self.published.pop(uri, None)
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="contract", version=1, text=text)))
        return uri, self.wait_for(uri)

    def type(self, uri: str, line: int, character: int, typed: str) -> list:
        """Insert text at a position, as a keystroke does, and wait for the diagnostics of the new version."""
        self.versions += 1
        self.arrived.clear()
        self.published.pop(uri, None)
        at = types.Position(line=line, character=character)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=1 + self.versions),
            content_changes=[types.TextDocumentContentChangePartial(range=types.Range(start=at, end=at), text=typed)]))
        return self.wait_for(uri)

    def wait_for(self, uri: str) -> list:
        async def published():
            while uri not in self.published:
                self.arrived.clear()
                await self.arrived.wait()
            return self.published[uri]

        return self.run(published())

    def close(self) -> None:
        self.run(self.client.shutdown_async(None))
        self.client.exit(None)
        self.run(self.client.stop())
        self.loop.close()


@pytest.fixture(scope="module")
def editor():
    if types is None:
        skip_unless_ci("pygls and lsprotocol are not installed (pip install 'contractlang[lsp]')")
    started = Editor()
    yield started
    started.close()


@pytest.fixture(scope="module")
def bond(editor):
    uri, diagnostics = editor.open(BOND.read_text(encoding="utf-8"), "bond-as-is.contract")
    assert diagnostics == []
    return uri


def at(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def document(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def where(location) -> tuple[int, int, int, int]:
    r = location.range
    return r.start.line, r.start.character, r.end.line, r.end.character


def test_typing_an_error_gives_the_checkers_diagnostic_with_its_suggestion(editor):
    uri, diagnostics = editor.open(BOND.read_text(encoding="utf-8"), "bond-typing.contract")
    assert diagnostics == []
    pay = bond_line("    pay outstanding_principal from issuer to holder as principal,")
    diagnostics = editor.type(uri, pay, 8, "x")
    assert [(d.range.start.line - pay, d.range.start.character, d.range.end.character, d.message)
            for d in diagnostics] == [
        (0, 8, 30, "unknown name 'xoutstanding_principal'; did you mean 'outstanding_principal'?")]
    assert diagnostics[0].severity == types.DiagnosticSeverity.Error
    assert diagnostics[0].source == "contract"


def test_a_broken_section_does_not_hide_the_diagnostics_of_the_others(editor):
    text = BOND.read_text(encoding="utf-8")
    text = text.replace("term maturity = 2027-01-15", "term maturity = = 2027-01-15")  # in §1
    text = text.replace("  term coupon_rate = 5%\n", "  term coupon_rate = 5%\n  on each q in {\n")  # a line in §2
    text = text.replace("require status == outstanding", "require status == outstandng")  # in §3
    uri, diagnostics = editor.open(text, "bond-broken.contract")
    assert [(d.range.start.line, d.range.start.character, d.message) for d in diagnostics] == [
        (bond_line("term maturity ="), 18, "unexpected '='; expected a value or expression"),
        (bond_line("term coupon_rate") + 1, 15, "unexpected '{'; expected a value or expression"),
        (bond_line("require status == outstanding") + 1, 22, "unknown name 'outstandng'; did you mean 'outstanding'?"),
    ]
    outline = editor.run(editor.client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=document(uri))))
    assert [section.name for section in outline] == ["§3", "§4", "§5", "§examples", "§scenarios", "§invariants"]
    assert [child.name for child in outline[0].children] == ["Redemption", "upon Redemption as redemption"]


def test_a_section_left_unclosed_is_the_one_left_out(editor):
    """The parser stops at the next section's label; the section whose braces do not balance is blanked."""
    closing = "  report accrued_interest = cents(accrued(coupon, through: until))\n}\n"
    text = BOND.read_text(encoding="utf-8").replace(closing, closing[:-2] + "\n")
    uri, diagnostics = editor.open(text, "bond-unclosed.contract")
    assert [(d.range.start.line, d.range.start.character, d.message) for d in diagnostics] == [
        (bond_line('§3 "Redemption'), 0,
         "unexpected '§3'; expected '}' or a declaration or rule (term, state, event, upon, on, text, ...)")]
    outline = editor.run(editor.client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=document(uri))))
    assert [section.name for section in outline] == ["§1", "§3", "§4", "§5", "§examples", "§scenarios", "§invariants"]


def test_hover_on_a_term_gives_its_kind_type_unit_value_section_and_text(editor):
    uri, _ = editor.open(NOTE_2002.read_text(encoding="utf-8"), "note-hover.contract")
    hover = editor.run(editor.client.text_document_hover_async(types.HoverParams(
        text_document=document(uri), position=at(line_of(NOTE_2002, "  term principal = 3_100_000.00 USD"), 9))))
    value = hover.contents.value
    assert value.startswith("**term** `principal`: USD\n\nunit: USD\n\nvalue: `3_100_000.00 USD`\n\n"
                            "in **§(i)** Principal and Maturity\n\n> Amount: $3,100,000.00. Dated: June 7, 2002.")
    assert hover.contents.kind == types.MarkupKind.Markdown


def hover_text(editor, uri, line, character) -> str | None:
    hover = editor.run(editor.client.text_document_hover_async(types.HoverParams(
        text_document=document(uri), position=at(line, character))))
    return hover.contents.value if hover else None


def test_hover_on_a_section_label_a_builtin_an_event_field_and_an_enumeration_value(editor, bond):
    assert hover_text(editor, bond, bond_line('§2 "Interest"'), 1) == (
        "**§2** Interest\n\n> Interest accrues at 5% a year from the Issue Date and is paid quarterly in arrear on"
        " January 15, April 15, July 15 and October 15, each coupon for the period since the last.")
    assert hover_text(editor, bond, bond_line("pay settle(coupon, before: d)"), 8) == (
        "```contract\nsettle(ACCRUAL, before: E | through: D [, on: PART] [, up_to: AMOUNT])\n```\n"
        "built-in: what is unpaid, now settled: .amount, .period (in rules only)")
    assert hover_text(editor, bond, bond_line("require redemption.date >= redemption.noticed_on"), 45).startswith(
        "**field** `noticed_on` of event `Redemption`: Date\n\nin **§3** Redemption at the Issuer's Option")
    assert hover_text(editor, bond, bond_line("record status = redeemed"), 20) == "**value** `redeemed` of enumeration `Status`"
    assert hover_text(editor, bond, bond_line("require redemption.date < maturity"), 24).startswith(
        "**field** `date` of event `Redemption`: Date, the day it takes effect\n\nin **§3**")
    assert hover_text(editor, bond, bond_line("upon Redemption as redemption"), 24).startswith(
        "**event binder** `redemption`: a Redemption event\n\nin **§3**")
    assert hover_text(editor, bond, bond_line("schedule coupon_dates") - 1, 0) is None  # blank space between declarations


def test_definition_and_references_of_a_term_an_event_field_and_a_section(editor, bond):
    definition = editor.run(editor.client.text_document_definition_async(types.DefinitionParams(
        text_document=document(bond), position=at(bond_line("annual_rate: coupon_rate"), 19))))
    rate = bond_line("term coupon_rate")
    assert definition.uri == bond and where(definition) == (rate, 7, rate, 18)

    def references(line, character, declaration=True):
        found = editor.run(editor.client.text_document_references_async(types.ReferenceParams(
            text_document=document(bond), position=at(line, character),
            context=types.ReferenceContext(include_declaration=declaration))))
        return [where(location) for location in found]

    accrual, invariant = bond_line("annual_rate: coupon_rate"), bond_line("p.amount == face_value * coupon_rate")
    assert references(rate, 8) == [(rate, 7, rate, 18), (accrual, 17, accrual, 28), (invariant, 62, invariant, 73)]
    assert references(rate, 8, declaration=False) == [(accrual, 17, accrual, 28), (invariant, 62, invariant, 73)]
    # the event field: declared, read in the handler, given by three events of an example
    field, read = bond_line("noticed_on: Date"), bond_line("require redemption.date >= redemption.noticed_on")
    given = bond_line("event Redemption on 2026-01-14")
    assert references(field, 6) == [(field, 4, field, 14), (read, 42, read, 52), (given, 37, given, 47),
                                    (given + 1, 37, given + 1, 47), (given + 2, 37, given + 2, 47)]
    # the section §2: its label, the nested `§2 {` of §1, and the examples and invariants that cite it
    label, nested = bond_line('§2 "Interest"'), bond_line("    §2 {")
    example, coupons = bond_line('example "each quarterly coupon'), bond_line('invariant "without a redemption')
    later = bond_line("over a later horizon {")
    assert references(label, 0) == [(nested, 4, nested, 6), (label, 0, label, 2), (example, 75, example, 77),
                                    (coupons, 92, coupons, 94), (later, 81, later, 83)]


def completion_labels(editor, uri, line, character) -> list[str]:
    found = editor.run(editor.client.text_document_completion_async(types.CompletionParams(
        text_document=document(uri), position=at(line, character))))
    return [item.label for item in found.items]


def test_completion_of_event_fields_units_and_names_in_scope(editor):
    """Completion while the line is half typed, so that its section does not parse."""
    canonical = BOND.read_text(encoding="utf-8")
    after_record = "    record status = redeemed\n"
    uri, diagnostics = editor.open(canonical.replace(after_record, after_record + "    let late = redemption.\n"),
                                   "bond-completion-field.contract")
    assert [d.message for d in diagnostics] == ["unexpected '}'; expected a name"]
    typed = bond_line("record status = redeemed") + 1
    assert completion_labels(editor, uri, typed, 26) == ["noticed_on", "date", "filed", "index"]
    in_scope = completion_labels(editor, uri, typed, 15)
    assert {"coupon_rate", "outstanding_principal", "Redemption", "redemption", "outstanding", "redeemed",
            "settle", "business_day", "calendar"} <= set(in_scope)
    assert "d" not in in_scope  # the variable of §2's `on each d`, not in scope in §3
    uri, _ = editor.open(canonical.replace(after_record, after_record + "    let fee = 25 \n"),
                         "bond-completion-unit.contract")
    assert completion_labels(editor, uri, typed, 17) == ["USD", "days", "day"]


def test_document_symbols_give_the_sections_with_their_rules_inside(editor, bond):
    outline = editor.run(editor.client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=document(bond))))
    assert [(section.name, section.detail) for section in outline] == [
        ("§1", "Principal and Maturity"), ("§2", "Interest"), ("§3", "Redemption at the Issuer's Option"),
        ("§4", "Business Days"), ("§5", "Governing Law"), ("§examples", "Worked examples"),
        ("§scenarios", "Bundled scenarios as examples"), ("§invariants", "Properties of every scenario")]
    assert [(child.name, child.kind) for child in outline[1].children] == [
        ("coupon_rate", types.SymbolKind.Constant), ("day_count", types.SymbolKind.Property),
        ("coupon_dates", types.SymbolKind.Array), ("coupon", types.SymbolKind.Field),
        ("on each d in coupon_dates", types.SymbolKind.Method), ("accrued_interest", types.SymbolKind.Variable)]
    label = bond_line('§2 "Interest"')
    assert (outline[1].range.start.line, outline[1].range.end.line) == (label, bond_line("report accrued_interest") + 1)
    assert where(types.Location(uri=bond, range=outline[1].selection_range)) == (label, 0, label, 2)


def test_formatting_gives_the_canonical_printers_text(editor, bond):
    canonical = BOND.read_text(encoding="utf-8")
    untidy = canonical.replace("  term coupon_rate = 5%\n", "term    coupon_rate   =  5%\n")
    uri, _ = editor.open(untidy, "bond-format.contract")
    edits = editor.run(editor.client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=document(uri), options=types.FormattingOptions(tab_size=2, insert_spaces=True))))
    assert len(edits) == 1 and edits[0].new_text == canonical
    assert (edits[0].range.start.line, edits[0].range.end.line) == (0, len(untidy.split("\n")) - 1)
    tidy = editor.run(editor.client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=document(bond), options=types.FormattingOptions(tab_size=2, insert_spaces=True))))
    assert list(tidy) == []


def test_the_server_exits_cleanly_when_the_editor_says_exit():
    """shutdown, then exit: status 0 and nothing on stderr."""
    def message(body: dict) -> bytes:
        data = json.dumps(body).encode()
        return b"Content-Length: %d\r\n\r\n" % len(data) + data

    session = b"".join(message(m) for m in [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"}])
    if types is None:
        skip_unless_ci("pygls and lsprotocol are not installed (pip install 'contractlang[lsp]')")
    done = subprocess.run([sys.executable, "-m", "contractlang.cli", "lsp"], input=session, capture_output=True,
                          timeout=TIMEOUT)
    assert done.returncode == 0
    assert done.stderr == b""
    assert b'"serverInfo": {"name": "contract-lsp"' in done.stdout
    assert b'{"id": 2, "jsonrpc": "2.0", "result": null}' in done.stdout


def test_contract_help_imports_none_of_the_editor_libraries():
    probe = ("import sys\n"
             "from click.testing import CliRunner\n"
             "from contractlang.cli import main\n"
             "result = CliRunner().invoke(main, ['--help'])\n"
             "assert result.exit_code == 0 and 'lsp' in result.output, result.output\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'pygments')))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=TIMEOUT, check=True)
    assert done.stdout.strip() == "[]"


def test_positions_count_utf16_units_as_the_protocol_does(editor):
    """An emoji is one character but two UTF-16 units: what follows it on its line is one unit further on."""
    text = 'contract "T"\n\n§1 "A" {\n  term note = "😀" term bad = missing\n}\n'
    uri, diagnostics = editor.open(text, "emoji.contract")
    assert [(d.range.start.line, d.range.start.character, d.range.end.character, d.message) for d in diagnostics] == [
        (3, 30, 37, "unknown name 'missing'; did you mean 'min'?")]
    definition = editor.run(editor.client.text_document_definition_async(types.DefinitionParams(
        text_document=document(uri), position=at(3, 25))))  # on `bad`, after the emoji
    assert where(definition) == (3, 24, 3, 27)


def test_every_builtin_has_a_signature_for_hover():
    from contractlang.language.builtins import BUILTIN_FUNCTIONS
    from contractlang.tools.symbols import BUILTIN_DOCS

    assert sorted(set(BUILTIN_FUNCTIONS) - set(BUILTIN_DOCS)) == []
    assert sorted(set(BUILTIN_DOCS) - set(BUILTIN_FUNCTIONS)) == []
    assert BUILTIN_DOCS["round_half_up"] == ("round_half_up(x, n)", "x to n decimals, half up")


NOTE_2003 = ROOT / "contracts" / "nstor_2003_convertible_note.contract"


@pytest.mark.parametrize("path, used_on, word, declared_on", [
    (BOND, "    on: outstanding_principal", "outstanding_principal", "  state outstanding_principal:"),
    (BOND, "    pay settle(coupon, before: d)", "coupon", "  accrual coupon {"),
    (BOND, "  on each d in coupon_dates {", "coupon_dates", "  schedule coupon_dates ="),
    (BOND, "    day_count: day_count", "day_count\n", "  assumption day_count:"),
    (BOND, "    start: issue_date", "issue_date", "  parameter issue_date:"),
    (BOND, "  upon Redemption as redemption {", "Redemption", "  event Redemption {"),
    (BOND, "    record status = redeemed", "redeemed", "enum Status {"),
    (NOTE_2003, 'do default_occurs("§5(i)", true)', "default_occurs", "  action default_occurs("),
], ids=["state", "accrual", "schedule", "assumption", "parameter", "event", "enumeration value", "action"])
def test_definition_of_each_kind_of_name(editor, path, used_on, word, declared_on):
    lines = path.read_text(encoding="utf-8").split("\n")
    use = line_of(path, used_on)
    uri, _ = editor.open(path.read_text(encoding="utf-8"), f"definitions-{path.name}")
    line_text = lines[use] + "\n"
    character = line_text.index(word, line_text.index(used_on.strip()))
    definition = editor.run(editor.client.text_document_definition_async(types.DefinitionParams(
        text_document=document(uri), position=at(use, character + 1))))
    declared = line_of(path, declared_on)
    name = word.strip()
    assert where(definition) == (declared, lines[declared].index(name), declared, lines[declared].index(name) + len(name))


def test_hover_and_rename_reach_a_name_inside_a_reason(editor):
    """`{issue_date}` in a G12 reason is the parameter: hover says so, and renaming it from there rewrites the
    reasons with the declaration and every other use, into a contract that still checks."""
    text = NOTE_2003.read_text(encoding="utf-8")
    uri, _ = editor.open(text, "note-rename.contract")
    lines = text.split("\n")
    reason = line_of(NOTE_2003, "{issue_date} (G12)")
    inside = lines[reason].index("{issue_date}") + 1
    hover = editor.run(editor.client.text_document_hover_async(types.HoverParams(
        text_document=document(uri), position=at(reason, inside + 3))))
    assert hover.contents.value.startswith("**parameter** `issue_date`: Date")
    edit = editor.run(editor.client.text_document_rename_async(types.RenameParams(
        text_document=document(uri), position=at(reason, inside + 3), new_name="dated_on")))
    edits = edit.changes[uri]
    assert (reason, inside, reason, inside + len("issue_date")) in [where(e) for e in edits]
    assert {e.new_text for e in edits} == {"dated_on"}
    for change in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        line = lines[change.range.start.line]
        lines[change.range.start.line] = (line[:change.range.start.character] + change.new_text
                                          + line[change.range.end.character:])
    renamed = "\n".join(lines)
    assert renamed.count("{dated_on} (G12)") == text.count("{issue_date} (G12)") == 16
    assert "  parameter dated_on: Date" in renamed
    _, diagnostics = editor.open(renamed, "note-renamed.contract")
    assert diagnostics == []
