"""The provider contract, for every registered provider against its sandbox over real HTTP: verify the credentials,
fetch everyone, fetch by ids, changed-since (or the listing of everyone where the HR system has no such query), load
fields, and verify a webhook delivery as the HR system signs it (or refuse it where the registry says there are none).

Parametrised over the registry: a new provider is held to the same contract the day it is registered."""

from __future__ import annotations

import time

import pytest

from domain.employee import Employee
from providers.base import ChangeNotice, ProviderSettings
from providers.description import ProviderDescription
from providers.errors import WebhookRejected
from providers.registry import PROVIDERS
from sandbox.server import SandboxServer
from sandbox.systems import SYSTEMS
from tests import secret_registry
from tests.integration.sandbox.webhook_receiver import Receiver

PEOPLE = 40
WEBHOOK_SECRET = "contract-webhook-secret-5d1e"
secret_registry.register("contract webhook secret", WEBHOOK_SECRET)


@pytest.fixture(scope="module")
def sandbox():
    with SandboxServer() as server:
        yield server


@pytest.fixture(scope="module")
def receiver():
    with Receiver() as running:
        yield running


class Case:
    """One provider, its sandbox tenant and a client for it."""

    def __init__(self, sandbox: SandboxServer, name: str) -> None:
        self.sandbox, self.description, self.system = sandbox, PROVIDERS[name], SYSTEMS[name]
        self.tenant = self.system.add_tenant(sandbox.state, PEOPLE, 5, False)
        self.credentials = self.system.credentials(self.tenant)
        secret_registry.register(f"{name} sandbox credentials", *[v for k, v in self.credentials.items()
                                                                  if self.description.field(k).secret])
        self.clients = []

    def provider(self):
        urls, description = self.system.settings(self.sandbox.url), self.description
        test_url = urls[description.test_base_url.variable] if description.test_base_url else ""
        settings = ProviderSettings(base_url=urls[description.base_url.variable], sandbox_base_url=test_url,
                                    timeout=5.0, backoff_factor=0.01)
        client = description.provider_class()(credentials=self.credentials, settings=settings, mapping=None)
        self.clients.append(client)
        return client

    def ids(self) -> set[str]:
        return {person.id for person in self.tenant.people}


@pytest.fixture(params=list(PROVIDERS))
def case(request, sandbox):
    made = Case(sandbox, request.param)
    yield made
    for client in made.clients:
        client.close()


def test_every_registered_provider_has_a_sandbox():
    assert set(PROVIDERS) <= set(SYSTEMS)
    for name, description in PROVIDERS.items():
        assert isinstance(description, ProviderDescription) and description.name == name
        assert (SYSTEMS[name].deliver is not None) == description.webhooks.supported


def test_the_credentials_verify(case):
    warnings = case.provider().verify_credentials()
    assert not warnings


def test_fetch_all_lists_everyone_active_and_inactive(case):
    employees = list(case.provider().iter_employees())
    assert all(isinstance(e, Employee) for e in employees)
    assert {e.remote_id for e in employees} == case.ids() and len(employees) == PEOPLE


def test_fetch_by_ids_returns_the_named_and_leaves_out_the_unknown(case):
    wanted = sorted(case.ids())[:2]
    found = list(case.provider().fetch_employees([*wanted, "999999999"]))
    assert sorted(e.remote_id for e in found) == wanted


def test_changed_since_names_a_changed_employee(case):
    provider = case.provider()
    first = provider.changed_since(None)
    moved = sorted(case.ids())[3]
    case.sandbox.state.update_person(case.tenant, moved, city="Zürich")
    following = provider.changed_since(first.cursor)
    assert moved in following.remote_ids and following.cursor
    if not case.description.changed_since:  # no such query: everyone is listed, and the diff decides
        assert set(following.remote_ids) == case.ids()
    assert [e.remote_id for e in provider.fetch_employees([moved])] == [moved]


def test_fields_offer_the_default_mapping(case):
    provider = case.provider()
    fields = {f.key: f for f in provider.list_fields()}
    assert fields and all(f.label for f in fields.values())
    assert set(provider.default_mapping) <= set(fields)


def test_a_signed_delivery_verifies_and_names_the_employee(case, receiver):
    person = sorted(case.ids())[0]
    if not case.description.webhooks.supported:
        with pytest.raises(WebhookRejected):
            case.description.verify_webhook(b'{"event":"person.updated"}', {}, WEBHOOK_SECRET, time.time())
        return
    receiver.deliveries.clear()
    case.system.deliver(case.tenant, receiver.url, WEBHOOK_SECRET, person)
    headers, body = receiver.deliveries[-1]
    notice = case.description.verify_webhook(body, headers, WEBHOOK_SECRET, time.time())
    assert isinstance(notice, ChangeNotice) and notice.delivery_id
    assert notice.remote_ids == (person,)
    with pytest.raises(WebhookRejected):
        case.description.verify_webhook(body, headers, WEBHOOK_SECRET + "-other", time.time())
    if case.description.webhooks.signed:
        with pytest.raises(WebhookRejected):
            case.description.verify_webhook(body + b" ", headers, WEBHOOK_SECRET, time.time())
