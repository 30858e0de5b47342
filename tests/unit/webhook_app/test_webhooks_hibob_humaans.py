"""HiBob and Humaans at the webhook route, registered through the registry alone: HiBob's "Ping test" is answered
(before the secret is pasted too) and records nothing, a signed v2 event schedules the targeted sync of the employee
it names, repeats dedupe by content; Humaans sends no webhooks hrsync accepts, and the route says so."""

from __future__ import annotations

import json

import pytest

from providers.hibob import DESCRIPTION as HIBOB
from providers.hibob_webhook import sign
from providers.humaans import DESCRIPTION as HUMAANS
from store.db import transaction
from store.repositories import integrations, sync_runs
from tests import secret_registry
from webhook_senders import app_with_sweeping_scheduler, file_database_settings  # noqa: F401 (fixtures)

BOB_SECRET = "bob-webhook-secret-0123456789"
CREDENTIALS = {"hibob": {"service_user_id": "SERVICE-1", "service_user_token": "bob-token-0123456789"},
               "humaans": {"access_token": "humaans-token-0123456789"}}
secret_registry.register("HiBob or Humaans test secret", BOB_SECRET, CREDENTIALS["hibob"]["service_user_token"],
                         CREDENTIALS["humaans"]["access_token"])


def connect(services, company_id: str, provider: str, secret: str | None = None) -> None:
    with transaction(services.session_factory) as session:
        integrations.set_integration(session, services.box, company_id, provider, CREDENTIALS[provider])
        if secret is not None:
            integrations.set_webhook_secret(session, services.box, company_id, secret)


def v2_event(employee_id: str, when: str = "2026-03-02T10:15:30.123456") -> bytes:
    return json.dumps({"companyId": 639911, "type": "employee.updated", "triggeredBy": "3332883884017713238",
                       "triggeredAt": when, "version": "v2",
                       "data": {"employeeId": employee_id, "fieldUpdates": ["root.firstName"]}}).encode()


def post(client, company_id: str, body: bytes, secret: str | None = BOB_SECRET):
    headers = {"Bob-Signature": sign(secret, body)} if secret else {}
    return client.post(f"/webhooks/hibob/{company_id}", data=body, headers=headers,
                       content_type="application/json")


def runs(services, company_id):
    with transaction(services.session_factory) as session:
        return sync_runs.active_runs(session, company_id)


@pytest.mark.parametrize("ping", [b"Ping test", b'"Ping test"', b'{"text":"Ping test"}'])
def test_hibobs_ping_is_answered_before_the_secret_is_pasted_and_records_nothing(client, company, services,
                                                                                 fake_redis, ping):
    connect(services, company.id, "hibob")
    answer = post(client, company.id, ping, secret=None)
    assert answer.status_code == 202 and answer.get_json()["result"] == "acknowledged"
    assert fake_redis.keys("*") == [] and runs(services, company.id) == []


def test_a_signed_hibob_event_schedules_the_named_employees_sync_and_repeats_dedupe(client, company, services):
    connect(services, company.id, "hibob", BOB_SECRET)
    first = post(client, company.id, v2_event("3332883884017713238"))
    again = post(client, company.id, v2_event("3332883884017713238"))  # HiBob's retry: the same content
    assert first.status_code == 202 and first.get_json()["result"] == "scheduled"
    assert again.status_code == 202 and again.get_json()["result"] == "duplicate"
    assert post(client, company.id, v2_event("3332883884017713238"), secret="another").status_code == 401


def test_a_hibob_company_is_shown_where_to_paste_its_url(client, company, services):
    connect(services, company.id, "hibob", BOB_SECRET)
    shown = client.get("/api/v1/integration", headers=company.auth).get_json()
    assert shown["provider"] == "hibob" and shown["webhook"]["url"].endswith(f"/webhooks/hibob/{company.id}")


def test_humaans_webhooks_are_refused_clearly_and_no_webhook_is_shown(client, company, services):
    connect(services, company.id, "humaans")
    answer = client.post(f"/webhooks/humaans/{company.id}", data=b'{"event":"person.updated","data":{"id":"x"}}',
                         content_type="application/json")
    assert answer.status_code == 404
    assert answer.get_json()["error"] == {"code": "webhooks_not_supported",
                                          "message": f"hrsync accepts no Humaans webhooks: {HUMAANS.note}"}
    shown = client.get("/api/v1/integration", headers=company.auth).get_json()
    assert shown["webhook"] is None and shown["notes"] == [HUMAANS.note]


def test_the_registry_gives_both_their_facts():
    assert HIBOB.webhooks.refetch_delay == 20.0 and HIBOB.webhooks.retry_seconds == 3 * 24 * 3600
    assert not HUMAANS.webhooks.supported and not HIBOB.changed_since and not HUMAANS.changed_since
    assert [f.key for f in HIBOB.credentials if not f.required] == ["environment"]
