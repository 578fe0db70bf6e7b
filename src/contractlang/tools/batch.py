"""`contract batch`: every pair of contract and scenario (times a grid of values), as rows in one file.

The pairs are planned in one order (contracts, then scenarios, then the grid's
combinations) and cut into chunks; a worker evaluates a chunk at a time,
parsing and checking each contract once per worker, and the rows are written
in the planned order whatever the number of workers or the engine (a process
pool, or Dask distributed on a cluster). A scenario in error becomes an error
row and the batch goes on. Rows are appended chunk by chunk, so an
interrupted `.jsonl` or `.csv` keeps what it has and `--resume` carries on.
"""

from __future__ import annotations

import csv
import glob
import io
import itertools
import json
import math
import os
import re
import time
from datetime import date
from contextlib import contextmanager
from functools import lru_cache, partial
from pathlib import Path

from .. import records
from ..diagnostics import CommandLineError, ContractError, Diagnostic, Span
from ..files import read_text, resolve_reference
from ..inputs.binding import coerce, inputs_for, replace_price_series
from ..inputs.scenario import SCENARIO_FORMATS, load_price_csv, load_scenario, parse_toml
from ..language.loading import checked_contract
from ..runtime.interpreter import evaluate
from .rows import COLUMNS, csv_header, csv_text, error_row, jsonl_text, result_rows

OUTPUT_FORMATS = (".jsonl", ".csv", ".parquet")
MAX_GRID_BYTES = 1_000_000
MAX_GRID_COMBINATIONS = 100_000  # a grid multiplies every scenario: more would run for days, or never end
MAX_GRID_DEPTH = 16  # lists and tables within one another, as a scenario (the TOML parser itself recurses)
GRID_TABLES = ("params", "assume")
# what may hold a bracket that is not one: strings of the four kinds and comments
_GRID_TOKEN = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]')
MOST_IN_A_CHUNK = 50


@records.frozen
class Variation:
    """One combination of the grid: values for parameters and assumptions, and a price series."""

    params: tuple = ()  # (name, value), in the grid's order
    assume: tuple = ()
    prices: str | None = None  # a CSV path, relative to where the batch runs

    def label(self) -> str:
        """The values that vary, as `name=value` separated by spaces (empty without a grid)."""
        parts = [f"{name}={_shown(value)}" for name, value in self.params + self.assume]
        if self.prices is not None:
            parts.append(f"prices={self.prices}")
        return " ".join(parts)


@records.frozen
class Task:
    """One pair to evaluate: a contract, a scenario and a combination of the grid."""

    contract: str
    scenario: str
    variation: Variation = Variation()

    def key(self) -> tuple[str, str, str]:
        return (self.contract, self.scenario, self.variation.label())


@records.define
class Summary:
    scenarios: int = 0
    skipped: int = 0
    effects: int = 0
    rejections: int = 0
    errors: int = 0
    seconds: float = 0.0

    def text(self) -> str:
        rate = self.scenarios / self.seconds if self.seconds else 0.0
        resumed = f" ({self.skipped} already in the file)" if self.skipped else ""
        return (f"{self.scenarios} scenarios{resumed}, {self.effects} effects, {self.rejections} rejections, "
                f"{self.errors} errors, {self.seconds:.1f}s, {rate:.0f} scenarios/s")


def _shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# ------------------------------------------------------------------ planning


def scenario_paths(patterns) -> list[str]:
    """The scenario files that folders, globs and paths name: each folder's .toml and .json, sorted."""
    found: dict[str, None] = {}
    for pattern in patterns:
        if os.path.isdir(pattern):
            matches = sorted(str(p) for p in Path(pattern).iterdir() if p.suffix.lower() in SCENARIO_FORMATS)
        elif glob.has_magic(pattern):
            matches = sorted(p for p in glob.glob(pattern, recursive=True)
                             if Path(p).suffix.lower() in SCENARIO_FORMATS and os.path.isfile(p))
        else:
            matches = [pattern]
        if not matches:
            raise CommandLineError(Diagnostic(f"--scenarios: no scenario file in {pattern!r}"))
        for match in matches:  # a name of bytes that are not UTF-8 has lone surrogates, which no row can hold
            try:
                match.encode("utf-8")
            except UnicodeEncodeError:
                raise CommandLineError(Diagnostic(f"--scenarios: the name {match!r} is not UTF-8 text")) from None
        found.update(dict.fromkeys(matches))
    return list(found)


def read_grid(path: str, contracts: dict) -> list[Variation]:
    """The combinations a grid file names, each value checked against every contract of the batch.

    A grid is TOML: `[params]` and `[assume]` give lists of values by name,
    `prices` a list of price series (CSV, relative to the grid file)."""
    text = read_text(path, limit=MAX_GRID_BYTES, noun="a grid")
    lines = text.splitlines()

    def where(key: str) -> Span:
        """The line where `key` is given (the first line if it cannot be found)."""
        pattern = re.compile(r"^\s*\"?" + re.escape(key) + r"\"?\s*=")
        number = next((i for i, line in enumerate(lines) if pattern.search(line)), None)
        if number is None:
            return Span(path, 1, 1)
        return Span(path, number + 1, len(lines[number]) - len(lines[number].lstrip()) + 1)

    def at(offset: int) -> Span:
        return Span(path, text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset))

    depth = 0
    for token in _GRID_TOKEN.finditer(text):
        depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(token.group(), 0)
        if depth > MAX_GRID_DEPTH:
            raise ContractError(Diagnostic(f"the grid is nested too deeply (more than {MAX_GRID_DEPTH} lists and "
                                           "tables within one another)", at(token.start()), text))

    data = parse_toml(text, path, text)
    for key in data:
        if key not in GRID_TABLES + ("prices",):
            raise ContractError(Diagnostic(f"unknown key '{key}' in a grid (the keys are: params, assume, prices)",
                                           where(key), text))
    axes = []
    for table in GRID_TABLES:
        values = data.get(table, {})
        if not isinstance(values, dict):
            raise ContractError(Diagnostic(f"'{table}' must be a table of NAME = [VALUES]", where(table), text))
        kinds = ("parameter", "state") if table == "params" else ("assumption",)
        for name, listed in values.items():
            if not isinstance(listed, list) or not listed:
                raise ContractError(Diagnostic(f"'{name}' must be a list of one or more values", where(name), text))
            for checked_path, contract in contracts.items():
                symbol = contract.symbols.get(name)
                if symbol is None or symbol.kind not in kinds:
                    raise ContractError(Diagnostic(
                        f"{checked_path} has no {kinds[0]} '{name}'", where(name), text))
                for value in listed:
                    coerce(value, symbol.type, what=f"{kinds[0]} '{name}'", span=where(name), text=text,
                           zone=contract.time_zone)
            axes.append([(table, name, value) for value in listed])
    if "prices" in data:
        listed = data["prices"]
        if not isinstance(listed, list) or not listed or not all(isinstance(v, str) for v in listed):
            raise ContractError(Diagnostic("'prices' must be a list of price series (CSV files)", where("prices"),
                                           text))
        series = [os.path.normpath(resolve_reference(name, path, extensions=(".csv",), role="the price series",
                                                     span=where("prices"), text=text)) for name in listed]
        for name in series:
            load_price_csv(name)  # a bad series stops the batch here, before any pair runs
        axes.append([("prices", None, name) for name in series])
    combinations = math.prod(len(axis) for axis in axes)
    if combinations > MAX_GRID_COMBINATIONS:  # said at the list that takes the product over the limit
        over = next(axis for count, axis in enumerate(axes, start=1)
                    if math.prod(len(each) for each in axes[:count]) > MAX_GRID_COMBINATIONS)
        sizes = " × ".join(f"{len(axis):,}" for axis in axes)
        raise ContractError(Diagnostic(f"the grid names {combinations:,} combinations ({sizes}): at most "
                                       f"{MAX_GRID_COMBINATIONS:,} are run", where(over[0][1] or "prices"), text))
    variations = []
    for combination in itertools.product(*axes):
        params = tuple((name, value) for table, name, value in combination if table == "params")
        assume = tuple((name, value) for table, name, value in combination if table == "assume")
        prices = next((value for table, _, value in combination if table == "prices"), None)
        variations.append(Variation(params, assume, prices))
    return variations


def plan(contract_paths, scenario_patterns, grid_path: str | None = None) -> list[Task]:
    """Every pair to evaluate, in the order rows are written; a contract in error stops here (exit 1)."""
    contracts, problems = {}, []
    for path in contract_paths:
        try:
            contracts[path] = checked_contract(path)
        except ContractError as problem:
            problems += problem.diagnostics
    if problems:
        raise ContractError(problems)
    scenarios = scenario_paths(scenario_patterns)
    variations = read_grid(grid_path, contracts) if grid_path else [Variation()]
    return [Task(contract, scenario, variation)
            for contract in contract_paths for scenario in scenarios for variation in variations]


def chunks(tasks: list[Task], workers: int) -> list[list[Task]]:
    """Chunks small enough to share the work among the workers, large enough to be worth sending."""
    size = max(1, min(MOST_IN_A_CHUNK, -(-len(tasks) // (workers * 4))))
    return [tasks[start:start + size] for start in range(0, len(tasks), size)]


# ------------------------------------------------------------------ evaluating (in a worker)


@lru_cache(maxsize=None)
def _contract(path: str):
    return checked_contract(path)


@lru_cache(maxsize=64)
def _scenario(path: str):
    return load_scenario(path)


@lru_cache(maxsize=16)
def _prices(path: str):
    return load_price_csv(path)


def evaluate_task(task: Task) -> list[dict]:
    """The rows of one pair: its effects and state, or an error row for each problem of its scenario."""
    identity = {"contract": task.contract, "scenario": task.scenario, "varying": task.variation.label()}
    try:
        contract = _contract(task.contract)
        inputs = inputs_for(contract, _scenario(task.scenario), dict(task.variation.params),
                            dict(task.variation.assume), None)
        if task.variation.prices is not None:
            replace_price_series(contract, inputs, _prices(task.variation.prices))
        return result_rows(evaluate(contract, inputs), **identity)
    except ContractError as problem:
        return [error_row(diagnostic, **identity) for diagnostic in problem.diagnostics]
    except RecursionError:
        return [error_row(Diagnostic("the input is nested too deeply to evaluate"), **identity)]


def evaluate_chunk(chunk: list[Task]) -> list[list[dict]]:
    """What a worker is given: the rows of each pair of a chunk, in order."""
    return [evaluate_task(task) for task in chunk]


def written_chunk(chunk: list[Task], extension: str) -> tuple[object, "Summary"]:
    """What a worker sends back: the chunk's rows already written as text (as rows for .parquet), and its
    counts, so that the parent only appends them; with fast scenarios, writing rows was its bottleneck."""
    results = evaluate_chunk(chunk)
    counts = Summary()
    _count(counts, results)
    rows = [row for pair in results for row in pair]
    if extension == ".parquet":
        return rows, counts
    return (csv_text(rows, header=False) if extension == ".csv" else jsonl_text(rows)), counts


# ------------------------------------------------------------------ engines


def local_engine(jobs: int):
    """A process pool over `jobs` cores (in this process for one), chunks returned in order."""
    def results(work, job=evaluate_chunk):
        if jobs == 1:
            yield from map(job, work)
            return
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs, initializer=_leave_interrupts_to_the_parent) as pool:
            try:
                yield from pool.map(job, work)
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise

    return results


def _leave_interrupts_to_the_parent() -> None:
    """A worker ignores Ctrl-C: the parent stops the pool and says what was kept, with no worker's traceback."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def dask_engine(client):
    """The same function over the chunks on a Dask distributed cluster; results taken in planned order."""
    def results(work, job=evaluate_chunk):
        futures = client.map(job, work, pure=False)
        try:
            for future in futures:
                yield future.result()
        finally:
            client.cancel(futures)

    return results


def dask_client(address: str | None, jobs: int, timeout_s: float = 10):
    """A client of the scheduler at `address`, or of a local cluster of `jobs` single-threaded workers."""
    from dask.distributed import Client, LocalCluster

    if address:
        try:
            return Client(address, timeout=timeout_s)
        except (OSError, TimeoutError) as problem:
            raise ContractError(Diagnostic(f"cannot reach the Dask scheduler at {address} ({problem})")) from None
    cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, dashboard_address=None)
    return Client(cluster)


# ------------------------------------------------------------------ writing


def _pairs_written(path: Path, extension: str) -> tuple[set, int]:
    """The pairs an earlier run wrote to `path`, and the byte offset where its last pair starts.

    The last pair is written again: rows are appended a chunk at a time, and
    an interruption may have cut into that pair's rows."""
    text = path.read_bytes().decode("utf-8", errors="replace") if path.exists() else ""
    records: list[tuple[tuple, int]] = []  # (pair, byte offset of the row)
    body_start = 0
    if extension == ".jsonl":
        lines = text.splitlines(keepends=True)
        rows = (_json_row(line) for line in lines)
    else:
        header = csv_header()
        if not text.startswith(header):
            if text.strip():
                raise ContractError(Diagnostic(f"cannot resume: {path} is not the CSV of a batch (its header differs)",
                                               Span(str(path), 1, 1), text))
            return set(), 0
        body_start = len(header.encode("utf-8"))
        lines = io.StringIO(text[len(header):], newline="").readlines()
        rows = _csv_rows(lines)
    offset = body_start
    for row, size in rows:
        if row is None:
            break
        records.append(((row[0], row[1], row[2]), offset))
        offset += size
    if not records:
        return set(), body_start
    last = records[-1][0]
    cut = next(start for pair, start in records if pair == last)
    return {pair for pair, _ in records if pair != last}, cut


def _json_row(line: str):
    """(contract, scenario, varying) of a complete line and its size in bytes; None for a line cut short."""
    try:
        row = json.loads(line) if line.endswith("\n") else None
    except json.JSONDecodeError:
        row = None
    if not isinstance(row, dict):
        return None, 0
    return (row.get("contract"), row.get("scenario"), row.get("varying", "")), len(line.encode("utf-8"))


def _csv_rows(lines: list[str]):
    """Each complete CSV record with its size in bytes (a quoted field may span lines); None once one is cut."""
    consumed, last_line = [0], [""]

    def counted():
        for line in lines:
            consumed[0] += len(line.encode("utf-8"))
            last_line[0] = line
            yield line

    reader = csv.reader(counted())
    while True:
        before = consumed[0]
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            row = None
        if row is None or len(row) != len(COLUMNS) or not last_line[0].endswith("\n"):
            yield None, 0
            return
        yield row, consumed[0] - before


def run_batch(tasks: list[Task], out_path: str, engine, workers: int, resume: bool = False,
              progress: bool = False) -> Summary:
    """Evaluate the tasks with `engine` (local_engine or dask_engine) and write their rows to `out_path`.

    `.jsonl` and `.csv` are appended a chunk at a time, so what is written
    stays written; `.parquet` is written whole at the end."""
    path = Path(out_path)
    extension = path.suffix.lower()
    if extension not in OUTPUT_FORMATS:
        raise CommandLineError(Diagnostic(f"--out: {out_path!r} must end in {', '.join(OUTPUT_FORMATS)}"))
    if extension == ".parquet" and resume:
        raise CommandLineError(Diagnostic("--resume: a .parquet file is written whole at the end; "
                                          "resume a .jsonl or .csv batch"))
    if extension == ".parquet":
        _pyarrow()
    started = time.perf_counter()
    with _writing(path):
        done = _prepare(path, extension, resume)
    todo = [task for task in tasks if task.key() not in done]
    summary = Summary(skipped=len(tasks) - len(todo))
    work = chunks(todo, workers)
    collected: list[dict] = []
    from tqdm import tqdm

    with tqdm(total=len(todo), unit="scenario", disable=not progress, leave=False) as bar, _writing(path):
        output = open(path, "a", encoding="utf-8", newline="") if extension != ".parquet" else None
        # closed here, not left to the collector: a pool left open shuts down as the interpreter exits,
        # when its thread may find its pipes already closed
        results = engine(work, partial(written_chunk, extension=extension))
        try:
            for (written, counts), chunk in zip(results, work):
                for field in ("scenarios", "effects", "rejections", "errors"):
                    setattr(summary, field, getattr(summary, field) + getattr(counts, field))
                if output is None:
                    collected += written
                else:
                    output.write(written)
                    output.flush()
                bar.update(len(chunk))
        finally:
            results.close()
            if output is not None:
                output.close()
        if output is None:
            _write_parquet(path, collected)
    summary.seconds = time.perf_counter() - started
    return summary


@contextmanager
def _writing(path: Path):
    """An output file that cannot be read or written (no such folder, a full disk) is a diagnostic, not a traceback."""
    try:
        yield
    except OSError as problem:
        raise ContractError(Diagnostic(f"cannot write {path}: {problem.strerror or problem}")) from None


def _prepare(path: Path, extension: str, resume: bool) -> set:
    """Start the output afresh, or cut it back to its last whole pair to resume; the pairs it keeps."""
    if resume and path.exists():
        done, cut = _pairs_written(path, extension)
        with open(path, "r+b") as existing:
            existing.truncate(cut)
        if extension == ".csv" and cut == 0:
            path.write_text(csv_header(), encoding="utf-8", newline="")
        return done
    if extension != ".parquet":
        path.write_text(csv_header() if extension == ".csv" else "", encoding="utf-8", newline="")
    return set()


def _count(summary: Summary, results: list[list[dict]]) -> None:
    for pair in results:
        summary.scenarios += 1
        kinds = [row["kind"] for row in pair]
        summary.errors += "error" in kinds
        summary.rejections += kinds.count("rejection")
        summary.effects += sum(kind not in ("state", "error") for kind in kinds)


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ContractError(Diagnostic("writing .parquet needs pyarrow: pip install 'contractlang[parquet]'")) \
            from None
    return pyarrow


def _write_parquet(path: Path, rows: list[dict]) -> None:
    """All rows as one table of text columns (exact figures stay text), written beside and renamed into place."""
    pyarrow = _pyarrow()
    schema = pyarrow.schema([(column, pyarrow.string()) for column in COLUMNS])
    table = pyarrow.Table.from_pylist(rows, schema=schema)
    partial = path.with_name(path.name + ".partial")
    pyarrow.parquet.write_table(table, partial)
    os.replace(partial, path)
