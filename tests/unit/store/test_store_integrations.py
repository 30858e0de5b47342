"""Integrations: encrypted credentials and webhook secret, mapping, cursor, health, key rotation."""

from __future__ import annotations

import dataclasses

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from store.crypto import SecretBox
from store.enums import IntegrationStatus
from store.errors import NotFound, UndecryptableSecret
from store.models import IntegrationRow
from store.repositories import integrations, sync_runs

CREDENTIALS = {"subdomain": "acme", "api_key": "bhr-live-7f3a9c"}


@pytest.fixture
def configured(session, box, company_id):
    return integrations.set_integration(session, box, company_id, "bamboohr", CREDENTIALS,
                                        mapping={"employeeNumber": "unique_identifier"})


def test_credentials_round_trip_encrypted(session, box, company_id, configured):
    assert integrations.get_credentials(session, box, company_id) == CREDENTIALS
    raw = session.scalar(select(IntegrationRow.credentials_ciphertext))
    assert "bhr-live-7f3a9c" not in raw and "acme" not in raw


def test_view_exposes_no_secret(session, box, company_id, configured):
    integrations.set_webhook_secret(session, box, company_id, "whsec-123")
    view = integrations.get_integration(session, company_id)
    assert view.provider == "bamboohr" and view.has_webhook_secret
    assert view.mapping == {"employeeNumber": "unique_identifier"}
    shown = repr(view) + repr(dataclasses.asdict(view))
    assert "bhr-live" not in shown and "whsec-123" not in shown


def test_webhook_secret_generated_when_not_given(session, box, company_id, configured):
    secret = integrations.set_webhook_secret(session, box, company_id)
    assert len(secret) >= 40
    assert integrations.get_webhook_secret(session, box, company_id) == secret
    raw = session.scalar(select(IntegrationRow.webhook_secret_ciphertext))
    assert secret not in raw


def test_no_webhook_secret_yet(session, box, company_id, configured):
    assert integrations.get_webhook_secret(session, box, company_id) is None
    assert not integrations.get_integration(session, company_id).has_webhook_secret


def test_replacing_credentials_of_the_same_provider_keeps_cursor_and_secret(session, box, company_id,
                                                                             configured):
    integrations.set_cursor(session, company_id, "2026-01-01T00:00:00Z")
    integrations.set_webhook_secret(session, box, company_id, "whsec")
    integrations.set_integration(session, box, company_id, "bamboohr",
                                 {"subdomain": "acme", "api_key": "new"})
    view = integrations.get_integration(session, company_id)
    assert view.cursor == "2026-01-01T00:00:00Z" and view.has_webhook_secret
    assert view.mapping is None
    assert integrations.get_credentials(session, box, company_id)["api_key"] == "new"


def test_switching_provider_drops_cursor_and_secret(session, box, company_id, configured):
    integrations.set_cursor(session, company_id, "c1")
    integrations.set_webhook_secret(session, box, company_id, "whsec")
    integrations.set_integration(session, box, company_id, "personio",
                                 {"client_id": "i", "client_secret": "s"})
    view = integrations.get_integration(session, company_id)
    assert (view.provider, view.cursor, view.has_webhook_secret) == ("personio", None, False)


def test_needs_attention_and_back(session, box, company_id, configured):
    integrations.mark_needs_attention(session, company_id, "BambooHR rejected the API key for subdomain acme")
    view = integrations.get_integration(session, company_id)
    assert view.status is IntegrationStatus.NEEDS_ATTENTION and "rejected" in view.last_error
    integrations.set_credentials(session, box, company_id, CREDENTIALS)
    assert integrations.get_integration(session, company_id).status is IntegrationStatus.OK
    integrations.mark_needs_attention(session, company_id, "again")
    integrations.mark_ok(session, company_id)
    view = integrations.get_integration(session, company_id)
    assert (view.status, view.last_error) == (IntegrationStatus.OK, None)


def test_mapping_and_cursor(session, company_id, configured):
    integrations.set_mapping(session, company_id, {"dynamic_123": "unique_identifier"})
    integrations.set_cursor(session, company_id, "cursor-2")
    view = integrations.get_integration(session, company_id)
    assert view.mapping == {"dynamic_123": "unique_identifier"} and view.cursor == "cursor-2"


def test_companies_with_integration(session, box, company_id, other_company_id, configured):
    assert integrations.companies_with_integration(session) == [(company_id, "bamboohr")]


def test_missing_integration(session, box, company_id):
    assert integrations.get_integration(session, company_id) is None
    with pytest.raises(NotFound):
        integrations.get_credentials(session, box, company_id)
    with pytest.raises(NotFound):
        integrations.set_cursor(session, company_id, "x")


def test_rotate_keys_re_encrypts_everything_with_the_first_key(session, box, encryption_key, company_id,
                                                               other_company_id, configured):
    integrations.set_webhook_secret(session, box, company_id, "whsec-1")
    integrations.set_integration(session, box, other_company_id, "personio", {"client_secret": "cs"})
    new_key = Fernet.generate_key().decode()
    rotating = SecretBox([new_key, encryption_key])
    assert integrations.rotate_keys(session, rotating) == 2
    only_new = SecretBox([new_key])
    assert integrations.get_credentials(session, only_new, company_id) == CREDENTIALS
    assert integrations.get_webhook_secret(session, only_new, company_id) == "whsec-1"
    assert integrations.get_credentials(session, only_new, other_company_id) == {"client_secret": "cs"}
    with pytest.raises(UndecryptableSecret):
        integrations.get_credentials(session, box, company_id)



@pytest.mark.parametrize("provider, flagged", [("bamboohr", True), ("personio", False)],
                         ids=["its-provider", "a-provider-since-replaced"])
def test_any_failed_sync_flags_its_integration_with_the_error_and_when(session, company_id, configured,
                                                                       provider, flagged):
    run = sync_runs.create_run(session, company_id, provider, "full")
    sync_runs.start_run(session, run.id)
    failed = sync_runs.fail_run(session, run.id, "BambooHR answered /v1/reports/custom with HTTP 500")
    view = integrations.get_integration(session, company_id)
    if flagged:
        assert view.status is IntegrationStatus.NEEDS_ATTENTION and view.last_error == failed.error
        assert view.last_error_at == failed.finished_at
    else:
        assert (view.status, view.last_error, view.last_error_at) == (IntegrationStatus.OK, None, None)
