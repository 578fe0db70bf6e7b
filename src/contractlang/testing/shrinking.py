"""A failing scenario made smaller after hypothesis has shrunk it, by the steps a reader would take.

Hypothesis shrinks the choices a scenario was drawn from, and an event whose
date was drawn as a span after the one before it cannot be taken out without
moving the others: it stops with events the failure does not need (two
rejected redemptions beside the one accepted). Here each event is taken out
in turn, each parameter set back to its default and the horizon back to the
contract's own, and a step is kept when the same check still fails.
"""

from __future__ import annotations

import attrs

from .generation import Generated


def failure_identity(message: str) -> tuple[str, ...]:
    """What makes two failures the same one: the reason and the check's line, not the values shown."""
    return tuple(message.splitlines()[:2])


def smallest(generated: Generated, failure_of, message: str) -> tuple[Generated, str]:
    """The smallest scenario reached from `generated` that fails as `message` says, with its own message.

    `failure_of(scenario)` is the message of the failure the scenario gives, or None when it passes."""
    wanted = failure_identity(message)

    def still_fails(candidate: Generated) -> str | None:
        found = failure_of(candidate)
        return found if found is not None and failure_identity(found) == wanted else None

    changed = True
    while changed:
        changed = False
        for position in range(len(generated.events)):
            fewer = attrs.evolve(generated, events=generated.events[:position] + generated.events[position + 1:])
            found = still_fails(fewer)
            if found is not None:
                generated, message, changed = fewer, found, True
                break
    for name in list(generated.params):
        defaulted = attrs.evolve(generated, params={k: v for k, v in generated.params.items() if k != name})
        found = still_fails(defaulted)
        if found is not None:
            generated, message = defaulted, found
    if generated.until is not None:
        found = still_fails(attrs.evolve(generated, until=None))
        if found is not None:
            generated, message = attrs.evolve(generated, until=None), found
    return generated, message
