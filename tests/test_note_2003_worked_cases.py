"""The 2003 form note against scenarios worked out by hand from the form and the memo.

Each figure is computed from the document's words (§(ii): 8% a year, actual/365;
§1(a): $0.30 a share; §1(g): whole shares, rounded up on the aggregate) without
the tool, and the scenario is run through `contract eval --format json`.
"""

from __future__ import annotations

from pathlib import Path

from contract_helpers import evaluated, invariant_failure, write

CONTRACT = str(Path(__file__).resolve().parent.parent / "contracts" / "nstor_2003_convertible_note.contract")


def evaluate(tmp_path: Path, scenario: str) -> dict:
    """The JSON result of one scenario (a TOML text) against the 2003 form note."""
    return evaluated(CONTRACT, write(tmp_path / "s.toml", scenario))


def rows(result: dict, kind: str, *keys: str) -> list[tuple]:
    return [tuple(e.get(k) for k in ("date", *keys)) for e in result["effects"] if e["kind"] == kind]


def test_interest_converted_alone_is_not_converted_again_with_its_principal(tmp_path):
    # §1(a), N2: through Sep 22 the interest owed is [Jul 1, Sep 23), 84 days on 250,000:
    # 250,000 × 8% × 84/365 = 4,602.74, converted alone: ⌈4,602.74 / 0.30⌉ = 15,343 shares.
    # On Sep 25 the Holder converts 100,000 with "any accrued and unpaid interest on such amount":
    # its interest to Sep 22 is converted already, so only [Sep 23, Sep 26), 3 days, is unpaid:
    # 100,000 × 8% × 3/365 = 65.75; ⌈100,065.75 / 0.30⌉ = ⌈333,552.5⌉ = 333,553 shares.
    # October 15 pays the 150,000 left its [Sep 23, Oct 1), 8 days: 263.01, from the day after the
    # Date of Conversion (N1); January 15 its whole quarter, 92 days: 3,024.66.
    result = evaluate(tmp_path, """
until = 2004-02-28
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-09-22
type = "HolderConversion"
principal = 0
interest = 4602.74
[[events]]
date = 2003-09-25
type = "HolderConversion"
principal = 100000
""")
    assert rows(result, "rejection", "event") == []
    assert rows(result, "issue", "quantity") == [("2003-09-22", "15343"), ("2003-09-25", "333553")]
    assert rows(result, "payment", "amount", "period") == [
        ("2003-07-15", "3342.47", ["2003-05-01", "2003-07-01"]),
        ("2003-10-15", "263.01", ["2003-09-23", "2003-10-01"]),
        ("2004-01-15", "3024.66", ["2003-10-01", "2004-01-01"]),
    ]
    assert result["state"]["outstanding_principal"] == "150000.00"


def test_after_all_the_interest_owed_is_converted_the_next_payment_runs_from_the_day_after(tmp_path):
    # N1, N2: Sep 22, all the interest owed, [Jul 1, Sep 23), 84 days on 250,000: 4,602.74 (15,343
    # shares). October 15 pays [Sep 23, Oct 1), 8 days: 250,000 × 8% × 8/365 = 438.36; January 15
    # [Oct 1, Jan 1), 92 days: 5,041.10.
    result = evaluate(tmp_path, """
until = 2004-01-31
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-09-22
type = "HolderConversion"
principal = 0
interest = 4602.74
""")
    assert rows(result, "payment", "amount", "period")[1:] == [
        ("2003-10-15", "438.36", ["2003-09-23", "2003-10-01"]),
        ("2004-01-15", "5041.10", ["2003-10-01", "2004-01-01"]),
    ]


PART = """
until = 2004-01-31
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-08-20
type = "HolderConversion"
principal = 0
interest = 1000
"""


def test_interest_converted_in_parts_settles_its_days_once_all_of_it_is_converted(tmp_path):
    # Aug 20: 1,000.00 of the interest owed (3,334 shares), earliest days first: a day is
    # 250,000 × 8% / 365 = 54.79, so it pays July 1 to 18 (986.30) and 13.70 of July 19. October 15
    # pays [Jul 1, Oct 1), 92 days: 5,041.10, less the 1,000.00: 4,041.10, from the earliest unpaid
    # day, July 19 (N1).
    assert rows(evaluate(tmp_path, PART), "payment", "amount", "period")[1] == (
        "2003-10-15", "4041.10", ["2003-07-19", "2003-10-01"])
    # Sep 22 converts the rest then owed: 4,602.74 less the 1,000.00: 3,602.74, ⌈12,009.13⌉ = 12,010
    # shares. October 15: [Sep 23, Oct 1), 438.36. Oct 20: 100,000 with its interest [Oct 1, Oct 21),
    # 20 days: 438.36; ⌈100,438.36 / 0.30⌉ = ⌈334,794.53⌉ = 334,795. January 15: 150,000 over
    # [Oct 1, Jan 1), 92 days: 3,024.66.
    result = evaluate(tmp_path, PART + """
[[events]]
date = 2003-09-22
type = "HolderConversion"
principal = 0
interest = 3602.74
[[events]]
date = 2003-10-20
type = "HolderConversion"
principal = 100000
""")
    assert rows(result, "issue", "quantity") == [
        ("2003-08-20", "3334"), ("2003-09-22", "12010"), ("2003-10-20", "334795")]
    assert rows(result, "payment", "amount", "period")[1:] == [
        ("2003-10-15", "438.36", ["2003-09-23", "2003-10-01"]),
        ("2004-01-15", "3024.66", ["2003-10-01", "2004-01-01"]),
    ]


def test_principal_with_its_interest_and_all_the_other_interest_owed_after_a_part(tmp_path):
    # Aug 20: 1,000.00, 0.004 on each dollar. Sep 22: 100,000 with its interest [Jul 1, Sep 23),
    # 84 days: 1,841.10, less its 400.00 converted already: 1,441.10; and all the interest owed on the
    # 150,000 kept: 2,761.64 less its 600.00: 2,161.64. ⌈103,602.74 / 0.30⌉ = ⌈345,342.47⌉ = 345,343.
    # October 15: [Sep 23, Oct 1), 8 days on 150,000: 263.01; January 15, 92 days: 3,024.66.
    result = evaluate(tmp_path, PART + """
[[events]]
date = 2003-09-22
type = "HolderConversion"
principal = 100000
interest = 2161.64
""")
    assert rows(result, "issue", "quantity") == [("2003-08-20", "3334"), ("2003-09-22", "345343")]
    assert rows(result, "payment", "amount", "period")[1:] == [
        ("2003-10-15", "263.01", ["2003-09-23", "2003-10-01"]),
        ("2004-01-15", "3024.66", ["2003-10-01", "2004-01-01"]),
    ]


def test_after_interest_converted_alone_the_whole_principal_still_converts(tmp_path):
    # §1(a): "at any time prior to Maturity, to convert all ... of the then outstanding principal".
    # 1,000.00 of interest converted on Aug 20: ⌈1,000 / 0.30⌉ = 3,334 shares. On Sep 2 all of the
    # 250,000 with its interest [Jul 1, Sep 3), 64 days: 250,000 × 8% × 64/365 = 3,506.85, less the
    # 1,000.00 converted already: 2,506.85; ⌈252,506.85 / 0.30⌉ = ⌈841,689.5⌉ = 841,690 shares.
    # Nothing is left to pay on October 15, and nothing accrues.
    result = evaluate(tmp_path, """
until = 2003-12-31
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-08-20
type = "HolderConversion"
principal = 0
interest = 1000
[[events]]
date = 2003-09-02
type = "HolderConversion"
principal = 250000
""")
    assert rows(result, "rejection", "event") == []
    assert rows(result, "issue", "quantity") == [("2003-08-20", "3334"), ("2003-09-02", "841690")]
    assert rows(result, "payment", "amount") == [("2003-07-15", "3342.47")]
    assert result["state"]["status"] == "converted"
    assert result["state"]["accrued_interest"] == "0.00"


def test_principal_converted_without_its_interest_keeps_its_share_of_interest_converted_alone(tmp_path):
    # N2: interest converted alone on Sep 22, [Jul 1, Sep 23), 84 days on 250,000: 4,602.74.
    # Sep 24: 50,000 converted without interest: ⌈50,000 / 0.30⌉ = 166,667; its interest through
    # Sep 24 stays owed, [Sep 23, Sep 25), 2 days: 50,000 × 8% × 2/365 = 21.92, the rest of it
    # was converted on Sep 22. Sep 25: 100,000 with interest [Sep 23, Sep 26), 3 days: 65.75:
    # ⌈100,065.75 / 0.30⌉ = 333,553. October 15: the 100,000 left, [Sep 23, Oct 1), 8 days:
    # 175.34, and the 21.92 still owed on the 50,000: 197.26.
    result = evaluate(tmp_path, """
until = 2003-12-31
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-09-22
type = "HolderConversion"
principal = 0
interest = 4602.74
[[events]]
date = 2003-09-24
type = "HolderConversion"
principal = 50000
with_interest = false
[[events]]
date = 2003-09-25
type = "HolderConversion"
principal = 100000
""")
    assert rows(result, "issue", "quantity") == [
        ("2003-09-22", "15343"), ("2003-09-24", "166667"), ("2003-09-25", "333553")]
    assert rows(result, "payment", "amount") == [("2003-07-15", "3342.47"), ("2003-10-15", "197.26")]


def test_interest_converted_alone_past_a_period_end_counts_what_is_left_of_it(tmp_path):
    # N2: on Oct 10 all the interest owed is converted: [Jul 1, Oct 11), 102 days on 250,000:
    # 5,589.04. October 15 owes [Jul 1, Oct 1), 5,041.10, all converted: no payment. What is left
    # converted ahead is [Oct 1, Oct 11), 10 days. Oct 20: 100,000 with its interest
    # [Oct 11, Oct 21), 10 days: 100,000 × 8% × 10/365 = 219.18; ⌈100,219.18 / 0.30⌉ = 334,064.
    # January 15: the 150,000 left, [Oct 11, Jan 1), 82 days: 150,000 × 8% × 82/365 = 2,695.89.
    result = evaluate(tmp_path, """
until = 2004-01-31
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-10-10
type = "HolderConversion"
principal = 0
interest = 5589.04
[[events]]
date = 2003-10-20
type = "HolderConversion"
principal = 100000
""")
    assert rows(result, "issue", "quantity") == [("2003-10-10", "18631"), ("2003-10-20", "334064")]
    assert rows(result, "payment", "amount") == [("2003-07-15", "3342.47"), ("2004-01-15", "2695.89")]


def test_a_payment_missed_on_an_interest_date_before_the_notes_date_cites_its_date(tmp_path):
    # G12: a Note dated August 1, 2003 has no July 15 payment; a PaymentMissed dated then is an
    # event before the Note's date, rejected citing §(i). October 15 pays [Aug 1, Oct 1), 61 days:
    # 250,000 × 8% × 61/365 = 3,342.47.
    result = evaluate(tmp_path, """
until = 2003-12-31
[params]
issue_date = 2003-08-01
[[events]]
date = 2003-07-15
type = "PaymentMissed"
""")
    assert rows(result, "rejection", "event", "clause") == [("2003-07-15", "PaymentMissed", "§(i)")]
    assert rows(result, "payment", "amount") == [("2003-10-15", "3342.47")]


def test_a_payment_the_day_interest_was_converted_through_pays_no_negative_interest(tmp_path):
    # D7, D8: the Security Agreement's default on Nov 14 accelerates: [Oct 1, Nov 14), 44 days:
    # 250,000 × 8% × 44/365 = 2,410.96 into arrears. Dec 1: the Holder converts all the interest
    # then owed, the arrears and [Nov 14, Dec 2), 18 days: 986.30; 3,397.26: ⌈11,324.2⌉ = 11,325
    # shares. A Payment the same day finds no interest due: all 100,000 goes to principal (§3);
    # Dec 1's interest on it was converted already, with that of the whole 250,000. Dec 10:
    # [Dec 2, Dec 10), 8 days on 150,000: 150,000 × 8% × 8/365 = 263.01 of interest, and
    # 149,736.99 of principal; 263.01 of principal stays overdue.
    scenario = """
until = 2003-12-10
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-11-14
type = "SecurityAgreementDefault"
[[events]]
date = 2003-12-01
type = "HolderConversion"
principal = 0
interest = 3397.26
[[events]]
date = 2003-12-01
type = "Payment"
amount = 100000
[[events]]
date = 2003-12-10
type = "Payment"
amount = 150000
"""
    result = evaluate(tmp_path, scenario)
    assert rows(result, "issue", "quantity") == [("2003-12-01", "11325")]
    assert [(e["date"], e["purpose"], e["amount"], e.get("period")) for e in result["effects"]
            if e["kind"] == "payment" and e["cause"] is not None] == [
        ("2003-12-01", "principal", "100000.00", None),
        ("2003-12-10", "interest", "263.01", ["2003-12-02", "2003-12-10"]),
        ("2003-12-10", "principal", "149736.99", None),
    ]
    assert result["state"]["principal_overdue"] == "263.01"
    assert result["state"]["interest_in_arrears"] == "0.00"
    # on Dec 1 itself nothing is accrued and unpaid: every day through it was converted
    assert evaluate(tmp_path, scenario.replace("until = 2003-12-10", "until = 2003-12-01"))[
        "state"]["accrued_interest"] == "0.00"


def test_a_conversion_between_a_period_end_and_its_payment_takes_that_periods_interest(tmp_path):
    # N6: a notice dated Friday, July 4, 2003 (Independence Day) is received Monday, July 7.
    # §1(a): 60,000 with its interest [May 1, Jul 8), 68 days: 60,000 × 8% × 68/365 = 894.25;
    # ⌈60,894.25 / 0.30⌉ = ⌈202,980.83⌉ = 202,981. July 15 then pays [May 1, Jul 1) on the 190,000
    # left: 61 days: 2,540.27. Its own conversion of 40,000 that day brings [Jul 1, Jul 16), 15 days:
    # 131.51; ⌈40,131.51 / 0.30⌉ = 133,772. A two-for-one split after it halves the price: 40,000
    # without interest / 0.15 = 266,666.67 → 266,667, its interest [Jul 1, Jul 16) staying owed.
    # October 15: 110,000 × 8% × 92/365 = 2,218.08, and the 131.51 owed: 2,349.59.
    result = evaluate(tmp_path, """
until = 2003-12-31
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-07-04
type = "HolderConversion"
principal = 60000
[[events]]
date = 2003-07-15
type = "HolderConversion"
principal = 40000
[[events]]
date = 2003-07-15
type = "StockSplit"
ratio = 2
[[events]]
date = 2003-07-15
type = "HolderConversion"
principal = 40000
with_interest = false
""")
    assert rows(result, "issue", "quantity", "price") == [
        ("2003-07-07", "202981", "0.3"), ("2003-07-15", "133772", "0.3"), ("2003-07-15", "266667", "0.15")]
    assert rows(result, "payment", "amount", "period") == [
        ("2003-07-15", "2540.27", ["2003-05-01", "2003-07-01"]),
        ("2003-10-15", "2349.59", ["2003-07-01", "2003-10-01"]),
    ]


def test_a_five_percent_stock_dividend_keeps_the_price_exact(tmp_path):
    # G7: a 5% stock dividend (ratio 1.05) makes the price 0.30 / 1.05 = 2/7, not a rounded decimal:
    # 10,000 without interest is exactly 10,000 × 7/2 = 35,000 shares, not one more. Then
    # three-for-two: 0.30 / 1.575 = 4/21; 6,000 × 21/4 = 31,500 shares exactly.
    result = evaluate(tmp_path, """
until = 2003-06-30
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-06-02
type = "StockSplit"
ratio = 1.05
[[events]]
date = 2003-06-03
type = "HolderConversion"
principal = 10000
with_interest = false
[[events]]
date = 2003-06-04
type = "StockSplit"
ratio = "3/2"
[[events]]
date = 2003-06-05
type = "HolderConversion"
principal = 6000
with_interest = false
""")
    assert rows(result, "issue", "quantity") == [("2003-06-03", "35000"), ("2003-06-05", "31500")]
    assert rows(result, "adjustment", "after") == [
        ("2003-06-02", "0.2857142857142857142857142857"), ("2003-06-04", "0.1904761904761904761904761905")]


def test_a_rejected_payment_missed_leaves_the_interest_date_to_the_next_one(tmp_path):
    # G9: the first PaymentMissed says 5,041.10 was paid, not less than the 3,342.47 due for
    # [Aug 1, Oct 1) (250,000 × 8% × 61/365), and is rejected, changing nothing; the second then
    # acts on the date: 100.00 is paid and 3,242.47 is missed
    result = evaluate(tmp_path, """
until = 2003-12-31
[params]
issue_date = 2003-08-01
[[events]]
date = 2003-10-15
type = "PaymentMissed"
paid = 5041.10
[[events]]
date = 2003-10-15
type = "PaymentMissed"
paid = 100
""")
    assert rows(result, "payment", "amount", "cause") == [("2003-10-15", "100.00", 2)]
    assert rows(result, "rejection", "cause") == [("2003-10-15", 1)]
    assert rows(result, "status", "name", "value") == [("2003-10-15", "payment_missed", "3242.47")]


def test_after_acceleration_no_scheduled_payment_follows_even_once_all_is_converted(tmp_path):
    # July 15 missed: [May 1, Jul 1), 61 days: 250,000 × 8% × 61/365 = 3,342.47 in arrears; noticed
    # July 16, Event of Default August 16 (§5(i)); accelerated August 20: [Jul 1, Aug 20), 50 days,
    # 2,739.73 joins: 6,082.20. August 25 the Holder converts all 250,000 without interest:
    # ⌈250,000 / 0.30⌉ = ⌈833,333.33⌉ = 833,334; the interest since acceleration, [Aug 20, Aug 26),
    # 6 days: 328.77, stays due at once (D2), so neither October 15 nor Maturity pays it or the
    # arrears (D8). November 3, 6,082.20 + 328.77 = 6,410.97 pays all of it (§3).
    result = evaluate(tmp_path, """
until = 2004-06-30
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-07-15
type = "PaymentMissed"
[[events]]
date = 2003-07-16
type = "DefaultNotice"
[[events]]
date = 2003-08-20
type = "Acceleration"
[[events]]
date = 2003-08-25
type = "HolderConversion"
principal = 250000
with_interest = false
[[events]]
date = 2003-11-03
type = "Payment"
amount = 6410.97
""")
    assert rows(result, "adjustment", "after") == [("2003-08-20", "6082.20")]
    later = [e for e in result["effects"] if e["date"] > "2003-08-20"]
    assert [(e["date"], e["kind"], e.get("quantity") or e.get("amount")) for e in later] == [
        ("2003-08-25", "issue", "833334"),
        ("2003-08-25", "status", None),
        ("2003-11-03", "payment", "6410.97"),
    ]
    assert result["state"]["interest_in_arrears"] == "0.00"
    assert result["state"]["accrued_interest"] == "0.00"
    assert result["state"]["status"] == "converted"


NOTICE_INVARIANT = ("an Event of Default under §5(i) occurs exactly 31 days after a notice whose amount is"
                    " still partly unpaid")


def test_what_a_payment_missed_pays_does_not_count_against_a_notice_of_default(tmp_path):
    # July 15 missed: 3,342.47 in arrears (61 days on 250,000), noticed December 22. January 15 the
    # Company pays 5,000.00 of the 5,041.10 due for [Oct 1, Jan 1) (92 days): that pays the January
    # installment and 41.10 more falls into arrears (D1); the 3,342.47 noticed is still unpaid on
    # January 22, the day after the thirtieth, an Event of Default (§5(i)). So is the PaymentMissed of
    # 5,000.00 written after a notice of the same day, which its date's rule runs first: 41.10 noticed.
    late = write(tmp_path / "late.toml", """
until = 2004-03-01
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-07-15
type = "PaymentMissed"
[[events]]
date = 2003-12-22
type = "DefaultNotice"
[[events]]
date = 2004-01-15
type = "PaymentMissed"
paid = 5000
""")
    same_day = write(tmp_path / "same_day.toml", """
until = 2004-03-01
[params]
issue_date = 2003-01-01
[[events]]
date = 2004-01-15
type = "DefaultNotice"
[[events]]
date = 2004-01-15
type = "PaymentMissed"
paid = 5000
""")
    assert [r for r in rows(evaluated(CONTRACT, late), "status", "name", "value") if r[0] >= "2003-12-22"] == [
        ("2003-12-22", "default_notice", "3342.47"),
        ("2004-01-15", "payment_missed", "41.10"),
        ("2004-01-22", "event_of_default", "§5(i)"),
    ]
    assert rows(evaluated(CONTRACT, same_day), "status", "name", "value") == [
        ("2004-01-15", "payment_missed", "41.10"),
        ("2004-01-15", "default_notice", "41.10"),
        ("2004-02-15", "event_of_default", "§5(i)"),
    ]
    assert invariant_failure(CONTRACT, late, NOTICE_INVARIANT) is None
    assert invariant_failure(CONTRACT, same_day, NOTICE_INVARIANT) is None
    # a Payment of all that was noticed cures it: an Event of Default after it is caught
    paid = write(tmp_path / "paid.toml", """
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-07-15
type = "PaymentMissed"
[[events]]
date = 2003-07-16
type = "DefaultNotice"
[[events]]
date = 2003-08-01
type = "Payment"
amount = 3342.47
""")
    assert invariant_failure(CONTRACT, paid, NOTICE_INVARIANT) is None
    text = Path(CONTRACT).read_text(encoding="utf-8")
    faulty = tmp_path / "faulty.contract"
    faulty.write_text(text.replace("        if unpaid > 0 USD {", "        if unpaid >= 0 USD {"), encoding="utf-8")
    assert "occurred although the amount noticed was paid" in invariant_failure(str(faulty), paid, NOTICE_INVARIANT)


def test_interest_converted_alone_while_other_interest_is_owed_lies_on_every_dollar_alike(tmp_path):
    # N2: Aug 1, 100,000 without its interest (333,334 shares); its [Jul 1, Aug 2), 701.37, stays
    # owed, so Aug 5's 500 of the interest on the 150,000 kept is kept ahead, 500 / 150,000 on each
    # dollar (1,667 shares). Aug 15: 100,000 with its interest [Jul 1, Aug 16), 46 days: 1,008.22,
    # less its 333.33 of the 500: 674.89; ⌈100,674.89 / 0.30⌉ = 335,583. October 15 pays the 701.37
    # and 50,000's [Jul 1, Oct 1), 1,008.22, less the other 166.67: 1,542.92, from July 1
    result = evaluate(tmp_path, """
until = 2003-12-31
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-08-01
type = "HolderConversion"
principal = 100000
with_interest = false
[[events]]
date = 2003-08-05
type = "HolderConversion"
principal = 0
interest = 500
[[events]]
date = 2003-08-15
type = "HolderConversion"
principal = 100000
""")
    assert rows(result, "issue", "quantity") == [
        ("2003-08-01", "333334"), ("2003-08-05", "1667"), ("2003-08-15", "335583")]
    assert rows(result, "payment", "amount", "period")[1:] == [
        ("2003-10-15", "1542.92", ["2003-07-01", "2003-10-01"])]


def test_interest_converted_ahead_after_a_span_end_leaves_that_span_s_other_interest_to_its_payment(tmp_path):
    # Dated May 1, 2003. June 16 prepays 50,000 (noticed June 2): its interest [May 1, Jun 16),
    # 46 days, stays owed (N3): 50,000 × 8% × 46/365 = 504.11. July 8 (after the span ended on July 1,
    # before its July 15 payment) the interest field takes all owed on the 200,000 through July 8,
    # [May 1, Jul 9), 69 days: 200,000 × 8% × 69/365 = 3,024.66, 10,082.2 → 10,083 shares at 0.30.
    # July 15 pays the 504.11 of the 50,000 (N1), not 153.42 (the converted July 1-8 taken from it);
    # October 15 pays [Jul 9, Oct 1), 84 days on 200,000: 3,682.19, its period from July 9.
    result = evaluate(tmp_path, """
until = 2003-10-31
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-06-16
type = "Prepayment"
amount = 50000
noticed_on = 2003-06-02
[[events]]
date = 2003-07-08
type = "HolderConversion"
principal = 0
interest = 3024.66
""")
    assert rows(result, "issue", "quantity") == [("2003-07-08", "10083")]
    assert [row for row in rows(result, "payment", "amount", "period") if row[2]] == [
        ("2003-07-15", "504.11", ["2003-05-01", "2003-07-01"]),
        ("2003-10-15", "3682.19", ["2003-07-09", "2003-10-01"]),
    ]


def test_a_prepayment_after_interest_converted_the_same_day_takes_nothing_from_other_interest(tmp_path):
    # Dated May 1, 2003. June 2 prepays 50,000: [May 1, Jun 2), 32 days, 350.68 stays owed. June 10:
    # all owed on the 200,000 through June 10, [May 1, Jun 11), 41 days, 1,797.26, is converted
    # (5,990.87 → 5,991 shares); later that day 100,000 is prepaid, which no longer accrues on June 10
    # (N3). July 15 pays the 50,000's 350.68 and the 100,000 left's [Jun 11, Jul 1), 20 days, 438.36:
    # 789.04, not 767.12 (June 10 on the prepaid 100,000, 21.92, taken from the other interest).
    result = evaluate(tmp_path, """
until = 2003-07-31
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-06-02
type = "Prepayment"
amount = 50000
noticed_on = 2003-05-20
[[events]]
date = 2003-06-10
type = "HolderConversion"
principal = 0
interest = 1797.26
[[events]]
date = 2003-06-10
type = "Prepayment"
amount = 100000
noticed_on = 2003-05-30
""")
    assert rows(result, "issue", "quantity") == [("2003-06-10", "5991")]
    assert [row for row in rows(result, "payment", "amount", "period") if row[2]] == [
        ("2003-07-15", "789.04", ["2003-05-01", "2003-07-01"]),
    ]


def test_principal_leaving_with_all_its_later_days_converted_ahead_does_not_hold_back_the_next_period(tmp_path):
    # Dated May 1, 2003; June 16 prepays 50,000 (its [May 1, Jun 16), 504.11, stays owed). July 3: all
    # owed on the 200,000 through July 3, [May 1, Jul 4), 64 days, 2,805.48 (⌈9,351.6⌉ = 9,352 shares);
    # then 100,000 converts without interest, none of it left (333,334 shares). July 7: all owed on the
    # 100,000 kept through July 7, [Jul 4, Jul 8), 4 days, 87.67 (⌈292.2⌉ = 293). July 15 pays the
    # 504.11; every dollar owing July 1 to 7 had them converted, so October 15 pays [Jul 8, Oct 1),
    # 85 days on 100,000: 1,863.01, its period from July 8 (N1)
    result = evaluate(tmp_path, """
until = 2003-10-31
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-06-16
type = "Prepayment"
amount = 50000
noticed_on = 2003-06-02
[[events]]
date = 2003-07-03
type = "HolderConversion"
principal = 0
interest = 2805.48
[[events]]
date = 2003-07-03
type = "HolderConversion"
principal = 100000
with_interest = false
[[events]]
date = 2003-07-07
type = "HolderConversion"
principal = 0
interest = 87.67
""")
    assert rows(result, "issue", "quantity") == [("2003-07-03", "9352"), ("2003-07-03", "333334"), ("2003-07-07", "293")]
    assert [row for row in rows(result, "payment", "amount", "period") if row[2]] == [
        ("2003-07-15", "504.11", ["2003-05-01", "2003-07-01"]),
        ("2003-10-15", "1863.01", ["2003-07-08", "2003-10-01"]),
    ]


def test_a_late_payment_of_part_after_interest_converted_ahead_pays_the_earliest_days_left(tmp_path):
    # Accelerated September 2, 2003 ([Jul 1, Sep 2), 63 days on 250,000: 3,452.05 in arrears). October 1:
    # 100,000 converts without its interest, which stays owed from September 2 (21.92 a day). November 3:
    # 5,523.28 converts the arrears and all owed on the 150,000 kept, [Sep 2, Nov 4), 63 days, 2,071.23,
    # kept ahead: the 150,000's own earliest days (N2). December 1: 400 pays the earliest days left
    # (D3), the 100,000's: 400 / 21.92 = 18.25 days, 18 whole from September 2 and part of September 20.
    # December 10: 50,000 with its interest brings only [Nov 4, Dec 11), 37 days × 10.96 = 405.48:
    # ⌈50,405.48 / 0.30⌉ = ⌈168,018.27⌉ = 168,019 shares
    result = evaluate(tmp_path, """
until = 2003-12-31
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-08-15
type = "Insolvency"
kind = "petition"
[[events]]
date = 2003-09-02
type = "Acceleration"
[[events]]
date = 2003-10-01
type = "HolderConversion"
principal = 100000
with_interest = false
[[events]]
date = 2003-11-03
type = "HolderConversion"
principal = 0
interest = 5523.28
[[events]]
date = 2003-12-01
type = "Payment"
amount = 400
[[events]]
date = 2003-12-10
type = "HolderConversion"
principal = 50000
""")
    assert rows(result, "payment", "amount", "period")[-1] == ("2003-12-01", "400.00", ["2003-09-02", "2003-09-21"])
    assert rows(result, "issue", "quantity") == [("2003-10-01", "333334"), ("2003-11-03", "18411"),
                                                 ("2003-12-10", "168019")]


CONVERTED_AHEAD_THROUGH_THE_DAY = """
until = 2004-03-31
[params]
issue_date = 2003-06-02
[[events]]
date = 2003-09-02
type = "Insolvency"
kind = "receiver"
ACCELERATED
[[events]]
date = 2003-09-05
type = "HolderConversion"
principal = 50000
with_interest = false
[[events]]
date = 2003-09-10
type = "HolderConversion"
principal = 0
"""


def test_a_payment_the_day_interest_is_converted_ahead_through_pays_the_other_interest_owed(tmp_path):
    # Accelerated September 2, 2003: [Jul 1, Sep 2), 63 days × 54.79 = 3,452.05 in arrears. September 5:
    # 50,000 converts without its interest (⌈50,000 / 0.30⌉ = 166,667 shares), [Sep 2, Sep 6), 4 days ×
    # 10.96 = 43.84, which stays owed. September 10: the arrears and [Sep 2, Sep 11), 9 days × 43.84 on
    # the 200,000 kept, 394.52: 3,846.57 converts alone (12,822 shares), kept ahead; September 10 is one
    # of its days, which a payment's days before September 10 do not reach (N2). A Payment of 200,000
    # the same day owes 43.84 of interest (§3): 199,956.16 goes to principal, 43.84 stays overdue,
    # still accelerated; by March 31 it accrues [Sep 11, Apr 1), 203 days × 43.84 × 8% / 365 = 1.95
    result = evaluate(tmp_path, CONVERTED_AHEAD_THROUGH_THE_DAY.replace("ACCELERATED", """[[events]]
date = 2003-09-02
type = "Acceleration"
""") + """interest = 3846.57
[[events]]
date = 2003-09-10
type = "Payment"
amount = 200000
""")
    assert rows(result, "issue", "quantity") == [("2003-09-05", "166667"), ("2003-09-10", "12822")]
    assert [r for r in rows(result, "payment", "purpose", "amount", "period") if r[0] >= "2003-09-01"] == [
        ("2003-09-10", "interest", "43.84", ["2003-09-02", "2003-09-10"]),
        ("2003-09-10", "principal", "199956.16", None),
    ]
    assert result["state"]["status"] == "accelerated"
    assert result["state"]["principal_overdue"] == "43.84"
    assert result["state"]["accrued_interest"] == "1.95"


def test_an_acceleration_the_day_interest_is_converted_ahead_through_owes_the_other_interest(tmp_path):
    # Event of Default September 2, 2003, no acceleration yet. September 5: 50,000 converts without
    # its interest, [Jul 1, Sep 6), 67 days × 10.96 = 734.25, which stays owed. September 10: all the
    # 200,000 kept owes, [Jul 1, Sep 11), 72 days × 43.84 = 3,156.16, converts alone. Accelerated the
    # same day: the interest then due is that of the days before September 10 (D8); the 200,000's
    # were converted, and its September 10, converted too, is not due: 734.25 goes into arrears
    result = evaluate(tmp_path, CONVERTED_AHEAD_THROUGH_THE_DAY.replace("ACCELERATED", "") + """interest = 3156.16
[[events]]
date = 2003-09-10
type = "Acceleration"
""")
    assert [(e["date"], e["before"], e["after"]) for e in result["effects"]
            if e["kind"] == "adjustment" and e["name"] == "interest_in_arrears"] == [
        ("2003-09-10", "0.00", "734.25")]
    assert result["state"]["interest_in_arrears"] == "734.25"


CONVERTED_AHEAD_AFTER_PRINCIPAL_WITHOUT_ITS_INTEREST = """
until = 2003-07-31
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-07-01
type = "Insolvency"
kind = "petition"
[[events]]
date = 2003-07-01
type = "Acceleration"
[[events]]
date = 2003-07-14
type = "HolderConversion"
principal = 100000
with_interest = false
[[events]]
date = 2003-07-14
type = "HolderConversion"
principal = 0
interest = 3802.74
"""


def test_a_late_payment_after_principal_converted_ahead_is_paid_starts_at_the_other_dollars_earliest_day(tmp_path):
    # Accelerated July 1, 2003: [May 1, Jul 1), 61 days on 250,000, 3,342.47 in arrears. July 14:
    # 100,000 converts without its interest (333,334 shares), whose [Jul 1, Jul 15), 14 days ×
    # 21.92 = 306.85, stays owed; then the arrears and the 150,000 kept's [Jul 1, Jul 15), 14 days ×
    # 32.88 = 460.27: 3,802.74 converts alone (⌈12,675.8⌉ = 12,676 shares), on the 150,000's own days.
    # July 21: the 150,000 is paid (principal first); its [Jul 15, Jul 21), 6 days, 197.26, stays owed.
    # July 24: 0.05 pays the earliest day left (D3): July 1 of the 100,000, 21.92 a day, so the period
    # is [Jul 1, Jul 2), not days of the 150,000 converted already. Left: 306.85 + 197.26 - 0.05 = 504.06
    result = evaluate(tmp_path, CONVERTED_AHEAD_AFTER_PRINCIPAL_WITHOUT_ITS_INTEREST + """
[[events]]
date = 2003-07-21
type = "Payment"
amount = 150000
order = "principal_first"
[[events]]
date = 2003-07-24
type = "Payment"
amount = 0.05
""")
    assert rows(result, "issue", "quantity") == [("2003-07-14", "333334"), ("2003-07-14", "12676")]
    assert rows(result, "payment", "purpose", "amount", "period") == [
        ("2003-07-21", "principal", "150000.00", None),
        ("2003-07-24", "interest", "0.05", ["2003-07-01", "2003-07-02"]),
    ]
    assert result["state"]["accrued_interest"] == "504.06"


def test_a_late_payment_after_principal_with_interest_converted_ahead_converts_without_it_starts_at_the_earliest_day(
        tmp_path):
    # As above to July 14. July 18: 50,000 of the 150,000 converts without its interest (⌈166,666.7⌉ =
    # 166,667 shares): its [Jul 1, Jul 15) was converted on July 14; its [Jul 15, Jul 19), 4 days ×
    # 10.96 = 43.84, stays owed. July 24: 0.05 pays July 1 of the first 100,000: [Jul 1, Jul 2). Left on
    # July 31: 306.85, 43.84 and the 100,000's [Jul 15, Aug 1), 17 days × 21.92 = 372.60, less 0.05: 723.24
    result = evaluate(tmp_path, CONVERTED_AHEAD_AFTER_PRINCIPAL_WITHOUT_ITS_INTEREST + """
[[events]]
date = 2003-07-18
type = "HolderConversion"
principal = 50000
with_interest = false
[[events]]
date = 2003-07-24
type = "Payment"
amount = 0.05
""")
    assert rows(result, "issue", "quantity") == [("2003-07-14", "333334"), ("2003-07-14", "12676"),
                                                 ("2003-07-18", "166667")]
    assert rows(result, "payment", "purpose", "amount", "period") == [
        ("2003-07-24", "interest", "0.05", ["2003-07-01", "2003-07-02"]),
    ]
    assert result["state"]["accrued_interest"] == "723.24"


def test_principal_paid_after_interest_converted_ahead_leaves_the_rest_its_days_and_its_shares(tmp_path):
    # As above to July 14. July 21: 50,000 of the 150,000 is paid, [Jul 15, Jul 21), 6 days × 10.96 =
    # 65.75 of its interest stays owed. July 28: the 100,000 left converts with its interest, only
    # [Jul 15, Jul 29), 14 days × 21.92 = 306.85, its earlier days converted on July 14:
    # ⌈100,306.85 / 0.30⌉ = ⌈334,356.2⌉ = 334,357 shares. July 30: 0.05 pays July 1 of the first 100,000
    result = evaluate(tmp_path, CONVERTED_AHEAD_AFTER_PRINCIPAL_WITHOUT_ITS_INTEREST + """
[[events]]
date = 2003-07-21
type = "Payment"
amount = 50000
order = "principal_first"
[[events]]
date = 2003-07-28
type = "HolderConversion"
principal = 100000
[[events]]
date = 2003-07-30
type = "Payment"
amount = 0.05
""")
    assert rows(result, "issue", "quantity") == [("2003-07-14", "333334"), ("2003-07-14", "12676"),
                                                 ("2003-07-28", "334357")]
    assert rows(result, "payment", "purpose", "amount", "period")[-1] == (
        "2003-07-30", "interest", "0.05", ["2003-07-01", "2003-07-02"])
    # 306.85 on the first 100,000 and 65.75 on the 50,000 paid, less 0.05
    assert result["state"]["accrued_interest"] == "372.55"


def test_principal_converted_without_its_interest_after_interest_converted_ahead_leaves_the_rest_its_share(tmp_path):
    # Accelerated June 24, 2003: [May 1, Jun 24), 54 days on 250,000, 2,958.90 in arrears. June 27 and
    # July 9: 50,000 each converts without its interest, [Jun 24, Jun 28) 43.84 and [Jun 24, Jul 10)
    # 175.34 still owed. July 10: the arrears and the 150,000 kept's [Jun 24, Jul 11), 17 days, 558.90:
    # 3,517.80 converts alone, on the 150,000's own days; then 25,000 of it converts without its
    # interest, whose days are converted already. July 11: 12.49 of the 125,000's July 11 (27.40 a day)
    # converts alone, 12.49 / 27.397 = 0.455885 of the day; a Payment of 571.03 pays the 219.18 owed
    # and 351.85 of principal, which earns nothing from July 11. July 16: the 124,648.15 left, 27.3201 a
    # day, owes 0.544115 of July 11 and [Jul 12, Jul 17), 5 days: 14.8653 + 136.6007 = 151.47
    result = evaluate(tmp_path, """
until = 2003-07-16
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-06-24
type = "Insolvency"
kind = "petition"
[[events]]
date = 2003-06-24
type = "Acceleration"
[[events]]
date = 2003-06-27
type = "HolderConversion"
principal = 50000
with_interest = false
[[events]]
date = 2003-07-09
type = "HolderConversion"
principal = 50000
with_interest = false
[[events]]
date = 2003-07-10
type = "HolderConversion"
principal = 0
interest = 3517.80
[[events]]
date = 2003-07-10
type = "HolderConversion"
principal = 25000
with_interest = false
[[events]]
date = 2003-07-11
type = "HolderConversion"
principal = 0
interest = 12.49
[[events]]
date = 2003-07-11
type = "Payment"
amount = 571.03
""")
    assert rows(result, "rejection", "event") == []
    assert rows(result, "payment", "purpose", "amount", "period") == [
        ("2003-07-11", "interest", "219.18", ["2003-06-24", "2003-07-11"]),
        ("2003-07-11", "principal", "351.85", None),
    ]
    assert result["state"]["outstanding_principal"] == "124648.15"
    assert result["state"]["accrued_interest"] == "151.47"


PREPAID_ON_THE_DAY_INTEREST_WAS_CONVERTED_AHEAD = """
[params]
issue_date = 2003-05-01
[[events]]
date = 2003-06-10
type = "Prepayment"
amount = 50000
noticed_on = 2003-05-20
[[events]]
date = 2003-06-20
type = "HolderConversion"
principal = 0
interest = 2235.62
[[events]]
date = 2003-06-20
type = "Prepayment"
amount = 50000
noticed_on = 2003-05-20
[[events]]
date = 2003-07-02
type = "Prepayment"
amount = 50000
noticed_on = 2003-05-20
[[events]]
date = 2003-07-07
type = "HolderConversion"
principal = 0
interest = 372.60
"""


def test_principal_prepaid_the_day_interest_was_converted_ahead_leaves_no_part_of_it_to_a_later_span(tmp_path):
    # June 10: 50,000 is prepaid; its [May 1, Jun 10), 40 days × 10.96 = 438.36, stays owed. June 20: all
    # owed on the 200,000, [May 1, Jun 21), 51 days × 43.84 = 2,235.62, converts alone (⌈7,452.07⌉ = 7,453
    # shares); 50,000 prepaid later that day takes its share along, and its part for June 20, a day it no
    # longer accrues on, lapses. July 2: 50,000 is prepaid; its [Jun 21, Jul 2) stays owed. July 7: all
    # owed on the 100,000 left, [Jun 21, Jul 8), 17 days × 21.92 = 372.60, converts alone (1,242 shares);
    # [Jul 1, Jul 8), 153.42, lies after the span's end. July 15: 438.36 and the July 2 50,000's [Jun 21,
    # Jul 1), 10 days, 109.59: 547.95. October 15: that 50,000's July 1, 10.96, and the 100,000's [Jul 1,
    # Oct 1), 92 days, 2,016.44, less the 153.42 converted: 1,873.97. Kept as a sum, the lapsed June 20
    # was counted against October's interest too: 10.96 less, 1,863.01
    for until, accrued in (("2003-07-31", "536.99"), ("2003-10-31", "679.45")):
        result = evaluate(tmp_path, f"until = {until}\n" + PREPAID_ON_THE_DAY_INTEREST_WAS_CONVERTED_AHEAD)
        assert rows(result, "issue", "quantity") == [("2003-06-20", "7453"), ("2003-07-07", "1242")]
        # July 31: the 10.96 and [Jul 1, Aug 1), 31 days × 21.92 = 679.45, less 153.42
        assert result["state"]["accrued_interest"] == accrued
    assert [row for row in rows(result, "payment", "purpose", "amount", "period") if row[1] == "interest"] == [
        ("2003-07-15", "interest", "547.95", ["2003-05-01", "2003-07-01"]),
        ("2003-10-15", "interest", "1873.97", ["2003-07-01", "2003-10-01"]),
    ]
