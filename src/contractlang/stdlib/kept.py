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


def in_order(table: KeptTable, items) -> list:
    """The distinct items of `items` (a list, or a dict's keys) in order, sorted once for that very object while
    it holds the same items in the same order (a comparison, quicker than a sort): every run of a contract sorts
    the same list or series. `table` keeps, by id, the object (held, so that its id is its own), its items and
    them in order. The list given back is shared, and never changed."""
    given = list(items)
    kept = table.get(id(items))
    if kept is not None and kept[0] is items and kept[1] == given:
        return kept[2]
    return table.keep(id(items), (items, given, sorted(set(given))))[2]
