"""Helpers of the pipeline tests: companies on sandbox tenants, explicit staff, reading runs and change sets."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from cryptography.fernet import Fernet
from sqlalchemy import select

from domain.changeset import ChangeKind
from core.settings import Settings
from sandbox.server import SandboxServer
from sandbox.tenants import BambooHRTenant, PersonioTenant
from store.db import transaction
from store.enums import SyncStatus
from store.models import ChangeSetRow, SyncRunRow
from store.repositories import changesets, companies, integrations, stakeholder_writes, sync_runs
from store.repositories.changeset_reads import load_changeset
from tests import secret_registry
from tests.plugin import redis_url

REDIS_URL = redis_url(1)  # this suite's own db index (issue 5 uses 2, issue 6 uses 3)
CRON_TOKEN = "cron-" + "t" * 24


def make_settings(database_url: str, sandbox: SandboxServer, instance, redis_url: str = REDIS_URL,
                  debounce: float = 1.0) -> Settings:
    settings = Settings(database_url=database_url, secret_key="s" * 32,
                        encryption_keys=(Fernet.generate_key().decode(),), redis_url=redis_url,
                        cron_token=CRON_TOKEN, public_base_url="http://hrsync.test",
                        sync_debounce_seconds=debounce, instance_path=instance,
                        provider_timeout=10).with_provider_urls(sandbox.settings)
    secret_registry.register("settings key or token", settings.secret_key, CRON_TOKEN, *settings.encryption_keys)
    return settings


@dataclass
class Company:
    id: str
    api_token: str = field(repr=False)
    tenant: BambooHRTenant | PersonioTenant
    webhook_secret: str = field(repr=False)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_token}"}


def add_company(services, sandbox, provider: str = "bamboohr", people=5, seed: int = 7,
                api_key: str | None = None) -> Company:
    """A company whose integration points at a fresh sandbox tenant (its own people, secrets)."""
    key = f"co{secrets.token_hex(4)}"
    secret = "whsec-" + secrets.token_hex(12)
    if provider == "bamboohr":
        tenant = sandbox.state.add_bamboohr_tenant(key, "key-" + secrets.token_hex(8), people, seed)
        credentials = {"subdomain": tenant.subdomain, "api_key": api_key or tenant.api_key}
    else:
        tenant = sandbox.state.add_personio_tenant(key, "secret-" + secrets.token_hex(8), people, seed)
        credentials = {"client_id": tenant.client_id, "client_secret": api_key or tenant.client_secret}
    with transaction(services.session_factory) as session:
        created = companies.create_company(session, f"Company {key}", f"cfo@{key}.example", "pw")
        integrations.set_integration(session, services.box, created.company_id, provider, credentials)
        integrations.set_webhook_secret(session, services.box, created.company_id, secret)
    secret_registry.register("company api token, webhook secret or HR credential", created.api_token, secret,
                             *(value for name, value in credentials.items() if name in ("api_key", "client_secret")))
    return Company(created.company_id, created.api_token, tenant, secret)


def staff(*names: tuple[str, str]) -> list[dict]:
    """Explicit sandbox people (ids 1..n), hired, active: small cases with known outcomes."""
    return [{"id": str(number), "first_name": first, "last_name": last, "employee_number": f"E{number:03d}",
             "work_email": f"{first.lower()}@example.com", "hire_date": "2020-01-01", "status": "active"}
            for number, (first, last) in enumerate(names, start=1)]


def runs_of(services, company_id: str) -> list:
    with transaction(services.session_factory) as session:
        ids = session.scalars(select(SyncRunRow.id).where(SyncRunRow.company_id == company_id)
                              .order_by(SyncRunRow.id)).all()
        return [sync_runs.get_run(session, sync_id) for sync_id in ids]


def changesets_of(services, company_id: str) -> list:
    with transaction(services.session_factory) as session:
        ids = session.scalars(select(ChangeSetRow.id).where(ChangeSetRow.company_id == company_id)
                              .order_by(ChangeSetRow.id)).all()
        return [load_changeset(session, changeset_id, company_id) for changeset_id in ids]


def finished(services, company_id: str, count: int = 1):
    """Condition: the company has `count` syncs and none is queued or running (returns the runs)."""
    def check():
        runs = runs_of(services, company_id)
        done = len(runs) >= count and all(run.status in (SyncStatus.SUCCEEDED, SyncStatus.FAILED) for run in runs)
        return runs if done else None
    return check


def adopt(services, company: Company, changeset_id: int, provider: str = "bamboohr") -> None:
    """Stand-in for an approval: create the proposed stakeholders, linked, and close the change set."""
    with transaction(services.session_factory) as session:
        stored = load_changeset(session, changeset_id, company.id)
        values = [{**{name: change.new for name, change in entry.item.fields.items()},
                   "hr_provider": provider, "hr_remote_id": entry.item.remote_id}
                  for entry in stored.items if entry.item.kind is ChangeKind.CREATE]
        stakeholder_writes.create_stakeholders(session, company.id, values)
        changesets.mark_applied(session, changeset_id, "test@example.com")


def item_summary(stored) -> list[tuple]:
    """What an approver sees of a change set, without database ids."""
    return sorted((entry.item.kind.value, entry.item.remote_id, entry.item.reason,
                   tuple(sorted((name, change.old, change.new) for name, change in entry.item.fields.items())))
                  for entry in stored.items)
