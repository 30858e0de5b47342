"""The layers point one way (README, Architecture): domain → providers, store, sandbox → core → services → the
entrypoints (web app, workers, CLI and demo), which only translate and reach each other through public APIs only.

`python -m tests.unit.architecture.import_graph` prints the graph these tests check."""

import ast
import importlib

import pytest

from tests.unit.architecture.import_graph import PACKAGES, ROOT, cycles, graph, imports, python_files

ENTRYPOINTS = ("webhook_app", "workers", "hrsync")
BELOW_THE_ENTRYPOINTS = {"domain", "providers", "store", "core", "services"}

# package -> project packages it may import (itself always allowed); nothing else, and no exception.
ALLOWED = {
    "domain": set(),
    "providers": {"domain"},
    "store": {"domain"},
    "sandbox": {"domain"},
    "core": {"domain", "providers", "store"},
    "services": {"domain", "providers", "store", "core"},
    "webhook_app": BELOW_THE_ENTRYPOINTS,
    "workers": BELOW_THE_ENTRYPOINTS,
    # The CLI starts the web app and the workers, the demo runs the sandbox beside them.
    "hrsync": BELOW_THE_ENTRYPOINTS | {"sandbox", "webhook_app", "workers"},
}
# What one entrypoint may take from another: its package's public API (its __all__), imported from the package.
PUBLIC_API = {"webhook_app": {"create_app", "serve"}, "workers": {"install_runtime", "run_worker"}}
# The store's modules that open sessions and rows: entrypoints reach the registry through services only.
DATA_ACCESS = ("store.db", "store.repositories", "store.models")
DATA_ACCESS_ALLOWED = {("store.models.base", "MAX_ID")}  # a number (the largest id a URL may name)
# Lower layers' error modules and core's hierarchy: translating them is the edges' job (webhook_app/errors.py,
# hrsync/cli/errors.py), never a view's or a command's.
ERROR_MODULES = ("core.errors", "store.errors", "providers.errors", "domain.errors")
# Catching one of those for another reason than translating it: (module, why).
CATCHES = {
    "webhook_app/webhook_fastpath.py": "a refusal or Redis failure falls through to the route, which answers it",
    "webhook_app/approvals_form.py": "reading the form: a name format it cannot parse is a form error",
    "workers/jobs.py": "RQ's retry policy: which failures are worth another try",
}


def test_every_package_is_checked():
    assert set(ALLOWED) | {"bench"} == set(PACKAGES)
    assert {path.name for path in ROOT.iterdir() if (path / "__init__.py").is_file()} <= set(PACKAGES) | {"tests"}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_allowed_layers(package):
    offences = [entry.where() for entry in imports(package)
                if entry.package != package and entry.package not in ALLOWED[package]]
    assert offences == []


def test_the_packages_import_no_cycle():
    assert cycles(graph()) == []


@pytest.mark.parametrize("package", ENTRYPOINTS)
def test_entrypoints_reach_each_other_through_their_public_api_only(package):
    offences = [entry.where() for entry in imports(package) if entry.package in PUBLIC_API
                and entry.package != package
                and (entry.module != entry.package or not set(entry.names) <= PUBLIC_API[entry.package])]
    assert offences == []


@pytest.mark.parametrize("package", sorted(PUBLIC_API))
def test_the_public_apis_are_what_the_packages_export(package):
    assert set(importlib.import_module(package).__all__) == PUBLIC_API[package]


@pytest.mark.parametrize("package", ENTRYPOINTS)
def test_entrypoints_never_query_the_store(package):
    offences = [entry.where() for entry in imports(package)
                if entry.module.startswith(DATA_ACCESS) or entry.module == "store" and set(entry.names) & {
                    "db", "repositories", "models"}
                if not set((entry.module, name) for name in entry.names) <= DATA_ACCESS_ALLOWED]
    assert offences == []


@pytest.mark.parametrize("package", ENTRYPOINTS)
def test_entrypoints_leave_error_translation_to_their_edge(package):
    refusals = {name for module in ERROR_MODULES for name, value in vars(importlib.import_module(module)).items()
                if isinstance(value, type) and issubclass(value, Exception) and value.__module__ == module}
    offences = []
    for path in python_files(package):
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ExceptHandler) and node.type is not None and where not in CATCHES:
                caught = {getattr(name, "id", getattr(name, "attr", "")) for name in ast.walk(node.type)}
                offences += [f"{where}:{node.lineno} catches {name}" for name in sorted(caught & refusals)]
    assert offences == []


def test_only_the_settings_module_reads_the_environment():
    readers = []
    for package in sorted(set(PACKAGES) - {"bench"}):
        for path in python_files(package):
            text = path.read_text()
            if ("os.environ" in text or "os.getenv" in text or "getenv(" in text) \
                    and path != ROOT / "core" / "settings.py":
                readers.append(str(path.relative_to(ROOT)))
    assert readers == []


def test_the_checks_see_the_code():
    assert python_files("domain") and python_files("hrsync") and imports("services")
