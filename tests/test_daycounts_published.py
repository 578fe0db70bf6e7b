"""The day counts added beside the first four, against published vectors: 30E/360, 30E/360 ISDA,
actual/365L and actual/actual ICMA (and the 30/360 rule they share, unchanged)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from contractlang.stdlib.daycount import day_count_days, year_fraction

# Source: ISDA, "30/360 Day Count Conventions" (2008-12-22), examples 1 to 3, as transcribed in
# QuantLib's test-suite/daycounters.cpp (testThirty360_EurobondBasis).
EUROBOND_BASIS = [
    (date(2006, 8, 20), date(2007, 2, 20), 180), (date(2007, 2, 20), date(2007, 8, 20), 180),
    (date(2007, 8, 20), date(2008, 2, 20), 180), (date(2008, 2, 20), date(2008, 8, 20), 180),
    (date(2008, 8, 20), date(2009, 2, 20), 180), (date(2009, 2, 20), date(2009, 8, 20), 180),
    (date(2006, 2, 28), date(2006, 8, 31), 182), (date(2006, 8, 31), date(2007, 2, 28), 178),
    (date(2007, 2, 28), date(2007, 8, 31), 182), (date(2007, 8, 31), date(2008, 2, 29), 179),
    (date(2008, 2, 29), date(2008, 8, 31), 181), (date(2008, 8, 31), date(2009, 2, 28), 178),
    (date(2009, 2, 28), date(2009, 8, 31), 182), (date(2009, 8, 31), date(2010, 2, 28), 178),
    (date(2010, 2, 28), date(2010, 8, 31), 182), (date(2010, 8, 31), date(2011, 2, 28), 178),
    (date(2011, 2, 28), date(2011, 8, 31), 182), (date(2011, 8, 31), date(2012, 2, 29), 179),
    (date(2006, 1, 31), date(2006, 2, 28), 28), (date(2006, 1, 30), date(2006, 2, 28), 28),
    (date(2006, 2, 28), date(2006, 3, 3), 5), (date(2006, 2, 14), date(2006, 2, 28), 14),
    (date(2006, 9, 30), date(2006, 10, 31), 30), (date(2006, 10, 31), date(2006, 11, 28), 28),
    (date(2007, 8, 31), date(2008, 2, 28), 178), (date(2008, 2, 28), date(2008, 8, 28), 180),
    (date(2008, 2, 28), date(2008, 8, 30), 182), (date(2008, 2, 28), date(2008, 8, 31), 182),
    (date(2007, 2, 26), date(2008, 2, 28), 362), (date(2007, 2, 26), date(2008, 2, 29), 363),
    (date(2008, 2, 29), date(2009, 2, 28), 359), (date(2008, 2, 28), date(2008, 3, 30), 32),
    (date(2008, 2, 28), date(2008, 3, 31), 32),
]


@pytest.mark.parametrize("start, end, days", EUROBOND_BASIS)
def test_thirty_e_360_counts_the_isda_examples(start, end, days):
    assert day_count_days("30E/360", start, end) == days
    assert year_fraction("30E/360", start, end) == Fraction(days, 360)


# Source: the same ISDA note, examples 1 to 3 for 30E/360 (ISDA), each with its termination date,
# as in QuantLib's test-suite/daycounters.cpp (testThirty360_ISDA).
EXAMPLE_1_TERMINATION, EXAMPLE_2_TERMINATION, EXAMPLE_3_TERMINATION = (
    date(2009, 8, 20), date(2012, 2, 29), date(2008, 2, 29))
THIRTY_E_360_ISDA = [
    (date(2006, 8, 20), date(2007, 2, 20), EXAMPLE_1_TERMINATION, 180),
    (date(2007, 2, 20), date(2007, 8, 20), EXAMPLE_1_TERMINATION, 180),
    (date(2007, 8, 20), date(2008, 2, 20), EXAMPLE_1_TERMINATION, 180),
    (date(2008, 2, 20), date(2008, 8, 20), EXAMPLE_1_TERMINATION, 180),
    (date(2008, 8, 20), date(2009, 2, 20), EXAMPLE_1_TERMINATION, 180),
    (date(2009, 2, 20), date(2009, 8, 20), EXAMPLE_1_TERMINATION, 180),
    (date(2006, 2, 28), date(2006, 8, 31), EXAMPLE_2_TERMINATION, 180),
    (date(2006, 8, 31), date(2007, 2, 28), EXAMPLE_2_TERMINATION, 180),
    (date(2007, 2, 28), date(2007, 8, 31), EXAMPLE_2_TERMINATION, 180),
    (date(2007, 8, 31), date(2008, 2, 29), EXAMPLE_2_TERMINATION, 180),
    (date(2008, 2, 29), date(2008, 8, 31), EXAMPLE_2_TERMINATION, 180),
    (date(2008, 8, 31), date(2009, 2, 28), EXAMPLE_2_TERMINATION, 180),
    (date(2009, 2, 28), date(2009, 8, 31), EXAMPLE_2_TERMINATION, 180),
    (date(2009, 8, 31), date(2010, 2, 28), EXAMPLE_2_TERMINATION, 180),
    (date(2010, 2, 28), date(2010, 8, 31), EXAMPLE_2_TERMINATION, 180),
    (date(2010, 8, 31), date(2011, 2, 28), EXAMPLE_2_TERMINATION, 180),
    (date(2011, 2, 28), date(2011, 8, 31), EXAMPLE_2_TERMINATION, 180),
    (date(2011, 8, 31), date(2012, 2, 29), EXAMPLE_2_TERMINATION, 179),  # ends on the termination date
    (date(2006, 1, 31), date(2006, 2, 28), EXAMPLE_3_TERMINATION, 30),
    (date(2006, 1, 30), date(2006, 2, 28), EXAMPLE_3_TERMINATION, 30),
    (date(2006, 2, 28), date(2006, 3, 3), EXAMPLE_3_TERMINATION, 3),
    (date(2006, 2, 14), date(2006, 2, 28), EXAMPLE_3_TERMINATION, 16),
    (date(2006, 9, 30), date(2006, 10, 31), EXAMPLE_3_TERMINATION, 30),
    (date(2006, 10, 31), date(2006, 11, 28), EXAMPLE_3_TERMINATION, 28),
    (date(2007, 8, 31), date(2008, 2, 28), EXAMPLE_3_TERMINATION, 178),
    (date(2008, 2, 28), date(2008, 8, 28), EXAMPLE_3_TERMINATION, 180),
    (date(2008, 2, 28), date(2008, 8, 30), EXAMPLE_3_TERMINATION, 182),
    (date(2008, 2, 28), date(2008, 8, 31), EXAMPLE_3_TERMINATION, 182),
    (date(2007, 2, 28), date(2008, 2, 28), EXAMPLE_3_TERMINATION, 358),
    (date(2007, 2, 28), date(2008, 2, 29), EXAMPLE_3_TERMINATION, 359),
    (date(2008, 2, 29), date(2009, 2, 28), EXAMPLE_3_TERMINATION, 360),
    (date(2008, 2, 29), date(2008, 3, 30), EXAMPLE_3_TERMINATION, 30),
    (date(2008, 2, 29), date(2008, 3, 31), EXAMPLE_3_TERMINATION, 30),
]


@pytest.mark.parametrize("start, end, termination, days", THIRTY_E_360_ISDA)
def test_thirty_e_360_isda_counts_the_isda_examples(start, end, termination, days):
    assert day_count_days("30E/360 ISDA", start, end, termination=termination) == days
    assert year_fraction("30E/360 ISDA", start, end, termination=termination) == Fraction(days, 360)


def test_thirty_e_360_isda_without_a_termination_date_moves_every_end_of_february_to_the_30th():
    # OpenGamma Strata, DayCountTest data_30E360ISDA: 2011-12-28 to 2012-02-29 counts to "2012-02-30"
    assert day_count_days("30E/360 ISDA", date(2011, 12, 28), date(2012, 2, 29)) == 62
    assert day_count_days("30E/360 ISDA", date(2011, 12, 28), date(2012, 2, 29),
                          termination=date(2012, 2, 29)) == 61


# Source: OpenGamma Strata, modules/basics/src/test/java/com/opengamma/strata/basics/date/DayCountTest.java
# (data_ACT365L): start, end, frequency (periods a year), period end, expected year fraction.
ACTUAL_365L = [
    (date(2011, 12, 28), date(2012, 2, 28), 1, date(2012, 2, 28), Fraction(62, 365)),
    (date(2011, 12, 28), date(2012, 2, 28), 1, date(2012, 2, 29), Fraction(62, 366)),
    (date(2011, 12, 28), date(2012, 2, 28), 1, date(2012, 3, 1), Fraction(62, 366)),
    (date(2011, 12, 28), date(2012, 2, 29), 1, date(2012, 2, 29), Fraction(63, 366)),
    (date(2011, 12, 28), date(2012, 2, 29), 1, date(2012, 3, 1), Fraction(63, 366)),
    (date(2011, 12, 28), date(2012, 2, 28), 2, date(2012, 2, 28), Fraction(62, 366)),
    (date(2011, 12, 28), date(2012, 2, 28), 2, date(2012, 2, 29), Fraction(62, 366)),
    (date(2011, 12, 28), date(2012, 2, 28), 2, date(2012, 3, 1), Fraction(62, 366)),
    (date(2011, 12, 28), date(2012, 2, 29), 2, date(2012, 2, 29), Fraction(63, 366)),
    (date(2011, 12, 28), date(2012, 2, 29), 2, date(2012, 3, 1), Fraction(63, 366)),
    (date(2010, 12, 28), date(2011, 2, 28), 2, date(2011, 2, 28), Fraction(62, 365)),
    (date(2010, 12, 28), date(2011, 2, 28), 2, date(2011, 3, 1), Fraction(62, 365)),
]


@pytest.mark.parametrize("start, end, frequency, period_end, expected", ACTUAL_365L)
def test_actual_365l_matches_opengamma(start, end, frequency, period_end, expected):
    assert year_fraction("actual/365L", start, end, frequency=frequency, period_end=period_end) == expected


def test_actual_365l_without_a_frequency_follows_the_isda_text_on_the_period_end():
    # ISDA 2006 4.16(i): 366 "if the later Period End Date ... falls in a leap year"
    assert year_fraction("actual/365L", date(2011, 12, 28), date(2012, 2, 28)) == Fraction(62, 366)
    assert year_fraction("actual/365L", date(2011, 3, 1), date(2011, 9, 1)) == Fraction(184, 365)


# Source: ISDA, "EMU and Market Conventions: Recent Developments" (mktc1198), the actual/actual
# examples, as in QuantLib's test-suite/daycounters.cpp (testActualActual, ISMA cases): start, end,
# reference period, frequency, expected year fraction (QuantLib's figures to 12 places).
ACTUAL_ACTUAL_ICMA = [
    (date(2003, 11, 1), date(2004, 5, 1), date(2003, 11, 1), date(2004, 5, 1), 2, "0.500000000000"),
    (date(1999, 2, 1), date(1999, 7, 1), date(1998, 7, 1), date(1999, 7, 1), 1, "0.410958904110"),
    (date(1999, 7, 1), date(2000, 7, 1), date(1999, 7, 1), date(2000, 7, 1), 1, "1.000000000000"),
    (date(2002, 8, 15), date(2003, 7, 15), date(2003, 1, 15), date(2003, 7, 15), 2, "0.915760869565"),
    (date(2003, 7, 15), date(2004, 1, 15), date(2003, 7, 15), date(2004, 1, 15), 2, "0.500000000000"),
    (date(1999, 7, 30), date(2000, 1, 30), date(1999, 7, 30), date(2000, 1, 30), 2, "0.500000000000"),
    (date(2000, 1, 30), date(2000, 6, 30), date(2000, 1, 30), date(2000, 7, 30), 2, "0.417582417582"),
]


@pytest.mark.parametrize("start, end, period_start, period_end, frequency, expected", ACTUAL_ACTUAL_ICMA)
def test_actual_actual_icma_matches_the_isda_examples(start, end, period_start, period_end, frequency, expected):
    fraction = year_fraction("actual/actual ICMA", start, end, frequency=frequency,
                             period_start=period_start, period_end=period_end)
    assert abs(fraction - Fraction(expected)) < Fraction(1, 10**12)


def test_actual_actual_icma_gives_the_exact_figures_behind_the_isda_examples():
    # long first period: 153 days of the notional period 2002-07-15 to 2003-01-15 (184 days), then a whole period
    assert year_fraction("actual/actual ICMA", date(2002, 8, 15), date(2003, 7, 15), frequency=2,
                         period_start=date(2003, 1, 15), period_end=date(2003, 7, 15)) == Fraction(153, 368) + Fraction(1, 2)
    # short final period: QuantLib testActualActualIsma, 152 / (182 × 2)
    assert year_fraction("actual/actual ICMA", date(2000, 1, 30), date(2000, 6, 30), frequency=2,
                         period_start=date(2000, 1, 30), period_end=date(2000, 7, 30)) == Fraction(152, 364)
    # a regular period given as the span itself is one period's share of the year
    assert year_fraction("actual/actual ICMA", date(2003, 11, 1), date(2004, 5, 1), frequency=2) == Fraction(1, 2)


# Source: OpenGamma Strata DayCountTest (test_actActIcma_*): quarterly stubs, notional periods on
# month ends (end_of_month) or on the same day; start, end, reference period, end_of_month, expected.
ICMA_STUBS = [
    (date(2011, 10, 1), date(2011, 11, 12), date(2011, 11, 30), date(2012, 2, 29), True, Fraction(42, 91 * 4)),
    (date(2011, 10, 1), date(2012, 1, 12), date(2011, 11, 30), date(2012, 2, 29), True,
     Fraction(60, 91 * 4) + Fraction(43, 91 * 4)),
    (date(2011, 7, 1), date(2011, 8, 12), date(2011, 11, 30), date(2012, 2, 29), True, Fraction(42, 92 * 4)),
    (date(2011, 7, 1), date(2011, 11, 12), date(2011, 11, 30), date(2012, 2, 29), True,
     Fraction(61, 92 * 4) + Fraction(73, 91 * 4)),
    (date(2011, 10, 1), date(2011, 11, 12), date(2011, 11, 29), date(2012, 2, 29), False, Fraction(42, 92 * 4)),
    (date(2011, 10, 1), date(2012, 1, 12), date(2011, 11, 29), date(2012, 2, 29), False,
     Fraction(59, 92 * 4) + Fraction(44, 92 * 4)),
    (date(2011, 8, 31), date(2011, 11, 12), date(2011, 8, 31), date(2011, 11, 30), True, Fraction(73, 91 * 4)),
    (date(2011, 8, 31), date(2012, 1, 12), date(2011, 8, 31), date(2011, 11, 30), True,
     Fraction(91, 91 * 4) + Fraction(43, 91 * 4)),
    (date(2012, 2, 29), date(2012, 4, 1), date(2012, 2, 29), date(2012, 5, 29), False, Fraction(32, 90 * 4)),
]


@pytest.mark.parametrize("start, end, period_start, period_end, end_of_month, expected", ICMA_STUBS)
def test_actual_actual_icma_splits_stubs_into_notional_periods_as_opengamma(
        start, end, period_start, period_end, end_of_month, expected):
    assert year_fraction("actual/actual ICMA", start, end, frequency=4, period_start=period_start,
                         period_end=period_end, end_of_month=end_of_month) == expected


def test_actual_actual_icma_refuses_a_frequency_that_does_not_divide_the_year_into_months():
    with pytest.raises(ValueError, match="frequency of 1, 2, 3, 4, 6 or 12"):
        year_fraction("actual/actual ICMA", date(2003, 1, 1), date(2003, 2, 1))
    with pytest.raises(ValueError, match="frequency of 1, 2, 3, 4, 6 or 12"):
        year_fraction("actual/actual ICMA", date(2003, 1, 1), date(2003, 2, 1), frequency=5)


@pytest.mark.parametrize("day_count", ["30E/360", "30E/360 ISDA", "actual/365L", "actual/actual ICMA"])
def test_the_added_day_counts_give_nothing_for_an_empty_span(day_count):
    assert year_fraction(day_count, date(2003, 1, 1), date(2003, 1, 1), frequency=2) == 0
