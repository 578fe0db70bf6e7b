"""The project's attrs classes write the repr attrs itself would, from one shared function."""

from __future__ import annotations

import attrs

from contractlang import records
from contractlang.diagnostics import Span
from contractlang.language import ast
from contractlang.language import types as T


def test_the_shared_repr_reads_as_attrs_own():
    @attrs.frozen
    class ByAttrs:
        name: str
        count: int = 0
        hidden: str = attrs.field(default="x", repr=False)

    @records.frozen
    class ByRecords:
        name: str
        count: int = 0
        hidden: str = attrs.field(default="x", repr=False)

    assert repr(ByRecords("a", 2)).split("(", 1)[1] == repr(ByAttrs("a", 2)).split("(", 1)[1] == "name='a', count=2)"
    assert repr(Span("a.contract", 3, 4)) == "Span(path='a.contract', line=3, column=4, end_line=0, end_column=0)"
    assert repr(T.Number(T.Unit.of("USD"))) == "Number(unit=Unit(powers=(('USD', 1),)), integral=False)"
    assert repr(ast.Name("x", Span("a.contract", 1, 1))) == "Name(name='x')"  # a node's span is not shown


def test_a_class_that_writes_its_own_repr_keeps_it():
    @records.define
    class Own:
        value: int

        def __repr__(self) -> str:
            return f"<{self.value}>"

    assert repr(Own(5)) == "<5>"
    assert Own(5) == Own(5)  # the rest is attrs' own
