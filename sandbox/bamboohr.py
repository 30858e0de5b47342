"""The fake BambooHR API under /bamboohr/<subdomain>/v1/... (wire details: research/bamboohr.md)."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import re
from typing import Any

from flask import Blueprint, Response, g, request

from sandbox import faults
from sandbox.bamboohr_wire import (FIELDS, MAX_FIELDS, employee_row, iso_utc, report_fields, to_xml,
                                   visible_fields)
from sandbox.people import Person
from sandbox.tenants import BambooHRTenant

bp = Blueprint("bamboohr", __name__, url_prefix="/bamboohr/<subdomain>")

# Without ?format=, only these exact Accept values select a report format; anything else is a 404 (§2.3).
REPORT_ACCEPTS = ("application/json", "text/xml", "text/csv", "application/pdf", "application/vnd.ms-excel")
SINCE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:?\d{2})")
CHANGE_TYPES = ("inserted", "updated", "deleted", "all")


def error(status: int, message: str) -> Response:
    """BambooHR puts error details in a header and usually sends no body (§6)."""
    return Response(b"", status=status, headers={"X-BambooHR-Error-Message": message})


def send(payload: Any) -> Response:
    """JSON when asked for with `Accept: application/json`, else XML, as the v1 endpoints do (§1)."""
    if "application/json" in request.headers.get("Accept", ""):
        return json_response(payload)
    return Response(to_xml(payload), mimetype="text/xml")


def json_response(payload: Any) -> Response:
    return Response(_dumps(payload), mimetype="application/json")


@bp.url_value_preprocessor
def _subdomain(endpoint: str | None, values: dict[str, Any] | None) -> None:
    g.subdomain = (values or {}).pop("subdomain", "")


@bp.before_request
def _authenticate() -> Response | None:
    tenant = faults.sandbox_state().bamboohr_tenant(g.subdomain)
    if tenant is None:
        return error(404, "Unknown company domain")  # the real status is unconfirmed (research §1)
    g.tenant = tenant
    answered = faults.begin(tenant, request.path[len(f"/bamboohr/{g.subdomain}"):], error)
    if answered is not None:
        return answered
    auth = request.authorization
    if auth is None or auth.type != "basic" or not hmac.compare_digest(
            (auth.username or "").encode(), tenant.api_key.encode()):
        return error(401, "Invalid API key")
    return None


@bp.after_request
def _log(response: Response) -> Response:
    return faults.finish(response)


@bp.post("/v1/reports/custom")
def custom_report() -> Response:
    """Custom report: every employee, Active and Inactive, only the requested (visible) fields; no paging."""
    fmt = request.args.get("format")
    if fmt is None and request.headers.get("Accept") not in REPORT_ACCEPTS:
        return error(404, "Unsupported report format")
    if (fmt or request.headers.get("Accept", "")).upper() not in ("JSON", "APPLICATION/JSON"):
        return error(400, "The sandbox renders JSON reports only")
    if request.headers.get("Content-Type") != "application/json":
        # BambooHR parses anything but exactly `application/json` (even with a charset) as XML.
        return error(400, "Malformed XML")
    try:
        body = json.loads(request.get_data())
    except ValueError:
        return error(400, "Malformed JSON")
    if not isinstance(body, dict) or not isinstance(body.get("fields"), list):
        return error(400, "fields must be a list of field names")
    if len(body["fields"]) > MAX_FIELDS:
        return error(400, f"A report may request at most {MAX_FIELDS} fields")
    return _report(g.tenant, str(body.get("title") or "Report"), body["fields"], body.get("filters") or {})


def _report(tenant: BambooHRTenant, title: str, requested: list[Any], filters: Any) -> Response:
    fields = visible_fields([str(f) for f in requested], tenant.hidden_fields)
    if not isinstance(filters, dict):
        return error(400, "filters must be an object")
    head = _dumps({"title": title, "fields": report_fields(fields)})[:-1].encode()
    with tenant.lock:
        if filters:
            try:
                rows = _rows(tenant, fields, _filtered(tenant, filters))
            except ValueError as exc:
                return error(400, str(exc))
        else:
            # Rendered once per field list and data version: 50k rows must not dominate a fetch benchmark.
            key = ("report", tuple(name for name, _ in fields))
            rows = tenant.cached(key, lambda: _rows(tenant, fields, tenant.people))
    return Response(head + b',"employees":' + rows + b"}", mimetype="application/json")


def _rows(tenant: BambooHRTenant, fields: list, people: list[Person]) -> bytes:
    return _dumps([employee_row(p, fields, integer_id=tenant.integer_ids, wrapped=tenant.wrapped_values)
                   for p in people]).encode()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _filtered(tenant: BambooHRTenant, filters: dict[str, Any]) -> list[Person]:
    """`filters.employeeIds` and `filters.lastChanged` (at or after), as in the official request schema."""
    people = tenant.people
    ids = filters.get("employeeIds")
    if ids is not None:
        if not isinstance(ids, list):
            raise ValueError("employeeIds must be a list")
        wanted = {str(i) for i in ids}
        people = [p for p in people if p.id in wanted]
    changed = filters.get("lastChanged")
    if isinstance(changed, dict) and changed.get("value"):
        since = _parse_moment(str(changed["value"]))
        people = [p for p in people if p.updated_at >= since]
    return people


def _parse_moment(text: str) -> dt.datetime:
    if not SINCE_SHAPE.fullmatch(text):
        raise ValueError(f"Invalid timestamp {text!r}: use ISO 8601 with Z or an offset (send + as %2B)")
    return dt.datetime.fromisoformat(text)


@bp.get("/v1/employees/changed")
def changed() -> Response:
    """Ids changed since a moment, keyed by id; a termination is an Updated, a deletion a Deleted (§3.1)."""
    kind = request.args.get("type", "all")
    if kind not in CHANGE_TYPES:
        return error(400, "type must be inserted, updated, deleted or all")
    try:
        since = _parse_moment(request.args.get("since") or "")
    except ValueError as exc:
        return error(400, str(exc))
    tenant: BambooHRTenant = g.tenant
    with tenant.lock:
        entries = [(p.id, _action(p, since), p.updated_at) for p in tenant.people if p.updated_at > since]
        entries += [(pid, "Deleted", when) for pid, when in tenant.deleted.items() if when > since]
    entries = [e for e in entries if kind == "all" or e[1].lower() == kind]
    latest = max((when for _, _, when in entries), default=since)
    employees = {pid: {"id": pid, "action": action, "lastChanged": iso_utc(when)} for pid, action, when in entries}
    # BambooHR is PHP: an empty map is encoded as an empty list.
    return send({"latest": iso_utc(latest), "employees": employees or []})


def _action(person: Person, since: dt.datetime) -> str:
    return "Inserted" if person.created_at > since and person.updated_at == person.created_at else "Updated"


@bp.get("/v1/meta/fields")
def meta_fields() -> Response:
    """The field catalog as a bare array; fields the key's access level hides are left out."""
    hidden = g.tenant.hidden_fields
    return send([spec.meta() for spec in FIELDS if spec.key not in hidden])


@bp.get("/v1/employees/<employee_id>")
def employee(employee_id: str) -> Response:
    """One employee (Active or Inactive), the requested fields only; id 0 is the key's own employee."""
    names = [n for n in request.args.get("fields", "firstName,lastName").split(",") if n]
    if len(names) > MAX_FIELDS:
        return error(400, f"At most {MAX_FIELDS} fields may be requested")
    tenant: BambooHRTenant = g.tenant
    with tenant.lock:
        person = tenant.people[0] if employee_id == "0" and tenant.people else tenant.find(employee_id)
        if person is None:
            return error(404, "Employee not found")
        return send(employee_row(person, visible_fields(names, tenant.hidden_fields), integer_id=tenant.integer_ids,
                                 wrapped=tenant.wrapped_values))
