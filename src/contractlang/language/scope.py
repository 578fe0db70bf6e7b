"""Where a name or a statement stands while the checker reads it: the scopes of names and what a place allows."""

from __future__ import annotations

from typing import Iterable

from .. import records
from . import types as T


class Scope:
    """The names visible where an expression stands, with their types; inner scopes see outer ones."""

    def __init__(self, parent: "Scope | None" = None):
        self.parent = parent
        self.names: dict[str, T.Type] = {}

    def lookup(self, name: str) -> T.Type | None:
        scope = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None

    def all_names(self) -> Iterable[str]:
        scope = self
        while scope is not None:
            yield from scope.names
            scope = scope.parent


@records.define
class Context:
    """Where a statement stands: what it may do there."""

    section: str
    in_event: bool = False  # reject/require/defer allowed
    in_schedule: bool = False  # claims allowed
    in_invariant: bool = False  # check allowed, effects not
    in_action: bool = False
