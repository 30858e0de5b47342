"""A sync end to end: the real providers over HTTP against the sandbox, matching, and the store."""

from __future__ import annotations

import dataclasses
import secrets

import pytest
from cryptography.fernet import Fernet

from core.settings import Settings
from providers.errors import ProviderAuthError
from store import migrate
from store.db import transaction
from store.enums import ChangeSetStatus, IntegrationStatus, SyncStatus
from store.repositories import (companies, integrations, stakeholder_writes, stakeholders,
                                sync_runs)
from store.repositories.changeset_reads import load_changeset, pending_changeset_id
from services.sync_run import execute_sync
from tests.plugin import BACKENDS


@pytest.fixture(params=BACKENDS)
def settings(request, scratch_database, sandbox, tmp_path):
    url = scratch_database(request.param)
    migrate.upgrade(url)
    return Settings(database_url=url, secret_key="s" * 32, encryption_keys=(Fernet.generate_key().decode(),),
                    instance_path=tmp_path, provider_urls={"BAMBOOHR_BASE_URL": sandbox.bamboohr_base_url,
                                                           "PERSONIO_BASE_URL": sandbox.personio_base_url},
                    provider_timeout=5)


def _company(services, provider, credentials, mapping=None):
    with transaction(services.session_factory) as session:
        company = companies.create_company(session, f"Co {secrets.token_hex(3)}", "cfo@example.com", "pw")
        integrations.set_integration(session, services.box, company.company_id, provider, credentials, mapping)
    return company.company_id


def _run(services, company_id, provider, mode="full", remote_ids=()):
    with transaction(services.session_factory) as session:
        run = sync_runs.create_run(session, company_id, provider, mode, remote_ids)
    return run.id


def test_full_bamboohr_sync_stores_a_pending_changeset(services, sandbox):
    tenant = sandbox.state.add_bamboohr_tenant(f"co{secrets.token_hex(3)}", "key-" + secrets.token_hex(8), 40)
    company_id = _company(services, "bamboohr", {"subdomain": tenant.subdomain, "api_key": tenant.api_key})
    sync_id = _run(services, company_id, "bamboohr")

    seen = []
    outcome = execute_sync(services, sync_id, lambda fetched, total: seen.append((fetched, total)))

    with_hire_date = [p for p in tenant.people if p.hire_date is not None]
    expected_creates = [p for p in with_hire_date if not p.terminated]
    assert outcome.counts["create"] == len(expected_creates)
    assert outcome.counts["skip"] == len(tenant.people) - len(expected_creates)
    assert seen and seen[-1][0] == len(tenant.people)
    with transaction(services.session_factory) as session:
        run = sync_runs.get_run(session, sync_id)
        stored = load_changeset(session, outcome.changeset_id, company_id)
        assert stakeholders.list_stakeholders(session, company_id) == []  # nothing applied
    assert run.status is SyncStatus.SUCCEEDED and run.fetched == len(tenant.people)
    assert run.changeset_id == outcome.changeset_id and run.counts == outcome.counts
    assert stored.status is ChangeSetStatus.PENDING
    assert stored.changeset == outcome.changeset


def test_personio_sync_matches_the_registry_and_second_sync_supersedes(services, sandbox):
    tenant = sandbox.state.add_personio_tenant("cid-" + secrets.token_hex(3), "secret-" + secrets.token_hex(8), 30)
    company_id = _company(services, "personio", {"client_id": tenant.client_id,
                                                 "client_secret": tenant.client_secret})
    person = next(p for p in tenant.people if not p.terminated)
    with transaction(services.session_factory) as session:
        existing = stakeholder_writes.create_stakeholder(session, company_id, {
            "name": f"{person.first_name} {person.last_name}", "first_name": person.first_name,
            "last_name": person.last_name, "group": "Employees"})
    first = execute_sync(services, _run(services, company_id, "personio"))
    item = next(i for i in first.changeset.items if i.remote_id == person.id)
    assert item.stakeholder_id == existing.id and item.kind.value in ("link", "update")

    second = execute_sync(services, _run(services, company_id, "personio"))
    assert second.changeset == first.changeset  # deterministic
    with transaction(services.session_factory) as session:
        old = load_changeset(session, first.changeset_id, company_id, with_items=False)
        assert old.status is ChangeSetStatus.SUPERSEDED and old.superseded_by == second.changeset_id
        assert pending_changeset_id(session, company_id) == second.changeset_id


def test_rejected_credentials_fail_the_sync_and_keep_the_pending_changeset(services, sandbox):
    tenant = sandbox.state.add_bamboohr_tenant(f"co{secrets.token_hex(3)}", "key-" + secrets.token_hex(8), 10)
    company_id = _company(services, "bamboohr", {"subdomain": tenant.subdomain, "api_key": tenant.api_key})
    good = execute_sync(services, _run(services, company_id, "bamboohr"))
    wrong_key = "wrong-" + secrets.token_hex(8)
    with transaction(services.session_factory) as session:
        integrations.set_credentials(session, services.box, company_id,
                                     {"subdomain": tenant.subdomain, "api_key": wrong_key})
    sync_id = _run(services, company_id, "bamboohr")

    with pytest.raises(ProviderAuthError) as raised:
        execute_sync(services, sync_id)

    assert wrong_key not in str(raised.value)
    with transaction(services.session_factory) as session:
        run = sync_runs.get_run(session, sync_id)
        integration = integrations.get_integration(session, company_id)
        assert pending_changeset_id(session, company_id) == good.changeset_id
    assert run.status is SyncStatus.FAILED and "BambooHR rejected the API key" in run.error
    assert wrong_key not in run.error
    assert integration.status is IntegrationStatus.NEEDS_ATTENTION


def test_targeted_sync_merges_into_the_pending_changeset(services, sandbox):
    tenant = sandbox.state.add_bamboohr_tenant(f"co{secrets.token_hex(3)}", "key-" + secrets.token_hex(8), 20)
    company_id = _company(services, "bamboohr", {"subdomain": tenant.subdomain, "api_key": tenant.api_key})
    full = execute_sync(services, _run(services, company_id, "bamboohr"))
    person = next(p for p in tenant.people if p.hire_date is not None and not p.terminated)
    sandbox.state.update_person(tenant, person.id, city="Winterthur")

    targeted = execute_sync(services, _run(services, company_id, "bamboohr", "targeted", [person.id]))

    assert targeted.changeset_id == full.changeset_id
    with transaction(services.session_factory) as session:
        stored = load_changeset(session, full.changeset_id, company_id)
    items = {i.remote_id: i for i in stored.changeset.items}
    assert len(items) == len(full.changeset.items)
    assert items[person.id].fields["city"].new == "Winterthur"


def _changed_after_an_incremental_sync(services, sandbox, provider, tenant, credentials):
    """A company whose last incremental sync left a cursor; then one person changes in HR (their surname)."""
    company_id = _company(services, provider, credentials)
    execute_sync(services, _run(services, company_id, provider))
    execute_sync(services, _run(services, company_id, provider, "incremental"))
    person = next(p for p in tenant.people if p.hire_date is not None and not p.terminated)
    sandbox.state.update_person(tenant, person.id, last_name="Winterthur")
    return company_id, person


def _surname_of(services, company_id, remote_id):
    with transaction(services.session_factory) as session:
        changeset = load_changeset(session, pending_changeset_id(session, company_id), company_id).changeset
    return {i.remote_id: i for i in changeset.items}[remote_id].fields["last_name"].new


@pytest.mark.parametrize("provider", ["bamboohr", "personio"])
def test_a_webhook_naming_nobody_makes_the_targeted_sync_fetch_incrementally(services, sandbox, provider):
    """SPEC §5: the sync of an event that named no employee fetches what changed since the company's cursor."""
    from services.sync_run import WHOLE_COMPANY

    if provider == "bamboohr":
        tenant = sandbox.state.add_bamboohr_tenant(f"co{secrets.token_hex(3)}", "key-" + secrets.token_hex(8), 30)
        credentials = {"subdomain": tenant.subdomain, "api_key": tenant.api_key}
    else:
        tenant = sandbox.state.add_personio_tenant(f"cid-{secrets.token_hex(4)}", "s-" + secrets.token_hex(8), 30)
        credentials = {"client_id": tenant.client_id, "client_secret": tenant.client_secret}
    company_id, person = _changed_after_an_incremental_sync(services, sandbox, provider, tenant, credentials)

    sync_id = _run(services, company_id, provider, "targeted", [WHOLE_COMPANY])
    outcome = execute_sync(services, sync_id)

    with transaction(services.session_factory) as session:
        run = sync_runs.get_run(session, sync_id)
    assert 1 <= run.fetched < len(tenant.people) and run.cursor_after is not None  # what changed, not everyone
    assert outcome.changeset_id is not None and _surname_of(services, company_id, person.id) == "Winterthur"


def test_a_person_id_personio_v1_does_not_know_falls_back_to_an_incremental_fetch(services, sandbox):
    """A v2 person id read through v1 answers 404: the change is looked for incrementally, not skipped."""
    tenant = sandbox.state.add_personio_tenant(f"cid-{secrets.token_hex(4)}", "s-" + secrets.token_hex(8), 30)
    credentials = {"client_id": tenant.client_id, "client_secret": tenant.client_secret}
    company_id, person = _changed_after_an_incremental_sync(services, sandbox, "personio", tenant, credentials)

    sync_id = _run(services, company_id, "personio", "targeted", ["990000001"])
    execute_sync(services, sync_id)

    with transaction(services.session_factory) as session:
        run = sync_runs.get_run(session, sync_id)
    assert run.status is SyncStatus.SUCCEEDED and 1 <= run.fetched < len(tenant.people)
    assert run.cursor_after is not None and _surname_of(services, company_id, person.id) == "Winterthur"
