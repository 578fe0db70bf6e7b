"""A contract file's checked contract, from the cache when it was checked before.

A start that finds it there neither parses, checks nor imports the checker; every command that reads
a contract takes it here (`eval`, `check`, `test`, ...)."""

from __future__ import annotations

from . import tree_cache
from .checked import CheckedContract


def checked_contract(path: str, for_evaluation: bool = False) -> CheckedContract:
    """The checked contract of the file at `path`, or a ContractError; `for_evaluation`, only what an
    evaluation reads of it (CheckedContract.for_evaluation)."""
    from .parser import grammar_text, read_source

    text = read_source(path)
    name = tree_cache.checked_entry_name(path, text, grammar_text(), for_evaluation)
    contract = tree_cache.load_checked(name, path, text)
    if contract is None:
        from .checker import check
        from .parser import parse

        contract = check(parse(text, path, cached=False), path, text)  # the entry below keeps the tree too
        if for_evaluation:
            contract = contract.for_evaluation()
        if not tree_cache.store_checked(name, contract):
            parse(text, path)  # a contract the cache cannot keep checked: its tree alone, for the next start
    return contract
