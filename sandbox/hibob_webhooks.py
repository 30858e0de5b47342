"""HiBob webhooks as Bob sends them: "Ping test" when a webhook is set up, then v2 envelopes (ids only) signed with
`Bob-Signature` (base64 HMAC-SHA512 over the raw body), each retried while the receiver answers non-2xx."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
from collections.abc import Iterable, Sequence
from typing import Any

import requests

from sandbox.hibob_tenant import HiBobTenant

EVENTS = ("employee.created", "employee.updated", "employee.deleted", "employee.joined", "employee.left",
          "employee.inactivated", "employee.activated", "table.entry.created", "table.entry.updated")
LIFECYCLE_EVENTS = ("employee.joined", "employee.left", "employee.inactivated", "employee.activated")
USER_AGENT = "Bob-Webhooks/2.0"  # HiBob's real User-Agent is unconfirmed
# Bob retries a failed v2 delivery for up to three days with exponential backoff ([W7]); the sandbox keeps the
# shape (each wait double the last) on a scale a test can wait for.
RETRY_DELAYS = (0.05, 0.1, 0.2)


def sign(body: bytes, secret: str) -> str:
    """Base64 of HMAC-SHA512 over the raw body, keyed with the secret's UTF-8 bytes ([W3], the Ruby gem [C3])."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha512).digest()).decode("ascii")


def triggered_at(moment: dt.datetime) -> str:
    """`2025-01-08T13:06:26.915906`: microseconds and no zone designator ([W13])."""
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")


def envelope(tenant: HiBobTenant, employee_id: str, event: str = "employee.updated", *,
             moment: dt.datetime | None = None, field_ids: Sequence[str] = ("root.firstName",),
             table_id: str = "lifecycle", triggered_by: str = "system") -> dict[str, Any]:
    """A v2 envelope: metadata only; the data per event type as documented, the unconfirmed parts per the tenant."""
    if event not in EVENTS:
        raise ValueError(f"unknown HiBob event {event!r}")
    data: dict[str, Any] = {"employeeId": str(employee_id)}
    if event == "employee.updated":
        key = tenant.field_updates_key
        data[key] = list(field_ids) if key == "fieldUpdates" else [{"id": f} for f in field_ids]
    elif event.startswith("table.entry."):
        effective = (moment or dt.datetime.now(dt.timezone.utc)).date().isoformat()
        data.update(tableId=table_id, effectiveDate=effective)
        if tenant.table_entry_format == "legacy":
            data["id"] = None
    elif event in LIFECYCLE_EVENTS:
        data.update(effectiveDate=(moment or dt.datetime.now(dt.timezone.utc)).date().isoformat())
    return {"companyId": int(tenant.company_id), "type": event, "triggeredBy": triggered_by,
            "triggeredAt": triggered_at(moment or dt.datetime.now(dt.timezone.utc)), "version": "v2", "data": data}


def send_ping(tenant: HiBobTenant, target_url: str, secret: str, *, timeout: float = 10.0) -> list[requests.Response]:
    """The connection check of a new webhook: the string "Ping test", then, if that failed, `{"text":"Ping test"}`.
    Signed only when the tenant's `signed_ping` says so (unconfirmed)."""
    answers = []
    for body, content_type in ((b"Ping test", "text/plain"), (b'{"text":"Ping test"}', "application/json")):
        headers = {"Content-Type": content_type, "User-Agent": USER_AGENT}
        if tenant.signed_ping:
            headers["Bob-Signature"] = sign(body, secret)
        answers.append(requests.post(target_url, data=body, headers=headers, timeout=timeout, allow_redirects=False))
        if answers[-1].ok:
            break
    return answers


def deliver(target_url: str, secret: str, document: dict[str, Any], *, retry_delays: Sequence[float] = RETRY_DELAYS,
            timeout: float = 10.0) -> list[requests.Response]:
    """POST one signed envelope, and the very same bytes again after each delay while the answer is not 2xx."""
    body = json.dumps(document, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, "Bob-Signature": sign(body, secret)}
    answers = [requests.post(target_url, data=body, headers=headers, timeout=timeout, allow_redirects=False)]
    for delay in retry_delays:
        if answers[-1].ok:
            break
        time.sleep(delay)  # the sender's own schedule, not a test waiting
        answers.append(requests.post(target_url, data=body, headers=headers, timeout=timeout, allow_redirects=False))
    return answers


def send_hibob(tenant: HiBobTenant, target_url: str, secret: str, employee_ids: str | Iterable[str],
               event: str = "employee.updated", *, ping: bool = False, retry_delays: Sequence[float] = RETRY_DELAYS,
               timeout: float = 10.0, **options: Any) -> list[requests.Response]:
    """One delivery per employee (after the ping of a new webhook when `ping`); every answer, retries included."""
    ids = [employee_ids] if isinstance(employee_ids, str) else [str(i) for i in employee_ids]
    if not ids:
        raise ValueError("name at least one employee")
    answers = send_ping(tenant, target_url, secret, timeout=timeout) if ping else []
    for employee_id in ids:
        answers += deliver(target_url, secret, envelope(tenant, employee_id, event, **options),
                           retry_delays=retry_delays, timeout=timeout)
    return answers
