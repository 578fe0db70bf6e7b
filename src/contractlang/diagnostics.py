"""Source positions and the one error type every stage reports through.

A Diagnostic names a file, a line and a column (1-based) and renders as

    PATH:LINE:COL: error: MESSAGE
        the offending line
                 ^

Stages raise `ContractError` carrying one or more diagnostics; the command
line catches it in one place and prints them. Nothing else reaches the user.
"""

from __future__ import annotations

import os
import stat
import unicodedata

from . import records

# control characters, and format characters such as bidirectional overrides:
# shown as escapes so that no input can retitle, clear or reorder a terminal
_UNPRINTABLE = ("Cc", "Cf", "Zl", "Zp")


def printable(text: str) -> str:
    """Text safe to show on a terminal: every control or format character as a visible escape."""
    if text.isprintable():
        return text
    return "".join(_escape(char) if unicodedata.category(char) in _UNPRINTABLE else char for char in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def source_lines(text: str) -> list[str]:
    """The lines of a text as the parsers count them: ended by a newline alone (a CR before it dropped).

    str.splitlines would also end a line at a form feed, a vertical tab, U+0085 or U+2028, which the
    parsers (Lark, tomli, json) read inside a string or a comment: every later line would be miscounted."""
    lines = text.split("\n")
    if lines[-1] == "":  # the newline that ends the last line starts none
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


_SHOWN_WIDTH = 200  # characters of a line shown under a diagnostic


@records.define(unsafe_hash=True)
class Span:
    """Where something stands in a source file (lines and columns are 1-based).

    Never changed once made, but not frozen: every node of a tree read from the cache makes one, and a frozen
    class's set-up costs twice its plain one."""

    path: str
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@records.frozen
class Diagnostic:
    """One problem with its position; `source` is the text of the file, for the caret."""

    message: str
    span: Span | None = None
    source: str | None = None
    severity: str = "error"

    def render(self) -> str:
        if self.span is None:
            return f"{self.severity}: {printable(self.message)}"
        head = printable(f"{self.span}: {self.severity}: {self.message}")
        text = self.source
        if text is None:
            text = _read_quietly(self.span.path)
        if text is None:
            return head
        lines = source_lines(text)
        if not 1 <= self.span.line <= len(lines):
            return head
        raw = lines[self.span.line - 1].expandtabs(1)
        shift = 0  # characters cut from the start: a place far along a long line (one-line JSON) is shown with
        if self.span.column > _SHOWN_WIDTH - 40 and len(raw) > _SHOWN_WIDTH:  # what is around it, not cut off
            shift = min(self.span.column, len(raw) + 1) - 81
            raw = "…" + raw[shift:]
            shift -= 1  # the ellipsis stands in the first column
        if len(raw) > _SHOWN_WIDTH:
            raw = raw[:_SHOWN_WIDTH] + "…"
        start = max(1, min(self.span.column - shift, len(raw) + 1))
        end = start + 1
        if self.span.end_line == self.span.line and self.span.end_column > self.span.column:
            end = min(self.span.end_column - shift, len(raw) + 1)
        line = printable(raw)
        column = len(printable(raw[: start - 1])) + 1
        width = max(1, len(printable(raw[: end - 1])) + 1 - column)
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


class CommandLineError(ContractError):
    """A value given on the command line that is wrong: wrong use of the command line (exit 2), not bad input."""


_MAX_ECHOED_FILE = 5_000_000


def _read_quietly(path: str) -> str | None:
    """The text of a regular file, for the caret line; nothing for anything else (a device, a FIFO, a huge file)."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        data = os.read(handle, _MAX_ECHOED_FILE + 1)
    except OSError:
        return None
    finally:
        os.close(handle)
    if len(data) > _MAX_ECHOED_FILE:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def closest(name: str, candidates) -> str | None:
    """The candidate most like `name`, for 'did you mean' hints (None if nothing is close)."""
    import difflib  # here: only a mistake needs it, and every process imports this module

    found = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return found[0] if found else None
