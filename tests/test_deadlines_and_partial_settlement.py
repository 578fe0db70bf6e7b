"""Named scheduled items (deadlines), dated records and partial settlements (commit 8a45858).

1. `on DATE as NAME { ... }` in an event's rule, `pending(NAME)` and `cancel NAME`:
   a cure period that runs unless something happens first.
2. `record NAME = EXPR, due D, on D`: a status dated like the payment it replaces.
3. `settle(ACCRUAL, before: E, up_to: AMOUNT)`: a payment that reaches only part of what accrued,
   earliest days first (`Ledger.settle_at_most`).

Every figure below is worked by hand in a comment; contracts are small and written inline, and
run through the real command line.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from contractlang.cli import main
from contractlang.language.parser import parse
from contractlang.language.printer import format_contract
from contractlang.stdlib.accrual import Ledger

S = date(2003, 1, 1)


def day(n: int) -> date:
    return S + timedelta(days=n)


def hundred_a_day(**changes) -> Ledger:
    """365,000 at 10% actual/365: 36,500 a year, 36,500 / 365 = 100.00 a day exactly."""
    settings_ = dict(start=S, base=Decimal("365000"), annual_rate=Decimal("0.10"),
                     day_count="actual/365", boundaries=[])
    settings_.update(changes)
    return Ledger(**settings_)


# ------------------------------------------------------------------- the ledger

def test_the_reference_ledger_accrues_exactly_one_hundred_a_day():
    ledger = hundred_a_day()
    assert ledger.accrued(day(1)).amount == 100
    assert ledger.accrued(day(5)).amount == 500
    assert ledger.accrued(day(5)).period == (day(0), day(5))


def test_settling_at_most_250_of_five_days_pays_two_days_and_half_the_third():
    ledger = hundred_a_day()
    partial = ledger.settle_at_most(day(5), Decimal("250"))
    # 250 / 100 = 2.5 days: days s and s+1 whole (200), half of day s+2 (50)
    assert partial.amount == 250
    assert partial.period == (day(0), day(3))  # the partly paid day s+2 ends the period
    assert [(p.start, p.end, p.amount) for p in partial.pieces] == [
        (day(0), day(2), 200), (day(2), day(3), 50)]
    # exactly the unpaid half of day s+2 is still owed, and day s+2 is the first unpaid day
    assert ledger.accrued(day(3)).amount == 50
    assert ledger.accrued(day(3)).period == (day(2), day(3))
    # the rest: 50 for day s+2 and 100 for s+3 and s+4 = 250, for [s+2, s+5)
    rest = ledger.settle(day(5))
    assert rest.amount == 250
    assert rest.period == (day(2), day(5))
    assert ledger.accrued(day(5)).period is None  # nothing left



def test_a_day_paid_in_part_after_a_portion_was_settled_is_a_share_of_the_dollars_then_unpaid():
    ledger = hundred_a_day()
    # a fifth of the base, 73,000 (20 a day), settled on its own through day 4 (principal converted
    # with its interest): 5 days × 20 = 100
    assert ledger.settle(day(5), Decimal("73000")).amount == 100
    # 200 of the rest, 292,000 (80 a day): days 0 and 1 whole (160) and 40 of day 2, half of it
    assert ledger.settle_at_most(day(5), Decimal("200")).period == (day(0), day(3))
    # half of the rest, 146,000 (40 a day), then owes half of day 2 (20) and days 3 and 4 (80); half
    # of the dollars then unpaid, not 146,000 of the day's whole base of 365,000
    assert ledger.accrued(day(5), Decimal("146000")).amount == 100
    # and the whole base the rest: 40 of day 2 and 80 for each of days 3 and 4
    assert ledger.accrued(day(5)).amount == 200

def test_a_limit_at_or_above_the_whole_settles_everything():
    for limit in ("500", "500.01", "1000000"):
        ledger = hundred_a_day()
        settled = ledger.settle_at_most(day(5), Decimal(limit))
        assert settled.amount == 500, limit  # 5 days at 100, never more than what accrued
        assert settled.period == (day(0), day(5)), limit
        assert ledger.accrued(day(5)).period is None, limit
        assert ledger.portions == [], limit


def test_a_limit_of_zero_settles_nothing_and_covers_no_day():
    ledger = hundred_a_day()
    settled = ledger.settle_at_most(day(5), Decimal(0))
    assert settled.amount == 0
    assert ledger.watermark == day(0) and ledger.portions == []  # nothing moved
    assert settled.period is None  # it covers no day, as settle() says of such a settlement


def test_a_limit_of_exactly_two_days_ends_the_period_on_a_whole_day_and_sets_nothing_apart():
    ledger = hundred_a_day()
    settled = ledger.settle_at_most(day(5), Decimal("200"))
    assert settled.amount == 200
    assert settled.period == (day(0), day(2))  # days s and s+1; day s+2 untouched
    assert ledger.portions == []
    assert ledger.watermark == day(2)
    following = ledger.settle(day(5))
    assert following.amount == 300 and following.period == (day(2), day(5))  # 3 whole days


def test_a_base_that_changes_mid_span_is_paid_at_each_days_own_base():
    ledger = hundred_a_day()
    ledger.change_base(day(2), Decimal("365000"))  # from s+2 on: 730,000, 200 a day
    # 300 pays days s, s+1 at 100 (200), then 100 of day s+2's 200: half of it
    partial = ledger.settle_at_most(day(5), Decimal("300"))
    assert partial.amount == 300
    assert partial.period == (day(0), day(3))
    assert ledger.accrued(day(3)).amount == 100  # the other half of day s+2
    # the rest: 100 (half of s+2) + 200 (s+3) + 200 (s+4) = 500
    rest = ledger.settle(day(5))
    assert rest.amount == 500 and rest.period == (day(2), day(5))
    # and 300 + 500 = 800 = 2 × 100 + 3 × 200, what one full settlement gives
    whole = hundred_a_day()
    whole.change_base(day(2), Decimal("365000"))
    assert whole.settle(day(5)).amount == 800


def test_two_partial_settlements_in_the_same_day_take_its_unpaid_part_in_turn():
    ledger = hundred_a_day()
    ledger.settle_at_most(day(5), Decimal("250"))  # half of day s+2 is left: 50
    second = ledger.settle_at_most(day(5), Decimal("25"))  # half of what is left of it
    assert second.amount == 25 and second.period == (day(2), day(3))
    assert ledger.accrued(day(3)).amount == 25
    third = ledger.settle(day(5))
    assert third.amount == 225 and third.period == (day(2), day(5))  # 25 + 100 + 100


def test_a_partial_settlement_across_a_period_boundary_under_thirty_360():
    # 360,000 at 10% under 30/360: 36,000 a year, 100 a (30/360) day; Jan 31 counts for nothing
    ledger = Ledger(start=date(2003, 1, 1), base=Decimal("360000"), annual_rate=Decimal("0.10"),
                    day_count="30/360", boundaries=[date(2003, 2, 1)])
    # Jan 1 to Feb 1 is 30 days (3,000); 3,050 reaches half of Feb 1
    partial = ledger.settle_at_most(date(2003, 2, 5), Decimal("3050"))
    assert partial.amount == 3050
    assert partial.period == (date(2003, 1, 1), date(2003, 2, 2))
    rest = ledger.settle(date(2003, 2, 5))
    assert rest.amount == 350 and rest.period == (date(2003, 2, 1), date(2003, 2, 5))  # 50 + 3 × 100


@settings(max_examples=50, deadline=None)
@given(limit_cents=st.integers(min_value=0, max_value=200_000),
       change_day=st.integers(min_value=1, max_value=40),
       change=st.integers(min_value=-300_000, max_value=300_000),
       day_count=st.sampled_from(["actual/365", "actual/360", "30/360", "actual/actual"]),
       boundary=st.integers(min_value=1, max_value=40))
def test_a_partial_settlement_and_the_following_full_one_sum_to_the_single_full_one(
        limit_cents, change_day, change, day_count, boundary):
    end = day(45)

    def fresh():
        ledger = hundred_a_day(day_count=day_count, boundaries=[day(boundary)])
        ledger.change_base(day(change_day), Decimal(change))
        return ledger

    whole = fresh().settle(end)
    ledger = fresh()
    limit = Decimal(limit_cents) / 100
    partial = ledger.settle_at_most(end, limit)
    rest = ledger.settle(end)
    assert partial.amount == min(limit, whole.amount)  # never more than asked, nor than accrued
    total = Fraction(partial.amount) + Fraction(rest.amount or 0)
    assert total == Fraction(whole.amount)  # exactly, nothing lost or paid twice
    if partial.period is not None and partial.period[1] < end and partial.amount > 0:
        # the next settlement starts on the partial's period end, or on its partly paid last day
        assert rest.period[0] in (partial.period[1], partial.period[1] - timedelta(days=1))
        assert rest.period[1] == end


# ------------------------------------------------------------------- the language

HEAD = 'contract "t"\n\ncurrency USD\n\n'

NOTICE = HEAD + '''§1 "Notice and cure" {
  term holder = "Holder"
  term company = "Company"
  horizon 2003-12-31
  event Notice {}
  event Cure {}
  event Probe {}
  event CureButRefuse {}
  upon Notice as n {
    on n.date + 31 days as deadline {
      record defaulted = today
    }
  }
  upon Cure as c {
    require count(pending(deadline)) > 0 else "nothing to cure"
    cancel deadline
  }
  upon Probe as p {
    record open = count(pending(deadline))
    record dates = pending(deadline)
  }
  upon CureButRefuse as c {
    cancel deadline
    reject "a cure that does not count"
  }
}
'''


def cli(*args):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path, text: str, name="c.contract"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def scenario(tmp_path, *events, until=None):
    """events: (date, type, {field: TOML literal})"""
    lines = [f"until = {until}"] if until else []
    for when, kind, *fields in events:
        lines += ["[[events]]", f"date = {when}", f'type = "{kind}"']
        for key, value in (fields[0] if fields else {}).items():
            lines.append(f"{key} = {value}")
    return write(tmp_path, "\n".join(lines) + "\n", "s.toml")


def evaluate(tmp_path, contract: str, *events, until=None) -> dict:
    path = write(tmp_path, contract)
    status, out, err = cli("eval", str(path), str(scenario(tmp_path, *events, until=until)), "--format", "json")
    assert status == 0, err
    return json.loads(out)


def statuses(result: dict) -> list[tuple]:
    return [(e["date"], e["name"], e["value"]) for e in result["effects"] if e["kind"] == "status"]


def at(text: str, snippet: str) -> str:
    """LINE:COL of the first occurrence of snippet in text (1-based), as diagnostics give it."""
    before = text[:text.index(snippet)]
    return f"{before.count(chr(10)) + 1}:{len(before) - before.rfind(chr(10))}"


def diagnostics(tmp_path, contract: str, *events) -> tuple[str, str]:
    path = write(tmp_path, contract)
    if events:
        status, _, err = cli("eval", str(path), str(scenario(tmp_path, *events)), "--format", "json")
    else:
        status, _, err = cli("check", str(path))
    assert status == 1, err
    return str(path), err


def test_without_a_cure_the_deadline_fires_on_its_date(tmp_path):
    # the notice on March 1; 31 days after is April 1
    result = evaluate(tmp_path, NOTICE, ("2003-03-01", "Notice"))
    assert statuses(result) == [("2003-04-01", "defaulted", "2003-04-01")]
    assert result["effects"][0]["cause"] == 1  # caused by the notice


def test_a_cure_on_day_30_cancels_the_deadline_and_nothing_is_recorded(tmp_path):
    # March 31 is 30 days after March 1: the deadline (April 1) is still pending
    result = evaluate(tmp_path, NOTICE, ("2003-03-01", "Notice"), ("2003-03-31", "Cure"))
    assert result["effects"] == []


def test_a_cure_on_day_31_comes_after_the_deadline_has_run(tmp_path):
    # April 1: the scheduled item runs in the day's scheduled phase, before the day's events,
    # so the cure finds nothing pending and is rejected
    result = evaluate(tmp_path, NOTICE, ("2003-03-01", "Notice"), ("2003-04-01", "Cure"))
    assert [(e["date"], e["kind"], e["cause"]) for e in result["effects"]] == [
        ("2003-04-01", "status", 1), ("2003-04-01", "rejection", 2)]
    assert result["effects"][1]["reason"] == "nothing to cure"


def test_pending_counts_the_deadlines_not_yet_run(tmp_path):
    result = evaluate(tmp_path, NOTICE, ("2003-02-01", "Probe"), ("2003-03-01", "Notice"),
                      ("2003-03-10", "Probe"), ("2003-04-02", "Probe"))
    assert statuses(result) == [
        ("2003-02-01", "open", "0"), ("2003-02-01", "dates", "[]"),  # before the notice
        ("2003-03-10", "open", "1"), ("2003-03-10", "dates", "[2003-04-01]"),
        ("2003-04-01", "defaulted", "2003-04-01"),
        ("2003-04-02", "open", "0"), ("2003-04-02", "dates", "[]"),  # it ran: no longer pending
    ]


def test_a_cancel_inside_a_rejected_rule_is_undone_and_the_deadline_still_fires(tmp_path):
    result = evaluate(tmp_path, NOTICE, ("2003-03-01", "Notice"), ("2003-03-10", "CureButRefuse"),
                      ("2003-03-11", "Probe"))
    assert [(e["date"], e["kind"]) for e in result["effects"]] == [
        ("2003-03-10", "rejection"), ("2003-03-11", "status"), ("2003-03-11", "status"),
        ("2003-04-01", "status")]
    assert statuses(result) == [("2003-03-11", "open", "1"), ("2003-03-11", "dates", "[2003-04-01]"),
                                ("2003-04-01", "defaulted", "2003-04-01")]


def test_two_notices_are_pending_at_once_and_one_cancel_answers_both(tmp_path):
    # deadlines March 1 + 31 = April 1 and March 10 + 31 = April 10
    result = evaluate(tmp_path, NOTICE, ("2003-03-01", "Notice"), ("2003-03-10", "Notice"),
                      ("2003-03-15", "Probe"), ("2003-03-20", "Cure"), ("2003-03-21", "Probe"))
    assert statuses(result) == [
        ("2003-03-15", "open", "2"), ("2003-03-15", "dates", "[2003-04-01, 2003-04-10]"),
        ("2003-03-21", "open", "0"), ("2003-03-21", "dates", "[]"),
    ]  # neither deadline fires


def test_a_deadline_past_the_horizon_is_still_pending_and_never_runs(tmp_path):
    # December 15 + 31 days = January 15, 2004, past the horizon (December 31, 2003)
    result = evaluate(tmp_path, NOTICE, ("2003-12-15", "Notice"), ("2003-12-20", "Probe"))
    assert statuses(result) == [("2003-12-20", "open", "1"), ("2003-12-20", "dates", "[2004-01-15]")]
    cured = evaluate(tmp_path, NOTICE, ("2003-12-15", "Notice"), ("2003-12-20", "Cure"))
    assert cured["effects"] == []  # the cure found it pending, so it was not rejected


def test_an_event_on_the_deadline_day_before_it_sees_it_pending_the_day_before(tmp_path):
    # March 31, the day before the deadline, still counts it; April 1 does not
    result = evaluate(tmp_path, NOTICE, ("2003-03-01", "Notice"), ("2003-03-31", "Probe"), ("2003-04-01", "Probe"))
    assert [s for s in statuses(result) if s[1] == "open"] == [("2003-03-31", "open", "1"), ("2003-04-01", "open", "0")]


def test_scheduling_an_item_before_today_is_a_diagnostic(tmp_path):
    text = NOTICE.replace("on n.date + 31 days as deadline", "on n.date - 1 day as deadline")
    path, err = diagnostics(tmp_path, text, ("2003-03-01", "Notice"))
    assert err.startswith(f"{path}:{at(text, 'n.date - 1 day')}: error: an item cannot be scheduled for 2003-02-28, "
                          "before the day it is scheduled on (2003-03-01)"), err


def test_cancelling_an_unknown_name_is_a_diagnostic_naming_it(tmp_path):
    text = NOTICE.replace("cancel deadline\n    reject", "cancel nope\n    reject")
    path, err = diagnostics(tmp_path, text)
    assert err.startswith(f"{path}:{at(text, 'cancel nope')}: error: no rule schedules an item named 'nope'"), err
    assert "did you mean" not in err.splitlines()[0]


def test_a_misspelt_deadline_gets_a_did_you_mean(tmp_path):
    text = NOTICE.replace("count(pending(deadline))", "count(pending(deadlin))")
    path, err = diagnostics(tmp_path, text)
    first = err.splitlines()[0]
    assert first.startswith(f"{path}:{at(text, 'deadlin))')}: error: no rule schedules an item named 'deadlin'"), err
    assert first.endswith("did you mean 'deadline'?"), err


def test_a_deadline_named_like_another_declaration_is_refused(tmp_path):
    text = NOTICE.replace("as deadline", "as holder").replace("(deadline)", "(holder)").replace("cancel deadline", "cancel holder")
    path, err = diagnostics(tmp_path, text)
    assert f"{path}:{at(text, 'on n.date + 31 days as holder')}: error: 'holder' is already defined; name the scheduled item otherwise" in err, err


@pytest.mark.parametrize("where", [
    '  report left = count(pending(deadline)) + 0\n',
    '  invariant "none left" {\n    check count(pending(deadline)) + 0 == 0 else "left"\n  }\n',
])
def test_pending_outside_a_rule_is_a_diagnostic(tmp_path, where):
    text = NOTICE.rstrip().removesuffix("}") + where + "}\n"
    path, err = diagnostics(tmp_path, text)
    assert f"{path}:{at(text, 'pending(deadline)) + 0')}:" in err and "error: 'pending' looks at the timeline of a run: it belongs in a rule" in err, err


RECORDS = HEAD + '''§1 "Records" {
  horizon 2003-12-31
  event Missed {}
  upon Missed as m {
    record late = 1 USD, due 2003-01-04, on 2003-01-06
    record same = 2 USD, due 2003-01-06, on 2003-01-06
    record plain = 3 USD
  }
}
'''


def test_a_record_is_dated_on_its_on_date_and_shows_its_due_date_when_it_differs(tmp_path):
    result = evaluate(tmp_path, RECORDS, ("2003-01-04", "Missed"))
    # the event is on January 4: `plain` is dated then; `late` and `same` on January 6, their `on`;
    # only `late` has a due date other than its date. Results list effects by date.
    assert result["effects"] == [
        {"date": "2003-01-04", "kind": "status", "clause": "§1", "cause": 1, "name": "plain", "value": "3.00"},
        {"date": "2003-01-06", "kind": "status", "clause": "§1", "cause": 1, "name": "late", "value": "1.00",
         "due": "2003-01-04"},
        {"date": "2003-01-06", "kind": "status", "clause": "§1", "cause": 1, "name": "same", "value": "2.00"},
    ]


def test_a_record_with_an_unknown_option_is_a_diagnostic(tmp_path):
    text = RECORDS.replace("record plain = 3 USD", "record plain = 3 USD, when 2003-01-01")
    path, err = diagnostics(tmp_path, text)
    assert err.startswith(f"{path}:{at(text, 'when 2003-01-01')}: error: a record has no option 'when' (it has: due, on)"), err


SETTLE = HEAD + '''§1 "Interest" {
  term holder = "Holder"
  term company = "Company"
  horizon 2003-12-31
  state principal: USD = 365_000.00 USD
  accrual interest {
    on: principal
    annual_rate: 10%
    day_count: "actual/365"
    start: 2003-01-01
  }
  event Pay { amount: USD }
  upon Pay as p {
    pay settle(interest, before: p.date, up_to: p.amount) from company to holder as interest
  }
}
'''


def payments(result: dict) -> list[tuple]:
    return [(e["date"], e["amount"], e["period"]) for e in result["effects"] if e["kind"] == "payment"]


def test_settle_up_to_pays_a_partial_amount_earliest_days_first(tmp_path):
    # 100.00 a day from January 1. On January 6, 250.00 reaches Jan 1, Jan 2 and half of Jan 3;
    # on January 11, what is left before it: 1,000.00 - 250.00 = 750.00, from Jan 3 (half owed) on
    result = evaluate(tmp_path, SETTLE, ("2003-01-06", "Pay", {"amount": 250}),
                      ("2003-01-11", "Pay", {"amount": 10000}))
    assert payments(result) == [("2003-01-06", "250.00", ["2003-01-01", "2003-01-04"]),
                                ("2003-01-11", "750.00", ["2003-01-03", "2003-01-11"])]


def test_settle_up_to_a_whole_number_of_days_ends_the_period_on_the_next_day(tmp_path):
    # 200.00 is Jan 1 and Jan 2 exactly; the next payment starts on Jan 3
    result = evaluate(tmp_path, SETTLE, ("2003-01-06", "Pay", {"amount": 200}),
                      ("2003-01-08", "Pay", {"amount": 10000}))
    assert payments(result) == [("2003-01-06", "200.00", ["2003-01-01", "2003-01-03"]),
                                ("2003-01-08", "500.00", ["2003-01-03", "2003-01-08"])]


def test_settle_up_to_a_negative_amount_is_a_runtime_diagnostic(tmp_path):
    path, err = diagnostics(tmp_path, SETTLE, ("2003-01-06", "Pay", {"amount": -5}))
    assert err.startswith(f"{path}:{at(SETTLE, 'settle(interest')}: error: settle() cannot settle a negative amount (-5"), err


def test_settle_up_to_on_a_part_of_the_base_pays_that_part_s_earliest_days(tmp_path):
    # on: 182,500.00 is half the base, 50.00 a day. On January 6, 125.00 reaches its Jan 1, Jan 2 and
    # half of Jan 3; on January 11 the rest of that part before it: 10 days × 50.00 - 125.00 = 375.00
    text = SETTLE.replace("up_to: p.amount)", "on: 182_500.00 USD, up_to: p.amount)")
    result = evaluate(tmp_path, text, ("2003-01-06", "Pay", {"amount": 125}),
                      ("2003-01-11", "Pay", {"amount": 10000}))
    assert payments(result) == [("2003-01-06", "125.00", ["2003-01-01", "2003-01-04"]),
                                ("2003-01-11", "375.00", ["2003-01-03", "2003-01-11"])]


def test_settle_up_to_on_a_part_of_the_base_still_needs_a_part_of_its_type(tmp_path):
    text = SETTLE.replace("up_to: p.amount)", "on: 5, up_to: p.amount)")
    path, err = diagnostics(tmp_path, text)
    # the one problem is the type: on: with up_to: is a settlement of that part up to the amount
    assert err.startswith(f"{path}:{at(text, '5, up_to')}: error: 'on:' (a part of what accrues) must be USD, not a whole number\n"), err
    assert err.count("error:") == 1, err


# ------------------------------------------------------------------- the printer

CANONICAL = HEAD + '''§1 "All three" {
  term holder = "Holder"
  horizon 2003-12-31
  event Notice {}
  event Cure {}
  upon Notice as n {
    on n.date + 31 days as deadline {
      record defaulted = true, due n.date + 30 days, on today
    }
  }
  upon Cure as c {
    cancel deadline
    record cured = count(pending(deadline)), on c.date
  }
}
'''


def test_fmt_prints_the_new_statements_back_unchanged(tmp_path):
    path = write(tmp_path, CANONICAL)
    assert cli("fmt", "--check", str(path))[0] == 0  # already canonical: nothing to rewrite
    tree = parse(CANONICAL, "c.contract")
    printed = format_contract(tree, CANONICAL)
    assert printed == CANONICAL
    assert parse(printed, "c.contract") == tree
    for line in ("    on n.date + 31 days as deadline {", "    cancel deadline",
                 "      record defaulted = true, due n.date + 30 days, on today"):
        assert line + "\n" in printed


def test_fmt_rewrites_a_messy_layout_of_them_into_the_canonical_one(tmp_path):
    messy = CANONICAL.replace("    on n.date + 31 days as deadline {", "    on   n.date+31 days   as deadline{") \
                     .replace("    cancel deadline", "  cancel    deadline") \
                     .replace("true, due n.date + 30 days, on today", "true ,due n.date + 30 days,on today")
    assert messy != CANONICAL
    path = write(tmp_path, messy)
    assert parse(messy, "m") == parse(CANONICAL, "m")
    status, _, err = cli("fmt", str(path))
    assert status == 0, err
    assert path.read_text(encoding="utf-8") == CANONICAL
    assert cli("check", str(path))[0] == 0
