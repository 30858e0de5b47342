"""domain/ stays pure: no web framework, queue, HTTP client, ORM or schema library, found by AST."""

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[3] / "domain"
FORBIDDEN = {"flask", "rq", "redis", "requests", "sqlalchemy", "marshmallow"}


def imported(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__" and node.args:
            first = node.args[0]
            found.append((node.lineno, first.value if isinstance(first, ast.Constant) else "<dynamic>"))
    return found


def offences(path: Path) -> list[str]:
    return [f"{path.name}:{line} imports {module}" for line, module in imported(path)
            if module.split(".")[0] in FORBIDDEN or module == "<dynamic>"]


def test_the_domain_files_are_found():
    assert {"matching.py", "names.py", "apply.py"} <= {path.name for path in DOMAIN.glob("*.py")}


@pytest.mark.parametrize("path", sorted(DOMAIN.rglob("*.py")), ids=lambda path: path.name)
def test_domain_module_imports_nothing_impure(path):
    assert offences(path) == []


@pytest.mark.parametrize("source", [
    "import flask", "import redis.client", "from sqlalchemy import orm", "from rq import Queue",
    "import requests as http", "from marshmallow.fields import String", "__import__('flask')",
], ids=["import", "submodule", "from", "from-rq", "alias", "from-submodule", "dunder-import"])
def test_the_check_catches(tmp_path, source):
    module = tmp_path / "sneaky.py"
    module.write_text(f"def f():\n    {source}\n")
    assert len(offences(module)) == 1
