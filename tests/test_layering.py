"""The module graph of docs/architecture.md holds: adapters → pipeline → core, and no import cycles.

Imports are read from the source (module level and inside functions, which the start-up budget makes
common; `if TYPE_CHECKING:` blocks left out, they never run). A core module imports no adapter and no
tool, a tool imports no adapter, and no module reaches itself again through its imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "kustomize_plugin"
# What runs a command or a protocol: stdio, the environment, exit codes (docs/architecture.md).
ADAPTERS = {
    "__main__",
    "cli",
    "cli_options",
    "cli_review",
    "cli_lock",
    "cli_argocd",
    "cli_kustomize",
    "krm",
    "legacy",
    "argocd",
    "argocd_discovery",
    "output",
    "progress",
}
# Reading and writing files and folders, for the adapters and the tools.
FILES = {"read", "outdir"}
# What reads renders: the review commands' modules and the adoption of live objects.
TOOLS = {"adopt"} | {f"review.{p.stem}" for p in (PACKAGE / "review").glob("*.py") if p.stem != "__init__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
CORE = set(MODULES) - ADAPTERS - FILES - TOOLS


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def imports_of(name: str, *, typing: bool = False) -> set[str]:
    """The package modules `name` imports when it runs (and, with `typing`, for its type hints)."""
    path = MODULES[name]
    package = name.split(".")[:-1] if path.name != "__init__.py" else name.split(".")
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child) and not typing:
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.ImportFrom):
                base = package[: len(package) - child.level + 1] if child.level else []
                if child.level == 0:
                    if not (child.module or "").startswith("kustomize_plugin"):
                        continue
                    base = (child.module or "").split(".")[1:]
                elif child.module:
                    base = [*base, *child.module.split(".")]
                target = ".".join(base)
                for alias in child.names:
                    candidate = f"{target}.{alias.name}" if target else alias.name
                    if candidate in MODULES:
                        found.add(candidate)
                    elif target in MODULES:
                        found.add(target)
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.startswith("kustomize_plugin."):
                        found.add(alias.name.split(".", 1)[1])
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(name)
    found.discard("__init__")
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def test_the_layers_are_known() -> None:
    assert set(MODULES) >= ADAPTERS
    assert set(MODULES) >= FILES
    assert {"pipeline", "index", "model", "naming", "emit", "yamlload", "yamldump", "config"} <= CORE


@pytest.mark.parametrize("name", sorted(CORE))
def test_a_core_module_imports_no_adapter_tool_or_file_access(name: str) -> None:
    assert not GRAPH[name] & (ADAPTERS | TOOLS | FILES), sorted(GRAPH[name] & (ADAPTERS | TOOLS | FILES))


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_a_tool_imports_no_adapter(name: str) -> None:
    assert not GRAPH[name] & ADAPTERS, sorted(GRAPH[name] & ADAPTERS)


def test_expansion_depends_on_no_validator() -> None:
    """The builders take resolved views from the model, not from a validator (type hints included)."""
    for name in (n for n in MODULES if n.startswith("expand.")):
        assert not {m for m in imports_of(name, typing=True) if m.startswith("validate.")}, name


def test_no_import_cycles() -> None:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(name: str) -> None:
        state[name] = 1
        path.append(name)
        for target in sorted(GRAPH[name]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                walk(target)
        path.pop()
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            walk(name)
    assert not cycles, [" -> ".join(c) for c in cycles]
