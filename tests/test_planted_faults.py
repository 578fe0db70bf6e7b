"""A fault planted in a copy of each instrument and of each example with events is found by `contract test`,
and the counterexample it writes holds the one event the failure needs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from contractlang.cli import main

ROOT = Path(__file__).resolve().parent.parent

# the contract, the text replaced (the fault: a change of state left out, a max become a min, one share
# too many paid for), the invariant that must catch it, the reason it gives, and the type of the one event
# its counterexample holds
PLANTED = [
    ("contracts/nstor_2002_subordinated_note.contract",
     "    set outstanding_principal = outstanding_principal - principal from today + 1 day\n", "",
     "principal paid, converted and outstanding add up to the principal lent (§3)",
     "principal was created or lost", "CompanyConversion"),
    ("contracts/nstor_2003_convertible_note.contract",
     "    set outstanding_principal = outstanding_principal - conversion.principal from today + 1 day\n", "",
     "principal paid, converted and outstanding add up to the principal lent (§3)",
     "principal was created or lost", "HolderConversion"),
    ("contracts/nstor_series_h_preferred.contract",
     "    set holder_shares = holder_shares - conversion.shares\n", "",
     "the position never holds fewer than no shares nor more than the series",
     "the position's shares left the range of the series", "Conversion"),
    ("contracts/examples/amortising_loan.contract",
     "    set principal = principal - prepayment.amount\n", "",
     "principal repaid and outstanding add up to the amount lent",
     "principal was created or lost", "Prepayment"),
    ("contracts/examples/fixed_rate_bond.contract",
     "    pay outstanding_principal from issuer to holder as redemption\n    set outstanding_principal = 0 USD\n",
     "    pay outstanding_principal from issuer to holder as redemption\n",
     "principal repaid and outstanding add up to the face value",
     "principal was created or lost", "Redemption"),
    ("contracts/examples/floating_rate_note.contract",
     "      pay outstanding_principal from issuer to holder as redemption\n      set outstanding_principal = 0 USD\n",
     "      pay outstanding_principal from issuer to holder as redemption\n",
     "principal repaid and outstanding add up to the face value",
     "principal was created or lost", "RedemptionNotice"),
    ("contracts/examples/safe.contract",
     "pay max(cash_out_amount, conversion_amount)", "pay min(cash_out_amount, conversion_amount)",
     "a Liquidity Event pays at least the Cash-Out Amount the Proceeds cover",
     "the Investor got less than the Cash-Out Amount", "LiquidityEvent"),
    ("contracts/examples/warrant.contract",
     "pay exercise.shares * exercise_price from holder", "pay (exercise.shares + 1 common) * exercise_price from holder",
     "a cash exercise pays the Exercise Price of exactly the shares it issues",
     "the price paid is not the shares' price", "Exercise"),
]


def plant(tmp_path: Path, contract: str, original: str, fault: str) -> Path:
    """A copy of the contract with the fault, where its bundled scenarios are where it looks for them."""
    text = (ROOT / contract).read_text(encoding="utf-8")
    assert text.count(original) == 1, f"{contract} no longer has the text the fault replaces"
    copy = tmp_path / contract
    copy.parent.mkdir(parents=True)
    copy.write_text(text.replace(original, fault), encoding="utf-8")
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    return copy


@pytest.mark.parametrize("contract, original, fault, invariant, reason, event", PLANTED,
                         ids=[Path(p[0]).stem for p in PLANTED])
def test_a_planted_fault_gives_a_counterexample_of_one_event(tmp_path, contract, original, fault, invariant,
                                                            reason, event):
    copy = plant(tmp_path, contract, original, fault)

    result = CliRunner().invoke(main, ["test", str(copy), "--counterexamples", str(tmp_path / "found")])

    assert result.exit_code == 1
    report = result.output.split(f"  FAIL invariant {invariant!r}", 1)
    assert len(report) == 2, result.output
    lines = report[1].splitlines()
    assert lines[1] == f"       {reason}"
    written = next(line.split("counterexample: ", 1)[1] for line in lines if line.startswith("       counterexample: "))
    scenario = Path(written).read_text(encoding="utf-8")
    assert scenario.count("[[events]]") == 1, scenario
    assert re.findall(r'^type = "(\w+)"$', scenario, re.M) == [event]


def test_shrinking_keeps_only_the_events_and_settings_the_same_failure_needs():
    from datetime import date
    from decimal import Decimal

    from contractlang.testing.generation import Generated
    from contractlang.testing.shrinking import smallest

    def failure_of(scenario):
        """Fails while a Notice is left and the cap is set; with no Call left it fails another way."""
        if not any(kind == "Call" for kind, _, _ in scenario.events):
            return "another reason\n  line 9, §1: check y, but"
        if any(kind == "Notice" for kind, _, _ in scenario.events) and "cap" in scenario.params:
            return f"the reason\n  line 3, §1: check x, but\n    x is {len(scenario.events)}"
        return None

    scenario = Generated(date(2025, 6, 30), {"cap": Decimal("5500000"), "discount": Decimal("0.8")}, {},
                         [("Call", date(2025, 1, 2), {}), ("Notice", date(2025, 2, 3), {"ref": "a"}),
                          ("Call", date(2025, 3, 4), {}), ("Notice", date(2025, 4, 5), {"ref": "b"})])

    smaller, message = smallest(scenario, failure_of, failure_of(scenario))

    assert smaller.events == [("Call", date(2025, 3, 4), {}), ("Notice", date(2025, 4, 5), {"ref": "b"})]
    assert smaller.params == {"cap": Decimal("5500000")}
    assert smaller.until is None
    assert message == "the reason\n  line 3, §1: check x, but\n    x is 2"
