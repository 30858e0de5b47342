"""HiBob's webhook deliveries from the sandbox, received over real HTTP and verified by hrsync's HiBob provider:
the ping first, signed v2 envelopes, retries on a non-2xx of the same bytes (one delivery id); Humaans' guessed
deliveries refused."""

from __future__ import annotations

import pytest
import requests
from webhook_receiver import Receiver

from providers.errors import MalformedWebhook, WebhookRejected
from providers.hibob import HiBobProvider
from providers.humaans import HumaansProvider
from sandbox import hibob_webhooks, humaans_webhooks
from sandbox.hibob_tenant import add_hibob_tenant
from sandbox.humaans_tenant import add_humaans_tenant
from sandbox.state import SandboxState
from tests import secret_registry

SECRET = "bob-webhook-secret-for-the-receiver"
secret_registry.register("HiBob webhook secret", SECRET)


class VerifyingReceiver(Receiver):
    """Verifies each delivery with a provider's `verify_webhook` and keeps the notices: answers 503 to the first
    `fail_first` deliveries, then 202 (401 when refused, 400 when malformed)."""

    def __init__(self, verify, fail_first: int = 0) -> None:
        self.notices: list = []
        self.answers: list[int] = []
        super().__init__(lambda headers, body: self._judge(verify, fail_first, headers, body))

    def _judge(self, verify, fail_first: int, headers: dict[str, str], body: bytes) -> int:
        status = 503 if len(self.answers) < fail_first else self._verified(verify, headers, body)
        self.answers.append(status)
        return status

    def _verified(self, verify, headers: dict[str, str], body: bytes) -> int:
        try:
            self.notices.append(verify(body, headers, SECRET, 0.0))
        except WebhookRejected:
            return 401
        except MalformedWebhook:
            return 400
        return 202


@pytest.fixture
def state_for_webhooks():
    return SandboxState()


@pytest.fixture
def bob(state_for_webhooks):
    return add_hibob_tenant(state_for_webhooks, "SERVICE-HOOKS", "bob-token-hooks", people=5)


def test_a_new_webhook_is_pinged_then_each_event_names_its_employee(bob):
    ids = [p.id for p in bob.people[:2]]
    with VerifyingReceiver(HiBobProvider.verify_webhook) as receiver:
        answers = hibob_webhooks.send_hibob(bob, receiver.url, SECRET, ids, "employee.updated", ping=True)
    assert [a.status_code for a in answers] == [202, 202, 202]
    ping, *events = receiver.notices
    assert ping.acknowledge_only
    assert [n.remote_ids for n in events] == [(ids[0],), (ids[1],)] and len({n.delivery_id for n in events}) == 2


def test_the_json_ping_follows_when_the_string_one_fails(bob):
    with VerifyingReceiver(HiBobProvider.verify_webhook, fail_first=1) as receiver:
        answers = hibob_webhooks.send_ping(bob, receiver.url, SECRET)
    assert [a.status_code for a in answers] == [503, 202] and receiver.notices[0].acknowledge_only


def test_a_failed_delivery_is_retried_with_the_same_bytes_and_dedupes(bob):
    with VerifyingReceiver(HiBobProvider.verify_webhook, fail_first=2) as receiver:
        answers = hibob_webhooks.send_hibob(bob, receiver.url, SECRET, bob.people[0].id, "employee.left")
    assert [a.status_code for a in answers] == [503, 503, 202]
    (notice,) = receiver.notices
    assert notice.event == "employee.left" and notice.remote_ids == (bob.people[0].id,)


@pytest.mark.parametrize("event, switches", [
    ("employee.updated", {"field_updates_key": "fieldUpdatesIds"}),
    ("table.entry.updated", {"table_entry_format": "legacy"}),
    ("table.entry.created", {}), ("employee.created", {}), ("employee.deleted", {}),
    ("employee.inactivated", {}),
])
def test_every_envelope_variant_names_its_employee(state_for_webhooks, event, switches):
    tenant = add_hibob_tenant(state_for_webhooks, "SERVICE-VAR", "bob-token-var", people=1, **switches)
    with VerifyingReceiver(HiBobProvider.verify_webhook) as receiver:
        hibob_webhooks.send_hibob(tenant, receiver.url, SECRET, tenant.people[0].id, event)
    assert [(n.event, n.remote_ids) for n in receiver.notices] == [(event, (tenant.people[0].id,))]


def test_a_signed_ping_is_acknowledged_too(state_for_webhooks):
    tenant = add_hibob_tenant(state_for_webhooks, "SERVICE-SIGNED", "bob-token-signed", people=1, signed_ping=True)
    with VerifyingReceiver(HiBobProvider.verify_webhook) as receiver:
        (answer,) = hibob_webhooks.send_ping(tenant, receiver.url, SECRET)
    assert answer.status_code == 202 and receiver.notices[0].acknowledge_only


def test_a_delivery_signed_with_another_secret_is_refused_every_time(bob):
    with VerifyingReceiver(HiBobProvider.verify_webhook) as receiver:
        answers = hibob_webhooks.send_hibob(bob, receiver.url, "a-secret-hrsync-never-saw", bob.people[0].id)
    assert [a.status_code for a in answers] == [401] * 4 and receiver.notices == []  # Bob retries, to no avail


def test_the_control_api_sends_hibob_webhooks(sandbox):
    add_hibob_tenant(sandbox.state, "SERVICE-CTRL", "bob-token-ctrl", people=2)
    person = sandbox.state.tenant("hibob", "SERVICE-CTRL").people[0]
    with VerifyingReceiver(HiBobProvider.verify_webhook) as receiver:
        answers = requests.post(f"{sandbox.url}/_sandbox/hibob/SERVICE-CTRL/webhooks", timeout=10, json={
            "target_url": receiver.url, "secret": SECRET, "employee_id": person.id, "ping": True}).json()
    assert [a["status"] for a in answers] == [202, 202] and receiver.notices[1].remote_ids == (person.id,)


def test_a_humaans_delivery_in_the_guessed_format_is_refused(state_for_webhooks):
    tenant = add_humaans_tenant(state_for_webhooks, "acme", people=1)
    with VerifyingReceiver(HumaansProvider.verify_webhook) as receiver:
        answer = humaans_webhooks.send_guessed(receiver.url, SECRET, tenant.people[0].id)
    assert answer.status_code == 401 and receiver.notices == []
