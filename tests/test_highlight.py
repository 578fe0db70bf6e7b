"""The Pygments lexer: every bundled contract lexes cleanly, the constructs get their token types, pygmentize finds it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import skip_unless_ci

try:
    from pygments.token import Comment, Error, Keyword, Name, Number, Operator, Punctuation, String
except ImportError:  # pragma: no cover - the highlight extra is missing
    Comment = None

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = sorted((ROOT / "contracts").rglob("*.contract"))


@pytest.fixture(scope="module")
def lexer():
    if Comment is None:
        skip_unless_ci("Pygments is not installed (pip install 'contractlang[highlight]')")
    from contractlang.tools.highlight import ContractLexer

    return ContractLexer()


def significant(lexer, text: str) -> list[tuple[object, str]]:
    return [(kind, value) for kind, value in lexer.get_tokens(text) if value.strip()]


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda p: p.name)
def test_every_contract_lexes_without_error_tokens(lexer, path):
    text = path.read_text(encoding="utf-8")
    tokens = list(lexer.get_tokens(text))
    assert [value for kind, value in tokens if kind is Error] == []
    assert "".join(value for _, value in tokens).rstrip("\n") == text.rstrip("\n")


def test_keywords_section_labels_strings_numbers_units_and_comments(lexer):
    source = ('§1(b) "Holder\'s Right to Convert" {\n'
              '  text "The Holder may convert."\n'
              '  term holder_premium = 110%\n'
              '  # a comment about the price\n'
              '  term price = 0.30 USD per common\n'
              '  upon HolderConversion as conversion {\n'
              '    require conversion.date < maturity else "only prior to Maturity"\n'
              '    pay 1_000.00 USD from company to holder as interest, due 2003-06-10 + 10 days\n'
              '  }\n'
              '}\n')
    tokens = significant(lexer, source)
    assert tokens[:17] == [
        (Name.Label, "§1(b)"), (String.Double, '"Holder\'s Right to Convert"'), (Punctuation, "{"),
        (Keyword, "text"), (String.Double, '"The Holder may convert."'),
        (Keyword.Declaration, "term"), (Name.Variable, "holder_premium"), (Operator, "="), (Number.Percent, "110%"),
        (Comment.Single, "# a comment about the price"),
        (Keyword.Declaration, "term"), (Name.Variable, "price"), (Operator, "="),
        (Number, "0.30"), (Keyword.Type, "USD"), (Keyword, "per"), (Keyword.Type, "common"),
    ]
    assert (Keyword, "upon") in tokens and (Keyword, "require") in tokens and (Keyword, "pay") in tokens
    assert (Name.Attribute, "date") in tokens
    assert tokens[-16:-4] == [
        (Number, "1_000.00"), (Keyword.Type, "USD"), (Operator.Word, "from"), (Name, "company"),
        (Operator.Word, "to"), (Name, "holder"), (Operator.Word, "as"), (Name, "interest"), (Punctuation, ","),
        (Name, "due"), (Number.Date, "2003-06-10"), (Operator, "+"),
    ]
    assert tokens[-4:-2] == [(Number, "10"), (Keyword.Type, "days")]


def test_a_word_the_grammar_reserves_in_one_place_is_a_name_elsewhere(lexer):
    """`state security: Text` declares a state named security; `until` in a check is the horizon's value."""
    tokens = significant(lexer, "§1 {\n  state security: Text = \"common\"\n  check x <= until else \"late\"\n}\n")
    assert tokens[2:4] == [(Keyword.Declaration, "state"), (Name.Variable, "security")]
    assert (Name, "until") in tokens
    assert (Keyword.Type, "Text") in tokens


def test_long_strings_and_builtins(lexer):
    tokens = significant(lexer, 'not computed """two\nlines"""\nlet due = settle(interest, before: maturity)\n')
    assert (String.Doc, '"""two\nlines"""') in tokens
    assert (Name.Builtin, "settle") in tokens
    assert (Name.Attribute, "before") in tokens


def test_pygmentize_finds_the_lexer_by_its_alias_and_by_the_file_name(lexer, tmp_path):
    pygmentize = Path(sys.executable).with_name("pygmentize")
    if not pygmentize.exists():
        pygmentize = shutil.which("pygmentize")
    if pygmentize is None:
        skip_unless_ci("pygmentize is not installed")
    bond = ROOT / "contracts" / "examples" / "fixed_rate_bond.contract"
    by_alias = subprocess.run([str(pygmentize), "-l", "contract", "-f", "html", str(bond)],
                              capture_output=True, text=True, check=True).stdout
    assert '<span class="nl">§1</span>' in by_alias
    assert '<span class="kd">contract</span>' in by_alias
    assert 'class="err"' not in by_alias
    guessed = subprocess.run([str(pygmentize), "-N", str(bond)], capture_output=True, text=True, check=True).stdout
    assert guessed.strip() == "contract"
