"""Operating hrsync (issue 18): a scripted webhook → sync → approval run on real processes — `hrsync web` with two
gunicorn workers and an `hrsync worker`, sharing one PROMETHEUS_MULTIPROC_DIR, LOG_FORMAT=json — then what an
operator reads: `/metrics` (exact counts, bounded labels), the JSON log lines (one correlation id from the
delivery to the change set), and `hrsync status` (its exit code, healthy and not)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from sandbox.webhooks import bamboohr_event, sign_bamboohr
from tests import secret_registry
from tests.integration.faults.fault_servers import HrsyncWeb
from tests.integration.hostile.hostile_services import migrated
from tests.integration.pipeline.pipeline_env import HRSYNC, WorkerProcess, wait_until
from tests.integration.pipeline.pipeline_support import add_company, changesets_of, finished, make_settings
from tests.plugin import flushed_redis, redis_url

REDIS_URL = redis_url(8)  # this module's own db index
METRICS_TOKEN = "metrics-" + "m" * 24
DELIVERY_ID = "delivery-0000-feed"  # sent as X-Request-Id: the correlation id of the whole run
secret_registry.register("metrics token", METRICS_TOKEN)


@pytest.fixture(scope="module")
def settings(scratch_database, sandbox, tmp_path_factory):
    import dataclasses

    url = migrated(scratch_database, "sqlite", "hrsync_operations")
    base = make_settings(url, sandbox, tmp_path_factory.mktemp("instance"), redis_url=REDIS_URL, debounce=0.5)
    return dataclasses.replace(base, log_format="json", metrics_token=METRICS_TOKEN,
                               metrics_dir=tmp_path_factory.mktemp("metrics"))


@pytest.fixture(scope="module")
def sandbox():
    from sandbox.server import SandboxServer
    from sandbox.state import SandboxState

    with SandboxServer(SandboxState()) as server:
        yield server


@pytest.fixture
def tables_from_models() -> bool:
    return False  # the database is migrated (the plugin's `services` builds on it)


def _deliver(web, company, body: bytes, *, secret: str | None = None, company_id: str | None = None,
             request_id: str | None = None) -> requests.Response:
    stamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "X-BambooHR-Timestamp": stamp,
               "X-BambooHR-Signature": sign_bamboohr(body, stamp, secret or company.webhook_secret)}
    if request_id:
        headers["X-Request-Id"] = request_id
    return requests.post(f"{web.url}/webhooks/bamboohr/{company_id or company.id}", data=body, headers=headers,
                         timeout=30)


def _samples(web) -> dict[tuple[str, tuple], float]:
    answer = requests.get(f"{web.url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(answer.text) for sample in family.samples}


def _value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def _status(settings, *args: str) -> subprocess.CompletedProcess:
    env = {**settings.to_env(), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    done = subprocess.run([HRSYNC, "status", *args], env=env, capture_output=True, text=True, timeout=120)
    secret_registry.record("hrsync status", done.stdout + done.stderr)
    return done


def test_a_webhook_sync_and_approval_are_counted_logged_and_reported(settings, services, sandbox, tmp_path):
    with flushed_redis(REDIS_URL):
        company = add_company(services, sandbox, "bamboohr", people=3)
        web = HrsyncWeb(settings, tmp_path / "web.log", ("--workers", "2")).start()
        worker = WorkerProcess(settings, "operations-worker", tmp_path).start()
        try:
            _run(settings, services, sandbox, company, web, worker)
        finally:
            worker.stop()
            web.stop()
        stopped = _status(settings, "--json")
        assert stopped.returncode == 4, stopped.stdout + stopped.stderr
        assert "no worker is running (start `hrsync worker`)" in json.loads(stopped.stdout)["problems"]
    _check_logs(web.log(), worker.log(), company)


def _run(settings, services, sandbox, company, web, worker) -> None:
    assert requests.get(f"{web.url}/metrics", timeout=30).status_code == 401
    event = bamboohr_event(company.tenant, "1", "employee.updated", dt.datetime.now(dt.timezone.utc), ["lastName"])
    body = json.dumps(event).encode()
    first = _deliver(web, company, body, request_id=DELIVERY_ID)
    assert (first.status_code, first.json()["result"], first.headers["X-Request-Id"]) == (202, "scheduled",
                                                                                         DELIVERY_ID)
    assert _deliver(web, company, body).json()["result"] == "duplicate"
    assert _deliver(web, company, body, secret="not-the-secret-at-all").status_code == 401
    assert _deliver(web, company, body, company_id="co_doesnotexist").status_code == 404
    runs = wait_until(finished(services, company.id), 60, "the targeted sync done")
    assert [(run.mode.value, run.status.value) for run in runs] == [("targeted", "succeeded")], worker.log()
    pending = changesets_of(services, company.id)[-1]
    counts = {kind: count for kind, count in pending.counts().items() if count}
    approve = f"{web.url}/api/v1/changesets/{pending.id}/approve"
    email = f"cfo@{company.tenant.subdomain}.example"
    assert requests.post(approve, json={"email": email, "password": "wrong-password"}, headers=company.auth,
                         timeout=30).status_code == 401
    applied = requests.post(approve, json={"email": email, "password": "pw"}, headers=company.auth, timeout=60)
    assert applied.status_code == 200, applied.text
    wait_until(lambda: _status(settings).returncode == 0, 60, "hrsync status healthy (notification job done)")
    healthy = _status(settings, "--json")
    report = json.loads(healthy.stdout)
    assert (healthy.returncode, report["healthy"], report["workers_alive"], report["problems"]) == (0, True, 1, [])
    assert [(c["id"], c["last_sync"]["status"], c["pending_changeset"]) for c in report["companies"]] == [
        (company.id, "succeeded", None)]

    samples = _samples(web)
    expected = {
        ("hrsync_webhook_delivery_seconds_count", "provider=bamboohr,outcome=scheduled"): 1,
        ("hrsync_webhook_delivery_seconds_count", "provider=bamboohr,outcome=duplicate"): 1,
        ("hrsync_webhook_delivery_seconds_count", "provider=bamboohr,outcome=unauthorized"): 1,
        ("hrsync_webhook_delivery_seconds_count", "provider=bamboohr,outcome=unknown_company"): 1,
        ("hrsync_syncs_total", "trigger=webhook,mode=targeted,status=succeeded"): 1,
        ("hrsync_sync_duration_seconds_count", "mode=targeted"): 1,
        ("hrsync_sync_phase_seconds_count", "phase=fetch"): 1,
        ("hrsync_sync_phase_seconds_count", "phase=match"): 1,
        ("hrsync_sync_phase_seconds_count", "phase=store"): 1,
        ("hrsync_employees_fetched_total", "provider=bamboohr"): 1,
        ("hrsync_approvals_total", "outcome=wrong_password"): 1,
        ("hrsync_approvals_total", "outcome=applied"): 1,
        ("hrsync_workers_alive", ""): 1,
        ("hrsync_queue_depth", "queue=sync"): 0,
        ("hrsync_pending_changesets", ""): 0,
        ("hrsync_integrations_needing_attention", ""): 0,
        **{("hrsync_changeset_items_total", f"kind={kind}"): count for kind, count in counts.items()},
    }
    seen = {(name, spec): _value(samples, name, **dict(pair.split("=") for pair in spec.split(",") if pair))
            for name, spec in expected}
    assert seen == expected
    assert _value(samples, "hrsync_hr_calls_total", provider="bamboohr", status="200") >= 1
    assert {name for name, _labels in samples if name.startswith("hrsync_hr_calls")} == {"hrsync_hr_calls_total"}
    _labels_are_bounded(samples, company)


def _labels_are_bounded(samples, company) -> None:
    """No company name, id, e-mail or person in any label value: every value is from a small known vocabulary."""
    values = {value for _name, labels in samples for _label, value in labels}
    forbidden = [company.id, f"Company {company.tenant.subdomain}", company.tenant.subdomain, "example", "@"]
    assert [value for value in values if any(word in value for word in forbidden)] == []
    vocabulary = {"bamboohr", "personio", "hibob", "humaans", "scheduled", "joined", "duplicate", "acknowledged", "unauthorized",
                  "unknown_company", "webhook", "cron", "manual", "api", "console", "cli", "approval", "unknown", "full",
                  "targeted", "incremental", "succeeded", "failed", "retrying", "fetch", "match", "store",
                  "applied", "wrong_password", "locked", "sync", "default", "redis", "database", "1", "3", "7",
                  "create", "update", "link", "leaver", "review", "skip"}
    strange = {value for value in values if value not in vocabulary
               and not value.replace(".", "").replace("+Inf", "").isdigit() and value != "+Inf"}
    assert strange <= {str(code) for code in range(100, 600)}, strange


def _check_logs(web_log: str, worker_log: str, company) -> None:
    """Every line of the web process is one JSON object; the delivery's id runs through web and worker lines."""
    web_lines = [line for line in web_log.splitlines() if line.strip()]
    parsed = [json.loads(line) for line in web_lines]  # raises on a line that is not JSON
    assert all({"time", "level", "logger", "message"} <= set(entry) for entry in parsed)
    worker_entries = [json.loads(line) for line in worker_log.splitlines() if line.strip()]  # its banner too
    assert worker_entries and all("correlation_id" in entry for entry in worker_entries)
    assert worker_entries[0]["message"] == "hrsync worker operations-worker"
    traced = [entry["message"] for entry in [*parsed, *worker_entries] if entry.get("correlation_id") == DELIVERY_ID]
    sync_lines = [message for message in traced if message.startswith("sync ")]
    assert any(f"webhook delivery accepted for company {company.id}" in message for message in traced), traced
    assert any(message.startswith("targeted sync ") and "scheduled" in message for message in traced), traced
    assert any("(targeted) of company" in message and message.endswith("started") for message in sync_lines)
    assert any("; change set " in message for message in sync_lines), traced
    # The approvers' notice (its own job, queued by the sync): mailed, or skipped when the approval was quicker.
    assert any(message.startswith("change set 1") for message in traced), traced
