"""The `/_sandbox` control API for HiBob tenants: create one, set a lifecycle status, send webhooks."""

from __future__ import annotations

import requests
from flask import Blueprint, Response, jsonify

from sandbox import hibob_webhooks
from sandbox.control_support import ControlError, guard, read_body, required, tenant_of
from sandbox.faults import sandbox_state
from sandbox.hibob_tenant import SWITCHES, add_hibob_tenant, set_lifecycle

bp = guard(Blueprint("sandbox_hibob", __name__, url_prefix="/_sandbox/hibob"))

OPTIONS = {"environment": str, "population": str, "rate_limited": bool, "latency": (int, float), "quirks": bool,
           "readable_categories": (list, type(None)), "seed": int, "people": (int, list), "company_id": str,
           **{name: bool if kind is bool else str for name, kind in SWITCHES.items()}}


@bp.post("")
def create() -> Response:
    """Body: {service_user_id, token, people?, seed?, environment?, readable_categories?, population?,
    rate_limited?, latency?, quirks?, and the unconfirmed switches (sandbox.hibob_tenant.SWITCHES)}."""
    body, state = read_body(), sandbox_state()
    user, token = required(body, "service_user_id"), required(body, "token")
    if state.tenant("hibob", user) is not None:
        raise ControlError(409, f"hibob tenant {user!r} exists")
    options = {k: v for k, v in body.items() if k not in ("service_user_id", "token")}
    for name, value in options.items():
        accepted = OPTIONS.get(name)
        if accepted is None:
            raise ControlError(400, f"unknown HiBob tenant option {name!r}")
        if (isinstance(value, bool) and accepted is not bool) or not isinstance(value, accepted):
            raise ControlError(400, f"{name} has the wrong type")
    tenant = add_hibob_tenant(state, user, token, **options)
    return jsonify({"kind": tenant.kind, "key": tenant.key, "company_id": tenant.company_id,
                    "people": len(tenant.people)}), 201


@bp.put("/<key>/people/<person_id>/lifecycle")
def lifecycle(key: str, person_id: str) -> Response:
    """Body: {status (employed, hired, terminated, garden leave, leave, parental leave), last_day?}."""
    body = read_body()
    person = set_lifecycle(sandbox_state(), tenant_of("hibob", key), person_id, required(body, "status"),
                           body.get("last_day"))
    return jsonify(person.to_json())


@bp.post("/<key>/webhooks")
def send_webhooks(key: str) -> Response:
    """Body: {target_url, secret, employee_ids | employee_id, event?, ping?}: every answer, retries included."""
    body, tenant = read_body(), tenant_of("hibob", key)
    target, secret = required(body, "target_url"), required(body, "secret")
    ids = body.get("employee_ids") or [body.get("employee_id")]
    if not isinstance(ids, list) or any(i is None or isinstance(i, (dict, list)) for i in ids):
        raise ControlError(400, "employee_id (or employee_ids, a list) is required")
    try:
        answers = hibob_webhooks.send_hibob(tenant, target, secret, [str(i) for i in ids],
                                            body.get("event", "employee.updated"), ping=body.get("ping") is True)
    except requests.RequestException as exc:
        raise ControlError(502, f"delivery to {target} failed: {type(exc).__name__}") from None
    return jsonify([{"status": a.status_code, "body": a.text[:2000]} for a in answers])
