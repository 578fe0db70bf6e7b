"""The ACTUS PAM template against the 25 published ACTUS reference cases (tests/actus/, CC BY-SA 4.0).

Each case's terms become a scenario by renaming only (tests/actus_convert.py); every event the
case expects must come out of `contract eval --format json`, in order, with its date, type, payoff,
notional principal, nominal interest rate and accrued interest within 1e-9, and no other event may.
An effect with a time of day (the template's MD, at the Maturity Date's own time) is compared with
the case's date and time; one without is compared by its day.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from actus_convert import EVENT_TYPES, scenario_for
from contractlang.cli import main

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "contracts" / "examples" / "actus_pam.contract"
CASES = json.loads((ROOT / "tests" / "actus" / "actus-tests-pam.json").read_text(encoding="utf-8"))
TOLERANCE = Decimal("1e-9")
PARTY = "Party"  # the template's record creator, whose sign ACTUS reports


def expected_events(case: dict) -> list[tuple]:
    return [(moment(r["eventDate"]), r["eventType"], Decimal(str(r["payoff"])), Decimal(str(r["notionalPrincipal"])),
             Decimal(str(r["nominalInterestRate"])), Decimal(str(r["accruedInterest"]))) for r in case["results"]]


def template_events(tmp_path: Path, case: dict) -> list[tuple]:
    scenario = tmp_path / f"{case['identifier']}.json"
    scenario.write_text(json.dumps(scenario_for(case)), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(TEMPLATE), str(scenario), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    events = []
    for effect in json.loads(result.stdout)["effects"]:
        assert effect["kind"] == "payment", effect
        amount = Decimal(effect["amount"])
        snapshot = effect["snapshot"]
        events.append(((effect["date"], effect.get("time")), EVENT_TYPES[effect["purpose"]], amount if effect["payee"] == PARTY else -amount,
                       Decimal(snapshot["notional"]), Decimal(snapshot["rate"]), Decimal(snapshot["accrued"])))
    return events


def moment(event_date: str) -> tuple[str, str]:
    """An ACTUS event date "2013-12-31T23:59:59" (or "...T00:00") as its day and its time to the second."""
    day, _, at = event_date.partition("T")
    return day, (at + ":00" if len(at) == 5 else at)


def same_moment(actual: tuple[str, str | None], expected: tuple[str, str]) -> bool:
    return actual[0] == expected[0] and (actual[1] is None or actual[1] == expected[1])


def close(actual: tuple, expected: tuple) -> bool:
    return same_moment(actual[0], expected[0]) and actual[1] == expected[1] and all(abs(a - e) <= TOLERANCE for a, e in zip(actual[2:], expected[2:]))


@pytest.mark.parametrize("identifier", list(CASES))
def test_the_template_gives_every_event_of_the_actus_reference_case(tmp_path, identifier):
    case = CASES[identifier]
    actual, expected = template_events(tmp_path, case), expected_events(case)
    differing = [(i, a, e) for i, (a, e) in enumerate(zip(actual, expected)) if not close(a, e)]
    assert not differing and len(actual) == len(expected), (
        f"{len(actual)} events for {len(expected)} expected; first differences: {differing[:3]}")


def test_the_shipped_cases_are_the_25_published_ones():
    assert len(CASES) == 25 and sorted(CASES) == [f"pam{n:02d}" for n in range(1, 26)]
