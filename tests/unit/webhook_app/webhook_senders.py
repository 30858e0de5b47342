"""Test helpers for the pipeline routes: integrations with webhook secrets, and senders that sign like the HR systems."""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass

import pytest

from providers.bamboohr_webhook import sign
from store.db import transaction
from store.repositories import companies, integrations
from tests import secret_registry
from services.intake import IntakeScheduler

BAMBOOHR_SECRET = "whsec-bamboo-0123456789abcdef"
PERSONIO_TOKEN = "whtok-personio-0123456789abcdef"
CREDENTIALS = {"bamboohr": {"subdomain": "acme", "api_key": "bamboo-api-key-secret"},
               "personio": {"client_id": "client-1", "client_secret": "personio-client-secret"}}
secret_registry.register("webhook secret or HR credential", BAMBOOHR_SECRET, PERSONIO_TOKEN,
                         CREDENTIALS["bamboohr"]["api_key"], CREDENTIALS["personio"]["client_secret"])


@pytest.fixture(name="settings")
def file_database_settings(settings, tmp_path):
    """An SQLite file instead of memory: the intake scheduler thread works on a connection of its own."""
    return dataclasses.replace(settings, database_url=f"sqlite:///{tmp_path / 'intake.db'}")


@pytest.fixture(name="app")
def app_with_sweeping_scheduler(app, services, fake_redis):
    # The real scheduler, sweeping often: a test waits a fraction of a second for an orphan, not seconds.
    app.extensions["hrsync.intake_scheduler"] = IntakeScheduler(services, fake_redis, debounce=0,
                                                                sweep_every=0.05, grace=0.2)
    return app


def bare_company(services, name: str) -> str:
    """A company without HR integration; returns its id."""
    with transaction(services.session_factory) as session:
        return companies.create_company(session, name, f"cfo@{name.split()[0].lower()}.example", "pw").company_id


def configure(services, company_id: str, provider: str = "bamboohr", secret: str | None = "default") -> None:
    with transaction(services.session_factory) as session:
        integrations.set_integration(session, services.box, company_id, provider, CREDENTIALS[provider])
        if secret is not None:
            value = (BAMBOOHR_SECRET if provider == "bamboohr" else PERSONIO_TOKEN) if secret == "default" else secret
            integrations.set_webhook_secret(session, services.box, company_id, value)


def bamboohr_body(employee_id: str = "67890", moment: str = "2026-01-31T18:42:00+0000") -> bytes:
    return json.dumps({"type": "employee.updated", "timestamp": moment,
                       "data": {"companyId": "12345", "employeeId": employee_id,
                                "changedFields": ["firstName"]}}).encode()


def bamboohr_roster(count: int) -> bytes:
    """A field-based delivery naming employees 1..count, each entry in the compact shape of Fusebit's real BambooHR
    fixture (no action, no timestamp): 50,000 of them fit within the 1 MiB body cap."""
    return json.dumps({"employees": [{"id": str(number)} for number in range(1, count + 1)]},
                      separators=(",", ":")).encode()


def personio_body(person_id: str = "32180425", event: str = "person.updated",
                  occurred: str = "2024-05-01T10:00:00Z") -> bytes:
    return json.dumps({"company_id": "118227", "event_name": event, "occurred_at": occurred,
                       "payload": {"id": person_id}, "meta": {}}).encode()


@dataclass
class WebhookSender:
    """Posts deliveries to the app the way each HR system does (BambooHR signs, Personio sends its token)."""

    client: object
    company_id: str

    def bamboohr(self, body: bytes | None = None, *, secret: str = BAMBOOHR_SECRET, timestamp: float | None = None,
                 headers: dict | None = None, company_id: str | None = None):
        body = bamboohr_body() if body is None else body
        stamp = str(int(time.time() if timestamp is None else timestamp))
        sent = {"Content-Type": "application/json", "X-BambooHR-Timestamp": stamp,
                "X-BambooHR-Signature": sign(secret, body, stamp), **(headers or {})}
        return self.client.post(f"/webhooks/bamboohr/{company_id or self.company_id}", data=body, headers=sent)

    def personio(self, body: bytes | None = None, *, token: str = PERSONIO_TOKEN, company_id: str | None = None):
        body = personio_body() if body is None else body
        return self.client.post(f"/webhooks/personio/{company_id or self.company_id}", data=body,
                                headers={"Content-Type": "application/json", "Authorization": token})
