"""HiBob end to end, registered through the registry alone: a full sync (cron → real Redis → `hrsync worker` → the
sandbox's people search over HTTP → change set), then a webhook: Bob's "Ping test" answered, a signed v2 event over
HTTP re-fetches the one employee it names (after HiBob's re-fetch delay), its retry deduplicated by content."""

from __future__ import annotations

import datetime as dt
import json
import secrets

import requests

from providers.hibob import DESCRIPTION as HIBOB
from services import integration as setup
from sandbox.hibob_tenant import add_hibob_tenant, set_lifecycle
from sandbox.hibob_webhooks import envelope, send_ping, sign
from store.db import transaction
from store.enums import ChangeSetStatus, SyncMode, SyncStatus
from store.repositories import companies, integrations
from tests import secret_registry

from pipeline_env import wait_until
from pipeline_support import CRON_TOKEN, Company, adopt, changesets_of, finished, staff

# The targeted sync waits HiBob's re-fetch delay (20 s) before it reads: the test waits that long and a margin.
TARGETED_WAIT = HIBOB.webhooks.refetch_delay + 40


def add_hibob_company(services, sandbox, people) -> Company:
    """A company connected to a fresh HiBob tenant (its own service user, token and webhook secret key)."""
    key = f"co{secrets.token_hex(4)}"
    token, secret = "bob-" + secrets.token_hex(12), "bobsec-" + secrets.token_hex(12)
    tenant = add_hibob_tenant(sandbox.state, f"SERVICE-{key}", token, people, seed=7)
    with transaction(services.session_factory) as session:
        created = companies.create_company(session, f"Company {key}", f"cfo@{key}.example", "pw")
        integrations.set_integration(session, services.box, created.company_id, "hibob",
                                     {"service_user_id": tenant.service_user_id, "service_user_token": token})
        integrations.set_webhook_secret(session, services.box, created.company_id, secret)
    secret_registry.register("HiBob token or webhook secret", token, secret, created.api_token)
    return Company(created.company_id, created.api_token, tenant, secret)


def test_a_full_and_a_webhook_triggered_hibob_sync(web, services, sandbox, start_worker):
    company = add_hibob_company(services, sandbox, staff(("Anna", "Meier"), ("Ben", "Kraus"), ("Cem", "Yilmaz")))
    resync = requests.post(f"{web.url}/cron/resync", json={"company_id": company.id},
                           headers={"Authorization": f"Bearer {CRON_TOKEN}"}, timeout=10)
    assert resync.status_code == 202
    start_worker()
    (full,) = wait_until(finished(services, company.id), what="full HiBob sync")
    assert full.status is SyncStatus.SUCCEEDED and full.counts["create"] == 3, full.error
    assert full.fetched == 3
    adopt(services, company, full.changeset_id, "hibob")

    url = f"{web.url}/webhooks/hibob/{company.id}"
    (ping,) = send_ping(company.tenant, url, company.webhook_secret)
    assert ping.status_code == 202 and ping.json()["result"] == "acknowledged"
    sandbox.state.update_person(company.tenant, "2", last_name="Krause")
    body = json.dumps(envelope(company.tenant, "2"), separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "Bob-Signature": sign(body, company.webhook_secret)}
    first = requests.post(url, data=body, headers=headers, timeout=30)
    repeat = requests.post(url, data=body, headers=headers, timeout=30)  # HiBob retrying: the same content
    assert [first.json()["result"], repeat.json()["result"]] == ["scheduled", "duplicate"]

    _, targeted = wait_until(finished(services, company.id, 2), timeout=TARGETED_WAIT, what="targeted HiBob sync")
    assert targeted.mode is SyncMode.TARGETED and targeted.status is SyncStatus.SUCCEEDED, targeted.error
    assert targeted.remote_ids == ("2",) and targeted.fetched == 1
    pending = changesets_of(services, company.id)[-1]
    assert pending.status is ChangeSetStatus.PENDING and pending.id == targeted.changeset_id
    (entry,) = pending.items
    assert (entry.item.kind.value, entry.item.remote_id) == ("update", "2")
    assert entry.item.fields["last_name"].old == "Kraus" and entry.item.fields["last_name"].new == "Krause"


def test_garden_leave_is_a_leaver_only_while_the_company_says_so(web, services, sandbox, start_worker):
    """The company's provider option (Sync settings: "garden leave counts as leaving") reaches the worker's HiBob
    sync: off, an employee on garden leave stays; on (the default), they are proposed as a leaver."""
    company = add_hibob_company(services, sandbox, staff(("Anna", "Meier"), ("Ben", "Kraus"), ("Cem", "Yilmaz")))
    start_worker()
    _resync(web, company)
    (full,) = wait_until(finished(services, company.id), what="first HiBob sync")
    assert full.status is SyncStatus.SUCCEEDED and full.counts["create"] == 3, full.error
    adopt(services, company, full.changeset_id, "hibob")
    set_lifecycle(sandbox.state, company.tenant, "3", "garden leave", last_day=dt.date.today() - dt.timedelta(days=3))

    setup.configure(services, company.id, options={"garden_leave_leaver": False})
    _resync(web, company)
    kept = wait_until(finished(services, company.id, 2), what="HiBob sync keeping garden leave")[-1]
    assert kept.status is SyncStatus.SUCCEEDED and kept.counts.get("leaver", 0) == 0, (kept.error, kept.counts)

    setup.configure(services, company.id, options={"garden_leave_leaver": True})
    _resync(web, company)
    left = wait_until(finished(services, company.id, 3), what="HiBob sync counting garden leave")[-1]
    assert left.status is SyncStatus.SUCCEEDED and left.counts.get("leaver", 0) == 1, (left.error, left.counts)
    (leaver,) = [entry.item for entry in changesets_of(services, company.id)[-1].items
                 if entry.item.kind.value == "leaver"]
    assert leaver.remote_id == "3"


def _resync(web, company: Company) -> None:
    answer = requests.post(f"{web.url}/cron/resync", json={"company_id": company.id},
                           headers={"Authorization": f"Bearer {CRON_TOKEN}"}, timeout=10)
    assert answer.status_code == 202, answer.text
