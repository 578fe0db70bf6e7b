"""Benchmark: how long each stage takes, per instrument. Run with `make bench` (or `--quick`).

For each contract it reports
- parse and check: cold (a fresh process with the caches emptied, grammar tables included)
  and cached (in process, the tree cache warm);
- evaluation in process, per bundled scenario (median, and runs per second);
- scenarios per second under `contract test` (generation plus evaluation);
- the whole-process time of `contract eval ... --format json` (median of several runs).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

INSTRUMENTS = {
    "2002 note": ("contracts/nstor_2002_subordinated_note.contract", "nstor_2002_"),
    "2003 note": ("contracts/nstor_2003_convertible_note.contract", "nstor_2003_"),
    "Series H": ("contracts/nstor_series_h_preferred.contract", "series_h_"),
    "example bond": ("contracts/examples/fixed_rate_bond.contract", "bond_"),
}
CONTRACT_COMMAND = [sys.executable, "-m", "contractlang.cli"]


def median_time(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cold_load(contract: str) -> float:
    """Parse and check in a fresh process with an empty cache folder: grammar tables built too."""
    snippet = ("import time, sys; t = time.perf_counter(); from contractlang.language.checker import load; "
               f"load({contract!r}); print(time.perf_counter() - t)")
    with tempfile.TemporaryDirectory() as empty:
        done = subprocess.run([sys.executable, "-c", snippet], capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, "CONTRACT_CACHE_DIR": empty, "PYTHONPATH": str(ROOT / "src")})
    return float(done.stdout.strip())


def whole_process(contract: str, scenario: str, repeat: int) -> float:
    command = CONTRACT_COMMAND + ["eval", contract, scenario, "--format", "json"]
    subprocess.run(command, capture_output=True, cwd=ROOT)  # warm the caches once
    return median_time(lambda: subprocess.run(command, capture_output=True, cwd=ROOT, check=True), repeat)


def measure(quick: bool) -> dict:
    from contractlang.language.checker import load
    from contractlang.runtime.interpreter import evaluate
    from contractlang.testing.runner import benchmark
    from contractlang.inputs.binding import inputs_for
    from contractlang.inputs.scenario import load_scenario

    repeat = 3 if quick else 10
    report = {}
    for name, (contract, prefix) in INSTRUMENTS.items():
        entry = {"cold_parse_check_s": cold_load(contract)}
        load(contract)
        entry["cached_parse_check_s"] = median_time(lambda: load(contract), repeat)
        checked = load(contract)
        scenarios = {}
        for path in sorted((ROOT / "scenarios").glob(f"{prefix}*.toml")):
            inputs = inputs_for(checked, load_scenario(str(path)), {}, {}, None)
            seconds = median_time(lambda: evaluate(checked, inputs), repeat * 3)
            scenarios[path.stem] = {"eval_s": seconds, "per_second": 1 / seconds}
        entry["scenarios"] = scenarios
        entry["contract_test_scenarios_per_second"] = benchmark(contract, 60 if quick else 200)
        first = sorted((ROOT / "scenarios").glob(f"{prefix}*.toml"))[0]
        entry["whole_process_eval_s"] = whole_process(contract, str(first.relative_to(ROOT)), repeat)
        entry["whole_process_scenario"] = first.stem
        report[name] = entry
    report["scaling"] = scaling(repeat)
    maturity = "scenarios/nstor_2002_to_maturity.toml"
    report["headline"] = {
        "2002 note to maturity, whole contract eval (s)":
            whole_process(INSTRUMENTS["2002 note"][0], maturity, repeat),
    }
    return report


def scaling(repeat: int) -> dict:
    """Evaluation time of the 2002 note against ever more events: it should grow linearly."""
    from datetime import date, timedelta
    from decimal import Decimal

    from contractlang.language.checker import load
    from contractlang.runtime.interpreter import evaluate
    from contractlang.runtime.values import Inputs
    from contractlang.inputs.scenario import BoundEvent, load_price_csv

    contract = load(INSTRUMENTS["2002 note"][0])
    prices = load_price_csv(str(ROOT / "scenarios" / "nso_closing_bid_2001_2006.csv"))
    found = {}
    for count in (250, 500, 1000, 2000):
        events = []
        for index in range(count):
            when = date(2003, 6, 2) + timedelta(days=(index * 1200) // count)
            if index % 2:
                kind, fields = "HolderConversion", {"principal": Decimal(100), "with_interest": index % 3 == 0}
            else:
                kind, fields = "Prepayment", {"amount": Decimal(50)}
            events.append(BoundEvent(index + 1, kind, when, fields, None))
        inputs = Inputs(prices=prices, events=events)
        found[count] = median_time(lambda: evaluate(contract, inputs), max(1, repeat // 3))
    return found


def show(report: dict) -> None:
    print(f"{'instrument':<14} {'cold load':>10} {'cached':>9} {'test scen/s':>12} {'eval process':>13}")
    for name, entry in report.items():
        if name in ("headline", "scaling"):
            continue
        print(f"{name:<14} {entry['cold_parse_check_s'] * 1000:>8.0f}ms {entry['cached_parse_check_s'] * 1000:>7.1f}ms "
              f"{entry['contract_test_scenarios_per_second']:>12.0f} {entry['whole_process_eval_s'] * 1000:>11.0f}ms")
    print()
    print(f"{'scenario (in process)':<48} {'eval':>9} {'runs/s':>9}")
    for name, entry in report.items():
        if name == "scaling":
            continue
        for scenario, figures in entry.get("scenarios", {}).items():
            print(f"{scenario:<48} {figures['eval_s'] * 1000:>7.2f}ms {figures['per_second']:>9.0f}")
    print()
    print("2002 note with many events (evaluation in process):")
    for count, seconds in report["scaling"].items():
        print(f"  {count:>5} events: {seconds * 1000:7.1f} ms  ({seconds / count * 1e6:.0f} µs an event)")
    print()
    for label, value in report["headline"].items():
        print(f"{label}: {value:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()
    report = measure(args.quick)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        show(report)


if __name__ == "__main__":
    main()
