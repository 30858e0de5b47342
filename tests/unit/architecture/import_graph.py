"""Which project package imports which: `python -m tests.unit.architecture.import_graph` prints the graph
(package -> the packages it imports), as the layer test checks it."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("domain", "providers", "store", "sandbox", "core", "services", "webhook_app", "workers", "hrsync",
            "bench")


@dataclass(frozen=True)
class Import:
    path: Path
    lineno: int
    module: str
    names: tuple[str, ...]  # `from module import names`; () for `import module`

    @property
    def package(self) -> str:
        return self.module.split(".")[0]

    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.lineno} imports {self.module}"


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imports(package: str) -> list[Import]:
    """Every import of a project package in `package`'s modules (absolute imports; the project uses no others)."""
    found = []
    for path in python_files(package):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                found += [Import(path, node.lineno, alias.name, ()) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.append(Import(path, node.lineno, node.module, tuple(alias.name for alias in node.names)))
    return [entry for entry in found if entry.package in PACKAGES]


def graph() -> dict[str, set[str]]:
    """Package -> the other project packages it imports."""
    return {package: {entry.package for entry in imports(package)} - {package} for package in PACKAGES}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The cycles among the packages (each as a path from a package back to itself)."""
    found, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                found.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    return found


def main() -> None:
    edges = graph()
    for package in PACKAGES:
        print(f"{package} -> {', '.join(sorted(edges[package])) or '(nothing)'}")
    print("cycles:", "; ".join(" -> ".join(cycle) for cycle in cycles(edges)) or "none")


if __name__ == "__main__":
    main()
