"""Values kept by what they were made from, in tables of bounded size.

A process asks for the same few values again and again (every run of a contract rounds the same
interest, writes the same dates, sorts the same prices), so each is made once; a table that would
grow past its size forgets all it holds and starts again, so that no input makes it grow without end.
"""

from __future__ import annotations


class KeptTable(dict):
    """A dict that forgets everything once it holds `most` entries, before it keeps another."""

    __slots__ = ("most",)

    def __init__(self, most: int):
        super().__init__()
        self.most = most

    def keep(self, key, value):
        """Keep `value` under `key`, and give it back."""
        if len(self) >= self.most:
            self.clear()
        self[key] = value
        return value
