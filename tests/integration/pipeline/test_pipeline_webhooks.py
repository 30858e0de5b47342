"""Webhooks end to end: signed deliveries over HTTP → web app → Redis → `hrsync worker` → change set."""

from __future__ import annotations

import datetime as dt
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from sandbox.webhooks import bamboohr_event, bamboohr_field_based, sign_bamboohr
from store.enums import ChangeSetStatus, SyncMode, SyncStatus
from core import coalescing

from pipeline_env import wait_until
from pipeline_support import CRON_TOKEN, add_company, adopt, changesets_of, finished, runs_of, staff


def _baseline(web, services, sandbox, start_worker, provider: str = "bamboohr"):
    """A company whose registry holds its three employees (a full sync, adopted as if approved)."""
    company = add_company(services, sandbox, provider,
                          people=staff(("Anna", "Meier"), ("Ben", "Kraus"), ("Cem", "Yilmaz")))
    response = requests.post(f"{web.url}/cron/resync", json={"company_id": company.id},
                             headers={"Authorization": f"Bearer {CRON_TOKEN}"}, timeout=10)
    assert response.status_code == 202
    start_worker(burst=True).wait()
    (run,) = wait_until(finished(services, company.id), what="baseline sync")
    assert run.status is SyncStatus.SUCCEEDED and run.counts["create"] == 3, run.error
    adopt(services, company, run.changeset_id, provider)
    return company


def _deliver(web, company, person_id: str, moment: dt.datetime, sent_at: float | None = None) -> requests.Response:
    """One BambooHR delivery, signed as BambooHR signs; the same event re-sent is the same delivery."""
    body = json.dumps(bamboohr_event(company.tenant, person_id, "employee.updated", moment)).encode()
    return _post_signed(web, company, body, sent_at)


def _post_signed(web, company, body: bytes, sent_at: float | None = None) -> requests.Response:
    stamp = str(int(sent_at or time.time()))
    headers = {"Content-Type": "application/json", "X-BambooHR-Timestamp": stamp,
               "X-BambooHR-Signature": sign_bamboohr(body, stamp, company.webhook_secret)}
    return requests.post(f"{web.url}/webhooks/bamboohr/{company.id}", data=body, headers=headers, timeout=30)


def _compact_roster(company, ids: list[str]) -> dict:
    """Entries as compact as Fusebit's real BambooHR fixture (no action, no timestamp)."""
    return {"employees": [{"id": person_id} for person_id in ids]}


def _deleted_roster(company, ids: list[str]) -> dict:
    """BambooHR's field-based `Deleted` entries, as the sandbox sends them (about 100 bytes each)."""
    return bamboohr_field_based(company.tenant, ids, "employee_with_fields.deleted", dt.datetime.now(dt.timezone.utc))


def test_a_signed_bamboohr_webhook_becomes_exactly_the_right_change(web, services, sandbox, start_worker):
    company = _baseline(web, services, sandbox, start_worker)
    sandbox.state.update_person(company.tenant, "2", last_name="Krause")
    start_worker()
    moment = dt.datetime.now(dt.timezone.utc)

    first = _deliver(web, company, "2", moment)
    repeat = _deliver(web, company, "2", moment, sent_at=time.time() + 1)  # BambooHR retrying the event

    assert (first.status_code, repeat.status_code) == (202, 202)
    assert [first.json()["result"], repeat.json()["result"]] == ["scheduled", "duplicate"]
    baseline, targeted = wait_until(finished(services, company.id, 2), what="targeted sync")
    assert targeted.mode is SyncMode.TARGETED and targeted.status is SyncStatus.SUCCEEDED, targeted.error
    assert targeted.remote_ids == ("2",)
    pending = changesets_of(services, company.id)[-1]
    assert pending.status is ChangeSetStatus.PENDING and pending.id == targeted.changeset_id
    (entry,) = pending.items
    assert (entry.item.kind.value, entry.item.remote_id) == ("update", "2")
    assert entry.item.fields["last_name"].old == "Kraus" and entry.item.fields["last_name"].new == "Krause"
    assert set(entry.item.fields) == {"last_name", "name"}
    outbox = wait_until(lambda: list((services.settings.instance_path / "outbox").glob("*.eml")), what="mail")
    assert "http://hrsync.test/approvals/" in outbox[0].read_text()


def test_a_personio_webhook_becomes_a_change(web, services, sandbox, start_worker):
    company = _baseline(web, services, sandbox, start_worker, "personio")
    person_id = company.tenant.people[0].id
    sandbox.state.update_person(company.tenant, person_id, first_name="Annika")
    start_worker()

    response = sandbox.send_personio_webhook(company.tenant, f"{web.url}/webhooks/personio/{company.id}",
                                             company.webhook_secret, person_id)

    assert response.status_code == 202
    _, targeted = wait_until(finished(services, company.id, 2), what="targeted sync")
    assert targeted.status is SyncStatus.SUCCEEDED and targeted.remote_ids == (person_id,), targeted.error
    (entry,) = changesets_of(services, company.id)[-1].items
    assert entry.item.remote_id == person_id and entry.item.fields["first_name"].new == "Annika"


@pytest.mark.parametrize("count, roster", [(50_000, _compact_roster), (10_000, _deleted_roster)],
                         ids=["50000-compact", "10000-field-based"])
def test_a_delivery_naming_thousands_of_employees_is_acknowledged_only_once_stored(web, services, sandbox, redis,
                                                                                   count, roster):
    """Issue 12 item 3: beyond ~8,000 ids such a delivery was answered 503 (or 202 `duplicate` on the fast path)
    while its ids were never stored, and the sender's retry was taken for a duplicate."""
    company = add_company(services, sandbox, people=2)
    ids = [str(number) for number in range(1, count + 1)]
    body = json.dumps(roster(company, ids), separators=(",", ":")).encode()
    assert len(body) <= 1024 * 1024  # within the body cap
    sent_at = time.time()

    first, repeat = _post_signed(web, company, body, sent_at), _post_signed(web, company, body, sent_at)

    assert (first.status_code, repeat.status_code) == (202, 202), first.text
    assert [first.json()["result"], repeat.json()["result"]] == ["scheduled", "duplicate"]
    namespace = services.settings.namespace
    assert redis.scard(coalescing.ids_key(namespace, company.id)) == count
    (run,) = wait_until(lambda: runs_of(services, company.id), what="the targeted sync row")
    pending = wait_until(lambda: redis.get(coalescing.pending_key(namespace, company.id)), what="its job")
    assert pending == str(run.id).encode()


def test_200_webhooks_within_the_debounce_window_make_one_sync(web, services, sandbox, start_worker):
    company = add_company(services, sandbox, people=40)
    base = dt.datetime.now(dt.timezone.utc)

    def send(number: int) -> str:
        person = str(1 + number % 40)
        return _deliver(web, company, person, base + dt.timedelta(seconds=number)).json()["result"]

    with ThreadPoolExecutor(8) as pool:  # no worker runs yet: all 200 land within the window
        results = list(pool.map(send, range(200)))
    start_worker()

    assert results.count("scheduled") == 1 and results.count("joined") == 199
    (run,) = wait_until(finished(services, company.id), what="one sync")
    assert run.status is SyncStatus.SUCCEEDED and len(run.remote_ids) == 40, run.error
    assert runs_of(services, company.id) == [run]


def test_webhooks_during_a_running_sync_make_exactly_one_follow_up(web, services, sandbox, start_worker):
    company = add_company(services, sandbox, people=staff(("Anna", "Meier"), ("Ben", "Kraus"), ("Cem", "Yilmaz")))
    sandbox.state.inject_fault(company.tenant, "slow", delay=2.5, path="/v1/reports/custom")
    start_worker()
    assert _deliver(web, company, "1", dt.datetime.now(dt.timezone.utc)).json()["result"] == "scheduled"
    wait_until(lambda: [r for r in runs_of(services, company.id) if r.status is SyncStatus.RUNNING],
               what="first sync running")

    later = [_deliver(web, company, person, dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=n)).json()
             for n, person in enumerate(("2", "3", "2"))]

    assert [answer["result"] for answer in later] == ["scheduled", "joined", "joined"]
    first, follow_up = wait_until(finished(services, company.id, 2), 20, "both syncs")
    assert first.remote_ids == ("1",) and follow_up.remote_ids == ("2", "3")
    assert {first.status, follow_up.status} == {SyncStatus.SUCCEEDED}
    (pending,) = [cs for cs in changesets_of(services, company.id) if cs.status is ChangeSetStatus.PENDING]
    assert sorted(entry.item.remote_id for entry in pending.items) == ["1", "2", "3"]  # merged


def test_each_route_keeps_companies_apart(web, services, sandbox):
    mine, theirs = add_company(services, sandbox, people=2), add_company(services, sandbox, people=2)
    cross = sandbox.send_bamboohr_webhook(mine.tenant, f"{web.url}/webhooks/bamboohr/{theirs.id}",
                                          mine.webhook_secret, "1")
    sync_id = requests.post(f"{web.url}/api/v1/syncs", json={"mode": "full"}, headers=mine.auth,
                            timeout=10).json()["sync_id"]
    peek = requests.get(f"{web.url}/api/v1/syncs/{sync_id}", headers=theirs.auth, timeout=10)
    own = requests.get(f"{web.url}/api/v1/syncs/{sync_id}", headers=mine.auth, timeout=10)

    assert cross.status_code == 401 and cross.json()["error"]["code"] == "webhook_rejected"
    assert peek.status_code == 404 and own.status_code == 200
    assert runs_of(services, theirs.id) == []
