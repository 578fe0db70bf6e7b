"""Source positions and the one error type every stage reports through.

A Diagnostic names a file, a line and a column (1-based) and renders as

    PATH:LINE:COL: error: MESSAGE
        the offending line
                 ^

Stages raise `ContractError` carrying one or more diagnostics; the command
line catches it in one place and prints them. Nothing else reaches the user.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Span:
    """Where something stands in a source file (lines and columns are 1-based)."""

    path: str
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@attrs.frozen
class Diagnostic:
    """One problem with its position; `source` is the text of the file, for the caret."""

    message: str
    span: Span | None = None
    source: str | None = None
    severity: str = "error"

    def render(self) -> str:
        if self.span is None:
            return f"{self.severity}: {self.message}"
        head = f"{self.span}: {self.severity}: {self.message}"
        text = self.source
        if text is None:
            text = _read_quietly(self.span.path)
        if text is None:
            return head
        lines = text.splitlines()
        if not 1 <= self.span.line <= len(lines):
            return head
        line = lines[self.span.line - 1].expandtabs(1)
        if len(line) > 200:
            line = line[:200] + "…"
        column = max(1, min(self.span.column, len(line) + 1))
        width = 1
        if self.span.end_line == self.span.line and self.span.end_column > self.span.column:
            width = min(self.span.end_column - self.span.column, len(line) + 1 - column)
        caret = " " * (column - 1) + "^" + "~" * max(0, width - 1)
        return f"{head}\n    {line}\n    {caret}"


class ContractError(Exception):
    """Raised by any stage with the diagnostics it found; rendered by the CLI."""

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(d.render() for d in self.diagnostics))

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)


def _read_quietly(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


def closest(name: str, candidates) -> str | None:
    """The candidate most like `name`, for 'did you mean' hints (None if nothing is close)."""
    import difflib

    found = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return found[0] if found else None
