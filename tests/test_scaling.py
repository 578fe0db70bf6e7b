"""Ten times the events or the scheduled dates must cost at most eleven times the work.

Work is counted, not timed, so that a busy machine cannot fail the test and a
super-linear corner cannot hide behind a fast one: the evaluator's steps, and
tracemalloc's peak for what steps do not count (ledgers, effects, copies).
"""

from __future__ import annotations

import tracemalloc
from datetime import date, timedelta
from decimal import Decimal, localcontext
from pathlib import Path

import pytest

from contractlang.inputs.scenario import BoundEvent, load_price_csv
from contractlang.language.checker import load
from contractlang.runtime.interpreter import GENERATED_AFTER, Run
from contractlang.runtime.values import Inputs, Setting
from contractlang.stdlib import exact

ROOT = Path(__file__).resolve().parents[1]
NOTE = ROOT / "contracts" / "nstor_2002_subordinated_note.contract"
PRICES = ROOT / "scenarios" / "nso_closing_bid_2001_2006.csv"

DAILY = '''contract "Daily fee"

currency USD "United States dollars"

§1 "Daily fee" {
  text "A cent accrues every day from the start, for the number of days given."
  term start = 2000-01-01
  parameter days: Integer = 1000
  horizon start + 40000 days

  schedule fee_dates = [start + n * 1 day for n in range(0, days - 1)]

  state owed: USD = 0 USD

  on each d in fee_dates {
    set owed = owed + 0.01 USD
  }
}
'''


def conversions_and_prepayments(count: int) -> list[BoundEvent]:
    """`count` events spread over the conversion window, never using up the principal."""
    events = []
    for index in range(count):
        day = date(2003, 6, 2) + timedelta(days=(index * 1_200) // count)
        if index % 2:
            kind, fields = "HolderConversion", {"principal": Decimal(10), "with_interest": index % 4 == 1,
                                                "interest": Decimal(0)}
        else:
            kind, fields = "Prepayment", {"amount": Decimal(10)}
        events.append(BoundEvent(index + 1, kind, day, fields, None))
    return events


def work(contract, inputs) -> tuple[int, int, int]:
    """Steps, effects and tracemalloc's peak in bytes of one evaluation."""
    tracemalloc.start()
    try:
        with localcontext(exact.EXACT):
            run = Run(contract, inputs)
            result = run.run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return run.steps_taken, len(result.effects), peak


@pytest.fixture(scope="module")
def note():
    return load(str(NOTE))


@pytest.fixture(scope="module")
def prices():
    return load_price_csv(str(PRICES))


def test_ten_times_the_events_cost_at_most_eleven_times_the_work(note, prices):
    for _ in range(GENERATED_AFTER + 1):  # what is made once: the compiled rules, then the generated blocks
        work(note, Inputs(prices=prices, events=conversions_and_prepayments(10)))
    base_steps, base_effects, base_peak = work(note, Inputs(prices=prices, events=[]))
    steps_1k, effects_1k, peak_1k = work(note, Inputs(prices=prices, events=conversions_and_prepayments(1_000)))
    steps_10k, effects_10k, peak_10k = work(note, Inputs(prices=prices, events=conversions_and_prepayments(10_000)))
    # every event is accepted: a conversion issues shares, a prepayment pays principal
    assert effects_1k - base_effects == 1_000
    assert effects_10k - base_effects == 10_000
    assert steps_10k - base_steps <= 11 * (steps_1k - base_steps)
    # the steps are the exact measure of work; the memory peak too must not grow faster than the events (the
    # bounded tables of kept values fill at 1,000 events and refill at 10,000: about 6× here)
    assert peak_10k - base_peak <= 11 * (peak_1k - base_peak)


def test_ten_times_the_scheduled_dates_cost_at_most_eleven_times_the_work(tmp_path):
    path = tmp_path / "daily.contract"
    path.write_text(DAILY)
    contract = load(str(path))

    def daily(days: int) -> tuple[int, int, int]:
        return work(contract, Inputs(params={"days": Setting(Decimal(days), "scenario", None)}))

    steps_1k, _, peak_1k = daily(1_000)
    steps_10k, _, peak_10k = daily(10_000)
    assert steps_1k >= 1_000
    assert steps_10k <= 11 * steps_1k
    # memory is linear too, but a peak moves with how lists, sets and the timeline's heap grow (from
    # 180 to 280 bytes a date between 1,000 and 20,000 dates): the steps are the exact measure of work
    assert peak_10k <= 15 * peak_1k
