"""`contract new NAME [--like KIND]`: a commented contract and a scenario beside it that check,
evaluate and test green as written, so that a new instrument starts from the format of prices,
events and assumptions shown rather than guessed."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from ..diagnostics import CommandLineError, ContractError, Diagnostic
from ..files import write_whole

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def title_of(name: str) -> str:
    """my_first_note → My First Note: the contract's title until the document's own replaces it."""
    return " ".join(word.capitalize() for word in re.split(r"[_-]+", name) if word)


def write_skeleton(target: str, kind: str) -> tuple[str, str]:
    """Write TARGET.contract and TARGET.toml (TARGET may name a folder too); the two paths.

    Neither file is written over: an existing one is a diagnostic, and then nothing is written."""
    path = Path(target)
    name = path.name.removesuffix(".contract")
    if not _NAME.fullmatch(name):
        raise CommandLineError(Diagnostic(
            f"'{name}' cannot name a contract: use letters, digits, '_' and '-', starting with a letter"))
    contract_path = path.with_name(f"{name}.contract")
    scenario_path = path.with_name(f"{name}.toml")
    try:
        for existing in (contract_path, scenario_path):
            if existing.exists() or existing.is_symlink():
                raise ContractError(Diagnostic(f"cannot write {existing}: it exists, and contract new never replaces "
                                               "a file"))
        folder = contract_path.parent.is_dir()
    except OSError as problem:  # a name longer than the system allows, a folder that may not be read
        raise ContractError(Diagnostic(f"cannot write {problem.filename or contract_path}: {problem.strerror}")) \
            from None
    if not folder:
        raise ContractError(Diagnostic(f"cannot write {contract_path}: the folder {contract_path.parent} does not exist"))
    templates = resources.files(__package__) / "templates"
    contract = (templates / f"{kind}.contract").read_text(encoding="utf-8")
    scenario = (templates / f"{kind}.toml").read_text(encoding="utf-8")
    contract = contract.replace('contract "TITLE"', f'contract "{title_of(name)}"', 1)
    scenario = scenario.replace("FILE", contract_path.name).replace("SCENARIO", scenario_path.name)
    try:
        write_whole(contract_path, contract, replace=False)
        try:
            write_whole(scenario_path, scenario, replace=False)
        except BaseException:
            contract_path.unlink()  # a contract without its scenario is half a skeleton
            raise
    except FileExistsError as taken:  # made by someone else since it was looked at
        raise ContractError(Diagnostic(f"cannot write {taken.filename}: it exists, and contract new never "
                                       "replaces a file")) from None
    return str(contract_path), str(scenario_path)

