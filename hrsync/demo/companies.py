"""The demo's two companies, set up the way a person would: `company create`, then the JSON admin API."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import requests

from core.bootstrap import Services
from core.errors import HrsyncError
from hrsync.demo.seed import seed_registry
from providers.registry import describe
from services import companies, stakeholders

# A throwaway local database: the password is printed so that the approve page can be tried in a browser.
DEMO_PASSWORD = "demo-approver-password"
# Personio companies pick their own attribute keys: here the custom "Personalnummer" is the identifier.
PERSONIO_MAPPING = {"first_name": "first_name", "last_name": "last_name", "preferred_name": "preferred_name",
                    "email": "email", "status": "status", "hire_date": "hire_date",
                    "termination_date": "termination_date", "dynamic_1009": "unique_identifier",
                    "dynamic_1006": "city", "dynamic_1005": "postal_code"}


class DemoFailed(HrsyncError):
    """A demo step did not do what it should (a bug, or the machine is in trouble): one line for the user."""

    code = "demo_failed"

    def __init__(self, reason: str) -> None:
        super().__init__(f"the demo stopped: {reason}")


@dataclass
class DemoCompany:
    name: str
    provider: str
    approver: str
    credentials: dict = field(repr=False)
    mapping: dict | None = None
    company_id: str = ""
    token: str = field(default="", repr=False)
    webhook_secret: str = field(default="", repr=False)
    employees: list = field(default_factory=list, repr=False)
    changeset_id: int | None = None


class AdminClient:
    """The JSON admin API over HTTP with one company's token."""

    def __init__(self, base_url: str, token: str):
        self._base, self._session = base_url.rstrip("/"), requests.Session()
        self._session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        answer = self._session.request(method, f"{self._base}/api/v1{path}", json=body, timeout=30)
        if not answer.ok:
            raise DemoFailed(f"{method} /api/v1{path} answered {answer.status_code}: {answer.text[:300]}")
        return answer.json()

    def close(self) -> None:
        self._session.close()


def create(services: Services, company: DemoCompany) -> None:
    """What `hrsync company create` does: the company, its approver, its API token."""
    created = companies.create_company(services, company.name, company.approver, DEMO_PASSWORD)
    company.company_id, company.token = created.company_id, created.api_token


def connect(base_url: str, company: DemoCompany) -> str:
    """PUT /api/v1/integration (and /mapping); returns what the set-up did, for the narration."""
    client = AdminClient(base_url, company.token)
    try:
        answer = client.call("PUT", "/integration", {"provider": company.provider,
                                                     "credentials": company.credentials})
        if answer["webhook"].get("secret"):
            company.webhook_secret = answer["webhook"]["secret"]  # Personio: hrsync generated the token
            done = "webhook token generated"
        else:
            # BambooHR and HiBob generate a webhook's key; the sandbox plays the HR system here.
            webhooks = describe(company.provider).webhooks
            company.webhook_secret = secrets.token_hex(16)
            client.call("PUT", "/integration", {"webhook_secret": company.webhook_secret})
            done = f"{describe(company.provider).label}'s {webhooks.secret_label} stored"
        if company.mapping:
            rows = [{"source": source, "target": target} for source, target in company.mapping.items()]
            client.call("PUT", "/integration/mapping", {"mapping": rows})
            done += f", field mapping of {len(rows)} fields checked against the HR system and saved"
        return done
    finally:
        client.close()


def seed(services: Services, company: DemoCompany) -> int:
    """Fill the registry as earlier syncs and manual entries would have left it; returns its size."""
    provider = services.provider_factory(company.provider, company.credentials, company.mapping)
    try:
        company.employees = list(provider.iter_employees())
    finally:
        provider.close()
    return stakeholders.import_stakeholders(services, company.company_id,
                                            seed_registry(company.employees, company.provider))
