"""HiBob webhook verification: known-answer signatures, the ping test, constant time before parsing, content dedupe."""

from __future__ import annotations

import hmac
import json
from pathlib import Path

import pytest

from providers import hibob_webhook
from providers.errors import MalformedWebhook, WebhookRejected
from providers.hibob import HiBobProvider
from providers.hibob_webhook import sign, verify_webhook
from tests import secret_registry

SECRET = "bob-webhook-secret-1"
secret_registry.register("HiBob webhook secret", SECRET)
REAL = Path(__file__).resolve().parents[4].parent / "shared" / "fixtures" / "real"
TABLE_ENTRY = "hibob_webhook_v2_table_entry_created_lifecycle_changelog.json"
UPDATED = (b'{"companyId":636192,"type":"employee.updated","triggeredBy":"system","triggeredAt":'
           b'"2025-01-08T13:06:26.915906","version":"v2","data":{"employeeId":"3332883854254932743",'
           b'"fieldUpdates":["root.surname"]}}')


def signed(body: bytes, secret: str = SECRET, header: str = "Bob-Signature") -> dict[str, str]:
    return {header: sign(secret, body), "Content-Type": "application/json"}


@pytest.mark.parametrize("key, message, expected", [
    # RFC 4231 test case 2 (HMAC-SHA-512), its hex digest in base64.
    ("Jefe", b"what do ya want for nothing?",
     "Fkt6e/z4GeLjlfvnO1bgo4e9ZCIugx/WECcM1+olBVSXWL91wFqZSm0DT2X48Ob9yuqxo01Ka0tjbgcKOLznNw=="),
    # `openssl dgst -sha512 -hmac bob-webhook-secret-1 -binary | base64` over these bytes.
    (SECRET, UPDATED, "Du2vTB5LCDvLQUkuMwM4jVVkQO5gxgZAF8tJgJf6kt05oQTvAm0XUfBxCfb4VRLe2z7+059LWCNe660h2gVxTg=="),
], ids=["rfc4231-case-2", "openssl-v2-envelope"])
def test_the_signature_is_base64_hmac_sha512_of_the_raw_body(key, message, expected):
    assert sign(key, message) == expected


def test_a_known_answer_over_the_real_changelog_payload_is_accepted():
    body = (REAL / TABLE_ENTRY).read_bytes()  # signed by openssl over these exact bytes, whitespace and all
    headers = {"Bob-Signature": "cCMCQqT/BdsrCvG+MIRSHAImmM6V/Ot4kvuwx28IN5x8NmdEeswNZhdr+aMYU7XeRjOg"
                                "iRDemQnWAj74MPyWDw=="}
    notice = verify_webhook(body, headers, SECRET)
    assert (notice.event, notice.remote_ids) == ("table.entry.created", ("3332883854254932743",))


@pytest.mark.parametrize("header", ["Bob-Signature", "bob-signature", "BOB-SIGNATURE"])
def test_the_header_is_found_in_any_case(header):
    assert verify_webhook(UPDATED, signed(UPDATED, header=header), SECRET).remote_ids == ("3332883854254932743",)


@pytest.mark.parametrize("headers, secret", [
    ({"Bob-Signature": sign("another secret", UPDATED)}, SECRET),
    ({"Bob-Signature": sign(SECRET, UPDATED + b" ")}, SECRET),
    ({"Bob-Signature": sign(SECRET, UPDATED)[:-4]}, SECRET),
    ({"Bob-Signature": sign(SECRET, UPDATED).lower()}, SECRET),
    ({"Bob-Signature": ""}, SECRET),
    ({}, SECRET),
    ({"X-Bob-Signature": sign(SECRET, UPDATED)}, SECRET),
    ({"Bob-Signature": "sig\udcff"}, SECRET),
    ({"Bob-Signature": sign(SECRET, UPDATED)}, ""),
    ({"Bob-Signature": sign(SECRET, UPDATED)}, None),
], ids=["other-secret", "body-changed", "truncated", "case-changed", "empty", "missing", "other-header",
        "surrogate", "no-secret-configured", "secret-none"])
def test_a_bad_or_missing_signature_is_rejected(headers, secret):
    with pytest.raises(WebhookRejected):
        verify_webhook(UPDATED, headers, secret)


def test_the_signature_is_checked_before_the_body_is_parsed():
    with pytest.raises(WebhookRejected):
        verify_webhook(b"\xff not json {", {"Bob-Signature": "AAAA"}, SECRET)
    with pytest.raises(MalformedWebhook):  # the same body, authentic: only now is it read
        verify_webhook(b"\xff not json {", signed(b"\xff not json {"), SECRET)


def test_the_comparison_is_constant_time(monkeypatch):
    compared = []
    real = hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hibob_webhook.hmac, "compare_digest", spy)
    verify_webhook(UPDATED, signed(UPDATED), SECRET)
    assert compared == [(sign(SECRET, UPDATED).encode(), sign(SECRET, UPDATED).encode())]


def test_no_message_carries_the_secret_or_the_signature():
    sent = sign("someone else", UPDATED)
    with pytest.raises(WebhookRejected) as caught:
        verify_webhook(UPDATED, {"Bob-Signature": sent}, SECRET)
    assert SECRET not in str(caught.value) and sent not in str(caught.value)


@pytest.mark.parametrize("body", [b"Ping test", b'"Ping test"', b'{"text":"Ping test"}', b'{ "text": "Ping test" }\n'],
                         ids=["string", "json-string", "json-object", "json-object-spaced"])
@pytest.mark.parametrize("headers, secret", [({}, SECRET), ({}, ""), ({"Bob-Signature": "not-it"}, SECRET)],
                         ids=["unsigned", "no-secret-yet", "signed-otherwise"])
def test_the_ping_test_is_acknowledged_and_asks_for_nothing(body, headers, secret):
    """Bob checks a new webhook with "Ping test" (perhaps before the secret is pasted into hrsync; whether it is
    signed is unconfirmed): a 2xx, no dedupe, no sync."""
    notice = verify_webhook(body, headers, secret)
    assert notice.acknowledge_only and notice.remote_ids == () and notice.event == "ping"


@pytest.mark.parametrize("body", [b"Ping test!", b'{"text":"Ping test","employeeId":"1"}', b"Ping  test",
                                  b'{"type":"employee.updated","text":"Ping test"}'])
def test_only_the_exact_ping_bodies_skip_the_signature(body):
    with pytest.raises(WebhookRejected):
        verify_webhook(body, {}, SECRET)


def envelope(**overrides) -> bytes:
    document = {"companyId": 636192, "type": "employee.updated", "triggeredBy": "system",
                "triggeredAt": "2025-01-08T13:06:26.915906", "version": "v2",
                "data": {"employeeId": "3332883854254932743", "fieldUpdates": ["root.surname"]}}
    document.update(overrides)
    return json.dumps(document).encode()


def notice_of(body: bytes):
    return verify_webhook(body, signed(body), SECRET)


@pytest.mark.parametrize("data", [
    {"employeeId": "42", "fieldUpdates": ["root.surname"]},
    {"employeeId": "42", "fieldUpdatesIds": [{"id": "root.surname"}]},
    {"employeeId": 42},
    {"employeeId": "42", "tableId": "lifecycle", "effectiveDate": "2025-01-08"},
    {"employeeId": "42", "tableId": "lifecycle", "effectiveDate": "2025-01-08", "id": None},
], ids=["fieldUpdates", "fieldUpdatesIds", "numeric-id", "table-2026", "table-legacy"])
def test_every_v2_event_is_a_trigger_to_refetch_the_employee_it_names(data):
    assert notice_of(envelope(data=data)).remote_ids == ("42",)


def test_an_event_naming_nobody_asks_for_the_company_and_logs_keys_only():
    notice = notice_of(envelope(type="company.updated", data={"listId": "title", "secretish": "value"}))
    assert (notice.event, notice.remote_ids, notice.payload_keys) == ("company.updated", (), ("listId", "secretish"))


def test_a_v1_delivery_names_its_employee():
    body = (REAL / "hibob_webhook_v1_employee_created_listener.json").read_bytes()
    assert notice_of(body).remote_ids == ("2834190035467633537",)


def test_a_retry_is_the_same_delivery_and_another_event_is_not():
    first = notice_of(envelope())
    again = notice_of(json.dumps(json.loads(envelope()), indent=2, sort_keys=True).encode())  # same content
    later = notice_of(envelope(triggeredAt="2025-01-08T13:06:27.000001"))
    other = notice_of(envelope(data={"employeeId": "3332883854254932743", "fieldUpdates": ["root.email"]}))
    assert first.delivery_id == again.delivery_id
    assert len({first.delivery_id, later.delivery_id, other.delivery_id}) == 3
    assert first.delivery_id.startswith("hibob-")


def test_the_retry_span_is_three_days():
    assert hibob_webhook.RETRY_SPAN_SECONDS == 3 * 24 * 3600


@pytest.mark.parametrize("body", [
    b"[]", b'"text"', b"{}", envelope(type=""), envelope(type=None), envelope(data="x"), envelope(triggeredAt=None),
    envelope(data={"employeeId": "../../etc"}), envelope(data={"employeeId": True}),
    envelope(data={"employeeId": "x" * 65}), b"[" * 100000 + b"]" * 100000, "{\"type\": \"é\"}".encode("latin-1"),
], ids=["list", "string", "empty", "empty-type", "no-type", "data-not-object", "no-triggeredAt", "path-id",
        "bool-id", "long-id", "deep", "latin-1"])
def test_authentic_nonsense_is_malformed_never_a_crash(body):
    with pytest.raises(MalformedWebhook):
        notice_of(body)


def test_the_provider_verifies_without_a_client():
    notice = HiBobProvider.verify_webhook(UPDATED, signed(UPDATED), SECRET, now=0.0)
    assert notice.remote_ids == ("3332883854254932743",)
