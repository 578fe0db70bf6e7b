"""The project's attrs classes: attrs' own, with one repr shared by all rather than one compiled for each.

attrs compiles a `__repr__` for every class it makes, about a million instructions each: with some
thirty classes on the way to an evaluation, a twentieth of a warm start. The shared one writes what
attrs' would, the class's name and each field shown (`Span(path='a.contract', line=1, ...)`).
"""

from __future__ import annotations

import functools

import attrs


def define(maybe_class=None, **options):
    """attrs.define (mutable, slotted), with the shared repr."""
    return _with_shared_repr(attrs.define, maybe_class, options)


def frozen(maybe_class=None, **options):
    """attrs.frozen (immutable, slotted), with the shared repr."""
    return _with_shared_repr(attrs.frozen, maybe_class, options)


def _with_shared_repr(make, maybe_class, options):
    def decorate(cls):
        own = "__repr__" in vars(cls)  # a class that writes its own keeps it, as attrs would
        made = make(cls, repr=False, **options)
        if not own:
            made.__repr__ = fields_repr
        return made
    return decorate if maybe_class is None else decorate(maybe_class)


def fields_repr(record) -> str:
    """`Name(field=value, ...)` over the fields attrs shows, as attrs' own repr writes it."""
    shown = ", ".join(f"{name}={getattr(record, name)!r}" for name in _shown_fields(record.__class__))
    return f"{record.__class__.__qualname__}({shown})"


@functools.cache
def _shown_fields(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in attrs.fields(kind) if field.repr)
