"""Webhook payloads and authentication, built without sending anything."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sandbox.webhooks import (bamboohr_event, bamboohr_field_based, personio_envelope, send_bamboohr,
                              sign_bamboohr)

MOMENT = dt.datetime(2026, 1, 31, 18, 42, tzinfo=dt.timezone.utc)


def test_bamboohr_signature_matches_a_published_known_answer():
    # Fusebit's BambooHR connector test data (key, timestamp, compact body, expected signature).
    body = json.dumps({"employees": [{"changedFields": ["First name"], "fields": {
        "Employee #": {"value": "300"}, "First name": {"value": "Tefi"}, "Last name": {"value": "Adams"}},
        "id": "5"}]}, separators=(",", ":")).encode()
    assert sign_bamboohr(body, "1658248023", "123b929362d51613054f71e5e5d4bf2c") == (
        "56491dd9c2b352bc5f4fc627159aae20ddff9c8cb19f239a6de6771dc5310bac")


def test_bamboohr_signature_covers_body_then_timestamp():
    assert sign_bamboohr(b"{}", "1", "k") == sign_bamboohr(b"{}1", "", "k")
    assert sign_bamboohr(b"{}", "1", "k") != sign_bamboohr(b"1{}", "", "k")


def test_bamboohr_updated_event_names_the_changed_fields(state, bamboo):
    state.update_person(bamboo, "3", first_name="Zoë", city="Köln")
    assert bamboohr_event(bamboo, "3", "employee.updated", MOMENT) == {
        "type": "employee.updated", "timestamp": "2026-01-31T18:42:00+0000",
        "data": {"companyId": bamboo.company_id, "employeeId": "3", "changedFields": ["city", "firstName"]}}


@pytest.mark.parametrize("event", ["employee.created", "employee.deleted"])
def test_bamboohr_created_and_deleted_events_carry_ids_only(bamboo, event):
    assert bamboohr_event(bamboo, "3", event, MOMENT)["data"] == {"companyId": bamboo.company_id,
                                                                  "employeeId": "3"}


def test_bamboohr_field_based_payload_lists_every_employee(bamboo):
    document = bamboohr_field_based(bamboo, ["1", "2"], "employee_with_fields.updated", MOMENT)
    assert [e["id"] for e in document["employees"]] == ["1", "2"]
    first = document["employees"][0]
    assert first["action"] == "Updated" and first["fields"]["First Name"] == bamboo.people[0].first_name


def test_bamboohr_field_based_created_carries_no_fields(bamboo):
    entry = bamboohr_field_based(bamboo, ["1"], "employee_with_fields.created", MOMENT)["employees"][0]
    assert (entry["action"], entry["changedFields"], entry["fields"]) == ("Created", [], {})


@pytest.mark.parametrize("event, ids", [("employee.moved", ["1"]), ("employee.updated", [])],
                         ids=["unknown-event", "no-employee"])
def test_bamboohr_refuses_to_send_nonsense(bamboo, event, ids):
    with pytest.raises(ValueError):
        send_bamboohr(bamboo, "http://127.0.0.1:9/", "secret", ids, event)


def test_personio_person_event_is_a_dataless_envelope(perso):
    assert personio_envelope(perso, "100004", "person.updated", MOMENT) == {
        "company_id": perso.company_id, "event_name": "person.updated",
        "occurred_at": "2026-01-31T18:42:00.000Z", "payload": {"id": "100004"}, "meta": {}}


def test_personio_employment_event_names_the_person_separately(perso):
    payload = personio_envelope(perso, "100004", "employment.terminated", MOMENT)["payload"]
    assert payload["person"] == {"id": "100004"} and payload["id"] != "100004"


def _verified(body: bytes):
    from providers.bamboohr_webhook import verify_webhook

    stamp = "1769885000"
    return verify_webhook(body, {"X-BambooHR-Timestamp": stamp, "X-BambooHR-Signature": sign_bamboohr(body, stamp, "k")},
                          "k", now=1769885000.0)


def test_bamboohr_form_encoded_event_reads_as_its_json_twin(bamboo):
    from sandbox.webhooks import bamboohr_form

    document = bamboohr_event(bamboo, bamboo.people[0].id, "employee.updated", MOMENT, ["firstName"])
    body = bamboohr_form(document)

    assert body.startswith(b"type=employee.updated&") and b"data%5BemployeeId%5D=" in body
    assert _verified(body).remote_ids == (bamboo.people[0].id,)
    assert _verified(body).delivery_id == _verified(json.dumps(document).encode()).delivery_id


def test_bamboohr_field_based_as_fusebit_recorded_it(bamboo):
    from sandbox.webhooks import bamboohr_form

    ids = [p.id for p in bamboo.people[:2]]
    document = bamboohr_field_based(bamboo, ids, "employee_with_fields.updated", MOMENT, style="fusebit")

    assert all("action" not in entry and "timestamp" not in entry for entry in document["employees"])
    assert all(isinstance(value, dict) and "value" in value
               for entry in document["employees"] for value in entry["fields"].values())
    assert _verified(json.dumps(document).encode()).remote_ids == tuple(ids)
    assert _verified(bamboohr_form(document)).remote_ids == tuple(ids)
