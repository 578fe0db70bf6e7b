"""Counterexamples written as scenario files that `contract eval` runs: whole, never over another file."""

from __future__ import annotations

import itertools
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

from ..diagnostics import ContractError, Diagnostic
from ..files import write_whole
from ..runtime.explain import plain_number
from .generation import Generated


def scenario_text(contract, generated: Generated, title: str, prices_file: str | None) -> str:
    """A scenario file (TOML) that `contract eval` runs to reproduce a generated scenario."""
    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, Decimal):
            return f'"{plain_number(v)}"'
        if isinstance(v, date):
            return v.isoformat()
        if v is None:
            return '"none"'
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [f"title = {value(title)}"]
    if generated.until is not None:
        lines.append(f"until = {generated.until.isoformat()}")
    if prices_file:
        lines.append(f"prices = {value(prices_file)}")
    if generated.params:
        lines += ["", "[params]"] + [f"{k} = {value(v)}" for k, v in generated.params.items()]
    for name, series in generated.markets.items():  # several series: a table each
        lines += ["", f"[market.{name}]"] + [f"{d.isoformat()} = {value(v)}" for d, v in sorted(series.items())]
    for kind, when, fields in generated.events:
        if kind == "__removed__":
            continue
        lines += ["", "[[events]]", f"date = {when.isoformat()}", f"type = {value(kind)}"]
        lines += [f"{k} = {value(v)}" for k, v in fields.items()]
    return "\n".join(lines) + "\n"


def write_counterexample(contract, generated: Generated, title: str, out_dir: str, stem: str) -> str:
    """Write a counterexample as STEM.toml (and its prices as STEM.prices.csv); the path of the TOML.

    A name that is taken, by anything, is never touched: the first free pair of
    STEM, STEM-2, STEM-3, ... is used, so that a second run, or one running at
    the same time, keeps what the first wrote. Each file is written whole; the
    price series first, then the scenario that names it, and if the scenario
    cannot be written the series is removed, so nothing half is left."""
    folder = Path(out_dir)
    _make_folder(folder, folder / f"{stem}.prices.csv" if generated.prices else folder / f"{stem}.toml")
    prices_text = None
    if generated.prices:
        rows = ["date,price"] + [f"{d.isoformat()},{p}" for d, p in sorted(generated.prices.items())]
        prices_text = "\n".join(rows) + "\n"
    for number in itertools.count(1):
        name = stem if number == 1 else f"{stem}-{number}"
        scenario, prices = folder / f"{name}.toml", folder / f"{name}.prices.csv"
        if os.path.lexists(scenario) or os.path.lexists(prices):
            continue
        if prices_text is not None:
            try:
                write_whole(prices, prices_text, replace=False)
            except FileExistsError:  # another run took the name since it was looked at
                continue
        written = False
        try:
            write_whole(scenario, scenario_text(contract, generated, title, prices.name if prices_text else None),
                        replace=False)
            written = True
        except FileExistsError:  # likewise, between the two files
            continue
        finally:
            if not written and prices_text is not None:
                os.unlink(prices)  # a series without its scenario is half a counterexample
        return str(scenario)


def _make_folder(folder: Path, first_file: Path) -> None:
    """Create the counterexamples folder; a failure names the first file that could not be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # the name is taken by something that is not a folder
        raise ContractError(Diagnostic(f"cannot write {first_file}: {folder} is not a folder")) from None
    except OSError as problem:
        raise ContractError(Diagnostic(
            f"cannot write {first_file}: the folder {folder} cannot be made ({problem.strerror})")) from None
