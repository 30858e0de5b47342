"""The fake Personio v1 API through Flask's test client: auth and tokens, paging, attribute shapes, whitelist."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

EMPLOYEES = "/personio/v1/company/employees"


def page(client, headers, **params):
    return client.get(EMPLOYEES, query_string=params, headers=headers)


def test_auth_with_a_json_body_returns_a_papi_token(client, perso):
    body = client.post("/personio/v1/auth", json={"client_id": "cid", "client_secret": "secret"}).get_json()
    assert body["success"] is True
    assert body["data"]["token"].startswith("papi-") and 0 < body["data"]["expires_in"] <= 86400


def test_auth_with_a_form_body_works_too(client, perso):
    response = client.post("/personio/v1/auth", data={"client_id": "cid", "client_secret": "secret"})
    assert response.status_code == 200


@pytest.mark.parametrize("kwargs, status", [
    ({"json": {"client_id": "cid", "client_secret": "wrong"}}, 401),
    ({"json": {"client_id": "nobody", "client_secret": "secret"}}, 401),
    ({"json": {"client_id": "cid"}}, 400),
    ({"query_string": {"client_id": "cid", "client_secret": "secret"}}, 403),
], ids=["wrong-secret", "unknown-client", "missing-secret", "query-string-credentials"])
def test_auth_failures_use_the_v1_error_envelope(client, perso, kwargs, status):
    response = client.post("/personio/v1/auth", **kwargs)
    body = response.get_json()
    assert response.status_code == status
    assert body["success"] is False and body["error"]["code"] == status and body["error"]["message"]


def test_reusable_tokens_come_back_the_same_and_are_echoed(client, perso, login):
    headers = login()
    assert login() == headers
    response = page(client, headers, limit=1)
    assert response.headers["Authorization"] == headers["Authorization"]
    assert page(client, headers, limit=1).status_code == 200


def test_rotating_tokens_are_single_use_and_each_response_carries_the_next(client, state, login):
    state.add_personio_tenant("rot", "s", people=3, token_mode="rotating")
    headers = login("rot", "s")
    first = page(client, headers, limit=1)
    echoed = first.headers["Authorization"]
    assert echoed != headers["Authorization"]
    assert page(client, headers, limit=1).status_code == 403
    assert page(client, {"Authorization": echoed}, limit=1).status_code == 200


@pytest.mark.parametrize("headers, message", [
    ({}, "Authorization is not provided"),
    ({"Authorization": "Bearer papi-forged"}, "Provided authorization is not valid"),
    ({"Authorization": "Basic Y2lkOnNlY3JldA=="}, "Authorization is not provided"),
], ids=["missing", "unknown-token", "basic-auth"])
def test_calls_without_a_valid_token_get_401(client, perso, headers, message):
    response = page(client, headers)
    assert response.status_code == 401 and response.get_json()["error"]["message"] == message
    assert "Authorization" not in response.headers


def test_expired_tokens_get_403_and_a_new_auth_helps(client, perso, login):
    headers = login()
    perso.expire_tokens()
    assert page(client, headers).status_code == 403
    assert page(client, login()).status_code == 200


def test_default_page_is_fifty_from_the_start(client, perso, login):
    body = page(client, login()).get_json()
    assert (body["limit"], body["offset"], len(body["data"])) == (50, 0, 50)
    assert body["metadata"] == {"total_elements": 250, "current_page": 0, "total_pages": 5}


def test_offset_counts_records_and_pages_cover_everyone_once(client, perso, login):
    headers, seen, offset = login(), [], 0
    while True:
        data = page(client, headers, limit=100, offset=offset).get_json()["data"]
        seen += [e["attributes"]["id"]["value"] for e in data]
        if len(data) < 100:
            break
        offset += 100
    assert seen == [int(p.id) for p in perso.people]
    shifted = page(client, headers, limit=2, offset=1).get_json()["data"]
    assert [e["attributes"]["id"]["value"] for e in shifted] == seen[1:3]


@pytest.mark.parametrize("offset, count", [(249, 1), (250, 0), (1000, 0)], ids=["last", "end", "beyond"])
def test_pages_at_and_past_the_end(client, perso, login, offset, count):
    assert len(page(client, login(), limit=100, offset=offset).get_json()["data"]) == count


@pytest.mark.parametrize("params, message", [
    ({"limit": 101}, "The limit must be between 1 and 100."),
    ({"limit": 0}, "The limit must be between 1 and 100."),
    ({"limit": "ten"}, "limit and offset must be integers"),
    ({"offset": -1}, "The offset must not be negative."),
    ({"updated_since": "last week"}, "updated_since must be an ISO 8601 date or date-time"),
], ids=["over-max", "zero", "not-a-number", "negative-offset", "bad-updated-since"])
def test_paging_limits_are_enforced(client, perso, login, params, message):
    response = page(client, login(), **params)
    assert response.status_code == 400 and response.get_json()["error"]["message"] == message


def test_attributes_have_the_label_value_type_universal_id_shape(client, perso, login):
    attributes = page(client, login(), limit=1).get_json()["data"][0]["attributes"]
    assert all(set(a) == {"label", "value", "type", "universal_id"} for a in attributes.values())
    assert attributes["id"] == {"label": "ID", "value": 100001, "type": "integer", "universal_id": "id"}
    assert attributes["dynamic_24407"]["universal_id"] is None


def test_dates_carry_offsets_and_custom_dates_are_plain(client, perso, login):
    person = perso.people[0]
    attributes = page(client, login(), limit=1).get_json()["data"][0]["attributes"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00\+0[12]:00", attributes["hire_date"]["value"])
    assert attributes["hire_date"]["value"][:10] == person.hire_date.isoformat()
    assert attributes["dynamic_1001"]["value"] == person.date_of_birth.isoformat()


def test_empty_values_come_as_null_empty_string_or_empty_list(client, state, login):
    state.add_personio_tenant("e", "s", people=[{"first_name": "Ana", "last_name": "Pérez García"}])
    attributes = page(client, login("e", "s")).get_json()["data"][0]["attributes"]
    assert attributes["termination_date"]["value"] is None
    assert attributes["termination_type"]["value"] == ""
    assert attributes["cost_centers"]["value"] == []
    assert attributes["office"]["value"] is None


def test_department_and_office_are_objects(client, perso, login):
    attributes = page(client, login(), limit=1).get_json()["data"][0]["attributes"]
    department = attributes["department"]["value"]
    assert department["type"] == "Department" and department["attributes"]["name"] == perso.people[0].department


def test_attributes_outside_the_whitelist_are_absent(client, state, login):
    state.add_personio_tenant("w", "s", people=3, readable_attributes={"first_name", "last_name", "status"})
    headers = login("w", "s")
    for employee in page(client, headers).get_json()["data"]:
        assert set(employee["attributes"]) == {"id", "first_name", "last_name", "status"}
    listed = client.get(f"{EMPLOYEES}/attributes", headers=headers).get_json()["data"]
    assert {a["key"] for a in listed} == {"id", "first_name", "last_name", "status"}


def test_attribute_listing_includes_custom_attributes_and_options(client, perso, login):
    listed = {a["key"]: a for a in client.get(f"{EMPLOYEES}/attributes", headers=login()).get_json()["data"]}
    assert listed["dynamic_1011"] == {"key": "dynamic_1011", "label": "Sprachen", "type": "tags",
                                      "universal_id": None, "options": listed["dynamic_1011"]["options"]}
    assert "English" in listed["dynamic_1011"]["options"]
    alias = client.get(f"{EMPLOYEES}/custom-attributes", headers=login()).get_json()["data"]
    assert [a["key"] for a in alias] == list(listed)


def test_attributes_projection_keeps_id(client, perso, login):
    response = client.get(f"{EMPLOYEES}?attributes[]=first_name&attributes[]=email&limit=2", headers=login())
    assert [set(e["attributes"]) for e in response.get_json()["data"]] == [{"id", "first_name", "email"}] * 2


def test_email_filter_finds_one_person(client, perso, login):
    email = perso.people[5].work_email or perso.people[5].home_email
    data = page(client, login(), email=email).get_json()["data"]
    assert [e["attributes"]["id"]["value"] for e in data] == [int(perso.people[5].id)]


def test_updated_since_only_sees_changes_to_readable_attributes(client, state, login):
    tenant = state.add_personio_tenant("u", "s", people=5, readable_attributes={"first_name", "status"})
    # A naive updated_since is read as the company's local time.
    since = dt.datetime.now(ZoneInfo("Europe/Berlin")).replace(tzinfo=None, microsecond=0)
    state.update_person(tenant, "100002", first_name="Zoë")
    state.update_person(tenant, "100003", city="Zürich")
    body = page(client, login("u", "s"), updated_since=(since - dt.timedelta(seconds=1)).isoformat()).get_json()
    assert [e["attributes"]["id"]["value"] for e in body["data"]] == [100002]
    assert body["limit"] == 100


def test_one_employee(client, perso, login):
    body = client.get(f"{EMPLOYEES}/100007", headers=login()).get_json()
    assert body["success"] is True and body["data"]["type"] == "Employee"
    assert body["data"]["attributes"]["id"]["value"] == 100007


def test_unknown_employee_is_404_in_german(client, perso, login):
    response = client.get(f"{EMPLOYEES}/1", headers=login())
    assert response.status_code == 404
    assert response.get_json()["error"] == {"code": 404, "message": "Es ist ein Problem aufgetreten"}
