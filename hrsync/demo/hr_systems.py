"""The demo's HR systems in the sandbox: one tenant per demo company, and the changes its webhooks report.

`hrsync demo` makes them with fresh credentials; `hrsync demo --serve` makes the same tenants again from the
credentials stored in the demo companies' integrations (same seeds, same number of employees, the same changes),
so that the console's live calls (Check and save, Load fields, Sync now) meet the HR data the demo synced.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Mapping
from pathlib import Path

from sandbox.hibob_tenant import add_hibob_tenant
from sandbox.people import Person
from sandbox.state import SandboxState
from sandbox.tenants import Tenant

DEFAULT_EMPLOYEES = 300
LEAVING_ON = dt.date(2026, 1, 31)
# What `demo --serve` needs besides the database to make the same HR data: nothing secret.
MANIFEST = "sandbox.json"

# Each HR system's people come from their own seed; the tenant is found by the credential's non-secret key.
_SEEDS = {"bamboohr": 11, "personio": 12, "hibob": 13}
_KEYS = {"bamboohr": ("subdomain", "acme"), "personio": ("client_id", "globex-client"),
         "hibob": ("service_user_id", "SERVICE-INITECH")}
_SECRETS = {"bamboohr": "api_key", "personio": "client_secret", "hibob": "service_user_token"}


def new_credentials(provider: str) -> dict[str, str]:
    """Throwaway credentials for the demo's tenant of `provider` (only the database keeps them, encrypted)."""
    key_name, key = _KEYS[provider]
    return {key_name: key, _SECRETS[provider]: "sandbox-" + secrets.token_hex(16)}


def plays(provider: str) -> bool:
    """Whether the demo's sandbox plays this HR system."""
    return provider in _SEEDS


def add_tenant(state: SandboxState, provider: str, credentials: Mapping[str, str], employees: int) -> Tenant:
    """The demo company's tenant, answering `credentials`; it enforces the HR system's published rate limits, as
    the real one does (hrsync paces itself within them)."""
    secret, seed = credentials[_SECRETS[provider]], _SEEDS[provider]
    if provider == "bamboohr":
        return state.add_bamboohr_tenant(credentials["subdomain"], secret, employees, seed=seed, rate_limited=True)
    if provider == "personio":
        return state.add_personio_tenant(credentials["client_id"], secret, employees, seed=seed, rate_limited=True)
    return add_hibob_tenant(state, credentials["service_user_id"], secret, employees, seed=seed, rate_limited=True)


def change_for_webhook(state: SandboxState, provider: str, tenant: Tenant) -> tuple[Person, str]:
    """What happens in the HR system before its webhook: someone moves (BambooHR), leaves (Personio), marries
    (HiBob). Returns the person and the sentence that tells it."""
    person = _first_active(tenant)
    name = f"{person.first_name} {person.last_name}"
    if provider == "bamboohr":
        state.update_person(tenant, person.id, city="Zürich", zipcode="8001")
        return person, f"{name} moved to Zürich"
    if provider == "personio":
        state.terminate_person(tenant, person.id, LEAVING_ON)
        return person, f"{name} leaves on {LEAVING_ON}"
    state.update_person(tenant, person.id, last_name=f"{person.last_name}-Lindqvist")
    return person, f"{name} married"


def write_manifest(folder: Path, employees: int) -> None:
    (folder / MANIFEST).write_text(json.dumps({"employees": employees}) + "\n")


def read_employees(folder: Path) -> int:
    """How many employees each tenant of the last demo had (its default for a demo folder without the file)."""
    try:
        return int(json.loads((folder / MANIFEST).read_text())["employees"])
    except (OSError, ValueError, KeyError, TypeError):
        return DEFAULT_EMPLOYEES


def _first_active(tenant: Tenant) -> Person:
    return next(p for p in sorted(tenant.people, key=lambda p: (len(p.id), p.id))
                if p.status == "active" and p.termination_date is None and p.hire_date)
