"""The parameters a run used, for the table: each value with where it came from and the clause that declares it."""

from __future__ import annotations

from decimal import localcontext

from ..language import ast
from ..language import types as T
from ..runtime.explain import plain_text
from ..runtime.interpreter import Run
from ..stdlib import exact


def parameters_in_force(contract, inputs) -> dict[str, dict]:
    """Every parameter with its value as results show it, its source (`contract`, `scenario`,
    `command line`) and its clause: the table lists them beside the assumptions, since a
    scenario's outcome depends on both."""
    run = Run(contract, inputs)
    with localcontext(exact.EXACT):
        run.bind_settings()
    found = {}
    for symbol in contract.symbols.values():
        if symbol.kind != "parameter":
            continue
        given = inputs.params.get(symbol.name)
        value = run.globals[symbol.name]
        shown = plain_text(value, symbol.type, contract.currencies)
        if value is not None and isinstance(symbol.type, T.Number) and not symbol.type.unit.is_plain:
            shown += f" {symbol.type.unit}"  # 1.60 USD per common, as the contract writes it
        found[symbol.name] = {
            "value": shown,
            "source": given.source if given is not None else "contract",
            "clause": symbol.section,
        }
    return found


def rates(contract) -> set[str]:
    """Parameters and assumptions whose contract writes them as a percentage: the table shows them so."""
    return {symbol.name for symbol in contract.symbols.values()
            if symbol.kind in ("parameter", "assumption") and isinstance(symbol.node.default, ast.PercentLit)}
