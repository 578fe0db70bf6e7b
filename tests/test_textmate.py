"""The VS Code extension's TextMate grammar, run as VS Code runs it (vscode-textmate on vscode-oniguruma, in node).

`make test` installs the npm packages into editors/vscode/node_modules; the
script editors/vscode/test/tokenize.js prints each file's tokens with their scopes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import skip_unless_ci

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "editors" / "vscode"
CONTRACTS = sorted((ROOT / "contracts").rglob("*.contract"))
BOND = ROOT / "contracts" / "examples" / "fixed_rate_bond.contract"
NOTE_2002 = ROOT / "contracts" / "nstor_2002_subordinated_note.contract"
# what may stand outside every scope: layout and punctuation
UNSCOPED = set(" \t{}()[],:")


@pytest.fixture(scope="module")
def tokens() -> dict[Path, list]:
    node = shutil.which("node")
    if node is None:
        skip_unless_ci("node is not installed")
    if not (EXTENSION / "node_modules" / "vscode-textmate").is_dir():
        skip_unless_ci("the extension's npm packages are not installed (make test installs them)")
    done = subprocess.run([node, str(EXTENSION / "test" / "tokenize.js"), *map(str, CONTRACTS)],
                          capture_output=True, text=True, timeout=60, check=True)
    return {Path(file): found for file, found in json.loads(done.stdout).items()}


def scopes(tokens, path: Path, line: int | str, text: str) -> list[str]:
    """The scopes of the first token whose text is `text` on a line, given by its number (1-based) or by
    what it contains, without the root scope."""
    if isinstance(line, str):
        line = line_of(path, line)
    for number, _start, _end, found, token_scopes in tokens[path]:
        if number == line and found == text:
            return token_scopes[1:]
    raise AssertionError(f"no token {text!r} on line {line} of {path.name}")


def line_of(path: Path, fragment: str) -> int:
    """The number of the first line that contains a fragment: contracts change, what their lines say stays."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if fragment in line:
            return number
    raise AssertionError(f"no line of {path.name} contains {fragment!r}")


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda p: p.name)
def test_every_contract_is_scoped_throughout(tokens, path):
    """Everything but layout and punctuation gets a scope; every section label and comment gets its own."""
    lines = path.read_text(encoding="utf-8").split("\n")
    unscoped = [(n, text) for n, _, _, text, token_scopes in tokens[path]
                if token_scopes == ["source.contract"] and not set(text) <= UNSCOPED]
    assert unscoped == []
    for number, line in enumerate(lines, 1):
        if line.startswith("§"):
            label = line.split()[0]
            assert scopes(tokens, path, number, label) == ["entity.name.section.contract"]
        if line.lstrip().startswith("#"):
            assert scopes(tokens, path, number, line.strip()) == ["comment.line.number-sign.contract"]


def test_keywords_labels_strings_numbers_with_units_and_comments(tokens):
    assert scopes(tokens, BOND, "contract \"5%", "contract") == ["storage.type.declaration.contract"]
    assert scopes(tokens, BOND, "contract \"5%", "5% Fixed-Rate Bond with Quarterly Coupons") == ["string.quoted.double.contract"]
    assert scopes(tokens, BOND, "§1 \"Principal", "§1") == ["entity.name.section.contract"]
    assert scopes(tokens, BOND, "text \"The Issuer promises", "text") == ["keyword.other.contract"]
    assert scopes(tokens, BOND, "term maturity =", "term") == ["storage.type.declaration.contract"]
    assert scopes(tokens, BOND, "term maturity =", "maturity") == ["variable.other.declaration.contract"]
    assert scopes(tokens, BOND, "term maturity =", "2027-01-15") == ["constant.numeric.date.contract"]
    assert scopes(tokens, BOND, "state outstanding_principal", "state") == ["storage.type.declaration.contract"]
    assert scopes(tokens, BOND, "on maturity {", "on") == ["keyword.control.contract"]
    assert scopes(tokens, BOND, "pay outstanding_principal from", "pay") == ["keyword.control.contract"]
    assert scopes(tokens, BOND, "pay outstanding_principal from", "from") == ["keyword.operator.word.contract"]
    assert scopes(tokens, BOND, "due maturity, on business_day", "business_day") == ["support.function.builtin.contract"]
    assert scopes(tokens, BOND, "    §2 {", "§2") == ["entity.name.section.contract"]
    assert scopes(tokens, BOND, "term coupon_rate", "5%") == ["constant.numeric.percent.contract"]
    assert scopes(tokens, BOND, "require redemption.date >= add_months", "date") == ["variable.other.property.contract"]
    assert scopes(tokens, BOND, "+ 15 days", "15") == ["constant.numeric.contract"]
    assert scopes(tokens, BOND, "+ 15 days", "days") == ["entity.name.type.unit.contract"]
    assert scopes(tokens, BOND, "set outstanding_principal = 0 USD", "0") == ["constant.numeric.contract"]
    assert scopes(tokens, BOND, "set outstanding_principal = 0 USD", "USD") == ["entity.name.type.unit.contract"]
    assert scopes(tokens, BOND, "# interest for [Jan 15, Feb 4)", "# interest for [Jan 15, Feb 4) under 30/360 is 19 days: "
                                      "1,000,000 × 5% × 19/360 = 2,638.89") == ["comment.line.number-sign.contract"]
    assert scopes(tokens, BOND, "over a later horizon", "over a later horizon") == ["keyword.control.contract"]
    # a price: a number, its currency, per, its security
    assert scopes(tokens, NOTE_2002, "= 1.00 USD per common", "1.00") == ["constant.numeric.contract"]
    assert scopes(tokens, NOTE_2002, "= 1.00 USD per common", "USD") == ["entity.name.type.unit.contract"]
    assert scopes(tokens, NOTE_2002, "= 1.00 USD per common", "per") == ["keyword.other.per.contract"]
    assert scopes(tokens, NOTE_2002, "= 1.00 USD per common", "common") == ["entity.name.type.unit.contract"]
    # a text over several lines stays one string; `security` declares a security at the top of the file
    assert scopes(tokens, NOTE_2002, "THIS NOTE IS CONVERTIBLE", "  THIS NOTE IS CONVERTIBLE HAVE NOT BEEN REGISTERED UNDER THE SECURITIES ACT"
                                         " OF 1933 ... AND MAY NOT")[-1] == "string.quoted.triple.contract"
    assert scopes(tokens, NOTE_2002, "security common", "security") == ["storage.type.declaration.contract"]


def test_the_grammar_knows_the_builtins_and_reserved_words_the_lexer_knows():
    """The TextMate grammar and the Pygments lexer colour the same words (they are written twice, in two formats)."""
    from contractlang.language.builtins import BUILTIN_FUNCTIONS

    try:
        from contractlang.tools.highlight import RESERVED
    except ImportError:
        skip_unless_ci("Pygments is not installed (pip install 'contractlang[highlight]')")

    grammar = json.loads((EXTENSION / "syntaxes" / "contract.tmLanguage.json").read_text(encoding="utf-8"))
    builtins = grammar["repository"]["names"]["patterns"][1]
    assert builtins["name"] == "support.function.builtin.contract"
    assert sorted(builtins["match"].split("(?:")[1].split(")")[0].split("|")) == sorted(BUILTIN_FUNCTIONS)
    keywords = {scope["name"]: scope["match"] for scope in grammar["repository"]["keywords"]["patterns"][1:]}
    words = set()
    for match in list(keywords.values()) + [grammar["repository"]["literals"]["patterns"][-1]["match"]]:
        words.update(match.split("(?:")[1].split(")")[0].split("|"))
    assert sorted(words) == sorted(RESERVED)


def test_the_extension_is_complete_and_its_npm_dependencies_pinned():
    node = shutil.which("node")
    if node is None:
        skip_unless_ci("node is not installed")
    manifest = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    pinned = {**manifest["dependencies"], **manifest["devDependencies"]}
    assert pinned == {"vscode-languageclient": "9.0.1", "vscode-oniguruma": "2.0.1", "vscode-textmate": "9.3.2"}
    lock = json.loads((EXTENSION / "package-lock.json").read_text(encoding="utf-8"))
    assert {name: lock["packages"][f"node_modules/{name}"]["version"] for name in pinned} == pinned
    contributed = manifest["contributes"]
    assert contributed["languages"][0]["extensions"] == [".contract"]
    for relative in (manifest["main"], contributed["languages"][0]["configuration"], contributed["grammars"][0]["path"]):
        assert (EXTENSION / relative).is_file(), relative
    assert contributed["configuration"]["properties"]["contract.server.command"]["default"] == ["contract", "lsp"]
    subprocess.run([node, "--check", str(EXTENSION / manifest["main"])], check=True, timeout=60)
