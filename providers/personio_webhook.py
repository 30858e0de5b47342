"""Personio v2 webhooks: authenticate the company's token, then read the dataless envelope."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any, Mapping

from providers.base import ChangeNotice
from providers.errors import MalformedWebhook, WebhookRejected

# Personio sends the token configured with `auth_type=TOKEN` verbatim in this header; there is no
# signature (https://developer.personio.de/reference/post_v2-webhooks).
AUTH_HEADER = "authorization"
BEARER = b"Bearer "
REQUIRED_KEYS = ("company_id", "event_name", "occurred_at", "payload")
# Personio retries a failed delivery with growing gaps for up to 3 days per its docs, 6 days per its June 2024
# changelog (research/personio.md §5): the longer one counts.
RETRY_SPAN_SECONDS = 6 * 24 * 3600.0

# Events that concern one person's record. Every other event (absence-period.*, attendance-period.*,
# document.*, anything new), and a person event whose payload holds no id where we look, becomes a notice
# without ids: the company gets an incremental sync (SPEC §5), so nothing an authentic event reports is lost.
PERSON_EVENT_PREFIXES = ("person.", "employment.")
# At most this many payload keys are logged (never values), each shortened: enough to learn the real schema.
LOGGED_KEYS, LOGGED_KEY_LENGTH = 20, 64
# Person ids are numeric today; anything outside this shape would end up in a URL path, so it is refused.
_ID_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def verify_webhook(body: bytes, headers: Mapping[str, str], token: str | None) -> ChangeNotice:
    """Authenticate a raw delivery against the company's webhook `token`, then parse it.

    Raises WebhookRejected when no token is configured or the header is missing or wrong, and
    MalformedWebhook (only once authenticated) when the body is not a Personio envelope. Raises
    nothing else, whatever the input.
    """
    _authenticate(headers, token)
    envelope = _envelope(body)
    event = envelope["event_name"]
    try:
        key = delivery_id(envelope)
    except RecursionError:  # a payload nested deeper than re-serialising allows
        raise MalformedWebhook("the webhook payload is nested too deeply") from None
    payload = envelope["payload"]
    remote_ids = _person_ids(event, payload)
    return ChangeNotice(event=event, delivery_id=key, remote_ids=remote_ids,
                        payload_keys=() if remote_ids else _keys(payload))


def _keys(payload: dict[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(str(key)[:LOGGED_KEY_LENGTH] for key in payload)[:LOGGED_KEYS])


def _authenticate(headers: Mapping[str, str], token: str | None) -> None:
    if not token:
        raise WebhookRejected("no Personio webhook token is configured for this company")
    sent = _header(headers, AUTH_HEADER)
    if sent is None:
        raise WebhookRejected("the Personio webhook carried no Authorization header")
    expected = token.encode("utf-8", "surrogatepass")
    given = sent.encode("utf-8", "surrogatepass")
    # The header is the token verbatim; an admin who typed "Bearer <token>" into Personio's token
    # field (a common convention for that header) is accepted too. Both comparisons always run.
    exact = hmac.compare_digest(given, expected)
    prefixed = hmac.compare_digest(given, BEARER + expected)
    if not (exact or prefixed):
        raise WebhookRejected("the Personio webhook token does not match")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    try:
        value = headers.get(name)
        if value is None:
            value = next((v for k, v in headers.items() if k.lower() == name), None)
    except (AttributeError, TypeError):
        return None
    return value if isinstance(value, str) else None


def _envelope(body: bytes) -> dict[str, Any]:
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise MalformedWebhook("the webhook body is not bytes")
    try:
        document = json.loads(bytes(body).decode("utf-8"))
    except UnicodeDecodeError:
        raise MalformedWebhook("the webhook body is not UTF-8") from None
    except (ValueError, RecursionError):
        raise MalformedWebhook("the webhook body is not JSON") from None
    if not isinstance(document, dict):
        raise MalformedWebhook("the webhook body is not a JSON object")
    missing = [key for key in REQUIRED_KEYS if key not in document]
    if missing:
        raise MalformedWebhook(f"the webhook envelope lacks {', '.join(missing)}")
    _check_types(document)
    return document


def _check_types(document: dict[str, Any]) -> None:
    company = document["company_id"]
    if isinstance(company, bool) or not isinstance(company, (str, int)):
        raise MalformedWebhook("company_id is not a string")
    for key in ("event_name", "occurred_at"):
        if not isinstance(document[key], str) or not document[key]:
            raise MalformedWebhook(f"{key} is not a non-empty string")
    if not isinstance(document["payload"], dict):
        raise MalformedWebhook("payload is not an object")
    if not isinstance(document.get("meta", {}), (dict, type(None))):
        raise MalformedWebhook("meta is not an object")


def _person_ids(event: str, payload: dict[str, Any]) -> tuple[str, ...]:
    """The person id(s) a person/employment event names. The per-event payload schema is not
    published (research/personio.md §5): person events are read from `id` / `person_id` / `person.id`,
    employment events from `person_id` / `person.id` only (their own `id` is the employment's, not the
    person's). Anything else names nobody: the caller falls back to an incremental sync."""
    if not event.startswith(PERSON_EVENT_PREFIXES):
        return ()
    candidates = [payload.get("person_id"), _nested_id(payload.get("person"))]
    if event.startswith("person."):
        candidates.insert(0, payload.get("id"))
    ids = []
    for candidate in candidates:
        if candidate is None:
            continue
        text = _id_text(candidate)
        if text not in ids:
            ids.append(text)
    return tuple(ids)


def _nested_id(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else None


def _id_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise MalformedWebhook("the person id in the payload is not a string or integer")
    text = str(value).strip()
    if not _ID_SHAPE.fullmatch(text):
        raise MalformedWebhook("the person id in the payload is not a Personio id")
    return text


def delivery_id(envelope: Mapping[str, Any]) -> str:
    """A dedupe key from what Personio repeats on every retry of one event (it sends no event id):
    company, event name, the whole payload (canonical JSON) and the time the event occurred."""
    material = json.dumps([str(envelope["company_id"]), envelope["event_name"], envelope["payload"],
                           envelope["occurred_at"]], sort_keys=True, separators=(",", ":"),
                          ensure_ascii=True)
    return "personio-" + hashlib.sha256(material.encode("ascii")).hexdigest()
