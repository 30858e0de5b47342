"""What the sandbox knows of one HR system it fakes: its blueprints, default tenant, hrsync's settings and
credentials for it, and how it sends a webhook. `sandbox.systems` lists them; the app, `hrsync sandbox`, the
demo, the benchmarks and the provider contract tests iterate that list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import requests
from flask import Blueprint

from sandbox.state import SandboxState
from sandbox.tenants import Tenant

# (state, employees, seed, rate_limited) → a tenant with fresh credentials
AddTenant = Callable[[SandboxState, int, int, bool], Tenant]
# (tenant, target URL, secret, person id) → the HR system's answer to one delivery naming that person
Deliver = Callable[[Tenant, str, str, str], requests.Response]


@dataclass(frozen=True)
class System:
    """One faked HR system; `kind` is its tenants' kind, and hrsync's provider name for it."""

    kind: str
    label: str
    # (blueprint, register_blueprint options): the same blueprint may be served twice (HiBob's sandbox host).
    blueprints: tuple[tuple[Blueprint, dict[str, Any]], ...]
    # The sandbox's URL → hrsync's address settings (variable → URL) that point at this fake.
    settings: Callable[[str], dict[str, str]]
    add_tenant: AddTenant
    # A tenant → the credentials a company gives hrsync for it (an API key, a client id and secret, …).
    credentials: Callable[[Tenant], dict[str, str]]
    # The banner line of `hrsync sandbox` for a tenant, given the sandbox's URL and the credentials.
    banner: Callable[[str, Tenant, dict[str, str]], str]
    # A signed delivery as the HR system sends it; None: the system sends no webhooks hrsync could verify.
    deliver: Deliver | None = None
    # The rate limit enforced for rate-limited tenants, in words.
    limits: str = ""
