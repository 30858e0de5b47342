"""The fake HiBob API through Flask's test client: Basic auth, the search's rules, its two output forms, permissions,
metadata, named lists, the lifecycle table, the published limit and every unconfirmed behaviour's switch."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from sandbox.hibob_tenant import add_hibob_tenant, set_lifecycle
from sandbox.hibob_wire import item_id

SEARCH = "/hibob/v1/people/search"
TOKEN = "bob-token-123456"
TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def bob(state):
    return add_hibob_tenant(state, "SERVICE-1", TOKEN, people=40, seed=3, today=TODAY)


def basic(user="SERVICE-1", token=TOKEN) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()}


def search(client, body, **headers):
    return client.post(SEARCH, json=body, headers=headers or basic())


@pytest.mark.parametrize("headers", [{}, basic(token="wrong"), basic(user="SERVICE-2"),
                                     {"Authorization": f"Bearer {TOKEN}"}],
                         ids=["none", "wrong-token", "unknown-user", "bearer"])
def test_basic_auth_is_required(client, bob, headers):
    response = client.post(SEARCH, json={}, headers=headers)
    assert response.status_code == 401 and set(response.get_json()) == {"key", "error"}


def test_a_service_user_lives_in_one_environment(client, state, bob):
    add_hibob_tenant(state, "SERVICE-SBX", TOKEN, people=2, environment="sandbox")
    assert client.post("/hibob-sandbox/v1/people/search", json={}, headers=basic("SERVICE-SBX")).status_code == 200
    assert client.post(SEARCH, json={}, headers=basic("SERVICE-SBX")).status_code == 401
    assert client.post("/hibob-sandbox/v1/people/search", json={}, headers=basic()).status_code == 401


@pytest.mark.parametrize("filters", [
    [], [{"fieldPath": "root.id", "operator": "equals", "values": ["1"]}] * 2,
    [{"fieldPath": "work.department", "operator": "equals", "values": ["Sales"]}],
    [{"fieldPath": "root.id", "operator": "notEquals", "values": ["1"]}],
    [{"fieldPath": "root.id", "operator": "equals", "values": []}], {"fieldPath": "root.id"}, ["root.id"],
], ids=["empty-list", "two-filters", "other-path", "other-operator", "empty-values", "not-a-list", "not-an-object"])
def test_the_one_filter_rule(client, bob, filters):
    response = search(client, {"filters": filters})
    assert response.status_code == 400 and response.get_json()["error"]


@pytest.mark.parametrize("body", [[], {"fields": "root.id"}, {"fields": ["root.id"] * 401},
                                  {"humanReadable": "humanReadable"}, {"humanReadable": True}])
def test_malformed_searches_are_refused(client, bob, body):
    assert search(client, body).status_code == 400


def test_a_filter_on_id_or_email_narrows_the_answer(client, bob):
    people = bob.people[:3]
    by_id = search(client, {"fields": ["root.id"], "showInactive": True, "filters": [
        {"fieldPath": "root.id", "operator": "equals", "values": [p.id for p in people]}]}).get_json()
    assert [e["id"] for e in by_id["employees"]] == [p.id for p in people]
    someone = next(p for p in bob.people if p.work_email)
    by_mail = search(client, {"fields": ["root.id"], "filters": [
        {"fieldPath": "root.email", "operator": "equals", "values": [someone.work_email]}]}).get_json()
    assert [e["id"] for e in by_mail["employees"]] in ([someone.id], [])  # [] when that person is Inactive


def test_inactive_people_only_with_show_inactive(client, bob):
    everyone = search(client, {"fields": ["root.id", "internal.status"], "showInactive": True}).get_json()
    active = search(client, {"fields": ["root.id", "internal.status"]}).get_json()
    statuses = {e["id"]: e["internal"]["status"] for e in everyone["employees"]}
    assert len(statuses) == len(bob.people) and "Inactive" in statuses.values()
    assert {e["id"] for e in active["employees"]} == {i for i, s in statuses.items() if s == "Active"}
    lifecycles = {p.status for p in bob.people if statuses[p.id] == "Inactive"}
    assert lifecycles <= {"inactive", "onboarding", "active"}  # leavers, future joiners, garden leave


def test_every_requested_field_comes_as_a_slash_key_and_nested(client, bob):
    person = bob.people[0]
    (employee,) = [e for e in search(client, {"fields": ["root.firstName", "work.startDate", "address.city"],
                                              "showInactive": True}).get_json()["employees"] if e["id"] == person.id]
    assert employee["/root/firstName"] == {"value": person.first_name} and employee["firstName"] == person.first_name
    assert employee["/work/startDate"] == {"value": person.hire_date.isoformat()}
    assert employee["work"]["startDate"] == person.hire_date.isoformat()
    assert employee["address"]["city"] == person.city and "/root/id" in employee


def test_unknown_and_unpermitted_fields_are_left_out_without_a_word(client, state):
    tenant = add_hibob_tenant(state, "SERVICE-2", TOKEN, people=3, readable_categories=["root", "work"])
    answer = client.post(SEARCH, json={"fields": ["root.email", "home.privateEmail", "work.nope"],
                                       "showInactive": True}, headers=basic("SERVICE-2"))
    assert answer.status_code == 200
    for employee in answer.get_json()["employees"]:
        assert "/root/email" in employee and "/home/privateEmail" not in employee and "home" not in employee
        assert "/work/nope" not in employee
    assert len(answer.get_json()["employees"]) <= len(tenant.people)


def test_without_fields_the_basic_fields_and_work_come_nested_only(client, bob):
    employee = search(client, {"showInactive": True}).get_json()["employees"][0]
    assert "firstName" in employee and "work" in employee and "internal" not in employee
    assert not any(key.startswith("/") for key in employee)


def test_list_fields_hold_item_ids_and_human_readable_has_the_text(client, bob):
    person = next(p for p in bob.people if p.job_title and p.hire_date)
    body = {"fields": ["work.title", "work.startDate"], "showInactive": True, "filters": [
        {"fieldPath": "root.id", "operator": "equals", "values": [person.id]}]}
    plain = search(client, body).get_json()["employees"][0]
    appended = search(client, {**body, "humanReadable": "APPEND"}).get_json()["employees"][0]
    replaced = search(client, {**body, "humanReadable": "REPLACE"}).get_json()["employees"][0]
    assert plain["work"]["title"] == item_id(person.job_title) and "humanReadable" not in plain
    assert appended["work"]["title"] == item_id(person.job_title)
    assert appended["humanReadable"]["work"] == {"title": person.job_title,
                                                 "startDate": person.hire_date.strftime("%d/%m/%Y")}
    assert replaced["work"]["title"] == person.job_title and "/" in replaced["work"]["startDate"]
    assert "humanReadable" not in appended["/work/title"]  # the sibling is a switch (unconfirmed)


@pytest.mark.parametrize("switches, value, status", [({}, "append", 200), ({"lowercase_human_readable": False},
                                                                              "append", 400)])
def test_lowercase_human_readable_is_a_switch(client, state, switches, value, status):
    add_hibob_tenant(state, "SERVICE-3", TOKEN, people=2, **switches)
    assert client.post(SEARCH, json={"humanReadable": value}, headers=basic("SERVICE-3")).status_code == status


def test_slash_human_readable_sibling_is_a_switch(client, state):
    tenant = add_hibob_tenant(state, "SERVICE-4", TOKEN, people=2, slash_human_readable=True, quirks=False)
    employee = client.post(SEARCH, json={"fields": ["work.title"], "humanReadable": "APPEND", "showInactive": True},
                           headers=basic("SERVICE-4")).get_json()["employees"][0]
    person = tenant.find(employee["id"])
    assert employee["/work/title"] == {"value": item_id(person.job_title), "humanReadable": person.job_title}


def test_garden_leave_and_its_spellings(client, state):
    tenant = add_hibob_tenant(state, "SERVICE-5", TOKEN, people=3, quirks=False, lifecycle_spelling="underscore")
    person = tenant.people[0]
    set_lifecycle(state, tenant, person.id, "garden leave", "2026-02-20")
    (employee,) = [e for e in client.post(SEARCH, json={"fields": ["internal.lifecycleStatus", "internal.status"],
                                                        "showInactive": True}, headers=basic("SERVICE-5")).get_json()[
        "employees"] if e["id"] == person.id]
    assert employee["internal"] == {"lifecycleStatus": "garden_leave", "status": "Inactive"}
    table = client.get(f"/hibob/v1/people/{person.id}/lifecycle", headers=basic("SERVICE-5")).get_json()["values"]
    assert ("2026-02-20", "garden_leave") in [(v["effectiveDate"], v["status"]) for v in table]


def test_a_rehire_keeps_its_id_and_the_old_date_unless_switched(client, state):
    for user, clears in (("SERVICE-6", False), ("SERVICE-7", True)):
        tenant = add_hibob_tenant(state, user, TOKEN, people=1, quirks=False, rehire_clears_termination=clears)
        person = tenant.people[0]
        state.update_person(tenant, person.id, status="active", hire_date="2025-06-01", termination_date="2024-12-31")
        employee = client.post(SEARCH, json={"fields": ["internal.terminationDate", "internal.lifecycleStatus"],
                                             "showInactive": True}, headers=basic(user)).get_json()["employees"][0]
        assert employee["id"] == person.id and employee["internal"]["lifecycleStatus"] == "employed"
        assert employee["internal"]["terminationDate"] == (None if clears else "2024-12-31")
        table = client.get(f"/hibob/v1/people/{person.id}/lifecycle", headers=basic(user)).get_json()["values"]
        assert [v["status"] for v in table] == ["employed", "terminated", "employed"]


def test_the_population_everyone_sees_active_people_only(client, state):
    tenant = add_hibob_tenant(state, "SERVICE-8", TOKEN, people=60, population="everyone")
    seen = client.post(SEARCH, json={"fields": ["internal.status"], "showInactive": True},
                       headers=basic("SERVICE-8")).get_json()["employees"]
    assert {e["internal"]["status"] for e in seen} == {"Active"} and len(seen) < len(tenant.people)


def test_a_service_user_in_no_permission_group_finds_nobody_with_a_200(client, state):
    add_hibob_tenant(state, "SERVICE-18", TOKEN, people=10, population="none")
    answer = client.post(SEARCH, json={"fields": ["root.id"], "showInactive": True}, headers=basic("SERVICE-18"))
    assert answer.status_code == 200 and answer.get_json() == {"employees": []}
    assert client.get("/hibob/v1/company/people/fields", headers=basic("SERVICE-18")).status_code == 200


def test_the_fields_metadata_is_a_bare_array_whatever_the_permissions(client, state):
    add_hibob_tenant(state, "SERVICE-9", TOKEN, people=1, readable_categories=[])
    fields = client.get("/hibob/v1/company/people/fields", headers=basic("SERVICE-9")).get_json()
    first = next(f for f in fields if f["id"] == "root.firstName")
    assert first == {"id": "root.firstName", "categoryId": "root", "categoryDisplayName": "Basic info",
                     "category": "root", "name": "First name", "description": None, "jsonPath": "firstName",
                     "type": "text", "typeData": {}, "historical": False}
    title = next(f for f in fields if f["id"] == "work.title")
    assert title["type"] == "list" and title["typeData"] == {"listId": "title"}


def test_named_lists(client, bob):
    one = client.get("/hibob/v1/company/named-lists/title", headers=basic()).get_json()
    assert {"id": item_id("Designer"), "value": "Designer", "name": "Designer", "archived": False,
            "children": []} in one["items"]
    assert "title" in client.get("/hibob/v1/company/named-lists", headers=basic()).get_json()
    assert client.get("/hibob/v1/company/named-lists/nope", headers=basic()).status_code == 404


@pytest.mark.parametrize("switch, found", [(True, 200), (False, 404)])
def test_reading_one_inactive_employee_is_a_switch(client, state, switch, found):
    tenant = add_hibob_tenant(state, "SERVICE-10", TOKEN, people=40, single_read_inactive=switch)
    leaver = next(p for p in tenant.people if p.status == "inactive")
    response = client.post(f"/hibob/v1/people/{leaver.id}", json={"fields": ["root.firstName"]},
                           headers=basic("SERVICE-10"))
    assert response.status_code == found
    if found == 200:
        assert response.get_json()["/root/firstName"] == {"value": leaver.first_name}


def test_fifty_searches_a_minute_then_429_with_the_three_headers(client, state):
    add_hibob_tenant(state, "SERVICE-11", TOKEN, people=1, rate_limited=True)
    answers = [client.post(SEARCH, json={}, headers=basic("SERVICE-11")) for _ in range(51)]
    assert [a.status_code for a in answers] == [200] * 50 + [429]
    assert answers[0].headers["X-RateLimit-Limit"] == "50" and answers[0].headers["X-RateLimit-Remaining"] == "49"
    refused = answers[-1].headers
    assert refused["X-RateLimit-Remaining"] == "0" and int(refused["X-RateLimit-Reset"]) > 1e9
    assert "Retry-After" not in refused  # undocumented: a switch
    assert client.get("/hibob/v1/company/people/fields", headers=basic("SERVICE-11")).status_code == 200


def test_the_retry_after_of_a_429_is_a_switch(client, state):
    add_hibob_tenant(state, "SERVICE-12", TOKEN, people=1, rate_limited=True, search_limit=(1, 60.0),
                     retry_after=True)
    client.post(SEARCH, json={}, headers=basic("SERVICE-12"))
    refused = client.post(SEARCH, json={}, headers=basic("SERVICE-12"))
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 61


@pytest.mark.parametrize("options", [{"population": "some"}, {"environment": "staging"}, {"nope": True},
                                     {"lifecycle_spelling": "kebab"}, {"signed_ping": "yes"},
                                     {"readable_categories": "root"}])
def test_tenant_options_are_checked(state, options):
    with pytest.raises(ValueError):
        add_hibob_tenant(state, "SERVICE-13", TOKEN, people=1, **options)


def test_the_control_api_creates_a_tenant_and_sets_a_lifecycle(client):
    created = client.post("/_sandbox/hibob", json={"service_user_id": "SERVICE-20", "token": TOKEN, "people": 5,
                                                   "signed_ping": True})
    assert created.status_code == 201 and created.get_json()["people"] == 5
    info = client.get("/_sandbox/hibob/SERVICE-20").get_json()
    assert info["signed_ping"] is True and info["base_url"].endswith("/hibob") and TOKEN not in str(info)
    person = client.get("/_sandbox/hibob/SERVICE-20/people").get_json()[0]
    assert client.put(f"/_sandbox/hibob/SERVICE-20/people/{person['id']}/lifecycle",
                      json={"status": "parental leave"}).status_code == 200
    assert client.put(f"/_sandbox/hibob/SERVICE-20/people/{person['id']}/lifecycle",
                      json={"status": "retired"}).status_code == 400
    assert client.post("/_sandbox/hibob", json={"service_user_id": "SERVICE-20", "token": "x"}).status_code == 409
    assert client.post("/_sandbox/hibob", json={"service_user_id": "S", "token": "x", "latency": "1"}).status_code \
        == 400
    assert any(t["kind"] == "hibob" for t in client.get("/_sandbox/tenants").get_json())


def test_v2_envelopes_look_like_bobs(state, bob):
    import re

    from sandbox.hibob_webhooks import envelope

    document = envelope(bob, bob.people[0].id, "table.entry.created")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}", document["triggeredAt"])  # microseconds, no zone
    assert (document["version"], document["companyId"], document["data"]["tableId"]) == ("v2", int(bob.company_id),
                                                                                         "lifecycle")
    assert set(document) == {"companyId", "type", "triggeredBy", "triggeredAt", "version", "data"}
    with pytest.raises(ValueError):
        envelope(bob, "1", "employee.promoted")
