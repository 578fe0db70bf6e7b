"""Series H scenarios at the edges of the dates, worked by hand from the certificate and INSTRUMENTS.md H.

Each runs `contract eval --format json` on a small scenario and compares the effects and the state
with figures computed independently: dividends 10% of $1,000 a year per share, 30/360 (§2, G3),
arrears paid in proportion to the shares that leave the position (H), the Conversion Date moved to a
bank day (§5(f)), a Liquidation or a DividendMissed on a dividend date acting on that date's dividend.
"""

from __future__ import annotations

from contract_helpers import evaluated, run, write

CONTRACT = "contracts/nstor_series_h_preferred.contract"


def evaluate(tmp_path, scenario: str) -> dict:
    """The JSON result of `scenario` (TOML text), which must evaluate without error."""
    return evaluated(CONTRACT, write(tmp_path / "scenario.toml", scenario))


def brief(effects: list[dict]) -> list[tuple]:
    """Each effect as (date, kind, cause, what it says), the way the worked answers are written."""
    out = []
    for e in effects:
        if e["kind"] == "payment":
            out.append((e["date"], e["purpose"], e["cause"], e["amount"], tuple(e.get("period", ())), e.get("due")))
        elif e["kind"] == "issue":
            out.append((e["date"], "issue", e["cause"], e["security"], e["quantity"]))
        elif e["kind"] == "status":
            out.append((e["date"], e["name"], e["cause"], e["value"]))
        elif e["kind"] == "rejection":
            out.append((e["date"], "rejection", e["cause"], e["event"], e["clause"]))
        else:
            out.append((e["date"], e["kind"], e["cause"]))
    return out


def test_a_saturday_notice_before_a_monday_issue_date_converts_nothing(tmp_path):
    # G12 reads the date the notice bears (Saturday, January 5, 2002), not the Conversion Date that
    # §5(f) would give it (Monday, January 7, the issue date)
    result = evaluate(tmp_path, """
until = 2002-03-31
[params]
issue_date = 2002-01-07
holder_shares = 1000

[[events]]
date = 2002-01-05
type = "Conversion"
shares = 100
""")
    # 1,000 × 100 × 63/360 = 17,500.00 for [Jan 7, Mar 10): 30/360 counts 2 months and 3 days
    assert brief(result["effects"]) == [
        ("2002-01-07", "rejection", 1, "Conversion", "§2"),
        ("2002-03-10", "dividend", None, "17500.00", ("2002-01-07", "2002-03-10"), None),
    ]
    assert result["state"]["holder_shares"] == "1000"


def test_arrears_of_the_short_first_period_are_paid_in_part_on_a_holiday_conversion(tmp_path):
    result = evaluate(tmp_path, """
until = 2001-08-31
[params]
holder_shares = 2000

[[events]]
date = 2001-06-10
type = "DividendMissed"

[[events]]
date = 2001-07-04
type = "Conversion"
shares = 300
""")
    # missed: 2,000 × 100 × 58/360 = 32,222.22 for [Apr 12, Jun 10)
    # Independence Day: the Conversion Date is Thursday, July 5; 300 × 1,388.89 = 416,667 common
    # dividend: 300 × 100 × 25/360 = 2,083.33 plus 32,222.22 × 300/2,000 = 4,833.33, together 6,916.67
    assert brief(result["effects"]) == [
        ("2001-06-10", "dividend_missed", 1, "32222.22"),
        ("2001-07-05", "issue", 2, "common", "416667"),
        ("2001-07-05", "dividend", 2, "6916.67", ("2001-06-10", "2001-07-05"), None),
    ]
    # arrears left 32,222.22 × 1,700/2,000 = 27,388.887; accrued [Jun 10, Sep 1): 1,700 × 100 × 81/360
    assert result["state"]["dividends_in_arrears"] == "27388.89"
    assert result["state"]["accrued_dividends"] == "38250.00"


def test_a_conversion_date_on_a_dividend_date_pays_only_the_arrears_part(tmp_path):
    result = evaluate(tmp_path, """
until = 2003-03-31
[params]
holder_shares = 1000

[[events]]
date = 2002-12-10
type = "DividendMissed"

[[events]]
date = 2003-03-08
type = "Conversion"
shares = 200
""")
    # the Saturday notice converts on Monday, March 10, after that date's dividend 1,000 × 25 = 25,000.00;
    # nothing accrues over [Mar 10, Mar 10): the payment is the arrears' part 25,000 × 200/1,000 = 5,000.00
    assert brief(result["effects"])[-3:] == [
        ("2003-03-10", "dividend", None, "25000.00", ("2002-12-10", "2003-03-10"), None),
        ("2003-03-10", "issue", 2, "common", "277778"),
        ("2003-03-10", "dividend", 2, "5000.00", (), None),
    ]
    assert result["state"]["dividends_in_arrears"] == "20000.00"


def test_a_dividend_missed_on_the_redemption_date_joins_the_arrears_the_redemption_pays(tmp_path):
    result = evaluate(tmp_path, """
until = 2003-03-31
[params]
holder_shares = 1200

[[events]]
date = 2003-02-08
type = "RedemptionNotice"
redeem_on = 2003-03-10
shares = 300

[[events]]
date = 2003-03-10
type = "DividendMissed"
""")
    # the dividend step comes first: 1,200 × 25 = 30,000.00 joins the arrears;
    # then 300 shares are redeemed: 300,000.00, and their part of the arrears 30,000 × 300/1,200 = 7,500.00
    assert brief(result["effects"])[-3:] == [
        ("2003-03-10", "dividend_missed", 2, "30000.00"),
        ("2003-03-10", "redemption", 1, "300000.00", (), None),
        ("2003-03-10", "dividend", 1, "7500.00", (), None),
    ]
    assert result["state"]["dividends_in_arrears"] == "22500.00"
    assert result["state"]["holder_shares"] == "900"


def test_a_liquidation_on_a_sunday_dividend_date_takes_that_dividend_into_the_preference(tmp_path):
    result = evaluate(tmp_path, """
until = 2002-12-31
[params]
holder_shares = 1000
series_outstanding = 3000
[assume]
dividend_business_day = "following"

[[events]]
date = 2001-12-10
type = "DividendMissed"

[[events]]
date = 2002-03-10
type = "Liquidation"
assets = 2500000
senior = 100000
""")
    # preference 1,000 + 25 of arrears + 25 for [Dec 10, Mar 10) = 1,050 a share; the series' claim
    # 3,000 × 1,050 = 3,150,000 exceeds the 2,400,000 available: the position gets 2,400,000 × 1,000/3,000
    assert brief(result["effects"])[-2:] == [
        ("2002-03-10", "liquidation", 2, "800000.00", (), None),
        ("2002-03-10", "status", 2, "liquidated"),
    ]
    assert not any(e["date"] == "2002-03-11" for e in result["effects"])
    assert result["state"]["residual_to_junior"] == "0.00"


def test_a_liquidation_on_the_monday_after_finds_that_dividend_paid(tmp_path):
    result = evaluate(tmp_path, """
until = 2002-12-31
[params]
holder_shares = 1000
[assume]
dividend_business_day = "following"

[[events]]
date = 2002-03-11
type = "Liquidation"
assets = 10000000
""")
    # the dividend due Sunday, March 10 is paid Monday: 1,000 × 25 = 25,000.00; the preference is then
    # 1,000 + 100 × 1/360 = 1,000.2778 a share: 1,000,277.78, and 10,000,000 − 5,100 × 1,000.2778 to junior
    assert brief(result["effects"])[-3:] == [
        ("2002-03-11", "dividend", None, "25000.00", ("2001-12-10", "2002-03-10"), "2002-03-10"),
        ("2002-03-11", "liquidation", 1, "1000277.78", (), None),
        ("2002-03-11", "status", 1, "liquidated"),
    ]
    assert result["state"]["residual_to_junior"] == "4898583.33"


def test_a_reorganization_may_give_its_units_a_share_as_an_exact_ratio(tmp_path):
    # G8, INTERFACE: a ratio field may be written "N/M". One unit of A for three common: 1,500 preferred
    # convert into 1,500 × 1,388.89 = 2,083,335 common, / 3 = 694,445 units of A exactly; a later 3 for 2
    # makes it 1/3 × 3/2 = 0.5 exactly
    result = evaluate(tmp_path, """
until = 2005-08-31
[[events]]
date = 2005-02-01
type = "Reorganization"
security = "Acquirer A common"
per_share = "1/3"
[[events]]
date = 2005-07-01
type = "Conversion"
shares = 1500
[[events]]
date = 2005-07-05
type = "Reorganization"
security = "Acquirer B common"
per_share = "3/2"
""")
    assert [(e["date"], e["security"], e["quantity"]) for e in result["effects"] if e["kind"] == "issue"] == [
        ("2005-07-01", "Acquirer A common", "694445")]
    assert [(e["name"], e["after"]) for e in result["effects"] if e["kind"] == "adjustment"] == [
        ("security", "Acquirer A common"), ("per_share", "0.5"), ("security", "Acquirer B common")]


def test_a_ratio_with_no_denominator_is_refused_at_its_key(tmp_path):
    path = write(tmp_path / "scenario.toml", 'until = 2005-08-31\n[[events]]\ndate = 2005-02-01\n'
                 'type = "Reorganization"\nsecurity = "A"\nper_share = "1/0"\n')
    status, _, err = run("eval", CONTRACT, path)
    assert status == 1
    assert err.splitlines() == [
        f"{path}:6:1: error: event 1 (Reorganization): field 'per_share' must be an amount in successor per common "
        '(a number, or a ratio such as "1/3"), not "1/0"',
        '    per_share = "1/0"', "    ^"]


def test_the_liquidation_invariant_reads_a_moved_dividend_by_its_dividend_date():
    # March 10, 2002 is a Sunday: under `following` its dividend, 5,100 × 100 × 90/360 = 127,500.00, is paid
    # on Monday the 11th, apart from a liquidation that Monday, which takes the one day since (1,416.67)
    from datetime import date
    from decimal import Decimal

    from contractlang.language import ast
    from contractlang.language.checker import load
    from contractlang.testing.generation import Generated
    from contractlang.testing.invariants import check_invariant, evaluate_generated

    contract = load(CONTRACT)
    (clause, invariant), = [(label, item) for label, item in contract.items_of(ast.Invariant)
                            if item.name.startswith("the series never receives more than is available")]
    scenario = Generated(date(2002, 6, 30), {}, {},
                         [("Liquidation", date(2002, 3, 11), {"assets": Decimal(10_000_000), "senior": Decimal(0)})],
                         assumptions={"dividend_business_day": "following"})
    _, result, _ = evaluate_generated(contract, scenario)
    assert [(e.details["purpose"], e.details["amount"], e.details["due"]) for e in result.effects
            if e.kind == "payment" and e.date == date(2002, 3, 11)] == [
        ("dividend", "127500.00", "2002-03-10"), ("liquidation", "5101416.67", None)]
    assert check_invariant(contract, invariant, clause, scenario) is None
