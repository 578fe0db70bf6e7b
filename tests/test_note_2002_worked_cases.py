"""Scenarios of the 2002 note worked by hand from the Note and the memo (N2), run through `contract eval`.

Interest converted alone (the Notice's blank for interest) is taken ahead of its scheduled
payment and is then no longer owed; a later conversion of principal must still be accepted, and
converts with its principal only the interest on it that was not converted already: its share, in
proportion to the interest accrued on it, of what was converted ahead.
"""

from __future__ import annotations

import json
from pathlib import Path

from contract_helpers import evaluated, invariant_failure, run, write

ROOT = Path(__file__).resolve().parents[1]
NOTE = str(ROOT / "contracts" / "nstor_2002_subordinated_note.contract")

PRICES = """
[prices]
2003-07-31 = 1.00
2003-08-14 = 1.00
2003-08-28 = 1.00
"""


def evaluate(tmp_path: Path, events: str) -> dict:
    return evaluated(NOTE, write(tmp_path / "s.toml", "until = 2003-12-31\n" + PRICES + events))


def interest_only(amount: str) -> str:
    return f"""
[[events]]
date = 2003-08-01
type = "HolderConversion"
principal = 0
interest = {amount}
"""


def test_all_the_principal_converts_with_only_its_interest_not_yet_converted(tmp_path):
    # August 1, 2003: all the interest then owed, [Jun 1, Aug 2), 62 days on 3,100,000:
    # 3,100,000 × 8% × 62/365 = 42,126.03, converted at 1.10: 38,296.39 → 38,297 shares.
    # August 15: all the principal with its interest; [Jun 1, Aug 16), 76 days = 51,638.36, of which
    # 42,126.03 is converted already: 9,512.33. (3,100,000 + 9,512.33) / 1.10 = 2,826,829.39 → 2,826,830
    result = evaluate(tmp_path, interest_only("42126.03") + """
[[events]]
date = 2003-08-15
type = "HolderConversion"
principal = 3100000
""")
    effects = [e for e in result["effects"] if e["date"] >= "2003-08-01"]
    assert [(e["kind"], e.get("quantity")) for e in effects] == [
        ("issue", "38297"), ("issue", "2826830"), ("status", None)]
    assert result["state"]["status"] == "converted"
    assert result["state"]["accrued_interest"] == "0.00"


def test_a_conversion_without_interest_after_interest_converted_alone_is_accepted(tmp_path):
    # August 1: 20,000 of the interest then owed, 18,182 shares (18,181.82 rounded up). August 15:
    # the Company converts 3,000,000 without interest: 3,000,000 / 0.85 = 3,529,411.76 → 3,529,412,
    # its interest stays owed. The Holder converts the last 100,000 with its interest, [Jun 1, Aug 16),
    # 76 days: 100,000 × 8% × 76/365 = 1,665.75, less its share of the 20,000 converted ahead,
    # 20,000 × 100,000 / 3,100,000 = 645.16: 1,020.59; 101,020.59 / 1.10 = 91,836.90 → 91,837.
    # September 10 pays the 3,000,000's [Jun 1, Aug 16), 49,972.60, less the other 19,354.84: 30,617.76
    result = evaluate(tmp_path, interest_only("20000") + """
[[events]]
date = 2003-08-15
type = "CompanyConversion"
principal = 3000000
with_interest = false

[[events]]
date = 2003-08-15
type = "HolderConversion"
principal = 100000
""")
    effects = [e for e in result["effects"] if e["date"] >= "2003-08-01"]
    assert [e["kind"] for e in effects if e["kind"] == "rejection"] == []
    assert [e["quantity"] for e in effects if e["kind"] == "issue"] == ["18182", "3529412", "91837"]
    assert [(e["date"], e["amount"]) for e in effects if e["kind"] == "payment"] == [
        ("2003-09-10", "30617.76")]
    assert result["state"]["status"] == "converted"


def test_interest_converted_alone_is_not_converted_again_with_part_of_the_principal(tmp_path):
    # August 1: all the interest then owed, 42,126.03 (38,297 shares), [Jun 1, Aug 2) on 3,100,000.
    # August 15, 1,000,000 with its interest: [Jun 1, Aug 16) on it is 16,657.53, of which
    # [Jun 1, Aug 2), 1,000,000 × 8% × 62/365 = 13,589.04, was converted: 3,068.49 is left,
    # 1,003,068.49 / 1.10 = 911,880.45 → 911,881. Then 100,000: 1,665.75 less 1,358.90 = 306.85,
    # 100,306.85 / 1.10 = 91,188.05 → 91,189. September 10 pays the 2,000,000's [Aug 2, Sep 1),
    # 30 days: 2,000,000 × 8% × 30/365 = 13,150.68; December 10 [Sep 1, Dec 1), 91 days: 39,890.41
    result = evaluate(tmp_path, interest_only("42126.03") + """
[[events]]
date = 2003-08-15
type = "HolderConversion"
principal = 1000000

[[events]]
date = 2003-08-15
type = "HolderConversion"
principal = 100000
""")
    effects = [e for e in result["effects"] if e["date"] >= "2003-08-01"]
    assert [e["quantity"] for e in effects if e["kind"] == "issue"] == ["38297", "911881", "91189"]
    assert [(e["date"], e["amount"]) for e in effects if e["kind"] == "payment"] == [
        ("2003-09-10", "13150.68"), ("2003-12-10", "39890.41")]
    assert result["state"]["outstanding_principal"] == "2000000.00"


def test_after_acceleration_no_scheduled_payment_follows_even_once_all_is_converted(tmp_path):
    # June 10, 2005 missed: [Mar 1, Jun 1), 92 days, 62,509.59 in arrears; noticed June 15, Event of
    # Default July 16; accelerated July 20: [Jun 1, Jul 20), 49 days, 33,293.15 joins: 95,802.74.
    # July 28 the Holder converts all the principal without interest: 3,100,000 / 1.10 = 2,818,181.82
    # → 2,818,182; the interest since acceleration, [Jul 20, Jul 29), 9 days on 3,100,000 = 6,115.07,
    # stays due at once (D2), so no interest date and no Maturity pays it or the arrears (D8).
    # October 3, 100,000 pays the 95,802.74 and 4,197.26 of the 6,115.07, earliest days first
    # (679.45 a day: [Jul 20, Jul 26) whole, Jul 26 in part); 1,917.81 stays accrued and owed
    result = evaluated(NOTE, write(tmp_path / "s.toml", """until = 2006-12-31
[prices]
2005-07-27 = 1.00

[[events]]
date = 2005-06-10
type = "PaymentMissed"

[[events]]
date = 2005-06-15
type = "DefaultNotice"

[[events]]
date = 2005-07-20
type = "Acceleration"

[[events]]
date = 2005-07-28
type = "HolderConversion"
principal = 3100000
with_interest = false

[[events]]
date = 2005-10-03
type = "Payment"
amount = 100000
"""))
    later = [e for e in result["effects"] if e["date"] > "2005-07-20"]
    assert [(e["date"], e["kind"], e.get("amount"), e.get("period")) for e in later] == [
        ("2005-07-28", "issue", None, None),
        ("2005-07-28", "status", None, None),
        ("2005-10-03", "payment", "100000.00", ["2005-07-20", "2005-07-27"]),
    ]
    assert result["state"]["interest_in_arrears"] == "0.00"
    assert result["state"]["accrued_interest"] == "1917.81"
    assert result["state"]["status"] == "converted"


def test_a_payment_the_day_interest_was_converted_through_pays_no_negative_interest(tmp_path):
    # Accelerated July 20, 2005 as above: 95,802.74 in arrears. August 1 the Holder converts all the
    # interest then owed: the arrears and [Jul 20, Aug 2), 13 days × 679.45 = 8,832.88: 104,635.62;
    # 1.10 × 1.00 = 1.10 a share: ⌈95,123.29⌉ = 95,124 shares. A Payment the same day finds no
    # interest due (D3): all 100,000 goes to principal (§3); August 1's interest on it was converted
    # already, with that of the whole 3,100,000. August 10: [Aug 2, Aug 10), 8 days on 3,000,000:
    # 3,000,000 × 8% × 8/365 = 5,260.27 of interest, and 2,994,739.73 of principal; 5,260.27 stays overdue.
    scenario = write(tmp_path / "s.toml", """until = 2005-12-31
[prices]
2005-07-29 = 1.00

[[events]]
date = 2005-06-10
type = "PaymentMissed"

[[events]]
date = 2005-06-15
type = "DefaultNotice"

[[events]]
date = 2005-07-20
type = "Acceleration"

[[events]]
date = 2005-08-01
type = "HolderConversion"
principal = 0
interest = 104635.62

[[events]]
date = 2005-08-01
type = "Payment"
amount = 100000

[[events]]
date = 2005-08-10
type = "Payment"
amount = 3000000
""")
    result = evaluated(NOTE, scenario)
    assert [(e["date"], e["quantity"]) for e in result["effects"] if e["kind"] == "issue"] == [
        ("2005-08-01", "95124")]
    assert [(e["date"], e["purpose"], e["amount"], e.get("period")) for e in result["effects"]
            if e["kind"] == "payment" and e["cause"] is not None] == [
        ("2005-08-01", "principal", "100000.00", None),
        ("2005-08-10", "interest", "5260.27", ["2005-08-02", "2005-08-10"]),
        ("2005-08-10", "principal", "2994739.73", None),
    ]
    assert result["state"]["principal_overdue"] == "5260.27"
    assert result["state"]["interest_in_arrears"] == "0.00"
    # on August 1 itself nothing is accrued and unpaid: every day through it was converted
    status, out, err = run("eval", NOTE, scenario, "--format", "json", "--until", "2005-08-01")
    assert status == 0, err
    assert json.loads(out)["state"]["accrued_interest"] == "0.00"


def payments(result: dict) -> list[tuple]:
    return [(e["date"], e["amount"], e["period"]) for e in result["effects"] if e["kind"] == "payment"]


def test_after_all_the_interest_owed_is_converted_the_next_payment_runs_from_the_day_after(tmp_path):
    # N1, N2: August 1, 2003, all the interest owed, [Jun 1, Aug 2), 62 days: 42,126.03 (38,297
    # shares). September 10 pays [Aug 2, Sep 1), 30 days: 3,100,000 × 8% × 30/365 = 20,383.56.
    # August 15, 1,000,000 with its interest [Aug 2, Aug 16), 14 days: 3,068.49 → 911,881 shares;
    # September 10 then pays the 2,100,000 left its 30 days: 13,808.22
    alone = evaluate(tmp_path, interest_only("42126.03"))
    assert payments(alone)[-2:] == [
        ("2003-09-10", "20383.56", ["2003-08-02", "2003-09-01"]),
        ("2003-12-10", "61830.14", ["2003-09-01", "2003-12-01"])]
    later = evaluate(tmp_path, interest_only("42126.03") + """
[[events]]
date = 2003-08-15
type = "HolderConversion"
principal = 1000000
""")
    assert [e["quantity"] for e in later["effects"] if e["kind"] == "issue"] == ["38297", "911881"]
    assert payments(later)[-2:] == [
        ("2003-09-10", "13808.22", ["2003-08-02", "2003-09-01"]),
        ("2003-12-10", "41884.93", ["2003-09-01", "2003-12-01"])]


def test_interest_converted_in_parts_settles_its_days_once_all_of_it_is_converted(tmp_path):
    # August 1: 20,000 of the 42,126.03 owed (18,182 shares), earliest days first: a day is
    # 3,100,000 × 8% / 365 = 679.45, so it pays the 29 days June 1 to 29 (19,704.11) and 295.89 of
    # June 30. September 10 pays [Jun 1, Sep 1), 92 days: 62,509.59, less the 20,000: 42,509.59,
    # from the earliest unpaid day, June 30 (N1).
    part = evaluate(tmp_path, interest_only("20000"))
    assert payments(part)[-2] == ("2003-09-10", "42509.59", ["2003-06-30", "2003-09-01"])
    # August 15 converts the rest then owed: [Jun 1, Aug 16), 76 days, 51,638.36 less the 20,000:
    # 31,638.36, ⌈28,762.15⌉ = 28,763 shares. August 29: 100,000 with its interest [Aug 16, Aug 30),
    # 14 days: 306.85; ⌈100,306.85 / 1.10⌉ = 91,189. September 10: [Aug 16, Sep 1), 16 days on
    # 3,000,000: 10,520.55; December 10: 91 days on 3,000,000: 59,835.62
    rest = evaluate(tmp_path, interest_only("20000") + """
[[events]]
date = 2003-08-15
type = "HolderConversion"
principal = 0
interest = 31638.36

[[events]]
date = 2003-08-29
type = "HolderConversion"
principal = 100000
""")
    assert [e["quantity"] for e in rest["effects"] if e["kind"] == "issue"] == ["18182", "28763", "91189"]
    assert payments(rest)[-2:] == [
        ("2003-09-10", "10520.55", ["2003-08-16", "2003-09-01"]),
        ("2003-12-10", "59835.62", ["2003-09-01", "2003-12-01"])]


def test_principal_with_its_interest_and_all_the_other_interest_owed_after_a_part(tmp_path):
    # August 1: 20,000 (18,182 shares). August 15: 1,000,000 with its interest, [Jun 1, Aug 16),
    # 76 days: 16,657.53, less its share of the 20,000 (1,000,000 / 3,100,000 of it, 6,451.61):
    # 10,205.92; and all the interest owed on the 2,100,000 kept: 34,980.82 less the other 13,548.39:
    # 21,432.43. ⌈1,031,638.35 / 1.10⌉ = ⌈937,853.05⌉ = 937,854. September 10: [Aug 16, Sep 1),
    # 16 days on 2,100,000: 7,364.38; December 10, 91 days: 41,884.93
    result = evaluate(tmp_path, interest_only("20000") + """
[[events]]
date = 2003-08-15
type = "HolderConversion"
principal = 1000000
interest = 21432.43
""")
    assert [e["quantity"] for e in result["effects"] if e["kind"] == "issue"] == ["18182", "937854"]
    assert payments(result)[-2:] == [
        ("2003-09-10", "7364.38", ["2003-08-16", "2003-09-01"]),
        ("2003-12-10", "41884.93", ["2003-09-01", "2003-12-01"])]



def test_interest_converted_alone_pays_its_earliest_days_first(tmp_path):
    # N1, N2: a day is 3,100,000 × 8% / 365 = 679.45; [Jun 1, Aug 1), 61 days, is 41,446.58, so
    # August 1's 42,000 pays those days and 553.42 of August 1 (⌈38,181.82⌉ = 38,182 shares).
    # September 10 pays 62,509.59 less the 42,000: 20,509.59, from August 1, the first day not paid whole
    result = evaluate(tmp_path, interest_only("42000"))
    assert [e["quantity"] for e in result["effects"] if e["kind"] == "issue"] == ["38182"]
    assert payments(result)[-2:] == [
        ("2003-09-10", "20509.59", ["2003-08-01", "2003-09-01"]),
        ("2003-12-10", "61830.14", ["2003-09-01", "2003-12-01"])]


def test_interest_converted_alone_while_other_interest_is_owed_lies_on_every_dollar_alike(tmp_path):
    # N2: August 1, 1,000,000 without its interest (909,091 shares); its [Jun 1, Aug 2), 13,589.04,
    # stays owed, so August 5's 10,000 of the interest on the 2,100,000 kept is kept ahead, 10,000 /
    # 2,100,000 on each dollar (9,091 shares). August 15: 1,000,000 with its interest [Jun 1, Aug 16),
    # 76 days, 16,657.53, less its 4,761.90 of the 10,000: 11,895.63; ⌈1,011,895.63 / 1.10⌉ = 919,906.
    # September 10: 13,589.04 + 1,100,000 × 8% × 92/365 (22,180.82) − the other 5,238.10 = 30,531.77
    result = evaluated(NOTE, write(tmp_path / "s.toml", """
until = 2003-12-31
[prices]
2003-07-31 = 1.00
2003-08-04 = 1.00
2003-08-14 = 1.00
[[events]]
date = 2003-08-01
type = "HolderConversion"
principal = 1000000
with_interest = false
[[events]]
date = 2003-08-05
type = "HolderConversion"
principal = 0
interest = 10000
[[events]]
date = 2003-08-15
type = "HolderConversion"
principal = 1000000
"""))
    assert [e["quantity"] for e in result["effects"] if e["kind"] == "issue"] == ["909091", "9091", "919906"]
    assert payments(result)[-2:] == [
        ("2003-09-10", "30531.77", ["2003-06-01", "2003-09-01"]),
        ("2003-12-10", "21939.73", ["2003-09-01", "2003-12-01"])]



def test_principal_with_its_interest_after_a_day_paid_in_part_owes_the_rest_of_each_dollar(tmp_path):
    # N2: August 1, 1,000,000 with its interest [Jun 1, Aug 2), 13,589.04, and 20,000 of the interest
    # on the 2,100,000 kept, earliest days first: a day on them is 460.27, so June 1 to July 13
    # (43 days, 19,791.78) and 208.22 of July 14, 0.452381 of each of its dollars' day.
    # ⌈1,033,589.04 / 1.10⌉ = ⌈939,626.40⌉ = 939,627. August 15: 1,000,000 with its interest, the
    # rest of July 14 and July 15 to August 15: 219.18 a day × 32.547619 = 7,133.72;
    # ⌈1,007,133.72 / 1.10⌉ = ⌈915,576.11⌉ = 915,577. September 10: the 1,100,000 left, 241.10 a day
    # for the same rest of July 14 and 48 days to September 1: 11,704.63
    result = evaluate(tmp_path, """
[[events]]
date = 2003-08-01
type = "HolderConversion"
principal = 1000000
interest = 20000
[[events]]
date = 2003-08-15
type = "HolderConversion"
principal = 1000000
""")
    assert [e["quantity"] for e in result["effects"] if e["kind"] == "issue"] == ["939627", "915577"]
    assert payments(result)[-2] == ("2003-09-10", "11704.63", ["2003-07-14", "2003-09-01"])

NOTICE_INVARIANT = ("an Event of Default under §5(i) occurs exactly 31 days after a notice whose amount is"
                    " still partly unpaid")


def test_what_a_payment_missed_pays_does_not_count_against_a_notice_of_default(tmp_path):
    # June 10, 2005: 62,000.00 paid of the 62,509.59 due for [Mar 1, Jun 1) (92 days on 3,100,000):
    # 509.59 in arrears, noticed August 22. September 10 (a Saturday: paid September 12) the Company
    # pays 1,000.00 of the 62,509.59 due for [Jun 1, Sep 1): that pays the September installment, and
    # 61,509.59 more falls into arrears (D1); the 509.59 noticed is still unpaid on September 22, the
    # day after the thirtieth, an Event of Default (§5(i)), and the invariant must not call it cured
    late = write(tmp_path / "late.toml", """until = 2005-10-31
[[events]]
date = 2005-06-10
type = "PaymentMissed"
paid = 62000
[[events]]
date = 2005-08-22
type = "DefaultNotice"
[[events]]
date = 2005-09-10
type = "PaymentMissed"
paid = 1000
""")
    assert [(e["date"], e["name"], e["value"]) for e in evaluated(NOTE, late)["effects"] if e["kind"] == "status"] == [
        ("2005-06-10", "payment_missed", "509.59"),
        ("2005-08-22", "default_notice", "509.59"),
        ("2005-09-12", "payment_missed", "61509.59"),
        ("2005-09-22", "event_of_default", "§5(i)"),
    ]
    assert invariant_failure(NOTE, late, NOTICE_INVARIANT) is None
    # a Payment of all that was noticed cures it: an Event of Default after it is caught
    paid = write(tmp_path / "paid.toml", """until = 2005-10-31
[[events]]
date = 2005-06-10
type = "PaymentMissed"
[[events]]
date = 2005-06-15
type = "DefaultNotice"
[[events]]
date = 2005-07-01
type = "Payment"
amount = 62509.59
""")
    assert invariant_failure(NOTE, paid, NOTICE_INVARIANT) is None
    text = Path(NOTE).read_text(encoding="utf-8")
    faulty = tmp_path / "faulty.contract"
    faulty.write_text(text.replace("        if unpaid > 0 USD {", "        if unpaid >= 0 USD {"), encoding="utf-8")
    assert "occurred although the amount noticed was paid" in invariant_failure(str(faulty), paid, NOTICE_INVARIANT)


def test_a_conversion_with_interest_after_a_late_payment_reached_part_of_a_day_owes_only_the_rest_of_it(tmp_path):
    # June 10, 2005 missed, noticed, accelerated on July 20 (95,802.74 in arrears). The Payment of 100,000
    # on August 1 pays the arrears and 4,197.26 of the interest from July 20 at 679.45 a day
    # (3,100,000 × 8% / 365): six whole days and 120.55 of July 26, a share of every dollar of that day.
    # August 5: 1,000,000 converts with its interest through August 5, which is what is unpaid of July 26
    # and ten whole days at 219.18 a day (1,000,000 × 8% / 365): (10 + 1 - 120.55 / 679.45) × 219.18 =
    # 2,372.07, so (1,002,372.07) / 1.10 = 911,247.34 → 911,248 shares (not the 911,283 of eleven whole days)
    result = evaluated(NOTE, write(tmp_path / "s.toml", """
until = 2005-08-31
[prices]
2005-07-19 = 1.00
2005-08-04 = 1.00
[[events]]
date = 2005-06-10
type = "PaymentMissed"
[[events]]
date = 2005-06-15
type = "DefaultNotice"
[[events]]
date = 2005-07-20
type = "Acceleration"
[[events]]
date = 2005-08-01
type = "Payment"
amount = 100000
[[events]]
date = 2005-08-05
type = "HolderConversion"
principal = 1000000
"""))
    assert [e["quantity"] for e in result["effects"] if e["kind"] == "issue"] == ["911248"]
    # what stays owed on the 2,100,000 left: the rest of July 26 and 36 whole days at 460.27 a day
    assert result["state"]["accrued_interest"] == "16948.48"


def payments_in_2005(result: dict) -> list[tuple]:
    return [(e["date"], e["amount"], tuple(e.get("period") or ())) for e in result["effects"]
            if e["kind"] == "payment" and e["date"] >= "2005-01-01"]


def test_interest_converted_after_a_span_end_is_not_taken_from_that_span_s_payment(tmp_path):
    # June 1, 2005 (after the span [Mar 1, Jun 1) ended, before its June 10 payment): 1,000 converts
    # without its interest, and the interest field takes all the interest then owed on the 3,099,000
    # kept, [Mar 1, Jun 2), 93 days: 3,099,000 × 8% × 93/365 = 63,168.66. The 1,000's own interest stays
    # owed (N2) and June 10 pays its days before June 1: 1,000 × 8% × 92/365 = 20.16 (N1). The converted
    # day of June 1 on the 3,099,000 belongs to the next span, so September 10 (paid September 12)
    # pays the 1,000's June 1, 0.22, and 91 days [Jun 2, Sep 1) on 3,099,000, 61,810.19: 61,810.41.
    # (The day of June 1 taken from June 10's payment paid none of the 1,000's interest then.)
    result = evaluated(NOTE, write(tmp_path / "s.toml", """
until = 2005-09-30
[prices]
2005-05-31 = 1.00
[[events]]
date = 2005-06-01
type = "HolderConversion"
principal = 1000
with_interest = false
interest = 63168.66
"""))
    # (1,000 + 63,168.66) / 1.10 = 58,335.15 → 58,336
    assert [e["quantity"] for e in result["effects"] if e["kind"] == "issue"] == ["58336"]
    assert payments_in_2005(result) == [
        ("2005-03-10", "61150.68", ("2004-12-01", "2005-03-01")),
        ("2005-06-10", "20.16", ("2005-03-01", "2005-06-01")),
        ("2005-09-12", "61810.41", ("2005-06-01", "2005-09-01")),
    ]


def test_interest_converted_alone_in_a_payment_gap_with_no_other_interest_starts_the_next_period_after_it(tmp_path):
    # March 1, 2005 prepays 100,000: its interest [Dec 1, Mar 1), 90 days, stays owed (N3), 1,972.60.
    # March 3: the interest field takes all owed on the 3,000,000 through March 3, [Dec 1, Mar 4),
    # 93 days: 3,000,000 × 8% × 93/365 = 61,150.68, shares 61,150.68 / 1.10 = 55,591.53 → 55,592.
    # March 10 pays the 100,000's 1,972.60 for [Dec 1, Mar 1) (the 3,000,000's days are converted);
    # June 10 pays [Mar 4, Jun 1), 89 days on 3,000,000: 58,520.55, its period from March 4 (N1).
    result = evaluated(NOTE, write(tmp_path / "s.toml", """
until = 2005-06-30
[prices]
2005-03-02 = 1.00
[[events]]
date = 2005-03-01
type = "Prepayment"
amount = 100000
[[events]]
date = 2005-03-03
type = "HolderConversion"
principal = 0
interest = 61150.68
"""))
    assert [e["quantity"] for e in result["effects"] if e["kind"] == "issue"] == ["55592"]
    assert payments_in_2005(result) == [
        ("2005-03-01", "100000.00", ()),
        ("2005-03-10", "1972.60", ("2004-12-01", "2005-03-01")),
        ("2005-06-10", "58520.55", ("2005-03-04", "2005-06-01")),
    ]


def test_a_prepayment_the_same_day_as_interest_converted_ahead_takes_nothing_from_other_interest(tmp_path):
    # May 11, 2005 prepays 100,000: [Mar 1, May 11), 71 days, stays owed, 1,556.16. May 24: all the
    # interest owed on the 3,000,000 through May 24, [Mar 1, May 25), 85 days, 55,890.41, converted
    # (55,890.41 / 1.10 = 50,809.46 → 50,810 shares). Later that day 1,000,000 is prepaid: it no
    # longer accrues on May 24 (N3), whose interest on it was converted already. June 10 pays the
    # 100,000's 1,556.16 and the 2,000,000's [May 25, Jun 1), 7 days, 3,068.49: 4,624.66 (N1), not
    # 219.18 (May 24 on the 1,000,000) less.
    result = evaluated(NOTE, write(tmp_path / "s.toml", """
until = 2005-06-30
[prices]
2005-05-23 = 1.00
[[events]]
date = 2005-05-11
type = "Prepayment"
amount = 100000
[[events]]
date = 2005-05-24
type = "HolderConversion"
principal = 0
interest = 55890.41
[[events]]
date = 2005-05-24
type = "Prepayment"
amount = 1000000
"""))
    assert [e["quantity"] for e in result["effects"] if e["kind"] == "issue"] == ["50810"]
    assert payments_in_2005(result)[-1] == ("2005-06-10", "4624.66", ("2005-03-01", "2005-06-01"))


def test_a_conversion_without_interest_to_convert_leaves_the_part_of_a_cent_still_owed(tmp_path):
    # July 25, 2003 prepays 100,000, so interest converted alone is kept ahead (its interest stays
    # owed). September 2: the interest field takes 61,808.21 of the 61,808.219178 owed on the
    # 3,000,000 through September 2 ([Jun 1, Sep 3), 94 days), leaving 0.009178 on them; then
    # 1,934,425.41 converts with its interest, its share of that rest, 0.0059 → 0.01. September 9
    # prepays 1,000,000. Owed at October 10: 65,574.59 × 8% × 38/365 ([Sep 3, Oct 11)) = 546.1555,
    # the 1,000,000's [Sep 3, Sep 9) = 1,315.0685, and the 1,065,574.59's share of the rest, 0.0033:
    # 1,861.2273 → 1,861.23. The second conversion converts no interest of the principal kept: what
    # is owed on it rounding to 0.00 does not make it all converted (1,861.2240 → 1,861.22 then).
    result = evaluated(NOTE, write(tmp_path / "s.toml", """
until = 2003-10-10
[prices]
2003-08-29 = 1.00
[[events]]
date = 2003-07-25
type = "Prepayment"
amount = 100000
[[events]]
date = 2003-09-02
type = "HolderConversion"
principal = 0
interest = 61808.21
[[events]]
date = 2003-09-02
type = "HolderConversion"
principal = 1934425.41
[[events]]
date = 2003-09-09
type = "Prepayment"
amount = 1000000
"""))
    # 61,808.21 / 1.10 = 56,189.28 → 56,190; (1,934,425.41 + 0.01) / 1.10 = 1,758,568.56 → 1,758,569
    assert [e["quantity"] for e in result["effects"] if e["kind"] == "issue"] == ["56190", "1758569"]
    assert result["state"]["accrued_interest"] == "1861.23"


AHEAD_THEN_LATE_PAYMENTS = """
until = 2004-07-31
[prices]
2004-03-17 = 1.00
2004-05-13 = 1.00
2004-07-14 = 1.00
[[events]]
date = 2003-10-15
type = "Insolvency"
kind = "petition"
[[events]]
date = 2004-01-09
type = "Acceleration"
[[events]]
date = 2004-03-18
type = "HolderConversion"
principal = 1000000
with_interest = false
[[events]]
date = 2004-05-14
type = "HolderConversion"
principal = 0
interest = 84953.42
[[events]]
date = PAID_ON
type = "Payment"
amount = 5000
[[events]]
date = 2004-07-01
type = "Payment"
amount = 5000
"""

LATER_CONVERSION = """
[[events]]
date = 2004-07-15
type = "HolderConversion"
principal = 1000000
"""


def late_payments(result: dict) -> list[tuple]:
    return [(e["date"], e["amount"], e["period"]) for e in result["effects"]
            if e["kind"] == "payment" and e["date"] >= "2004-01-01"]


def test_a_late_payment_of_part_after_interest_converted_ahead_pays_the_earliest_days_left(tmp_path):
    # Accelerated January 9, 2004 ([Dec 1, Jan 9), 39 days on 3,100,000: 26,498.63 in arrears). March 18:
    # 1,000,000 converts without its interest, which stays owed from January 9 (219.18 a day). May 14:
    # 84,953.42 converts the arrears and all owed on the 2,100,000 kept, [Jan 9, May 15), 127 days at
    # 460.27: 58,454.79, kept ahead; those are the 2,100,000's own earliest days (N2). June 29: 5,000
    # pays the earliest days left (D3), the 1,000,000's: 5,000 / 219.18 = 22.8125 days, so 22 whole
    # from January 9 and part of January 31: [Jan 9, Feb 1). July 1: the 0.1875 left of January 31
    # (41.10), then 4,958.90 / 219.18 = 22.625 days: to part of February 23: [Jan 31, Feb 24).
    result = evaluated(NOTE, write(tmp_path / "s.toml", AHEAD_THEN_LATE_PAYMENTS.replace("PAID_ON", "2004-06-29")))
    assert late_payments(result) == [("2004-06-29", "5000.00", ["2004-01-09", "2004-02-01"]),
                                     ("2004-07-01", "5000.00", ["2004-01-31", "2004-02-24"])]
    # what is still owed at July 31: the 1,000,000's [Feb 23 (its 0.375 left), Mar 19), 24.375 days,
    # 5,342.47, and the 2,100,000's [May 15, Aug 1), 78 days, 35,901.37: 41,243.84
    assert result["state"]["accrued_interest"] == "41243.84"


def test_principal_converted_with_its_interest_after_such_payments_brings_only_the_days_after_those_converted(tmp_path):
    # As above; July 15 1,000,000 of the 2,100,000 converts with its interest: its days to May 14 were
    # converted ahead, so only [May 15, Jul 16), 62 days × 219.18 = 13,589.04 is unpaid:
    # ⌈1,013,589.04 / 1.10⌉ = ⌈921,444.58⌉ = 921,445 shares (the payments paid the other 1,000,000's days)
    result = evaluated(NOTE, write(tmp_path / "s.toml", AHEAD_THEN_LATE_PAYMENTS.replace("PAID_ON", "2004-06-29")
                                   + LATER_CONVERSION))
    assert [e["quantity"] for e in result["effects"] if e["kind"] == "issue"] == ["909091", "77231", "921445"]


def test_a_late_payment_of_part_the_day_interest_was_converted_through_leaves_that_day_converted(tmp_path):
    # The same, the first Payment on May 14 itself, after the conversion: the 58,454.79 converted ahead
    # includes May 14 on the 2,100,000, which the payment's "days before" do not reach; it is still
    # those days, so the payments' periods are the same, and so is what July 15 converts
    result = evaluated(NOTE, write(tmp_path / "s.toml", AHEAD_THEN_LATE_PAYMENTS.replace("PAID_ON", "2004-05-14")
                                   + LATER_CONVERSION))
    assert late_payments(result) == [("2004-05-14", "5000.00", ["2004-01-09", "2004-02-01"]),
                                     ("2004-07-01", "5000.00", ["2004-01-31", "2004-02-24"])]
    assert [e["quantity"] for e in result["effects"] if e["kind"] == "issue"] == ["909091", "77231", "921445"]


def test_interest_converted_ahead_of_principal_converted_later_without_it_is_not_taken_from_the_rest(tmp_path):
    # Accelerated January 9, 2004. February 10: 1,000,000 without its interest. March 18: the arrears
    # (26,498.63) and all owed on the 2,100,000 kept, [Jan 9, Mar 19), 70 days, 32,219.18: 58,717.81.
    # April 1: another 1,000,000 without its interest: its share of the 32,219.18, 15,342.47, stays an
    # offset of its owed interest (N2), and the 1,100,000 left has its 16,876.71, [Jan 9, Mar 19).
    # June 29 pays 5,000. July 15: 500,000 with its interest, which is [Mar 19, Jul 16), 119 days at
    # 109.59: 13,041.10; ⌈513,041.10 / 1.10⌉ = ⌈466,400.09⌉ = 466,401 shares
    result = evaluated(NOTE, write(tmp_path / "s.toml", """
until = 2004-07-31
[prices]
2004-02-09 = 1.00
2004-03-17 = 1.00
2004-03-31 = 1.00
2004-07-14 = 1.00
[[events]]
date = 2003-10-15
type = "Insolvency"
kind = "petition"
[[events]]
date = 2004-01-09
type = "Acceleration"
[[events]]
date = 2004-02-10
type = "HolderConversion"
principal = 1000000
with_interest = false
[[events]]
date = 2004-03-18
type = "HolderConversion"
principal = 0
interest = 58717.81
[[events]]
date = 2004-04-01
type = "HolderConversion"
principal = 1000000
with_interest = false
[[events]]
date = 2004-06-29
type = "Payment"
amount = 5000
[[events]]
date = 2004-07-15
type = "HolderConversion"
principal = 500000
"""))
    assert [e["quantity"] for e in result["effects"] if e["kind"] == "issue"][-1] == "466401"
    assert late_payments(result)[0][:2] == ("2004-06-29", "5000.00")




def closing_bids(first: str, last: str) -> str:
    """The scenario's [prices] table: the stock's closing bids from `first` to `last`."""
    rows = (ROOT / "scenarios" / "nso_closing_bid_2001_2006.csv").read_text().splitlines()[1:]
    return "[prices]\n" + "".join(f"{d} = {p}\n" for d, p in (r.split(",") for r in rows) if first <= d <= last)

INSOLVENCY = """
[[events]]
date = 2004-05-03
type = "Insolvency"
kind = "petition"
"""

CONVERTED_AHEAD_THROUGH_THE_DAY = """
[[events]]
date = 2004-05-05
type = "HolderConversion"
principal = 100000
with_interest = false
[[events]]
date = 2004-05-10
type = "HolderConversion"
principal = 0
"""


def test_a_payment_the_day_interest_is_converted_ahead_through_pays_the_other_interest_owed(tmp_path):
    # Accelerated May 3, 2004: [Mar 1, May 3), 63 days × 679.45 = 42,805.48 in arrears. May 5:
    # 100,000 converts without its interest, [May 3, May 6), 3 days × 21.92 = 65.75, which stays
    # owed. May 10: the arrears and [May 3, May 11), 8 days × 657.53 on the 3,000,000 kept, 5,260.27:
    # 48,065.75 converts alone, kept ahead: May 10 itself is one of its days, which a payment's days
    # before May 10 do not reach (N2). A Payment of 3,000,000 the same day owes 65.75 of interest (§3):
    # 2,999,934.25 goes to principal, 65.75 stays overdue, still accelerated. At June 30 it has
    # accrued [May 11, Jul 1), 51 days × 65.75 × 8% / 365 = 0.73
    result = evaluated(NOTE, write(tmp_path / "s.toml", f"""until = 2004-06-30
{closing_bids("2004-04-01", "2004-05-10")}""" + INSOLVENCY + """
[[events]]
date = 2004-05-03
type = "Acceleration"
""" + CONVERTED_AHEAD_THROUGH_THE_DAY + """interest = 48065.75
[[events]]
date = 2004-05-10
type = "Payment"
amount = 3000000
"""))
    assert [(e["date"], e["purpose"], e["amount"], e.get("period")) for e in result["effects"]
            if e["kind"] == "payment" and e["date"] >= "2004-05-01"] == [
        ("2004-05-10", "interest", "65.75", ["2004-05-03", "2004-05-10"]),
        ("2004-05-10", "principal", "2999934.25", None),
    ]
    assert result["state"]["status"] == "accelerated"
    assert result["state"]["principal_overdue"] == "65.75"
    assert result["state"]["accrued_interest"] == "0.73"


def test_an_acceleration_the_day_interest_is_converted_ahead_through_owes_the_other_interest(tmp_path):
    # Event of Default May 3, 2004, no acceleration yet. May 5: 100,000 converts without its interest,
    # [Mar 1, May 6), 66 days × 21.92 = 1,446.58, which stays owed. May 10: all the 3,000,000 kept owes,
    # [Mar 1, May 11), 71 days × 657.53 = 46,684.93, converts alone. Accelerated the same day: the
    # interest then due is that of the days before May 10 (D8), of which the 3,000,000's were converted;
    # its May 10 was converted too but is not due, so 1,446.58 goes into arrears; 500 paid leaves 946.58
    result = evaluated(NOTE, write(tmp_path / "s.toml", f"""until = 2004-06-30
{closing_bids("2004-04-01", "2004-05-10")}""" + INSOLVENCY + CONVERTED_AHEAD_THROUGH_THE_DAY + """interest = 46684.93
[[events]]
date = 2004-05-10
type = "Acceleration"
[[events]]
date = 2004-05-10
type = "Payment"
amount = 500
"""))
    assert [(e["date"], e["before"], e["after"]) for e in result["effects"]
            if e["kind"] == "adjustment" and e["name"] == "interest_in_arrears"] == [
        ("2004-05-10", "0.00", "1446.58")]
    assert result["state"]["interest_in_arrears"] == "946.58"
    # [May 11, Jul 1), 51 days × 657.53 on the 3,000,000
    assert result["state"]["accrued_interest"] == "33534.25"



CONVERTED_AHEAD_AFTER_PRINCIPAL_WITHOUT_ITS_INTEREST = """until = 2003-07-31
[prices]
2003-07-11 = 1.00
2003-07-17 = 1.00
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
principal = 1000000
with_interest = false
[[events]]
date = 2003-07-14
type = "HolderConversion"
principal = 0
interest = 26827.40
"""


def test_a_late_payment_after_principal_converted_ahead_is_paid_starts_at_the_other_dollars_earliest_day(tmp_path):
    # Accelerated July 1, 2003: [Jun 1, Jul 1), 30 days on 3,100,000, 20,383.56 in arrears. July 14, at
    # 110% of 1.00: 1,000,000 converts without its interest (⌈909,090.9⌉ = 909,091 shares), whose
    # [Jul 1, Jul 15), 14 days × 219.18 = 3,068.49, stays owed; then the arrears and the 2,100,000
    # kept's [Jul 1, Jul 15), 14 days × 460.27 = 6,443.84: 26,827.40 converts alone (⌈24,388.5⌉ =
    # 24,389 shares), on the 2,100,000's own days. July 21: the 2,100,000 is paid; its [Jul 15, Jul 21),
    # 6 days, 2,761.64, stays owed. July 24: 0.05 pays the earliest day left (D3), July 1 of the
    # 1,000,000: [Jul 1, Jul 2). Left: 3,068.49 + 2,761.64 - 0.05 = 5,830.09
    result = evaluated(NOTE, write(tmp_path / "s.toml", CONVERTED_AHEAD_AFTER_PRINCIPAL_WITHOUT_ITS_INTEREST + """
[[events]]
date = 2003-07-21
type = "Payment"
amount = 2100000
order = "principal_first"
[[events]]
date = 2003-07-24
type = "Payment"
amount = 0.05
"""))
    assert [e["quantity"] for e in result["effects"] if e["kind"] == "issue"] == ["909091", "24389"]
    assert [(e["date"], e["purpose"], e["amount"], e.get("period")) for e in result["effects"]
            if e["kind"] == "payment" and e["date"] >= "2003-07-01"] == [
        ("2003-07-21", "principal", "2100000.00", None),
        ("2003-07-24", "interest", "0.05", ["2003-07-01", "2003-07-02"]),
    ]
    assert result["state"]["accrued_interest"] == "5830.09"


def test_a_late_payment_after_principal_with_interest_converted_ahead_converts_without_it_starts_at_the_earliest_day(
        tmp_path):
    # As above to July 14. July 18: 700,000 of the 2,100,000 converts without its interest
    # (⌈636,363.6⌉ = 636,364 shares): its [Jul 1, Jul 15) was converted on July 14; its [Jul 15,
    # Jul 19), 4 days × 153.42 = 613.70, stays owed. July 24: 0.05 pays July 1 of the 1,000,000:
    # [Jul 1, Jul 2). Left on July 31: 3,068.49, 613.70 and the 1,400,000's [Jul 15, Aug 1), 17 days ×
    # 306.85 = 5,216.44, less 0.05: 8,898.58
    result = evaluated(NOTE, write(tmp_path / "s.toml", CONVERTED_AHEAD_AFTER_PRINCIPAL_WITHOUT_ITS_INTEREST + """
[[events]]
date = 2003-07-18
type = "HolderConversion"
principal = 700000
with_interest = false
[[events]]
date = 2003-07-24
type = "Payment"
amount = 0.05
"""))
    assert [e["quantity"] for e in result["effects"] if e["kind"] == "issue"] == ["909091", "24389", "636364"]
    assert [(e["date"], e["purpose"], e["amount"], e.get("period")) for e in result["effects"]
            if e["kind"] == "payment" and e["date"] >= "2003-07-01"] == [
        ("2003-07-24", "interest", "0.05", ["2003-07-01", "2003-07-02"]),
    ]
    assert result["state"]["accrued_interest"] == "8898.58"


PREPAID_ON_THE_DAY_INTEREST_WAS_CONVERTED_AHEAD = """
[prices]
2003-07-18 = 1.00
2003-09-02 = 1.00
[[events]]
date = 2003-07-01
type = "Prepayment"
amount = 100000
[[events]]
date = 2003-07-21
type = "HolderConversion"
principal = 0
interest = 33534.25
[[events]]
date = 2003-07-21
type = "Prepayment"
amount = 1000000
[[events]]
date = 2003-09-02
type = "Prepayment"
amount = 1000000
[[events]]
date = 2003-09-03
type = "HolderConversion"
principal = 0
interest = 9643.84
"""


def test_principal_prepaid_the_day_interest_was_converted_ahead_leaves_no_part_of_it_to_a_later_span(tmp_path):
    # July 1: 100,000 is prepaid; its [Jun 1, Jul 1), 30 days × 21.92 = 657.53, stays owed. July 21, at 110%
    # of 1.00: all owed on the 3,000,000, [Jun 1, Jul 22), 51 days × 657.53 = 33,534.25, converts alone
    # (⌈30,485.7⌉ = 30,486 shares); 1,000,000 prepaid later that day takes its share along, and its part
    # for July 21, a day it no longer accrues on, lapses. September 2: 1,000,000 is prepaid; its [Jul 22,
    # Sep 2) stays owed. September 3: all owed on the 1,000,000 left, [Jul 22, Sep 4), 44 days × 219.18 =
    # 9,643.84, converts alone (⌈8,767.1⌉ = 8,768 shares); [Sep 1, Sep 4), 657.53, lies after the span's
    # end. September 10: 657.53 and the September 2 1,000,000's [Jul 22, Sep 1), 41 days, 8,986.30:
    # 9,643.84. December 10: that 1,000,000's September 1, 219.18, and the 1,000,000 left's [Sep 1, Dec 1),
    # 91 days, 19,945.21, less the 657.53 converted: 19,506.85. Kept as a sum, the lapsed July 21 was
    # counted against December's interest too: 219.18 less, 19,287.67
    for until, accrued in (("2003-09-30", "6136.99"), ("2003-12-31", "6794.52")):
        result = evaluated(NOTE, write(tmp_path / "s.toml", f"until = {until}\n"
                                       + PREPAID_ON_THE_DAY_INTEREST_WAS_CONVERTED_AHEAD))
        assert [e["quantity"] for e in result["effects"] if e["kind"] == "issue"] == ["30486", "8768"]
        # September 30: the 219.18 and [Sep 1, Oct 1), 30 days × 219.18 = 6,575.34, less 657.53
        assert result["state"]["accrued_interest"] == accrued
    assert [(e["date"], e["amount"], e["period"]) for e in result["effects"]
            if e["kind"] == "payment" and e["purpose"] == "interest" and e["date"] > "2003-07-01"] == [
        ("2003-09-10", "9643.84", ["2003-06-01", "2003-09-01"]),
        ("2003-12-10", "19506.85", ["2003-09-01", "2003-12-01"]),
    ]
