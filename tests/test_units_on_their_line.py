"""A unit is written on the line of its number: a name on the next line starts the next field or statement."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from contractlang.cli import main
from contractlang.diagnostics import ContractError
from contractlang.language import ast
from contractlang.language.parser import parse

HEADER = 'contract "test"\ncurrency USD\nsecurity common\n'


def fields_of(text: str, event: str) -> dict:
    contract = parse(HEADER + text, "t.contract")
    [declared] = [i for s in contract.sections for i in s.items if isinstance(i, ast.EventDecl) and i.name == event]
    return {f.name: f.default for f in declared.fields}


def test_a_field_after_a_field_whose_default_is_a_number_is_a_field_not_a_unit():
    fields = fields_of('§1 "A" {\n  event Financing {\n    count: Integer = 5\n    amount: USD = 1.00 USD\n  }\n}\n',
                       "Financing")

    assert list(fields) == ["count", "amount"]
    assert fields["count"].unit is None and fields["count"].text == "5"
    assert (fields["amount"].text, fields["amount"].unit.name) == ("1.00", "USD")


def test_a_unit_on_the_line_of_its_number_stays_its_unit_even_before_a_keyword_or_a_comment():
    contract = parse(HEADER + '§1 "A" {\n  term price = 0.30 USD per common # a price\n'
                              '  term cap = if 5 USD > 4 USD then 2 else 3\n}\n', "t.contract")
    price, cap = contract.sections[0].items

    assert (price.value.text, price.value.unit.name, price.value.unit.per) == ("0.30", "USD", "common")
    assert cap.value.condition.left.unit.name == "USD" and cap.value.then.unit is None


def test_a_name_on_the_line_after_a_number_in_a_rule_is_a_syntax_error_at_that_name(tmp_path):
    path = tmp_path / "t.contract"
    path.write_text(HEADER + '§1 "A" {\n  horizon 2020-01-02\n  event E { n: Integer }\n'
                             '  upon E as e {\n    let y = 5\n    foo\n  }\n}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])

    assert result.exit_code == 1
    assert result.output.startswith(f"{path}:9:5: error: unexpected 'foo'; expected '}}' or a statement")
    assert "unknown unit" not in result.output


def test_a_unit_on_the_next_line_is_not_read_as_the_numbers_unit():
    with pytest.raises(ContractError) as caught:
        parse(HEADER + '§1 "A" {\n  term cap = 5\n    USD\n}\n', "t.contract")

    [problem] = caught.value.diagnostics
    assert problem.message.startswith("unexpected 'USD'")
    assert (problem.span.line, problem.span.column) == (6, 5)
