"""The package's structure: stages in the order data flows, each importing only from those below it.

The imports of every module are read with `ast` (those inside functions too),
so a cycle, a private name taken from another module, or a stage reaching up
fails here, before a newcomer meets it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "contractlang"

# From the bottom: what every stage may use, then the stages in the order data flows.
LAYERS = ("base", "stdlib", "language", "runtime", "inputs", "testing", "tools", "cli")
BASE_MODULES = {"__init__", "diagnostics", "files", "cache", "records"}


def layer_of(module: str) -> str:
    """The stage of a module named relative to the package (`language.checker`, `cli`)."""
    head = module.split(".")[0]
    if head in BASE_MODULES:
        return "base"
    if head == "__main__":  # the program itself: the command line, started
        return "cli"
    if head in LAYERS:
        return head
    raise ValueError(f"{module} belongs to no stage: put it in one of {', '.join(LAYERS[1:])}")


def module_names(root: Path) -> dict[str, Path]:
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, str, int]]:
    """(imported module, imported name or '', line) for every import of another module of the package."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == root_name(path, module):
                target = node.module.partition(".")[2]
            else:
                continue
            for alias in node.names:
                submodule = f"{target}.{alias.name}" if target else alias.name
                if submodule in modules:
                    found.append((submodule, "", node.lineno))
                elif target in modules or target == "":
                    found.append((target or "__init__", alias.name, node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                head, _, rest = alias.name.partition(".")
                if head == root_name(path, module) and rest in modules:
                    found.append((rest, "", node.lineno))
    return found


def root_name(path: Path, module: str) -> str:
    depth = module.count(".") + (1 if path.name == "__init__.py" and module != "__init__" else 0)
    return path.parents[depth].name


def structure_problems(root: Path) -> list[str]:
    """Every import cycle, private import and upward import in the package at `root`."""
    modules = module_names(root)
    problems, edges = [], {}
    for module, path in modules.items():
        for target, name, line in imports_of(module, path, modules):
            where = f"{path.relative_to(root)}:{line}"
            if target == module:
                continue
            edges.setdefault(module, set()).add(target)
            if name.startswith("_") and not name.endswith("__"):
                problems.append(f"{where}: {module} imports the private name {name} of {target}")
            mine, theirs = LAYERS.index(layer_of(module)), LAYERS.index(layer_of(target))
            if theirs > mine:
                problems.append(f"{where}: {module} ({LAYERS[mine]}) imports {target} from {LAYERS[theirs]}, "
                                "a stage above its own")
    problems += [f"import cycle: {' -> '.join(cycle)}" for cycle in cycles(edges)]
    return problems


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each module that can reach itself (depth-first, deterministic)."""
    found, reported = [], set()
    for start in sorted(edges):
        stack = [(start, [start])]
        seen = set()
        while stack:
            node, trail = stack.pop()
            for following in sorted(edges.get(node, ())):
                if following == start:
                    cycle = trail + [start]
                    if frozenset(cycle) not in reported:
                        reported.add(frozenset(cycle))
                        found.append(cycle)
                elif following not in seen:
                    seen.add(following)
                    stack.append((following, trail + [following]))
    return found


def test_the_package_has_no_cycle_no_private_import_and_no_stage_reaching_up():
    assert structure_problems(PACKAGE) == []


def test_every_module_belongs_to_a_stage():
    for module in module_names(PACKAGE):
        layer_of(module)


def write_package(root: Path, files: dict[str, str]) -> Path:
    package = root / "contractlang"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in [package, *[p for p in package.rglob("*") if p.is_dir()]]:
        (folder / "__init__.py").touch()
    return package


def test_the_check_catches_a_planted_cycle(tmp_path):
    package = write_package(tmp_path, {
        "language/checker.py": "from . import printer\n",
        "language/printer.py": "def show():\n    from .checker import check\n",
    })
    assert structure_problems(package) == [
        "import cycle: language.checker -> language.printer -> language.checker"]


def test_the_check_catches_a_planted_private_import(tmp_path):
    package = write_package(tmp_path, {
        "runtime/interpreter.py": "from ..language.checker import _Scope\n",
        "language/checker.py": "class _Scope: pass\n",
    })
    assert structure_problems(package) == [
        "runtime/interpreter.py:1: runtime.interpreter imports the private name _Scope of language.checker"]


def test_the_check_catches_a_stage_reaching_up(tmp_path):
    package = write_package(tmp_path, {
        "language/checker.py": "import contractlang.inputs.scenario\n",
        "inputs/scenario.py": "from contractlang.diagnostics import Span\n",
        "diagnostics.py": "Span = object\n",
    })
    assert structure_problems(package) == [
        "language/checker.py:1: language.checker (language) imports inputs.scenario from inputs, a stage above its own"]


def test_a_module_outside_every_stage_is_named():
    with pytest.raises(ValueError, match="helpers belongs to no stage"):
        layer_of("helpers")
