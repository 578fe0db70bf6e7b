"""Invariants: properties of every run, checked over generated scenarios and, when relational, a varied second run.

A relational invariant (`over a later horizon`, `over the scenario without
its rejected events`, `over the scenario with EVENT {...} before each EVENT`,
`over the scenario with NAME raised by 10%`) sees a second run, `varied`, of a
scenario derived from the first.
"""

from __future__ import annotations

from datetime import date, timedelta

import attrs

from ..language import ast
from ..language.printer import expr
from ..runtime.explain import plain_text
from ..runtime.interpreter import Run
from ..runtime.values import CheckFailed, Inputs, PreconditionFailed
from .generation import Generated
from .views import RunView, explain_failure, shown, view_frame


class Discard(Exception):
    """A generated scenario the contract refuses as input (a precondition): not a counterexample."""


def evaluate_generated(contract, generated: Generated):
    inputs = generated.inputs(contract)
    run = Run(contract, inputs, keep_history=True)
    try:
        result = run.run()
    except PreconditionFailed:
        raise Discard()
    return run, result, inputs


def vary(contract, generated: Generated, variation: ast.Variation, base_run, base_result) -> Generated:
    """The second scenario of a relational invariant."""
    if variation.kind == "parameter_changed":
        return _with_changed_setting(contract, generated, variation, base_run)
    if variation.kind == "later_horizon":
        until = generated.until
        if until is None:
            until = base_result.until
        # 400 days later, or the calendar's last day when that is nearer
        later = until + timedelta(days=400) if until <= date.max - timedelta(days=400) else date.max
        return attrs.evolve(generated, until=later)
    if variation.kind == "without_rejected":
        rejected = {e.cause for e in base_result.effects if e.kind == "rejection" and e.cause is not None}
        kept = [event if i not in rejected else None for i, event in enumerate(generated.events, 1)]
        # keep each event's position so that causes still name the same events
        return attrs.evolve(generated, events=[e if e is not None else ("__removed__", None, {}) for e in kept])

    evaluator = Run(contract, Inputs())
    frame = evaluator.global_frame("variation")
    spec = contract.events[variation.event]
    inserted_fields = {name: field.default for name, field in spec.fields.items()}
    inserted_fields.update({f.name: evaluator.evaluate(f.value, frame) for f in variation.fields})
    events = []
    for event in generated.events:
        if event[0] == variation.before:
            events.append((variation.event, event[1], dict(inserted_fields)))
        events.append(event)
    return attrs.evolve(generated, events=events)


def _with_changed_setting(contract, generated: Generated, variation: ast.Variation, base_run) -> Generated:
    """The scenario with one parameter or assumption changed from the value the first run had.

    `raised by 10%` multiplies by 1.10 and `lowered by 10%` by 0.90; an amount of the setting's own
    type (`raised by 1_000.00 USD`, `raised by 0.005`) is added or taken away; `set to` replaces it."""
    evaluator = Run(contract, Inputs())
    amount = evaluator.evaluate(variation.amount, evaluator.global_frame("variation"))
    before = base_run.globals[variation.event]
    if variation.change == "set to":
        changed = amount
    elif isinstance(variation.amount, ast.PercentLit):
        changed = before * (1 + amount if variation.change == "raised by" else 1 - amount)
    else:
        changed = before + amount if variation.change == "raised by" else before - amount
    if contract.symbols[variation.event].kind == "assumption":
        return attrs.evolve(generated, assumptions={**generated.assumptions, variation.event: changed})
    return attrs.evolve(generated, params={**generated.params, variation.event: changed})


def changed_setting_option(contract, generated: Generated, variation: ast.Variation) -> str:
    """`--set NAME=VALUE` (or `--assume`) that makes `contract eval` run a failure's varied scenario."""
    run, _, _ = evaluate_generated(contract, generated)
    varied = _with_changed_setting(contract, generated, variation, run)
    symbol = contract.symbols[variation.event]
    values = varied.assumptions if symbol.kind == "assumption" else varied.params
    option = "--assume" if symbol.kind == "assumption" else "--set"
    return f"{option} {variation.event}={plain_text(values[variation.event], symbol.type, contract.currencies)}"


def _inputs_skipping_removed(contract, generated: Generated):
    inputs = generated.inputs(contract)
    inputs.events = [e for e in inputs.events if e.type != "__removed__"]
    return inputs


def check_invariant(contract, item: ast.Invariant, clause: str, generated: Generated,
                    evaluated: tuple | None = None) -> str | None:
    """None when the invariant holds on this scenario, else what failed (`evaluated`: the scenario's run,
    result and inputs when several invariants look at one run)."""
    run, result, inputs = evaluated or evaluate_generated(contract, generated)
    varied = None
    if item.variation is not None:
        other = vary(contract, generated, item.variation, run, result)
        other_run = Run(contract, _inputs_skipping_removed(contract, other))
        try:
            other_result = other_run.run()
        except PreconditionFailed:
            raise Discard()
        varied = RunView(other_run, other_result)
    frame = view_frame(run, result, inputs.events, clause, varied)
    try:
        _execute_explained(run, item.body, frame, ())
    except CheckFailed as failed:
        return failed.message
    return None


def _execute_explained(run, statements, frame, loops: tuple) -> None:
    """An invariant's body as the interpreter runs it, except that a false `check` says why.

    The structure (`for`, `if`, `§X`) is walked here so that, where a check fails, its operands
    can be evaluated in the names it saw and the loop variables of the step it failed at shown."""
    for statement in statements:
        if isinstance(statement, ast.Check):
            run.charge(1, statement, frame)
            if not run.evaluate(statement.condition, frame):
                raise CheckFailed(_why(run, statement, frame, loops), frame.clause)
        elif isinstance(statement, ast.ForEach):
            run.charge(1, statement, frame)
            values = run.evaluate(statement.source, frame)
            run.charge(len(values), statement, frame)
            for value in values:
                inner = frame.child()
                inner.locals[statement.variable] = value
                _execute_explained(run, statement.body, inner, loops + (statement.variable,))
        elif isinstance(statement, ast.If):
            run.charge(1, statement, frame)
            chosen = next((body for condition, body in statement.branches if run.evaluate(condition, frame)),
                          statement.otherwise)
            if chosen is not None:
                _execute_explained(run, chosen, frame.child(), loops)
        elif isinstance(statement, ast.Cite):
            _execute_explained(run, statement.body, attrs.evolve(frame, clause=statement.section), loops)
        else:
            run.execute([statement], frame)


def _why(run, check: ast.Check, frame, loops: tuple) -> str:
    """The message of a failed check, then where it failed, its operands' values and the records behind them."""
    where = f"line {check.span.line}, " if check.span else ""
    found = [f"{name} = {shown(frame.locals[name])}" for name in loops] + explain_failure(run, check.condition, frame)
    lines = [check.message, f"  {where}{frame.clause}: check {expr(check.condition)}" + (", but" if found else "")]
    lines += [f"    {line}" for line in found]
    return "\n".join(lines)
