"""Business days: modified preceding, and n business days after or before a date, on the US and
New York calendars around Thanksgiving, Independence Day on a weekend, and New York's own holidays."""

from __future__ import annotations

from datetime import date

import pytest

from contractlang.stdlib.calendars import adjust, add_business_days
from contractlang.stdlib.schedules import OutsideCalendar


@pytest.mark.parametrize("calendar", ["US", "US-NY"])
def test_business_days_step_over_thanksgiving_but_not_the_friday_after(calendar):
    # Thanksgiving 2026 is Thursday November 26; the Friday after is a business day on both calendars
    assert add_business_days(date(2026, 11, 25), 1, calendar) == date(2026, 11, 27)
    assert add_business_days(date(2026, 11, 25), 2, calendar) == date(2026, 11, 30)
    assert add_business_days(date(2026, 11, 27), -1, calendar) == date(2026, 11, 25)
    assert add_business_days(date(2026, 11, 30), -2, calendar) == date(2026, 11, 25)


@pytest.mark.parametrize("calendar", ["US", "US-NY"])
def test_independence_day_on_a_weekend_closes_the_observed_weekday(calendar):
    # 2026: July 4 is a Saturday, observed on Friday July 3; 2021: a Sunday, observed on Monday July 5
    assert add_business_days(date(2026, 7, 2), 1, calendar) == date(2026, 7, 6)
    assert add_business_days(date(2026, 7, 6), -1, calendar) == date(2026, 7, 2)
    assert add_business_days(date(2021, 7, 2), 1, calendar) == date(2021, 7, 6)
    assert add_business_days(date(2021, 7, 6), -1, calendar) == date(2021, 7, 2)


def test_new_york_closes_on_its_own_holidays_where_the_us_calendar_does_not():
    # Election Day, Tuesday November 3, 2026, and Lincoln's Birthday, Thursday February 12, 2026
    assert add_business_days(date(2026, 11, 2), 1, "US-NY") == date(2026, 11, 4)
    assert add_business_days(date(2026, 11, 2), 1, "US") == date(2026, 11, 3)
    assert add_business_days(date(2026, 2, 13), -1, "US-NY") == date(2026, 2, 11)
    assert add_business_days(date(2026, 2, 13), -1, "US") == date(2026, 2, 12)


def test_zero_business_days_is_the_day_itself_or_the_following_business_day():
    assert add_business_days(date(2026, 11, 25), 0, "US") == date(2026, 11, 25)
    assert add_business_days(date(2026, 11, 26), 0, "US") == date(2026, 11, 27)  # Thanksgiving
    assert add_business_days(date(2026, 7, 3), 0, "US") == date(2026, 7, 6)  # observed, then the weekend


def test_a_year_of_business_days_counts_its_weekdays_less_its_weekday_holidays():
    # 2026 has 261 weekdays; 11 US holidays fall on them (July 4 is a Saturday): 250 business days
    assert add_business_days(date(2025, 12, 31), 250, "US") == date(2026, 12, 31)
    assert add_business_days(date(2026, 12, 31), -250, "US") == date(2025, 12, 31)


def test_a_count_past_the_calendar_is_refused_as_outside_it():
    with pytest.raises(OutsideCalendar, match="after 9999-12-31"):
        add_business_days(date(9999, 12, 31), 1, "weekends")
    with pytest.raises(OutsideCalendar, match="before 0001-01-01"):
        add_business_days(date(2026, 1, 1), -10**12, "US")


@pytest.mark.parametrize("day, calendar, adjusted", [
    (date(2026, 7, 4), "US", date(2026, 7, 2)),  # Saturday, the Friday before is the observed holiday
    (date(2026, 8, 1), "US", date(2026, 8, 3)),  # Saturday: the Friday before is in July
    (date(2022, 1, 1), "US", date(2022, 1, 3)),  # Saturday, December 31 observed: preceding would leave the year
    (date(2026, 11, 3), "US-NY", date(2026, 11, 2)),  # Election Day in New York
    (date(2026, 11, 3), "US", date(2026, 11, 3)),  # a business day stays
])
def test_modified_preceding_moves_back_unless_that_leaves_the_month(day, calendar, adjusted):
    assert adjust(day, "modified_preceding", calendar) == adjusted

