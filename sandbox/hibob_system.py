"""HiBob in the sandbox's list of systems (sandbox.systems)."""

from __future__ import annotations

import secrets

from sandbox import hibob, hibob_control, hibob_webhooks
from sandbox.hibob_tenant import add_hibob_tenant
from sandbox.system import System


def _add(state, employees: int, seed: int, rate_limited: bool):
    return add_hibob_tenant(state, f"SERVICE-{secrets.randbelow(10**6):06d}", f"sandbox-{secrets.token_hex(16)}",
                            employees, seed, rate_limited=rate_limited)


def _deliver(tenant, target: str, secret: str, person: str):
    return hibob_webhooks.send_hibob(tenant, target, secret, [person])[-1]


SYSTEM = System(
    kind="hibob", label="HiBob",
    # Bob's production host and its sandbox host serve the same API.
    blueprints=(*((hibob.bp, {"url_prefix": prefix, "name": name}) for name, (prefix, _) in hibob.PREFIXES.items()),
                (hibob_control.bp, {})),
    settings=lambda url: {"HIBOB_BASE_URL": f"{url}/hibob", "HIBOB_SANDBOX_BASE_URL": f"{url}/hibob-sandbox"},
    add_tenant=_add,
    credentials=lambda tenant: {"service_user_id": tenant.service_user_id, "service_user_token": tenant.token},
    banner=lambda url, tenant, given: (f"base URL {url}/hibob  service_user_id={given['service_user_id']}"
                                       f"  service_user_token={given['service_user_token']}"),
    deliver=_deliver,
    limits="50 searches a minute",
)
