"""`hrsync status` (issue 18): what it reports, and its exit status for a healthy and an unhealthy installation."""

from __future__ import annotations

import datetime as dt
import json

import fakeredis
import pytest
from click.testing import CliRunner
from rq import Worker
from rq.serializers import JSONSerializer

from core import queueing
from core.bootstrap import build_services
from hrsync.cli import main
from services import operations
from store.db import transaction
from store.models import ChangeSetRow
from store.repositories import companies, integrations, sync_runs
from tests.approval_scenario import build_scenario
from tests.plugin import make_test_settings

APPROVER_EMAIL, APPROVER_PASSWORD = "cfo@acme.example", "correct horse battery staple"


@pytest.fixture
def settings(tmp_path):
    """A database file: `hrsync status` (run through click here) opens the same database from the environment."""
    return make_test_settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'status.db'}")


@pytest.fixture
def redis(fake_redis):
    return fake_redis


def _worker(redis, settings) -> Worker:
    worker = Worker([queueing.queue(redis, settings.namespace)], connection=redis, serializer=JSONSerializer,
                    name="status-test-worker")
    worker.register_birth()
    return worker


def _synced_company(services, name: str, status: str = "succeeded") -> str:
    with transaction(services.session_factory) as session:
        company_id = companies.create_company(session, name, f"cfo@{name.split()[0].lower()}.example",
                                              "pw").company_id
        integrations.set_integration(session, services.box, company_id, "bamboohr",
                                     {"subdomain": "acme", "api_key": "k" * 20})
        run = sync_runs.create_run(session, company_id, "bamboohr", "full")
        sync_runs.start_run(session, run.id)
        if status == "succeeded":
            sync_runs.succeed_run(session, run.id, {})
        else:
            sync_runs.fail_run(session, run.id, "BambooHR refused the API key (401)")
    return company_id


def test_a_healthy_installation_exits_0(services, redis, settings):
    _worker(redis, settings)
    _synced_company(services, "Acme GmbH")
    found = operations.status(services, redis)
    assert (found.code, found.problems, found.workers) == (0, [], 1)
    assert [(c.name, c.last_sync_status, c.integration_status) for c in found.companies] == [
        ("Acme GmbH", "succeeded", "ok")]
    assert [(q.name, q.depth) for q in found.queues] == [("sync", 0), ("default", 0)]


def test_a_failed_sync_needs_a_person(services, redis, settings):
    _worker(redis, settings)
    _synced_company(services, "Acme GmbH")
    _synced_company(services, "Globex AG", status="failed")
    found = operations.status(services, redis)
    assert found.code == operations.ATTENTION == 3
    assert found.problems == ["Globex AG: the integration needs attention: BambooHR refused the API key (401)"]


def test_no_worker_and_an_old_job_mean_the_queues_are_not_worked(services, redis, settings):
    company_id = _synced_company(services, "Acme GmbH", status="failed")
    job = queueing.enqueue_sync(redis, settings.namespace, 99, company_id)
    job.enqueued_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=20)
    job.save()
    found = operations.status(services, redis)
    assert found.code == operations.NOT_WORKED == 4  # the highest of the findings
    assert found.problems[:2] == ["no worker is running (start `hrsync worker`)",
                                  "queue sync: the oldest job has waited 20 min"]
    assert [(q.name, q.depth, q.oldest_age > 1190) for q in found.queues] == [("sync", 1, True),
                                                                                ("default", 0, False)]


def test_a_change_set_waiting_too_long_needs_a_person(services, redis, settings):
    _worker(redis, settings)
    scenario = build_scenario(services.session_factory, APPROVER_EMAIL, APPROVER_PASSWORD)
    with transaction(services.session_factory) as session:
        integrations.set_integration(session, services.box, scenario.company_id, "bamboohr",
                                     {"subdomain": "acme", "api_key": "k" * 20})
        session.get(ChangeSetRow, scenario.changeset_id).created_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(
            days=4)
    found = operations.status(services, redis)
    assert found.code == 3
    assert found.problems == [f"Acme GmbH: change set {scenario.changeset_id} has waited 4 d for approval"]


def test_an_unreachable_redis_and_database_exit_5(settings, tmp_path):
    broken = build_services(settings)  # no schema: the database cannot be read
    try:
        found = operations.status(broken, fakeredis.FakeRedis(server=_down_server()))
    finally:
        broken.dispose()
    assert found.code == operations.UNREADABLE == 5
    assert [problem.split(" (")[0] for problem in found.problems] == ["Redis cannot be read",
                                                                      "the database cannot be read"]


def _down_server():
    server = fakeredis.FakeServer()
    server.connected = False
    return server


@pytest.mark.parametrize("as_json", [False, True])
def test_the_command_prints_the_report_and_exits_with_its_code(services, redis, settings, monkeypatch, as_json):
    _worker(redis, settings)
    _synced_company(services, "Globex AG", status="failed")
    monkeypatch.setattr("hrsync.cli.status_commands.Redis.from_url", lambda *a, **k: redis)
    result = CliRunner().invoke(main, ["status", *(["--json"] if as_json else [])], env=settings.to_env())
    assert result.exit_code == 3, result.output
    if as_json:
        report = json.loads(result.output)
        assert (report["healthy"], report["exit_code"], report["workers_alive"]) == (False, 3, 1)
        assert report["companies"][0]["last_sync"]["status"] == "failed"
    else:
        lines = result.output.splitlines()
        assert lines[0].endswith("NEEDS ATTENTION (exit 3)") and lines[1] == "workers alive: 1"
        assert lines[-1] == "! Globex AG: the integration needs attention: BambooHR refused the API key (401)"
