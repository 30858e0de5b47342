"""`hrsync demo` as a real process, twice: the main job works from nothing, with a real or a fake Redis, again;
and after each run its closing instructions, followed as printed, let an admin sign in to the console and do
Load fields → Check and save → Sync now → approve over HTTP, as a browser would."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin

import pytest
import redis
import requests
from tests.pages import Page
from tests.plugin import redis_url
from tests.unit.webhook_app.approvals_client import Approver

HRSYNC = str(Path(sys.executable).with_name("hrsync"))
SUMMARY = re.compile(r"^(Acme GmbH|Globex AG|Initech SE)\s+create (\d+) · update (\d+) · link (\d+) · review (\d+) · "
                     r"leaver (\d+) · skip (\d+)$", re.MULTILINE)
REAL_REDIS = redis_url(3)  # this suite's own db index, flushed before use
NO_REDIS = "redis://127.0.0.1:1/0"  # nothing listens: the demo falls back to its in-process fake
SHELL = {"PATH": "/usr/bin:/bin"}  # a fresh shell: no virtualenv activated, nothing of hrsync's exported


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_demo(instance: Path, redis_url: str, public_base_url: str) -> subprocess.CompletedProcess:
    env = {**SHELL, "HRSYNC_INSTANCE_PATH": str(instance), "COLUMNS": "120", "REDIS_URL": redis_url,
           "PUBLIC_BASE_URL": public_base_url}
    return subprocess.run([HRSYNC, "demo", "--employees", "120"], env=env, capture_output=True,
                          text=True, timeout=300)


class _Browser:
    """requests with its cookies, shaped like Flask's test client for the Approver helper."""

    def __init__(self, base: str):
        self.base, self.session = base, requests.Session()

    def get(self, url):
        return _Page(self.session.get(urljoin(self.base, url), timeout=10))

    def post(self, url, data):
        return _Page(self.session.post(urljoin(self.base, url), data=data, timeout=60))

    def submit(self, path: str, action: str, **values):
        """Open `path`, fill its form posting to `action` (CSRF token included) with `values`, post it."""
        opened = self.get(path)
        assert opened.status_code == 200, (path, opened.status_code)
        form = Page(opened.text).form_to(action)
        return self.post(form.action, form.fields(**values))


class _Page:
    def __init__(self, response: requests.Response):
        self.status_code, self.text, self.url = response.status_code, response.text, response.url

    def get_data(self, as_text: bool = False) -> str:
        return self.text


def follow_closing_instructions(run: subprocess.CompletedProcess, redis_url: str, elsewhere: Path):
    """Run the printed command in a fresh shell in another directory, sign in to the printed console as Globex AG's
    printed admin, load Personio's fields, check and save the stored credentials, Sync now, and approve what it
    proposes.

    The shell keeps the machine's REDIS_URL (the same one the demo had); nothing else of the demo's environment.
    """
    command = re.search(r"^ +(\S.* demo --serve)$", run.stdout, re.MULTILINE)[1]
    login, password = re.search(r"then open (\S+/login) and sign in with the demo password '([^']+)' as$", run.stdout,
                                re.MULTILINE).groups()
    email = re.search(r"^  Globex AG: (\S+)$", run.stdout, re.MULTILINE)[1]
    served = subprocess.Popen(["bash", "-c", command], cwd=elsewhere, env={**SHELL, "REDIS_URL": redis_url},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    browser = _Browser(login.removesuffix("/login"))
    try:
        _wait_until(lambda: _answers(f"{browser.base}/healthz") or served.poll() is not None)
        assert served.poll() is None, served.stdout.read()
        signed_in = browser.submit("/login", "/login", email=email, password=password)
        loaded = browser.submit("/console/integration/fields", "/console/integration/fields/load")
        checked = browser.submit("/console/integration", "/console/integration")  # secrets blank: the stored ones
        synced = _follow(browser, browser.submit("/console", "/console/syncs/now"))
        approver = Approver(browser, synced.url, email, password)
        opened = approver.open()
        applied = approver.submit()
    finally:
        served.send_signal(signal.SIGINT)  # Ctrl-C, as printed
        output = served.communicate(timeout=30)[0]
    return SimpleNamespace(command=command, signed_in=signed_in, loaded=loaded, checked=checked, synced=synced,
                           opened=opened, applied=applied, output=output, returncode=served.returncode)


def _follow(browser: _Browser, page: _Page, timeout: float = 60.0) -> _Page:
    """A sync's page reloads itself until the sync ends (a browser follows its refresh): until it opens the preview."""
    deadline, pause = time.monotonic() + timeout, threading.Event()
    while "/console/syncs/" in page.url and time.monotonic() < deadline:
        pause.wait(0.5)
        page = browser.get(page.url)
    return page


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).ok
    except (requests.ConnectionError, requests.Timeout):
        return False


def _wait_until(condition, timeout: float = 30.0) -> None:
    deadline, pause = time.monotonic() + timeout, threading.Event()
    while not condition():
        assert time.monotonic() < deadline, "the served demo did not answer"
        pause.wait(0.05)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """Each run followed by its closing instructions (the next run wipes the demo database)."""
    redis.Redis.from_url(REAL_REDIS).flushdb()
    instance, elsewhere = tmp_path_factory.mktemp("instance"), tmp_path_factory.mktemp("elsewhere")
    first = run_demo(instance, REAL_REDIS, f"http://localhost:{free_port()}")
    first_approval = follow_closing_instructions(first, REAL_REDIS, elsewhere)
    second = run_demo(instance, NO_REDIS, f"http://localhost:{free_port()}")
    second_approval = follow_closing_instructions(second, NO_REDIS, elsewhere)
    return SimpleNamespace(first=first, second=second, instance=instance,
                           approvals=(first_approval, second_approval))


def summary(run) -> dict[str, list[int]]:
    return {m.group(1): [int(n) for n in m.groups()[1:]] for m in SUMMARY.finditer(run.stdout)}


@pytest.mark.redis
def test_demo_succeeds_and_summarises_both_companies(two_runs):
    first, instance = two_runs.first, two_runs.instance
    assert first.returncode == 0, first.stderr
    counts = summary(first)
    assert set(counts) == {"Acme GmbH", "Initech SE", "Globex AG"}
    for create, update, link, review, leaver, _skip in counts.values():
        assert min(create, update, link, review, leaver) > 0, counts  # every actionable kind shows up
    assert (instance / "demo" / "hrsync.db").exists()
    assert re.search(r"then open http://localhost:\d+/login and sign in with the demo password", first.stdout)
    for name in ("Acme GmbH", "Initech SE", "Globex AG"):
        assert re.search(rf"^  {name}: \S+@\S+$", first.stdout, re.MULTILINE)


@pytest.mark.redis
def test_demo_goes_through_cron_webhooks_and_an_approval(two_runs):
    out = two_runs.first.stdout
    assert f"queue: Redis at {REAL_REDIS}" in out
    assert re.search(r"202 Accepted: full syncs \[\d+, \d+, \d+\] queued", out)
    # HiBob's ping and its signed event, the signed BambooHR and the token-carrying Personio delivery
    assert out.count("→ 202 Accepted") == 4
    assert re.search(r'HiBob: a new webhook\'s "Ping test" → 202 Accepted \(acknowledged\)', out)
    assert re.search(r"BambooHR: .* moved to Zürich", out)
    applied = re.search(r"Acme GmbH: applied — created (\d+), updated (\d+), linked (\d+), leavers (\d+)", out)
    create, update, link, _review, leaver, _skip = summary(two_runs.first)["Acme GmbH"]
    assert applied and [int(n) for n in applied.groups()] == [create, update, link, leaver]
    assert re.search(r"approve link would be http://localhost:\d+/approvals/\S+", out)


@pytest.mark.redis
def test_demo_runs_again_on_a_fake_redis_with_the_same_result(two_runs):
    first, second = two_runs.first, two_runs.second
    assert second.returncode == 0, second.stderr
    assert "in-process fake Redis (development only" in second.stdout
    assert summary(first) == summary(second)


@pytest.mark.redis
def test_demo_prints_no_secret(two_runs):
    keys = (two_runs.instance / "encryption_keys").read_text().strip().split(",")
    secret_key = (two_runs.instance / "secret_key").read_text().strip()
    for output in [run.stdout + run.stderr for run in (two_runs.first, two_runs.second)] + [
            approval.output for approval in two_runs.approvals]:
        assert not any(key in output for key in keys) and secret_key not in output
        assert "sandbox-" not in output  # the generated HR credentials
        assert "hrs_" not in output  # company API tokens
        assert "Traceback" not in output


@pytest.mark.redis
def test_demo_leaves_no_job_behind_in_a_real_redis(two_runs):
    assert not [key for key in redis.Redis.from_url(REAL_REDIS).keys("rq:job:*")]


@pytest.mark.redis
@pytest.mark.parametrize("which", [0, 1], ids=["real-redis", "fake-redis"])
def test_the_closing_instructions_work_as_printed_in_a_fresh_shell(two_runs, which):
    followed = two_runs.approvals[which]
    assert followed.command.startswith(f"HRSYNC_INSTANCE_PATH={two_runs.instance} PUBLIC_BASE_URL=http://localhost:")
    assert followed.command.endswith(f"{HRSYNC} demo --serve")  # by absolute path: no virtualenv needed
    assert followed.signed_in.status_code == 200 and followed.signed_in.url.endswith("/console")
    # the sandbox's Personio answers the console's live calls: its fields, the stored credentials checked again
    assert "fields loaded" in followed.loaded.text and "dynamic_1009" in followed.loaded.text
    assert "it accepted the credentials, and they are saved" in followed.checked.text
    # Sync now ran on the served worker thread and opened its preview: a pending change set with items
    assert "/approvals/" in followed.synced.url, followed.synced.text[-2000:]
    assert followed.opened.status_code == 200 and 'name="include"' in followed.opened.text
    assert followed.applied.status_code == 200 and "Applied by cfo@globex.example" in followed.applied.text
    assert followed.returncode == 0 and "Traceback" not in followed.output
    assert ("in-process fake Redis" in followed.output) is (which == 1)
    assert re.search(r"HR systems: the sandbox's BambooHR, HiBob, Personio at http://127\.0\.0\.1:\d+",
                     followed.output)


@pytest.mark.redis
def test_demo_succeeds_while_a_worker_of_another_installation_runs_on_the_same_redis(tmp_path):
    """Issue 12 item 10: with `hrsync worker` of the by-hand installation (instance/hrsync.db) running on the same
    Redis, the demo failed after 60 s: that worker took the demo's jobs and ran them against its own database."""
    client = redis.Redis.from_url(REAL_REDIS)
    client.flushdb()
    instance = tmp_path / "instance"
    env = {**SHELL, "HRSYNC_INSTANCE_PATH": str(instance), "REDIS_URL": REAL_REDIS}
    subprocess.run([HRSYNC, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    with (tmp_path / "worker.log").open("w") as log:
        by_hand = subprocess.Popen([HRSYNC, "worker", "--name", "by-hand"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not client.exists("rq:worker:by-hand"):
            assert by_hand.poll() is None and time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            threading.Event().wait(0.05)
        run = run_demo(instance, REAL_REDIS, f"http://localhost:{free_port()}")
    finally:
        by_hand.terminate()
        by_hand.wait(timeout=30)
        client.flushdb()
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert set(summary(run)) == {"Acme GmbH", "Initech SE", "Globex AG"}
    assert "Job OK" not in (tmp_path / "worker.log").read_text()  # the other installation's worker ran nothing
