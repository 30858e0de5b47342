"""BambooHR webhook deliveries: HMAC verification over the raw body and parsing into a ChangeNotice.

A delivery is only ever a trigger to re-fetch the employees it names, never data that is applied. Its timestamp
window therefore spans BambooHR's whole retry schedule (a retry after hrsync answered 503 must still count), and
replays within it are deduplicated by content (`delivery_id`); the signature check itself stays exact.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from typing import Any, Mapping

from qs_codec import DecodeOptions, decode as decode_form

from providers.base import ChangeNotice
from providers.errors import MalformedWebhook, WebhookRejected

SIGNATURE_HEADER = "X-BambooHR-Signature"
TIMESTAMP_HEADER = "X-BambooHR-Timestamp"
# BambooHR retries a 5xx answer after 5, 10, 20, 40 and 80 minutes (research/bamboohr.md §5.4), possibly with
# the first attempt's timestamp: a delivery is accepted that long after it was signed (plus clock skew).
RETRY_SPAN_SECONDS = (5 + 10 + 20 + 40 + 80) * 60.0
MAX_SKEW_SECONDS = 300.0
MAX_AGE_SECONDS = RETRY_SPAN_SECONDS + MAX_SKEW_SECONDS
# Form-encoded deliveries nest with brackets (`data[employeeId]=…`, `employees[<id>][changedFields][0]=…`), as
# PHP and Node's `qs` write them. Brackets always make maps: `employees[201]` is employee 201, never list item
# 201 (so `changedFields` arrives as {"0": …}). A body is at most 1 MiB: no parameter is dropped.
_FORM = DecodeOptions(parse_lists=False, parameter_limit=1_000_000, depth=5)

_EPOCH = re.compile(r"[0-9]{1,12}(\.[0-9]+)?")
_REMOTE_ID = re.compile(r"[0-9]{1,18}")


def sign(secret: str, body: bytes, timestamp: str) -> str:
    """BambooHR's signature: lowercase hex HMAC-SHA256(key, raw body + timestamp header), no separator."""
    return hmac.new(secret.encode("utf-8"), body + timestamp.encode("utf-8"), hashlib.sha256).hexdigest()


def verify_webhook(body: bytes, headers: Mapping[str, str], secret: str, now: float) -> ChangeNotice:
    """Authenticate a raw delivery, then parse it; raises only WebhookRejected or MalformedWebhook."""
    signature, timestamp = _signature_headers(headers)
    if not secret:
        raise WebhookRejected("no BambooHR webhook secret is configured for this company")
    sent_at = parse_timestamp(timestamp)  # first: it also guarantees an ASCII header to sign over
    expected = sign(secret, body, timestamp).encode("ascii")
    if not hmac.compare_digest(expected, signature.strip().lower().encode("utf-8", "replace")):
        raise WebhookRejected("the BambooHR webhook signature does not match")
    if not -MAX_SKEW_SECONDS <= now - sent_at <= MAX_AGE_SECONDS:
        raise WebhookRejected("the BambooHR webhook timestamp is outside BambooHR's retry window "
                              f"({MAX_AGE_SECONDS / 60:.0f} minutes)")
    return parse_payload(_document(body), body=body, sent=timestamp)


def parse_timestamp(text: str) -> float:
    """Epoch seconds (what BambooHR sends) or ISO 8601 (as in payloads, `+0000` too) → epoch seconds."""
    text = text.strip()
    try:
        if not text.isascii():
            raise ValueError(text)
        if _EPOCH.fullmatch(text):
            return float(text)
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise WebhookRejected(f"{TIMESTAMP_HEADER} is not a timestamp") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.timestamp()


def parse_payload(payload: Any, *, body: bytes, sent: str) -> ChangeNotice:
    """Event-based (`type` + `data`) or field-based (`employees`) payload, parsed from JSON or a form → ChangeNotice."""
    if isinstance(payload, dict) and isinstance(payload.get("type"), str) and "data" in payload:
        event, entries = _event_based(payload)
    elif isinstance(payload, dict) and "employees" in payload:
        event, entries = _field_based(payload["employees"])
    else:
        raise MalformedWebhook("not a BambooHR webhook payload (neither event- nor field-based)")
    remote_ids = tuple(dict.fromkeys(entry[1] for entry in entries if entry[1]))
    return ChangeNotice(event=event, delivery_id=delivery_id(entries, body, sent), remote_ids=remote_ids)


def delivery_id(entries: list[tuple[str, str, str, tuple[str, ...]]], body: bytes, sent: str) -> str:
    """A dedupe key stable across BambooHR's retries of one event and distinct between events.

    BambooHR sends no delivery id. When every entry carries its event time, the key is the set of
    (event type/action, employee id, event timestamp, changed fields): a retry re-sends the same
    event, a new change has a new time — whatever timestamp header the retry is signed with. Payloads
    without event times (form posts, Fusebit-style) fall back to the signed message itself (body +
    timestamp header): the same field of the same person changed twice reads alike, and deduplicating
    that by body alone would drop the second change. A retry BambooHR re-signs with a new timestamp then
    triggers one more re-fetch, which costs a request and loses nothing.
    """
    if entries and all(entry[2] for entry in entries):
        material = json.dumps(sorted(entries), separators=(",", ":"))
    else:
        material = f"{sent}\n{hashlib.sha256(body).hexdigest()}"
    return "bamboohr-" + hashlib.sha256(material.encode("utf-8")).hexdigest()


def _signature_headers(headers: Mapping[str, str]) -> tuple[str, str]:
    signature, timestamp = headers.get(SIGNATURE_HEADER), headers.get(TIMESTAMP_HEADER)
    if not signature or not timestamp:  # a plain mapping may spell the names in another case
        lowered = {str(key).lower(): value for key, value in headers.items()}
        signature = lowered.get(SIGNATURE_HEADER.lower())
        timestamp = lowered.get(TIMESTAMP_HEADER.lower())
    if not signature or not timestamp:
        raise WebhookRejected(f"missing {SIGNATURE_HEADER} or {TIMESTAMP_HEADER} header")
    return str(signature), str(timestamp)


def _document(body: bytes) -> Any:
    """The delivery's payload, from JSON or from a form-encoded body (each webhook picks one format)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedWebhook("the BambooHR webhook body is not UTF-8") from None
    if text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            raise MalformedWebhook("the BambooHR webhook body is not valid JSON") from None
    try:
        return decode_form(text, _FORM)
    except (ValueError, TypeError, IndexError, RecursionError):
        raise MalformedWebhook("the BambooHR webhook body is neither JSON nor form-encoded") from None


def _event_based(payload: dict) -> tuple[str, list]:
    """`{"type": "employee.updated", "timestamp": …, "data": {"employeeId": …, "changedFields": […]}}`."""
    event, data = payload["type"], payload["data"]
    if not isinstance(data, dict):
        raise MalformedWebhook("BambooHR webhook `data` is not an object")
    if not event.startswith("employee.") and data.get("employeeId") is None:
        return event, []  # an authentic event about something else (company, integrations): nothing to fetch
    entry = (event, _remote_id(data.get("employeeId")), _text(payload.get("timestamp")),
             _changed(data.get("changedFields")))
    return event, [entry]


def _field_based(employees: Any) -> tuple[str, list]:
    """`{"employees": [{"id": …, "action": "Updated", "timestamp": …, "changedFields": […], "fields": {…}}]}`."""
    if isinstance(employees, dict):  # keyed by id, as the form encoding nests it
        employees = [{"id": key, **value} if isinstance(value, dict) else None for key, value in employees.items()]
    if not isinstance(employees, list) or not employees:
        raise MalformedWebhook("BambooHR webhook `employees` is empty or not a list")
    entries = []
    for item in employees:
        if not isinstance(item, dict):
            raise MalformedWebhook("BambooHR webhook employee entry is not an object")
        action = _text(item.get("action")).lower()
        entries.append((action, _remote_id(item.get("id")), _text(item.get("timestamp")),
                        _changed(item.get("changedFields"))))
    actions = {entry[0] for entry in entries}
    event = f"employee.{actions.pop()}" if len(actions) == 1 and "" not in actions else "employee.changed"
    return event, entries


def _remote_id(value: Any) -> str:
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not _REMOTE_ID.fullmatch(text):
        raise MalformedWebhook("BambooHR webhook names no valid employee id")
    return text


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _changed(value: Any) -> tuple[str, ...]:
    if isinstance(value, dict):  # a form's `changedFields[0]=…`
        value = list(value.values())
    return tuple(sorted(str(v) for v in value if isinstance(v, str))) if isinstance(value, list) else ()
