"""Webhooks as the real systems send them: BambooHR signed with HMAC-SHA256, Personio dataless with a token."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import requests
from qs_codec import EncodeOptions, encode as encode_form

from sandbox import personio_v2
from sandbox.people import Person
from sandbox.tenants import BambooHRTenant, PersonioTenant

BAMBOOHR_EVENTS = ("employee.created", "employee.updated", "employee.deleted")
BAMBOOHR_FIELD_EVENTS = ("employee_with_fields.created", "employee_with_fields.updated",
                         "employee_with_fields.deleted")
USER_AGENT = "BambooHR-WebHooks/1.0 (+https://www.bamboohr.com)"
# Each webhook picks its format: JSON, or a form (`type=…&data[employeeId]=…`, brackets escaped as PHP does).
ENCODINGS = ("json", "form")
# Field-based payloads as documented (action, timestamp, plain values), or as Fusebit recorded a real one
# (neither action nor timestamp, every value wrapped as {"value": …}).
FIELD_STYLES = ("docs", "fusebit")

# Person fields → the BambooHR aliases that `changedFields` names (the monitor-field vocabulary).
BAMBOOHR_ALIASES = {
    "first_name": "firstName", "last_name": "lastName", "middle_name": "middleName",
    "preferred_name": "preferredName", "employee_number": "employeeNumber", "work_email": "workEmail",
    "home_email": "homeEmail", "address1": "address1", "address2": "address2", "city": "city", "state": "state",
    "zipcode": "zipcode", "country": "country", "date_of_birth": "dateOfBirth", "hire_date": "hireDate",
    "status": "status", "termination_date": "employmentHistoryStatus", "employment_type": "employmentHistoryStatus",
}


def sign_bamboohr(body: bytes, timestamp: str, secret: str) -> str:
    """Lowercase hex HMAC-SHA256 over the raw body followed by the timestamp header (bamboohr.md §5.3)."""
    return hmac.new(secret.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def bamboohr_timestamp(moment: dt.datetime) -> str:
    """Payload timestamps look like `2026-01-31T18:42:00+0000` (no colon in the offset)."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


def changed_aliases(person: Person | None) -> list[str]:
    if person is None:
        return []
    return sorted({BAMBOOHR_ALIASES[f] for f in person.changed_fields if f in BAMBOOHR_ALIASES})


def bamboohr_event(tenant: BambooHRTenant, person_id: str, event: str, moment: dt.datetime,
                   changed_fields: Sequence[str] | None = None) -> dict[str, Any]:
    """Event-based payload: ids only, no values; `changedFields` on updates only."""
    data: dict[str, Any] = {"companyId": tenant.company_id, "employeeId": str(person_id)}
    if event == "employee.updated":
        data["changedFields"] = list(changed_fields if changed_fields is not None
                                     else changed_aliases(tenant.find(person_id)))
    return {"type": event, "timestamp": bamboohr_timestamp(moment), "data": data}


def bamboohr_field_based(tenant: BambooHRTenant, person_ids: Iterable[str], event: str,
                         moment: dt.datetime, style: str = "docs") -> dict[str, Any]:
    """The legacy field-based payload: display names as keys; created/deleted carry no fields."""
    action = event.rsplit(".", 1)[1].capitalize()
    employees = []
    for person_id in person_ids:
        person = tenant.find(person_id)
        fields = {} if person is None or action != "Updated" else {
            "Employee #": person.employee_number, "First Name": person.first_name, "Last Name": person.last_name}
        changed = [] if action != "Updated" else [n for n in ("First Name", "Last Name") if n in fields]
        if style == "fusebit":
            employees.append({"changedFields": changed, "fields": {k: {"value": v} for k, v in fields.items()},
                              "id": str(person_id)})
        else:
            employees.append({"action": action, "changedFields": changed, "fields": fields, "id": str(person_id),
                              "timestamp": bamboohr_timestamp(moment)})
    return {"employees": employees}


def bamboohr_form(document: dict[str, Any]) -> bytes:
    """A payload as BambooHR posts it form-encoded: event-based `type=…&data[employeeId]=…`, field-based
    `employees[<id>][changedFields][0]=…&employees[<id>][<field name>]=…` (the fields at the entry's level)."""
    if "employees" in document:
        document = {"employees": {entry["id"]: {**{k: v for k, v in entry.items() if k not in ("id", "fields")},
                                                **entry.get("fields", {})} for entry in document["employees"]}}
    return encode_form(document, EncodeOptions(encode_values_only=False)).encode()


def send_bamboohr(tenant: BambooHRTenant, target_url: str, secret: str, person_ids: str | Iterable[str],
                  event: str = "employee.updated", *, changed_fields: Sequence[str] | None = None,
                  encoding: str = "json", style: str = "docs", timeout: float = 10.0) -> requests.Response:
    """POST signed deliveries: one per employee for event-based events, one in all for field-based ones.

    `encoding` json or form; `style` of field-based payloads: docs or fusebit (no action, no timestamp,
    wrapped values). Returns the last delivery's response (event-based events with several ids send several).
    """
    if encoding not in ENCODINGS or style not in FIELD_STYLES:
        raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}, style one of {', '.join(FIELD_STYLES)}")
    ids = [person_ids] if isinstance(person_ids, str) else [str(i) for i in person_ids]
    if not ids:
        raise ValueError("name at least one employee")
    moment = dt.datetime.now(dt.timezone.utc)
    if event in BAMBOOHR_FIELD_EVENTS:
        documents = [bamboohr_field_based(tenant, ids, event, moment, style)]
    elif event in BAMBOOHR_EVENTS:
        documents = [bamboohr_event(tenant, pid, event, moment, changed_fields) for pid in ids]
    else:
        raise ValueError(f"unknown BambooHR event {event!r}")
    responses = [_post_bamboohr(target_url, secret, document, encoding, timeout) for document in documents]
    return responses[-1]


def _post_bamboohr(target_url: str, secret: str, document: dict[str, Any], encoding: str,
                   timeout: float) -> requests.Response:
    if encoding == "form":
        body, content_type = bamboohr_form(document), "application/x-www-form-urlencoded"
    else:
        body, content_type = json.dumps(document, separators=(",", ":")).encode(), "application/json"
    timestamp = str(int(time.time()))
    headers = {"Content-Type": content_type, "User-Agent": USER_AGENT,
               "X-BambooHR-Timestamp": timestamp, "X-BambooHR-Signature": sign_bamboohr(body, timestamp, secret)}
    return requests.post(target_url, data=body, headers=headers, timeout=timeout, allow_redirects=False)


def personio_envelope(tenant: PersonioTenant, person_id: str, event: str, moment: dt.datetime) -> dict[str, Any]:
    """The v2 dataless envelope. The per-event payload is NOT published (research/personio.md §5): what follows
    is a GUESS — person events name the person's id, employment events their own id plus `person.id`. hrsync
    reads ids only where this guess puts them, and falls back to an incremental sync for anything else."""
    if event.startswith("person."):
        payload: dict[str, Any] = {"id": str(person_id)}
    else:
        employment = uuid.uuid5(uuid.NAMESPACE_URL, f"personio/{tenant.key}/{person_id}")
        payload = {"id": str(employment), "person": {"id": str(person_id)}}
    occurred = moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return {"company_id": tenant.company_id, "event_name": event, "occurred_at": occurred,
            "payload": payload, "meta": {}}


def send_personio(tenant: PersonioTenant, target_url: str, token: str, person_id: str,
                  event: str = "person.updated", *, timeout: float = 3.0) -> requests.Response:
    """POST one delivery with the configured token verbatim in `Authorization` (auth_type=TOKEN); no signature.

    Personio waits 3 s for the 2xx and does not follow redirects (personio.md §5).
    """
    document = personio_envelope(tenant, str(person_id), event, dt.datetime.now(dt.timezone.utc))
    headers = {"Content-Type": "application/json", "Authorization": token}
    return requests.post(target_url, data=json.dumps(document).encode(), headers=headers, timeout=timeout,
                         allow_redirects=False)


def send_personio_registered(tenant: PersonioTenant, person_id: str, event: str = "person.updated", *,
                             timeout: float = 3.0) -> list[tuple[str, int | None]]:
    """What Personio does on a change: one delivery to every enabled webhook registered through `POST /v2/webhooks`
    that takes `event`, with that webhook's token (auth_type TOKEN) or none (NONE). (url, status) per webhook; None
    where the receiver did not answer (Personio would retry later; the sandbox does not)."""
    with tenant.lock:
        hooks = personio_v2.subscribed(tenant, event)
    answers: list[tuple[str, int | None]] = []
    for hook in hooks:
        document = personio_envelope(tenant, str(person_id), event, dt.datetime.now(dt.timezone.utc))
        headers = {"Content-Type": "application/json"}
        if hook["auth_type"] == "TOKEN":
            headers["Authorization"] = hook["token"]
        try:
            response = requests.post(hook["url"], data=json.dumps(document).encode(), headers=headers,
                                     timeout=timeout, allow_redirects=False)
            answers.append((hook["url"], response.status_code))
        except requests.RequestException:
            answers.append((hook["url"], None))
    return answers
