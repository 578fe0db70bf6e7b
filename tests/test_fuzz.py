"""The tool never fails with anything but a diagnostic, whatever it is given.

Contracts are generated from the grammar itself (hypothesis.extra.lark), with
explicit strategies for names, literals and the spaces between tokens, so that
a good share of them parse and reach the checker and the interpreter.
Malformed scenarios (wrong types, unknown events and fields, impossible dates,
huge numbers, deep nesting) are fed to `contract eval`. In every case the
outcome is a result or a diagnostic with exit status 1, never a traceback, and
every generated contract that parses prints back to the same tree.
"""

from __future__ import annotations

import functools
import math
from datetime import date

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contractlang.language.checker import check
from contractlang.cli import main
from contractlang.diagnostics import ContractError
from contractlang.runtime.interpreter import evaluate
from contractlang.runtime.values import Inputs
from contractlang.language.parser import grammar_text, parse
from contractlang.language.printer import format_contract

FUZZ = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))

NAMES = ["x", "principal", "USD", "common", "Status", "outstanding", "d", "today", "until", "rate",
         "holder", "settle", "interest", "Event", "shares", "ceil", "min", "business_day", "following",
         "Date", "Bool", "Text", "Decimal", "DayCount", "calendar", "Jun", "Mar", "days", "per_share"]


@functools.lru_cache(maxsize=1)
def _lark():
    from lark import Lark

    return Lark(grammar_text(), parser="lalr", lexer="contextual")


def _token(strategy):
    """A token with the spaces a person would put around it."""
    return st.tuples(st.sampled_from([" ", "\n", "  "]), strategy).map(lambda pair: pair[0] + pair[1] + " ")


def _explicit() -> dict:
    lark = _lark()
    explicit = {}
    for terminal in lark.terminals:
        pattern = terminal.pattern
        if pattern.type == "str":
            explicit[terminal.name] = _token(st.just(pattern.value))
    explicit.update({
        "NAME": _token(st.sampled_from(NAMES)),
        "NUMBER": _token(st.sampled_from(["0", "1", "8", "100", "3_100_000.00", "0.30", "1_388.89"])),
        "PERCENT": _token(st.sampled_from(["8%", "110%", "0%", "12.5%"])),
        "DATE": _token(st.sampled_from(["2002-06-07", "2003-05-31", "2006-11-20", "2004-02-29", "2003-02-30"])),
        "TIME": _token(st.sampled_from(["10:00", "23:59", "25:00"])),
        "STRING": _token(st.sampled_from(['"Holder"', '"common"', '"actual/365"', '"US-FL"', '"a \\"quoted\\" text"'])),
        "LONG_STRING": _token(st.just('"""a long\ntext"""')),
        "SECTION": _token(st.sampled_from(["§1", "§1(b)", "§(ii)", "§prepay", "§5(e)(i)"])),
        "COMPARE": _token(st.sampled_from(["==", "!=", "<", "<=", ">", ">="])),
        "PRIVATE": _token(st.just("private")),
        "OPTIONAL": st.just("? "),
    })
    return explicit


def contracts():
    from hypothesis.extra.lark import from_lark

    return from_lark(_lark(), explicit=_explicit())


@FUZZ
@given(contracts())
def test_generated_contracts_parse_check_run_and_print_back_or_give_diagnostics(text):
    try:
        tree = parse(text, "generated.contract")
    except ContractError as problem:
        assert problem.diagnostics[0].span is not None
        return
    printed = format_contract(tree, text)
    assert parse(printed, "generated.contract") == tree
    try:
        checked = check(tree, "generated.contract", text)
    except ContractError as problem:
        assert all(d.message for d in problem.diagnostics)
        return
    try:
        evaluate(checked, Inputs(until=date(2004, 12, 31)))
    except ContractError:
        pass


def test_a_good_share_of_generated_contracts_parse():
    """The explicit strategies make generation useful: report and hold the share that parses."""
    from hypothesis import find
    from hypothesis.errors import NoSuchExample

    parsed = []

    @settings(max_examples=200, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(contracts())
    def sample(text):
        try:
            parse(text, "generated.contract")
            parsed.append(True)
        except ContractError:
            parsed.append(False)

    sample()
    share = sum(parsed) / len(parsed)
    print(f"\n{share:.0%} of {len(parsed)} generated contracts parse")
    assert share >= 0.5, f"only {share:.0%} of generated contracts parse"
    del find, NoSuchExample


SMALL_CONTRACT = """contract "Fuzz target"
currency USD
security common
§1 "Terms" {
  parameter start: Date = 2003-01-01
  term holder = "Holder"
  term company = "Company"
  horizon 2004-01-01
  state balance: USD = 1_000.00 USD
  market close: USD per common
  event Pay {
    amount: USD
    on_time: Bool = true
    note: Text = "none"
    noticed: Date = 2003-01-01
  }
  upon Pay as p {
    require p.amount > 0 USD and p.amount <= balance else "too much"
    let q = quote_before(close, p.date)
    pay p.amount from company to holder as principal
    set balance = balance - p.amount
  }
}
"""

values = st.one_of(
    st.integers(-10**60, 10**60), st.text(max_size=12), st.booleans(), st.dates(),
    st.decimals(allow_nan=False, allow_infinity=False).map(str), st.just("2003-02-30"), st.just("1e400"),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _toml_value(value) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, date)):
        return str(value) if not isinstance(value, date) else value.isoformat()
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return "{ " + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"


@st.composite
def scenarios(draw):
    lines = []
    if draw(st.booleans()):
        lines.append(f"until = {_toml_value(draw(st.one_of(st.dates(), values)))}")
    if draw(st.booleans()):
        lines.append(f"{draw(st.sampled_from(['title', 'untill', 'prices', 'events']))} = {_toml_value(draw(values))}")
    if draw(st.booleans()):
        lines += ["[prices]", f"{draw(st.dates()).isoformat()} = {_toml_value(draw(values))}"]
    for _ in range(draw(st.integers(0, 3))):
        lines.append("[[events]]")
        if draw(st.integers(0, 4)):
            lines.append(f"date = {_toml_value(draw(st.one_of(st.dates(), values)))}")
        if draw(st.integers(0, 4)):
            lines.append(f"type = {_toml_value(draw(st.sampled_from(['Pay', 'Pya', 'Other']) | values))}")
        for field in draw(st.lists(st.sampled_from(["amount", "on_time", "note", "noticed", "amuont"]), max_size=4,
                                   unique=True)):
            lines.append(f"{field} = {_toml_value(draw(values))}")
    if draw(st.booleans()):
        depth = draw(st.integers(1, 200))
        lines.append("deep = " + "[" * depth + "]" * depth)
    if draw(st.integers(0, 9)) == 0:
        lines.append(draw(st.text(max_size=20)))
    return "\n".join(lines) + "\n"


@FUZZ
@given(scenarios())
def test_malformed_scenarios_give_diagnostics_never_tracebacks(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("fuzz")
    contract = folder / "fuzz.contract"
    contract.write_text(SMALL_CONTRACT, encoding="utf-8")
    scenario = folder / "scenario.toml"
    scenario.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(contract), str(scenario), "--format", "json"])
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), output
    if result.exit_code == 1:
        assert ": error: " in output


@pytest.mark.parametrize("text", [
    "contract \"x\"\n" + "§1 {\n" + "  term t = " + "(" * 5000 + "1" + ")" * 5000 + "\n}\n",
    "contract \"x\"\n" + "§1 {\n" + "  term t = " + " + ".join(["1"] * 20000) + "\n}\n",
    "contract \"x\"\n" + "§1 {\n" + "  term t = " + "-" * 3000 + "1\n}\n",
    "contract \"x\"\n" + "§1 { not computed \"a\" }\n" * 3000,
])
def test_deep_or_long_contracts_give_diagnostics_or_results(tmp_path, text):
    path = tmp_path / "big.contract"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert ": error: " in result.output


# ------------------------------------------------------------ files, paths and the cache

def _invoke(*args, env=None):
    result = CliRunner().invoke(main, list(args), env=env)
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, output


def _not_regular(folder, kind: str):
    """A path that is not a regular file: a FIFO, a device, a directory, or a symlink to one."""
    import os

    path = folder / f"{kind}.csv"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dir":
        path.mkdir()
    elif kind == "dangling":
        path.symlink_to(folder / "nowhere.csv")
    else:
        path.symlink_to({"zero": "/dev/zero", "random": "/dev/urandom", "null": "/dev/null", "tty": "/dev/tty"}[kind])
    return path


NOT_REGULAR = st.sampled_from(["fifo", "dir", "dangling", "zero", "random", "null", "tty"])


@FUZZ
@given(kind=NOT_REGULAR, role=st.sampled_from(["contract", "scenario", "prices"]))
def test_files_that_are_not_regular_are_refused_at_once(tmp_path_factory, kind, role):
    folder = tmp_path_factory.mktemp("files")
    contract = folder / "fuzz.contract"
    contract.write_text(SMALL_CONTRACT, encoding="utf-8")
    scenario = folder / "s.toml"
    scenario.write_text('until = 2003-12-31\nprices = "p.csv"\n', encoding="utf-8")
    odd = _not_regular(folder, kind)
    if role == "contract":
        status, output = _invoke("check", str(odd))
    elif role == "scenario":
        status, output = _invoke("eval", str(contract), str(odd))
    else:
        scenario.write_text(f'until = 2003-12-31\nprices = "{odd.name}"\n', encoding="utf-8")
        status, output = _invoke("eval", str(contract), str(scenario))
    assert status == 1 and ": error: " in output, output


_SECRET = "root:x:0:0:secret-line-that-must-not-be-shown"


@FUZZ
@given(name=st.one_of(
    st.sampled_from(["/etc/passwd", "/etc/shadow", "~/x.csv", "../../../../etc/passwd", "../outside/secret.csv",
                     "../outside/secret.txt", "secret-link.csv", "", ".", "..", "./"]),
    st.text(st.sampled_from("./~abc\\:"), max_size=12)))
def test_paths_out_of_reach_are_refused_and_never_echoed(tmp_path_factory, name):
    folder = tmp_path_factory.mktemp("reach")
    outside = folder / "outside"
    outside.mkdir()
    for secret in ("secret.csv", "secret.txt"):
        (outside / secret).write_text(_SECRET + "\n", encoding="utf-8")
    inside = folder / "inside"
    inside.mkdir()
    (inside / "secret-link.csv").symlink_to(outside / "secret.txt")
    contract = inside / "fuzz.contract"
    contract.write_text(SMALL_CONTRACT, encoding="utf-8")
    scenario = inside / "s.toml"
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    scenario.write_text(f'until = 2003-12-31\nprices = "{quoted}"\n', encoding="utf-8")
    status, output = _invoke("eval", str(contract), str(scenario))
    assert _SECRET not in output
    assert status == 1 and ": error: " in output, output


@FUZZ
@given(body=st.one_of(st.binary(max_size=64), st.text(max_size=64).map(str.encode),
                      st.sampled_from([b"\x80\x04\x95", b'{"x": 1}', b"[]", b"null", b"0" * 40 + b"\n[]"])))
def test_planted_cache_entries_change_no_result(tmp_path_factory, body):
    import json

    cache = tmp_path_factory.mktemp("cache")
    cache.chmod(0o700)
    env = {"CONTRACT_CACHE_DIR": str(cache)}
    args = ("eval", "contracts/examples/fixed_rate_bond.contract", "scenarios/bond_to_maturity.toml", "--format", "json")
    status, clean = _invoke(*args, env=env)
    assert status == 0
    for entry in cache.iterdir():
        entry.write_bytes(body)
    status, output = _invoke(*args, env=env)
    assert status == 0 and json.loads(output) == json.loads(clean)


# ------------------------------------------------------------ nested loops and far dates

def _eval_text(folder, body: str, scenario: str = 'title = "fuzz"\n'):
    contract = folder / "fuzz.contract"
    contract.write_text('contract "fuzz"\ncurrency USD\n' + body, encoding="utf-8")
    path = folder / "s.toml"
    path.write_text(scenario, encoding="utf-8")
    status, output = _invoke("eval", str(contract), str(path), "--format", "json")
    assert status in (0, 1), output
    if status == 1:
        assert ": error: " in output
    return status, output


@settings(max_examples=25, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(lengths=st.tuples(st.integers(1, 7), st.lists(st.integers(0, 7), max_size=5)).map(lambda p: [p[0], *p[1]]),
       doubling=st.booleans(), comprehension=st.booleans())
def test_nested_loops_end_with_a_result_or_a_budget(tmp_path_factory, lengths, doubling, comprehension):
    lines = ['§1 "Loops" {', "  horizon 2003-01-02", "  state n: Integer = 0", "  state xs: List of Integer = [1]"]
    lines += [f"  term l{i} = [{', '.join(str(k) for k in range(length))}]" for i, length in enumerate(lengths)]
    lines.append("  on 2003-01-01 {")
    for level in range(len(lengths)):
        lines.append("    " + "  " * level + f"for v{level} in l{level} {{")
    inner = "set xs = xs + xs" if doubling else "set n = n + 1"
    if comprehension:
        inner = "set n = n + count([a for a in l0 if a >= 0])"
    lines.append("    " + "  " * len(lengths) + inner)
    lines += ["    " + "  " * level + "}" for level in reversed(range(len(lengths)))]
    lines += ["  }", "}"]
    status, output = _eval_text(tmp_path_factory.mktemp("loops"), "\n".join(lines) + "\n")
    iterations = math.prod(lengths)
    if doubling and not comprehension and iterations >= 20:  # 2^20 elements: past the list budget
        assert status == 1 and "a list may hold" in output, output
    else:
        assert status == 0, output


@FUZZ
@given(horizon=st.dates(min_value=date(9990, 1, 1)),
       days=st.integers(-10**12, 10**12), months=st.integers(-10**9, 10**9))
def test_far_dates_give_results_or_diagnostics(tmp_path_factory, horizon, days, months):
    body = (f'§1 "Far" {{\n  horizon {horizon.isoformat()}\n  term holder = "H"\n'
            "  schedule coupon_dates = every Mar 10, Sep 10 from 9990-01-01\n"
            "  on each d in coupon_dates {\n"
            '    pay 1 USD from holder to holder as interest, on business_day(d, following, "US")\n  }\n'
            f"  report later = {horizon.isoformat()} + {days} days\n"
            f"  report moved = add_months({horizon.isoformat()}, {months})\n}}\n")
    status, output = _eval_text(tmp_path_factory.mktemp("far"), body)
    assert status == 0 or "the date falls outside the calendar" in output, output
