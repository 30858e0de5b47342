"""`hrsync demo` as a real process, twice: the main job works from nothing, with a real or a fake Redis, again."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
from tests.real_services import redis_url

HRSYNC = str(Path(sys.executable).with_name("hrsync"))
SUMMARY = re.compile(r"^(Acme GmbH|Globex AG)\s+create (\d+) · update (\d+) · link (\d+) · review (\d+) · "
                     r"leaver (\d+) · skip (\d+)$", re.MULTILINE)
REAL_REDIS = redis_url(3)  # this suite's own db index, flushed before use
NO_REDIS = "redis://127.0.0.1:1/0"  # nothing listens: the demo falls back to its in-process fake


def demo_env(instance: Path, redis_url: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HRSYNC_INSTANCE_PATH": str(instance), "COLUMNS": "120", "REDIS_URL": redis_url}


def run_demo(instance: Path, redis_url: str) -> subprocess.CompletedProcess:
    return subprocess.run([HRSYNC, "demo", "--employees", "120"], env=demo_env(instance, redis_url),
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    redis.Redis.from_url(REAL_REDIS).flushdb()
    instance = tmp_path_factory.mktemp("instance")
    return run_demo(instance, REAL_REDIS), run_demo(instance, NO_REDIS), instance


def summary(run) -> dict[str, list[int]]:
    return {m.group(1): [int(n) for n in m.groups()[1:]] for m in SUMMARY.finditer(run.stdout)}


@pytest.mark.redis
def test_demo_succeeds_and_summarises_both_companies(two_runs):
    first, _, instance = two_runs
    assert first.returncode == 0, first.stderr
    counts = summary(first)
    assert set(counts) == {"Acme GmbH", "Globex AG"}
    for create, update, link, review, leaver, _skip in counts.values():
        assert min(create, update, link, review, leaver) > 0, counts  # every actionable kind shows up
    assert (instance / "demo" / "hrsync.db").exists()


@pytest.mark.redis
def test_demo_goes_through_cron_webhooks_and_an_approval(two_runs):
    first, _, _ = two_runs
    out = first.stdout
    assert f"queue: Redis at {REAL_REDIS}" in out
    assert re.search(r"202 Accepted: full syncs \[\d+, \d+\] queued", out)
    assert out.count("→ 202 Accepted") == 2  # the signed BambooHR and the token-carrying Personio delivery
    assert re.search(r"BambooHR: .* moved to Zürich", out)
    applied = re.search(r"Acme GmbH: applied — created (\d+), updated (\d+), linked (\d+), leavers (\d+)", out)
    create, update, link, _review, leaver, _skip = summary(first)["Acme GmbH"]
    assert applied and [int(n) for n in applied.groups()] == [create, update, link, leaver]
    assert re.search(r"then open http://localhost:8000/approvals/\S+", out)


@pytest.mark.redis
def test_demo_runs_again_on_a_fake_redis_with_the_same_result(two_runs):
    first, second, _ = two_runs
    assert second.returncode == 0, second.stderr
    assert "in-process fake Redis (development only" in second.stdout
    assert summary(first) == summary(second)


@pytest.mark.redis
def test_demo_prints_no_secret(two_runs):
    first, second, instance = two_runs
    keys = (instance / "encryption_keys").read_text().strip().split(",")
    secret_key = (instance / "secret_key").read_text().strip()
    for run in (first, second):
        output = run.stdout + run.stderr
        assert not any(key in output for key in keys) and secret_key not in output
        assert "sandbox-" not in output  # the generated HR credentials
        assert "hrs_" not in output  # company API tokens
        assert "Traceback" not in output


@pytest.mark.redis
def test_demo_leaves_no_job_behind_in_a_real_redis(two_runs):
    assert not [key for key in redis.Redis.from_url(REAL_REDIS).keys("rq:job:*")]


@pytest.mark.redis
def test_demo_succeeds_while_a_worker_of_another_installation_runs_on_the_same_redis(tmp_path):
    """Issue 12 item 10: with `hrsync worker` of the by-hand installation (instance/hrsync.db) running on the same
    Redis, the demo failed after 60 s: that worker took the demo's jobs and ran them against its own database."""
    client = redis.Redis.from_url(REAL_REDIS)
    client.flushdb()
    instance = tmp_path / "instance"
    env = demo_env(instance, REAL_REDIS)
    subprocess.run([HRSYNC, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    with (tmp_path / "worker.log").open("w") as log:
        by_hand = subprocess.Popen([HRSYNC, "worker", "--name", "by-hand"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not client.exists("rq:worker:by-hand"):
            assert by_hand.poll() is None and time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            threading.Event().wait(0.05)
        run = run_demo(instance, REAL_REDIS)
    finally:
        by_hand.terminate()
        by_hand.wait(timeout=30)
        client.flushdb()
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert set(summary(run)) == {"Acme GmbH", "Globex AG"}
    assert "Job OK" not in (tmp_path / "worker.log").read_text()  # the other installation's worker ran nothing
