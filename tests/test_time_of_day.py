"""Moments on the timeline: items scheduled at a time of day, events that happen at one, DateTime
values, and the contract's time zone."""

from __future__ import annotations

import json
from pathlib import Path

from contract_helpers import HEADER, problems, run, write
from contractlang.language.parser import parse
from contractlang.language.printer import format_contract


EXPIRY = HEADER + '''§1 "Expiry" {
  time zone "America/New_York"
  parameter expiration: DateTime = 2029-06-30 at 17:00
  state expired: Bool = false
  event Exercise at delivered_at {
    shares: common
    delivered_at: Time = 12:00
  }
  event Notice {}
  on expiration {
    set expired = true
    record status = "expired"
  }
  upon Exercise as exercise {
    require not expired else "the warrant expired at 5:00 p.m."
    issue exercise.shares of "common" to "Holder"
  }
  upon Notice as notice {
    on notice.date at 09:30 as reminder {
      record status = "reminded"
    }
  }
}
'''








def effects_of(tmp_path: Path, scenario: str, contract: str = EXPIRY) -> list[dict]:
    code, out, err = run("eval", write(tmp_path / "c.contract", contract), write(tmp_path / "s.toml", scenario),
                         "--format", "json")
    assert code == 0, err
    return json.loads(out)["effects"]


EXERCISES = 'until = 2029-07-01\n' + "".join(
    f'[[events]]\ndate = 2029-06-30\ntype = "Exercise"\nshares = 10\ndelivered_at = {at}\n'
    for at in ('"17:00"', '"16:59:59"', '17:00:01'))


def test_an_item_at_a_time_of_day_runs_between_the_events_before_and_after_it(tmp_path):
    effects = effects_of(tmp_path, EXERCISES)
    # the events run in time order, not file order: 16:59:59 first, then the expiry at 17:00, which
    # comes before an event at the same moment, then 17:00 and 17:00:01
    assert [(e.get("time"), e["kind"], e["cause"]) for e in effects] == [
        ("16:59:59", "issue", 2), ("17:00:00", "status", None), ("17:00:00", "rejection", 1),
        ("17:00:01", "rejection", 3)]


def test_the_table_shows_the_time_of_day_beside_the_date(tmp_path):
    code, out, _ = run("eval", write(tmp_path / "c.contract", EXPIRY), write(tmp_path / "s.toml", EXERCISES))
    assert code == 0
    assert "2029-06-30 16:59:59  issue" in out
    assert "2029-06-30 17:00:00  status" in out


def test_an_event_without_a_time_of_day_runs_at_the_start_of_the_day_and_the_run_says_so(tmp_path):
    contract = EXPIRY.replace("event Exercise at delivered_at {", "event Exercise {")
    code, out, err = run("eval", write(tmp_path / "c.contract", contract), write(tmp_path / "s.toml", EXERCISES),
                         "--format", "json")
    assert code == 0
    assert [e["kind"] for e in json.loads(out)["effects"]] == ["issue", "issue", "issue", "status"]
    assert ("warning: Exercise has no time of day (`event Exercise at FIELD`), so on 2029-06-30 it runs at the "
            "start of the day, before the item scheduled at 17:00:00") in err


def test_a_date_and_time_with_an_offset_is_turned_into_the_contracts_zone(tmp_path):
    # 21:30 UTC on June 29 is 17:30 in New York (daylight time): after an expiry moved to 17:15 that day
    scenario = ('until = 2029-07-01\n[params]\nexpiration = 2029-06-29T17:15:00\n'
                '[[events]]\ndate = 2029-06-29\ntype = "Exercise"\nshares = 10\ndelivered_at = "17:10"\n')
    assert [e["kind"] for e in effects_of(tmp_path, scenario)] == ["issue", "status"]
    scenario = scenario.replace("2029-06-29T17:15:00", '"2029-06-29T21:05:00Z"')
    assert [e["kind"] for e in effects_of(tmp_path, scenario)] == ["status", "rejection"]  # 17:05 New York


def test_an_offset_without_a_time_zone_and_a_bad_date_and_time_are_errors_at_their_key(tmp_path):
    contract = EXPIRY.replace('  time zone "America/New_York"\n', "")
    code, _, err = run("eval", write(tmp_path / "c.contract", contract),
                       write(tmp_path / "s.toml", '[params]\nexpiration = "2029-06-29T21:05:00Z"\n'))
    assert code == 1
    assert "s.toml:2:1: error: parameter 'expiration' must be a date and time" in err
    assert "needs the contract's time zone" in err and "^" in err
    code, _, err = run("eval", write(tmp_path / "c.contract", EXPIRY),
                       write(tmp_path / "s.toml", '[params]\nexpiration = "2029-06-29"\n'))
    assert code == 1 and "s.toml:2:1: error: parameter 'expiration' must be a date and time" in err


def test_a_deadline_may_be_scheduled_at_a_time_of_day(tmp_path):
    scenario = 'until = 2029-07-01\n[[events]]\ndate = 2029-05-01\ntype = "Notice"\n'
    assert [(e["date"], e.get("time"), e["value"]) for e in effects_of(tmp_path, scenario)] == [
        ("2029-05-01", "09:30:00", "reminded"), ("2029-06-30", "17:00:00", "expired")]


def test_a_moment_has_its_date_and_time_and_moves_by_days(tmp_path):
    contract = HEADER + '''§1 "Moments" {
  parameter start: DateTime = 2024-02-28 at 23:59:59
  report later = start + 2 days
  report its_day = (start + 1 day).date
  report its_time = start.time
  report in_order = start < start + 1 day and 2024-02-28 at 09:00 < start
}
'''
    code, out, err = run("eval", write(tmp_path / "c.contract", contract),
                         write(tmp_path / "s.toml", "until = 2024-03-05\n"), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["state"] == {"later": "2024-03-01T23:59:59", "its_day": "2024-02-29",
                                        "its_time": "23:59:59", "in_order": "true"}


def test_the_checker_refuses_a_time_of_day_that_is_not_one():
    assert any("'missing' is not a field of Exercise" in p for p in problems('''§1 "x" {
  event Exercise at missing { shares: common }
  upon Exercise as e { issue e.shares of "common" to "H" }
}'''))
    assert any("the time of day of Exercise is a Time field, and 'shares' is not one" in p for p in problems('''§1 "x" {
  event Exercise at shares { shares: common }
  upon Exercise as e { issue e.shares of "common" to "H" }
}'''))
    found = problems('''§1 "x" {
  parameter d: Date = 2029-06-30
  on d at 5 { record status = "x" }
}''')
    assert any("the time of a moment (DATE at TIME) must be Time, not a whole number" in p for p in found)
    found = problems('''§1 "x" {
  time zone "America/New_Yrok"
  time zone "Europe/London"
  text "a"
}''')
    assert any("'America/New_Yrok' is not a time zone of the IANA database; did you mean 'America/New_York'?" in p
               for p in found)
    assert any("the contract's time zone is already given (line 5)" in p for p in found)


def test_fmt_keeps_moments_timed_events_and_the_time_zone():
    text = format_contract(parse(EXPIRY, "t.contract"), EXPIRY)
    for line in ('  time zone "America/New_York"', "  parameter expiration: DateTime = 2029-06-30 at 17:00",
                 "  event Exercise at delivered_at {", "  on expiration {", "    on notice.date at 09:30 as reminder {"):
        assert line + "\n" in text
    assert format_contract(parse(text, "t.contract"), text) == text


def test_the_warrant_expires_at_five_in_new_york(tmp_path):
    root = Path(__file__).resolve().parents[1]
    code, out, err = run("eval", str(root / "contracts" / "examples" / "warrant.contract"),
                         str(root / "scenarios" / "warrant_exercises_split_expiry.toml"), "--format", "json")
    assert code == 0, err
    effects = json.loads(out)["effects"]
    assert [(e["date"], e.get("time"), e["kind"]) for e in effects[-2:]] == [
        ("2029-06-30", "17:00:00", "status"), ("2029-06-30", "17:01:00", "rejection")]


def test_contract_test_generates_moments_within_their_bounds_and_writes_them_back(tmp_path):
    contract = HEADER + '''§1 "Deadline" {
  parameter deadline: DateTime = 2029-06-01 at 17:00
  event Notice at sent_at {
    sent_at: Time = 12:00
    received: DateTime
  }
  upon Notice as notice {
    require notice.received < deadline else "late"
    record status = "received"
  }
  generate deadline from 2029-06-01 at 09:00 to 2029-06-02 at 09:00
  invariant "a notice received after the deadline is refused" §1 {
    for notice in Notice {
      check notice.received < deadline or count(statuses) < count(Notice)
          else "a late notice was accepted"
    }
  }
  invariant "the deadline stays within its bounds" §1 {
    check 2029-06-01 at 09:00 <= deadline and deadline <= 2029-06-02 at 09:00 else "out of bounds"
  }
}
'''
    path = write(tmp_path / "c.contract", contract)
    code, out, _ = run("test", path)
    assert code == 0, out
    # a planted bug (the deadline compared the wrong way) is found, and its counterexample evaluates
    (tmp_path / "bad").mkdir()
    bad = write(tmp_path / "bad" / "c.contract", contract.replace("notice.received < deadline else", "true else"))
    code, out, _ = run("test", bad, "--counterexamples", str(tmp_path / "found"))
    assert code == 1 and "FAIL invariant 'a notice received after the deadline is refused'" in out
    written = next((tmp_path / "found").glob("*.toml"))
    assert "received = 20" in written.read_text(encoding="utf-8")
    code, _, err = run("eval", bad, str(written))
    assert code == 0, err


def test_an_item_cannot_be_scheduled_for_an_earlier_moment_of_the_same_day(tmp_path):
    contract = EXPIRY.replace("event Notice {}", "event Notice at sent_at { sent_at: Time = 12:00 }")
    code, _, err = run("eval", write(tmp_path / "c.contract", contract),
                       write(tmp_path / "s.toml", 'until = 2029-07-01\n[[events]]\ndate = 2029-05-01\n'
                             'type = "Notice"\nsent_at = "10:00"\n'))
    assert code == 1
    assert ("error: an item cannot be scheduled for 09:30:00 on 2029-05-01, before the moment it is scheduled at "
            "(10:00:00), in Notice (event 1) (§1)") in err


def test_rules_at_different_times_of_a_day_run_in_time_order_and_no_order_warning_is_given(tmp_path):
    contract = HEADER + '''§1 "Rate" {
  state rate: Decimal = 1%
  on 2029-06-30 at AT_ONE { set rate = 2% }
}
§2 "Record" {
  on 2029-06-30 at AT_TWO { record seen = rate }
}
'''
    scenario = write(tmp_path / "s.toml", "until = 2029-07-01\n")

    def warnings(first: str, second: str) -> str:
        text = contract.replace("AT_ONE", first).replace("AT_TWO", second)
        code, _, err = run("eval", write(tmp_path / "c.contract", text), scenario, "--format", "json")
        assert code == 0, err
        return err

    assert "rules of one day run in the order they are written" in warnings("09:00", "09:00")
    assert warnings("09:00", "10:00") == ""
