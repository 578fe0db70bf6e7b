"""The post-money SAFE states its terms in the language directly: monotone terms as invariants over a
changed parameter, units of shares and prices checked, a unit on the line of its number."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from contractlang.cli import main

SAFE = Path(__file__).resolve().parents[1] / "contracts" / "examples" / "safe.contract"


def run_test(tmp_path: Path, text: str, *options: str):
    """`contract test` on a copy of the SAFE laid out as in the repository, beside its bundled scenario."""
    contract = tmp_path / "contracts" / "examples" / "safe.contract"
    contract.parent.mkdir(parents=True)
    contract.write_text(text, encoding="utf-8")
    (tmp_path / "scenarios").mkdir()
    for scenario in SAFE.parents[2].glob("scenarios/safe_*"):
        (tmp_path / "scenarios" / scenario.name).write_bytes(scenario.read_bytes())
    result = CliRunner().invoke(main, ["test", str(contract), "--counterexamples", str(tmp_path / "found"),
                                       "--max-examples", "60", "--seed", "1", *options])
    return result.exit_code, result.output


def planted(original: str, replacement: str) -> str:
    text = SAFE.read_text(encoding="utf-8")
    assert original in text
    return text.replace(original, replacement)


def test_the_bundled_safe_passes_its_examples_and_invariants(tmp_path):
    status, output = run_test(tmp_path, SAFE.read_text(encoding="utf-8"))

    assert status == 0, output
    assert "ok   invariant 'a higher Post-Money Valuation Cap never gives more shares' (§2)" in output
    assert "ok   invariant 'a higher Discount Rate (a smaller discount) never gives more shares' (§2)" in output


def test_a_planted_cap_that_halves_the_safe_price_above_ten_million_fails_the_cap_invariant(tmp_path):
    text = planted("= counted_as(cap / company_capitalization,",
                   "= counted_as((if cap > 10_000_000.00 USD then cap / 2 else cap) / company_capitalization,")
    status, output = run_test(tmp_path, text)

    assert status == 1
    assert "FAIL invariant 'a higher Post-Money Valuation Cap never gives more shares' (§2)" in output
    # 20,000,000 shares at a Standard Preferred price of 10.00: 10 million / 20 million = 0.50 a share,
    # 500,000 / 0.50 = 1,000,000 shares; the planted 11 million / 2 / 20 million = 0.275 gives more
    assert "sum([i.shares for i in varied.issues]) is 1818181" in output
    assert "sum([i.shares for i in issues]) is 1000000" in output
    assert "(and its variation: over the scenario with post_money_valuation_cap raised by 10%)" in output
    assert "--set post_money_valuation_cap=11000000.00" in output
    assert "ok   invariant 'a higher Discount Rate (a smaller discount) never gives more shares' (§2)" in output
