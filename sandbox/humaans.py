"""The fake Humaans API under /humaans/api/... (wire details: research/humaans.md; much of it unconfirmed, so the
tenant's switches decide those behaviours)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, g, request

from sandbox import faults
from sandbox.humaans_tenant import Grant, HumaansTenant
from sandbox.humaans_wire import custom_value_rows, matches, parse_query, person_json, status
from sandbox.people import Person

bp = Blueprint("humaans", __name__, url_prefix="/humaans")

DEFAULT_LIMIT, MAX_LIMIT = 100, 250  # as third-party clients report (research §2.1, unconfirmed)
READ_SCOPES = ("public:read", "private:read")
ERROR_NAMES = {400: "BadRequest", 401: "NotAuthenticated", 403: "Forbidden", 404: "NotFound", 429: "TooManyRequests"}


def error(status_code: int, message: str) -> Response:
    """Feathers' error body, or the plain `{"error": …}` some clients mock (the tenant decides: unconfirmed)."""
    tenant = g.get("tenant")
    if tenant is not None and tenant.error_style == "plain":
        body: dict[str, Any] = {"error": message}
    else:
        name = ERROR_NAMES.get(status_code, "GeneralError")
        body = {"name": name, "message": message, "code": status_code,
                "className": "".join("-" + c.lower() if c.isupper() else c for c in name).lstrip("-"),
                "errors": {}}
    return Response(json.dumps(body), status=status_code, mimetype="application/json")


def ok(payload: Any) -> Response:
    return Response(_dumps(payload), mimetype="application/json")


@bp.before_request
def _authenticate() -> Response | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    tenant, grant = _owner(token.strip()) if scheme.lower() == "bearer" else (None, None)
    if tenant is None or grant is None:
        return error(401, "Invalid authentication information (no `strategy` set)")
    g.tenant, g.grant = tenant, grant
    answered = faults.begin(tenant, request.path[len("/humaans"):], error)
    if answered is not None:
        return answered
    if not grant.scopes & set(READ_SCOPES):
        return error(403, "You do not have the required scopes")
    return None


@bp.after_request
def _log(response: Response) -> Response:
    return faults.finish(response)


@bp.get("/api/me")
def me() -> Response:
    """The person who created the token."""
    person = g.tenant.find(g.grant.person_id)
    return error(404, "No record found") if person is None else ok(person_json(person, g.tenant, g.grant))


@bp.get("/api/people")
def people() -> Response:
    """A page `{total, limit, skip, data}` of the people the token may see, filtered (`status[$in]=…`, `email=…`)."""
    tenant: HumaansTenant = g.tenant
    try:
        limit, skip, filters = _query()
    except ValueError as exc:
        return error(400, str(exc))
    if not tenant.honour_updated_at:
        filters = [f for f in filters if f[0] not in ("updatedAt", "createdAt")]
    if tenant.default_status_filter == "active" and not any(name == "status" for name, _, _ in filters):
        filters.append(("status", "=", ["active"]))
    grant = g.grant

    def rendered() -> list[str]:
        records = [person_json(p, tenant, grant) for p in _visible(tenant, grant)]
        return [_dumps(r) for r in records if all(matches(r, *f) for f in filters)]

    # Rendered once per token and query for the data version: a 50k listing is 500 pages of the same list.
    rows = tenant.cached(("humaans_people", grant, tuple((n, o, tuple(v)) for n, o, v in filters)), rendered)
    return _page(rows, limit, skip)


@bp.get("/api/people/<person_id>")
def person(person_id: str) -> Response:
    tenant: HumaansTenant = g.tenant
    with tenant.lock:
        found = next((p for p in _visible(tenant, g.grant) if p.id == person_id), None)
        if found is None:
            return error(404, f"No record found for id '{person_id}'")
        return ok(person_json(found, tenant, g.grant))


@bp.get("/api/custom-fields")
def custom_fields() -> Response:
    try:
        limit, skip = _paging()
    except ValueError as exc:
        return error(400, str(exc))
    return _page([_dumps(f) for f in g.tenant.custom_fields], limit, skip)


@bp.get("/api/custom-values")
def custom_values() -> Response:
    """Custom values of the people the token may see, filtered by `personId` / `customFieldId`."""
    tenant: HumaansTenant = g.tenant
    try:
        limit, skip, filters = _query()
    except ValueError as exc:
        return error(400, str(exc))
    grant = g.grant
    rows = tenant.cached(("humaans_values", grant), lambda: custom_value_rows(tenant, _visible(tenant, grant)))
    return _page([_dumps(r) for r in rows if all(matches(r, *f) for f in filters)], limit, skip)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _page(rows: list[str], limit: int, skip: int) -> Response:
    head = f'{{"total":{len(rows)},"limit":{limit},"skip":{skip},"data":['
    return Response(head + ",".join(rows[skip:skip + limit]) + "]}", mimetype="application/json")


def _owner(token: str) -> tuple[HumaansTenant | None, Grant | None]:
    for tenant in faults.sandbox_state().tenants():
        if isinstance(tenant, HumaansTenant) and token in tenant.tokens:
            return tenant, tenant.tokens[token]
    return None, None


def _query() -> tuple[int, int, list[tuple[str, str, list[str]]]]:
    """`$limit`, `$skip` and the filters of a list request; ValueError for nonsense."""
    return (*_paging(), parse_query(request.args.items(multi=True)))


def _paging() -> tuple[int, int]:
    try:
        limit = int(request.args.get("$limit", DEFAULT_LIMIT))
        skip = int(request.args.get("$skip", 0))
    except ValueError:
        raise ValueError("$limit and $skip must be integers") from None
    if limit < 0 or skip < 0:
        raise ValueError("$limit and $skip must not be negative")
    if limit > MAX_LIMIT:
        if g.tenant.over_max_limit == "error":
            raise ValueError(f"$limit must be at most {MAX_LIMIT}")
        limit = MAX_LIMIT
    return limit, skip


def _visible(tenant: HumaansTenant, grant: Grant) -> list[Person]:
    """A user-role token sees its creator only; without private:read, no new hires and no offboarded people."""
    people = tenant.people
    if grant.role == "user":
        people = [p for p in people if p.id == grant.person_id]
    if "private:read" not in grant.scopes:
        people = [p for p in people if status(p, tenant) == "active"]
    return people
