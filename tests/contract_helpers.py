"""Helpers the language's tests share: the command line in process, a file written, a contract's problems."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from contractlang.cli import main
from contractlang.diagnostics import ContractError
from contractlang.language.checker import check
from contractlang.language.parser import parse

HEADER = 'contract "test"\ncurrency USD\nsecurity common\n'


def run(*args: str):
    """`contract ARGS...`: its exit status, standard output and standard error."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def problems(body: str) -> list[str]:
    """The checker's diagnostics, rendered, of HEADER followed by `body`."""
    text = HEADER + body
    with pytest.raises(ContractError) as caught:
        check(parse(text, "t.contract"), "t.contract", text)
    return [d.render() for d in caught.value.diagnostics]
