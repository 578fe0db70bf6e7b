"""Functions over a window of a market series: a volume-weighted average price."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from contractlang.cli import main

CONTRACT = '''contract "test"
currency USD
security common
§1 "Conversion at the volume-weighted price" {
  market closing_price: USD per common
  market volume: common
  event Conversion { amount: USD }
  upon Conversion as conversion {
    let vwap = weighted_average_before(closing_price, volume, conversion.date, 3)
    issue floor(conversion.amount / vwap) of "common" to "Holder", price vwap
  }
}
'''


def evaluate(tmp_path: Path, scenario: str):
    (tmp_path / "c.contract").write_text(CONTRACT, encoding="utf-8")
    (tmp_path / "s.toml").write_text(scenario, encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(tmp_path / "c.contract"), str(tmp_path / "s.toml"),
                                       "--format", "json"])
    return result.exit_code, result.stdout, result.stderr


SCENARIO = '''until = 2024-03-10
[market.closing_price]
2024-03-01 = 9.00
2024-03-04 = 10.00
2024-03-05 = 11.00
2024-03-06 = 13.00
[market.volume]
2024-03-01 = 500
2024-03-04 = 1000
2024-03-05 = 3000
2024-03-06 = 2000
[[events]]
date = 2024-03-07
type = "Conversion"
amount = 1000.00
'''


def test_the_average_weighs_each_of_the_last_observations_by_its_volume(tmp_path):
    code, out, err = evaluate(tmp_path, SCENARIO)
    assert code == 0, err
    # (10 × 1,000 + 11 × 3,000 + 13 × 2,000) / 6,000 = 69,000 / 6,000 = 11.5; 1,000 / 11.5 = 86.95…
    issue = json.loads(out)["effects"][0]
    assert (issue["quantity"], issue["price"]) == ("86", "11.5")


def test_a_day_without_a_volume_is_an_error_at_the_call(tmp_path):
    code, _, err = evaluate(tmp_path, SCENARIO.replace("2024-03-05 = 3000\n", ""))
    assert code == 1
    assert ("error: weighted_average_before() weighs the observation of market 'closing_price' on 2024-03-05 "
            "by market 'volume', which has none that day") in err
    assert "c.contract:9:" in err and "^" in err


def test_the_weights_must_be_a_market_series(tmp_path):
    (tmp_path / "c.contract").write_text(CONTRACT.replace("closing_price, volume,", "closing_price, 5,"),
                                         encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "c.contract")])
    assert result.exit_code == 1
    assert "the weights of weighted_average_before() are a market series" in result.stderr


QUOTED_AT_THE_START = '''contract "test"
currency USD
security common
§1 "The first price" {
  market closing_price: USD per common
  term start = 2024-03-04
  state first_price: USD per common = quote_on_or_before(closing_price, start + 1 day).price
  horizon start + 10 days
}
'''


def test_a_state_may_start_at_a_price_of_the_market(tmp_path):
    (tmp_path / "c.contract").write_text(QUOTED_AT_THE_START, encoding="utf-8")
    (tmp_path / "s.toml").write_text(SCENARIO.split("[market.volume]")[0], encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(tmp_path / "c.contract"), str(tmp_path / "s.toml"),
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["state"]["first_price"] == "11"  # the close of 2024-03-05, the day after the start
