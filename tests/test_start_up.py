"""A process starts from work kept before: parser tables shipped with the package, entries of the cache.

What is kept must be exactly what would be made afresh, and anything kept
that was not made for this grammar, or was tampered with, is refused, so that
the work is done again and every result stays the same.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import lark
import pytest

from contract_helpers import ORDER, contract_for
from contractlang import cache
from contractlang.language import parser, parser_tables

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = sorted((ROOT / "contracts").rglob("*.contract"))
EVAL = ["eval", "contracts/nstor_2002_subordinated_note.contract", "scenarios/nstor_2002_to_maturity.toml",
        "--format", "json"]


def shipped_header() -> dict:
    with open(parser_tables.SHIPPED_TABLES, encoding="utf-8") as shipped:
        return json.loads(shipped.readline())


def test_the_shipped_parser_tables_are_made_for_this_grammar():
    assert shipped_header()["grammar"] == parser.tables_made_for()["grammar"], (
        "the grammar changed since the parser tables were shipped: run `make parser-tables`")


@pytest.fixture(scope="module")
def runtime_options():
    return parser.lark_runtime_options()


@pytest.fixture(scope="module")
def built_afresh(runtime_options):
    return lark.Lark(parser.grammar_text(), **parser.TABLE_OPTIONS, **runtime_options)


def test_the_shipped_tables_parse_every_contract_as_tables_built_afresh(tmp_path, monkeypatch, built_afresh,
                                                                       runtime_options):
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(tmp_path / "cache"))
    shipped = parser_tables.load_shipped(parser.tables_made_for(), runtime_options)
    if shipped_header()["lark"] != lark.__version__:  # tables of another Lark are not taken: they are built
        assert shipped is None
        return
    assert shipped is not None
    assert len(CONTRACTS) >= 9
    for path in CONTRACTS:
        text = path.read_text(encoding="utf-8")
        assert shipped.parse(text) == built_afresh.parse(text), path


def test_tables_kept_come_back_with_every_action_as_built(tmp_path, monkeypatch, built_afresh, runtime_options):
    """The LALR table is kept as integer codes (parser_tables.ActionTable) and handed back to Lark in its own form
    too, which its parser and lexer read."""
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(tmp_path / "cache"))
    parser_tables.store_lark("tables.json", built_afresh, runtime_options)
    loaded = parser_tables.load_lark("tables.json", runtime_options)
    assert loaded is not None

    def codes(lark_parser):
        table = lark_parser.parser.parser.actions
        return ([{name: code if code >= 0 else str(table.rules[~code]) for name, code in actions.items()}
                 for actions in table.states], table.start_states, table.end_states)

    def larks_own(lark_parser):
        return {state: {name: (str(action), str(target)) for name, (action, target) in actions.items()}
                for state, actions in lark_parser.parser.parser.parser.parse_table.states.items()}

    assert codes(loaded) == codes(built_afresh)
    assert larks_own(loaded) == larks_own(built_afresh)


def tokens_or_problem(lark_parser, text: str):
    """Every token the parser is fed, with its type and place, then the syntax error if there is one."""
    session = lark_parser.parse_interactive(text)
    tokens = []
    try:
        for token in session.iter_parse():
            tokens.append((token.type, token.value, token.line, token.column, token.end_line, token.end_column))
        session.feed_eof(session.lexer_thread.state.last_token)
    except lark.exceptions.UnexpectedInput as problem:
        expected = getattr(problem, "expected", None) or getattr(problem, "allowed", None)
        tokens.append((type(problem).__name__, problem.line, problem.column, sorted(expected or ())))
    return tokens


def test_the_lexer_reads_every_token_as_larks_contextual_lexer(runtime_options):
    """It tries the scanner of the whole grammar first, to build few of the states' scanners (parser.py)."""
    stock = lark.Lark(parser.grammar_text(), **parser.TABLE_OPTIONS,
                      **{name: value for name, value in runtime_options.items() if name != "_plugins"})
    ours = lark.Lark(parser.grammar_text(), **parser.TABLE_OPTIONS, **runtime_options)
    assert type(ours.parser.lexer.lexer) is not type(stock.parser.lexer.lexer)
    texts = [path.read_text(encoding="utf-8") for path in CONTRACTS + sorted((ROOT / "tests" / "golden").rglob("*.contract"))]
    note = (ROOT / "contracts" / "nstor_2002_subordinated_note.contract").read_text(encoding="utf-8")
    texts += [note[:end] for end in range(100, len(note), 4999)]  # cut anywhere: a syntax error at the end
    texts += ['contract "x"\n§1 {\n  state security: Integer = 5 until\n  term t = 5 USD\n  term u = 5\n  USD\n}\n',
              'contract "x"\n§1 {\n  term t = 1 # $ {\n  term u = 2 $ 3\n}\n', 'contract "x" currency set to']
    problems = 0
    for text in texts:
        expected = tokens_or_problem(stock, text)
        assert tokens_or_problem(ours, text) == expected, text[:200]
        problems += isinstance(expected[-1][0], str) and expected[-1][0].startswith("Unexpected")
    assert problems >= 20 and len(texts) - problems >= 10  # texts that parse, and syntax errors of every kind


def test_a_first_start_takes_the_shipped_tables_builds_none_and_keeps_them_in_the_cache(tmp_path):
    """Nor does it import the holidays package: the holiday lists it needs ship too."""
    folder = tmp_path / "cache"
    environment = {**os.environ, "CONTRACT_CACHE_DIR": str(folder)}
    environment.pop("CONTRACT_DEBUG", None)
    # building tables goes through Lark's constructor; loading them does not
    refuse_to_build = ("import lark, sys\n"
                       "def refuse(*arguments, **options): raise SystemExit('the parser tables were built')\n"
                       "lark.Lark.__init__ = refuse\n"
                       "from contractlang.cli import main\n"
                       "try:\n"
                       "    main(sys.argv[1:], prog_name='contract')\n"
                       "finally:\n"
                       "    if 'holidays' in sys.modules: print('the holidays package was imported', file=sys.stderr)\n")
    first = subprocess.run([sys.executable, "-c", refuse_to_build, *EVAL], capture_output=True, text=True,
                           cwd=ROOT, env=environment, timeout=120)
    assert (first.returncode, first.stderr) == (0, "")
    assert json.loads(first.stdout)["effects"][0]["amount"] == "67265.75"
    name = parser_tables.entry_name(parser.tables_made_for())
    with open(parser_tables.SHIPPED_TABLES, encoding="utf-8") as shipped:
        body = shipped.read().split("\n", 1)[1].rstrip("\n")
    assert (folder / name).read_text(encoding="utf-8").split("\n", 1)[1] == body
    again = subprocess.run([sys.executable, "-m", "contractlang.cli", *EVAL], capture_output=True, text=True,
                           cwd=ROOT, env=environment, timeout=120)
    assert (again.returncode, again.stderr, again.stdout) == (0, "", first.stdout)


def genuine_shipped() -> tuple[str, str]:
    with open(parser_tables.SHIPPED_TABLES, encoding="utf-8") as shipped:
        return shipped.readline(), shipped.read()


@pytest.mark.parametrize("tamper", [
    "another grammar", "another Lark", "no header", "not JSON", "wrong shape", "a NaN", "damaged tables", "empty"])
def test_shipped_tables_not_made_for_this_grammar_or_tampered_with_are_refused(tmp_path, monkeypatch, tamper,
                                                                               runtime_options):
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(tmp_path / "cache"))
    made_for = parser.tables_made_for()
    header, body = json.dumps(made_for, sort_keys=True) + "\n", genuine_shipped()[1]
    planted = {
        "another grammar": json.dumps({**made_for, "grammar": "0" * 32}) + "\n" + body,
        "another Lark": json.dumps({**made_for, "lark": "0.0.1"}) + "\n" + body,
        "no header": body,
        "not JSON": header + body[:1000],
        "wrong shape": header + json.dumps({"data": [], "memo": {}}),
        "a NaN": header + body.replace('"maybe_placeholders":true', '"maybe_placeholders":NaN'),
        "damaged tables": header + body.replace('"@":', '"#":', 1),
        "empty": "",
    }[tamper]
    assert planted != header + body
    path = tmp_path / "contract_tables.json"
    path.write_text(planted, encoding="utf-8")
    monkeypatch.setattr(parser_tables, "SHIPPED_TABLES", str(path))
    assert parser_tables.load_shipped(made_for, runtime_options) is None
    assert cache.load(parser_tables.entry_name(made_for)) is None  # nothing was kept


def test_missing_shipped_tables_are_refused(tmp_path, monkeypatch, runtime_options):
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(parser_tables, "SHIPPED_TABLES", str(tmp_path / "none.json"))
    assert parser_tables.load_shipped(parser.tables_made_for(), runtime_options) is None


# ------------------------------------------------------------ checked contracts in the cache



def checked_afresh(path: str, text: str):
    from contractlang.language.checker import check

    return check(parser.parse(text, path), path, text)


def through_plain_data(contract):
    from contractlang.language import tree_cache

    plain = json.loads(json.dumps(tree_cache.checked_to_plain(contract)))
    return tree_cache.checked_from_plain(plain, contract.path, contract.text)


def what_it_knows(contract) -> dict:
    """Everything a checked contract hands on, with nodes named by their place in the tree."""
    from contractlang.language import ast

    nodes = list(ast.walk(contract.tree))
    place = {id(node): number for number, node in enumerate(nodes)}
    return {"tree": contract.tree, "spans": [node.span for node in nodes],
            "types": [contract.types.get(id(node)) for node in nodes],
            "symbols": [(s.name, s.kind, s.type, place[id(s.node)], s.section, s.amount_type, s.checking)
                        for s in contract.symbols.values()],
            "events": contract.events, "event_sections": contract.event_sections, "currencies": contract.currencies,
            "warnings": [warning.render() for warning in contract.warnings]}


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda path: path.name)
def test_a_checked_contract_kept_as_plain_data_comes_back_the_same(tmp_path, monkeypatch, path):
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(tmp_path / "cache"))
    relative = str(path.relative_to(ROOT))
    contract = checked_afresh(relative, path.read_text(encoding="utf-8"))
    assert what_it_knows(through_plain_data(contract)) == what_it_knows(contract)


def test_warnings_and_defaults_of_a_checked_contract_come_back_the_same(tmp_path, monkeypatch):
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(tmp_path / "cache"))
    contract = checked_afresh("order.contract", ORDER)
    assert [w.render().splitlines()[0][:50] for w in contract.warnings] == [
        "order.contract:13:3: warning: on 2024-06-01 the ru"]
    assert what_it_knows(through_plain_data(contract)) == what_it_knows(contract)
    warrant = str((ROOT / "contracts/examples/warrant.contract").relative_to(ROOT))
    contract = checked_afresh(warrant, (ROOT / warrant).read_text(encoding="utf-8"))
    defaults = {type(f.default).__name__ for spec in contract.events.values() for f in spec.fields.values()}
    assert {"time", "object"} <= defaults
    assert what_it_knows(through_plain_data(contract)) == what_it_knows(contract)


def test_a_contract_checked_before_evaluates_as_one_checked_afresh(tmp_path, monkeypatch):
    from contractlang.inputs.binding import inputs_for
    from contractlang.inputs.scenario import load_scenario
    from contractlang.runtime.effects import render_json
    from contractlang.runtime.interpreter import evaluate

    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(tmp_path / "cache"))
    contract = checked_afresh(EVAL[1], (ROOT / EVAL[1]).read_text(encoding="utf-8"))
    kept = through_plain_data(contract)
    scenario = load_scenario(str(ROOT / "scenarios/nstor_2002_conversions.toml"))
    shown = [render_json(evaluate(each, inputs_for(each, scenario, {}, {}, None), explain=True))
             for each in (contract, kept)]
    assert shown[0] == shown[1]
    assert json.loads(shown[0])["effects"][0]["amount"] == "67265.75"


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda path: path.name)
def test_the_contract_an_evaluation_reads_is_the_contract_without_what_only_contract_test_runs(tmp_path, monkeypatch,
                                                                                              path):
    from contractlang.inputs.binding import inputs_for
    from contractlang.inputs.scenario import load_scenario
    from contractlang.language import ast
    from contractlang.language.checked import TEST_ITEMS
    from contractlang.runtime.effects import render_json, render_table
    from contractlang.runtime.interpreter import evaluate

    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(tmp_path / "cache"))
    relative = str(path.relative_to(ROOT))
    contract = checked_afresh(relative, path.read_text(encoding="utf-8"))
    evaluated = contract.for_evaluation()
    assert [[item for item in section.items if not isinstance(item, TEST_ITEMS)] for section in contract.tree.sections] \
        == [list(section.items) for section in evaluated.tree.sections]
    assert [section.label for section in evaluated.tree.sections] == [s.label for s in contract.tree.sections]
    assert not any(isinstance(node, TEST_ITEMS) for node in ast.walk(evaluated.tree))
    assert set(evaluated.symbols) == set(contract.symbols) and evaluated.events == contract.events
    assert evaluated.warnings == contract.warnings
    assert set(evaluated.types) == {id(node) for node in ast.walk(evaluated.tree)} & set(contract.types)
    assert what_it_knows(through_plain_data(evaluated)) == what_it_knows(evaluated)
    kept, compared = through_plain_data(evaluated), 0
    for scenario_path in sorted((ROOT / "scenarios").glob("*.toml")):  # every bundled scenario of the contract
        if contract_for(scenario_path) == relative:
            scenario = load_scenario(str(scenario_path))
            shown = [(render_json(run), render_table(run, explain=True)) for run in
                     (evaluate(each, inputs_for(each, scenario, {}, {}, None), explain=True)
                      for each in (contract, kept))]
            assert shown[0] == shown[1], scenario_path.name
            compared += 1
    assert compared >= (4 if path.parent.name == "contracts" else 0)  # each instrument has four scenarios or more
    if path.name == "nstor_2002_subordinated_note.contract":  # most of a documented contract is its defences
        assert len(list(ast.walk(evaluated.tree))) * 2 < len(list(ast.walk(contract.tree)))


def planted(plain: dict, tamper: str) -> dict:
    planted = json.loads(json.dumps(plain))
    if tamper == "another path":
        planted["path"] = "other.contract"
    elif tamper == "a node outside the tree":
        planted["types"][0] = 10 ** 6
    elif tamper == "a node's type outside the table":
        planted["types"][1] = len(planted["type_table"])
    elif tamper == "a node without its type":
        planted["types"].pop()
    elif tamper == "a node numbered by a flag":
        planted["types"][0] = True
    elif tamper == "a span fewer":
        del planted["tree"]["spans"][-4:]
    elif tamper == "a type outside the table":
        planted["symbols"][0][2] = len(planted["type_table"])
    elif tamper == "a type of no class":
        planted["type_table"][0] = ["Builtin", "eval"]
    elif tamper == "a type of the wrong field":
        planted["type_table"] = [["Simple", 7]] + planted["type_table"][1:]
    elif tamper == "a default that is not a number":
        field = next(f for event in planted["events"] for f in event[2] if f[2][0] == "Decimal")
        field[2][1] = "not a number"
    elif tamper == "a default of another kind":
        field = next(f for event in planted["events"] for f in event[2])
        field[2] = ["pickle", "x"]
    elif tamper == "a key more":
        planted["code"] = "print(1)"
    elif tamper == "a symbol of the wrong shape":
        planted["symbols"][0] = planted["symbols"][0][:6]
    return planted


@pytest.mark.parametrize("tamper", ["another path", "a node outside the tree", "a node's type outside the table",
                                    "a node without its type", "a node numbered by a flag", "a span fewer",
                                    "a type outside the table",
                                    "a type of no class", "a type of the wrong field",
                                    "a default that is not a number", "a default of another kind", "a key more",
                                    "a symbol of the wrong shape"])
def test_a_planted_checked_contract_is_a_miss(tmp_path, monkeypatch, tamper):
    from contractlang.language import tree_cache

    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(tmp_path / "cache"))
    path = EVAL[1]
    text = (ROOT / path).read_text(encoding="utf-8")
    genuine = tree_cache.checked_to_plain(checked_afresh(path, text))
    name = tree_cache.checked_entry_name(path, text, parser.grammar_text())
    cache.store(name, genuine)
    assert what_it_knows(tree_cache.load_checked(name, path, text)) == what_it_knows(checked_afresh(path, text))
    cache.store(name, planted(genuine, tamper))
    assert tree_cache.load_checked(name, path, text) is None


def test_eval_and_check_from_a_cache_print_what_they_print_afresh(tmp_path):
    environment = {**os.environ, "CONTRACT_CACHE_DIR": str(tmp_path / "cache")}
    environment.pop("CONTRACT_DEBUG", None)
    contract = tmp_path / "order.contract"
    contract.write_text(ORDER, encoding="utf-8")
    scenario = tmp_path / "order.toml"
    scenario.write_text("until = 2024-12-31\n", encoding="utf-8")
    commands = [["check", str(contract)], ["eval", str(contract), str(scenario), "--format", "json"]]
    runs = [[subprocess.run([sys.executable, "-m", "contractlang.cli", *command], capture_output=True, text=True,
                            cwd=ROOT, env=environment, timeout=120) for command in commands] for _ in range(2)]
    cold, warm = ([(done.returncode, done.stdout, done.stderr) for done in each] for each in runs)
    assert cold == warm
    assert cold[0][2].startswith(f"{contract}:13:3: warning: on 2024-06-01 the rule of §2 reads 'principal'")
    kept = os.listdir(tmp_path / "cache")
    assert any(name.endswith("-checked.json") for name in kept)  # check keeps it whole
    assert any(name.endswith("-evaluated.json") for name in kept)  # eval, what an evaluation reads of it


# ------------------------------------------------------------ price series read at one go

@pytest.mark.parametrize("body, signed, expected", [
    ("2004-01-05,1.25\n2004-01-06,007.50\n", False, {"2004-01-05": "1.25", "2004-01-06": "7.50"}),
    ("2004-01-05,1.25\n2004-01-06,2", False, {"2004-01-05": "1.25", "2004-01-06": "2"}),  # no final newline
    ("2004-01-05,-0.0025\n2004-01-06,0\n", True, {"2004-01-05": "-0.0025", "2004-01-06": "0"}),
    ("2004-01-05,1.25\n\n2004-01-06,2\n", False, {"2004-01-05": "1.25", "2004-01-06": "2"}),  # a blank line
    ("2004-01-05, 1.25\n", False, {"2004-01-05": "1.25"}),  # a space: read row by row
])
def test_a_series_reads_the_same_at_one_go_and_row_by_row(tmp_path, body, signed, expected):
    from decimal import Decimal

    from contractlang.inputs.scenario import load_price_csv

    path = tmp_path / "prices.csv"
    path.write_text(("date,value\n" if signed else "date,price\n") + body, encoding="utf-8")
    read = load_price_csv(str(path), signed)
    assert read == {date.fromisoformat(day): Decimal(value) for day, value in expected.items()}
    assert [str(value) for value in read.values()] == list(expected.values())


@pytest.mark.parametrize("body, message", [
    ("2004-01-05,1.25\n2004-01-05,1.30\n", "3:1: error: 2004-01-05 appears twice in the price series"),
    ("2004-02-30,1.25\n", "2:1: error: "),
    ("2004-01-05,0\n", "2:12: error: "),
])
def test_a_series_not_plainly_right_is_read_row_by_row_and_says_where(tmp_path, body, message):
    from contractlang.diagnostics import ContractError
    from contractlang.inputs.scenario import load_price_csv

    path = tmp_path / "prices.csv"
    path.write_text("date,price\n" + body, encoding="utf-8")
    with pytest.raises(ContractError) as problem:
        load_price_csv(str(path))
    assert problem.value.render().startswith(f"{path}:{message}")


def test_a_checked_contract_the_cache_cannot_keep_leaves_its_tree_kept(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from contractlang.cli import main
    from contractlang.language import tree_cache

    def unkeepable(contract):
        raise TypeError("a field this cache does not know")

    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(tree_cache, "checked_to_plain", unkeepable)
    path = str(ROOT / EVAL[1])
    done = CliRunner().invoke(main, ["check", path])
    assert (done.exit_code, done.output) == (0, f"{path}: ok (33 sections, 14 event types)\n")
    kept = sorted(name for name in os.listdir(tmp_path / "cache") if name.startswith("tree-"))
    assert len(kept) == 1 and not kept[0].endswith("-checked.json")


# ------------------------------------------------------------ holiday lists shipped with the package

SUBDIVISIONS = {"US": None, "US-FL": "FL", "US-CA": "CA", "US-NY": "NY"}


def listed_by_the_holidays_package(calendar: str, year: int) -> frozenset:
    import holidays
    from holidays.countries.united_states import UnitedStates

    if calendar == "XFED":
        return frozenset(holidays.financial_holidays("XFED", years=year))
    return frozenset(UnitedStates(subdiv=SUBDIVISIONS[calendar], years=year))


def test_every_holiday_list_is_the_holidays_packages_shipped_or_not(tmp_path, monkeypatch):
    from contractlang.stdlib import calendars

    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(tmp_path / "cache"))
    calendars.holidays_in.cache_clear()
    years = [calendars.SHIPPED_YEARS[0] - 1, *calendars.SHIPPED_YEARS, calendars.SHIPPED_YEARS[-1] + 1]
    try:
        for calendar in ("US", "US-FL", "US-CA", "US-NY", "XFED"):
            for year in years:
                assert calendars.holidays_in(calendar, year) == listed_by_the_holidays_package(calendar, year), (
                    calendar, year)
    finally:
        calendars.holidays_in.cache_clear()
    assert date(2002, 7, 4) in calendars.holidays_in("US", 2002)
    calendars.holidays_in.cache_clear()


def test_holiday_lists_shipped_for_another_holidays_package_are_not_taken(tmp_path):
    planted = tmp_path / "holiday_lists.json"
    planted.write_text(json.dumps({"holidays": "0.0"}) + "\n" + json.dumps({"US": {"2002": []}}) + "\n",
                       encoding="utf-8")
    environment = {**os.environ, "CONTRACT_CACHE_DIR": str(tmp_path / "cache")}
    program = ("import sys\n"
               "from contractlang.stdlib import calendars\n"
               f"calendars.SHIPPED_HOLIDAYS = {str(planted)!r}\n"
               "print(sorted(str(day) for day in calendars.holidays_in('US', 2002))[:2], 'holidays' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, env=environment,
                          timeout=120)
    assert (done.returncode, done.stderr, done.stdout) == (0, "", "['2002-01-01', '2002-01-21'] True\n")


END_WATCHED = ("import atexit, sys\n"
               "atexit.register(lambda: print('torn down', file=sys.stderr))\n"
               "from contractlang.__main__ import main\n"
               "main()\n")


@pytest.mark.parametrize(("arguments", "status", "said"), [
    (EVAL, 0, ""),
    (["eval", "missing.contract", "scenarios/nstor_2002_to_maturity.toml"], 1, "missing.contract"),
    (["eval"], 2, "Missing argument"),
])
def test_the_program_ends_once_its_output_is_flushed_without_the_interpreters_teardown(tmp_path, arguments, status,
                                                                                       said):
    """Exit handlers (the interpreter's teardown) never run, yet the output is whole and the status the command's."""
    environment = {**os.environ, "CONTRACT_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", END_WATCHED, *arguments], capture_output=True, text=True, cwd=ROOT,
                          env=environment, timeout=120)
    assert done.returncode == status
    assert said in done.stderr and "torn down" not in done.stderr
    if status == 0:
        assert json.loads(done.stdout)["effects"][0]["amount"] == "67265.75"


def test_the_programs_exit_status_is_the_one_sys_exit_gives(capsys):
    from contractlang.__main__ import exit_status

    assert [exit_status(None), exit_status(0), exit_status(2)] == [0, 0, 2]
    assert exit_status("stopped") == 1 and capsys.readouterr().err == "stopped\n"


def test_output_that_cannot_be_flushed_fails_a_success_as_the_interpreter_would(monkeypatch):
    from contractlang import __main__ as program

    class Closed:
        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(program.sys, "stdout", Closed())
    assert (program.flushed(0), program.flushed(1)) == (120, 1)


def changed_in_place(source: Path, text: str) -> None:
    """`text` written over `source` (of the same size), its modification time set back as it was: only its
    change time, which no program sets, tells (once the file system's clock has ticked)."""
    import time

    before = os.stat(source)
    for _ in range(40):
        time.sleep(0.05)
        source.write_text(text, encoding="utf-8")
        os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
        after = os.stat(source)
        if after.st_ctime_ns != before.st_ctime_ns:
            break
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


def test_code_known_by_the_status_of_its_files_is_told_apart_after_a_change_of_the_same_size(tmp_path):
    import time

    from contractlang.language.tree_cache import SETTLED_NS, code_identity

    sources = [tmp_path / "checker.py", tmp_path / "types.py"]
    for source in sources:
        source.write_text("LIMIT = 1\n", encoding="utf-8")
    settled = time.time_ns() + 2 * SETTLED_NS  # as if read long after the files were written
    first = code_identity([str(source) for source in sources], settled)
    assert first.startswith("status\0") and "LIMIT" not in first
    assert code_identity([str(source) for source in sources], settled) == first
    changed_in_place(sources[1], "LIMIT = 2\n")
    assert code_identity([str(source) for source in sources], settled) != first
    assert code_identity([str(source) for source in sources[:1]], settled) != first  # a file fewer


def test_code_changed_within_the_last_seconds_is_known_by_its_text(tmp_path):
    """Two writes within one tick of the clock leave the same status: a file written lately is read instead."""
    import time

    from contractlang.language.tree_cache import code_identity

    source = tmp_path / "checker.py"
    source.write_text("LIMIT = 1\n", encoding="utf-8")
    assert code_identity([str(source)], time.time_ns()) == "text\0LIMIT = 1\n"
    source.write_text("LIMIT = 2\n", encoding="utf-8")
    assert code_identity([str(source)], time.time_ns()) == "text\0LIMIT = 2\n"


# ------------------------------------------------------------ the collector while a process starts

def test_the_program_starts_with_the_collector_off_and_a_long_command_turns_it_on(monkeypatch):
    import gc

    from click.testing import CliRunner

    import contractlang.__main__ as program
    from contractlang import cli

    assert gc.isenabled(), "importing the command line changed the collector of the process importing it"
    command_line, seen = cli.main, []
    monkeypatch.setattr(cli, "main", lambda prog_name: seen.append((prog_name, gc.isenabled())))
    try:
        assert program.run_command_line() == 0
        assert seen == [("contract", False)]
        gc.disable()
        CliRunner().invoke(command_line, ["diff", "missing.contract", "missing.contract"])
        assert gc.isenabled()  # diff runs long: it collects as it goes
        gc.disable()
        CliRunner().invoke(command_line, ["check", "missing.contract"])
        assert not gc.isenabled()  # check ends soon
    finally:
        gc.enable()


def test_python_dash_m_contractlang_is_the_program():
    done = subprocess.run([sys.executable, "-m", "contractlang", "--version"], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert (done.returncode, done.stdout) == (0, "contract, version 0.1.0\n")
