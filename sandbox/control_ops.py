"""The `/_sandbox` control API, part two: faults, request logs, Personio tokens and webhook deliveries."""

from __future__ import annotations

import requests
from flask import Blueprint, Response, jsonify

from sandbox import webhooks
from sandbox.control_support import ControlError, guard, read_body, required, tenant_of
from sandbox.faults import sandbox_state

bp = guard(Blueprint("sandbox_control_ops", __name__, url_prefix="/_sandbox"))

FAULT_OPTIONS = {"kind": str, "count": int, "status": int, "retry_after": (int, float), "delay": (int, float),
                 "path": str}


@bp.post("/<kind>/<key>/faults")
def inject_fault(kind: str, key: str) -> Response:
    """Body: {kind, count?, status?, retry_after?, delay?, path?}."""
    body = read_body()
    if set(body) - set(FAULT_OPTIONS):
        raise ControlError(400, f"unknown fault options: {', '.join(sorted(set(body) - set(FAULT_OPTIONS)))}")
    for name, value in body.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, FAULT_OPTIONS[name])):
            raise ControlError(400, f"fault option {name} has the wrong type")
    fault = sandbox_state().inject_fault(tenant_of(kind, key), **body)
    return jsonify({"kind": fault.kind, "remaining": fault.remaining, "status": fault.status,
                    "retry_after": fault.retry_after, "delay": fault.delay, "path": fault.path}), 201


@bp.get("/<kind>/<key>/requests")
def request_log(kind: str, key: str) -> Response:
    details = sandbox_state().request_details(tenant_of(kind, key))
    return jsonify([{"method": d.method, "path": d.path, "status": d.status, "query": d.query,
                     "headers": d.headers, "fault": d.fault} for d in details])


@bp.delete("/<kind>/<key>/requests")
def clear_request_log(kind: str, key: str) -> Response:
    sandbox_state().clear_request_log(tenant_of(kind, key))
    return Response(status=204)


@bp.post("/personio/<key>/tokens/expire")
def expire_tokens(key: str) -> Response:
    """Invalidate every token of the credential (to exercise re-authentication)."""
    tenant = tenant_of("personio", key)
    with tenant.lock:
        tenant.expire_tokens()
    return Response(status=204)


@bp.post("/<kind>/<key>/webhooks")
def send_webhook(kind: str, key: str) -> Response:
    """Body: {target_url, secret (BambooHR) | token (Personio), person_ids | person_id, event?, and for BambooHR
    encoding? (json | form) and style? (docs | fusebit)}. Personio without target_url: to every webhook registered
    through its v2 API that takes the event, as Personio itself would ({"deliveries": [{url, status}]})."""
    body, tenant = read_body(), tenant_of(kind, key)
    ids = body.get("person_ids") or [body.get("person_id")]
    if not isinstance(ids, list) or any(i is None or isinstance(i, (dict, list)) for i in ids):
        raise ControlError(400, "person_id (or person_ids, a list) is required")
    if kind == "personio" and "target_url" not in body:
        answers = webhooks.send_personio_registered(tenant, str(ids[0]), body.get("event", "person.updated"))
        return jsonify({"deliveries": [{"url": url, "status": status} for url, status in answers]})
    target = required(body, "target_url")
    try:
        if kind == "bamboohr":
            response = webhooks.send_bamboohr(tenant, target, required(body, "secret"), [str(i) for i in ids],
                                              body.get("event", "employee.updated"),
                                              encoding=body.get("encoding", "json"), style=body.get("style", "docs"))
        else:
            response = webhooks.send_personio(tenant, target, required(body, "token"), str(ids[0]),
                                              body.get("event", "person.updated"))
    except requests.RequestException as exc:
        raise ControlError(502, f"delivery to {target} failed: {type(exc).__name__}") from None
    return jsonify({"status": response.status_code, "body": response.text[:2000]})
