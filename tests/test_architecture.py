"""The layers of the import contract (pyproject.toml, `[tool.importlinter]`) hold, and every
module of the project is named by exactly one of them, so a new module cannot slip past.

`make lint` runs the same contract; here it also fails the test suite.
"""

import re
import subprocess
import sys
from pathlib import Path

import grimp
from importlinter.api import read_configuration

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"


def _options() -> tuple[list[str], list[list[str]]]:
    options = read_configuration(str(PYPROJECT))
    (contract,) = [c for c in options["contracts_options"] if c.get("id") == "layers"]
    layers = [
        [name for name in re.split(r"[\s:|]+", entry) if name] for entry in contract["layers"]
    ]
    return list(options["session_options"]["root_packages"]), layers


def _layers_naming(module: str, layers: list[list[str]]) -> list[int]:
    """The layers (by position) holding an entry that is `module` or one of its ancestors."""
    return [
        position
        for position, names in enumerate(layers)
        for name in names
        if module == name or module.startswith(f"{name}.")
    ]


def _project_modules(roots: list[str]) -> tuple[grimp.ImportGraph, list[str]]:
    graph = grimp.build_graph(*roots, cache_dir=None)
    modules = [m for m in graph.modules if ".migrations" not in f".{m}."]
    return graph, sorted(modules)


def test_every_module_belongs_to_exactly_one_layer() -> None:
    """A package split across layers (`repository`: views above services above models) is
    itself named by none, and then its `__init__` may import nothing of the project."""
    roots, layers = _options()
    graph, modules = _project_modules(roots)
    named = {name for names in layers for name in names}
    assert named <= set(graph.modules), f"layers name missing modules: {named - graph.modules}"
    problems = []
    for module in modules:
        holders = _layers_naming(module, layers)
        is_split_package = any(name.startswith(f"{module}.") for name in named)
        if is_split_package and not holders:
            imported = {
                other
                for other in graph.find_modules_directly_imported_by(module)
                if other.split(".")[0] in roots
            }
            if imported:
                problems.append(f"{module} (a package split across layers) imports {imported}")
        elif len(holders) != 1:
            problems.append(f"{module} is in {len(holders)} layers: {holders}")
    assert not problems, "\n".join(problems)


def test_a_module_named_by_no_layer_is_caught() -> None:
    """The membership check above can fail: a new module of a split package has no layer."""
    _roots, layers = _options()
    assert _layers_naming("repository.a_new_module", layers) == []
    assert len(_layers_naming("repository.services.a_new_use_case", layers)) == 1


def test_no_module_imports_from_a_layer_above_it() -> None:
    """The import-linter contract, imports inside functions included."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
