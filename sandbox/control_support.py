"""Shared plumbing of the `/_sandbox` control blueprints: JSON errors, loopback guard, body and tenant lookup."""

from __future__ import annotations

import ipaddress
from typing import Any

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from sandbox.faults import sandbox_state
from sandbox.tenants import Tenant


class ControlError(Exception):
    """A control request that cannot be served: answered as {"error": {"code", "message"}}."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def fail(status: int, message: str) -> Response:
    response = jsonify({"error": {"code": status, "message": message}})
    response.status_code = status
    return response


def guard(bp: Blueprint) -> Blueprint:
    """Loopback-only access and JSON errors for a control blueprint."""
    bp.before_request(_loopback_only)
    bp.register_error_handler(ControlError, lambda exc: fail(exc.status, str(exc)))
    bp.register_error_handler(ValueError, lambda exc: fail(400, _message(exc)))
    bp.register_error_handler(KeyError, lambda exc: fail(404, _message(exc)))
    bp.register_error_handler(HTTPException, lambda exc: fail(exc.code or 500, exc.description or exc.name))
    return bp


def _message(exc: Exception) -> str:
    return str(exc.args[0] if exc.args else exc)


def _loopback_only() -> Response | None:
    # No auth on purpose, so never answer anyone but this machine.
    if not ipaddress.ip_address(request.remote_addr or "0.0.0.0").is_loopback:
        return fail(403, "the sandbox control API answers loopback clients only")
    return None


def read_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if data is None and request.get_data():
        raise ControlError(400, "the body must be JSON")
    if not isinstance(data or {}, dict):
        raise ControlError(400, "the body must be a JSON object")
    return data or {}


def tenant_of(kind: str, key: str) -> Tenant:
    state = sandbox_state()
    found = {"bamboohr": state.bamboohr_tenant, "personio": state.personio_tenant}.get(kind, lambda _: None)(key)
    found = found if found is not None else state.tenant(kind, key)
    if found is None:
        raise ControlError(404, f"no {kind} tenant {key!r}")
    return found


def required(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise ControlError(400, f"{name} is required")
    return value
