"""The fake Personio's v2 parts hrsync uses: the OAuth token (`POST /v2/auth/token`) and the webhooks management API
(`GET/POST /v2/webhooks`, `DELETE /v2/webhooks/{id}`), as research/personio.md §1.2 and §5 describe them.

Where the docs are silent the sandbox GUESSES, and says so: a second webhook to the same URL is answered 409 (the
docs list 409 without saying when), and the token of a webhook is never listed back."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any, Mapping
from urllib.parse import urlsplit

from flask import Response

from sandbox.tenants import PersonioTenant

EVENTS = ("person.created", "person.updated", "person.deleted", "employment.created", "employment.updated",
          "employment.deleted", "employment.started", "employment.terminated", "absence-period.created",
          "absence-period.updated", "absence-period.deleted", "attendance-period.created",
          "attendance-period.updated", "attendance-period.deleted", "document.created", "document.updated",
          "document.signed", "document.deleted")
AUTH_TYPES = ("NONE", "TOKEN", "CUSTOM")
STATUSES = ("ENABLED", "DISABLED")
SCOPES = "personio:persons:read personio:employments:read personio:webhooks:read personio:webhooks:write"
ERRORS = "https://developer.personio.de/reference/errors#"


def problem(status: int, title: str, detail: str, kind: str = "common.invalid_request") -> Response:
    """v2's `application/problem+json` (§7)."""
    body = {"personio_trace_id": str(uuid.uuid4()), "timestamp": _now(),
            "errors": [{"title": title, "detail": detail, "type": ERRORS + kind, "_meta": {}}]}
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


def oauth_error(status: int, error: str, description: str) -> Response:
    """RFC 6749's error body (Personio's exact one is unconfirmed, §1.2)."""
    return Response(json.dumps({"error": error, "error_description": description}), status=status,
                    mimetype="application/json")


def token_answer(token: str, lifetime: int, tenant: PersonioTenant) -> Response:
    scope = SCOPES if tenant.webhooks_scope else "personio:persons:read personio:employments:read"
    return Response(json.dumps({"access_token": token, "token_type": "Bearer", "expires_in": lifetime,
                                "scope": scope}), mimetype="application/json")


def scope_refusal(tenant: PersonioTenant, write: bool) -> Response | None:
    """403 when the credential lacks the webhooks scopes."""
    if tenant.webhooks_scope:
        return None
    scope = "personio:webhooks:write" if write else "personio:webhooks:read"
    return problem(403, "Forbidden", f"The access token is missing the required scope {scope}.",
                   "common.insufficient_scope")


def listed(hook: Mapping[str, Any]) -> dict[str, Any]:
    """A webhook as the list and the create answer show it: never its token."""
    return {key: value for key, value in hook.items() if key != "token"}


def create(tenant: PersonioTenant, body: Any) -> tuple[int, dict[str, Any] | Response]:
    """Validate and store a webhook (the caller holds the tenant's lock); (201, the webhook) or (status, problem)."""
    if not isinstance(body, Mapping):
        return 400, problem(400, "Bad Request", "The request body must be a JSON object.")
    url, description = body.get("url"), body.get("description")
    events, auth_type = body.get("enabled_events"), body.get("auth_type", "TOKEN")
    status, token = body.get("status", "DISABLED"), body.get("token")
    invalid = _invalid(tenant, url, description, events, auth_type, status, token)
    if invalid:
        return 422, problem(422, "Unprocessable Entity", invalid, "common.validation_error")
    if any(hook["url"] == url for hook in tenant.webhooks.values()):
        return 409, problem(409, "Conflict", "A webhook with this url already exists.", "common.conflict")
    hook = {"id": str(uuid.uuid4()), "url": url, "description": description, "status": status,
            "auth_type": auth_type, "enabled_events": list(events), "created_at": _now(), "token": token}
    tenant.webhooks[hook["id"]] = hook
    return 201, listed(hook)


def subscribed(tenant: PersonioTenant, event: str) -> list[dict[str, Any]]:
    """The enabled webhooks that take `event` (the caller holds the tenant's lock)."""
    return [dict(hook) for hook in tenant.webhooks.values()
            if hook["status"] == "ENABLED" and event in hook["enabled_events"]]


def _invalid(tenant: PersonioTenant, url: Any, description: Any, events: Any, auth_type: Any, status: Any,
             token: Any) -> str | None:
    if not isinstance(url, str) or not url:
        return "url is required."
    parts = urlsplit(url)
    allowed = ("https",) if tenant.webhook_https_only else ("https", "http")
    if parts.scheme not in allowed or not parts.netloc:
        return "url must be a valid HTTPS URL."
    if not isinstance(description, str) or not description.strip():
        return "description is required."
    if not isinstance(events, list) or not events or any(e not in EVENTS for e in events):
        return f"enabled_events must list events out of: {', '.join(EVENTS)}."
    if auth_type not in AUTH_TYPES:
        return f"auth_type must be one of {', '.join(AUTH_TYPES)}."
    if status not in STATUSES:
        return f"status must be one of {', '.join(STATUSES)}."
    if auth_type == "TOKEN" and (not isinstance(token, str) or not token):
        return "token is required when auth_type is TOKEN."
    return None


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
