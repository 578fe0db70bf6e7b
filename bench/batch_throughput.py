"""Benchmark of `contract batch`: scenarios per second on one core and on two, per instrument.

For each instrument, N scenarios (1,000 unless told) are generated from the
contract as `contract test` generates them and written as scenario files with
their price series. The report gives, per instrument,
- evaluation alone (in process, the scenarios already typed), per scenario;
- the batch on one core (in this process) and on two (a process pool), in
  scenarios per second, and the ratio of the two, measured in the same run;
- the overhead per scenario that is not evaluation: reading the scenario and
  its prices, binding, making and writing rows (one-core batch less evaluation).

Run with `python bench/batch_throughput.py [--scenarios N] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

INSTRUMENTS = {
    "2002 note": "contracts/nstor_2002_subordinated_note.contract",
    "2003 note": "contracts/nstor_2003_convertible_note.contract",
    "Series H": "contracts/nstor_series_h_preferred.contract",
}


def generated_scenarios(contract, count: int, seed: int = 0) -> list:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    from contractlang.testing.generation import Generator

    drawn = []

    @settings(max_examples=count, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @hypothesis_seed(seed)
    @given(Generator(contract).scenarios())
    def collect(generated):
        drawn.append(generated)

    collect()
    return drawn


def evaluation_alone(contract, scenarios) -> float:
    """Seconds to evaluate every scenario in process, typed already: the part of a batch that is evaluation."""
    from contractlang.diagnostics import ContractError
    from contractlang.runtime.interpreter import evaluate

    started = time.perf_counter()
    for generated in scenarios:
        try:
            evaluate(contract, generated.inputs(contract))
        except ContractError:
            pass
    return time.perf_counter() - started


def batch_seconds(path: str, folder: str, jobs: int) -> tuple[float, object]:
    from contractlang.tools.batch import local_engine, plan, run_batch

    tasks = plan([path], [folder])
    started = time.perf_counter()
    summary = run_batch(tasks, os.path.join(folder, f"rows-{jobs}.jsonl"), local_engine(jobs), jobs)
    return time.perf_counter() - started, summary


def measure(count: int) -> dict:
    from contractlang.language.checker import load
    from contractlang.testing.counterexamples import write_counterexample

    report = {}
    for name, path in INSTRUMENTS.items():
        contract = load(str(ROOT / path))
        scenarios = generated_scenarios(contract, count)
        with tempfile.TemporaryDirectory(prefix="batch-bench-") as folder:
            for number, generated in enumerate(scenarios, 1):
                write_counterexample(contract, generated, f"generated {number}", folder, f"s{number:05d}")
            evaluating = evaluation_alone(contract, scenarios)
            one_core, summary = batch_seconds(str(ROOT / path), folder, 1)
            two_cores, _ = batch_seconds(str(ROOT / path), folder, 2)
            same = Path(folder, "rows-1.jsonl").read_bytes() == Path(folder, "rows-2.jsonl").read_bytes()
        n = len(scenarios)
        report[name] = {
            "scenarios": n, "effects": summary.effects, "errors": summary.errors,
            "evaluation_ms_per_scenario": evaluating / n * 1000,
            "one_core_per_second": n / one_core, "two_cores_per_second": n / two_cores,
            "speedup": one_core / two_cores,
            "overhead_ms_per_scenario": (one_core - evaluating) / n * 1000,
            "identical_rows": same,
        }
    return report


def show(report: dict) -> None:
    print(f"{'instrument':<11} {'scenarios':>9} {'eval/scen':>10} {'1 core':>9} {'2 cores':>9} {'ratio':>6} "
          f"{'overhead/scen':>14}")
    for name, entry in report.items():
        print(f"{name:<11} {entry['scenarios']:>9} {entry['evaluation_ms_per_scenario']:>8.2f}ms "
              f"{entry['one_core_per_second']:>7.0f}/s {entry['two_cores_per_second']:>7.0f}/s "
              f"{entry['speedup']:>5.2f}x {entry['overhead_ms_per_scenario']:>12.2f}ms"
              + ("" if entry["identical_rows"] else "  ROWS DIFFER"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", type=int, default=1000, help="generated scenarios per instrument")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()
    report = measure(args.scenarios)
    print(json.dumps(report, indent=2) if args.json else "", end="")
    if not args.json:
        show(report)


if __name__ == "__main__":
    main()
