"""The standard library on its own: day counts against published vectors, calendars, schedules,
rounding, price series and the accrual ledger."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contractlang.stdlib import calendars, rounding, schedules
from contractlang.stdlib.accrual import Ledger
from contractlang.stdlib.daycount import day_count_days, year_fraction
from contractlang.stdlib.prices import PriceSeries
from contractlang.stdlib.kept import KeptTable


def twelve(fraction: Fraction) -> str:
    return f"{Decimal(fraction.numerator) / Decimal(fraction.denominator):.12f}"


# ISDA 2006 §4.16 and QuantLib's test-suite/daycounters.cpp (testActualActual, ISDA cases)
@pytest.mark.parametrize("start, end, expected", [
    (date(2003, 11, 1), date(2004, 5, 1), "0.497724380567"),
    (date(1999, 2, 1), date(1999, 7, 1), "0.410958904110"),
    (date(1999, 7, 1), date(2000, 7, 1), "1.001377348604"),  # 184/365 + 182/366; QuantLib lists 1.0013773486
    (date(2002, 8, 15), date(2003, 7, 15), "0.915068493151"),
    (date(2003, 7, 15), date(2004, 1, 15), "0.504004790778"),
    (date(1999, 7, 30), date(2000, 1, 30), "0.503892506924"),
    (date(2000, 1, 30), date(2000, 6, 30), "0.415300546448"),
])
def test_actual_actual_isda_matches_published_values(start, end, expected):
    assert twelve(year_fraction("actual/actual", start, end)) == expected


# 30/360 bond basis (ISDA 2006 §4.16(f)): D1 := min(D1, 30); D2 := min(D2, 30) if D1 is 30
@pytest.mark.parametrize("start, end, days", [
    (date(2006, 8, 31), date(2007, 2, 28), 178),
    (date(2007, 1, 31), date(2007, 2, 28), 28),
    (date(2007, 2, 28), date(2007, 3, 31), 33),
    (date(2006, 8, 30), date(2007, 8, 31), 360),
    (date(2006, 8, 31), date(2007, 8, 31), 360),
    (date(2007, 1, 15), date(2007, 7, 15), 180),
    (date(2002, 3, 10), date(2002, 4, 8), 28),
])
def test_thirty_360_bond_basis_counts_days_as_published(start, end, days):
    assert day_count_days("30/360", start, end) == days
    assert year_fraction("30/360", start, end) == Fraction(days, 360)


def test_actual_365_and_360_divide_actual_days():
    assert year_fraction("actual/365", date(2002, 2, 28), date(2002, 6, 1)) == Fraction(93, 365)
    assert year_fraction("actual/360", date(2002, 2, 28), date(2002, 6, 1)) == Fraction(93, 360)


def test_an_empty_span_has_no_year_fraction_and_unknown_day_counts_are_refused():
    assert year_fraction("30/360", date(2003, 1, 1), date(2003, 1, 1)) == 0
    with pytest.raises(ValueError):
        year_fraction("actual/364", date(2003, 1, 1), date(2003, 2, 1))


@given(st.dates(date(1990, 1, 1), date(2040, 1, 1)), st.integers(0, 2000), st.integers(0, 2000),
       st.sampled_from(["actual/365", "actual/360", "actual/actual"]))
def test_actual_day_counts_are_additive_over_a_split_point(start, first, second, day_count):
    middle, end = start + timedelta(days=first), start + timedelta(days=first + second)
    assert year_fraction(day_count, start, end) == (year_fraction(day_count, start, middle)
                                                    + year_fraction(day_count, middle, end))


def test_calendars_know_federal_and_state_holidays():
    assert not calendars.is_business_day("US", date(2005, 9, 5))  # Labor Day
    assert not calendars.is_business_day("US", date(2002, 2, 18))  # Washington's Birthday
    assert calendars.is_business_day("US", date(2001, 11, 23))  # the day after Thanksgiving: banks open
    assert not calendars.is_business_day("US-FL", date(2001, 11, 23))  # a Florida holiday
    assert not calendars.is_business_day("US-FL", date(2005, 9, 10))  # a Saturday
    assert calendars.is_business_day("weekends", date(2005, 12, 26)) is True
    with pytest.raises(ValueError):
        calendars.is_business_day("US-TX", date(2005, 1, 3))


def test_business_day_conventions():
    assert calendars.adjust(date(2005, 9, 10), "following", "US-FL") == date(2005, 9, 12)
    assert calendars.adjust(date(2006, 9, 10), "following", "US-FL") == date(2006, 9, 11)
    assert calendars.adjust(date(2005, 9, 10), "none", "US-FL") == date(2005, 9, 10)
    assert calendars.adjust(date(2005, 9, 10), "preceding", "US-FL") == date(2005, 9, 9)
    # the last day of April 2005 is a Saturday: modified following stays in April
    assert calendars.adjust(date(2005, 4, 30), "modified_following", "US") == date(2005, 4, 29)
    assert calendars.adjust(date(2005, 4, 30), "following", "US") == date(2005, 5, 2)


def test_the_federal_reserve_calendar_closes_no_friday_before_a_saturday_holiday():
    # New Year's Day 2005, Christmas 2004 and Veterans Day 2006 fall on a Saturday
    for friday in (date(2004, 12, 24), date(2004, 12, 31), date(2006, 11, 10)):
        assert not calendars.is_business_day("US", friday)
        assert calendars.is_business_day("XFED", friday)
    assert not calendars.is_business_day("XFED", date(2004, 7, 5))  # Independence Day observed on Monday
    assert not calendars.is_business_day("XFED", date(2002, 10, 14))  # Columbus Day
    assert calendars.is_business_day("XFED", date(2001, 11, 23))  # the day after Thanksgiving
    assert calendars.adjust(date(2005, 1, 1), "following", "XFED") == date(2005, 1, 3)


@given(st.dates(date(2001, 1, 1), date(2007, 12, 31)), st.sampled_from(["US", "US-FL", "US-CA", "XFED"]))
def test_following_gives_the_first_business_day_on_or_after(day, calendar):
    moved = calendars.adjust(day, "following", calendar)
    assert moved >= day and (moved - day).days <= 5
    assert calendars.is_business_day(calendar, moved)
    assert all(not calendars.is_business_day(calendar, day + timedelta(days=k)) for k in range((moved - day).days))


def test_recurring_schedules():
    quarterly = [(3, 10), (6, 10), (9, 10), (12, 10)]
    dates = schedules.recurring(quarterly, date(2002, 6, 10), date(2003, 6, 10), date(2100, 1, 1))
    assert dates == [date(2002, 6, 10), date(2002, 9, 10), date(2002, 12, 10), date(2003, 3, 10), date(2003, 6, 10)]
    assert schedules.recurring([(2, 30)], date(2003, 1, 1), date(2004, 12, 31), date(2100, 1, 1)) == [
        date(2003, 2, 28), date(2004, 2, 29)]
    assert schedules.recurring(quarterly, date(2001, 6, 10), None, date(2001, 12, 31)) == [
        date(2001, 6, 10), date(2001, 9, 10), date(2001, 12, 10)]
    assert schedules.recurring(quarterly, date(2004, 1, 1), date(2003, 1, 1), date(2100, 1, 1)) == []
    assert schedules.first_of_month(date(2005, 9, 10)) == date(2005, 9, 1)
    assert schedules.add_months(date(2004, 1, 31), 1) == date(2004, 2, 29)


def test_a_months_days_follow_the_gregorian_leap_years():
    assert [schedules.days_in_month(2024, month) for month in range(1, 13)] == [
        31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    assert [schedules.days_in_month(year, 2) for year in (1900, 2000, 2023, 9999)] == [28, 29, 28, 28]
    assert schedules.last_of_month(date(2100, 2, 3)) == date(2100, 2, 28)
    assert schedules.add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)
    assert schedules.add_months(datetime(2024, 3, 31, 17, 30), -1) == datetime(2024, 2, 29, 17, 30)  # keeps its time


def test_rounding_modes():
    assert rounding.cents(Decimal("62509.58904")) == Decimal("62509.59")
    assert rounding.cents(Decimal("0.005")) == Decimal("0.01")
    assert rounding.cents(Decimal("0.0049999")) == Decimal("0.00")
    assert rounding.cents(Decimal("-0.005")) == Decimal("-0.01")
    assert rounding.ceil_whole(Decimal("840197.0001")) == 840198
    assert rounding.ceil_whole(Decimal("100000")) == 100000
    assert rounding.floor_whole(Decimal("1415930.336")) == 1415930
    assert rounding.round_down(Decimal("123587.6694919"), 6) == Decimal("123587.669491")
    assert rounding.cents(Decimal("1234567890123456789012345678.126")) == Decimal("1234567890123456789012345678.13")
    with pytest.raises(OverflowError):
        rounding.cents(Decimal("1e60"))


def test_price_series_look_ups_and_splits():
    series = PriceSeries({date(2003, 6, 2): Decimal("0.41"), date(2003, 6, 4): Decimal("1.105")})
    assert series.before(date(2003, 6, 5)) == (date(2003, 6, 4), Decimal("1.105"))
    assert series.before(date(2003, 6, 4)) == (date(2003, 6, 2), Decimal("0.41"))
    assert series.on_or_before(date(2003, 6, 4)) == (date(2003, 6, 4), Decimal("1.105"))
    assert series.before(date(2003, 6, 2)) is None
    before_splits = series.checkpoint()
    series.rebase(date(2003, 6, 4), Decimal(2))
    after_one = series.checkpoint()
    series.rebase(date(2003, 6, 10), Decimal("0.5"))
    assert series.before(date(2003, 6, 5)) == (date(2003, 6, 4), Decimal("2.21"))  # only the later split
    assert series.before(date(2003, 6, 4)) == (date(2003, 6, 2), Decimal("0.41"))  # both: ÷2 then ÷0.5
    series.rollback(after_one)  # an event rejected after the first split: the second is undone
    assert series.before(date(2003, 6, 5)) == (date(2003, 6, 4), Decimal("1.105"))
    assert series.before(date(2003, 6, 4)) == (date(2003, 6, 2), Decimal("0.205"))
    series.rollback(before_splits)
    assert series.before(date(2003, 6, 4)) == (date(2003, 6, 2), Decimal("0.41"))


def ledger(**changes) -> Ledger:
    settings = dict(start=date(2003, 3, 1), base=Decimal("3100000"), annual_rate=Decimal("0.08"),
                    day_count="actual/365", boundaries=[date(2003, 6, 1), date(2003, 9, 1)])
    settings.update(changes)
    return Ledger(**settings)


def test_a_ledger_pays_what_accrued_before_a_date_once():
    interest = ledger()
    first = interest.settle(date(2003, 6, 1))
    assert rounding.cents(first.amount) == Decimal("62509.59")
    assert first.period == (date(2003, 3, 1), date(2003, 6, 1))
    assert interest.settle(date(2003, 6, 1)).period is None


def test_interest_on_converted_principal_is_settled_alone_and_the_rest_stays_owed():
    interest = ledger()
    converted = interest.settle(date(2003, 6, 6), portion=Decimal("1000000"))  # through June 5
    assert rounding.cents(converted.amount) == Decimal("21260.27")
    interest.change_base(date(2003, 6, 6), Decimal("-1250000"))  # 1,000,000 with interest, 250,000 without
    # June's payment: 2.1M for the whole span (the converted million's interest is gone)
    assert rounding.cents(interest.settle(date(2003, 6, 1)).amount) == Decimal("42345.21")
    # September's: 2.1M for June 1-5 (the 250,000 still earns through June 5), then 1.85M for 87 days
    assert rounding.cents(interest.settle(date(2003, 9, 1)).amount) == Decimal("37578.08")


def test_a_part_of_the_base_owes_only_the_rest_of_a_day_a_payment_reached_in_part():
    interest = ledger()
    day = Fraction(3100000 * 8, 100 * 365)  # a day's interest on the whole base
    paid = interest.settle_at_most(date(2003, 3, 12), 10 * day + day / 4)  # ten days and a quarter of March 11
    assert paid.period == (date(2003, 3, 1), date(2003, 3, 12))
    # 1,000,000 of the base owes three quarters of March 11 and all of March 12, exactly
    part = interest.settle(date(2003, 3, 13), portion=Decimal("1000000"))
    assert part.amount == Fraction(1000000 * 8, 100 * 365) * Fraction(7, 4)
    # what the whole base still owes before March 13 is the rest of it: three quarters of March 11 and all
    # of March 12 on the other 2,100,000
    assert interest.accrued(date(2003, 3, 13)).amount == Fraction(2100000 * 8, 100 * 365) * Fraction(7, 4)


def test_a_part_of_the_base_settled_up_to_an_amount_pays_its_own_earliest_days_and_leaves_the_others():
    interest = ledger()
    interest.change_base(date(2003, 3, 11), Decimal("-1000000"))  # 1,000,000 gone from March 11, its interest owed
    kept, gone = Fraction(2100000 * 8, 100 * 365), Fraction(1000000 * 8, 100 * 365)  # a day on each part
    # 10.5 days of the 2,100,000: [Mar 1, Mar 11) whole and half of March 11; no day of the 1,000,000
    ahead = interest.settle_at_most(date(2003, 3, 20), 10 * kept + kept / 2, portion=Decimal("2100000"))
    assert ahead.amount == 10 * kept + kept / 2
    assert ahead.period == (date(2003, 3, 1), date(2003, 3, 12))
    assert interest.watermark == date(2003, 3, 1)
    # so 3.5 days of the whole base are the 1,000,000's earliest: [Mar 1, Mar 4) and half of March 4
    paid = interest.settle_at_most(date(2003, 3, 20), 3 * gone + gone / 2)
    assert paid.period == (date(2003, 3, 1), date(2003, 3, 5))
    # 1,000,000 of the 2,100,000 owes half of March 11 and March 12 and 13: 2.5 days, exactly
    assert interest.accrued(date(2003, 3, 14), Decimal("1000000")).amount == gone * Fraction(5, 2)
    # the whole base: the 1,000,000's half of March 4 and [Mar 5, Mar 11), and the 2,100,000's 2.5 days
    assert interest.accrued(date(2003, 3, 14)).amount == gone * Fraction(13, 2) + kept * Fraction(5, 2)


def test_a_base_that_changes_mid_period_counts_thirty_360_days_from_the_period_start():
    dividends = ledger(start=date(2002, 3, 10), base=Decimal("5100"), annual_rate=Decimal("100"),
                       day_count="30/360", boundaries=[date(2002, 6, 10)])
    dividends.change_base(date(2002, 3, 31), Decimal("-1000"))
    # [Mar 10, Mar 31) is 21 days at 5,100 and [Mar 31, Jun 10) is 69 days at 4,100: 90 days in all
    paid = dividends.settle(date(2002, 6, 10))
    assert paid.amount == Fraction(5100 * 100 * 21, 360) + Fraction(4100 * 100 * 69, 360)  # exactly


def test_a_stopped_ledger_accrues_nothing_after():
    interest = ledger()
    interest.stop(date(2003, 4, 1))
    assert interest.accrued(date(2003, 6, 1)).amount == Fraction(3100000 * 8 * 31, 100 * 365)  # exactly


def test_a_kept_table_gives_back_what_it_keeps_and_forgets_all_once_full():
    table = KeptTable(3)
    assert table.keep("a", 1) == 1 and table.keep("b", 2) == 2 and table.keep("c", 3) == 3
    assert table == {"a": 1, "b": 2, "c": 3}
    assert table.keep("d", 4) == 4
    assert table == {"d": 4}  # full: everything before is forgotten, never more than three held


def test_items_in_order_are_sorted_once_for_the_same_object_while_it_holds_the_same_items():
    from contractlang.stdlib.kept import in_order

    table = KeptTable(4)
    days = [date(2024, 3, 1), date(2024, 1, 1), date(2024, 3, 1)]
    first = in_order(table, days)
    assert first == [date(2024, 1, 1), date(2024, 3, 1)] and in_order(table, days) is first
    assert in_order(table, list(days)) == first and in_order(table, list(days)) is not first  # another list
    days[0] = date(2024, 2, 1)
    assert in_order(table, days) == [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)]
    assert first == [date(2024, 1, 1), date(2024, 3, 1)]  # what was given back is never changed
    series = {date(2024, 5, 1): 1, date(2024, 4, 1): 2}
    assert in_order(table, series) == [date(2024, 4, 1), date(2024, 5, 1)]  # a dict's keys
