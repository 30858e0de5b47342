"""Request plumbing shared by the provider blueprints: injected faults on the way in, the request log on the way out."""

from __future__ import annotations

import time
from http import HTTPStatus
from typing import Callable

from flask import Response, current_app, g, request

from sandbox.state import SandboxState
from sandbox.tenants import RequestDetail, Tenant

# Headers worth asserting on in tests; never Authorization (it carries secrets).
LOGGED_HEADERS = ("Accept", "Content-Type", "User-Agent", "X-Personio-App-ID", "X-Personio-Partner-ID")

ErrorRenderer = Callable[[int, str], Response]


def sandbox_state() -> SandboxState:
    return current_app.extensions["sandbox_state"]


def begin(tenant: Tenant, path: str, error: ErrorRenderer) -> Response | None:
    """Attach the request to `tenant` and apply the next matching fault; a response ends the request."""
    g.sandbox_tenant, g.sandbox_path = tenant, path
    fault = g.sandbox_fault = sandbox_state().take_fault(tenant, path)
    if fault is not None and fault.kind not in ("bad_json", "slow"):
        response = error(fault.status, "Unauthorized" if fault.kind == "auth_failure" else _phrase(fault.status))
        if fault.retry_after is not None:
            response.headers["Retry-After"] = str(fault.retry_after)
        return response
    if fault is not None and fault.kind == "slow":
        time.sleep(fault.delay)  # the sandbox *is* the slow server here
    if tenant.latency:
        time.sleep(tenant.latency)  # a real HR system's answer takes a while
    return _throttled(tenant, path, error)


def _throttled(tenant: Tenant, path: str, error: ErrorRenderer) -> Response | None:
    """The tenant's published rate limits (sandbox.throttle): a refusal, or None with the headers to send."""
    if tenant.limits is None:
        return None
    refusal, g.sandbox_rate_headers = tenant.limits.admit(path)
    if refusal is None:
        return None
    response = error(refusal.status, _phrase(refusal.status))
    response.headers.update(refusal.headers)
    return response


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def finish(response: Response) -> Response:
    """Truncate the body for a `bad_json` fault and write the request log entry."""
    tenant = g.get("sandbox_tenant")
    if tenant is None:
        return response
    fault = g.get("sandbox_fault")
    for name, value in (g.get("sandbox_rate_headers") or {}).items():
        response.headers.setdefault(name, value)
    if fault is not None and fault.kind == "bad_json" and response.status_code < 300:
        body = response.get_data()
        response.set_data(body[: len(body) // 2])
    headers = {name: request.headers[name] for name in LOGGED_HEADERS if name in request.headers}
    sandbox_state().record(tenant, RequestDetail(
        method=request.method, path=g.sandbox_path, status=response.status_code,
        query=request.args.to_dict(flat=False), headers=headers, fault=fault.kind if fault else None))
    return response
