"""`contract fmt` breaks a long list comprehension and a long `pay` head as it breaks other long lines, and
on every contract of the repository its output prints back to itself and checks to the same contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from contractlang.language import ast
from contractlang.language.checker import check
from contractlang.language.parser import parse
from contractlang.language.printer import WIDTH, format_contract

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "contracts").rglob("*.contract"))

LONG = '''contract "Long lines"

currency USD

§1 "Payments" {
  term company = "The Company of a rather long name"
  term holder = "Holder"
  horizon 2025-12-31
  state principal: USD = 1_000_000.00 USD
  schedule quarters = [2025-03-31, 2025-06-30, 2025-09-30, 2025-12-31]
  schedule late_quarters = [d for d in quarters if d > 2025-04-01 and d < 2025-12-31 and d != 2025-07-01]
  on each d in [q for q in quarters if q > 2025-04-01 and q < 2025-12-31 and q != 2025-07-01 and q != 2025-10-01] {
    pay principal * 2% + principal * 1% * count([q for q in quarters if q <= d]) from company to holder as interest, due d
  }
}

§2 "Properties" {
  invariant "no interest in the first quarter" §1 {
    check sum([p.amount for p in payments if p.purpose == "interest" and p.date <= 2025-03-31]) == 0 USD
        else "interest was paid in the first quarter"
  }
}
'''

BROKEN = '''  schedule late_quarters = [d for d in quarters
      if d > 2025-04-01 and d < 2025-12-31 and d != 2025-07-01]
  on each d in [q for q in quarters
      if q > 2025-04-01 and q < 2025-12-31 and q != 2025-07-01 and q != 2025-10-01] {
    pay principal * 2% + principal * 1% * count([q for q in quarters if q <= d])
        from company to holder as interest, due d
  }
'''

CHECK = '''    check sum([p.amount for p in payments if p.purpose == "interest" and p.date <= 2025-03-31])
        == 0 USD
        else "interest was paid in the first quarter"
'''


def checked_shape(text: str, path: str):
    """The checked contract's tree and the type the checker gave each of its nodes, in order."""
    contract = check(parse(text, path), path, text)
    return contract.tree, [contract.types.get(id(node)) for node in ast.walk(contract.tree)]


def test_a_long_comprehension_breaks_before_its_if_and_a_long_pay_head_before_its_parties():
    printed = format_contract(parse(LONG, "long.contract"), LONG)

    assert BROKEN in printed
    assert CHECK in printed  # broken before its operator, the comprehension then fits
    assert max(len(line) for line in printed.splitlines()) <= WIDTH
    assert format_contract(parse(printed, "long.contract"), printed) == printed
    assert checked_shape(printed, "long.contract") == checked_shape(LONG, "long.contract")


def test_a_comprehension_that_fits_stays_on_its_line():
    text = LONG.replace("and d != 2025-07-01]", "]").replace(" and q != 2025-07-01 and q != 2025-10-01]", "]")
    printed = format_contract(parse(text, "short.contract"), text)

    assert "  schedule late_quarters = [d for d in quarters if d > 2025-04-01 and d < 2025-12-31]\n" in printed
    assert "  on each d in [q for q in quarters if q > 2025-04-01 and q < 2025-12-31] {\n" in printed


@pytest.mark.parametrize("path", CONTRACTS)
def test_fmt_of_every_contract_prints_back_to_itself_and_checks_to_the_same_contract(path):
    text = (ROOT / path).read_text(encoding="utf-8")

    printed = format_contract(parse(text, path), text)

    assert format_contract(parse(printed, path), printed) == printed
    assert checked_shape(printed, path) == checked_shape(text, path)
    for line in printed.splitlines():  # no comprehension's `if` or pay head is left past the width
        if len(line) > WIDTH:
            assert not line.lstrip().startswith("pay "), line
