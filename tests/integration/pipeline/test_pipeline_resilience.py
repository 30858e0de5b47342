"""Failures of the machinery itself: Redis stopped and back, a worker killed with SIGKILL mid-sync."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import os
import signal
import time

import pytest
import requests
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from sandbox.people import generate_people
from sandbox.webhooks import bamboohr_event, sign_bamboohr
from store.enums import ChangeSetStatus, SyncStatus
from core import queueing
from services.syncs import request_sync

from pipeline_env import PrivateRedis, WebServer, wait_until
from pipeline_support import add_company, changesets_of, finished, item_summary, runs_of


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path).start()
    yield server
    server.stop()


def _signed(company, person_id: str) -> tuple[bytes, dict]:
    body = json.dumps(bamboohr_event(company.tenant, person_id, "employee.updated",
                                                   dt.datetime.now(dt.timezone.utc))).encode()
    stamp = str(int(time.time()))
    return body, {"Content-Type": "application/json", "X-BambooHR-Timestamp": stamp,
                  "X-BambooHR-Signature": sign_bamboohr(body, stamp, company.webhook_secret)}


def test_redis_stopped_answers_503_and_readyz_names_it_then_accepts_again(settings, services, sandbox,
                                                                          private_redis):
    company = add_company(services, sandbox, people=3)
    own = dataclasses.replace(settings, redis_url=private_redis.url)
    with WebServer(own, services) as web:
        url = f"{web.url}/webhooks/bamboohr/{company.id}"
        body, headers = _signed(company, "2")
        assert requests.get(f"{web.url}/readyz", timeout=5).status_code == 200

        private_redis.stop()
        refused = requests.post(url, data=body, headers=headers, timeout=10)
        ready = requests.get(f"{web.url}/readyz", timeout=10)

        assert refused.status_code == 503 and int(refused.headers["Retry-After"]) > 0
        assert refused.json()["error"]["code"] == "queue_unavailable"
        assert ready.status_code == 503 and ready.json()["failing"] == ["redis"]
        assert [run.status for run in runs_of(services, company.id)] in ([], [SyncStatus.FAILED])

        private_redis.start()
        retried = requests.post(url, data=body, headers=headers, timeout=10)  # the HR system's retry

        assert retried.status_code == 202 and retried.json()["result"] == "scheduled"
        assert requests.get(f"{web.url}/readyz", timeout=5).status_code == 200
        # The accepted delivery's sync row comes from the web process's intake scheduler, just after the 202.
        wait_until(lambda: [run.status for run in runs_of(services, company.id)][-1:] == [SyncStatus.QUEUED],
                   what="the retried delivery's queued sync")


def test_a_worker_killed_mid_sync_is_retried_by_another_and_ends_as_an_uninterrupted_run(
        services, sandbox, start_worker, redis):
    people = generate_people(30, seed=11, email_domain="acme.example")
    reference = add_company(services, sandbox, people=copy.deepcopy(people))
    victim = add_company(services, sandbox, people=copy.deepcopy(people))  # the same HR data
    first, second = start_worker("first"), start_worker("second")
    request_sync(services, redis, reference.id)
    (clean,) = wait_until(finished(services, reference.id), what="uninterrupted sync")

    # A slow HR answer holds the sync mid-fetch long enough to kill the process running it.
    sandbox.state.inject_fault(victim.tenant, "slow", delay=4, path="/v1/reports/custom")
    sync_id = request_sync(services, redis, victim.id, retry=queueing.retry_policy([1, 1]))
    job = wait_until(lambda: _running(redis, services.settings.namespace, sync_id), what="sync running in a work horse")
    runner = first if job.worker_name == first.name else second
    survivor = second if runner is first else first

    os.kill(job.meta["pid"], signal.SIGKILL)  # the work horse, as the OOM killer would
    runner.stop()  # and that worker goes away: only the survivor can pick the job up again

    (run,) = wait_until(finished(services, victim.id), what="retried sync")
    assert run.status is SyncStatus.SUCCEEDED, run.error
    retried = wait_until(lambda: _in_state(redis, services.settings.namespace, sync_id, JobStatus.FINISHED),
                         what="job finished")
    assert retried.worker_name == survivor.name and retried.retries_left == 1
    (stored,) = changesets_of(services, victim.id)  # no duplicate, no half-written set
    (expected,) = changesets_of(services, reference.id)
    assert stored.status is ChangeSetStatus.PENDING and stored.id == run.changeset_id
    assert item_summary(stored) == item_summary(expected) and run.counts == clean.counts


def _in_state(redis, namespace: str, sync_id: int, status: JobStatus) -> Job | None:
    job = Job.fetch(queueing.sync_job_id(namespace, sync_id), connection=redis, serializer=JSONSerializer)
    return job if job.get_status() is status else None


def _running(redis, namespace: str, sync_id: int) -> Job | None:
    job = _in_state(redis, namespace, sync_id, JobStatus.STARTED)
    return job if job is not None and job.meta.get("pid") else None
