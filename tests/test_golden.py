"""Golden tests: every bundled scenario's result, and every bad input's diagnostics.

`tests/golden/good/<scenario>.json` is the reviewed JSON result of
`scenarios/<scenario>.toml`, and `<scenario>.explain.txt` its table with
explanations. `tests/golden/bad/<case>.contract` (with `<case>.toml` when the
problem is in a scenario) must give exactly the diagnostics in `<case>.err`.
`pytest --update-golden` rewrites the expected files after a deliberate change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from contract_helpers import contract_for
from contractlang.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "tests" / "golden" / "good"
BAD = ROOT / "tests" / "golden" / "bad"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def compare(path: Path, actual: str, update: bool) -> None:
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not update:
            pytest.fail(f"{path.name} did not exist and was written: review it, then run again")
        return
    assert actual == path.read_text(encoding="utf-8"), f"{path.name} differs (run pytest --update-golden after a deliberate change)"


def test_there_are_at_least_four_scenarios_per_instrument():
    for prefix in ("nstor_2002_", "nstor_2003_", "series_h_"):
        assert len([s for s in SCENARIOS if s.name.startswith(prefix)]) >= 4, prefix


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.stem for s in SCENARIOS])
def test_scenario_result_matches_its_reviewed_golden_json(scenario, update_golden):
    status, out, err = run("eval", contract_for(scenario), str(scenario.relative_to(ROOT)), "--format", "json")
    assert status == 0, err
    compare(GOOD / f"{scenario.stem}.json", out, update_golden)
    status, again, _ = run("eval", contract_for(scenario), str(scenario.relative_to(ROOT)), "--format", "json")
    assert again == out, "the same inputs gave different JSON"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.stem for s in SCENARIOS])
def test_scenario_explanation_matches_its_golden_table(scenario, update_golden):
    status, out, err = run("eval", contract_for(scenario), str(scenario.relative_to(ROOT)), "--explain")
    assert status == 0, err
    compare(GOOD / f"{scenario.stem}.explain.txt", out, update_golden)


BAD_CASES = sorted({p.stem for p in BAD.glob("*.contract")} | {p.stem for p in BAD.glob("*.toml")})


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input_gives_its_diagnostics_and_exit_status_1(case, update_golden, monkeypatch):
    monkeypatch.chdir(ROOT)
    contract = BAD / f"{case}.contract"
    scenario = BAD / f"{case}.toml"
    relative = lambda p: str(p.relative_to(ROOT))  # noqa: E731 - positions are shown relative to the root
    if scenario.exists():
        if not contract.exists():
            contract = ROOT / "contracts" / "examples" / "fixed_rate_bond.contract"
        status, out, err = run("eval", relative(contract), relative(scenario))
    else:
        status, out, err = run("check", relative(contract))
    assert status == 1, out + err
    assert "Traceback" not in out + err
    assert ": error: " in err
    compare(BAD / f"{case}.err", err, update_golden)
