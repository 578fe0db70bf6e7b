"""What `contract test` shows: a failure's values, small counterexamples, generation that reaches the
cases terms turn on, invariants over a changed parameter, and nothing of the library underneath."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from contractlang.cli import main

NOTE = '''contract "A note with a planted double payment"

currency USD
security common

§1 "Prepayment" {
  term company = "Company"
  term holder = "Holder"
  parameter principal: USD = 1_000_000.00 USD
  horizon 2026-01-01
  state outstanding: USD = principal
  event Prepay { amount: USD }
  event Notice { reference: Text }
  upon Prepay as prepayment {
    require prepayment.amount > 0 USD else "nothing to prepay"
    require prepayment.amount <= outstanding else "more than is outstanding"
    pay prepayment.amount from company to holder as principal
    if prepayment.amount > principal / 2 {
      pay prepayment.amount from company to holder as principal
    }
    set outstanding = outstanding - prepayment.amount
  }
  upon Notice as notice {
    require notice.reference != "" else "a notice names its reference"
  }
}

§2 "Properties" {
  example "a prepayment of a quarter million is paid once" §1 {
    event Prepay on 2025-03-03 { amount: 250_000.00 USD }
    expect [p.amount for p in payments] == [200_000.00 USD]
  }
  invariant "never more is repaid than was lent" §1 {
    check sum([p.amount for p in payments]) <= principal else "more was repaid than was lent"
  }
}
'''

SAFE = '''contract "A SAFE whose cap is planted wrong"

currency USD
security common

§1 "Conversion" {
  term company = "Company"
  parameter investor: Text = "Investor"
  parameter purchase_amount: USD = 100_000.00 USD
  parameter cap: USD = 5_000_000.00 USD
  term capitalization = 10_000_000 common
  horizon 2026-01-01
  event Financing { price: USD per common }
  upon Financing as financing {
    require financing.price > 0.00 USD per common else "a financing has a price"
    # the planted fault: from a cap of 5.5 million the price halves
    let cap_price = if cap >= 5_500_000.00 USD then cap / (2 * capitalization) else cap / capitalization
    issue floor(purchase_amount / min(financing.price, cap_price)) of "common" to investor,
        price min(financing.price, cap_price)
  }
}

§2 "Properties" {
  invariant "a higher cap never gives more shares" §1 over the scenario with cap raised by 10% {
    check sum([i.quantity for i in varied.issues]) <= sum([i.quantity for i in issues])
        else "a higher cap gave more shares"
  }
}
'''

REACH = '''contract "A floating-rate note whose rate may go below zero"

currency USD

§1 "Interest" {
  term issue_date = 2024-01-15
  horizon 2026-01-16
  market sofr: Decimal
  generate sofr from -1% to 10%
  schedule reset_dates = every Jan 15, Jul 15 from 2024-07-15 to 2026-01-15
  state rate: Decimal = 0%
  on each d in reset_dates {
    set rate = quote_on_or_before(sofr, d).price
  }
  event Call { notice: Date }
  generate Call.date from reset_dates
  upon Call as call {
    require call.date > issue_date else "a call follows the issue"
  }
}

§2 "Properties that generation must break" {
  invariant "no call lands on a reset date" §1 {
    check not any([c.date in reset_dates for c in Call]) else "a call landed on a reset date"
  }
  invariant "the rate is never negative" §1 {
    check all([s.rate >= 0 for s in history]) else "the rate went below zero"
  }
}
'''


def run_test(tmp_path: Path, text: str, *options: str):
    contract = tmp_path / "planted.contract"
    contract.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["test", str(contract), "--counterexamples", str(tmp_path / "found"),
                                       *options])
    return result.exit_code, result.output


def written(tmp_path: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted((tmp_path / "found").glob("*.toml"))}


def test_a_failing_example_prints_the_value_of_each_side_and_the_records_behind_them(tmp_path):
    status, output = run_test(tmp_path, NOTE, "--max-examples", "5")

    assert status == 1
    assert ("  FAIL example 'a prepayment of a quarter million is paid once' (§1)\n"
            "       line 31: expected [p.amount for p in payments] == [200_000.00 USD], but\n"
            "         [p.amount for p in payments] is [250000 USD]\n"
            "         [200_000.00 USD] is [200000 USD]\n"
            "         payments:\n"
            "           2025-03-03 payment 250000 USD principal to Holder (§1, event 1)\n") in output


def test_a_counterexample_of_a_planted_fault_holds_the_one_event_it_needs_with_a_round_amount(tmp_path):
    status, output = run_test(tmp_path, NOTE)

    assert status == 1
    assert "FAIL invariant 'never more is repaid than was lent' (§1)" in output
    assert "sum([p.amount for p in payments]) is 2000000 USD\n" in output  # the operands of the check
    assert "principal is 1000000 USD\n" in output
    [scenario] = written(tmp_path).values()
    assert scenario.count("[[events]]") == 1
    assert scenario.endswith('type = "Prepay"\namount = "1000000"\n')  # the contract's own figure
    assert "Notice" not in scenario and "[params]" not in scenario


def test_an_invariant_over_a_raised_parameter_catches_a_term_that_is_not_monotone(tmp_path):
    status, output = run_test(tmp_path, SAFE)

    assert status == 1
    assert "FAIL invariant 'a higher cap never gives more shares' (§1)" in output
    assert "sum([i.quantity for i in varied.issues]) is 363636" in output  # at 5.5 million, half the price
    assert "sum([i.quantity for i in issues]) is 200000" in output  # at 5 million: 100,000 / 0.50
    assert "(and its variation: over the scenario with cap raised by 10%)" in output
    assert (f"the varied run: contract eval {tmp_path / 'planted.contract'} "
            f"{tmp_path / 'found' / 'planted-a-higher-cap-never-gives-more-shares.toml'} --set cap=5500000.00\n") in output


def test_the_same_invariant_holds_once_the_term_is_monotone(tmp_path):
    fixed = SAFE.replace("if cap >= 5_500_000.00 USD then cap / (2 * capitalization) else ", "")
    status, output = run_test(tmp_path, fixed)

    assert status == 0, output
    assert "ok   invariant 'a higher cap never gives more shares' (§1): 100 scenarios" in output


def test_generation_reaches_a_listed_schedule_date_and_a_negative_rate_in_the_default_number_of_scenarios(tmp_path):
    status, output = run_test(tmp_path, REACH)

    assert status == 1
    assert "FAIL invariant 'no call lands on a reset date' (§1)" in output
    assert "FAIL invariant 'the rate is never negative' (§1)" in output
    found = written(tmp_path)
    call = found["planted-no-call-lands-on-a-reset-date.toml"]
    assert re.search(r"date = (2024-07-15|2025-01-15|2025-07-15|2026-01-15)\ntype = \"Call\"", call)
    prices = (tmp_path / "found" / "planted-the-rate-is-never-negative.prices.csv").read_text(encoding="utf-8")
    assert any(line.split(",")[1].startswith("-") for line in prices.splitlines()[1:])


def test_no_warning_of_the_library_underneath_reaches_the_output(tmp_path):
    status, output = run_test(tmp_path, REACH)

    assert "Hypothesis" not in output and "Warning" not in output


PRICED = '''contract "A price read from a series"

currency USD
security common

§1 "Price" {
  term company = "Company"
  term holder = "Holder"
  horizon 2026-01-01
  market closing: USD per common
  event Buy {}
  upon Buy as buy {
    pay quote_on_or_before(closing, buy.date).price * 1 common from holder to company as price
  }
  example "the example's own price stands over its scenario's series of the same market" §1 {
    scenario "priced.toml"
    price 2025-03-03 = 1.00 USD per common
    event Buy on 2025-03-03
    expect [p.amount for p in payments] == [1.00 USD]
  }
}
'''


def test_an_example_price_is_read_over_the_series_its_scenario_gives_by_the_market_name(tmp_path):
    (tmp_path / "priced.toml").write_text("[market.closing]\n2025-03-03 = 2.00\n", encoding="utf-8")
    status, output = run_test(tmp_path, PRICED, "--max-examples", "5")
    assert status == 0, output
    assert '  ok   example "the example\'s own price stands over its scenario\'s series of the same market" (§1)' in output
