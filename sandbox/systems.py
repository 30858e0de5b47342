"""The HR systems the sandbox fakes, in the order `hrsync sandbox` lists them: one entry per system.

A new system is its own modules (tenant, wire, blueprint, control, webhooks, `SYSTEM`) and one line in `SYSTEMS`;
BambooHR's and Personio's entries live here because their tenants live in the shared modules."""

from __future__ import annotations

import secrets

from sandbox import bamboohr, hibob_system, humaans_system, personio, webhooks
from sandbox.state import SandboxState
from sandbox.system import System


def _add_bamboohr(state: SandboxState, employees: int, seed: int, rate_limited: bool):
    return state.add_bamboohr_tenant("acme", f"sandbox-{secrets.token_hex(16)}", employees, seed,
                                     rate_limited=rate_limited)


def _add_personio(state: SandboxState, employees: int, seed: int, rate_limited: bool):
    return state.add_personio_tenant("sandbox-client", f"sandbox-{secrets.token_hex(16)}", employees, seed,
                                     rate_limited=rate_limited)


BAMBOOHR = System(
    kind="bamboohr", label="BambooHR", blueprints=((bamboohr.bp, {}),),
    settings=lambda url: {"BAMBOOHR_BASE_URL": f"{url}/bamboohr/{{subdomain}}"},
    add_tenant=_add_bamboohr,
    credentials=lambda tenant: {"subdomain": tenant.subdomain, "api_key": tenant.api_key},
    banner=lambda url, tenant, given: (f"BAMBOOHR_BASE_URL={url}/bamboohr/{{subdomain}}  subdomain={given['subdomain']}"
                                       f"  api_key={given['api_key']}"),
    deliver=lambda tenant, target, secret, person: webhooks.send_bamboohr(tenant, target, secret, [person]),
    limits="a guessed 20 per 5 s",
)

PERSONIO = System(
    kind="personio", label="Personio", blueprints=((personio.bp, {}),),
    settings=lambda url: {"PERSONIO_BASE_URL": f"{url}/personio"},
    add_tenant=_add_personio,
    credentials=lambda tenant: {"client_id": tenant.client_id, "client_secret": tenant.client_secret},
    banner=lambda url, tenant, given: (f"PERSONIO_BASE_URL={url}/personio  client_id={given['client_id']}"
                                       f"  client_secret={given['client_secret']}"),
    deliver=lambda tenant, target, token, person: webhooks.send_personio(tenant, target, token, person),
    limits="300 listing requests a minute in bursts of 15",
)

SYSTEMS: dict[str, System] = {system.kind: system for system in (
    BAMBOOHR,
    PERSONIO,
    hibob_system.SYSTEM,
    humaans_system.SYSTEM,
)}


def settings_for(url: str) -> dict[str, str]:
    """hrsync's address settings pointing every faked system at the sandbox served at `url`."""
    return {name: value for system in SYSTEMS.values() for name, value in system.settings(url).items()}
