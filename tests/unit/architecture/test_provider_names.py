"""HR systems are named in `providers/` only (and in the sandbox, the tests and the demo, which play or use them):
every other package reads the provider registry, so that a new HR system touches none of them.

`python -m tests.unit.architecture.test_provider_names` prints the files a new provider would have to edit today.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from providers.registry import PROVIDERS
from tests.unit.architecture.import_graph import ROOT

# The product's packages outside providers/; the sandbox fakes the HR systems, the demo stages them, bench measures
# them, tests exercise them: those name them by design.
CHECKED = ("domain", "store", "core", "services", "webhook_app", "workers", "hrsync")
EXEMPT = ("hrsync/demo",)
TEXT_SUFFIXES = {".py", ".html", ".txt", ".js", ".css", ".jinja", ".j2", ".cfg", ".toml", ".ini"}


def names_of(descriptions) -> list[str]:
    """Every spelling of the registered providers: their names, labels and generated type names."""
    words = {word for d in descriptions for word in (d.name, d.label, d.schema_name)}
    return sorted(words, key=str.lower)


def pattern(words: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


def checked_files(root: Path = ROOT) -> list[Path]:
    files = []
    for package in CHECKED:
        for path in sorted((root / package).rglob("*")):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and path.suffix in TEXT_SUFFIXES and not relative.startswith(EXEMPT) \
                    and "__pycache__" not in relative:
                files.append(path)
    return files


def offences(files: list[Path], words: list[str], root: Path = ROOT) -> list[str]:
    found = pattern(words)
    result = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = found.search(line)
            if match:
                result.append(f"{path.relative_to(root).as_posix()}:{number} names {match.group(0)!r}")
    return result


def test_no_package_outside_providers_names_a_provider():
    assert offences(checked_files(), names_of(PROVIDERS.values())) == []


def test_the_check_sees_the_product():
    files = {path.relative_to(ROOT).as_posix() for path in checked_files()}
    assert "webhook_app/webhooks.py" in files and "core/settings.py" in files
    assert any(name.endswith(".html") for name in files)
    assert not any(name.startswith("hrsync/demo/") for name in files)


@pytest.mark.parametrize("line", ["if provider == 'bamboohr':", "# Personio retries", "class BAMBOOHRThing:",
                                  "<h1>Changes from BambooHR</h1>"])
def test_a_written_name_is_an_offence(tmp_path, line):
    module = tmp_path / "core" / "planted.py"
    module.parent.mkdir()
    module.write_text(f'"""A module."""\n{line}\n')
    assert offences([module], names_of(PROVIDERS.values()), tmp_path) == [
        f"core/planted.py:2 names {pattern(names_of(PROVIDERS.values())).search(line).group(0)!r}"]


if __name__ == "__main__":
    for offence in offences(checked_files(), names_of(PROVIDERS.values())):
        print(offence)
