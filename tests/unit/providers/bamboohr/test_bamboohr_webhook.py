"""BambooHR webhook deliveries: signature, time window, payload shapes and the dedupe key."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from providers.bamboohr_webhook import sign, verify_webhook
from providers.base import ChangeNotice
from providers.errors import MalformedWebhook, WebhookRejected

SECRET = "whsec-acme-7f3c1e"
# BambooHR retries a 5xx after 5, 10, 20, 40 and 80 minutes (research/bamboohr.md §5.4), plus 5 minutes of skew.
RETRY_WINDOW = (5 + 10 + 20 + 40 + 80 + 5) * 60
NOW = 1_769_885_000.0
SENT = str(int(NOW) - 2)


def headers(body: bytes, secret: str = SECRET, timestamp: str = SENT) -> dict[str, str]:
    return {"X-BambooHR-Signature": sign(secret, body, timestamp), "X-BambooHR-Timestamp": timestamp}


def test_fusebit_known_answer(load_bytes):
    """Fusebit's recorded delivery: key, timestamp and signature from a real BambooHR webhook test."""
    body = load_bytes("webhook__field_based_wrapped.json")
    received = {"x-bamboohr-timestamp": "1658248023",
                "x-bamboohr-signature": "56491dd9c2b352bc5f4fc627159aae20ddff9c8cb19f239a6de6771dc5310bac"}

    notice = verify_webhook(body, received, "123b929362d51613054f71e5e5d4bf2c", now=1658248023 + 30)

    assert notice.remote_ids == ("5",)
    assert notice.event == "employee.changed"


def _tamper(body: bytes) -> tuple[bytes, dict[str, str]]:
    return body.replace(b"67890", b"67899"), headers(body)


def _resigned(secret: str):
    return lambda body: (body, headers(body, secret=secret))


def _at(timestamp: str):
    return lambda body: (body, headers(body, timestamp=timestamp))


def _without(name: str):
    def build(body):
        sent = headers(body)
        del sent[name]
        return body, sent
    return build


@pytest.mark.parametrize("build", [
    pytest.param(_resigned("someone-elses-secret"), id="wrong-secret"),
    pytest.param(_tamper, id="tampered-body"),
    pytest.param(_at(str(int(NOW) - RETRY_WINDOW - 1)), id="older-than-bamboohrs-retries"),
    pytest.param(_at(str(int(NOW) + 301)), id="future-timestamp"),
    pytest.param(_at("yesterday"), id="not-a-timestamp"),
    pytest.param(_at("１７６９８８５０００"), id="non-ascii-digits"),
    pytest.param(_without("X-BambooHR-Signature"), id="missing-signature"),
    pytest.param(_without("X-BambooHR-Timestamp"), id="missing-timestamp"),
    pytest.param(lambda body: (body, {**headers(body), "X-BambooHR-Signature": "ünïcode"}), id="non-ascii-signature"),
])
def test_rejected_deliveries(load_bytes, build):
    body, sent = build(load_bytes("webhook__employee_updated.json"))

    with pytest.raises(WebhookRejected):
        verify_webhook(body, sent, SECRET, now=NOW)


def test_no_configured_secret_rejects_instead_of_accepting(load_bytes):
    body = load_bytes("webhook__employee_updated.json")

    with pytest.raises(WebhookRejected):
        verify_webhook(body, headers(body, secret=""), "", now=NOW)


@pytest.mark.parametrize("build, now", [
    pytest.param(_at(str(int(NOW) - 300)), NOW, id="exactly-five-minutes-old"),
    pytest.param(_at(str(int(NOW) - 301)), NOW, id="the-first-retry-5-minutes-later"),
    pytest.param(_at(str(int(NOW) - 155 * 60)), NOW, id="the-last-retry-155-minutes-later"),
    pytest.param(_at(str(int(NOW) - RETRY_WINDOW)), NOW, id="the-last-retry-with-clock-skew"),
    pytest.param(_at(str(int(NOW) + 300)), NOW, id="five-minutes-ahead"),
    pytest.param(_at("2026-01-31T18:41:00+0000"), 1769884860.0 + 60, id="iso-8601-header"),
    pytest.param(lambda body: (body, {k.lower(): v for k, v in headers(body).items()}), NOW,
                 id="lowercase-header-names"),
    pytest.param(lambda body: (body, {**headers(body), "X-BambooHR-Signature": headers(body)[
        "X-BambooHR-Signature"].upper()}), NOW, id="uppercase-hex"),
])
def test_accepted_deliveries(load_bytes, build, now):
    body, sent = build(load_bytes("webhook__employee_updated.json"))

    assert verify_webhook(body, sent, SECRET, now=now).remote_ids == ("67890",)


@pytest.mark.parametrize("body", [
    pytest.param(b'{"type": "employee.updated", "data": {"employeeId": "\xff"}}', id="non-utf8"),
    pytest.param(b"type=employee.updated&data[employeeId]=12%3B%20DROP", id="form-encoded-bad-id"),
    pytest.param(b"type=employee.updated&type=employee.deleted&data[employeeId]=67890", id="form-type-twice"),
    pytest.param(b"employees=67890", id="form-employees-not-a-map"),
    pytest.param(b"hello=world", id="form-unknown"),
    pytest.param(b"", id="empty"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, id="absurdly-nested"),
    pytest.param(b"[1, 2, 3]", id="json-list"),
    pytest.param(b'{"hello": "world"}', id="unknown-object"),
    pytest.param(b'{"type": "employee.updated", "timestamp": "x", "data": {}}', id="event-without-employee"),
    pytest.param(b'{"type": "employee.updated", "data": {"employeeId": "12; DROP"}}', id="event-with-bad-id"),
    pytest.param(b'{"type": "employee.updated", "data": "67890"}', id="event-data-not-object"),
    pytest.param(b'{"employees": []}', id="field-based-empty"),
    pytest.param(b'{"employees": [{"action": "Updated"}]}', id="field-based-without-id"),
    pytest.param(b'{"employees": ["12345"]}', id="field-based-entry-not-object"),
])
def test_authentic_but_malformed_bodies(body):
    with pytest.raises(MalformedWebhook):
        verify_webhook(body, headers(body), SECRET, now=NOW)


@pytest.mark.parametrize("fixture, event, remote_ids", [
    pytest.param("webhook__employee_updated.json", "employee.updated", ("67890",), id="event-updated"),
    pytest.param("webhook__employee_created.json", "employee.created", ("67891",), id="event-created"),
    pytest.param("webhook__employee_deleted.json", "employee.deleted", ("67892",), id="event-deleted"),
    pytest.param("webhook__field_based_updated.json", "employee.updated", ("12345",), id="field-based-updated"),
    pytest.param("webhook__field_based_mixed.json", "employee.changed", ("201", "202"), id="field-based-mixed"),
    pytest.param("webhook__field_based_wrapped.json", "employee.changed", ("5",), id="field-based-wrapped"),
])
def test_payload_shapes(load_bytes, fixture, event, remote_ids):
    body = load_bytes(fixture)

    notice = verify_webhook(body, headers(body), SECRET, now=NOW)

    assert (notice.event, notice.remote_ids) == (event, remote_ids)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", notice.delivery_id)


FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize("body, event, remote_ids", [
    pytest.param(b"type=employee.updated&data%5BcompanyId%5D=12345&data%5BemployeeId%5D=67890"
                 b"&data%5BchangedFields%5D%5B0%5D=firstName", "employee.updated", ("67890",),
                 id="event-based-as-documented"),
    pytest.param(b"type=employee.created&data[companyId]=12345&data[employeeId]=67891", "employee.created",
                 ("67891",), id="event-based-unescaped-brackets"),
    pytest.param(b"employees%5B12345%5D%5BchangedFields%5D%5B0%5D=First+Name&employees%5B12345%5D%5BFirst+Name"
                 b"%5D=Robert", "employee.changed", ("12345",), id="field-based-without-action-or-timestamp"),
    pytest.param(b"employees[201][action]=Updated&employees[201][changedFields][0]=First Name"
                 b"&employees[201][First Name]=Robert&employees[202][action]=Updated", "employee.updated",
                 ("201", "202"), id="field-based-two-people"),
])
def test_form_encoded_deliveries_are_accepted(body, event, remote_ids):
    """BambooHR does not retry a 4xx: a form-encoded webhook answered 400 lost every delivery."""
    sent = {**headers(body), "Content-Type": FORM}

    notice = verify_webhook(body, sent, SECRET, now=NOW)

    assert (notice.event, notice.remote_ids) == (event, remote_ids)


def test_a_form_body_is_signed_as_sent():
    body = b"type=employee.updated&data%5BemployeeId%5D=67890"
    signed_other_bytes = headers(b"type=employee.updated&data[employeeId]=67890")

    with pytest.raises(WebhookRejected):
        verify_webhook(body, {**signed_other_bytes, "Content-Type": FORM}, SECRET, now=NOW)


def test_a_form_and_its_json_twin_are_one_event_when_they_carry_its_time():
    as_json = b'{"type":"employee.updated","timestamp":"2026-01-31T18:42:00+0000","data":{"employeeId":"67890"}}'
    as_form = b"type=employee.updated&timestamp=2026-01-31T18%3A42%3A00%2B0000&data[employeeId]=67890"

    assert _deliver(as_json).delivery_id == _deliver(as_form).delivery_id


def test_a_retry_hours_later_with_its_first_timestamp_is_accepted_and_deduplicated(load_bytes):
    """hrsync answered 503 (Redis down); BambooHR retries after 5, 10, 20, 40 and 80 minutes, same bytes."""
    body = load_bytes("webhook__employee_updated.json")
    first_sent = str(int(NOW) - 75 * 60)
    sent = headers(body, timestamp=first_sent)

    retries = [verify_webhook(body, sent, SECRET, now=int(first_sent) + minutes * 60)
               for minutes in (5, 15, 35, 75, 155)]

    assert {notice.delivery_id for notice in retries} == {retries[0].delivery_id}
    assert {notice.remote_ids for notice in retries} == {("67890",)}


def test_event_about_something_else_names_nobody():
    body = b'{"type": "company.updated", "timestamp": "2026-01-31T18:42:00+0000", "data": {"companyId": "12345"}}'

    notice = verify_webhook(body, headers(body), SECRET, now=NOW)

    assert (notice.event, notice.remote_ids) == ("company.updated", ())


def _deliver(body: bytes, timestamp: str = SENT) -> ChangeNotice:
    return verify_webhook(body, headers(body, timestamp=timestamp), SECRET, now=NOW)


def test_a_retry_of_the_same_event_has_the_same_delivery_id(load_bytes):
    body = load_bytes("webhook__employee_updated.json")
    reserialised = json.dumps(json.loads(body), indent=4, sort_keys=True).encode()

    first = _deliver(body, timestamp=str(int(NOW) - 200))
    retry = _deliver(reserialised, timestamp=str(int(NOW)))

    assert first.delivery_id == retry.delivery_id


def test_a_later_change_of_the_same_field_has_a_new_delivery_id(load_bytes):
    event = json.loads(load_bytes("webhook__employee_updated.json"))
    later = {**event, "timestamp": "2026-01-31T18:43:00+0000"}

    assert _deliver(json.dumps(event).encode()).delivery_id != _deliver(json.dumps(later).encode()).delivery_id


def test_field_based_entries_without_event_time_dedupe_only_exact_replays(load_bytes):
    body = load_bytes("webhook__field_based_wrapped.json")

    assert _deliver(body).delivery_id == _deliver(body).delivery_id
    assert _deliver(body).delivery_id != _deliver(body, timestamp=str(int(NOW) - 60)).delivery_id


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["type", "data", "employees", "employeeId", "id", "action", "timestamp",
                         "changedFields", "fields", "value"]) | st.text(max_size=8), inner, max_size=5),
    max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(payload=_json_values)
def test_any_authentic_json_yields_a_notice_or_malformed(payload):
    body = json.dumps(payload).encode()

    try:
        notice = verify_webhook(body, headers(body), SECRET, now=NOW)
    except MalformedWebhook:
        return
    assert all(remote_id.isdigit() for remote_id in notice.remote_ids)


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=200), signature=st.text(max_size=70), timestamp=st.text(max_size=30))
def test_random_deliveries_are_refused_with_one_of_the_two_errors(body, signature, timestamp):
    sent = {"X-BambooHR-Signature": signature, "X-BambooHR-Timestamp": timestamp}

    with pytest.raises((WebhookRejected, MalformedWebhook)):
        verify_webhook(body, sent, SECRET, now=NOW)
