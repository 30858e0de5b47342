"""Redis restarted in the middle of a burst of webhooks, while a sync runs (web app over HTTP, `hrsync worker`).

Redis runs as production must run it: with AOF persistence, fsync on every write, so that what it
acknowledged survives a restart. The test is the HR system: it retries every 503 until accepted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from sandbox.webhooks import bamboohr_event, sign_bamboohr
from store.enums import SyncStatus

from fault_servers import DurableRedis
from faults_support import crew
from tests.integration.pipeline.pipeline_env import WebServer, wait_until
from tests.integration.pipeline.pipeline_support import add_company, changesets_of, runs_of

pytestmark = pytest.mark.postgres

PEOPLE, SENDERS = 30, 4
# Three phases of deliveries: A before the first sync (it fetches them), B while that sync runs (they wait
# in Redis for the follow-up sync when Redis stops), C sent into the outage (refused, retried, accepted).
PHASE_A, PHASE_B, PHASE_C = range(0, 15), range(15, 30), range(30, 45)
DELIVERIES = len(PHASE_A) + len(PHASE_B) + len(PHASE_C)
SENDER_DEADLINE = 60.0


@pytest.fixture
def durable_redis(tmp_path):
    server = DurableRedis(tmp_path).start()
    yield server
    server.stop()


class Sender:
    """BambooHR's side: each delivery announces a change made just before it; signed; retried after a 503
    until it is accepted (202). Phases B and C wait for their gates."""

    def __init__(self, url: str, company, state) -> None:
        self.url, self.company, self.state = url, company, state
        self.accepted: dict[int, str] = {}  # delivery number → person id
        self.refused = 0
        self._lock, self._pause = threading.Lock(), threading.Event()
        self._base = dt.datetime.now(dt.timezone.utc)
        self.gates = {PHASE_B: threading.Event(), PHASE_C: threading.Event()}

    def deliver(self, number: int) -> None:
        for phase, gate in self.gates.items():
            if number in phase:
                assert gate.wait(SENDER_DEADLINE)
        person = str(1 + number % PEOPLE)  # phase C announces phase A's people again, never phase B's
        self.state.update_person(self.company.tenant, person, city=f"City {number}")  # what the event announces
        body = json.dumps(bamboohr_event(self.company.tenant, person, "employee.updated",
                                         self._base + dt.timedelta(seconds=number))).encode()
        deadline = time.monotonic() + SENDER_DEADLINE
        while time.monotonic() < deadline:
            stamp = str(int(time.time()))
            headers = {"Content-Type": "application/json", "X-BambooHR-Timestamp": stamp,
                       "X-BambooHR-Signature": sign_bamboohr(body, stamp, self.company.webhook_secret)}
            response = requests.post(self.url, data=body, headers=headers, timeout=10)
            if response.status_code == 202:
                with self._lock:
                    self.accepted[number] = person
                return
            assert response.status_code == 503 and response.headers["Retry-After"], response.text
            with self._lock:
                self.refused += 1
            self._pause.wait(0.1)  # the sender's back-off (a real one honours Retry-After: 10 s)
        raise AssertionError(f"delivery {number} never accepted")

    def count(self, phase: range) -> int:
        with self._lock:
            return sum(number in phase for number in self.accepted)


def _all_synced(services, company_id: str, wanted: set[str]):
    """Condition: every wanted id fetched by a succeeded sync, and no sync left queued or running."""
    def check():
        runs = runs_of(services, company_id)
        if any(run.status in (SyncStatus.QUEUED, SyncStatus.RUNNING) for run in runs):
            return None
        fetched = {remote_id for run in runs if run.status is SyncStatus.SUCCEEDED for remote_id in run.remote_ids}
        return runs if wanted <= fetched else None
    return check


def test_every_accepted_webhook_ends_in_a_sync_across_a_redis_restart(settings, services, sandbox, durable_redis,
                                                                       start_worker):
    """Invariant: nothing accepted is lost — every delivery is eventually 202'd (503s retried by the sender),
    every 202'd person is fetched by a succeeded sync after the change it announced (those waiting in Redis
    for a follow-up sync when it stopped included), no sync is left hanging, and the pending change set holds
    each person once, with their latest data. Redis stays down until the running sync has committed, so its
    job ends during the outage (the worker must wait for Redis to record it, not quit)."""
    own = dataclasses.replace(settings, redis_url=durable_redis.url, sync_debounce_seconds=0.5)
    company = add_company(services, sandbox, people=crew(PEOPLE))
    # The first sync is held by a slow HR answer, so that Redis goes away while a job is running.
    sandbox.state.inject_fault(company.tenant, "slow", 1, delay=4, path="/v1/reports/custom")
    worker = start_worker(worker_settings=own)
    with WebServer(own, services) as web, ThreadPoolExecutor(SENDERS) as pool:
        sender = Sender(f"{web.url}/webhooks/bamboohr/{company.id}", company, sandbox.state)
        sent = [pool.submit(sender.deliver, number) for number in range(DELIVERIES)]
        wait_until(lambda: sender.count(PHASE_A) == len(PHASE_A) and _running(services, company.id), 30,
                   "phase A accepted and its sync running")
        sender.gates[PHASE_B].set()
        wait_until(lambda: sender.count(PHASE_B) == len(PHASE_B), 20, "phase B accepted")
        assert _running(services, company.id)  # so phase B waits in Redis for the follow-up sync

        durable_redis.stop()  # before phase C is released: all of it is sent into the outage
        sender.gates[PHASE_C].set()
        # Down until the running sync has committed its change set: its job ends while Redis is away.
        wait_until(lambda: sender.refused >= SENDERS and not _running(services, company.id), 20,
                   "deliveries refused and the running sync done while Redis is down")
        durable_redis.start()
        for future in sent:
            future.result(timeout=SENDER_DEADLINE + 10)

    assert worker.process.poll() is None, worker.log()  # the worker rode the outage out
    assert len(sender.accepted) == DELIVERIES and sender.refused >= SENDERS
    runs = wait_until(_all_synced(services, company.id, set(sender.accepted.values())), 45,
                      "every accepted person synced")
    assert {run.status for run in runs} <= {SyncStatus.SUCCEEDED, SyncStatus.FAILED}
    assert all(run.error == "could not be queued: Redis did not answer" for run in runs
               if run.status is SyncStatus.FAILED)  # refused deliveries only: they were answered 503
    (pending,) = [stored for stored in changesets_of(services, company.id) if stored.status.value == "pending"]
    proposed = {entry.item.remote_id: entry.item.fields["city"].new for entry in pending.items}
    latest = {person.id: person.city for person in company.tenant.people}
    assert proposed == latest  # each person once, as of the last change announced: no event was lost


def _running(services, company_id: str) -> bool:
    return any(run.status is SyncStatus.RUNNING for run in runs_of(services, company_id))
