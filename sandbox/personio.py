"""The fake Personio API under /personio/...: v1 Personnel Data, and v2's token and webhooks management
(sandbox.personio_v2) (wire details: research/personio.md)."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import math
import time
from typing import Any

from flask import Blueprint, Response, g, request

from sandbox import faults, personio_v2
from sandbox.personio_wire import COMPANY_TZ, changed_attribute_keys, employee_json, readable
from sandbox.people import Person
from sandbox.tenants import PersonioTenant

bp = Blueprint("personio", __name__, url_prefix="/personio")

# Pagination is enforced since 2025-01-31: at most 100 per page; 50 when no limit is sent (§2.1).
PAGE_MAX = 100
DEFAULT_LIMIT = 50


def error(status: int, message: str) -> Response:
    """v1 error envelope (§7)."""
    body = {"success": False, "error": {"code": status, "message": message}}
    return Response(json.dumps(body), status=status, mimetype="application/json")


def ok(payload: dict[str, Any] | str) -> Response:
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return Response(text, mimetype="application/json")


@bp.before_request
def _authenticate() -> Response | None:
    """Bearer token on every call but /v1/auth; spent and expired tokens still name their tenant for the log."""
    if request.endpoint in ("personio.auth", "personio.v2_token"):
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return error(401, "Authorization is not provided")
    state = faults.sandbox_state()
    tenant = state.token_owner(token.strip())
    if tenant is None:
        return error(401, "Provided authorization is not valid")
    g.tenant, g.token = tenant, token.strip()
    answered = faults.begin(tenant, request.path[len("/personio"):], error)
    if answered is not None:
        return answered
    if not tenant.token_valid(g.token):
        # The spec's example answers 403 "Provided authorization is not valid"; 401 is reported too (the tenant says).
        return error(tenant.invalid_token_status, "Provided authorization is not valid")
    return None


@bp.after_request
def _echo_token(response: Response) -> Response:
    """Successful personnel-data responses carry the token in `Authorization` (rotating: a fresh one)."""
    token = g.get("token")
    if token and response.status_code < 300 and not request.path.startswith("/personio/v2/"):
        response.headers["Authorization"] = f"Bearer {faults.sandbox_state().spend_token(g.tenant, token)}"
    return faults.finish(response)


@bp.post("/v1/auth")
def auth() -> Response:
    """Client id + secret in the body (JSON or form) → a `papi-` token; query-string credentials → 403."""
    if "client_id" in request.args or "client_secret" in request.args:
        return error(403, "Credentials in the query string are no longer accepted; send them in the body")
    body = request.get_json(silent=True) if request.is_json else request.form
    if not hasattr(body, "get"):
        body = {}
    client_id, secret = str(body.get("client_id") or ""), str(body.get("client_secret") or "")
    if not client_id or not secret:
        return error(400, "client_id and client_secret are required")
    state = faults.sandbox_state()
    tenant = state.personio_tenant(client_id)
    if tenant is None:
        return error(401, "Wrong credentials")
    answered = faults.begin(tenant, "/v1/auth", error)
    if answered is not None:
        return answered
    if not hmac.compare_digest(secret.encode(), tenant.client_secret.encode()):
        return error(401, "Wrong credentials")
    token = state.issue_token(tenant)
    lifetime = max(0, int(tenant.tokens.get(token, 0.0) - time.time()))
    return ok({"success": True, "data": {"token": token, "expires_in": lifetime, "scope": "employees:read"}})


@bp.post("/v2/auth/token")
def v2_token() -> Response:
    """OAuth client credentials, form-encoded only (§1.2) → a bearer token for the v2 API."""
    if request.mimetype != "application/x-www-form-urlencoded":
        return personio_v2.oauth_error(400, "invalid_request", "the body must be application/x-www-form-urlencoded")
    form = request.form
    if form.get("grant_type") != "client_credentials":
        return personio_v2.oauth_error(400, "unsupported_grant_type", "only client_credentials is supported")
    client_id, secret = form.get("client_id") or "", form.get("client_secret") or ""
    state = faults.sandbox_state()
    tenant = state.personio_tenant(client_id) if client_id else None
    if tenant is None or not hmac.compare_digest(secret.encode(), tenant.client_secret.encode()):
        return personio_v2.oauth_error(401, "invalid_client", "invalid client credentials")
    answered = faults.begin(tenant, "/v2/auth/token", error)
    if answered is not None:
        return answered
    token = state.issue_token(tenant)
    lifetime = max(0, int(tenant.tokens.get(token, 0.0) - time.time()))
    return personio_v2.token_answer(token, lifetime, tenant)


@bp.get("/v2/webhooks")
def list_webhooks() -> Response:
    tenant: PersonioTenant = g.tenant
    refused = personio_v2.scope_refusal(tenant, write=False)
    if refused is not None:
        return refused
    with tenant.lock:
        hooks = [personio_v2.listed(hook) for hook in tenant.webhooks.values()]
    return ok({"_data": hooks, "_meta": {"links": {"self": {"href": request.path}}}})


@bp.post("/v2/webhooks")
def create_webhook() -> Response:
    """Body: url (https unless the tenant's `webhook_https_only` is off), description, status, auth_type, token,
    enabled_events; 201 with the webhook (its token left out)."""
    tenant: PersonioTenant = g.tenant
    refused = personio_v2.scope_refusal(tenant, write=True)
    if refused is not None:
        return refused
    with tenant.lock:
        status, answer = personio_v2.create(tenant, request.get_json(silent=True))
    if isinstance(answer, Response):
        return answer
    return Response(json.dumps(answer), status=status, mimetype="application/json")


@bp.delete("/v2/webhooks/<webhook_id>")
def delete_webhook(webhook_id: str) -> Response:
    tenant: PersonioTenant = g.tenant
    refused = personio_v2.scope_refusal(tenant, write=True)
    if refused is not None:
        return refused
    with tenant.lock:
        removed = tenant.webhooks.pop(webhook_id, None)
    if removed is None:
        return personio_v2.problem(404, "Not found", "The requested resource was not found.",
                                   "common.requested_resource_not_found")
    return Response(status=204)


@bp.get("/v1/company/employees")
def employees() -> Response:
    """A page of employees: `limit` (1..100) and a record `offset`; `email`, `attributes[]`, `updated_since`."""
    tenant: PersonioTenant = g.tenant
    try:
        limit, offset = _paging(request.args.get("updated_since") is not None)
        since = _since(request.args.get("updated_since"))
    except ValueError as exc:
        return error(400, str(exc))
    specs = readable(tenant.readable_attributes)
    projection = request.args.getlist("attributes[]")
    if projection:
        specs = tuple(s for s in specs if s.key == "id" or s.key in projection)
    email = request.args.get("email") if since is None else None  # ignored with updated_since (§2.1)
    style = tenant.attribute_style
    with tenant.lock:
        if since is None and email is None and not projection:
            rows = tenant.cached(("personio_rows", specs), lambda: [employee_json(p, specs, style)
                                                                      for p in tenant.people])
            total, page = len(rows), rows[offset:offset + limit]
        else:
            people = _select(tenant, email, since)
            if since is not None and not tenant.updated_since_paging:
                # As the spec says of updated_since: limit and offset ignored, every match on every page.
                offset, limit = 0, max(len(people), 1)
            total, page = len(people), [employee_json(p, specs, style) for p in people[offset:offset + limit]]
    metadata = {"total_elements": total, "current_page": offset // limit, "total_pages": math.ceil(total / limit)}
    head = json.dumps({"success": True, "metadata": metadata, "offset": offset, "limit": limit},
                      separators=(",", ":"))
    return ok(f'{head[:-1]},"data":[{",".join(page)}]}}')


def _paging(incremental: bool) -> tuple[int, int]:
    default = PAGE_MAX if incremental else DEFAULT_LIMIT
    try:
        limit = int(request.args.get("limit", default))
        offset = int(request.args.get("offset", 0))
    except ValueError:
        raise ValueError("limit and offset must be integers") from None
    if not 1 <= limit <= PAGE_MAX:
        raise ValueError(f"The limit must be between 1 and {PAGE_MAX}.")
    if offset < 0:
        raise ValueError("The offset must not be negative.")
    return limit, offset


def _since(text: str | None) -> dt.datetime | None:
    """`2022-12-24T08:15:30` or `2022-12-24`, read in the company's time zone (the real zone is unconfirmed)."""
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("updated_since must be an ISO 8601 date or date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=COMPANY_TZ)


def _select(tenant: PersonioTenant, email: str | None, since: dt.datetime | None) -> list[Person]:
    people = tenant.people
    if email is not None:
        people = [p for p in people if (p.work_email or p.home_email or "") == email]
    if since is not None:
        # updated_since only notices changes to attributes the credential may read (§2.1).
        visible = {s.key for s in readable(tenant.readable_attributes)}
        people = [p for p in people if p.created_at > since
                  or (p.updated_at > since and changed_attribute_keys(p) & visible)]
    return people


@bp.get("/v1/company/employees/attributes")
@bp.get("/v1/company/employees/custom-attributes")
def attributes() -> Response:
    """The attributes this credential may read, custom `dynamic_*` ones included, with list/tag options."""
    specs = readable(g.tenant.readable_attributes)
    return ok({"success": True, "data": [spec.describe() for spec in specs]})


@bp.get("/v1/company/employees/<int:employee_id>")
def employee(employee_id: int) -> Response:
    tenant: PersonioTenant = g.tenant
    with tenant.lock:
        person = tenant.find(str(employee_id))
        if person is None:
            return error(404, "Es ist ein Problem aufgetreten")  # the spec's own (German) example
        body = employee_json(person, readable(tenant.readable_attributes), tenant.attribute_style)
    return ok(f'{{"success":true,"data":{body}}}')

