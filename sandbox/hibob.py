"""The fake HiBob API under /hibob/v1/... and, for service users of Bob's sandbox, /hibob-sandbox/v1/...
(wire details: research/hibob.md)."""

from __future__ import annotations

import hmac
import json
from typing import Any

from flask import Blueprint, Response, g, request

from sandbox import faults
from sandbox.hibob_tenant import HiBobTenant
from sandbox.hibob_wire import (BASIC, FIELDS, FIELDS_BY_ID, NAMED_LISTS, access, employee_json, lifecycle_table,
                                named_list, readable)
from sandbox.people import Person

bp = Blueprint("hibob", __name__)
# The same API registered twice (sandbox.app): Bob's production host and its sandbox host.
PREFIXES = {"hibob": ("/hibob", "production"), "hibob_sandbox": ("/hibob-sandbox", "sandbox")}
MAX_FIELDS = 400
FILTER_PATHS = ("root.id", "root.email")
HUMAN_READABLE = ("APPEND", "REPLACE")


def error(status: int, message: str) -> Response:
    """HiBob's documented error body `{"key", "error"}` (real bodies are unconfirmed)."""
    key = {400: "bad.request", 401: "unauthorized", 403: "forbidden", 404: "not.found", 429: "too.many.requests"}
    body = {"key": key.get(status, "error"), "error": message}
    return Response(json.dumps(body), status=status, mimetype="application/json")


def ok(text: str) -> Response:
    return Response(text, mimetype="application/json")


@bp.before_request
def _authenticate() -> Response | None:
    """HTTP Basic: the service user's id and token, in the environment (production or sandbox) it belongs to."""
    prefix, environment = PREFIXES[request.blueprint or "hibob"]
    auth = request.authorization
    tenant = faults.sandbox_state().tenant("hibob", auth.username or "") if auth and auth.type == "basic" else None
    if not isinstance(tenant, HiBobTenant) or tenant.environment != environment:
        return error(401, "Unauthorized")
    g.tenant = tenant
    answered = faults.begin(tenant, request.path[len(prefix):], error)
    if answered is not None:
        return answered
    if not hmac.compare_digest((auth.password or "").encode(), tenant.token.encode()):
        return error(401, "Unauthorized")
    return None


@bp.after_request
def _log(response: Response) -> Response:
    return faults.finish(response)


@bp.post("/v1/people/search")
def search() -> Response:
    """Every matching employee in one answer (no pagination); inactive ones only with `showInactive`."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error(400, "The request body must be a JSON object")
    try:
        shown, named = _fields(body.get("fields"))
        mode = _mode(body.get("humanReadable"))
        wanted = _filter(body)
    except ValueError as exc:
        return error(400, str(exc))
    tenant: HiBobTenant = g.tenant
    inactive = body.get("showInactive") is True
    with tenant.lock:
        def render() -> list[str]:
            return [employee_json(p, tenant, shown, mode, named) for p in _visible(tenant, inactive)]

        if wanted is None:
            key = ("hibob_search", tuple(f.id for f in shown), mode, named, inactive)
            rows = tenant.cached(key, render)
        else:
            path, values = wanted
            people = [p for p in _visible(tenant, inactive) if _value(p, path) in values]
            rows = [employee_json(p, tenant, shown, mode, named) for p in people]
    return ok('{"employees":[' + ",".join(rows) + "]}")


@bp.post("/v1/people/<identifier>")
def read_one(identifier: str) -> Response:
    """One employee by backend id or e-mail; whether Inactive ones come back is a switch (unconfirmed)."""
    body = request.get_json(silent=True) or {}
    try:
        shown, named = _fields(body.get("fields") if isinstance(body, dict) else None)
        mode = _mode(body.get("humanReadable") if isinstance(body, dict) else None)
    except ValueError as exc:
        return error(400, str(exc))
    tenant: HiBobTenant = g.tenant
    with tenant.lock:
        path = "root.email" if "@" in identifier else "root.id"
        person = next((p for p in _visible(tenant, tenant.single_read_inactive) if _value(p, path) == identifier),
                      None)
        if person is None:
            return error(404, "Employee not found")
        return ok(employee_json(person, tenant, shown, mode, named))


@bp.get("/v1/company/people/fields")
def fields_metadata() -> Response:
    """Every field as a bare array, whatever the service user may read (it needs no permission, [D11])."""
    return ok(json.dumps([f.meta() for f in FIELDS]))


@bp.get("/v1/company/named-lists")
def named_lists() -> Response:
    return ok(json.dumps({name: named_list(name) for name in NAMED_LISTS}))


@bp.get("/v1/company/named-lists/<list_id>")
def one_named_list(list_id: str) -> Response:
    found = named_list(list_id)
    return error(404, f"No named list {list_id}") if found is None else ok(json.dumps(found))


@bp.get("/v1/people/<person_id>/lifecycle")
def lifecycle(person_id: str) -> Response:
    """The lifecycle table, past and future entries: `{"values": [...]}`."""
    tenant: HiBobTenant = g.tenant
    if tenant.readable_categories is not None and "internal" not in tenant.readable_categories:
        return error(403, "No permission to view the lifecycle table")
    with tenant.lock:
        person = next((p for p in _visible(tenant, True) if p.id == person_id), None)
        if person is None:
            return error(404, "Employee not found")
        return ok(json.dumps({"values": lifecycle_table(person, tenant)}))


def _fields(requested: Any) -> tuple[list, bool]:
    """(the fields to render, whether they were asked for by name): unknown and unreadable ids are left out
    silently, as HiBob does ([D4]); without `fields`, the basic fields and the Work category, nested only."""
    if requested is None:
        return readable(g.tenant, list(BASIC)), False
    if not isinstance(requested, list) or not all(isinstance(f, str) for f in requested):
        raise ValueError("fields must be a list of field ids")
    if len(requested) > MAX_FIELDS:
        raise ValueError(f"At most {MAX_FIELDS} fields may be requested")
    # The id comes back whether asked for or not (every recorded answer carries it).
    known = [FIELDS_BY_ID[f] for f in dict.fromkeys(["root.id", *requested]) if f in FIELDS_BY_ID]
    return readable(g.tenant, known), True


def _mode(value: Any) -> str | None:
    if value is None:
        return None
    text = value.upper() if isinstance(value, str) and g.tenant.lowercase_human_readable else value
    if text not in HUMAN_READABLE:
        raise ValueError("humanReadable must be APPEND or REPLACE")
    return text


def _filter(body: dict[str, Any]) -> tuple[str, set[str]] | None:
    """At most one filter: root.id or root.email, `equals`, a non-empty list of values; anything else is a 400."""
    if "filters" not in body:
        return None
    filters = body["filters"]
    if not isinstance(filters, list) or len(filters) != 1 or not isinstance(filters[0], dict):
        raise ValueError("filters must hold exactly one filter")
    only = filters[0]
    values = only.get("values")
    if only.get("fieldPath") not in FILTER_PATHS or only.get("operator") != "equals":
        raise ValueError("Only root.id or root.email with the operator equals can be filtered on")
    if not isinstance(values, list) or not values:
        raise ValueError("A filter needs a non-empty list of values")
    return only["fieldPath"], {str(v) for v in values}


def _visible(tenant: HiBobTenant, inactive: bool) -> list[Person]:
    """The permission group's population, then Active only unless `showInactive`."""
    if tenant.population == "none":
        return []
    people = tenant.people
    if tenant.population == "everyone" or not inactive:
        people = [p for p in people if access(p, tenant) == "Active"]
    return people


def _value(person: Person, path: str) -> Any:
    return person.id if path == "root.id" else person.work_email
