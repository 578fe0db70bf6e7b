"""Benchmark: every speed figure as a ratio to a yardstick measured in the same run.

Absolute times on a shared machine are noisy; ratios to a yardstick timed moments
apart on the same machine are not, so each figure is shown against one:

- the floor: the bare exact arithmetic of the same payments, written plainly here;
- hand-written exact reference models of the 2002 note (conversions and prepayments handled
  simply) and of the Series H preferred (dividends and conversions), which must give the same
  payments and shares as the contracts;
- QuantLib's FixedRateBond for the example bond (the `bench` extra; skipped with a note
  when it is not installed), which must give the same dates and amounts;
- a bare `python -c pass` for process start, with the same interpreter;
- the bare JSON or TOML parser (json, tomli) for loading a scenario.

Run with `make bench`; `--quick` for fewer repetitions, `--json` for a machine-readable report.
"""

from __future__ import annotations

import argparse
import bisect
import importlib.util
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

NOTE = ROOT / "contracts" / "nstor_2002_subordinated_note.contract"
NOTE_TO_MATURITY = ROOT / "scenarios" / "nstor_2002_to_maturity.toml"
NOTE_CONVERSIONS = ROOT / "scenarios" / "nstor_2002_conversions.toml"
SERIES_H = ROOT / "contracts" / "nstor_series_h_preferred.contract"
BOND = ROOT / "contracts" / "examples" / "fixed_rate_bond.contract"
PRICES = ROOT / "scenarios" / "nso_closing_bid_2001_2006.csv"
TESTED = [ROOT / "contracts" / name for name in (
    "nstor_2002_subordinated_note.contract", "nstor_2003_convertible_note.contract",
    "nstor_series_h_preferred.contract")]
CONSOLE_SCRIPT = Path(sys.executable).parent / "contract"
CONTRACT_COMMAND = [str(CONSOLE_SCRIPT)] if CONSOLE_SCRIPT.exists() else [sys.executable, "-m", "contractlang"]


# ------------------------------------------------------------------ timing


def calls_per_sample(action, sample_seconds: float) -> int:
    """How many calls of `action` make a sample of about `sample_seconds`, from the time of one call."""
    started = time.perf_counter()
    action()
    once = time.perf_counter() - started
    return max(1, int(sample_seconds / max(once, 1e-9)))


def seconds_per_call(action, repeat: int, sample_seconds: float = 0.02) -> float:
    """The median over `repeat` samples of the time of one call, each sample long enough to time."""
    calls = calls_per_sample(action, sample_seconds)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(calls):
            action()
        samples.append((time.perf_counter() - started) / calls)
    return statistics.median(samples)


def paired_seconds(action, yardstick, pairs: int, sample_seconds: float = 0.02) -> tuple[float, float, float]:
    """The median times of one call of `action` and of `yardstick`, sampled in turn, and the median of the
    ratios of each pair of samples: the in-process counterpart of paired_process_seconds (on a shared machine
    whose speed drifts, two figures timed apart differed by half again from one run to the next)."""
    # from the second call: the first may do once what later ones need not (generated code, a sort kept)
    calls = {function: max(calls_per_sample(function, sample_seconds) for _ in range(2))
             for function in (action, yardstick)}
    timed, yardsticks, ratios = [], [], []
    for _ in range(pairs):
        for function, samples in ((action, timed), (yardstick, yardsticks)):
            started = time.perf_counter()
            for _ in range(calls[function]):
                function()
            samples.append((time.perf_counter() - started) / calls[function])
        ratios.append(timed[-1] / yardsticks[-1])
    return statistics.median(timed), statistics.median(yardsticks), statistics.median(ratios)


def child_environment(extra: dict | None = None) -> dict:
    """The environment of a measured process: Python keeps its bytecode caches, as an installed tool's
    do (a PYTHONDONTWRITEBYTECODE of the shell would have every process compile the project's source)."""
    found = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**found, **(extra or {})}


def process_seconds(command: list[str], repeat: int, env: dict | None = None, fresh_cache: bool = False) -> float:
    """The median wall time of a whole process; with `fresh_cache`, each run gets an empty cache folder."""
    samples = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as empty:
            run_env = child_environment(env)
            if fresh_cache:
                run_env["CONTRACT_CACHE_DIR"] = empty
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, cwd=ROOT, env=run_env, check=True)
            samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def paired_process_seconds(command: list[str], yardstick: list[str], pairs: int,
                           env: dict | None = None) -> tuple[float, float, float]:
    """The median wall times of `command` and of `yardstick`, run in turn, and the median of the ratios of each
    pair: on a shared machine two runs moments apart meet the same load, two batches of runs need not (a
    yardstick timed while others were busy made a start look a third quicker than it was)."""
    timed, yardsticks, ratios = [], [], []
    for _ in range(pairs):
        timed.append(process_seconds(command, 1, env))
        yardsticks.append(process_seconds(yardstick, 1))
        ratios.append(timed[-1] / yardsticks[-1])
    return statistics.median(timed), statistics.median(yardsticks), statistics.median(ratios)


# ------------------------------------------------------------------ exact arithmetic by hand


def cents(amount: Fraction) -> Decimal:
    """Half up to the cent, as the contracts pay (amounts here are never negative)."""
    whole_cents = (amount * 100 + Fraction(1, 2)).__floor__()
    return Decimal(whole_cents).scaleb(-2)


def ceiling(amount: Fraction) -> int:
    return -((-amount.numerator) // amount.denominator)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


NOTE_PRINCIPAL = Fraction(3_100_000)
CENT = Decimal("0.01")
FLOOR_PRINCIPAL = Decimal("3100000.00")
FLOOR_RATE = Decimal("0.08")
BOND_RATE = Decimal("0.05")
NOTE_RATE = Fraction(8, 100)
NOTE_DATED = date(2002, 6, 7)
NOTE_ACCRUAL_START = date(2002, 2, 28)
NOTE_MATURITY = date(2006, 11, 20)
NOTE_INTEREST_DATES = [date(year, month, 10) for year in range(2002, 2007) for month in (3, 6, 9, 12)
                       if date(2002, 6, 10) <= date(year, month, 10) <= date(2006, 9, 10)]
# the first payment's span ends on the Note's date, each other's on the first of its month, and Maturity's at it
NOTE_SPAN_ENDS = [NOTE_DATED] + [first_of_month(d) for d in NOTE_INTEREST_DATES[1:]] + [NOTE_MATURITY]


def note_floor() -> list[Decimal]:
    """The 2002 note's 19 interest payments and its principal: actual/365 at 8% on 3,100,000, to the cent.

    Decimal's 28 digits decide the half-up rounding exactly: a quotient by 365 is never nearer
    than 1/730 of a cent to a half cent without being one."""
    amounts = []
    start = NOTE_ACCRUAL_START
    for end in NOTE_SPAN_ENDS:
        amounts.append((FLOOR_PRINCIPAL * FLOOR_RATE * (end - start).days / 365).quantize(CENT, ROUND_HALF_UP))
        start = end
    amounts.append(FLOOR_PRINCIPAL)
    return amounts


class ReferenceModel:
    """What both hand-written models need: the closing prices in date order, and the following business day."""

    def __init__(self, prices: dict[date, Decimal], holidays: frozenset[date]):
        self.price_days = sorted(prices)
        self.price_values = [prices[day] for day in self.price_days]
        self.holidays = holidays

    def business_day(self, day: date) -> date:
        while day.weekday() >= 5 or day in self.holidays:
            day += timedelta(days=1)
        return day


class NoteReference(ReferenceModel):
    """A hand-written exact model of the 2002 note: interest, conversions and prepayments, nothing else.

    Interest accrues day by day on the outstanding principal. A conversion with interest takes the
    interest accrued on the principal it converts since the last payment's span; one without leaves
    that interest to the next payment; both stop the converted principal's interest after the Date of
    Conversion. A prepayment stops its principal's interest from its own day. Notices on a day
    without business hours take effect on the next business day, as payments are made on it."""

    def run(self, events: list[tuple[str, date, dict]], until: date = NOTE_MATURITY) -> list[tuple[str, str, str]]:
        """Payments and share issues through `until` as (date, kind, amount or quantity), in the order of time."""
        timeline = []
        for index, nominal in enumerate(NOTE_INTEREST_DATES + [NOTE_MATURITY]):
            timeline.append((nominal, 0, index, None))
        for order, (kind, day, fields) in enumerate(events):
            effective = day if kind == "Prepayment" else self.business_day(day)
            timeline.append((effective, 1, order, (kind, day, fields)))
        timeline.sort(key=lambda item: item[:3])
        self.outstanding = NOTE_PRINCIPAL
        self.unpaid_from = NOTE_ACCRUAL_START  # the first day whose interest is not yet paid or converted
        self.base = NOTE_PRINCIPAL  # the principal on that day
        self.changes: list[tuple[date, Fraction]] = []  # later changes of the principal: (from this day, by)
        found = []
        for when, is_event, index, event in timeline:
            if when > until:
                break
            if not is_event:
                found.extend(self.scheduled(self.business_day(when), index))
            elif self.outstanding > 0 and event[1] >= NOTE_DATED and when < NOTE_MATURITY:
                found.extend(self.event(when, *event))
        return found

    def interest_before(self, end: date) -> Fraction:
        """Exact interest on the unpaid days before `end`, the principal changing as recorded."""
        total = Fraction(0)
        start, principal = self.unpaid_from, self.base
        for day, change in self.changes:
            if day >= end:
                break
            total += principal * (day - start).days
            start, principal = day, principal + change
        total += principal * (end - start).days
        return total * NOTE_RATE / 365

    def scheduled(self, pay_day: date, index: int) -> list:
        end = NOTE_SPAN_ENDS[index]
        interest = cents(self.interest_before(end))
        self.base += sum((change for day, change in self.changes if day <= end), Fraction(0))
        self.changes = [(day, change) for day, change in self.changes if day > end]
        self.unpaid_from = end
        if index < len(NOTE_INTEREST_DATES):
            return [(pay_day.isoformat(), "payment", str(interest))]
        principal, self.outstanding = self.outstanding, Fraction(0)
        return [(pay_day.isoformat(), "payment", str(cents(principal))),
                (pay_day.isoformat(), "payment", str(interest))]

    def reduce(self, amount: Fraction, from_day: date) -> None:
        """The principal is lower by `amount` from `from_day` on, for interest as well."""
        if from_day <= self.unpaid_from:
            self.base -= amount
        else:
            bisect.insort(self.changes, (from_day, -amount), key=lambda change: change[0])
        self.outstanding -= amount

    def event(self, today: date, kind: str, filed: date, fields: dict) -> list:
        if kind == "Prepayment":
            amount = Fraction(fields["amount"])
            if not 0 < amount <= self.outstanding:
                return []
            self.reduce(amount, today)
            return [(today.isoformat(), "payment", str(cents(amount)))]
        principal = Fraction(fields["principal"])
        if today <= date(2003, 5, 31) or not 0 < principal <= self.outstanding:
            return []
        position = bisect.bisect_left(self.price_days, today) - 1
        premium = Fraction(110, 100) if kind == "HolderConversion" else Fraction(85, 100)
        price = premium * Fraction(self.price_values[position])
        interest = Decimal(0)
        if fields["with_interest"]:
            # the interest on the principal converted since the last span paid is converted with it
            interest = cents(principal * ((today + timedelta(days=1)) - self.unpaid_from).days * NOTE_RATE / 365)
            self.reduce(principal, self.unpaid_from)
        else:
            self.reduce(principal, today + timedelta(days=1))
        shares = ceiling((principal + Fraction(interest)) / price)
        return [(today.isoformat(), "issue", str(shares))]


BOND_ISSUE = date(2024, 1, 15)
BOND_MATURITY = date(2027, 1, 15)
BOND_COUPON_DATES = [date(year, month, 15) for year in range(2024, 2028) for month in (1, 4, 7, 10)
                     if BOND_ISSUE < date(year, month, 15) <= BOND_MATURITY]


def days_30_360(start: date, end: date) -> int:
    """30/360 (bond basis): a 31st counts as the 30th, the end's only when the start's is too."""
    first = min(start.day, 30)
    last = min(end.day, 30) if first == 30 else end.day
    return 360 * (end.year - start.year) + 30 * (end.month - start.month) + last - first


def bond_floor(face: Decimal = Decimal(1_000_000), ends: list[date] = BOND_COUPON_DATES) -> list[Decimal]:
    """The example bond's coupons to each end in turn, then the principal: 30/360 at 5%, to the cent.

    A quotient by 360 is decided exactly by Decimal's 28 digits, as the note's by 365."""
    amounts = []
    start = BOND_ISSUE
    for end in ends:
        amounts.append((face * BOND_RATE * days_30_360(start, end) / 360).quantize(CENT, ROUND_HALF_UP))
        start = end
    amounts.append(face.quantize(CENT))
    return amounts


def quantlib_bond():
    """QuantLib's FixedRateBond with the example bond's dates and amounts: its cash flows (date, amount)."""
    import QuantLib as ql

    schedule = ql.Schedule(ql.Date(15, 1, 2024), ql.Date(15, 1, 2027), ql.Period(ql.Quarterly),
                           ql.NullCalendar(), ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Backward, False)
    bond = ql.FixedRateBond(0, 1_000_000.0, schedule, [0.05], ql.Thirty360(ql.Thirty360.BondBasis),
                            ql.Following, 100.0, ql.Date(15, 1, 2024), ql.UnitedStates(ql.UnitedStates.Settlement))
    return [(cash_flow.date().ISO(), cash_flow.amount()) for cash_flow in bond.cashflows()]



PREFERRED_ISSUE = date(2001, 4, 12)
PREFERRED_ANNUAL_DIVIDEND = Fraction(100)  # 10% of the $1,000 Stated Value, a share and a year
PREFERRED_CONVERSION_RATE = Fraction(138_889, 100)  # common shares a preferred share


class PreferredReference(ReferenceModel):
    """A hand-written exact model of the Series H preferred: dividends, missed dividends and conversions.

    Dividends accrue under 30/360 on the shares held and are paid on each dividend date; a missed one
    joins the arrears. A conversion (on the next business day when its notice is not on one) issues the
    whole common shares, pays the fraction in cash at that day's close, and pays the converted shares'
    accrued dividends with their share of the arrears. Liquidation, redemption, splits, issuances below
    the threshold and reorganizations are not modelled."""

    def dividend(self, shares: Fraction, start: date, end: date) -> Fraction:
        return shares * PREFERRED_ANNUAL_DIVIDEND * days_30_360(start, end) / 360

    def run(self, events: list[tuple[str, date, dict]], until: date) -> list[tuple[str, str, str]]:
        """Payments and share issues through `until` as (date, kind, amount or quantity), in the order of time."""
        dividend_dates = [date(year, month, 10) for year in range(2001, until.year + 1) for month in (3, 6, 9, 12)
                          if date(2001, 6, 10) <= date(year, month, 10) <= until]
        missed = {day for kind, day, _ in events if kind == "DividendMissed"}
        timeline = [(day, 0, order, None) for order, day in enumerate(dividend_dates)]
        for order, (kind, day, fields) in enumerate(events):
            if kind == "Conversion" and day >= PREFERRED_ISSUE:
                timeline.append((self.business_day(day), 1, order, fields))
        timeline.sort(key=lambda item: item[:3])
        shares, arrears, unpaid_from = Fraction(5_100), Fraction(0), PREFERRED_ISSUE
        found = []
        for today, is_event, _, fields in timeline:
            if today > until:
                break
            if not is_event:
                amount = cents(self.dividend(shares, unpaid_from, today))
                unpaid_from = today
                if today in missed:
                    arrears += Fraction(amount)
                else:
                    found.append((today.isoformat(), "payment", str(amount)))
                continue
            converted = Fraction(fields["shares"])
            if not 0 < converted <= shares or (converted % 100 and converted != shares):
                continue
            common = converted * PREFERRED_CONVERSION_RATE
            found.append((today.isoformat(), "issue", str(common.__floor__())))
            fraction = common - common.__floor__()
            if fraction:
                position = bisect.bisect_right(self.price_days, today) - 1
                in_cash = cents(fraction * Fraction(self.price_values[position]))
                found.append((today.isoformat(), "payment", str(in_cash)))
            arrears_share = arrears * converted / shares
            paid = self.dividend(converted, unpaid_from, today) + arrears_share
            found.append((today.isoformat(), "payment", str(cents(paid))))
            arrears -= arrears_share
            shares -= converted
        return found


# ------------------------------------------------------------------ the contracts' side


def checked(path: Path):
    from contractlang.language.checker import load

    return load(str(path))


def scenario_inputs(contract, path: Path):
    from contractlang.inputs.binding import inputs_for
    from contractlang.inputs.scenario import load_scenario

    return inputs_for(contract, load_scenario(str(path)), {}, {}, None)


def evaluation(contract, inputs):
    from contractlang.runtime.interpreter import evaluate

    return lambda: evaluate(contract, inputs)


def effects_of(contract, inputs) -> list[dict]:
    from contractlang.runtime.interpreter import evaluate

    return evaluate(contract, inputs).to_json()["effects"]


def payments_and_issues(effects: list[dict]) -> list[tuple[str, str, str]]:
    return [(e["date"], e["kind"], e["amount"] if e["kind"] == "payment" else e["quantity"])
            for e in effects if e["kind"] in ("payment", "issue")]


def note_events(count: int) -> list[tuple[str, date, dict]]:
    """`count` conversions and prepayments of the 2002 note, small enough never to use up its principal."""
    events = []
    for index in range(count):
        day = date(2003, 6, 2) + timedelta(days=(index * 1_200) // max(count, 1))
        if index % 2:
            events.append(("HolderConversion", day,
                           {"principal": Decimal(10), "with_interest": index % 4 == 1, "interest": Decimal(0)}))
        else:
            events.append(("Prepayment", day, {"amount": Decimal(10)}))
    return events


def bound(events: list[tuple[str, date, dict]]) -> list:
    from contractlang.inputs.scenario import BoundEvent

    return [BoundEvent(index + 1, kind, day, fields, None) for index, (kind, day, fields) in enumerate(events)]


def note_reference(prices: dict) -> NoteReference:
    from holidays.countries.united_states import UnitedStates

    return NoteReference(prices, frozenset(UnitedStates(subdiv="FL", years=range(2001, 2008)).keys()))


# ------------------------------------------------------------------ the figures


class Report:
    def __init__(self):
        self.rows: list[dict] = []
        self.notes: list[str] = []
        self.details: dict = {}

    def add(self, figure: str, measured: str, yardstick: str, ratio: float | None, target: str, met: bool | None):
        self.rows.append({"figure": figure, "measured": measured, "yardstick": yardstick,
                          "ratio": None if ratio is None else round(ratio, 2), "target": target, "met": met})


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def microseconds(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"


def measure_note(report: Report, repeat: int) -> None:
    """(a) the 2002 note to Maturity against the floor and the reference model, after checking all three agree."""
    from contractlang.inputs.scenario import load_price_csv

    contract = checked(NOTE)
    inputs = scenario_inputs(contract, NOTE_TO_MATURITY)
    found = payments_and_issues(effects_of(contract, inputs))
    floor = note_floor()
    if sorted(amount for _, _, amount in found) != sorted(str(amount) for amount in floor):
        raise SystemExit(f"the floor's amounts differ from the contract's: {floor} against {found}")
    reference = note_reference(load_price_csv(str(PRICES)))
    if reference.run([]) != found:
        raise SystemExit(f"the reference model's payments differ from the contract's: {reference.run([])}")
    for path in (NOTE_CONVERSIONS,):
        scenario = scenario_inputs(contract, path)
        events = [(e.type, e.date, e.fields) for e in scenario.events]
        expected = payments_and_issues(effects_of(contract, scenario))
        if reference.run(events, scenario.until) != expected:
            raise SystemExit(f"the reference model differs from the contract on {path.name}: "
                             f"{sorted(set(reference.run(events, scenario.until)) ^ set(expected))}")
    seconds, floor_seconds, to_floor = paired_seconds(evaluation(contract, inputs), note_floor, repeat * 3)
    against, reference_seconds, to_reference = paired_seconds(evaluation(contract, inputs),
                                                              lambda: reference.run([]), repeat * 3)
    report.details["note_to_maturity_s"] = seconds
    report.add("2002 note to maturity, in process", milliseconds(seconds), f"floor {microseconds(floor_seconds)}",
               to_floor, "≤ 15× the floor", to_floor <= 15)
    report.add("2002 note to maturity, in process", milliseconds(against),
               f"reference model {microseconds(reference_seconds)}", to_reference,
               "≤ 1× the reference", to_reference <= 1)


def measure_series_h(report: Report, repeat: int) -> None:
    """(b) each Series H case in milliseconds; the dividends and conversions case against the reference model."""
    from contractlang.inputs.scenario import load_price_csv
    from holidays import financial_holidays

    contract = checked(SERIES_H)
    reference = PreferredReference(load_price_csv(str(PRICES)),
                                   frozenset(financial_holidays("XFED", years=range(2001, 2008)).keys()))
    for path in sorted((ROOT / "scenarios").glob("series_h_*.toml")):
        inputs = scenario_inputs(contract, path)
        seconds = seconds_per_call(evaluation(contract, inputs), repeat * 3)
        name = f"Series H: {path.stem.removeprefix('series_h_')}"
        report.add(name, milliseconds(seconds), "target 0.5 ms", seconds / 0.0005, "≤ 0.5 ms", seconds <= 0.0005)
        if path.stem != "series_h_dividends_conversions":
            continue
        events = [(e.type, e.date, e.fields) for e in inputs.events]
        expected = payments_and_issues(effects_of(contract, inputs))
        if reference.run(events, inputs.until) != expected:
            raise SystemExit(f"the preferred stock's reference model differs from the contract on {path.name}: "
                             f"{sorted(set(reference.run(events, inputs.until)) ^ set(expected))}")
        against, reference_seconds, ratio = paired_seconds(evaluation(contract, inputs),
                                                           lambda: reference.run(events, inputs.until), repeat * 3)
        report.add(name, milliseconds(against), f"reference model {microseconds(reference_seconds)}",
                   ratio, "≤ 1× the reference", ratio <= 1)
    report.notes.append("Series H: the reference model covers dividends, missed dividends and conversions, "
                        "so only the dividends and conversions case is timed against it.")


def measure_bond(report: Report, repeat: int) -> None:
    """(c) the example bond against QuantLib's FixedRateBond (same dates and amounts) and the floor."""
    contract = checked(BOND)
    inputs = scenario_inputs(contract, ROOT / "scenarios" / "bond_to_maturity.toml")
    found = payments_and_issues(effects_of(contract, inputs))
    floor = bond_floor()
    if sorted(amount for _, _, amount in found) != sorted(str(amount) for amount in floor):
        raise SystemExit(f"the bond's floor differs from the contract: {floor} against {found}")
    seconds, floor_seconds, to_floor = paired_seconds(evaluation(contract, inputs), bond_floor, repeat * 3)
    report.add("example bond to maturity (13 cash flows)", milliseconds(seconds),
               f"floor {microseconds(floor_seconds)}", to_floor, "(context)", None)
    if importlib.util.find_spec("QuantLib") is None:
        report.notes.append("QuantLib is not installed (pip install -e '.[bench]'): the bond's yardstick is skipped.")
    else:
        flows = sorted((day, f"{Decimal(repr(amount)).quantize(Decimal('0.01'))}") for day, amount in quantlib_bond())
        ours = sorted((day, amount) for day, _, amount in found)
        if flows != ours:
            raise SystemExit(f"QuantLib's cash flows differ from the contract's: {flows} against {ours}")
        against, quantlib_seconds, ratio = paired_seconds(evaluation(contract, inputs), quantlib_bond, repeat * 3)
        report.add("example bond to maturity (13 cash flows)", milliseconds(against),
                   f"QuantLib FixedRateBond {microseconds(quantlib_seconds)}", ratio, "≤ 2× QuantLib", ratio <= 2)
    redemption = ROOT / "scenarios" / "bond_redemption.toml"
    redeemed = scenario_inputs(contract, redemption)
    floor_ends = [day for day in BOND_COUPON_DATES if day < date(2026, 3, 16)] + [date(2026, 3, 16)]
    expected = bond_floor(Decimal(250_000), floor_ends)
    if sorted(a for _, _, a in payments_and_issues(effects_of(contract, redeemed))) != sorted(map(str, expected)):
        raise SystemExit("the bond's floor differs from the contract on bond_redemption.toml")
    seconds, floor_seconds, to_floor = paired_seconds(evaluation(contract, redeemed),
                                                      lambda: bond_floor(Decimal(250_000), floor_ends), repeat * 3)
    report.add("example bond redeemed (10 cash flows)", milliseconds(seconds), f"floor {microseconds(floor_seconds)}",
               to_floor, "(context)", None)


def measure_processes(report: Report, repeat: int, cache: str) -> None:
    """(d)-(f) whole processes against a bare `python -c pass` of the same interpreter."""
    warm_env = {"CONTRACT_CACHE_DIR": cache}
    command = CONTRACT_COMMAND + ["eval", str(NOTE), str(NOTE_TO_MATURITY), "--format", "json"]
    subprocess.run(command, capture_output=True, cwd=ROOT, env=child_environment(warm_env), check=True)
    bare_start = [sys.executable, "-c", "pass"]
    warm, bare, warm_ratio = paired_process_seconds(command, bare_start, repeat * 2, warm_env)
    cold = process_seconds(command, max(3, repeat // 2), fresh_cache=True)
    helped, help_bare, help_ratio = paired_process_seconds(CONTRACT_COMMAND + ["--help"], bare_start, repeat * 2,
                                                           warm_env)
    report.details.update(bare_start_s=bare, warm_eval_s=warm, cold_eval_s=cold, help_s=helped)
    report.add("warm `contract eval` (2002 note to maturity)", milliseconds(warm),
               f"bare python {milliseconds(bare)}", warm_ratio, "≤ 9× a bare start", warm_ratio <= 9)
    report.add("cold `contract eval` (empty cache)", milliseconds(cold), f"warm {milliseconds(warm)}",
               cold / warm, "≤ 3× the warm process", cold / warm <= 3)
    report.add("`contract --help`", milliseconds(helped), f"bare python {milliseconds(help_bare)}",
               help_ratio, "≤ 5× a bare start", help_ratio <= 5)


def child_cpu_seconds(command: list[str], env: dict) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, capture_output=True, cwd=ROOT, env=child_environment(env))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def measure_contract_test(report: Report, cache: str) -> None:
    """(g) `contract test` on the three instruments, default settings: CPU seconds of the child."""
    env = {"CONTRACT_CACHE_DIR": cache}
    bare = child_cpu_seconds([sys.executable, "-c", "pass"], env)
    seconds = child_cpu_seconds(CONTRACT_COMMAND + ["test"] + [str(path) for path in TESTED], env)
    report.add("`contract test`, three instruments, CPU", f"{seconds:.1f} s", f"bare python {bare * 1000:.0f} ms",
               seconds / bare, "≤ 5 s", seconds <= 5)


def measure_events(report: Report, quick: bool) -> None:
    """(h) the cost of each conversion or prepayment, 100 to 100,000 of them: time and memory per event."""
    from contractlang.diagnostics import ContractError
    from contractlang.inputs.scenario import load_price_csv
    from contractlang.runtime.values import Inputs

    contract = checked(NOTE)
    prices = load_price_csv(str(PRICES))
    reference = note_reference(prices)
    empty = Inputs(prices=prices, events=[])
    base_seconds = seconds_per_call(evaluation(contract, empty), 5)
    base_peak = peak_bytes(evaluation(contract, empty))
    thousand = evaluation(contract, Inputs(prices=prices, events=bound(note_events(1_000))))
    per_event = {}
    beside = {}  # the cost of an event among 1,000, timed just before and just after a larger run
    stopped = None
    for count in (100, 1_000, 10_000, 100_000):
        events = note_events(count)
        inputs = Inputs(prices=prices, events=bound(events))
        repeat = 3 if count <= 1_000 else 1
        try:
            before = seconds_per_call(thousand, 3, 0.0)
            seconds = seconds_per_call(evaluation(contract, inputs), repeat, 0.0)
            after = seconds_per_call(thousand, 3, 0.0)
        except ContractError as problem:
            reason = problem.diagnostics[0].message.split(";")[0]
            report.notes.append(f"{count:,} events: the evaluation stopped: {reason}")
            stopped = count
            break
        reference_seconds = seconds_per_call(lambda: reference.run(events), repeat, 0.0)
        memory = peak_bytes(evaluation(contract, inputs)) if not (quick and count > 10_000) else None
        per_event[count] = {"s": (seconds - base_seconds) / count, "reference_s": reference_seconds / count,
                            "bytes": None if memory is None else (memory - base_peak) / count}
        beside[count] = ((before + after) / 2 - base_seconds) / 1_000
    report.details["per_event"] = per_event
    for count, figures in per_event.items():
        memory = "" if figures["bytes"] is None else f", {figures['bytes'] / 1024:.2f} KB"
        met = figures["s"] <= 80e-6 and (figures["bytes"] is None or figures["bytes"] <= 1024)
        report.add(f"per event, {count:,} conversions and prepayments", microseconds(figures["s"]) + memory,
                   f"reference model {microseconds(figures['reference_s'])}", figures["s"] / figures["reference_s"],
                   "≤ 80 µs, ≤ 1 KB", met)
    if stopped is not None:
        report.add(f"per event, {stopped:,} conversions and prepayments", "stopped (step budget)", "—", None,
                   "≤ 80 µs, ≤ 1 KB", False)
    largest = max(per_event)
    # against 1,000 events timed beside it: on a shared machine the speed drifts over the minutes between
    growth = per_event[largest]["s"] / beside[largest]
    report.add(f"per event: {largest:,} against 1,000 beside it", microseconds(per_event[largest]["s"]),
               microseconds(beside[largest]), growth, "flat (≤ 1.2×)", growth <= 1.2 and largest == 100_000)


def peak_bytes(action) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def scenario_text(events: list[tuple[str, date, dict]], form: str) -> str:
    def plain(value):
        return value if isinstance(value, bool) else int(value)

    records = [{"date": day.isoformat(), "type": kind, **{k: plain(v) for k, v in fields.items()}}
               for kind, day, fields in events]
    if form == "json":
        return json.dumps({"title": "many events", "events": records}, indent=1)
    lines = ['title = "many events"']
    for record in records:
        lines.append("\n[[events]]")
        lines.append(f"date = {record.pop('date')}")
        lines.extend(f"{key} = {json.dumps(value)}" for key, value in record.items())
    return "\n".join(lines) + "\n"


def measure_loading(report: Report, repeat: int, folder: Path) -> None:
    """(i) loading a scenario of 4,000 events, JSON and TOML, against the bare parser of the same text, and
    against a scenario of 1,000 events loaded in turn with it (linear: the same time an event)."""
    from contractlang.inputs.scenario import load_scenario

    import tomli  # the TOML parser the scenario reader uses

    for form, parse in (("json", json.loads), ("toml", tomli.loads)):
        paths, texts = {}, {}
        for count in (1_000, 4_000):
            texts[count] = scenario_text(note_events(count), form)
            paths[count] = folder / f"events_{count}.{form}"
            paths[count].write_text(texts[count])
            started = time.perf_counter()
            load_scenario(str(paths[count]))
            first = time.perf_counter() - started
            if first > 20:
                report.notes.append(f"loading {count:,} events of {form.upper()} took {first:.0f} s: not repeated")
                report.add(f"loading {count:,} events, {form.upper()}", microseconds(first / count) + " an event",
                           "—", None, "≤ 20 µs an event", False)
                break
        else:
            # one load a sample, so many pairs: the median of nine single pairs once read 1.25× for a run at 1.07×
            seconds, smaller, ratio = paired_seconds(lambda: load_scenario(str(paths[4_000])),
                                                     lambda: load_scenario(str(paths[1_000])), max(7, repeat * 3), 0.0)
            parser = seconds_per_call(lambda: parse(texts[4_000]), max(3, repeat // 2))
            report.add(f"loading 4,000 events, {form.upper()}", microseconds(seconds / 4_000) + " an event",
                       f"bare parser {microseconds(parser / 4_000)}", seconds / parser, "≤ 20 µs an event",
                       seconds / 4_000 <= 20e-6)
            growth = ratio * 1_000 / 4_000
            report.add(f"loading, {form.upper()}: 4,000 events against 1,000, an event",
                       microseconds(seconds / 4_000), microseconds(smaller / 1_000), growth,
                       "linear (≤ 1.2×)", growth <= 1.2)


def measure_holidays(report: Report) -> None:
    """(j) a calendar's holidays for 1 year and for 50 years, each from an empty cache."""
    from contractlang.stdlib.calendars import holidays_in
    from holidays.countries.united_states import UnitedStates

    UnitedStates(subdiv="FL", years=1999)  # the holidays package's import is not the cache's work
    found = {}
    for years in (1, 50):
        samples = []
        for _ in range(3):
            with tempfile.TemporaryDirectory() as empty:
                os.environ["CONTRACT_CACHE_DIR"] = empty
                holidays_in.cache_clear()
                started = time.perf_counter()
                for year in range(2000, 2000 + years):
                    holidays_in("US-FL", year)
                samples.append(time.perf_counter() - started)
        found[years] = statistics.median(samples)
    holidays_in.cache_clear()
    ratio = found[50] / found[1]
    report.add("holiday lists, 50 years from an empty cache", milliseconds(found[50]),
               f"1 year {milliseconds(found[1])}", ratio, "linear (about 50×, ≤ 75×)", ratio <= 75)


def measure_reading(report: Report, repeat: int) -> None:
    """(k) reading a TOML scenario with its price CSV against evaluating it: read as a process reads it first,
    with no series kept from before, and again (a process keeps a price series it has read, for the same text)."""
    contract = checked(NOTE)
    first = first_read_seconds(contract, NOTE_CONVERSIONS, repeat * 50)
    again = seconds_per_call(lambda: scenario_inputs(contract, NOTE_CONVERSIONS), repeat * 3)
    evaluated = seconds_per_call(evaluation(contract, scenario_inputs(contract, NOTE_CONVERSIONS)), repeat * 3)
    report.add("reading nstor_2002_conversions.toml and its prices", milliseconds(first),
               f"its evaluation {milliseconds(evaluated)}", first / evaluated, "≤ 1 ms", first <= 0.001)
    report.add("the same, read again in one process", milliseconds(again),
               f"its evaluation {milliseconds(evaluated)}", again / evaluated, "(context)", None)


def first_read_seconds(contract, path: Path, reads: int) -> float:
    """The median time of one read of a scenario with none of its price series kept: the kept series are let go
    before each read, untimed (a process reading its scenario first has nothing to let go of)."""
    from contractlang.inputs.scenario import SERIES_READ

    scenario_inputs(contract, path)  # the patterns and modules a first read in a process also finds ready
    samples = []
    for _ in range(reads):
        SERIES_READ.clear()
        started = time.perf_counter()
        scenario_inputs(contract, path)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


DAILY_CONTRACT = '''contract "Daily fee"

currency USD "United States dollars"

§1 "Daily fee" {
  text "A cent accrues every day from the start, for the number of days given."
  term start = 2000-01-01
  parameter days: Integer = 1000
  horizon start + 400000 days

  schedule fee_dates = [start + n * 1 day for n in range(0, days - 1)]

  state owed: USD = 0 USD

  on each d in fee_dates {
    set owed = owed + 0.01 USD
  }
}
'''


def daily_inputs(contract, days: int):
    from contractlang.runtime.values import Inputs, Setting

    return Inputs(params={"days": Setting(Decimal(days), "scenario", None)})


def measure_dates(report: Report, folder: Path) -> None:
    """Time per scheduled date, 1,000 to 100,000 dates of a daily schedule."""
    path = folder / "daily.contract"
    path.write_text(DAILY_CONTRACT)
    contract = checked(path)
    per_date = {}
    for days in (1_000, 10_000, 100_000):
        seconds = seconds_per_call(evaluation(contract, daily_inputs(contract, days)), 3 if days < 100_000 else 1, 0.0)
        per_date[days] = seconds / days
    report.details["per_date_s"] = per_date
    for days, seconds in per_date.items():
        report.add(f"per scheduled date, {days:,} dates", microseconds(seconds), "—", None, "(context)", None)
    growth = per_date[100_000] / per_date[1_000]
    report.add("per scheduled date: 100,000 against 1,000", microseconds(per_date[100_000]),
               microseconds(per_date[1_000]), growth, "flat (≤ 1.2×)", growth <= 1.2)


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def measure(quick: bool) -> Report:
    repeat = 3 if quick else 9
    report = Report()
    report.details.update(date=date.today().isoformat(), machine=machine(), quick=quick)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        cache = folder / "cache"
        cache.mkdir(mode=0o700)
        os.environ["CONTRACT_CACHE_DIR"] = str(cache)
        measure_note(report, repeat)
        measure_series_h(report, repeat)
        measure_bond(report, repeat)
        measure_events(report, quick)
        measure_loading(report, repeat, folder)
        measure_reading(report, repeat)
        measure_dates(report, folder)
        measure_holidays(report)
        os.environ["CONTRACT_CACHE_DIR"] = str(cache)
        measure_processes(report, repeat, str(cache))
        measure_contract_test(report, str(cache))
    return report


def show(report: Report) -> None:
    print(f"{report.details['date']}, {report.details['machine']}{' (quick)' if report.details['quick'] else ''}\n")
    headers = ("figure", "measured", "yardstick", "ratio", "target", "met")
    lines = [[row["figure"], row["measured"], row["yardstick"],
              "—" if row["ratio"] is None else f"{row['ratio']:,.2f}×", row["target"],
              {True: "yes", False: "NO", None: ""}[row["met"]]] for row in report.rows]
    widths = [max(len(str(line[column])) for line in lines + [list(headers)]) for column in range(len(headers))]
    print("  ".join(header.ljust(width) for header, width in zip(headers, widths)))
    for line in lines:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths)))
    for note in report.notes:
        print(f"\nnote: {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()
    report = measure(args.quick)
    if args.json:
        print(json.dumps({"rows": report.rows, "notes": report.notes, "details": report.details}, indent=2))
    else:
        show(report)


if __name__ == "__main__":
    main()
