"""The values a rejection's reason names: `{NAME}` or `{NAME.FIELD}` in the text of a `require ... else` or a
`reject`, written when the rule runs; `{{` and `}}` are braces themselves.

The parser reads the references from the text as the author wrote it (so that each one has its place in
the file), and the interpreter reads the same text once unquoted to put the values between its pieces:
escapes in a text (`\\"`, `\\\\`) never touch a brace or a name, so both readings find the same references.
"""

from __future__ import annotations

import re

from .. import records

_REFERENCE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?\}")


@records.frozen
class Reference:
    """One `{NAME}` or `{NAME.FIELD}`: the offset of its opening brace in the text."""

    name: str
    field: str | None
    offset: int


class BadReference(Exception):
    """A brace that starts no reference, or ends none: `offset` is where it stands in the text."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message = message
        self.offset = offset


def read_reason(text: str) -> tuple[list[str], list[Reference]]:
    """The literal pieces of a reason and the references between them (one piece more than references)."""
    if "{" not in text and "}" not in text:  # the usual reason: nothing to read
        return [text], []
    pieces, references, piece = [], [], []
    position = 0
    while position < len(text):
        char = text[position]
        if char in "{}" and text.startswith(char * 2, position):
            piece.append(char)
            position += 2
        elif char == "{":
            found = _REFERENCE.match(text, position)
            if found is None:
                closed = text.find("}", position)
                if closed < 0:
                    raise BadReference("this '{' is never closed: a reason names a value as {NAME} or "
                                       "{NAME.FIELD}, and writes a brace itself as {{", position)
                raise BadReference(f"'{text[position:closed + 1]}' names no value: a reason names one as {{NAME}} "
                                   "or {NAME.FIELD}, and writes a brace itself as {{", position)
            pieces.append("".join(piece))
            piece = []
            references.append(Reference(found.group(1), found.group(2), position))
            position = found.end()
        elif char == "}":
            raise BadReference("this '}' closes no '{': a reason writes a brace itself as }}", position)
        else:
            piece.append(char)
            position += 1
    pieces.append("".join(piece))
    return pieces, references
