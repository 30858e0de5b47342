"""The `/_sandbox` JSON control API: tenants, people, faults, request logs and webhooks, for out-of-process use."""

from __future__ import annotations

import ipaddress
from typing import Any

import requests
from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from sandbox import webhooks
from sandbox.faults import sandbox_state
from sandbox.tenants import Tenant

bp = Blueprint("sandbox_control", __name__, url_prefix="/_sandbox")

MAX_PEOPLE = 200_000


class ControlError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _fail(status: int, message: str) -> Response:
    response = jsonify({"error": {"code": status, "message": message}})
    response.status_code = status
    return response


@bp.errorhandler(ControlError)
def _control_error(exc: ControlError) -> Response:
    return _fail(exc.status, str(exc))


@bp.errorhandler(ValueError)
@bp.errorhandler(KeyError)
def _bad_value(exc: Exception) -> Response:
    return _fail(404 if isinstance(exc, KeyError) else 400, str(exc.args[0] if exc.args else exc))


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return _fail(exc.code or 500, exc.description or exc.name)


@bp.before_request
def _loopback_only() -> Response | None:
    # No auth on purpose, so never answer anyone but this machine.
    if not ipaddress.ip_address(request.remote_addr or "0.0.0.0").is_loopback:
        return _fail(403, "the sandbox control API answers loopback clients only")
    return None


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None and request.get_data():
        raise ControlError(400, "the body must be JSON")
    if not isinstance(body or {}, dict):
        raise ControlError(400, "the body must be a JSON object")
    return body or {}


def _tenant(kind: str, key: str) -> Tenant:
    state = sandbox_state()
    tenant = state.bamboohr_tenant(key) if kind == "bamboohr" else state.personio_tenant(key) \
        if kind == "personio" else None
    if tenant is None:
        raise ControlError(404, f"no {kind} tenant {key!r}")
    return tenant


def _describe(tenant: Tenant) -> dict[str, Any]:
    base = request.host_url.rstrip("/")
    info = {"kind": tenant.kind, "key": tenant.key, "company_id": tenant.company_id, "people": len(tenant.people)}
    if tenant.kind == "bamboohr":
        info.update(subdomain=tenant.key, base_url=f"{base}/bamboohr/{{subdomain}}",
                    hidden_fields=sorted(tenant.hidden_fields))
    else:
        info.update(client_id=tenant.key, base_url=f"{base}/personio", token_mode=tenant.token_mode,
                    readable_attributes=None if tenant.readable_attributes is None
                    else sorted(tenant.readable_attributes))
    return info


def _people_spec(body: dict[str, Any]) -> Any:
    people = body.get("people", 50)
    if isinstance(people, bool) or not isinstance(people, (int, list)):
        raise ControlError(400, "people must be a count or a list of people")
    if isinstance(people, int) and not 0 <= people <= MAX_PEOPLE:
        raise ControlError(400, f"people must be between 0 and {MAX_PEOPLE}")
    return people


@bp.get("/health")
def health() -> Response:
    return jsonify({"ok": True})


@bp.post("/reset")
def reset() -> Response:
    sandbox_state().reset()
    return jsonify({"ok": True})


@bp.get("/tenants")
def tenants() -> Response:
    return jsonify([_describe(t) for t in sandbox_state().tenants()])


@bp.post("/bamboohr")
def create_bamboohr() -> Response:
    """Body: {subdomain, api_key, people: N | [person...], seed?, hidden_fields?}."""
    body, state = _body(), sandbox_state()
    subdomain, api_key = _required(body, "subdomain"), _required(body, "api_key")
    if state.bamboohr_tenant(subdomain) is not None:
        raise ControlError(409, f"bamboohr tenant {subdomain!r} exists")
    tenant = state.add_bamboohr_tenant(subdomain, api_key, _people_spec(body), int(body.get("seed", 1)),
                                       hidden_fields=body.get("hidden_fields") or ())
    return jsonify(_describe(tenant)), 201


@bp.post("/personio")
def create_personio() -> Response:
    """Body: {client_id, client_secret, people, seed?, token_mode?, readable_attributes?, token_ttl?}."""
    body, state = _body(), sandbox_state()
    client_id, secret = _required(body, "client_id"), _required(body, "client_secret")
    if state.personio_tenant(client_id) is not None:
        raise ControlError(409, f"personio tenant {client_id!r} exists")
    tenant = state.add_personio_tenant(
        client_id, secret, _people_spec(body), int(body.get("seed", 2)),
        token_mode=body.get("token_mode", "reusable"), readable_attributes=body.get("readable_attributes"),
        token_ttl=float(body.get("token_ttl", 86400)))
    return jsonify(_describe(tenant)), 201


def _required(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise ControlError(400, f"{name} is required")
    return value


@bp.get("/<kind>/<key>")
def tenant_info(kind: str, key: str) -> Response:
    return jsonify(_describe(_tenant(kind, key)))


@bp.get("/<kind>/<key>/people")
def people(kind: str, key: str) -> Response:
    tenant = _tenant(kind, key)
    with tenant.lock:
        return jsonify([p.to_json() for p in tenant.people])


@bp.post("/<kind>/<key>/people")
def add_person(kind: str, key: str) -> Response:
    tenant = _tenant(kind, key)
    return jsonify(sandbox_state().add_person(tenant, **_body()).to_json()), 201


@bp.get("/<kind>/<key>/people/<person_id>")
def get_person(kind: str, key: str, person_id: str) -> Response:
    person = _tenant(kind, key).find(person_id)
    if person is None:
        raise ControlError(404, f"no person {person_id}")
    return jsonify(person.to_json())


@bp.patch("/<kind>/<key>/people/<person_id>")
def update_person(kind: str, key: str, person_id: str) -> Response:
    return jsonify(sandbox_state().update_person(_tenant(kind, key), person_id, **_body()).to_json())


@bp.post("/<kind>/<key>/people/<person_id>/terminate")
def terminate_person(kind: str, key: str, person_id: str) -> Response:
    date = _required(_body(), "date")
    return jsonify(sandbox_state().terminate_person(_tenant(kind, key), person_id, date).to_json())


@bp.delete("/<kind>/<key>/people/<person_id>")
def delete_person(kind: str, key: str, person_id: str) -> Response:
    sandbox_state().delete_person(_tenant(kind, key), person_id)
    return Response(status=204)


@bp.post("/<kind>/<key>/faults")
def inject_fault(kind: str, key: str) -> Response:
    """Body: {kind, count?, status?, retry_after?, delay?, path?}."""
    body = _body()
    allowed = {"kind", "count", "status", "retry_after", "delay", "path"}
    if set(body) - allowed:
        raise ControlError(400, f"unknown fault options: {', '.join(sorted(set(body) - allowed))}")
    fault = sandbox_state().inject_fault(_tenant(kind, key), **body)
    return jsonify({"kind": fault.kind, "remaining": fault.remaining, "status": fault.status,
                    "retry_after": fault.retry_after, "delay": fault.delay, "path": fault.path}), 201


@bp.get("/<kind>/<key>/requests")
def request_log(kind: str, key: str) -> Response:
    details = sandbox_state().request_details(_tenant(kind, key))
    return jsonify([{"method": d.method, "path": d.path, "status": d.status, "query": d.query,
                     "headers": d.headers, "fault": d.fault} for d in details])


@bp.delete("/<kind>/<key>/requests")
def clear_request_log(kind: str, key: str) -> Response:
    sandbox_state().clear_request_log(_tenant(kind, key))
    return Response(status=204)


@bp.post("/personio/<key>/tokens/expire")
def expire_tokens(key: str) -> Response:
    """Invalidate every token of the credential (to exercise re-authentication)."""
    tenant = _tenant("personio", key)
    with tenant.lock:
        tenant.expire_tokens()
    return Response(status=204)


@bp.post("/<kind>/<key>/webhooks")
def send_webhook(kind: str, key: str) -> Response:
    """Body: {target_url, secret (BambooHR) | token (Personio), person_ids | person_id, event?}."""
    body, tenant = _body(), _tenant(kind, key)
    target = _required(body, "target_url")
    ids = body.get("person_ids") or [body.get("person_id")]
    if not isinstance(ids, list) or any(i is None or isinstance(i, (dict, list)) for i in ids):
        raise ControlError(400, "person_id (or person_ids, a list) is required")
    try:
        if kind == "bamboohr":
            response = webhooks.send_bamboohr(tenant, target, _required(body, "secret"), [str(i) for i in ids],
                                              body.get("event", "employee.updated"))
        else:
            response = webhooks.send_personio(tenant, target, _required(body, "token"), str(ids[0]),
                                              body.get("event", "person.updated"))
    except requests.RequestException as exc:
        raise ControlError(502, f"delivery to {target} failed: {type(exc).__name__}") from None
    return jsonify({"status": response.status_code, "body": response.text[:2000]})

