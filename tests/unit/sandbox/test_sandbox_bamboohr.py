"""The fake BambooHR API through Flask's test client: paths, auth, wire shapes and quirks."""

from __future__ import annotations

import datetime as dt
import json

import pytest

REPORT = "/bamboohr/acme/v1/reports/custom?format=JSON"
FIELDS = ["firstName", "lastName", "hireDate", "terminationDate", "status", "employeeNumber"]


def report(client, headers, fields=FIELDS, **extra):
    body = json.dumps({"title": "hrsync", "fields": fields, **extra})
    return client.post(REPORT, data=body, headers={**headers, "Content-Type": "application/json"})


def test_custom_report_lists_active_and_inactive_employees_with_only_the_requested_fields(
        client, bamboo, basic_auth):
    response = report(client, basic_auth())
    assert response.status_code == 200 and response.content_type == "application/json"
    document = response.get_json()
    assert document["title"] == "hrsync"
    assert [f["id"] for f in document["fields"]] == FIELDS
    rows = document["employees"]
    assert [r["id"] for r in rows] == [p.id for p in bamboo.people]
    assert all(set(r) == {"id", *FIELDS} and isinstance(r["id"], str) for r in rows)
    assert {r["status"] for r in rows} == {"Active", "Inactive"}


def test_empty_dates_come_as_zero_dates(client, bamboo, basic_auth):
    rows = {r["id"]: r for r in report(client, basic_auth()).get_json()["employees"]}
    for person in bamboo.people:
        row = rows[person.id]
        assert row["terminationDate"] == (person.termination_date.isoformat() if person.termination_date
                                          else "0000-00-00")
        assert row["hireDate"] == (person.hire_date.isoformat() if person.hire_date else "0000-00-00")


def test_future_hires_are_inactive_without_termination_date(client, bamboo, state, basic_auth):
    state.update_person(bamboo, "2", status="onboarding", hire_date="2026-06-01", termination_date=None)
    row = report(client, basic_auth()).get_json()["employees"][1]
    assert (row["status"], row["hireDate"], row["terminationDate"]) == ("Inactive", "2026-06-01", "0000-00-00")


def test_unknown_and_hidden_fields_are_dropped_silently(client, state, basic_auth):
    state.add_bamboohr_tenant("limited", "key-9", people=3, hidden_fields={"hireDate"})
    body = json.dumps({"fields": ["firstName", "hireDate", "noSuchField"]})
    response = client.post("/bamboohr/limited/v1/reports/custom?format=JSON", data=body,
                           headers={**basic_auth("key-9"), "Content-Type": "application/json"})
    assert response.status_code == 200
    assert [set(r) for r in response.get_json()["employees"]] == [{"id", "firstName"}] * 3


def test_custom_fields_are_requested_by_numeric_id(client, bamboo, basic_auth):
    rows = report(client, basic_auth(), fields=["4001", "4020.1"]).get_json()["employees"]
    assert rows[0] == {"id": "1", "4001": bamboo.people[0].tax_id,
                       "4020.1": ", ".join(bamboo.people[0].languages) or None}


def test_employee_ids_filter_restricts_the_report(client, bamboo, basic_auth):
    rows = report(client, basic_auth(), filters={"employeeIds": [3, "7"]}).get_json()["employees"]
    assert [r["id"] for r in rows] == ["3", "7"]


def test_last_changed_filter_keeps_people_changed_at_or_after(client, bamboo, state, basic_auth):
    state.update_person(bamboo, "9", city="Bern")
    moment = bamboo.find("9").updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = report(client, basic_auth(), filters={"lastChanged": {"includeNull": "no", "value": moment}})
    assert [r["id"] for r in rows.get_json()["employees"]] == ["9"]


def test_report_reflects_edits_made_after_an_earlier_report(client, bamboo, state, basic_auth):
    assert report(client, basic_auth()).get_json()["employees"][0]["firstName"] != "Zoë"
    state.update_person(bamboo, "1", first_name="Zoë")
    assert report(client, basic_auth()).get_json()["employees"][0]["firstName"] == "Zoë"
    bamboo.people[0].last_name = "Direkt"
    assert report(client, basic_auth()).get_json()["employees"][0]["lastName"] == "Direkt"


@pytest.mark.parametrize("content_type", ["application/json; charset=UTF-8", "text/plain", None],
                         ids=["charset-suffix", "text", "missing"])
def test_custom_report_needs_exactly_application_json(client, bamboo, basic_auth, content_type):
    headers = basic_auth() | ({"Content-Type": content_type} if content_type else {})
    response = client.post(REPORT, data=json.dumps({"fields": FIELDS}), headers=headers)
    assert response.status_code == 400
    assert response.headers["X-BambooHR-Error-Message"] == "Malformed XML"


@pytest.mark.parametrize("accept, status", [("*/*", 404), ("application/xml", 404), ("application/json", 200)],
                         ids=["any", "xml", "json"])
def test_without_format_only_exact_accept_values_work(client, bamboo, basic_auth, accept, status):
    headers = {**basic_auth(), "Accept": accept, "Content-Type": "application/json"}
    response = client.post("/bamboohr/acme/v1/reports/custom", data=json.dumps({"fields": FIELDS}), headers=headers)
    assert response.status_code == status


def test_too_many_fields_are_refused(client, bamboo, basic_auth):
    response = report(client, basic_auth(), fields=[f"f{i}" for i in range(401)])
    assert response.status_code == 400 and "400 fields" in response.headers["X-BambooHR-Error-Message"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic d3Jvbmc6eA=="}, {"Authorization": "Bearer key-123"}],
                         ids=["missing", "wrong-key", "not-basic"])
def test_requests_without_the_key_get_401(client, bamboo, headers):
    response = client.get("/bamboohr/acme/v1/meta/fields", headers=headers)
    assert response.status_code == 401 and response.headers["X-BambooHR-Error-Message"]
    assert response.get_data() == b""


def test_any_password_goes_with_the_key(client, bamboo):
    response = client.get("/bamboohr/acme/v1/meta/fields", headers={"Authorization": "Basic a2V5LTEyMzo="})
    assert response.status_code == 200  # "key-123:" (empty password), as PyBambooHR sends it


def test_unknown_subdomain_is_404(client, bamboo, basic_auth):
    assert client.get("/bamboohr/nope/v1/meta/fields", headers=basic_auth()).status_code == 404


def test_meta_fields_is_a_bare_array_with_aliases_only_where_they_exist(client, bamboo, basic_auth):
    fields = client.get("/bamboohr/acme/v1/meta/fields", headers=basic_auth()).get_json()
    by_name = {f["name"]: f for f in fields}
    assert by_name["Birth Date"] == {"id": 6, "name": "Birth Date", "type": "date", "alias": "dateOfBirth"}
    assert by_name["Tax ID"] == {"id": 4001, "name": "Tax ID", "type": "text"}
    assert by_name["Languages"]["id"] == "4020.1"


def test_v1_endpoints_answer_xml_unless_json_is_accepted(client, bamboo, basic_auth):
    response = client.get("/bamboohr/acme/v1/meta/fields", headers={**basic_auth(), "Accept": "*/*"})
    assert response.status_code == 200 and response.content_type.startswith("text/xml")
    assert response.get_data(as_text=True).startswith("<response><item><id>1</id>")


def test_one_employee_with_requested_fields(client, bamboo, state, basic_auth):
    state.terminate_person(bamboo, "4", "2026-01-31")
    response = client.get("/bamboohr/acme/v1/employees/4?fields=firstName,status,terminationDate",
                          headers=basic_auth())
    person = bamboo.find("4")
    assert response.get_json() == {"id": "4", "firstName": person.first_name, "status": "Inactive",
                                   "terminationDate": "2026-01-31"}


def test_one_employee_defaults_to_first_and_last_name(client, bamboo, basic_auth):
    body = client.get("/bamboohr/acme/v1/employees/0", headers=basic_auth()).get_json()
    assert set(body) == {"id", "firstName", "lastName"} and body["id"] == "1"


def test_unknown_employee_is_404(client, bamboo, basic_auth):
    assert client.get("/bamboohr/acme/v1/employees/999", headers=basic_auth()).status_code == 404


def changed(client, headers, since, **params):
    return client.get("/bamboohr/acme/v1/employees/changed", query_string={"since": since, **params},
                      headers=headers)


def test_changed_lists_inserts_updates_terminations_and_deletions_keyed_by_id(client, bamboo, state, basic_auth):
    since = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(seconds=1)
    state.update_person(bamboo, "2", first_name="Zoë")
    state.terminate_person(bamboo, "3", "2026-02-01")
    added = state.add_person(bamboo, first_name="Neu", last_name="Person")
    state.delete_person(bamboo, "4")
    body = changed(client, basic_auth(), since.isoformat().replace("+00:00", "Z")).get_json()
    actions = {pid: entry["action"] for pid, entry in body["employees"].items()}
    assert actions == {"2": "Updated", "3": "Updated", added.id: "Inserted", "4": "Deleted"}
    assert body["employees"]["2"]["id"] == "2"
    assert body["latest"] == max(e["lastChanged"] for e in body["employees"].values())


def test_changed_filters_by_type(client, bamboo, state, basic_auth):
    state.update_person(bamboo, "2", first_name="Zoë")
    state.delete_person(bamboo, "4")
    body = changed(client, basic_auth(), "2025-01-01T00:00:00Z", type="deleted").get_json()
    assert list(body["employees"]) == ["4"]


@pytest.mark.parametrize("since", ["2025-01-01T00:00:00Z", "2025-01-01T01:00:00+01:00",
                                   "2025-01-01T01:00:00+0100"], ids=["Z", "colon-offset", "bare-offset"])
def test_changed_accepts_the_documented_since_formats(client, bamboo, basic_auth, since):
    assert changed(client, basic_auth(), since).status_code == 200


@pytest.mark.parametrize("query", ["", "?since=yesterday", "?since=2025-01-01T01:00:00+01:00",
                                   "?since=2025-01-01T00:00:00Z&type=renamed"],
                         ids=["missing", "garbage", "unescaped-plus", "bad-type"])
def test_changed_refuses_bad_queries(client, bamboo, basic_auth, query):
    response = client.get(f"/bamboohr/acme/v1/employees/changed{query}", headers=basic_auth())
    assert response.status_code == 400 and response.headers["X-BambooHR-Error-Message"]
