"""A Pygments lexer for contracts, so that `pygmentize -l contract` and rendered memos colour them.

It colours, it does not parse: the grammar stays in grammar/contract.lark, and
a keyword the grammar reserves only in one place (`state`, `security`, `text`,
`until`) is coloured as a keyword only where a statement starts.
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Whitespace

from contractlang.language.builtins import BUILTIN_FUNCTIONS

__all__ = ["ContractLexer"]

DECLARATIONS = ("contract", "currency", "enum", "term", "parameter", "assumption", "report", "horizon",
                "schedule", "accrual", "market", "event", "action", "function", "snapshot", "example", "invariant",
                "generate")
STATEMENTS = ("upon", "on", "each", "let", "set", "adjust", "record", "pay", "issue", "votes", "reject",
              "require", "check", "cancel", "stop", "rebase", "do", "otherwise", "for", "if", "else", "then",
              "because", "effective", "private", "not", "computed", "expect", "assume", "over", "every")
OPERATOR_WORDS = ("and", "or", "in", "is", "as", "from", "to", "of", "by", "per", "at")
CONSTANTS = ("true", "false", "none")
# reserved only where a statement or an example's line starts; elsewhere they are ordinary names
LINE_KEYWORDS = ("state", "security", "text", "until", "price", "scenario")
VARIATIONS = (r"over\s+a\s+later\s+horizon", r"over\s+the\s+scenario\s+without\s+its\s+rejected\s+events",
              r"over\s+the\s+scenario\s+with", r"before\s+each", r"time\s+zone")
TYPES = ("Date", "Days", "Bool", "Text", "Time", "DateTime", "Period", "Decimal", "Integer", "DayCount", "Calendar",
         "Convention", "PeriodUnit", "Stub", "EndOfMonth", "Settlement", "List")
RESERVED = DECLARATIONS + STATEMENTS + OPERATOR_WORDS + CONSTANTS
NAME = r"[A-Za-z_][A-Za-z0-9_]*"
NOT_RESERVED = r"(?!(?:" + "|".join(RESERVED) + r")\b)"


class ContractLexer(RegexLexer):
    """Contracts of the contract language: sections, declarations, rules, numbers with their units."""

    name = "Contract"
    aliases = ["contract", "contractlang"]
    filenames = ["*.contract"]
    mimetypes = ["text/x-contract"]
    url = "https://github.com/contractlang/contractlang"

    tokens = {
        "root": [
            (r"(\s*\n[ \t]*|\{[ \t]*)(state|security)([ \t]+)(" + NAME + ")",
             bygroups(Whitespace, Keyword.Declaration, Whitespace, Name.Variable)),
            (r"(\s*\n[ \t]*|\{[ \t]*)(" + "|".join(LINE_KEYWORDS) + r")\b(?!\s*[:=.(])",
             bygroups(Whitespace, Keyword)),
            (r"\s+", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (r'"""(?:.|\n)*?"""', String.Doc),
            (r'"(?:[^"\\]|\\.)*"', String.Double),
            (r"§[A-Za-z0-9().]+", Name.Label),
            (r"\d{4}-\d{2}-\d{2}", Number.Date),
            (r"\d{2}:\d{2}(:\d{2})?", Number.Time),
            (r"\d[\d_]*(?:\.\d+)?%", Number.Percent),
            (r"(\d[\d_]*(?:\.\d[\d_]*)?)([ \t]+)(" + NOT_RESERVED + NAME + r")([ \t]+)(per)([ \t]+)(" + NAME + ")",
             bygroups(Number, Whitespace, Keyword.Type, Whitespace, Keyword, Whitespace, Keyword.Type)),
            (r"(\d[\d_]*(?:\.\d[\d_]*)?)([ \t]+)(" + NOT_RESERVED + NAME + ")",
             bygroups(Number, Whitespace, Keyword.Type)),
            (r"\d[\d_]*(?:\.\d[\d_]*)?", Number),
            (r"(parameter|private)(\s+)(state)(\s+)(" + NAME + ")",
             bygroups(Keyword.Declaration, Whitespace, Keyword.Declaration, Whitespace, Name.Variable)),
            (words(DECLARATIONS[1:] + ("let",), suffix=r"(\s+)(" + NOT_RESERVED + NAME + ")"),
             bygroups(Keyword.Declaration, Whitespace, Name.Variable)),
            (words(VARIATIONS, suffix=r"\b"), Keyword),
            (r"(\.)(" + NAME + ")", bygroups(Punctuation, Name.Attribute)),
            (r"(" + NAME + r")(\s*)(:)(?!:)", bygroups(Name.Attribute, Whitespace, Punctuation)),
            (words(tuple(BUILTIN_FUNCTIONS), suffix=r"(?=\s*\()"), Name.Builtin),
            (words(DECLARATIONS, suffix=r"\b"), Keyword.Declaration),
            (words(STATEMENTS, suffix=r"\b"), Keyword),
            (words(OPERATOR_WORDS, suffix=r"\b"), Operator.Word),
            (words(CONSTANTS, suffix=r"\b"), Keyword.Constant),
            (words(TYPES, suffix=r"\b"), Keyword.Type),
            (NAME + r"(?=\s*\()", Name.Function),
            (NAME, Name),
            (r"\?\?|==|!=|<=|>=|[<>+\-*/=?]", Operator),
            (r"[{}()\[\],.:]", Punctuation),
        ],
    }

