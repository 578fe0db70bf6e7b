"""The language beyond its first three instruments: times of day, messages a newcomer can act on,
a canonical layout that stays readable, explanations that show each step once."""

from __future__ import annotations

import json
from pathlib import Path

from contract_helpers import HEADER, ORDER, problems, run, write
from contractlang.language.parser import parse
from contractlang.language.printer import WIDTH, format_contract


# ------------------------------------------------------------- times of day

WARRANT = HEADER + '''§1 "Exercise" {
  parameter expiry_time: Time = 17:00
  term expiry = 2005-06-30
  state exercised: Bool = false
  event Exercise {
    at: Time = 09:00
  }
  upon Exercise as exercise {
    require exercise.date < expiry or exercise.date == expiry and exercise.at <= expiry_time
        else "the warrant expires at 5:00 p.m. on June 30, 2005"
    record exercised = true
  }
}
'''


def test_a_time_of_day_is_a_parameter_default_an_event_field_and_a_scenario_value(tmp_path):
    contract = write(tmp_path / "w.contract", WARRANT)
    scenario = write(tmp_path / "w.toml", 'until = 2005-12-31\n[params]\nexpiry_time = "16:30"\n'
                     '[[events]]\ndate = 2005-06-30\ntype = "Exercise"\nat = 16:00:00\n'
                     '[[events]]\ndate = 2005-06-30\ntype = "Exercise"\nat = "16:45"\n'
                     '[[events]]\ndate = 2005-06-29\ntype = "Exercise"\n')
    status, out, err = run("eval", contract, scenario, "--format", "json")
    assert status == 0, err
    effects = json.loads(out)["effects"]
    # 16:00 is before the 16:30 the scenario sets; 16:45 is after it; the day before, any time will do
    assert [(e["cause"], e["kind"]) for e in effects] == [(3, "status"), (1, "status"), (2, "rejection")]


def test_a_time_of_day_that_is_not_one_is_refused_at_its_key(tmp_path):
    contract = write(tmp_path / "w.contract", WARRANT)
    scenario = write(tmp_path / "w.toml", 'until = 2005-12-31\n[params]\nexpiry_time = "5 pm"\n')
    status, out, err = run("eval", contract, scenario)
    assert status == 1 and out == ""
    assert err.startswith(f"{scenario}:3:1: error: parameter 'expiry_time' must be a time of day")


def test_contract_test_generates_times_of_day_around_the_contracts_own(tmp_path):
    contract = write(tmp_path / "w.contract", WARRANT + '''§2 "Properties" {
  invariant "no exercise is accepted after 5:00 p.m. on the expiry date" §1 {
    for exercise in Exercise {
      check exercise.date != expiry or exercise.at <= expiry_time or exercise.date > until
          or any([r.cause == exercise.index for r in rejections])
          else "an exercise after the expiry time was accepted"
    }
  }
}
''')
    status, out, err = run("test", contract)
    assert status == 0, out + err
    assert "1 property, 100 scenarios tried, 0 failed" in out


# ------------------------------------------------------------- messages

def test_a_requirement_without_its_else_is_reported_where_its_condition_ends():
    found = problems('§1 "A" {\n  state s: USD = 0 USD\n  event E {}\n  upon E as e {\n'
                     '    require s > 0 USD\n    set s = 1 USD\n  }\n}\n')
    assert found[0].splitlines()[0] == ("t.contract:8:22: error: expected 'else \"reason\"' after this condition: "
                                        "a require or a check gives its reason")


def test_an_unknown_name_is_reported_once_and_no_follow_on_speaks_of_an_internal_type():
    found = problems('§1 "A" {\n  term y = undefined_thing + 1\n  term z = y + 1 USD\n  state s: USD = 0 USD\n'
                     '  event E {}\n  upon E as e {\n    set s = y\n    pay y from "a" to "b" as interest\n'
                     '    let q = nothing_here\n    for x in q {\n      set s = x\n    }\n  }\n}\n')
    heads = [p.splitlines()[0] for p in found]
    assert heads == ["t.contract:5:12: error: unknown name 'undefined_thing'",
                     "t.contract:12:13: error: unknown name 'nothing_here'"]
    assert not any("Unknown" in p for p in found)


def test_an_event_is_named_with_its_article():
    found = problems('§1 "A" {\n  state s: USD = 0 USD\n  event Exercise { amount: USD }\n'
                     '  upon Exercise as e {\n    set s = e.nope\n  }\n}\n')
    assert "an Exercise event has no field 'nope'" in found[0]


def test_a_day_span_times_a_whole_number_is_a_day_span(tmp_path):
    contract = write(tmp_path / "d.contract", HEADER + '§1 "A" {\n  term n = 3\n  state s: Date = 2003-01-01\n'
                     '  event E {}\n  upon E as e {\n    set s = e.date + 10 days * n\n  }\n}\n')
    scenario = write(tmp_path / "d.toml", 'until = 2003-02-01\n[[events]]\ndate = 2003-01-02\ntype = "E"\n')
    status, out, err = run("eval", contract, scenario, "--format", "json")
    assert status == 0, err
    assert json.loads(out)["state"]["s"] == "2003-02-01"


# ------------------------------------------------------------- layout

def test_fmt_breaks_a_long_list_and_an_if_chain_into_lines_within_the_width():
    dates = ", ".join(f"2003-{m:02d}-{d:02d}" for m in range(1, 13) for d in (1, 15))
    chain = " else ".join(f"if k == {n} then {n}" for n in range(1, 8)) + " else 8"
    text = HEADER + f'§1 "A" {{\n  schedule s = [{dates}]\n  term k = 3\n  term x = {chain}\n}}\n'
    printed = format_contract(parse(text, "t.contract"), text)
    assert max(len(line) for line in printed.splitlines()) <= WIDTH
    assert "      else if k == 2 then 2\n" in printed and "      else 8\n" in printed
    assert parse(printed, "t.contract") == parse(text, "t.contract")
    assert format_contract(parse(printed, "t.contract"), printed) == printed


# ------------------------------------------------------------- the order of a day

def test_an_event_a_scheduled_item_rejects_follows_that_items_effects(tmp_path):
    contract = Path(__file__).resolve().parents[1] / "contracts" / "nstor_2003_convertible_note.contract"
    scenario = write(tmp_path / "m.toml", 'until = 2003-08-01\n[params]\nissue_date = 2003-05-01\n'
                     '[[events]]\ndate = 2003-07-15\ntype = "PaymentMissed"\npaid = 3342.47\n')
    status, out, err = run("eval", str(contract), scenario, "--format", "json")
    assert status == 0, err
    # a payment in full is no miss: the payment is made first (G6), then the event is rejected
    assert [e["kind"] for e in json.loads(out)["effects"]] == ["payment", "rejection"]


# ------------------------------------------------------------- rates that change

FLOATING = HEADER + '''§1 "Interest" {
  term holder = "H"
  state principal: USD = 1_000_000.00 USD
  state index_rate: Decimal = 2%
  accrual interest {
    on: principal
    annual_rate: index_rate + 1%
    day_count: "actual/360"
    start: 2024-01-01
    boundaries: [2024-04-01, 2024-07-01]
  }
  event Reset { rate: Decimal }
  upon Reset as reset {
    set index_rate = reset.rate
  }
  on each d in [2024-04-01, 2024-07-01] {
    pay settle(interest, before: d) from holder to holder as interest
  }
}
'''


def test_an_accrual_follows_each_change_of_the_state_its_rate_names(tmp_path):
    contract = write(tmp_path / "f.contract", FLOATING)
    scenario = write(tmp_path / "f.toml", 'until = 2024-07-31\n[[events]]\ndate = 2024-02-15\ntype = "Reset"\n'
                     'rate = 0.05\n')
    status, out, err = run("eval", contract, scenario, "--format", "json")
    assert status == 0, err
    # [Jan 1, Feb 15), 45 days at 3%: 1,000,000 × 3% × 45/360 = 3,750; [Feb 15, Apr 1), 46 days at 6%:
    # 1,000,000 × 6% × 46/360 = 7,666.67; then [Apr 1, Jul 1), 91 days at 6%: 15,166.67
    assert [e["amount"] for e in json.loads(out)["effects"]] == ["11416.67", "15166.67"]


def test_an_accrual_rate_that_would_be_read_once_is_an_error():
    found = problems('§1 "A" {\n  market index: USD per common\n  state principal: USD = 1 USD\n'
                     '  accrual interest {\n    on: principal\n    annual_rate: plain(quote_before(index, today).price / 1 USD per common)\n'
                     '    day_count: "actual/360"\n    start: 2024-01-01\n  }\n}\n')
    assert any("an accrual's rate cannot read quote_before()" in p for p in found)


# ------------------------------------------------------------- schedules, day counts, business days

CYCLIC = HEADER + '''§1 "Coupons" {
  term holder = "H"
  term start = 2024-01-31
  term maturity = 2025-01-31
  schedule coupons = cyclic(start, 1, "quarters", maturity, end_of_month: "end of month")
  state principal: USD = 1_000_000.00 USD
  accrual interest {
    on: principal
    annual_rate: 5%
    day_count: "actual/actual ICMA"
    start: start
    boundaries: coupons
    frequency: 4
  }
  on each d in coupons {
    pay settle(interest, before: d) from holder to holder as interest,
        on business_day(d, modified_preceding, "US-NY")
  }
  report after_thanksgiving = add_business_days(2024-11-27, 1, "US-NY")
  report short_stub = cyclic(2024-01-15, 6, "months", 2025-03-01)
  report long_stub = cyclic(2024-01-15, 6, "months", 2025-03-01, stub: "long last")
}
'''


def test_a_cyclic_schedule_counts_from_its_anchor_and_icma_pays_a_regular_quarter_exactly(tmp_path):
    contract = write(tmp_path / "c.contract", CYCLIC)
    scenario = write(tmp_path / "c.toml", "until = 2025-03-01\n")
    status, out, err = run("eval", contract, scenario, "--format", "json")
    assert status == 0, err
    result = json.loads(out)
    # month ends from January 31: April 30, July 31, October 31, January 31; each a regular quarter,
    # 1,000,000 × 5% / 4 = 12,500.00 under actual/actual ICMA; none falls on a New York holiday
    assert [(e["date"], e["amount"]) for e in result["effects"]] == [
        ("2024-04-30", "12500.00"), ("2024-07-31", "12500.00"), ("2024-10-31", "12500.00"), ("2025-01-31", "12500.00")]
    # Thursday, November 28, 2024 is Thanksgiving
    assert result["state"]["after_thanksgiving"] == "2024-11-29"
    assert result["state"]["short_stub"] == "[2024-01-15, 2024-07-15, 2025-01-15, 2025-03-01]"
    assert result["state"]["long_stub"] == "[2024-01-15, 2024-07-15, 2025-03-01]"


def test_a_day_count_that_needs_a_frequency_says_so():
    found = problems('§1 "A" {\n  report f = year_fraction("actual/actual ICMA", 2024-01-01, 2024-04-01, frequency: "4")\n}\n')
    assert any("'frequency:'" in p for p in found)


# ------------------------------------------------------------- functions, lists, securities

FUNCTIONS = HEADER + '''§1 "A" {
  term holder = "H"
  term rates = [2%, 3%, 4%]
  term dates = [2024-01-01, 2024-06-01, 2024-12-01]
  function interest_on(amount: USD, rate: Decimal, days: Integer) = cents(amount * rate * days / 360)
  report total = sum([interest_on(1_000.00 USD, r, 90) for r in rates])
  report biggest = max(rates)
  report ends = [first(dates), last(dates), dates[2]]
  report numbers = range(1, 4)
  report above_two = [p.first for p in zip(dates, rates) if p.second > 2%]
}
'''


def test_a_function_a_list_position_and_the_list_primitives(tmp_path):
    contract = write(tmp_path / "f.contract", FUNCTIONS)
    scenario = write(tmp_path / "f.toml", "until = 2024-12-31\n")
    status, out, err = run("eval", contract, scenario, "--format", "json")
    assert status == 0, err
    # 1,000 × 2% × 90/360 = 5.00, × 3% = 7.50, × 4% = 10.00
    assert json.loads(out)["state"] == {
        "total": "22.50", "biggest": "0.04", "ends": "[2024-01-01, 2024-12-01, 2024-06-01]",
        "numbers": "[1, 2, 3, 4]", "above_two": "[2024-06-01, 2024-12-01]"}


def test_a_function_may_not_call_itself_and_a_position_must_be_in_the_list(tmp_path):
    found = problems('§1 "A" {\n  function f(n: Integer) = g(n) + 1\n  function g(n: Integer) = f(n)\n'
                     '  term x = f(1)\n}\n')
    assert any("in a circle: f → g → f" in p for p in found)
    contract = write(tmp_path / "i.contract", HEADER + '§1 "A" {\n  term xs = [1, 2]\n  report y = xs[3]\n}\n')
    status, out, err = run("eval", contract, write(tmp_path / "i.toml", "until = 2024-12-31\n"))
    assert status == 1
    assert "position 3 is not in a list of 2 (the first is 1)" in err.splitlines()[0]
    contract = write(tmp_path / "z.contract", HEADER + '§1 "A" {\n  report y = zip([1, 2], [1])\n}\n')
    status, out, err = run("eval", contract, write(tmp_path / "z.toml", "until = 2024-12-31\n"))
    assert status == 1 and "zip() of lists of 2 and 1 elements" in err


def test_an_issue_of_a_security_the_contract_does_not_declare_is_an_error():
    found = problems('§1 "A" {\n  event E {}\n  upon E as e {\n    issue 10 common of "comon" to "H"\n  }\n}\n')
    assert any("'comon' is not a security this contract declares; did you mean 'common'?" in p for p in found)


# ------------------------------------------------------------- several market series

MARKETS = HEADER + '''§1 "Market data" {
  market sofr: Decimal
  market closing_bid: USD per common
  report rate = quote_on_or_before(sofr, 2024-03-05, within: 5 days).price
  report average = average_before(closing_bid, 2024-03-05, 3)
}
'''


def test_several_named_series_of_any_sign_a_window_average_and_a_stated_staleness(tmp_path):
    contract = write(tmp_path / "m.contract", MARKETS)
    scenario = write(tmp_path / "m.toml", 'until = 2024-03-31\n[market.sofr]\n2024-03-01 = -0.0025\n'
                     '[market.closing_bid]\n2024-02-28 = 9\n2024-02-29 = 1.30\n2024-03-01 = 1.00\n2024-03-04 = 1.10\n')
    status, out, err = run("eval", contract, scenario, "--format", "json")
    assert status == 0, err
    # the three latest closes before March 5: (1.30 + 1.00 + 1.10) / 3, exactly
    assert json.loads(out)["state"] == {"rate": "-0.0025", "average": "1.133333333333333333333333333"}
    stale = write(tmp_path / "s.contract", MARKETS.replace("within: 5 days", "within: 2 days"))
    status, out, err = run("eval", stale, scenario)
    assert status == 1
    assert "the latest value of market 'sofr' on or before 2024-03-05 is of 2024-03-01, more than 2 days before" in err


def test_a_scenario_names_each_series_of_a_contract_with_several(tmp_path):
    contract = write(tmp_path / "m.contract", MARKETS)
    one = write(tmp_path / "one.toml", 'until = 2024-03-31\nprices = {2024-03-01 = 1.0}\n')
    status, out, err = run("eval", contract, one)
    assert status == 1 and "give each as [market.NAME], not one 'prices'" in err
    wrong = write(tmp_path / "wrong.toml", 'until = 2024-03-31\n[market.sofa]\n2024-03-01 = 0.01\n')
    status, out, err = run("eval", contract, wrong)
    assert status == 1 and "the contract has no market 'sofa'; did you mean 'sofr'?" in err


# ------------------------------------------------------------- settlement and snapshots

SETTLED = HEADER + '''§1 "Payments" {
  term holder = "H"
  state notional: USD = 1_000.00 USD
  accrual interest {
    on: notional
    annual_rate: 10%
    day_count: "actual/360"
    start: 2024-01-01
  }
  snapshot notional = notional, accrued = cents(accrued(interest, before: today))
  event Repay { amount: USD }
  upon Repay as repayment {
    pay repayment.amount from holder to holder as principal
    set notional = notional - repayment.amount
  }
  on 2024-07-01 {
    pay settle(interest, before: today) from holder to holder as interest, rounding "exact"
    pay 0 USD from holder to holder as interest, rounding "exact", even_when_zero true
    pay 10 USD / 3 from holder to holder as interest, rounding "cents down"
    pay 1.005 USD from holder to holder as interest, rounding "cents half even"
    pay 0.001 USD from holder to holder as interest
  }
}
'''


def test_a_payment_settles_as_its_contract_says_and_effects_carry_a_snapshot(tmp_path):
    contract = write(tmp_path / "s.contract", SETTLED)
    scenario = write(tmp_path / "s.toml", 'until = 2024-12-31\n[[events]]\ndate = 2024-03-01\ntype = "Repay"\n'
                     'amount = 400\n')
    status, out, err = run("eval", contract, scenario, "--format", "json")
    assert status == 0, err
    effects = json.loads(out)["effects"]
    # 1,000 × 10% × 60/360 = 16.666..., then 600 × 10% × 122/360 = 20.333...: exactly 37 in all;
    # zero is an effect where the contract says so; 3.333... down is 3.33; 1.005 half even is 1.00;
    # 0.001 rounds to no payment
    assert [e["amount"] for e in effects] == ["400.00", "37", "0", "3.33", "1.00"]
    assert effects[0]["snapshot"] == {"notional": "600.00", "accrued": "16.67"}
    assert effects[1]["snapshot"] == {"notional": "600.00", "accrued": "0.00"}


# ------------------------------------------------------------- currencies

CURRENCIES = '''contract "A template in the currency of its purchase amount"
currency Cash "the currency of the Purchase Amount" = payment_currency
currency USD "dollars"
§1 "Purchase" {
  parameter payment_currency: Text = "USD"
  parameter purchase_amount: Cash = 1_000.00 Cash
  term holder = "H"
  state paid: Cash = 0 Cash
  state fee: USD = 5 USD
  on 2024-01-01 {
    pay purchase_amount from holder to holder as principal
    set paid = purchase_amount
  }
}
'''


def test_a_templates_currency_is_a_parameter_and_money_states_say_their_currency(tmp_path):
    contract = write(tmp_path / "c.contract", CURRENCIES)
    scenario = write(tmp_path / "c.toml", 'until = 2024-12-31\n[params]\npayment_currency = "EUR"\n')
    status, out, err = run("eval", contract, scenario, "--format", "json")
    assert status == 0, err
    result = json.loads(out)
    assert [(e["amount"], e["currency"]) for e in result["effects"]] == [("1000.00", "EUR")]
    assert result["currencies"] == {"paid": "EUR", "fee": "USD"}
    # adding dollars to the template's currency is a unit error
    found = problems('§1 "A" {\n  term x = 1 USD + 1 common\n}\n')
    assert found and "USD" in found[0]


# ------------------------------------------------------------- the order of a day



def test_a_rule_reading_what_another_sections_rule_changed_that_day_is_a_warning(tmp_path):
    contract = write(tmp_path / "o.contract", ORDER)
    status, out, err = run("eval", contract, write(tmp_path / "o.toml", "until = 2024-12-31\n"), "--format", "json")
    assert status == 0
    # §1 runs first: the principal is paid, and §2's interest on it is then 0.00 (no payment)
    assert [e["purpose"] for e in json.loads(out)["effects"]] == ["principal"]
    assert err.splitlines()[0] == (f"{contract}:13:3: warning: the rule of §2 reads 'principal', which the rule of "
                                   "§1 (line 7) changed earlier on 2024-06-01: rules of one day run in the order "
                                   "they are written")


def test_an_if_with_a_none_branch_is_an_optional_value(tmp_path):
    contract = write(tmp_path / "o.contract", HEADER + '§1 "A" {\n  term k = 2\n'
                     '  term cap: USD? = if k > 1 then none else 5 USD\n  report shown = cap ?? 0 USD\n}\n')
    status, out, err = run("eval", contract, write(tmp_path / "o.toml", "until = 2024-01-01\n"), "--format", "json")
    assert status == 0, err
    assert json.loads(out)["state"] == {"shown": "0.00"}


def test_a_day_count_an_accrual_cannot_measure_without_its_frequency_is_a_diagnostic(tmp_path):
    contract = write(tmp_path / "i.contract", HEADER + '§1 "A" {\n  term holder = "H"\n  state p: USD = 100 USD\n'
                     '  accrual i {\n    on: p\n    annual_rate: 5%\n    day_count: "actual/actual ICMA"\n'
                     '    start: 2024-01-01\n  }\n  on 2024-06-01 {\n'
                     '    pay settle(i, before: today) from holder to holder as interest\n  }\n}\n')
    status, out, err = run("eval", contract, write(tmp_path / "i.toml", "until = 2024-12-31\n"))
    assert status == 1 and "Traceback" not in err
    assert "accrual 'i': actual/actual ICMA needs a frequency of 1, 2, 3, 4, 6 or 12 periods a year" in err


def test_a_name_defined_twice_is_one_error_and_its_later_uses_are_not_unknown():
    found = problems('§1 "A" {\n  term rate = 8%\n  term rate = 9%\n  term doubled = rate * 2\n}\n')
    assert [p.splitlines()[0] for p in found] == ["t.contract:6:3: error: 'rate' is already defined"]


def test_fmt_breaks_a_long_call_after_its_parenthesis_and_inside_an_if_chain():
    call = "cyclic(2024-01-31, 1, \"quarters\", 2030-01-31, stub: \"short last\", end_of_month: \"end of month\")"
    text = (HEADER + '§1 "A" {\n  term k = 2\n'
            f'  schedule s = {call.replace("2030-01-31", "2030-01-31 + 10 days + 10 days + 10 days")}\n'
            f'  schedule t = if k == 1 then [2024-01-01] else if k == 2 then {call} else [2024-02-01]\n}}\n')
    printed = format_contract(parse(text, "t.contract"), text)
    assert max(len(line) for line in printed.splitlines()) <= WIDTH
    assert "  schedule s = cyclic(2024-01-31," in printed
    assert parse(printed, "t.contract") == parse(text, "t.contract")
    assert format_contract(parse(printed, "t.contract"), printed) == printed


def test_contract_check_warns_where_the_order_of_a_day_decides_a_result_and_only_there(tmp_path):
    contract = write(tmp_path / "o.contract", ORDER)
    status, out, err = run("check", contract)
    assert status == 0 and out.startswith(f"{contract}: ok")
    assert err.splitlines()[0] == (f"{contract}:13:3: warning: on 2024-06-01 the rule of §2 reads 'principal', which "
                                   "the rule of §1 (line 7) changes before it: rules of one day run in the order they "
                                   "are written")
    apart = write(tmp_path / "a.contract", ORDER.replace("§2 \"Interest\" {\n  on 2024-06-01", "§2 \"Interest\" {\n  on 2024-06-02"))
    status, out, err = run("check", apart)
    assert status == 0 and err == ""
