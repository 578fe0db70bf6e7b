"""Shares of every class counted one for one (`shares`), crossings between securities written with
`counted_as`, and effects seen by examples and invariants with their units."""

from __future__ import annotations

import pytest

from contractlang.diagnostics import ContractError
from contractlang.language import types as T
from contractlang.language.checker import check
from contractlang.language.parser import parse
from contractlang.runtime.interpreter import evaluate
from contractlang.runtime.values import Inputs

HEADER = 'contract "test"\ncurrency USD\nsecurity common\nsecurity preferred\n'

PRICES = '''§1 "Prices" {
  term cap = 10_000_000.00 USD
  term capitalization = 6_000_000 shares
  term safe_price = counted_as(cap / capitalization, preferred)
  term discount_price = counted_as(2.50 USD per common, preferred) * 80%
  term held = counted_as(1_000 preferred, shares) + capitalization
  horizon 2024-01-02
  report shares_bought = floor(500_000.00 USD / safe_price)
  report discounted = discount_price
  report fully_diluted = held
}
'''


def checked(body: str):
    text = HEADER + body
    return check(parse(text, "t.contract"), "t.contract", text)


def problems(body: str) -> list[tuple[int, int, str]]:
    with pytest.raises(ContractError) as caught:
        checked(body)
    return [(d.span.line, d.span.column, d.message) for d in caught.value.diagnostics]


def test_a_price_per_share_of_any_class_counted_as_a_preferred_share_keeps_its_exact_value():
    contract = checked(PRICES)
    state = evaluate(contract, Inputs(until=None)).state

    assert contract.symbols["safe_price"].type == T.Number(T.Unit.of("USD") / T.Unit.of("preferred"))
    assert contract.symbols["held"].type == T.Number(T.Unit.of("share"), integral=True)
    assert state["shares_bought"] == "300000"  # 500,000 / (10,000,000 / 6,000,000), not 299,999
    assert state["discounted"] == "2"
    assert state["fully_diluted"] == "6001000"


def test_shares_of_one_class_never_meet_shares_of_any_class_or_of_another_without_counted_as():
    found = problems('§1 "A" {\n  term capitalization = 6_000_000 shares\n  term a = capitalization + 5 common\n'
                     '  term b = 5 common + 5 preferred\n}\n')

    assert found == [(7, 12, "cannot add share and common"), (8, 12, "cannot add common and preferred")]


def test_counted_as_refuses_what_has_no_shares_of_one_security_and_names_the_securities_it_could_count():
    found = problems('§1 "A" {\n  term cap = 10_000_000.00 USD\n'
                     '  term a = counted_as(cap / 6_000_000 shares, prefered)\n'
                     '  term b = counted_as(cap, common)\n'
                     '  term c = counted_as(2 common per preferred, common)\n'
                     '  term d = counted_as(3 common, common)\n'
                     '  term e = counted_as(3 common, USD)\n'
                     '  term f = counted_as(3 common)\n}\n')

    assert found == [
        (7, 47, "counted_as() counts shares as those of a security the contract declares, or as 'shares'; "
                "did you mean 'preferred'? (it declares: common, preferred)"),
        (8, 23, "counted_as() counts the shares of one security, and USD has no shares"),
        (9, 23, "counted_as() counts the shares of one security, and common per preferred has the shares of "
                "several securities"),
        (10, 33, "common is already counted in common: there is nothing to count"),
        (11, 33, "counted_as() counts shares as those of a security the contract declares, or as 'shares' "
                 "(it declares: common, preferred)"),
        (12, 12, "counted_as() takes a number and the security to count its shares as, not 1 value"),
    ]


def test_an_issue_delivers_shares_of_the_security_it_names():
    found = problems('§1 "A" {\n  event Convert { shares: shares }\n  upon Convert as c {\n'
                     '    issue 10 common of "preferred" to "Holder"\n'
                     '    issue c.shares of "common" to "Holder"\n  }\n}\n')

    assert found == [
        (8, 11, "the shares issued are common, not preferred"),
        (9, 11, "an issue delivers a number of shares of a security, not share; count them as a security's "
                "with counted_as(x, SECURITY)"),
    ]


def test_share_is_the_unit_of_shares_of_any_class_and_no_security_takes_its_name():
    text = 'contract "test"\ncurrency USD\nsecurity shares "Shares"\n§1 "A" {\n  not computed "nothing"\n}\n'
    with pytest.raises(ContractError) as caught:
        check(parse(text, "t.contract"), "t.contract", text)

    [problem] = caught.value.diagnostics
    assert (problem.span.line, problem.message) == (
        3, "'shares' is the unit of a count of shares of any class: a security is named otherwise")


CONVERSION = '''§1 "Conversion" {
  term cap_price = 0.50 USD per common
  horizon 2024-12-31
  event Convert { amount: USD }
  upon Convert as c {
    issue floor(c.amount / cap_price) of "common" to "Holder", price cap_price
    pay 1.00 USD from "Company" to "Holder" as fee
  }
}
'''


def run_examples(tmp_path, text: str):
    from click.testing import CliRunner

    from contractlang.cli import main

    path = tmp_path / "t.contract"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["test", str(path), "--max-examples", "5"])
    return result.exit_code, result.output


def test_an_issues_shares_and_share_price_carry_the_unit_of_the_one_security_the_contract_issues(tmp_path):
    status, output = run_examples(tmp_path, HEADER + CONVERSION + '''
§2 "Examples" {
  example "100,000.00 at 0.50 a share" §1 {
    event Convert on 2024-06-03 { amount: 100_000.00 USD }
    expect [i.shares for i in issues] == [200_000 common]
    expect [i.share_price for i in issues] == [0.50 USD per common]
    expect [i.quantity for i in issues] == [200_000]
    expect [i.shares * i.share_price for i in issues] == [100_000.00 USD]
    expect [p.shares for p in payments] == [0 common]
  }
}
''')

    assert status == 0, output
    assert "ok   example '100,000.00 at 0.50 a share' (§1)" in output


def test_an_issues_shares_compared_with_a_plain_number_is_an_error_at_its_position():
    found = problems(CONVERSION + '''
§2 "Examples" {
  example "no unit" §1 {
    expect [i.shares for i in issues] == [200_000]
  }
}
''')

    assert found == [(17, 12, "cannot compare List[common] with List[Integer]")]


def test_the_shares_of_a_contract_that_issues_several_securities_are_shares_of_any_class():
    contract = checked(CONVERSION.replace('pay 1.00 USD from "Company" to "Holder" as fee',
                                          'issue 1 preferred of "preferred" to "Holder"') + '''
§2 "Invariants" {
  invariant "every issue is of at least one share" §1 {
    for i in issues {
      let counted = i.shares
      check counted >= 1 shares and counted_as(counted, common) >= 1 common else "an issue of no share"
    }
  }
}
''')

    invariant = contract.tree.sections[1].items[0]
    let = invariant.body[0].body[0]
    assert contract.types[id(let.value)] == T.Number(T.Unit.of("share"))
