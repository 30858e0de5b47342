"""The production layout in deploy/, checked by the tools that will read it (issue 18 item 4): nginx (`-t`, then
the site serving requests in front of a stand-in for gunicorn), promtool (the alert rules, their unit tests, the
scrape configuration) and systemd-analyze (`verify` and `security` on the units).

systemd-analyze works on unit files without a running systemd (here PID 1 is not systemd): `verify` loads the
units and the ones they depend on from the installed systemd package, and checks every directive and that each
Exec*= program exists; `security --offline` rates the sandboxing from the files alone.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests import secret_registry
from tests.integration.deploy.deploy_support import (
    DEPLOY, INSTALLED_VENV, SERVER_NAME, NginxSite, StandIn, exec_argv, run, tool, unit_entries)
from tests.integration.pipeline.pipeline_env import free_port, wait_until

SYSTEMD = DEPLOY / "systemd"
PROMETHEUS = DEPLOY / "prometheus"
SERVICES = ("hrsync-web.service", "hrsync-worker@1.service", "hrsync-db-upgrade.service", "hrsync-resync.service")
ONE_MIB = 1024 * 1024
# `systemd-analyze security` rates exposure from 0 (locked down) to 10 (UNSAFE); its --threshold is in tenths.
# Below 2 is what systemd calls OK; the units are at about 1.
MAX_EXPOSURE_TENTHS = 15


# nginx ---------------------------------------------------------------------------------------------------------

def test_nginx_accepts_the_site(tmp_path):
    site = NginxSite.build(tmp_path, free_port(), free_port(), free_port())
    result = run(*site.command("-t"))
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    assert not re.search(r"\[(warn|emerg|alert|crit|error)\]", result.stderr), result.stderr


@pytest.fixture(scope="module")
def stand_in():
    server = StandIn.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def nginx(tmp_path_factory, stand_in):
    """The site served by a foreground nginx (stopped afterwards) in front of the stand-in."""
    site = NginxSite.build(tmp_path_factory.mktemp("nginx"), free_port(), free_port(), stand_in.port)
    secret_registry.capture_file(site.access_log)
    process = subprocess.Popen(site.command("-g", "daemon off;"), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: process.poll() is not None or _answers(site), timeout=30, what="nginx answering")
        assert process.poll() is None, f"nginx exited: {process.stderr.read()}"
        yield site
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful stop
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def _answers(site: NginxSite) -> bool:
    try:
        requests.get(f"https://127.0.0.1:{site.https_port}/healthz", verify=site.cert, timeout=2)
        return True
    except requests.ConnectionError:
        return False


def https(site: NginxSite, method: str, path: str, **options) -> requests.Response:
    headers = {"Host": SERVER_NAME, **options.pop("headers", {})}
    return requests.request(method, f"https://127.0.0.1:{site.https_port}{path}", headers=headers,
                            verify=site.cert, timeout=30, allow_redirects=False, **options)


def only_request_to(stand_in: StandIn, path: str):
    matching = [received for received in stand_in.received if received.path == path]
    assert len(matching) == 1, [received.path for received in stand_in.received]
    return matching[0]


def test_a_request_reaches_the_app_whole_with_the_address_nginx_saw_and_the_scheme(nginx, stand_in):
    body = b'{"type": "employment.updated", "padding": "' + b"x" * 200_000 + b'"}'
    chunks = (body[start:start + 65536] for start in range(0, len(body), 65536))  # sent chunked

    answer = https(nginx, "POST", "/webhooks/personio/c-whole", data=chunks,
                   headers={"Content-Type": "application/json", "X-Forwarded-For": "203.0.113.9"})

    assert answer.status_code == 202
    assert answer.headers["Strict-Transport-Security"] == "max-age=63072000"
    received = only_request_to(stand_in, "/webhooks/personio/c-whole")
    # Buffered: gunicorn gets the whole body with its length, never a chunked stream it would wait on.
    assert received.body == body
    assert received.headers["Content-Length"] == str(len(body))
    assert "Transfer-Encoding" not in received.headers
    # One address, the client's as nginx saw it (what the client claimed is dropped), and the scheme.
    assert received.headers["X-Forwarded-For"] == "127.0.0.1"
    assert received.headers["X-Forwarded-Proto"] == "https"
    assert received.headers["Host"] == SERVER_NAME


def test_plain_http_is_redirected_to_https_keeping_the_method(nginx, stand_in):
    answer = requests.post(f"http://127.0.0.1:{nginx.http_port}/webhooks/bamboohr/c-plain?x=1",
                           headers={"Host": SERVER_NAME}, data=b"{}", timeout=30, allow_redirects=False)

    assert answer.status_code == 308
    assert answer.headers["Location"] == f"https://{SERVER_NAME}/webhooks/bamboohr/c-plain?x=1"
    assert not [received for received in stand_in.received if "c-plain" in received.path]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_over_1_mib_is_refused_in_hrsyncs_error_shape_before_the_app(nginx, stand_in, chunked):
    body = b"x" * (ONE_MIB + 1)
    path = f"/webhooks/personio/c-large-{chunked}"
    data = (body[start:start + 65536] for start in range(0, len(body), 65536)) if chunked else body

    answer = https(nginx, "POST", path, data=data, headers={"Content-Type": "application/json"})

    assert answer.status_code == 413
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json()["error"]["code"] == "request_entity_too_large"
    assert not [received for received in stand_in.received if received.path == path]


def test_an_app_that_does_not_answer_gives_503_in_hrsyncs_error_shape(nginx, stand_in):
    answer = https(nginx, "POST", "/webhooks/personio/c-down/drop", data=b"{}")

    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "10"
    assert answer.headers["Strict-Transport-Security"] == "max-age=63072000"
    assert answer.json()["error"]["code"] == "unavailable"


def test_the_access_log_leaves_out_approve_tokens_and_query_strings(nginx, stand_in):
    token = "ImNzLTQyIg.approve-link-token-" + secrets.token_urlsafe(16)
    secret_registry.register("approve link token", token)
    https(nginx, "GET", f"/approvals/{token}?access_token=query-secret-value")
    https(nginx, "GET", f"/approvals/{token}/apply")
    https(nginx, "GET", "/approvals/static/approve.css")

    def logged():
        # nginx writes a line after its answer has gone out: wait for all three, not the first one.
        found = [line for line in nginx.access_log.read_text().splitlines()
                 if "/approvals/" in line] if nginx.access_log.exists() else []
        return found[-3:] if len(found) >= 3 else None

    lines = wait_until(logged, what="the three access log lines")

    log = "\n".join(lines)
    assert token not in log and "query-secret-value" not in log and "?" not in log
    assert '"GET /approvals/[redacted]" 202' in log
    assert '"GET /approvals/[redacted]/apply" 202' in log
    assert '"GET /approvals/static/approve.css" 202' in log
    # gunicorn still gets the real path.
    assert only_request_to(stand_in, f"/approvals/{token}/apply").method == "GET"


# The nightly resync ---------------------------------------------------------------------------------------------

def test_the_nightly_resync_sends_the_token_as_a_header_and_on_no_command_line(nginx, stand_in):
    unit = unit_entries(SYSTEMD / "hrsync-resync.service", "Service")
    (command_line,) = unit["ExecStart"]
    token = "cron-" + secrets.token_urlsafe(24)
    secret_registry.register("cron token", token)
    environment = {"PATH": "/usr/bin:/bin", "CRON_TOKEN": token, "HRSYNC_URL": f"https://127.0.0.1:{nginx.https_port}",
                   "CURL_CA_BUNDLE": str(nginx.cert)}  # the site's self-signed certificate, as if a CA had signed it

    result = subprocess.run(exec_argv(command_line), env=environment, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"answered": "/cron/resync"}
    received = only_request_to(stand_in, "/cron/resync")
    assert received.method == "POST" and received.body == b"{}"
    assert received.headers["Authorization"] == f"Bearer {token}"
    assert received.headers["Content-Type"] == "application/json"
    # Read while curl waited for this answer: neither the shell nor curl had the token on its command line.
    assert "/cron/resync" in received.command_lines
    assert token not in received.command_lines
    assert token not in (SYSTEMD / "hrsync-resync.service").read_text()


# systemd -------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def units(tmp_path_factory) -> Path:
    """deploy/systemd with the units' virtual environment replaced by this run's (`make install` made it), so that
    `verify` finds the programs they start."""
    directory = tmp_path_factory.mktemp("units")
    shutil.copytree(SYSTEMD, directory, dirs_exist_ok=True)
    venv = Path(sys.executable).parent.parent
    assert (venv / "bin" / "hrsync").exists()
    for unit in directory.glob("*.service"):
        unit.write_text(unit.read_text().replace(INSTALLED_VENV, str(venv)))
    return directory


def test_the_units_pass_systemd_analyze_verify(units):
    names = [*SERVICES, "hrsync-worker@.service", "hrsync-resync.timer"]

    result = run(tool("systemd-analyze"), "verify", "--man=no", "--recursive-errors=no",
                 *(f"./{name}" for name in names), cwd=units)

    assert result.returncode == 0, result.stderr
    # Warnings (an unknown or misspelt directive, a value that does not parse) do not change the exit status.
    assert not [line for line in result.stderr.splitlines() if "hrsync" in line], result.stderr


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_is_sandboxed(units, service):
    result = run(tool("systemd-analyze"), "security", "--offline=true", f"--threshold={MAX_EXPOSURE_TENTHS}",
                 f"./{service}", cwd=units)

    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Overall exposure level for \S+: [01]\.\d OK", result.stdout), result.stdout


def test_a_worker_stops_after_its_sync_and_its_horse_is_spared_the_first_signal():
    worker = unit_entries(SYSTEMD / "hrsync-worker@.service", "Service")
    # RQ: TERM asks the worker for a warm shutdown; its work horse dies on TERM, so only the worker may get it.
    assert worker.get("KillSignal", ["SIGTERM"]) == ["SIGTERM"]
    assert worker["KillMode"] == ["mixed"]
    assert worker["TimeoutStopSec"] == ["15min"]


# The environment files ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("example", ["hrsync.env.example", "cron.env.example"])
def test_the_environment_files_set_only_variables_the_readme_documents(example):
    lines = (DEPLOY / "etc" / example).read_text().splitlines()
    names = [line.partition("=")[0] for line in lines if line.strip() and not line.startswith("#")]
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", (DEPLOY.parent / "README.md").read_text(), re.MULTILINE))

    assert names and set(names) <= documented, set(names) - documented


# Prometheus ----------------------------------------------------------------------------------------------------

def test_the_alert_rules_pass_promtool_check():
    result = run(tool("promtool"), "check", "rules", str(PROMETHEUS / "hrsync-alerts.yml"))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 6 rules found" in result.stdout


def test_each_alert_fires_on_its_case_and_stays_quiet_otherwise():
    result = run(tool("promtool"), "test", "rules", "hrsync-alerts.test.yml", cwd=PROMETHEUS)

    assert result.returncode == 0, result.stdout + result.stderr
    tested = set(re.findall(r"alertname: (\w+)", (PROMETHEUS / "hrsync-alerts.test.yml").read_text()))
    defined = set(re.findall(r"- alert: (\w+)", (PROMETHEUS / "hrsync-alerts.yml").read_text()))
    assert tested == defined


def test_the_scrape_config_passes_promtool_check(tmp_path):
    for name in ("prometheus.yml", "hrsync-alerts.yml"):
        shutil.copy(PROMETHEUS / name, tmp_path)
    token_file = tmp_path / "hrsync-metrics-token"  # where the configuration expects it, beside itself
    token_file.write_text("metrics-token\n")
    os.chmod(token_file, 0o600)

    result = run(tool("promtool"), "check", "config", str(tmp_path / "prometheus.yml"))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 1 rule files found" in result.stdout
