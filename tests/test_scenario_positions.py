"""Where a scenario's diagnostics point: the key of the event that is wrong, found only when it is needed.

An event keeps where it starts; the line of one of its keys is looked up when
a diagnostic asks for it. These cases hold each kind of event diagnostic to its
exact position and caret, in JSON, in TOML and in TOML with CRLF line ends.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contractlang.diagnostics import ContractError
from contractlang.inputs.binding import inputs_for
from contractlang.inputs.scenario import load_scenario
from contractlang.language.checker import load

CONTRACT = '''contract "Conversions"
currency USD
§1 "Conversion" {
  term holder = "Holder"
  horizon 2004-01-01
  event Convert {
    principal: USD
    note: Text = "none"
  }
  upon Convert as c {
    record converted = c.principal
  }
}
'''
EVENTS = [{"date": "2003-06-05", "type": "Convert", "principal": 1000},
          {"date": "2003-07-05", "type": "Convert", "principal": 2000, "note": "second"},
          {"date": "2003-08-05", "type": "Convert", "principal": 3000}]


@pytest.fixture(scope="module")
def contract(tmp_path_factory):
    path = tmp_path_factory.mktemp("contract") / "conversions.contract"
    path.write_text(CONTRACT)
    return load(str(path))


def changed(index: int, key: str, value) -> list[dict]:
    events = [dict(event) for event in EVENTS]
    if value is None:
        del events[index][key]
    else:
        events[index][key] = value
    return events


def as_json(events: list[dict]) -> str:
    return json.dumps({"until": "2003-12-31", "events": events}, indent=2)


def as_toml(events: list[dict], newline: str = "\n") -> str:
    lines = ["until = 2003-12-31"]
    for event in events:
        lines += ["", "[[events]]"]
        lines += [f"  {key} = {json.dumps(value)}" for key, value in event.items()]
    return newline.join(lines) + newline


def refusal(contract, path: Path, text: str) -> str:
    path.write_bytes(text.encode())
    with pytest.raises(ContractError) as refused:
        inputs_for(contract, load_scenario(str(path)), {}, {}, None)
    return refused.value.diagnostics[0].render().replace(f"{path.parent}/", "")


# the event's change; then line:column and the line shown in JSON, then in TOML
CASES = {
    "unknown field": ((1, "notes", "x"), "event 2 (Convert): unknown field 'notes'; did you mean 'note'? "
                      "(Convert has: date, principal, note)", (14, 7, '"notes": "x"'), (13, 3, 'notes = "x"')),
    "value of a field": ((1, "principal", "lots"), "event 2 (Convert): field 'principal' must be an amount in USD, "
                         'not "lots"', (12, 7, '"principal": "lots",'), (11, 3, 'principal = "lots"')),
    "value of a defaulted field": ((0, "note", 5), "event 1 (Convert): field 'note' must be a text, not 5",
                                   (8, 7, '"note": 5'), (7, 3, "note = 5")),
    "unknown type": ((2, "type", "Convet"), "event 3: unknown event type 'Convet'; did you mean 'Convert'? "
                     "(this contract's events: Convert)", (17, 7, '"type": "Convet",'), (16, 3, 'type = "Convet"')),
    "type not a text": ((2, "type", 7), "event 3: 'type' must be a text naming the event",
                        (17, 7, '"type": 7,'), (16, 3, "type = 7")),
    "bad date": ((1, "date", "2003-13-01"), "event 2 (Convert): 'date' must be a date (YYYY-MM-DD), "
                 'not "2003-13-01"', (10, 7, '"date": "2003-13-01",'), (9, 3, 'date = "2003-13-01"')),
    "missing field": ((2, "principal", None), "event 3 (Convert): missing field 'principal' (an amount in USD)",
                      (15, 5, "{"), (14, 1, "[[events]]")),
    "missing date": ((2, "date", None), "event 3 (Convert) has no 'date'", (15, 5, "{"), (14, 1, "[[events]]")),
}


@pytest.mark.parametrize("case", CASES)
def test_an_event_diagnostic_points_at_its_key_in_json_toml_and_crlf_toml(contract, tmp_path, case):
    (index, key, value), message, (json_line, json_column, json_shown), (line, column, shown) = CASES[case]
    events = changed(index, key, value)

    def expected(name: str, at_line: int, at_column: int, written: str) -> str:
        return f"{name}:{at_line}:{at_column}: error: {message}\n    {' ' * (at_column - 1)}{written}\n" \
               f"    {' ' * (at_column - 1)}^"

    assert refusal(contract, tmp_path / "s.json", as_json(events)) == expected("s.json", json_line, json_column,
                                                                               json_shown)
    assert refusal(contract, tmp_path / "s.toml", as_toml(events)) == expected("s.toml", line, column, shown)
    assert refusal(contract, tmp_path / "crlf.toml", as_toml(events, "\r\n")) == expected("crlf.toml", line, column,
                                                                                          shown)


def test_an_event_date_with_a_time_is_refused_at_its_date(contract, tmp_path):
    text = as_toml(EVENTS).replace('date = "2003-07-05"', "date = 2003-07-05T10:00:00")
    assert refusal(contract, tmp_path / "s.toml", text) == (
        "s.toml:9:3: error: event 2 (Convert): 'date' must be a date, not a date and time\n"
        "      date = 2003-07-05T10:00:00\n      ^")


def test_a_json_key_given_twice_inside_an_event_is_refused_where_it_is_given_again(contract, tmp_path):
    text = as_json(EVENTS).replace('"principal": 2000', '"principal": 2000, "principal": 2500')
    assert refusal(contract, tmp_path / "s.json", text) == (
        "s.json:12:26: error: 'principal' is given twice in the same object (a key may be given once)\n"
        '          "principal": 2000, "principal": 2500,\n                             ^')


def test_well_formed_events_are_read_with_their_dates_fields_and_starting_lines(contract, tmp_path):
    path = tmp_path / "s.json"
    path.write_text(as_json(EVENTS))
    events = inputs_for(contract, load_scenario(str(path)), {}, {}, None).events
    assert [(e.index, e.date.isoformat(), str(e.fields["principal"]), e.fields["note"], e.span.line, e.span.column)
            for e in events] == [(1, "2003-06-05", "1000", "none", 4, 5), (2, "2003-07-05", "2000", "second", 9, 5),
                                 (3, "2003-08-05", "3000", "none", 15, 5)]


@pytest.mark.parametrize("depth, inner, refused", [
    (14, "1", False), (14, "", False), (14, '{"k": 1}', True), (15, "", False), (15, "{}", True), (15, "1", True)])
def test_a_value_more_than_16_levels_down_is_refused_and_an_empty_list_at_16_is_not(tmp_path, depth, inner, refused):
    # the top table is level 0, 'assume' 1, 'a' 2: the innermost list is at level depth + 1
    path = tmp_path / "s.json"
    path.write_text('{"assume": {"a": %s}}' % ("[" * depth + inner + "]" * depth))
    if refused:
        with pytest.raises(ContractError) as problem:
            load_scenario(str(path))
        assert problem.value.diagnostics[0].render().startswith(f"{path}:1:1: error: the scenario is nested too deeply")
    else:
        innermost = "Decimal('1')" if inner == "1" else ""
        assert str(load_scenario(str(path)).assume["a"].value) == "[" * depth + innermost + "]" * depth
