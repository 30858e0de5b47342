"""What a provider declares in the registry is all the web app and the services need: a delivery that asks only
for a 2xx, an HR system without webhooks, a re-fetch delay, the credential check's warnings (a provider made up for
the test, tests/stub_provider.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from rq.registry import ScheduledJobRegistry

from core import queueing
from providers.base import ChangeNotice
from providers.description import WebhookSecret
from services import integration as setup
from services.intake import accept_notice, schedule_companies
from store.db import transaction
from store.repositories import integrations, sync_runs
from tests.stub_provider import NAME, PING, SIGNED, register_stub
from webhook_senders import app_with_sweeping_scheduler, file_database_settings  # noqa: F401 (fixtures)

STUB_KEY = "stub-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def stub_registered(monkeypatch):
    """Registered before the app is built (autouse fixtures come first), as a provider module's line would be."""
    register_stub(monkeypatch)


def connect(services, company_id: str, secret: str | None = None) -> None:
    with transaction(services.session_factory) as session:
        integrations.set_integration(session, services.box, company_id, NAME, {"stub_key": STUB_KEY})
        if secret is not None:
            integrations.set_webhook_secret(session, services.box, company_id, secret)


def runs(services, company_id):
    with transaction(services.session_factory) as session:
        return sync_runs.active_runs(session, company_id)


def test_a_delivery_asking_only_for_a_2xx_is_answered_before_the_secret_is_set(monkeypatch, client, company,
                                                                                services, fake_redis):
    register_stub(monkeypatch)
    connect(services, company.id)
    answer = client.post(f"/webhooks/{NAME}/{company.id}", data=PING)
    assert answer.status_code == 202 and answer.get_json()["result"] == "acknowledged"
    assert fake_redis.keys("*") == [] and runs(services, company.id) == []
    refused = client.post(f"/webhooks/{NAME}/{company.id}", data=SIGNED + b"7")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "webhook_secret_not_set"


def test_a_delivery_asking_only_for_a_2xx_records_nothing_once_the_secret_is_set(monkeypatch, client, company,
                                                                                 services, fake_redis):
    register_stub(monkeypatch)
    connect(services, company.id, secret=STUB_KEY)
    for _ in range(2):  # the second one takes the fast path (the company's signer is cached)
        answer = client.post(f"/webhooks/{NAME}/{company.id}", data=PING)
        assert answer.status_code == 202 and answer.get_json()["result"] == "acknowledged"
    assert fake_redis.keys("*") == []
    accepted = client.post(f"/webhooks/{NAME}/{company.id}", data=SIGNED + b"7", headers={"X-Stub-Secret": STUB_KEY})
    assert accepted.status_code == 202 and accepted.get_json()["result"] == "scheduled"


def test_an_hr_system_without_webhooks_is_refused_and_shows_no_webhook(monkeypatch, client, company, services):
    description = register_stub(monkeypatch, secret=WebhookSecret.NONE)
    connect(services, company.id)
    answer = client.post(f"/webhooks/{NAME}/{company.id}", data=SIGNED + b"7", headers={"X-Stub-Secret": STUB_KEY})
    assert answer.status_code == 404
    error = answer.get_json()["error"]
    assert error["code"] == "webhooks_not_supported" and description.note in error["message"]
    shown = client.get("/api/v1/integration", headers=company.auth).get_json()
    assert shown["webhook"] is None and shown["notes"] == [description.note]
    rotated = client.post("/api/v1/integration/webhook-secret", headers=company.auth)
    assert rotated.status_code == 422 and "no webhooks" in rotated.get_json()["error"]["message"]


def test_the_targeted_sync_waits_for_the_providers_refetch_delay(monkeypatch, services, fake_redis, company):
    register_stub(monkeypatch, refetch_delay=120.0)
    connect(services, company.id, secret=STUB_KEY)
    namespace = services.settings.namespace
    accept_notice(fake_redis, namespace, company.id, ChangeNotice("changed", "d-1", ("7",)))
    (sync_id,) = schedule_companies(services, fake_redis, [(company.id, NAME)], debounce=1)
    registry = ScheduledJobRegistry(queue=queueing.queue(fake_redis, namespace))
    when = registry.get_scheduled_time(queueing.sync_job_id(namespace, sync_id))
    assert when >= dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=100)


@pytest.mark.parametrize("warnings", [(), ("the key cannot see leavers: give it the leavers scope",)])
def test_the_credential_checks_warnings_are_shown_with_the_integration(monkeypatch, services, company, warnings):
    register_stub(monkeypatch, warnings=warnings)
    state = setup.configure(services, company.id, provider=NAME, credentials={"stub_key": STUB_KEY})
    assert state.notes == warnings and state.integration.provider == NAME
    assert setup.read_state(services, company.id).notes == ()  # shown once, with the check


def test_optional_credential_fields_may_be_left_out_and_are_checked_when_given(monkeypatch, services, company):
    register_stub(monkeypatch)
    assert setup.check_credentials(services, NAME, {"stub_key": STUB_KEY}) == {"stub_key": STUB_KEY}
    assert setup.check_credentials(services, NAME, {"stub_key": STUB_KEY, "region": "us"})["region"] == "us"
    with pytest.raises(Exception, match="region must be one of eu, us"):
        setup.check_credentials(services, NAME, {"stub_key": STUB_KEY, "region": "mars"})
