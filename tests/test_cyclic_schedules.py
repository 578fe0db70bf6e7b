"""Cyclic schedules: dates counted from the anchor by a period, to an end date, with a stub rule
and an end-of-month rule, refused past a stated number of dates."""

from __future__ import annotations

from datetime import date

import pytest

from contractlang.stdlib.schedules import TooManyDates, cyclic


def test_each_date_is_counted_from_the_anchor_not_from_the_date_before():
    assert cyclic(date(2024, 1, 31), 1, "months", date(2024, 5, 31), maximum=100) == [
        date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31)]
    assert cyclic(date(2023, 1, 31), 1, "months", date(2023, 3, 31), maximum=100) == [
        date(2023, 1, 31), date(2023, 2, 28), date(2023, 3, 31)]


def test_end_of_month_puts_every_date_on_a_month_end_when_the_anchor_is_one():
    assert cyclic(date(2024, 4, 30), 1, "months", date(2024, 7, 31), end_of_month="end of month",
                  maximum=100) == [date(2024, 4, 30), date(2024, 5, 31), date(2024, 6, 30), date(2024, 7, 31)]
    assert cyclic(date(2024, 4, 30), 1, "months", date(2024, 7, 30), maximum=100) == [
        date(2024, 4, 30), date(2024, 5, 30), date(2024, 6, 30), date(2024, 7, 30)]
    # an anchor that is no month end keeps its day under either rule
    assert cyclic(date(2024, 4, 29), 1, "months", date(2024, 6, 29), end_of_month="end of month",
                  maximum=100) == [date(2024, 4, 29), date(2024, 5, 29), date(2024, 6, 29)]


def test_a_short_last_period_ends_on_the_end_date_and_a_long_one_swallows_the_date_before():
    assert cyclic(date(2024, 1, 15), 1, "quarters", date(2024, 12, 1), maximum=100) == [
        date(2024, 1, 15), date(2024, 4, 15), date(2024, 7, 15), date(2024, 10, 15), date(2024, 12, 1)]
    assert cyclic(date(2024, 1, 15), 1, "quarters", date(2024, 12, 1), stub="long last", maximum=100) == [
        date(2024, 1, 15), date(2024, 4, 15), date(2024, 7, 15), date(2024, 12, 1)]


def test_first_stubs_count_backward_from_the_end_date():
    assert cyclic(date(2024, 2, 1), 1, "quarters", date(2024, 12, 15), stub="short first", maximum=100) == [
        date(2024, 2, 1), date(2024, 3, 15), date(2024, 6, 15), date(2024, 9, 15), date(2024, 12, 15)]
    assert cyclic(date(2024, 2, 1), 1, "quarters", date(2024, 12, 15), stub="long first", maximum=100) == [
        date(2024, 2, 1), date(2024, 6, 15), date(2024, 9, 15), date(2024, 12, 15)]
    # counted backward from a month end: the earlier dates are month ends
    assert cyclic(date(2023, 10, 15), 1, "half-years", date(2025, 2, 28), stub="short first",
                  end_of_month="end of month", maximum=100) == [
        date(2023, 10, 15), date(2024, 2, 29), date(2024, 8, 31), date(2025, 2, 28)]


def test_a_period_that_divides_the_span_has_no_stub():
    for stub in ("short last", "long last", "short first", "long first"):
        assert cyclic(date(2024, 3, 10), 6, "months", date(2025, 9, 10), stub=stub, maximum=100) == [
            date(2024, 3, 10), date(2024, 9, 10), date(2025, 3, 10), date(2025, 9, 10)]


def test_every_unit_steps_by_its_length():
    assert cyclic(date(2024, 12, 30), 2, "days", date(2025, 1, 4), maximum=100) == [
        date(2024, 12, 30), date(2025, 1, 1), date(2025, 1, 3), date(2025, 1, 4)]
    assert cyclic(date(2024, 12, 30), 1, "weeks", date(2025, 1, 13), maximum=100) == [
        date(2024, 12, 30), date(2025, 1, 6), date(2025, 1, 13)]
    assert cyclic(date(2024, 2, 29), 1, "years", date(2027, 3, 1), maximum=100) == [
        date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28), date(2027, 3, 1)]
    assert cyclic(date(2024, 2, 29), 1, "years", date(2028, 2, 29), stub="long last", maximum=100) == [
        date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 29)]


def test_a_schedule_of_one_day_is_that_day_and_one_shorter_than_a_period_is_its_two_ends():
    assert cyclic(date(2024, 5, 1), 1, "months", date(2024, 5, 1), maximum=100) == [date(2024, 5, 1)]
    assert cyclic(date(2024, 5, 1), 1, "years", date(2024, 8, 1), stub="long last", maximum=100) == [
        date(2024, 5, 1), date(2024, 8, 1)]
    assert cyclic(date(2024, 5, 1), 1, "years", date(2024, 8, 1), stub="long first", maximum=100) == [
        date(2024, 5, 1), date(2024, 8, 1)]


def test_the_calendar_edges_end_the_count_without_an_error():
    assert cyclic(date(9999, 1, 1), 1, "years", date(9999, 12, 31), maximum=10) == [
        date(9999, 1, 1), date(9999, 12, 31)]
    assert cyclic(date(1, 1, 1), 1, "years", date(1, 12, 31), stub="short first", maximum=10) == [
        date(1, 1, 1), date(1, 12, 31)]


def test_more_dates_than_the_maximum_are_refused_quickly():
    assert len(cyclic(date(2024, 1, 1), 1, "months", date(2024, 12, 1), maximum=12)) == 12
    with pytest.raises(TooManyDates, match="more than 11 dates") as refused:
        cyclic(date(2024, 1, 1), 1, "months", date(2024, 12, 1), maximum=11)
    assert refused.value.maximum == 11
    with pytest.raises(TooManyDates, match="more than 1000 dates"):  # a daily schedule to the calendar's end
        cyclic(date(1, 1, 1), 1, "days", date(9999, 12, 31), maximum=1000)


@pytest.mark.parametrize("arguments, message", [
    ((date(2024, 1, 1), 1, "fortnights", date(2024, 3, 1)), "unknown period unit 'fortnights'"),
    ((date(2024, 1, 1), 0, "months", date(2024, 3, 1)), "at least one unit"),
    ((date(2024, 3, 1), 1, "months", date(2024, 1, 1)), r"ends \(2024-01-01\) before its first date \(2024-03-01\)"),
])
def test_a_schedule_that_cannot_be_made_says_why(arguments, message):
    with pytest.raises(ValueError, match=message):
        cyclic(*arguments, maximum=100)


def test_unknown_rules_are_refused():
    with pytest.raises(ValueError, match="unknown stub rule 'short'"):
        cyclic(date(2024, 1, 1), 1, "months", date(2024, 3, 1), stub="short", maximum=100)
    with pytest.raises(ValueError, match="unknown end-of-month rule 'eom'"):
        cyclic(date(2024, 1, 1), 1, "months", date(2024, 3, 1), end_of_month="eom", maximum=100)
