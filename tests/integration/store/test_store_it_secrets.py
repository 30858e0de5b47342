"""Secrets at rest on both backends: nothing readable in the raw tables; key rotation."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from store.crypto import SecretBox
from store.db import transaction
from store.errors import UndecryptableSecret
from store.repositories import approvers, companies, integrations
from tests import secret_registry

API_KEY = "bhr-live-5b1e0c9d7a"
WEBHOOK_SECRET = "whsec-4f0a8e2b6c"
secret_registry.register("HR credential or webhook secret", API_KEY, WEBHOOK_SECRET, "tps-report-9")


def _raw_rows(session_factory, table: str) -> str:
    with session_factory() as session:
        return repr(session.execute(text(f"SELECT * FROM {table}")).all())


@pytest.fixture
def configured(session_factory, box, company_id):
    with transaction(session_factory) as session:
        integrations.set_integration(session, box, company_id, "bamboohr",
                                     {"subdomain": "acme", "api_key": API_KEY})
        integrations.set_webhook_secret(session, box, company_id, WEBHOOK_SECRET)


def test_credentials_and_webhook_secret_are_not_readable_in_the_table(session_factory, configured):
    raw = _raw_rows(session_factory, "integrations")
    assert "bamboohr" in raw  # the query did read the row
    assert API_KEY not in raw and WEBHOOK_SECRET not in raw


def test_tokens_and_passwords_are_not_readable_in_their_tables(session_factory):
    with transaction(session_factory) as session:
        created = companies.create_company(session, "Initech", "peter@initech.example", "tps-report-9")
    assert created.api_token not in _raw_rows(session_factory, "api_tokens")
    assert "tps-report-9" not in _raw_rows(session_factory, "users")
    with transaction(session_factory) as session:
        assert approvers.verify_approver(session, created.company_id, "peter@initech.example", "tps-report-9")


def test_rotation_re_reads_old_ciphertexts_and_rewrites_them(session_factory, box, encryption_key,
                                                             company_id, configured):
    before = _raw_rows(session_factory, "integrations")
    new_key = Fernet.generate_key().decode()
    rotating = SecretBox([new_key, encryption_key])
    with session_factory() as session:
        assert integrations.get_credentials(session, rotating, company_id)["api_key"] == API_KEY
    with transaction(session_factory) as session:
        assert integrations.rotate_keys(session, rotating) == 1
    assert _raw_rows(session_factory, "integrations") != before
    only_new = SecretBox([new_key])
    with session_factory() as session:
        assert integrations.get_credentials(session, only_new, company_id)["api_key"] == API_KEY
        assert integrations.get_webhook_secret(session, only_new, company_id) == WEBHOOK_SECRET
        with pytest.raises(UndecryptableSecret) as caught:
            integrations.get_credentials(session, box, company_id)
    assert encryption_key not in str(caught.value) and new_key not in str(caught.value)
