"""`hrsync demo` as a real process, twice: the main job works from nothing and can be repeated."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

HRSYNC = str(Path(sys.executable).with_name("hrsync"))
SUMMARY = re.compile(r"^(Acme GmbH|Globex AG)\s+create (\d+) · update (\d+) · link (\d+) · review (\d+) · "
                     r"leaver (\d+) · skip (\d+)$", re.MULTILINE)


def run_demo(instance: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HRSYNC_INSTANCE_PATH": str(instance), "COLUMNS": "120"}
    return subprocess.run([HRSYNC, "demo", "--employees", "120"], env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    return run_demo(instance), run_demo(instance), instance


def test_demo_succeeds_and_summarises_both_companies(two_runs):
    first, _, instance = two_runs
    assert first.returncode == 0, first.stderr
    summary = {m.group(1): [int(n) for n in m.groups()[1:]] for m in SUMMARY.finditer(first.stdout)}
    assert set(summary) == {"Acme GmbH", "Globex AG"}
    for counts in summary.values():
        create, update, link, review, leaver, _skip = counts
        assert min(create, update, link, review, leaver) > 0, counts  # every actionable kind shows up
    assert (instance / "demo" / "hrsync.db").exists()


def test_demo_can_run_again_with_the_same_result(two_runs):
    first, second, _ = two_runs
    assert second.returncode == 0, second.stderr
    assert SUMMARY.findall(first.stdout) == SUMMARY.findall(second.stdout)


def test_demo_prints_no_secret(two_runs):
    first, _, instance = two_runs
    keys = (instance / "encryption_keys").read_text().strip().split(",")
    output = first.stdout + first.stderr
    assert not any(key in output for key in keys)
    assert "sandbox-" not in output  # the generated HR credentials
