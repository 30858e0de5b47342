"""The layering of SPEC §1 holds: each package imports only the project packages it may."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PROJECT_PACKAGES = {"domain", "providers", "store", "core", "services", "workers", "webhook_app", "sandbox", "hrsync", "bench"}

# package -> project packages it may import (itself always allowed)
ALLOWED = {
    "domain": set(),
    "providers": {"domain"},
    "store": {"domain"},
    "sandbox": {"domain"},
    "core": {"domain", "providers", "store"},
    "services": {"domain", "providers", "store", "core"},
    "workers": {"domain", "providers", "store", "core", "services", "hrsync"},
    "webhook_app": {"domain", "providers", "store", "core", "services", "workers", "hrsync"},
}


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def python_files(package: str):
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_allowed_layers(package):
    offences = []
    for path in python_files(package):
        for lineno, module in imported_modules(path):
            top = module.split(".")[0]
            if top in PROJECT_PACKAGES and top != package and top not in ALLOWED[package]:
                offences.append(f"{path.relative_to(ROOT)}:{lineno} imports {module}")
    assert offences == []


def test_only_the_config_module_reads_the_environment():
    readers = []
    for package in sorted(PROJECT_PACKAGES - {"bench"}):
        for path in python_files(package):
            text = path.read_text()
            if ("os.environ" in text or "os.getenv" in text or "getenv(" in text) \
                    and path != ROOT / "core" / "settings.py":
                readers.append(str(path.relative_to(ROOT)))
    assert readers == []


def test_the_checks_see_the_code():
    assert python_files("domain") and python_files("hrsync")
