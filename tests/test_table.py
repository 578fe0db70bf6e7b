"""The table `contract eval` prints for people: parameters beside assumptions, rates as percentages,
prices with their unit, long quotients rounded for display only, and a line for an accepted notice."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from contractlang.cli import main

SAFE_LIKE = '''contract "A SAFE-like note"

currency USD
security preferred "Preferred shares of the financing"

§1 "Conversion" {
  term company = "Company"
  parameter investor: Text = "Investor"
  parameter purchase_amount: USD = 100_000.00 USD
  parameter cap: USD = 5_000_000.00 USD
  parameter discount_rate: Decimal = 80%
  term capitalization = 3_000_000 preferred
  horizon 2027-01-01
  state price_noticed: Bool = false
  state conversion_price: USD per preferred = 0 USD per preferred
  event FinancingNotice { }
  event Financing { price: USD per preferred }
  upon FinancingNotice as notice {
    set price_noticed = true
  }
  upon Financing as financing {
    require price_noticed else "a financing follows its notice"
    let safe_price = cap / capitalization
    let discount_price = financing.price * discount_rate
    set conversion_price = min(safe_price, discount_price)
    issue floor(purchase_amount / conversion_price) of "preferred" to investor, price round_half_up(conversion_price, 4)
  }
}
'''

SCENARIO = '''title = "A notice, then a financing at 2.00"
until = 2026-12-31

[params]
cap = "4000000"

[[events]]
date = 2025-03-03
type = "FinancingNotice"

[[events]]
date = 2025-04-01
type = "Financing"
price = "2.00"
'''


def evaluate(tmp_path: Path, *options: str) -> str:
    (tmp_path / "safe.contract").write_text(SAFE_LIKE, encoding="utf-8")
    (tmp_path / "financing.toml").write_text(SCENARIO, encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(tmp_path / "safe.contract"), str(tmp_path / "financing.toml"),
                                       *options])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_table_lists_the_parameters_in_force_with_rates_as_percentages_and_money_with_its_unit(tmp_path):
    table = evaluate(tmp_path)

    assert ("parameters\n"
            "  investor = Investor  (contract, §1)\n"
            "  purchase_amount = 100,000.00 USD  (contract, §1)\n"
            "  cap = 4,000,000.00 USD  (scenario, §1)\n"
            "  discount_rate = 80%  (contract, §1)\n") in table


def test_a_price_shows_its_currency_and_unit_and_a_long_quotient_is_rounded_for_display_only(tmp_path):
    table = evaluate(tmp_path)

    # 4,000,000 / 3,000,000 = 1.3333...: the price as the contract rounds it, with its unit
    assert "75,000 sh  §1      event 2  preferred to Investor  at 1.3333 USD per preferred" in table
    assert "  conversion_price = 1.333333…\n" in table  # the state, rounded for people
    result = json.loads(evaluate(tmp_path, "--format", "json"))
    assert result["state"]["conversion_price"] == "1.333333333333333333333333333"  # every digit kept


def test_an_accepted_event_that_produces_nothing_still_has_its_line_saying_what_it_set(tmp_path):
    table = evaluate(tmp_path)

    assert ("2025-03-03  accepted               §1      event 1  FinancingNotice accepted: set price_noticed false → true\n"
            "2025-04-01  issue") in table


def test_the_explanation_shows_each_step_once_with_thousands_separated(tmp_path):
    table = evaluate(tmp_path, "--explain")

    assert table.count("safe_price = cap / capitalization = 1.333333… USD per preferred") == 1
    assert "  conversion_price = min(safe_price, discount_price) = 1.333333… USD per preferred" in table
    assert "discount_price = financing.price * discount_rate = 1.6 USD per preferred" in table
    assert "event 2: Financing on 2025-04-01 (price = 2)" in table


def test_the_explanation_says_why_an_event_of_a_day_ran_after_that_days_scheduled_rule(tmp_path):
    contract = tmp_path / "bond.contract"
    contract.write_text(Path("contracts/examples/fixed_rate_bond.contract").read_text(encoding="utf-8"),
                        encoding="utf-8")
    scenario = tmp_path / "redeemed_on_a_coupon_date.toml"
    scenario.write_text('until = 2026-12-31\n\n[[events]]\ndate = 2026-04-15\ntype = "Redemption"\n'
                        'noticed_on = 2026-03-02\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(contract), str(scenario), "--explain"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    redemption = next(i for i, line in enumerate(lines) if "redemption  Issuer → Holder" in line)
    assert lines[redemption - 3].startswith("2026-04-15  payment        12,500.00 USD  §2      schedule  interest")
    assert lines[redemption + 1].strip() == ("ran after the scheduled rule of §2 of the same day: "
                                             "the contract's own schedule of a day runs first")


SAME_DAY = '''contract "Two sections acting on one day"

currency USD

§1 "Principal" {
  term company = "Company"
  term holder = "Holder"
  horizon 2024-12-31
  state principal: USD = 1_000.00 USD
  on 2024-06-03 {
    pay 100.00 USD from company to holder as principal
    set principal = principal - 100.00 USD
  }
}

§2 "Interest and a bonus" {
  on 2024-06-03 {
    pay principal * 1% from company to holder as interest
  }
  on 2024-06-03 {
    pay 5.00 USD from company to holder as bonus
  }
}
'''


def test_the_explanation_says_which_rule_of_a_day_ran_first_only_where_one_reads_what_the_other_changed(tmp_path):
    (tmp_path / "day.contract").write_text(SAME_DAY, encoding="utf-8")
    (tmp_path / "nothing.toml").write_text('title = "no events"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(tmp_path / "day.contract"), str(tmp_path / "nothing.toml"),
                                       "--explain"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    interest = lines.index("2024-06-03  payment       9.00 USD  §2      schedule  interest  Company → Holder")
    assert lines[interest + 1].split() == (
        "§2 the rule of §2 reads 'principal', which the rule of §1 (line 10) changed earlier on 2024-06-03: "
        "rules of one day run in the order they are written").split()
    bonus = lines.index("2024-06-03  payment       5.00 USD  §2      schedule  bonus  Company → Holder")
    # the bonus reads nothing §1 changed: no word of the order under it
    assert lines[bonus + 1:bonus + 3] == ["              §2      paid 5.00 USD as bonus: 5 rounded to cents, half up", ""]
    assert result.stdout.count("reads 'principal'") == 1


def test_the_table_of_the_safe_example_lists_its_parameters_with_the_discount_rate_as_a_percentage():
    root = Path(__file__).resolve().parent.parent
    result = CliRunner().invoke(main, ["eval", str(root / "contracts/examples/safe.contract"),
                                       str(root / "scenarios/safe_equity_financing_then_acquisition.toml")])

    assert result.exit_code == 0, result.output
    assert ("parameters\n"
            "  purchase_amount = 250,000.00 USD  (scenario, §safe)\n"
            "  post_money_valuation_cap = 8,000,000.00 USD  (scenario, §safe)\n"
            "  discount_rate = 85%  (scenario, §safe)\n"
            "  date_of_safe = 2024-05-10  (scenario, §safe)\n"
            "  investor = Investor  (contract, §safe)\n"
            "\n"
            "assumptions\n"
            "  whole_shares = true  (contract, §1(a))\n") in result.stdout
    assert "400,000 sh  §1(a)   event 1  safe_preferred to Investor  at 0.625 USD per safe_preferred" in result.stdout
