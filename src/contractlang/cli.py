"""The command line: `contract eval | check | test | new | batch | diff | fmt`. Thin: each command calls one stage.

Every failure a user can cause arrives here as a ContractError and leaves as
`PATH:LINE:COL: error: MESSAGE` with the line and a caret, exit status 1.
Wrong use of the command line exits 2 (click's usage errors). Heavy modules
are imported inside the commands so that `--help` and `--version` start fast.
"""

from __future__ import annotations

import gc
import sys

import click

from . import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Group(click.Group):
    """Turns every ContractError into diagnostics on stderr with exit status 1."""

    def invoke(self, ctx):
        from .diagnostics import CommandLineError, ContractError

        try:
            outcome = super().invoke(ctx)
            sys.stdout.flush()  # a full disk or a closed pipe is found here, not at exit
            return outcome
        except CommandLineError as problem:  # wrong use of the command line, as click's own usage errors
            click.echo(problem.render(), err=True)
            click.echo(f"Try '{ctx.command_path} {ctx.invoked_subcommand} --help' for help.", err=True)
            ctx.exit(2)
        except ContractError as problem:
            click.echo(problem.render(), err=True)
            ctx.exit(1)
        except RecursionError:
            click.echo("error: the input is nested too deeply to evaluate", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:  # the reader went away (`| head`): nothing more to say
            _discard_stdout()
            ctx.exit(0)
        except OSError as problem:
            if problem.filename is not None:  # a file named on the command line cannot be used (a name too long)
                from .diagnostics import printable

                click.echo(f"error: cannot use {printable(str(problem.filename))}: {problem.strerror}", err=True)
                ctx.exit(1)
            _discard_stdout()  # standard output cannot be written (a full disk)
            click.echo(f"error: cannot write to standard output: {problem.strerror}", err=True)
            ctx.exit(1)
        except Exception as problem:  # a defect of the tool itself: say so without a traceback
            import os

            if os.environ.get("CONTRACT_DEBUG"):
                raise
            click.echo(f"error: internal error ({type(problem).__name__}: {problem}); "
                       "set CONTRACT_DEBUG=1 to see where", err=True)
            ctx.exit(1)


def _discard_stdout() -> None:
    """Send what is still buffered for standard output nowhere, so that exiting does not fail again."""
    import os

    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="contract")
def main() -> None:
    """A literate contract language for financial instruments.

    Contracts are written section by section like their documents; `eval` runs
    a scenario through one and lists the payments, share issues, adjustments
    and rejections the terms produce, each with the clause it comes from.
    """


def _contract_and_inputs(contract_path, scenario_path, until_text, sets, assumes, for_evaluation=False):
    """The checked contract (`for_evaluation`, only what an evaluation reads of it), the scenario (None when not
    given) and the inputs of a run, from the options `eval` and `render` share (--until, --set, --assume)."""
    from .inputs.binding import inputs_for, scenario_warnings
    from .inputs.scenario import load_scenario, parse_date
    from .language.loading import checked_contract

    until = None
    if until_text is not None:
        until = parse_date(until_text)
        if until is None:
            raise click.BadParameter(f"{until_text!r} is not a date (YYYY-MM-DD)", param_hint="--until")
    set_values = _assignments(sets, "--set")
    assume_values = _assignments(assumes, "--assume")
    contract = checked_contract(contract_path, for_evaluation)
    scenario = load_scenario(scenario_path) if scenario_path else None
    inputs = inputs_for(contract, scenario, set_values, assume_values, until)
    for warning in scenario_warnings(contract, scenario, until is not None) if scenario is not None else ():
        click.echo(warning.render(), err=True)
    return contract, scenario, inputs


def _assignments(values, option: str) -> dict[str, str]:
    from .inputs.binding import parse_cli_assignment

    found = {}
    for text in values:
        _utf8(text, option)
        try:
            name, value = parse_cli_assignment(text)
        except ValueError:
            raise click.BadParameter(f"expected NAME=VALUE, not {text!r}", param_hint=option)
        if name in found:  # the last would be taken silently, as a scenario or an example never does
            raise click.BadParameter(f"{name} is given twice ({found[name]!r}, then {value!r}): give each name once",
                                     param_hint=option)
        found[name] = value
    return found


def _utf8(text: str, hint: str) -> str:
    """A command-line value that is text: bytes that are not UTF-8 reach Python as lone surrogates, which no
    memo, row or chart can hold (an internal error once the run was done)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise click.BadParameter(f"{text!r} is not UTF-8 text", param_hint=hint) from None
    return text


@main.command("eval", context_settings=CONTEXT)
@click.argument("contract_path", metavar="CONTRACT")
@click.argument("scenario_path", metavar="SCENARIO")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="table for people, json for programs, csv (one row per effect and state key)")
@click.option("--until", "until_text", metavar="DATE", help="evaluate through this date instead of the scenario's")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="fill or override a contract parameter")
@click.option("--assume", "assumes", multiple=True, metavar="NAME=VALUE", help="override an assumption")
@click.option("--explain", is_flag=True, help="show under each effect how it was computed, step by step, with clauses")
def eval_command(contract_path, scenario_path, output_format, until_text, sets, assumes, explain):
    """Run one SCENARIO (TOML or JSON) against one CONTRACT."""
    from .runtime.effects import render_json, render_table
    from .runtime.interpreter import evaluate

    contract, _, inputs = _contract_and_inputs(contract_path, scenario_path, until_text, sets, assumes,
                                               for_evaluation=True)
    result = evaluate(contract, inputs, explain=explain)
    for warning in result.warnings:
        click.echo(warning.render(), err=True)
    if output_format == "json":
        sys.stdout.write(render_json(result))
    elif output_format == "csv":
        from .tools.rows import csv_text, result_rows

        sys.stdout.write(csv_text(result_rows(result, contract_path, scenario_path)))
    else:
        from .runtime.effects import Accepted
        from .tools.settings_in_force import parameters_in_force, rates

        accepted = tuple(Accepted(e.index, e.type, e.date, contract.symbols[e.type].section) for e in inputs.events)
        currency = contract.currencies[0] if len(contract.currencies) == 1 else None
        sys.stdout.write(render_table(result, explain=explain, color=sys.stdout.isatty(),
                                      parameters=parameters_in_force(contract, inputs), rates=rates(contract),
                                      events=accepted, currency=currency))


@main.command("check", context_settings=CONTEXT)
@click.argument("contract_paths", metavar="CONTRACT...", nargs=-1, required=True)
def check_command(contract_paths):
    """Parse and check contracts without running them."""
    from .diagnostics import ContractError
    from .language.loading import checked_contract

    problems = []
    for path in contract_paths:
        try:
            checked = checked_contract(path)
        except ContractError as problem:
            problems.append(problem)
            continue
        sections = len(checked.tree.sections)
        events = len(checked.events)
        click.echo(f"{path}: ok ({sections} section{'s' if sections != 1 else ''}, "
                   f"{events} event type{'s' if events != 1 else ''})")
        for warning in checked.warnings:
            click.echo(warning.render(), err=True)
    if problems:
        raise ContractError([d for p in problems for d in p.diagnostics])


@main.command("test", context_settings=CONTEXT)
@click.argument("contract_paths", metavar="CONTRACT...", nargs=-1, required=True)
@click.option("--max-examples", default=100, show_default=True, type=click.IntRange(1, 100_000),
              help="generated scenarios per property")
@click.option("--seed", default=0, show_default=True, type=int, help="makes the generated scenarios reproducible")
@click.option("--counterexamples", default="counterexamples", show_default=True, metavar="DIR",
              help="where failing scenarios are written")
@click.option("--fail-fast", is_flag=True, help="stop at the first example or invariant that fails")
def test_command(contract_paths, max_examples, seed, counterexamples, fail_fast):
    """Run the examples and invariants that contracts declare; invariants over generated scenarios."""
    gc.enable()  # it runs long and makes garbage as it goes (the program starts with the collector off)
    from .testing.runner import run_tests

    failures = run_tests(list(contract_paths), max_examples=max_examples, seed=seed, out_dir=counterexamples,
                         echo=click.echo, color=sys.stdout.isatty(), fail_fast=fail_fast)
    if failures:
        sys.exit(1)


@main.command("batch", context_settings=CONTEXT)
@click.argument("paths", metavar="CONTRACT...", nargs=-1, required=True)
@click.option("--scenarios", "patterns", multiple=True, required=True, metavar="DIR_OR_GLOB...",
              help="scenario files, folders of them or globs (arguments after CONTRACTs not ending in .contract too)")
@click.option("--grid", "grid_path", metavar="FILE", help="a TOML of lists of values (params, assume, prices) to multiply by")
@click.option("--jobs", type=click.IntRange(1, 512), default=None, help="workers  [default: the number of cores]")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="a process pool here, or Dask distributed")
@click.option("--address", metavar="HOST:PORT", help="the Dask scheduler (without it, a local cluster)")
@click.option("--connect-timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 3600), metavar="SECONDS",
              help="how long to try to reach the scheduler at --address")
@click.option("--out", "out_path", required=True, metavar="FILE", help="rows as .jsonl, .csv or .parquet")
@click.option("--resume", is_flag=True, help="skip the pairs FILE already has (.jsonl and .csv)")
def batch_command(paths, patterns, grid_path, jobs, engine, address, connect_timeout, out_path, resume):
    """Evaluate every pair of CONTRACT and scenario; one row per effect and per final state key."""
    gc.enable()  # it runs long and makes garbage as it goes (the program starts with the collector off)
    import os

    from .tools.batch import dask_client, dask_engine, local_engine, plan, run_batch

    if address and engine != "dask":
        raise click.UsageError("--address needs --engine dask")
    for path in list(paths) + list(patterns):  # every row names its contract and its scenario
        _utf8(path, "CONTRACT..." if path in paths else "--scenarios")
    contracts = [p for p in paths if p.endswith(".contract")]
    if not contracts:
        raise click.UsageError("name at least one CONTRACT (a .contract file)")
    patterns = list(patterns) + [p for p in paths if not p.endswith(".contract")]
    jobs = jobs or os.cpu_count() or 1
    tasks = plan(contracts, patterns, grid_path)
    client = None
    try:
        if engine == "dask":
            client = dask_client(address, jobs, connect_timeout)
            run_on = dask_engine(client)
        else:
            run_on = local_engine(jobs)
        summary = run_batch(tasks, out_path, run_on, jobs, resume=resume, progress=sys.stderr.isatty())
    except KeyboardInterrupt:
        click.echo(f"interrupted: the rows written to {out_path} stay; carry on with --resume", err=True)
        sys.exit(130)
    finally:
        if client is not None:
            cluster = client.cluster  # a local cluster this command started (None for a scheduler's address)
            client.close()
            if cluster is not None:  # closed here: the program ends without the exit handlers that would
                cluster.close()
    click.echo(summary.text(), err=True)
    if summary.errors:
        sys.exit(1)


@main.command("diff", context_settings=CONTEXT)
@click.argument("old_path", metavar="OLD")
@click.argument("new_path", metavar="NEW")
@click.argument("scenario_paths", metavar="[SCENARIO]...", nargs=-1)
@click.option("--generate", "count", default=100, show_default=True, type=click.IntRange(0, 100_000),
              help="scenarios generated from the events both drafts declare")
@click.option("--seed", default=0, show_default=True, type=int, help="makes the generated scenarios reproducible")
@click.option("--out", "out_dir", default="differences", show_default=True, metavar="DIR",
              help="where generated scenarios that differ are written")
@click.option("--keep", default=5, show_default=True, type=click.IntRange(0, 10_000),
              help="how many of them are written, smallest first")
def diff_command(old_path, new_path, scenario_paths, count, seed, out_dir, keep):
    """Compare two drafts: the terms that differ, then the outcomes (exit 3 when an outcome differs)."""
    gc.enable()  # it runs long and makes garbage as it goes (the program starts with the collector off)
    from .language.loading import checked_contract
    from .tools.diff import diff, render

    old, new = checked_contract(old_path), checked_contract(new_path)
    report = diff(old, new, list(scenario_paths), count, seed, out_dir, keep)
    sys.stdout.write(render(report))
    if report.outcomes_differ:
        sys.exit(3)


@main.command("new", context_settings=CONTEXT)
@click.argument("name", metavar="NAME")
@click.option("--like", "kind", type=click.Choice(["bond", "note", "preferred", "safe"]), default="bond",
              show_default=True, help="the kind of instrument the skeleton starts from")
def new_command(name, kind):
    """Write NAME.contract, a commented skeleton that checks, evaluates and tests green, and NAME.toml beside it."""
    from .tools.skeleton import write_skeleton

    contract_path, scenario_path = write_skeleton(name, kind)
    click.echo(f"wrote {contract_path} and {scenario_path}")
    click.echo(f"next: contract check {contract_path}")
    click.echo(f"      contract eval {contract_path} {scenario_path} --explain")
    click.echo(f"      contract test {contract_path}")


@main.command("fmt", context_settings=CONTEXT)
@click.argument("contract_paths", metavar="CONTRACT...", nargs=-1, required=True)
@click.option("--check", "check_only", is_flag=True, help="only report the files that are not in canonical layout")
def fmt_command(contract_paths, check_only):
    """Rewrite contracts in canonical layout."""
    from .files import write_whole
    from .language.parser import parse, read_source
    from .language.printer import format_contract

    unformatted = []
    for path in contract_paths:
        text = read_source(path)
        formatted = format_contract(parse(text, path), text)
        if formatted != text:
            unformatted.append(path)
            if not check_only:
                write_whole(path, formatted, replace=True)
                click.echo(f"reformatted {path}")
    if check_only and unformatted:
        for path in unformatted:
            click.echo(f"would reformat {path}")
        sys.exit(1)


@main.command("render", context_settings=CONTEXT)
@click.argument("contract_path", metavar="CONTRACT")
@click.argument("scenario_path", metavar="[SCENARIO]", required=False)
@click.option("-o", "--output", "output_path", required=True, metavar="FILE",
              help="the memo: FILE.html, or FILE.pdf where WeasyPrint is installed")
@click.option("--until", "until_text", metavar="DATE", help="evaluate through this date instead of the scenario's")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="fill or override a contract parameter")
@click.option("--assume", "assumes", multiple=True, metavar="NAME=VALUE", help="override an assumption")
def render_command(contract_path, scenario_path, output_path, until_text, sets, assumes):
    """Write a memo of CONTRACT for readers of the document; with a SCENARIO, its effects and cash flows too."""
    from .runtime.interpreter import evaluate
    from .tools.memo import build_memo, render_html, write_memo

    if not output_path.lower().endswith((".html", ".htm", ".pdf")):
        raise click.BadParameter(f"{output_path!r} should end in .html or .pdf", param_hint="-o")
    _utf8(contract_path, "CONTRACT")  # the memo names both
    if scenario_path is not None:
        _utf8(scenario_path, "SCENARIO")
    contract, scenario, inputs = _contract_and_inputs(contract_path, scenario_path, until_text, sets, assumes)
    result = evaluate(contract, inputs, explain=True) if scenario is not None else None
    memo = build_memo(contract, inputs, result, scenario_title=scenario.title if scenario else None)
    write_memo(render_html(memo), output_path)
    click.echo(f"wrote {output_path}", err=True)


@main.command("lsp", context_settings=CONTEXT)
def lsp_command():
    """Serve the Language Server Protocol on standard input and output, for editors."""
    gc.enable()  # it runs long and makes garbage as it goes (the program starts with the collector off)
    from .diagnostics import ContractError, Diagnostic

    try:
        from .tools.lsp import serve
    except ImportError as missing:
        raise ContractError(Diagnostic(f"contract lsp needs {missing.name}: pip install 'contractlang[lsp]'"))
    serve()


if __name__ == "__main__":  # pragma: no cover
    main(prog_name="contract")
