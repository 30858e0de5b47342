"""Humaans in the sandbox's list of systems (sandbox.systems): no webhooks (their format is unpublished)."""

from __future__ import annotations

from sandbox import humaans, humaans_control
from sandbox.humaans_tenant import add_humaans_tenant
from sandbox.system import System


def _add(state, employees: int, seed: int, rate_limited: bool):
    return add_humaans_tenant(state, "sandbox-company", employees, seed, rate_limited=rate_limited)


SYSTEM = System(
    kind="humaans", label="Humaans", blueprints=((humaans.bp, {}), (humaans_control.bp, {})),
    settings=lambda url: {"HUMAANS_BASE_URL": f"{url}/humaans"},
    add_tenant=_add,
    credentials=lambda tenant: {"access_token": tenant.grant()},
    banner=lambda url, tenant, given: f"base URL {url}/humaans  access_token={given['access_token']}",
    limits="a guessed 12 per 2 s",
)
