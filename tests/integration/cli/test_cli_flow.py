"""From nothing to an applied change set through the command line only, every command a real process.

The sandbox (`hrsync sandbox`) plays BambooHR and Personio; `hrsync worker` runs the syncs on a real
Redis (db 3, flushed); `hrsync web` serves the admin API that checks the outcome.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
import requests
from cryptography.fernet import Fernet
from openapi_spec_validator import validate

from tests import secret_registry
from tests.plugin import redis_url

BIN = Path(sys.executable).parent
HRSYNC = str(BIN / "hrsync")
REDIS_URL = redis_url(3)
PASSWORD = "correct horse battery staple"
secret_registry.register("approver password", PASSWORD)
pytestmark = pytest.mark.redis


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout: float = 30.0, what: str = "condition"):
    deadline, pause = time.monotonic() + timeout, threading.Event()
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        pause.wait(0.05)


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).ok
    except (requests.ConnectionError, requests.Timeout):  # a server still booting may accept and not answer yet
        return False


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """`hrsync sandbox` on a free port; its first lines name the URL and the throwaway credentials."""
    log = tmp_path_factory.mktemp("sandbox") / "sandbox.log"
    with log.open("w") as sink:
        process = subprocess.Popen([HRSYNC, "sandbox", "--employees", "60", "--port", str(free_port())],
                                   stdout=sink, stderr=subprocess.STDOUT, env={"PATH": "/usr/bin:/bin"})
    try:
        text = wait_until(lambda: "control" in log.read_text() and log.read_text(), what="the sandbox banner")
        url = re.search(r"on (http://127\.0\.0\.1:\d+)", text)[1]
        wait_until(lambda: answers(f"{url}/_sandbox/health"), what="the sandbox")
        found = {"url": url, "api_key": re.search(r"api_key=(\S+)", text)[1],
                 "client_id": re.search(r"client_id=(\S+)", text)[1],
                 "client_secret": re.search(r"client_secret=(\S+)", text)[1]}
        # The sandbox's own banner shows them (it plays the HR system); hrsync must never echo them.
        secret_registry.register("HR credential", found["api_key"], found["client_secret"])
        yield found
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def env(sandbox, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-flow")
    redis.Redis.from_url(REDIS_URL).flushdb()
    keys = {"SECRET_KEY": "flow-" + "s" * 40, "ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    secret_registry.register("settings key", *keys.values())
    return {**keys, "PATH": "/usr/bin:/bin", "COLUMNS": "160", "HRSYNC_INSTANCE_PATH": str(folder),
            "DATABASE_URL": f"sqlite:///{folder / 'hrsync.db'}", "REDIS_URL": REDIS_URL,
            "PUBLIC_BASE_URL": "https://hrsync.example", "SYNC_DEBOUNCE_SECONDS": "0",
            "BAMBOOHR_BASE_URL": f"{sandbox['url']}/bamboohr/{{subdomain}}",
            "PERSONIO_BASE_URL": f"{sandbox['url']}/personio"}


@pytest.fixture(scope="module")
def hrsync(env):
    def run(*args: str, stdin: str | None = None, ok: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([HRSYNC, *args], input=stdin, env=env, capture_output=True, text=True, timeout=180)
        secret_registry.record(f"stderr of hrsync {args[0]}", done.stderr)
        if ok:
            assert done.returncode == 0, f"hrsync {' '.join(args)}: {done.stdout}{done.stderr}"
        return done

    return run


@pytest.fixture(scope="module")
def worker(env, hrsync, tmp_path_factory):
    hrsync("db", "upgrade")  # a worker checks the schema before it starts
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with log.open("w") as sink:
        process = subprocess.Popen([HRSYNC, "worker", "--name", "cli-flow"], stdout=sink, stderr=subprocess.STDOUT,
                                   env=env)
    secret_registry.capture_file(log)
    client = redis.Redis.from_url(REDIS_URL)
    wait_until(lambda: client.exists("rq:worker:cli-flow") or process.poll() is not None, what="the worker")
    assert process.poll() is None, log.read_text()
    process.log_path = log  # the banner test reads it
    yield process
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def flow(hrsync, sandbox, worker):
    """db upgrade → company create → integration set → fields/mapping → sync --wait → changes show/approve."""
    hrsync("db", "upgrade")
    created = hrsync("company", "create", "Acme GmbH", "--approver", "cfo@acme.example", stdin=PASSWORD + "\n")
    company = re.search(r"company id: (co_[0-9a-f]+)", created.stdout)[1]
    token = re.search(r"API token: +(\S+)", created.stdout)[1]
    secret_registry.register("company api token", token)
    connected = hrsync("integration", "set", company, "--provider", "bamboohr", "--subdomain", "acme",
                       "--name-format", "last_comma_first", stdin=sandbox["api_key"] + "\n")
    fields = hrsync("fields", "Acme GmbH")
    synced = hrsync("sync", "Acme GmbH", "--full", "--wait", "--timeout", "120")
    changeset = re.search(r"change set (\d+): hrsync changes show", synced.stdout)[1]
    shown = hrsync("changes", "show", changeset)
    approved = hrsync("changes", "approve", changeset, "--approver", "cfo@acme.example", stdin=PASSWORD + "\n")
    return {"company": company, "token": token, "connected": connected, "fields": fields, "synced": synced,
            "changeset": changeset, "shown": shown, "approved": approved}


def test_setup_prints_the_webhook_url_and_keeps_the_key_secret(flow, sandbox):
    out = flow["connected"].stdout
    assert f"webhook URL: https://hrsync.example/webhooks/bamboohr/{flow['company']}" in out
    assert sandbox["api_key"] not in out + flow["connected"].stderr
    assert re.search(r"firstName .* First Name", flow["fields"].stdout)


def test_sync_waits_for_the_worker_and_reports_counts_and_link(flow):
    out = flow["synced"].stdout
    counts = re.search(r"succeeded: 60 employees; create (\d+) · update 0 · link 0 · review 0 · leaver 0 · skip (\d+)",
                       out)
    assert counts and int(counts[1]) > 0
    assert re.search(r"approve at https://hrsync\.example/approvals/\S+", out)
    assert "New stakeholders" in flow["shown"].stdout


def test_syncs_list_and_show_report_the_finished_sync(flow, hrsync):
    sync_id = re.search(r"sync (\d+) \(full\) of Acme GmbH queued", flow["synced"].stdout)[1]
    listed = hrsync("syncs", "list", "Acme GmbH").stdout
    assert re.search(rf"^\s*{sync_id}\s+succeeded\s+manual\s+full\s.*\s60\s+create \d+", listed, re.M), listed
    shown = hrsync("syncs", "show", sync_id, "--follow").stdout  # finished already: shown at once
    assert shown.startswith(f"sync {sync_id} of Acme GmbH (bamboohr): succeeded")
    assert "trigger:  manual (command line)" in shown
    assert f"change set {flow['changeset']}: hrsync changes show {flow['changeset']}" in shown


def test_approval_applies_the_change_set_once(flow, hrsync):
    created = re.search(r"change set \d+ applied by cfo@acme\.example: create (\d+)", flow["approved"].stdout)
    assert created
    again = hrsync("changes", "approve", flow["changeset"], "--approver", "cfo@acme.example",
                   stdin=PASSWORD + "\n", ok=False)
    assert again.returncode == 1
    assert again.stderr.strip().splitlines()[-1].startswith(
        f"Error: change set {flow['changeset']} was already applied by cfo@acme.example at ")
    assert "applied" in hrsync("changes", "show", flow["changeset"]).stdout


def test_the_admin_api_serves_the_applied_registry(flow, env, tmp_path):
    port, log = free_port(), tmp_path / "web.log"
    with log.open("w") as sink:
        process = subprocess.Popen([HRSYNC, "web", "--bind", f"127.0.0.1:{port}", "--workers", "1"], env=env,
                                   stdout=sink, stderr=subprocess.STDOUT)
    secret_registry.capture_file(log)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: answers(f"{base}/healthz"), what="hrsync web")
        auth = {"Authorization": f"Bearer {flow['token']}"}
        page = requests.get(f"{base}/api/v1/stakeholders", params={"limit": 500}, headers=auth, timeout=10).json()
        created = int(re.search(r"create (\d+)", flow["approved"].stdout)[1])
        assert len(page["items"]) == created and page["next"] is None
        assert all(item["hr_provider"] == "bamboohr" and ", " in item["name"] for item in page["items"])
        integration = requests.get(f"{base}/api/v1/integration", headers=auth, timeout=10).json()
        assert integration["provider"] == "bamboohr" and integration["settings"]["name_format"] == "last_comma_first"
        validate(requests.get(f"{base}/api/v1/openapi.json", timeout=10).json())
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_personio_mapping_is_checked_against_the_live_fields(hrsync, sandbox, flow):
    created = hrsync("company", "create", "Globex AG", "--approver", "cfo@globex.example", stdin=PASSWORD + "\n")
    company = re.search(r"company id: (co_[0-9a-f]+)", created.stdout)[1]
    connected = hrsync("integration", "set", company, "--provider", "personio", "--client-id", sandbox["client_id"],
                       stdin=sandbox["client_secret"] + "\n")
    assert "webhook token (shown once): " in connected.stdout
    refused = hrsync("mapping", "set", company, "first_name=first_name", "last_name=last_name",
                     "dynamic_4711=unique_identifier", ok=False)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines()[-1].startswith("Error: Personio has no field 'dynamic_4711'")
    hrsync("mapping", "set", company, "first_name=first_name", "last_name=last_name", "status=status",
           "termination_date=termination_date", "dynamic_1009=unique_identifier")
    synced = hrsync("sync", company, "--wait", "--timeout", "120")
    assert re.search(r"succeeded: 60 employees; create \d+", synced.stdout)


@pytest.mark.parametrize("subdomain, key, message", [
    ("acme", "wrong-key-0123456789", "Error: BambooHR rejected the API key for subdomain acme (HTTP 401); check "
                                     "the key, the subdomain and the key's access level; nothing was saved"),
    ("acme-gmbh", None, "Error: no BambooHR company at subdomain acme-gmbh: check the subdomain "
                        "(acme for https://acme.bamboohr.com); nothing was saved"),
], ids=["wrong-key", "wrong-subdomain"])
def test_credentials_the_sandbox_refuses_are_not_saved(hrsync, sandbox, flow, subdomain, key, message):
    created = hrsync("company", "create", f"Initech {subdomain}", "--approver", "cfo@initech.example",
                     stdin=PASSWORD + "\n")
    company = re.search(r"company id: (co_[0-9a-f]+)", created.stdout)[1]
    refused = hrsync("integration", "set", company, "--provider", "bamboohr", "--subdomain", subdomain,
                     stdin=(key or sandbox["api_key"]) + "\n", ok=False)
    assert refused.returncode == 1 and refused.stderr.strip().splitlines()[-1] == message
    assert "no HR integration yet" in hrsync("integration", "show", company).stdout


def test_commands_print_no_info_log_lines(flow):
    """Issue 12 item 13: a command's output is what it prints; log lines below WARNING only with -v (`sync` and
    `changes approve` printed the workers' INFO lines among their own)."""
    for step in ("connected", "fields", "synced", "shown", "approved"):
        assert "INFO" not in flow[step].stdout + flow[step].stderr, (step, flow[step].stderr)


def test_the_worker_says_what_it_works_with(flow, worker, env, sandbox):
    """Issue 12 item 13: database, Redis (host, db), queues and HR base URLs at start, never a secret."""
    log = worker.log_path.read_text()
    lines = log.splitlines()
    assert lines[0] == "hrsync worker cli-flow"
    assert f"  database  {env['DATABASE_URL']}" in lines
    assert re.search(r"^  redis     127\.0\.0\.1:\d+ db 3", log, re.M)
    assert re.search(r"^  queues    \S*sync, \S*default$", log, re.M)
    assert f"  BambooHR  {sandbox['url']}/bamboohr/{{subdomain}}" in lines
    assert f"  Personio  {sandbox['url']}/personio" in lines
    assert env["SECRET_KEY"] not in log and env["ENCRYPTION_KEYS"] not in log
