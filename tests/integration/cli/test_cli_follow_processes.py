"""Following a sync from the command line as real processes on a real Redis (issue 12 item 14): no worker is
reported at once, and Ctrl-C stops following without a traceback, the sync left queued."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
from cryptography.fernet import Fernet

from core.settings import Settings
from store.db import transaction
from store.repositories import companies, integrations
from tests import secret_registry
from tests.plugin import flushed_redis, redis_url
from core import queueing
from workers.worker import make_worker
from core.bootstrap import build_services

HRSYNC = str(Path(sys.executable).with_name("hrsync"))
REDIS_URL = redis_url(6)  # this module's own db index
pytestmark = pytest.mark.redis


@pytest.fixture
def env(tmp_path):
    keys = {"SECRET_KEY": "syncs-" + "s" * 40, "ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    secret_registry.register("settings key", *keys.values())
    env = {**keys, "PATH": "/usr/bin:/bin", "HRSYNC_INSTANCE_PATH": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'hrsync.db'}", "REDIS_URL": REDIS_URL}
    subprocess.run([HRSYNC, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    return env


@pytest.fixture
def client():
    with flushed_redis(REDIS_URL) as flushed:
        yield flushed


@pytest.fixture
def company(env) -> str:
    """A company connected to BambooHR (never called: no worker runs the sync)."""
    services = build_services(Settings.from_env(env))
    try:
        with transaction(services.session_factory) as session:
            created = companies.create_company(session, "Acme GmbH", "cfo@acme.example", "a long approver password")
            integrations.set_integration(session, services.box, created.company_id, "bamboohr",
                                         {"subdomain": "acme", "api_key": "never-used-api-key"})
    finally:
        services.dispose()
    secret_registry.register("company api token", created.api_token)
    return created.company_id


def hrsync(env, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Runs the command; `timeout` only guards against a hang (it used to wait 900 s)."""
    return subprocess.run([HRSYNC, *args], env=env, capture_output=True, text=True, timeout=timeout)


def test_sync_wait_with_no_worker_running_says_so_at_once_and_the_sync_stays_queued(env, client, company):
    waited = hrsync(env, "sync", company, "--wait")

    assert waited.returncode == 1 and "Traceback" not in waited.stderr
    assert waited.stderr.strip().splitlines()[-1].startswith("Error: no worker of this installation is running")
    assert "sync 1 (incremental) of Acme GmbH queued" in waited.stdout
    listed = hrsync(env, "syncs", "list", "Acme GmbH")
    assert listed.returncode == 0 and "queued" in listed.stdout


def _following(client: redis.Redis) -> bool:
    """Whether another client of this db has asked RQ's worker registry (the follow loop's check) yet."""
    db = str(client.connection_pool.connection_kwargs["db"])
    return any(entry["db"] == db and entry["cmd"] in ("smembers", "exists", "hgetall")
               for entry in client.client_list())


def test_ctrl_c_while_following_says_the_sync_stays_queued(env, client, company):
    settings = Settings.from_env(env)
    make_worker(client, settings.namespace, name="registered-only").register_birth()  # never works
    assert hrsync(env, "sync", company).returncode == 0

    following = subprocess.Popen([HRSYNC, "syncs", "show", "1", "--follow"], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
    deadline, pause = time.monotonic() + 30, threading.Event()
    while not _following(client):
        if following.poll() is not None or time.monotonic() > deadline:
            following.kill()
            pytest.fail(f"the command did not start following: {following.communicate()}")
        pause.wait(0.05)
    following.send_signal(signal.SIGINT)  # what Ctrl-C sends
    out, err = following.communicate(timeout=30)

    assert following.returncode == 130 and "Traceback" not in err and "Aborted" not in err, err
    assert err.strip().splitlines()[-1] == ("stopped following: sync 1 stays queued until a worker takes it "
                                            "(follow it again with `hrsync syncs show 1 --follow`)")
    assert hrsync(env, "syncs", "show", "1").stdout.startswith("sync 1 of Acme GmbH (bamboohr): queued")
