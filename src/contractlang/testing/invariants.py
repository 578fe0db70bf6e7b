"""Invariants: properties of every run, checked over generated scenarios and, when relational, a varied second run.

A relational invariant (`over a later horizon`, `over the scenario without
its rejected events`, `over the scenario with EVENT {...} before each EVENT`)
sees a second run, `varied`, of a scenario derived from the first.
"""

from __future__ import annotations

from datetime import timedelta

import attrs

from ..language import ast
from ..runtime.interpreter import Run
from ..runtime.values import CheckFailed, Inputs, PreconditionFailed
from .generation import Generated
from .views import RunView, view_frame


class Discard(Exception):
    """A generated scenario the contract refuses as input (a precondition): not a counterexample."""


def evaluate_generated(contract, generated: Generated):
    inputs = generated.inputs(contract)
    run = Run(contract, inputs)
    try:
        result = run.run()
    except PreconditionFailed:
        raise Discard()
    return run, result, inputs


def vary(contract, generated: Generated, variation: ast.Variation, base_result) -> Generated:
    """The second scenario of a relational invariant."""
    if variation.kind == "later_horizon":
        until = generated.until
        if until is None:
            until = base_result.until
        return attrs.evolve(generated, until=until + timedelta(days=400))
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


def _inputs_skipping_removed(contract, generated: Generated):
    inputs = generated.inputs(contract)
    inputs.events = [e for e in inputs.events if e.type != "__removed__"]
    return inputs


def check_invariant(contract, item: ast.Invariant, clause: str, generated: Generated) -> str | None:
    """None when the invariant holds on this scenario, else what failed."""
    run, result, inputs = evaluate_generated(contract, generated)
    varied = None
    if item.variation is not None:
        other = vary(contract, generated, item.variation, result)
        other_run = Run(contract, _inputs_skipping_removed(contract, other))
        try:
            other_result = other_run.run()
        except PreconditionFailed:
            raise Discard()
        varied = RunView(other_run, other_result)
    frame = view_frame(run, result, inputs.events, clause, varied)
    try:
        run.execute(item.body, frame)
    except CheckFailed as failed:
        return failed.message
    return None
