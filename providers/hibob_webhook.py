"""HiBob webhooks: `Bob-Signature` (base64 HMAC-SHA512 over the raw body) checked first, then a trigger to re-fetch.

HiBob tells receivers not to rely on the payload and to call the API (research/hibob.md §6.1): a delivery only
names the employee to re-fetch. v2 envelopes carry ids only; v1 ones (still running where they were set up
before April 2025) carry the whole employee, of which only the id is read. There is no event id, no timestamp
header and no key id: retries (for up to 3 days) are deduplicated by content.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any, Mapping

from providers.base import ChangeNotice
from providers.errors import MalformedWebhook, WebhookRejected

SIGNATURE_HEADER = "Bob-Signature"
# v2 retries a failed delivery for up to three days with exponential backoff ([W7]); there is no timestamp to
# bound, so nothing here expires: a retry is a duplicate of the content already seen.
RETRY_SPAN_SECONDS = 3 * 24 * 3600.0
# When a webhook is added, Bob posts the string "Ping test", then (if that failed) {"text":"Ping test"} ([W2]).
# Whether they are signed is unconfirmed, and the company may not have pasted the secret yet: they are answered
# 2xx whatever their signature, and asked for nothing.
_PING = re.compile(rb'\s*(?:"?Ping test"?|\{\s*"text"\s*:\s*"Ping test"\s*\})\s*')
PING_MAX = 64
_ID_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")
LOGGED_KEYS, LOGGED_KEY_LENGTH = 20, 64


def sign(secret: str, body: bytes) -> str:
    """HiBob's signature: base64 of HMAC-SHA512 keyed with the secret's UTF-8 bytes, over the raw body."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha512).digest()).decode("ascii")


def verify_webhook(body: bytes, headers: Mapping[str, str], secret: str | None) -> ChangeNotice:
    """Authenticate a raw delivery in constant time before reading it; raises only WebhookRejected or
    MalformedWebhook (the latter once authenticated)."""
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise MalformedWebhook("the webhook body is not bytes")
    body = bytes(body)
    if len(body) <= PING_MAX and _PING.fullmatch(body):
        return ChangeNotice(event="ping", delivery_id="hibob-ping", acknowledge_only=True)
    if not secret:
        raise WebhookRejected("no HiBob webhook secret is configured for this company")
    sent = _header(headers, SIGNATURE_HEADER.lower())
    if sent is None:
        raise WebhookRejected(f"the HiBob webhook carried no {SIGNATURE_HEADER} header")
    expected = sign(secret, body).encode("ascii")
    if not hmac.compare_digest(expected, sent.strip().encode("utf-8", "replace")):
        raise WebhookRejected("the HiBob webhook signature does not match")
    return parse(_document(body))


def parse(document: Any) -> ChangeNotice:
    """A v2 envelope (`companyId`, `type`, `triggeredAt`, `data`) or a v1 one (`employee`, `creationDate`)."""
    if not isinstance(document, dict):
        raise MalformedWebhook("the HiBob webhook body is not a JSON object")
    event = document.get("type")
    if not isinstance(event, str) or not event.strip():
        raise MalformedWebhook("the HiBob webhook names no event type")
    if "triggeredAt" in document or document.get("version") == "v2":
        data = document.get("data")
        if not isinstance(data, dict) or not isinstance(document.get("triggeredAt"), str):
            raise MalformedWebhook("the HiBob v2 webhook lacks triggeredAt or a data object")
        named = data.get("employeeId")
        material: list[Any] = [_text(document.get("companyId")), event, document["triggeredAt"], data]
    else:
        employee = document.get("employee")
        named = employee.get("id") if isinstance(employee, dict) else None
        material = [document]  # v1 carries no compact identity: the whole document, as every retry resends it
    remote_ids = () if named is None else (_remote_id(named),)
    payload = document.get("data") if isinstance(document.get("data"), dict) else {}
    return ChangeNotice(event=event.strip(), delivery_id=delivery_id(material), remote_ids=remote_ids,
                        payload_keys=() if remote_ids else _keys(payload))


def delivery_id(material: list[Any]) -> str:
    """A dedupe key from what HiBob repeats on every retry of one event (company, type, time, data)."""
    try:
        text = json.dumps(material, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    except (TypeError, ValueError, RecursionError):
        raise MalformedWebhook("the HiBob webhook payload cannot be read") from None
    return "hibob-" + hashlib.sha256(text.encode("ascii")).hexdigest()


def _document(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise MalformedWebhook("the HiBob webhook body is not UTF-8") from None
    except (ValueError, RecursionError):
        raise MalformedWebhook("the HiBob webhook body is not JSON") from None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    try:
        value = headers.get(name)
        if value is None:
            value = next((v for k, v in headers.items() if str(k).lower() == name), None)
    except (AttributeError, TypeError):
        return None
    return value if isinstance(value, str) else None


def _remote_id(value: Any) -> str:
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not _ID_SHAPE.fullmatch(text):
        raise MalformedWebhook("the HiBob webhook names no valid employee id")
    return text


def _text(value: Any) -> str:
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""


def _keys(payload: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(str(key)[:LOGGED_KEY_LENGTH] for key in payload)[:LOGGED_KEYS])
