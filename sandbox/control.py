"""The `/_sandbox` control API, part one: tenants and their people (JSON, loopback only, no auth)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from sandbox.control_support import ControlError, guard, read_body, required, tenant_of
from sandbox.faults import sandbox_state
from sandbox.tenants import Tenant

bp = guard(Blueprint("sandbox_control", __name__, url_prefix="/_sandbox"))

MAX_PEOPLE = 200_000


# Options of a tenant's real variants and limits, by kind: name → accepted JSON type(s).
VARIANTS = {
    "bamboohr": {"rate_limited": bool, "throttle_status": int, "latency": (int, float), "integer_ids": bool,
                 "wrapped_values": bool},
    "personio": {"rate_limited": bool, "latency": (int, float), "attribute_style": str,
                 "invalid_token_status": int, "updated_since_paging": bool, "webhooks_scope": bool,
                 "webhook_https_only": bool},
}


def _describe(tenant: Tenant) -> dict[str, Any]:
    base = request.host_url.rstrip("/")
    info = {"kind": tenant.kind, "key": tenant.key, "company_id": tenant.company_id, "people": len(tenant.people),
            "rate_limited": tenant.limits is not None, "latency": tenant.latency}
    describe = getattr(tenant, "describe", None)  # a tenant of an HR system with its own modules says itself
    if describe is not None:
        info.update(describe(base))
    elif tenant.kind == "bamboohr":
        info.update(subdomain=tenant.key, base_url=f"{base}/bamboohr/{{subdomain}}",
                    hidden_fields=sorted(tenant.hidden_fields), integer_ids=tenant.integer_ids,
                    wrapped_values=tenant.wrapped_values)
    else:
        info.update(client_id=tenant.key, base_url=f"{base}/personio", token_mode=tenant.token_mode,
                    readable_attributes=None if tenant.readable_attributes is None
                    else sorted(tenant.readable_attributes), attribute_style=tenant.attribute_style,
                    invalid_token_status=tenant.invalid_token_status,
                    updated_since_paging=tenant.updated_since_paging, webhooks_scope=tenant.webhooks_scope,
                    webhook_https_only=tenant.webhook_https_only,
                    webhooks=[{k: v for k, v in hook.items() if k != "token"} for hook in tenant.webhooks.values()])
    return info


def _variants(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    options = {name: body[name] for name in VARIANTS[kind] if name in body}
    for name, value in options.items():
        accepted = VARIANTS[kind][name]
        if (isinstance(value, bool) and accepted is not bool) or not isinstance(value, accepted):
            raise ControlError(400, f"{name} has the wrong type")
    return options


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
    """Body: {subdomain, api_key, people: N | [person...], seed?, hidden_fields?, and VARIANTS["bamboohr"]?}."""
    body, state = read_body(), sandbox_state()
    subdomain, api_key = required(body, "subdomain"), required(body, "api_key")
    if state.bamboohr_tenant(subdomain) is not None:
        raise ControlError(409, f"bamboohr tenant {subdomain!r} exists")
    tenant = state.add_bamboohr_tenant(subdomain, api_key, _people_spec(body), int(body.get("seed", 1)),
                                       hidden_fields=body.get("hidden_fields") or (), **_variants("bamboohr", body))
    return jsonify(_describe(tenant)), 201


@bp.post("/personio")
def create_personio() -> Response:
    """Body: {client_id, client_secret, people, seed?, token_mode?, readable_attributes?, token_ttl?, and
    VARIANTS["personio"]?}."""
    body, state = read_body(), sandbox_state()
    client_id, secret = required(body, "client_id"), required(body, "client_secret")
    if state.personio_tenant(client_id) is not None:
        raise ControlError(409, f"personio tenant {client_id!r} exists")
    tenant = state.add_personio_tenant(
        client_id, secret, _people_spec(body), int(body.get("seed", 2)),
        token_mode=body.get("token_mode", "reusable"), readable_attributes=body.get("readable_attributes"),
        token_ttl=float(body.get("token_ttl", 86400)), **_variants("personio", body))
    return jsonify(_describe(tenant)), 201


@bp.get("/<kind>/<key>")
def tenant_info(kind: str, key: str) -> Response:
    return jsonify(_describe(tenant_of(kind, key)))


@bp.get("/<kind>/<key>/people")
def people(kind: str, key: str) -> Response:
    tenant = tenant_of(kind, key)
    with tenant.lock:
        return jsonify([p.to_json() for p in tenant.people])


@bp.post("/<kind>/<key>/people")
def add_person(kind: str, key: str) -> Response:
    tenant = tenant_of(kind, key)
    return jsonify(sandbox_state().add_person(tenant, **read_body()).to_json()), 201


@bp.get("/<kind>/<key>/people/<person_id>")
def get_person(kind: str, key: str, person_id: str) -> Response:
    person = tenant_of(kind, key).find(person_id)
    if person is None:
        raise ControlError(404, f"no person {person_id}")
    return jsonify(person.to_json())


@bp.patch("/<kind>/<key>/people/<person_id>")
def update_person(kind: str, key: str, person_id: str) -> Response:
    return jsonify(sandbox_state().update_person(tenant_of(kind, key), person_id, **read_body()).to_json())


@bp.post("/<kind>/<key>/people/<person_id>/terminate")
def terminate_person(kind: str, key: str, person_id: str) -> Response:
    date = required(read_body(), "date")
    return jsonify(sandbox_state().terminate_person(tenant_of(kind, key), person_id, date).to_json())


@bp.delete("/<kind>/<key>/people/<person_id>")
def delete_person(kind: str, key: str, person_id: str) -> Response:
    sandbox_state().delete_person(tenant_of(kind, key), person_id)
    return Response(status=204)
