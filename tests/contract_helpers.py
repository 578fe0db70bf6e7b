"""Helpers the language's tests share: the command line in process, a file written, a scenario's JSON result,
an invariant checked on one scenario, a contract's problems, the contract of a bundled scenario."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from contractlang.cli import main
from contractlang.diagnostics import ContractError
from contractlang.inputs.binding import inputs_for
from contractlang.inputs.scenario import load_scenario
from contractlang.language import ast
from contractlang.language.checker import check, load
from contractlang.language.parser import parse
from contractlang.runtime.interpreter import Run
from contractlang.testing.invariants import check_invariant

HEADER = 'contract "test"\ncurrency USD\nsecurity common\n'
# the contract of each bundled scenario, by the prefix of the scenario's name
CONTRACT_OF = {
    "nstor_2002_": "contracts/nstor_2002_subordinated_note.contract",
    "nstor_2003_": "contracts/nstor_2003_convertible_note.contract",
    "series_h_": "contracts/nstor_series_h_preferred.contract",
    "bond_": "contracts/examples/fixed_rate_bond.contract",
    "safe_": "contracts/examples/safe.contract",
    "warrant_": "contracts/examples/warrant.contract",
    "frn_": "contracts/examples/floating_rate_note.contract",
}


def contract_for(scenario: Path) -> str:
    for prefix, contract in CONTRACT_OF.items():
        if scenario.name.startswith(prefix):
            return contract
    raise AssertionError(f"no contract for {scenario.name}: name it after its instrument")


def run(*args: str):
    """`contract ARGS...`: its exit status, standard output and standard error."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def evaluated(contract_path: str, scenario_path: str) -> dict:
    """The JSON result of `contract eval` of one scenario file, which must evaluate without error."""
    status, out, err = run("eval", contract_path, scenario_path, "--format", "json")
    assert status == 0, err
    return json.loads(out)


def invariant_failure(contract_path: str, scenario_path: str, name: str) -> str | None:
    """What the contract's invariant NAME finds wrong with one scenario (None: it holds), so that a
    scenario `contract test` may never draw is checked all the same."""
    contract = load(contract_path)
    [(clause, item)] = [(item.cites or section.label, item) for section in contract.tree.sections
                        for item in section.items if isinstance(item, ast.Invariant) and item.name == name]
    inputs = inputs_for(contract, load_scenario(scenario_path), {}, {}, None)
    evaluation = Run(contract, inputs, keep_history=True)
    return check_invariant(contract, item, clause, None, evaluated=(evaluation, evaluation.run(), inputs))


def problems(body: str) -> list[str]:
    """The checker's diagnostics, rendered, of HEADER followed by `body`."""
    text = HEADER + body
    with pytest.raises(ContractError) as caught:
        check(parse(text, "t.contract"), "t.contract", text)
    return [d.render() for d in caught.value.diagnostics]


# two rules of one day in different sections, the later reading what the earlier changed
ORDER = HEADER + '''§1 "Redemption" {
  term holder = "H"
  state principal: USD = 100 USD
  on 2024-06-01 {
    pay principal from holder to holder as principal
    set principal = 0 USD
  }
}
§2 "Interest" {
  on 2024-06-01 {
    pay principal * 5% from holder to holder as interest
  }
}
'''
