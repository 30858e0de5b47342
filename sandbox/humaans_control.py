"""The `/_sandbox` control API for Humaans tenants: create one, hand out access tokens, send a guessed webhook."""

from __future__ import annotations

import requests
from flask import Blueprint, Response, jsonify

from sandbox import humaans_webhooks
from sandbox.control_support import ControlError, guard, read_body, required, tenant_of
from sandbox.faults import sandbox_state
from sandbox.humaans_tenant import SWITCHES, add_humaans_tenant

bp = guard(Blueprint("sandbox_humaans", __name__, url_prefix="/_sandbox/humaans"))

OPTIONS = {"people": (int, list), "seed": int, "rate_limited": bool, "latency": (int, float),
           **{name: bool if kind is bool else (int, type(None)) if name == "retry_after" else str
              for name, kind in SWITCHES.items()}}


@bp.post("")
def create() -> Response:
    """Body: {company, people?, seed?, rate_limited?, latency?, and the unconfirmed switches
    (sandbox.humaans_tenant.SWITCHES)}; answers with an Owner's token of scopes public:read and private:read."""
    body, state = read_body(), sandbox_state()
    company = required(body, "company")
    if state.tenant("humaans", company) is not None:
        raise ControlError(409, f"humaans tenant {company!r} exists")
    options = {k: v for k, v in body.items() if k != "company"}
    for name, value in options.items():
        accepted = OPTIONS.get(name)
        if accepted is None:
            raise ControlError(400, f"unknown Humaans tenant option {name!r}")
        if (isinstance(value, bool) and accepted is not bool) or not isinstance(value, accepted):
            raise ControlError(400, f"{name} has the wrong type")
    tenant = add_humaans_tenant(state, company, **options)
    return jsonify({"kind": tenant.kind, "key": tenant.key, "people": len(tenant.people),
                    "access_token": tenant.grant()}), 201


@bp.post("/<key>/tokens")
def grant(key: str) -> Response:
    """Body: {scopes?: [...], role?: owner | admin | user, person_id?}: a new token (shown once)."""
    body, tenant = read_body(), tenant_of("humaans", key)
    scopes = body.get("scopes", ["public:read", "private:read"])
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise ControlError(400, "scopes must be a list of scope names")
    token = tenant.grant(tuple(scopes), str(body.get("role", "owner")), body.get("person_id"))
    return jsonify({"access_token": token}), 201


@bp.post("/<key>/webhooks")
def send_guessed_webhook(key: str) -> Response:
    """Body: {target_url, secret, person_id, event?}: one delivery in the GUESSED format (nothing confirms it)."""
    body = read_body()
    tenant_of("humaans", key)
    try:
        answer = humaans_webhooks.send_guessed(required(body, "target_url"), required(body, "secret"),
                                               required(body, "person_id"), body.get("event", "person.updated"))
    except requests.RequestException as exc:
        raise ControlError(502, f"delivery failed: {type(exc).__name__}") from None
    return jsonify({"status": answer.status_code, "body": answer.text[:2000]})
