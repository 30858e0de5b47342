"""Personio webhook verification: the token table, envelope parsing and the dedupe key."""

import json

import pytest

from providers.errors import MalformedWebhook, WebhookRejected
from providers.personio_webhook import delivery_id, verify_webhook

from personio_wire import load, load_bytes

TOKEN = "whk-4c1f0e9b7a2d"
BODY = load_bytes("webhook__person_updated")


@pytest.mark.parametrize("headers", [
    {"Authorization": TOKEN}, {"authorization": TOKEN}, {"AUTHORIZATION": TOKEN},
    {"Authorization": f"Bearer {TOKEN}"},
], ids=["verbatim", "lowercase-header", "uppercase-header", "bearer-prefix-typed-by-admin"])
def test_good_token_is_accepted(headers):
    notice = verify_webhook(BODY, headers, TOKEN)
    assert notice.event == "person.updated"
    assert notice.remote_ids == ("32180425",)


@pytest.mark.parametrize("headers, configured", [
    ({"Authorization": "whk-wrong"}, TOKEN),
    ({"Authorization": TOKEN + "x"}, TOKEN),
    ({"Authorization": TOKEN[:-1]}, TOKEN),
    ({"Authorization": f"Basic {TOKEN}"}, TOKEN),
    ({"Authorization": ""}, TOKEN),
    ({}, TOKEN),
    ({"X-Personio-Token": TOKEN}, TOKEN),
    ({"Authorization": TOKEN}, ""),
    ({"Authorization": ""}, ""),
    ({"Authorization": "anything"}, None),
    ({"Authorization": "t\udcff"}, TOKEN),
], ids=["wrong", "longer", "shorter", "other-scheme", "empty-header", "missing-header",
        "other-header", "empty-token-configured", "both-empty", "no-token-configured", "surrogate"])
def test_bad_or_missing_token_is_rejected(headers, configured):
    with pytest.raises(WebhookRejected):
        verify_webhook(BODY, headers, configured)


def test_rejection_comes_before_parsing():
    with pytest.raises(WebhookRejected):
        verify_webhook(b"\xff not json", {"Authorization": "wrong"}, TOKEN)


def test_rejection_message_never_contains_either_token():
    with pytest.raises(WebhookRejected) as caught:
        verify_webhook(BODY, {"Authorization": "whk-sent-by-someone"}, TOKEN)
    assert TOKEN not in str(caught.value) and "whk-sent-by-someone" not in str(caught.value)


def envelope(**overrides):
    document = {"company_id": "118227", "event_name": "person.updated",
                "occurred_at": "2024-05-01T10:00:00Z", "payload": {"id": "1"}, "meta": {}}
    document.update(overrides)
    return json.dumps({k: v for k, v in document.items() if v is not ...}).encode()


@pytest.mark.parametrize("body", [
    b"\xff\xfe{}", b"", b"not json", b"[1, 2]", b'"text"', b"null",
    envelope(company_id=...), envelope(event_name=...), envelope(occurred_at=...), envelope(payload=...),
    envelope(payload=[1]), envelope(event_name=""), envelope(event_name=7), envelope(company_id=True),
    envelope(company_id=None), envelope(meta=[]), envelope(payload={"id": "../../auth"}),
    envelope(payload={"id": 1.5}), envelope(payload={"person": {"id": ["1"]}}),
    b"[" * 100000 + b"]" * 100000, b'{"a": 1' + b"9" * 5000 + b"}",
    bytearray(b"{"),
], ids=["not-utf8", "empty", "not-json", "array", "string", "null", "no-company", "no-event",
        "no-occurred-at", "no-payload", "payload-not-object", "empty-event", "event-not-string",
        "company-bool", "company-null", "meta-not-object", "id-path-traversal", "id-float",
        "id-list", "deeply-nested", "huge-number", "bytearray-truncated"])
def test_malformed_bodies_after_authentication(body):
    with pytest.raises(MalformedWebhook):
        verify_webhook(body, {"Authorization": TOKEN}, TOKEN)


def test_non_bytes_body_is_malformed_not_a_crash():
    with pytest.raises(MalformedWebhook):
        verify_webhook("{}", {"Authorization": TOKEN}, TOKEN)


def test_headers_object_without_mapping_methods_is_rejected_not_a_crash():
    with pytest.raises(WebhookRejected):
        verify_webhook(BODY, [("Authorization", TOKEN)], TOKEN)


@pytest.mark.parametrize("case, ids", [
    ("webhook__person_updated", ("32180425",)),
    ("webhook__person_created", ("32180426",)),
    ("webhook__employment_terminated", ("32180425",)),
    ("webhook__absence_period_created", ()),
], ids=["person-updated", "person-created-integer-id", "employment-names-person", "absence-ignored"])
def test_person_ids_per_event(case, ids):
    notice = verify_webhook(load_bytes(case), {"Authorization": TOKEN}, TOKEN)
    assert notice.remote_ids == ids
    assert notice.event == load(case)["event_name"]


@pytest.mark.parametrize("event, payload, ids", [
    ("person.deleted", {"id": 5}, ("5",)),
    ("person.updated", {"person_id": "6"}, ("6",)),
    ("employment.updated", {"id": "uuid-of-employment"}, ()),
    ("employment.updated.cost-centers", {"person_id": 8}, ("8",)),
    ("document.created", {"id": "9", "person": {"id": "9"}}, ()),
    ("something.new", {"id": "10"}, ()),
    ("person.updated", {}, ()),
    ("person.updated", {"id": "11", "person": {"id": "11"}}, ("11",)),
], ids=["deleted", "person-id-key", "employment-without-person", "employment-subevent",
        "document-ignored", "unknown-event", "empty-payload", "duplicate-id-once"])
def test_person_ids_by_payload_shape(event, payload, ids):
    notice = verify_webhook(envelope(event_name=event, payload=payload), {"Authorization": TOKEN}, TOKEN)
    assert notice.remote_ids == ids


def test_same_event_redelivered_has_same_delivery_id():
    reordered = json.dumps(dict(reversed(list(load("webhook__person_updated").items())))).encode()
    first = verify_webhook(BODY, {"Authorization": TOKEN}, TOKEN)
    again = verify_webhook(reordered, {"Authorization": TOKEN}, TOKEN)
    assert first.delivery_id == again.delivery_id


@pytest.mark.parametrize("change", [
    {"occurred_at": "2024-05-01T10:00:01Z"}, {"event_name": "person.created"},
    {"company_id": "999"}, {"payload": {"id": "2"}},
], ids=["other-time", "other-event", "other-company", "other-person"])
def test_different_events_have_different_delivery_ids(change):
    base = load("webhook__person_updated")
    assert delivery_id(base) != delivery_id({**base, **change})


def test_meta_does_not_change_the_delivery_id():
    base = load("webhook__person_updated")
    assert delivery_id(base) == delivery_id({**base, "meta": {"attempt": 2}})
