"""`contract test`: each contract's examples, then each invariant over generated scenarios, with a summary."""

from __future__ import annotations

import re
import time
import warnings
from pathlib import Path

import click
from hypothesis import HealthCheck, Phase, assume, given, note, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.errors import HypothesisWarning, Unsatisfiable

from ..diagnostics import ContractError, Diagnostic
from ..language import ast
from ..language.loading import checked_contract
from ..language.printer import variation as variation_text
from .counterexamples import scenario_text, write_counterexample
from .examples import Failure, run_example
from .generation import Generator, keep_hypothesis_files_in_cache
from .invariants import Discard, changed_setting_option, check_invariant, evaluate_generated
from .shrinking import smallest


def _properties(contract):
    """Each example and invariant with the clause it cites (else the section it stands in)."""
    for section in contract.tree.sections:
        for item in section.items:
            if isinstance(item, (ast.Example, ast.Invariant)):
                yield item.cites or section.label, item


def test_contract(contract, max_examples: int, seed: int, out_dir: str, echo, color: bool = False,
                  only: str | None = None, fail_fast: bool = False) -> tuple[list[Failure], int, int]:
    """Run one contract's examples and invariants. Returns the failures, properties run and scenarios tried."""
    def style(text, **how):
        return click.style(text, **how) if color else text

    failures: list[Failure] = []
    tried = 0
    count = 0
    generator = None
    plain = [(clause, item) for clause, item in _properties(contract) if isinstance(item, ast.Invariant)
             and (only is None or item.name == only)]
    shared = _shared_pass(contract, plain, max_examples, seed, color) if plain else None
    for clause, item in _properties(contract):
        if only is not None and item.name != only:
            continue
        if fail_fast and failures:
            break
        count += 1
        started = time.perf_counter()
        if isinstance(item, ast.Example):
            try:
                failed = run_example(contract, item, clause)
            except ContractError as problem:
                failed = [problem.render()]
            tried += 1
            if failed:
                failures.append(Failure("example", item.name, clause, "; ".join(failed)))
                echo(style(f"  FAIL example {item.name!r} ({clause})", fg="red"))
                for line in "\n".join(failed).splitlines():
                    echo(f"       {line}")
            else:
                echo(f"  ok   example {item.name!r} ({clause})")
            continue
        if shared is not None and item.name not in shared.failed:
            # it held on every scenario of the pass it shared with the other invariants of the contract
            runs = shared.runs - shared.discarded.get(item.name, 0)
            echo(f"  ok   invariant {item.name!r} ({clause}): {runs} scenarios, "
                 f"{shared.seconds.get(item.name, 0.0) + shared.evaluation / len(plain):.1f}s")
            tried += runs
            continue
        if generator is None:
            generator = Generator(contract)
        found: dict = {}
        runs = [0]

        @settings(max_examples=max_examples, deadline=None, database=None, derandomize=False,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink])
        @hypothesis_seed(seed)
        @given(generator.scenarios())
        def holds(generated):
            runs[0] += 1
            if color and runs[0] % 10 == 0:  # a terminal: show progress on the line of the property
                done = (f"a failure found, making it smaller ({runs[0]} scenarios)" if found
                        else f"{min(runs[0], max_examples)}/{max_examples} scenarios")
                click.echo(f"\r\033[K  ...  invariant {item.name[:60]!r}: {done}", nl=False)
            try:
                message = _failure(contract, item, clause, generated)
            except Discard:
                assume(False)
                return
            if message is not None:
                found["generated"] = generated
                found["message"] = message
                note(message)
                raise AssertionError(message)

        try:
            with warnings.catch_warnings():  # the library's advice is for its own users, not a contract's
                warnings.simplefilter("ignore", HypothesisWarning)
                try:
                    holds()
                except Unsatisfiable:
                    raise _nothing_generated(contract, generator, item) from None
            if color:
                click.echo("\r\033[K", nl=False)
            echo(f"  ok   invariant {item.name!r} ({clause}): {runs[0]} scenarios, "
                 f"{time.perf_counter() - started:.1f}s")
        except AssertionError:
            if color:
                click.echo("\r\033[K", nl=False)
            echo(style(f"  FAIL invariant {item.name!r} ({clause})", fg="red"))
            found["generated"], found["message"] = smallest(
                found["generated"], lambda scenario: _failure_or_pass(contract, item, clause, scenario),
                found["message"])
            for line in found["message"].splitlines():
                echo(f"       {line}")
            stem = f"{Path(contract.path).stem}-{_slug(item.name)}"
            written = write_counterexample(contract, found["generated"], f"counterexample: {item.name}", out_dir, stem)
            failures.append(Failure("invariant", item.name, clause, found["message"], written))
            echo(f"       counterexample: {written}")
            echo("       reproduce with: contract eval " + contract.path + " " + written
                 + (" (and its variation: " + _describe_variation(item.variation) + ")" if item.variation else ""))
            if item.variation is not None and item.variation.kind == "parameter_changed":
                echo(f"       the varied run: contract eval {contract.path} {written} "
                     + changed_setting_option(contract, found["generated"], item.variation))
            for line in scenario_text(contract, found["generated"], "counterexample", None).splitlines()[1:]:
                echo(f"         {line}")
        tried += runs[0]
    return failures, count, tried


def _failure(contract, item: ast.Invariant, clause: str, generated) -> str | None:
    """What an invariant's failure on a scenario says (None when it holds); Discard for a scenario refused."""
    try:
        return check_invariant(contract, item, clause, generated)
    except ContractError as problem:
        return "the scenario could not be evaluated: " + problem.diagnostics[0].message
    except (ArithmeticError, ValueError) as problem:
        return f"the scenario could not be evaluated: {type(problem).__name__}: {problem}"


def _failure_or_pass(contract, item: ast.Invariant, clause: str, generated) -> str | None:
    """As _failure, a scenario the contract refuses counting as one that passes."""
    try:
        return _failure(contract, item, clause, generated)
    except Discard:
        return None


class _SharedPass:
    """What one pass over generated scenarios found for a contract's invariants: each scenario is drawn and
    run once, and every invariant looks at that run (one that compares runs makes its second run from it).
    The invariants that failed on some scenario are then run on their own, so that hypothesis makes their
    counterexample small."""

    def __init__(self):
        self.runs = 0
        self.failed: set[str] = set()
        self.discarded: dict[str, int] = {}  # scenarios an invariant's second run could not take
        self.seconds: dict[str, float] = {}
        self.evaluation = 0.0


def _shared_pass(contract, invariants, max_examples: int, seed: int, color: bool) -> _SharedPass:
    shared = _SharedPass()
    generator = Generator(contract)
    counts = _counted(contract, generator)
    if counts and generator.narrowed[(counts[0].name, "count")][1] > MOST_EVENTS_OF_A_TYPE:
        raise _too_many(contract, generator, counts[0])

    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @hypothesis_seed(seed)
    @given(generator.scenarios())
    def every_one(generated):
        started = time.perf_counter()
        try:
            evaluated = evaluate_generated(contract, generated)
        except Discard:
            assume(False)
            return
        except (ContractError, ArithmeticError, ValueError):
            shared.failed.update(item.name for _, item in invariants)  # each says why on its own run
            return
        shared.evaluation += time.perf_counter() - started
        shared.runs += 1
        if color and shared.runs % 10 == 0:
            click.echo(f"\r\033[K  ...  {len(invariants)} invariants: {shared.runs}/{max_examples} scenarios", nl=False)
        for clause, item in invariants:
            if item.name in shared.failed:
                continue
            started = time.perf_counter()
            try:
                failed = check_invariant(contract, item, clause, generated, evaluated) is not None
            except Discard:  # the varied scenario breaks a precondition: not a scenario for this invariant
                shared.discarded[item.name] = shared.discarded.get(item.name, 0) + 1
                failed = False
            except (ContractError, ArithmeticError, ValueError):
                failed = True
            shared.seconds[item.name] = shared.seconds.get(item.name, 0.0) + time.perf_counter() - started
            if failed:
                shared.failed.add(item.name)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HypothesisWarning)
        try:
            every_one()
        except Unsatisfiable:
            raise _nothing_generated(contract, generator, invariants[0][1]) from None
    if color:
        click.echo("\r\033[K", nl=False)
    return shared


MOST_EVENTS_OF_A_TYPE = 500  # measured: 500 events of a type are drawn in under a second, 2,000 never are


def _counted(contract, generator: Generator) -> list[ast.Generate]:
    """The `generate EVENT.count from A to B` lines, the one that asks for the most events first."""
    counts = [item for section in contract.tree.sections for item in section.items
              if isinstance(item, ast.Generate) and item.field == "count"
              and (item.name, "count") in generator.narrowed]
    return sorted(counts, key=lambda item: -generator.narrowed[(item.name, "count")][1])


def _too_many(contract, generator: Generator, item: ast.Generate) -> ContractError:
    most = generator.narrowed[(item.name, "count")][1]
    return ContractError(Diagnostic(f"a generated scenario cannot hold {most:,} events of type {item.name}: "
                                    f"at most {MOST_EVENTS_OF_A_TYPE:,} of a type are drawn", item.span,
                                    contract.text))


def _nothing_generated(contract, generator: Generator, invariant: ast.Invariant) -> ContractError:
    """Hypothesis drew no scenario at all: said at the `generate EVENT.count` line that asks for the
    most events (together they may be more than one scenario holds), else at the invariant, every
    scenario of which the contract refused."""
    counts = _counted(contract, generator)
    if counts:
        largest = counts[0]
        most = generator.narrowed[(largest.name, "count")][1]
        return ContractError(Diagnostic(f"no scenario could be generated: {most:,} events of type {largest.name}, "
                                        "with the others, are more than one generated scenario holds; lower the "
                                        "bounds", largest.span, contract.text))
    return ContractError(Diagnostic(f"no scenario could be generated for invariant {invariant.name!r}: the "
                                    "contract refused every one drawn", invariant.span, contract.text))


def _describe_variation(variation: ast.Variation) -> str:
    return variation_text(variation).strip()


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]


def run_tests(paths, max_examples: int, seed: int, out_dir: str, echo, color: bool = False,
              fail_fast: bool = False) -> int:
    """`contract test`: every contract's examples and invariants; the number of failures."""
    keep_hypothesis_files_in_cache()
    started = time.perf_counter()
    total_failures = total_properties = total_tried = 0
    for path in paths:
        contract = checked_contract(path)  # from the cache, as `contract check` keeps it
        echo(f"{path}")
        failures, count, tried = test_contract(contract, max_examples, seed, out_dir, echo, color,
                                               fail_fast=fail_fast)
        if count == 0:
            echo("  (no examples or invariants)")
        total_failures += len(failures)
        total_properties += count
        total_tried += tried
        if fail_fast and failures:
            break
    elapsed = time.perf_counter() - started
    echo(f"{total_properties} propert{'ies' if total_properties != 1 else 'y'}, {total_tried} scenario"
         f"{'s' if total_tried != 1 else ''} tried, {total_failures} failed, {elapsed:.1f}s")
    return total_failures
