"""Registering the company's webhook in its HR system (services.webhook_registration): a fresh token goes to the HR
system and is stored encrypted only once it agreed; earlier webhooks at the company's URL are replaced, never
doubled; the HR system's refusals become core.errors in words that say what to change; nothing leaks the token."""

from __future__ import annotations

import logging

import pytest

from core.errors import NotConfigured, RegistrationUnsupported, WebhookRegistrationRefused, classify
from providers.description import WebhookRegistration, WebhookSecret
from providers.errors import ProviderUnavailable
from providers.errors import WebhookRegistrationRefused as Refused
from services import webhook_registration
from services.integration import webhook_url
from store.db import transaction
from store.repositories import integrations
from tests import secret_registry
from tests.fake_registrar import FakeRegistrar
from tests.stub_provider import NAME, register_stub

EVENTS = ("changed", "removed")
STUB_KEY = "stub-key-of-the-registration-tests"
secret_registry.register("stub HR credential", STUB_KEY)


@pytest.fixture
def hr(services, monkeypatch) -> FakeRegistrar:
    register_stub(monkeypatch, secret=WebhookSecret.GENERATED,
                  registration=WebhookRegistration(EVENTS, needs="the key may manage webhooks"))
    fake = FakeRegistrar()
    monkeypatch.setattr(services, "provider_factory", fake.factory)
    return fake


@pytest.fixture
def connected(services, company_id, hr) -> str:
    with transaction(services.session_factory) as session:
        integrations.set_integration(session, services.box, company_id, NAME, {"stub_key": STUB_KEY})
    return company_id


def _stored(services, company_id: str) -> str | None:
    with transaction(services.session_factory) as session:
        return integrations.get_webhook_secret(session, services.box, company_id)


def _url(services, company_id: str) -> str:
    return webhook_url(services.settings.public_base_url, NAME, company_id)


def test_the_token_the_hr_system_was_given_is_the_one_stored(services, connected, hr):
    done = webhook_registration.register_webhook(services, connected)
    token = _stored(services, connected)
    secret_registry.register("registered webhook token", token)
    assert token and hr.token_of(done.webhook_id) == token
    assert hr.calls == [("list",), ("create", _url(services, connected), EVENTS, "hrsync")]
    assert (done.url, done.events, done.replaced, done.left_over) == (_url(services, connected), EVENTS, 0, ())
    assert token not in repr(done) and hr.built_with[0]["credentials"] == {"stub_key": STUB_KEY}
    assert hr.closed == 1


def test_registering_again_replaces_the_earlier_webhook_and_its_token(services, connected, hr):
    first = webhook_registration.register_webhook(services, connected)
    first_token = _stored(services, connected)
    second = webhook_registration.register_webhook(services, connected)
    assert list(hr.hooks) == [second.webhook_id] and second.replaced == 1
    assert hr.token_of(second.webhook_id) == _stored(services, connected) != first_token
    assert ("delete", first.webhook_id) in hr.calls


def test_a_webhook_made_by_hand_at_the_url_is_replaced_and_others_are_left_alone(services, connected, hr):
    by_hand = hr.add(_url(services, connected) + "/")
    elsewhere = hr.add("https://someone-else.example/hook")
    done = webhook_registration.register_webhook(services, connected)
    assert set(hr.hooks) == {elsewhere.id, done.webhook_id} and by_hand.id not in hr.hooks
    assert done.replaced == 1


def test_an_hr_system_allowing_one_webhook_per_url_gets_the_old_one_removed_first(services, connected, hr):
    hr.conflict_per_url = True
    old = hr.add(_url(services, connected))
    done = webhook_registration.register_webhook(services, connected)
    assert list(hr.hooks) == [done.webhook_id] and done.replaced == 1
    assert [call[0] for call in hr.calls] == ["list", "create", "delete", "create"]
    assert ("delete", old.id) in hr.calls


def test_an_earlier_webhook_that_cannot_be_removed_is_reported(services, connected, hr):
    old = hr.add(_url(services, connected))
    hr.refuse_delete.add(old.id)
    done = webhook_registration.register_webhook(services, connected)
    assert done.left_over == (old.id,) and done.replaced == 0
    assert hr.token_of(done.webhook_id) == _stored(services, connected)


@pytest.mark.parametrize("reason, said", [
    ("permission", "the key may not manage webhooks"),
    ("address", "PUBLIC_BASE_URL must be an https address Stub HR can reach"),
    ("refused", "bad description"),
])
def test_a_refusal_is_a_core_error_in_words_and_the_token_stays(services, connected, hr, reason, said):
    with transaction(services.session_factory) as session:
        before = integrations.set_webhook_secret(session, services.box, connected)
    secret_registry.register("webhook token", before)
    old = hr.add(_url(services, connected), before)
    words = {"permission": "the key may not manage webhooks", "address": "the url must be https",
             "refused": "bad description"}[reason]
    hr.refuse_create = Refused(words, reason)
    with pytest.raises(WebhookRegistrationRefused) as refused:
        webhook_registration.register_webhook(services, connected)
    assert said in str(refused.value) and "kept its webhook token" in str(refused.value)
    assert refused.value.http_status == 502 and refused.value.code == "webhook_registration_refused"
    assert _stored(services, connected) == before and list(hr.hooks) == [old.id]
    if reason == "address":
        assert _url(services, connected) in str(refused.value)


def test_an_unavailable_hr_system_changes_nothing(services, connected, hr):
    hr.refuse_create = ProviderUnavailable("Stub HR answered 503; try again later")
    with pytest.raises(ProviderUnavailable) as failed:
        webhook_registration.register_webhook(services, connected)
    assert classify(failed.value).http_status == 503 and _stored(services, connected) is None
    assert hr.closed == 1


def test_a_provider_without_registration_is_refused(services, company_id, monkeypatch):
    register_stub(monkeypatch, secret=WebhookSecret.GENERATED)
    with transaction(services.session_factory) as session:
        integrations.set_integration(session, services.box, company_id, NAME, {"stub_key": STUB_KEY})
    with pytest.raises(RegistrationUnsupported) as refused:
        webhook_registration.register_webhook(services, company_id)
    assert "as the Webhooks page's steps say" in str(refused.value) and refused.value.http_status == 409


def test_a_company_without_an_hr_system_is_told_to_connect_one(services, company_id):
    with pytest.raises(NotConfigured):
        webhook_registration.register_webhook(services, company_id)


def test_the_token_is_never_logged(services, connected, hr, caplog):
    caplog.set_level(logging.DEBUG)
    webhook_registration.register_webhook(services, connected)
    token = _stored(services, connected)
    assert "registered for company" in caplog.text and token not in caplog.text
