"""Examples: a scenario written in the contract (or a file it names) and expectations in literal figures."""

from __future__ import annotations

from .. import records
from ..diagnostics import ContractError
from ..files import resolve_reference
from ..inputs.binding import inputs_for
from ..inputs.scenario import BoundEvent, load_scenario
from ..language import ast
from ..language.printer import expr
from ..runtime.interpreter import Run
from ..runtime.values import Inputs, Setting
from .views import explain_failure, view_frame


@records.define
class Failure:
    kind: str  # "example" or "invariant"
    name: str
    clause: str
    message: str
    counterexample: str | None = None  # path of the scenario written


def _example_inputs(contract, item: ast.Example):
    """Inputs for an example: its scenario file (if any), then its own givens over it."""
    evaluator = Run(contract, Inputs())
    frame = evaluator.global_frame("example")
    inputs = Inputs()
    for given in item.items:
        if isinstance(given, ast.GivenScenario):
            # named relative to the contract and checked before it is read; its text is never shown,
            # since the contract could name any file
            path = resolve_reference(given.path, contract.path, extensions=(".toml", ".json"),
                                     role="the example's scenario", span=given.span, text=contract.text)
            inputs = inputs_for(contract, load_scenario(path, echo=False), {}, {}, None)
    market = next((s.name for s in contract.symbols.values() if s.kind == "market"), None)
    # the example's prices are of the contract's first market, as the checker reads them, over the series its
    # scenario gives for that market (as `prices` or by name)
    prices = dict(inputs.markets.get(market) or inputs.prices or {})
    events = list(inputs.events)
    for given in item.items:
        if isinstance(given, ast.GivenUntil):
            inputs.until = evaluator.evaluate(given.value, frame)
        elif isinstance(given, ast.GivenParam):
            inputs.params[given.name] = Setting(evaluator.evaluate(given.value, frame), "scenario", given.span)
        elif isinstance(given, ast.GivenAssume):
            inputs.assumptions[given.name] = Setting(evaluator.evaluate(given.value, frame), "scenario", given.span)
        elif isinstance(given, ast.GivenPrice):
            prices[evaluator.evaluate(given.date, frame)] = evaluator.evaluate(given.price, frame)
        elif isinstance(given, ast.GivenEvent):
            spec = contract.events[given.type]
            fields = {name: field.default for name, field in spec.fields.items()}
            fields.update({f.name: evaluator.evaluate(f.value, frame) for f in given.fields})
            events.append(BoundEvent(len(events) + 1, given.type, evaluator.evaluate(given.date, frame), fields,
                                     given.span))
    if market is not None:
        inputs.markets[market] = prices
    inputs.events = events
    return inputs


def run_example(contract, item: ast.Example, clause: str) -> list[str]:
    """The expectations of an example that do not hold (empty when it passes), each with the values it saw."""
    inputs = _example_inputs(contract, item)
    run = Run(contract, inputs, keep_history=True)
    try:
        result = run.run()
    except ContractError:
        raise
    except Exception as problem:  # a contract that divides by zero, say: a failure, not a crash
        return [f"the example could not be evaluated: {type(problem).__name__}: {problem}"]
    frame = view_frame(run, result, inputs.events, clause)
    failed = []
    for given in item.items:
        if isinstance(given, ast.Expectation) and not run.evaluate(given.condition, frame):
            where = f"line {given.span.line}: " if given.span else ""
            found = explain_failure(run, given.condition, frame)
            failed.append("\n".join([f"{where}expected {expr(given.condition)}" + (", but" if found else "")]
                                    + [f"  {line}" for line in found]))
    return failed
