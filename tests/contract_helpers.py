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
