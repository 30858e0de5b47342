"""The fake Humaans API through Flask's test client: bearer tokens with scopes and roles, pages, filters, single
people, custom fields and values, the guessed limit, and every unconfirmed behaviour's switch."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sandbox.humaans_tenant import add_humaans_tenant, rehire

PEOPLE = "/humaans/api/people"
TODAY = dt.date(2026, 3, 1)
GOLDEN = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "real" / \
    "humaans_people_list_exhumaans.json"


@pytest.fixture
def acme(state):
    return add_humaans_tenant(state, "acme", people=120, seed=4, today=TODAY)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def listing(client, token, **params):
    return client.get(PEOPLE, query_string=params, headers=bearer(token))


def test_a_person_has_the_golden_samples_keys_in_its_order(client, acme):
    golden = json.loads(GOLDEN.read_text())
    body = listing(client, acme.grant(), **{"$limit": 1}).get_json()
    assert set(body) == set(golden) and body["limit"] == 1 and body["total"] == len(acme.people)
    person = body["data"][0]
    assert [k for k in person if k in golden["data"][0]] == [k for k in golden["data"][0] if k in person]
    assert len(person["id"]) == 24 and person["id"].isalnum()
    assert person["createdAt"].endswith("Z") and len(person["createdAt"]) == 24


@pytest.mark.parametrize("headers", [{}, bearer("hmn_unknown"), {"Authorization": "Basic abc"}])
def test_an_unknown_token_is_401(client, acme, headers):
    response = client.get(PEOPLE, headers=headers)
    assert response.status_code == 401 and response.get_json()["name"] == "NotAuthenticated"


def test_a_token_without_read_scopes_is_403(client, acme):
    assert listing(client, acme.grant(("webhooks:manage",))).status_code == 403


def test_a_user_role_token_sees_its_creator_only(client, acme):
    me = acme.people[5]
    token = acme.grant(role="user", person=me.id)
    body = listing(client, token).get_json()
    assert body["total"] == 1 and [p["id"] for p in body["data"]] == [me.id]
    assert client.get("/humaans/api/me", headers=bearer(token)).get_json()["id"] == me.id


def test_without_private_read_no_new_hires_offboarded_people_or_private_keys(client, acme):
    public = listing(client, acme.grant(("public:read",)), **{"$limit": 250}).get_json()
    full = listing(client, acme.grant(), **{"$limit": 250}).get_json()
    assert {p["status"] for p in public["data"]} == {"active"}
    assert {"newHire", "offboarded"} <= {p["status"] for p in full["data"]}
    assert "personalEmail" not in public["data"][0] and "address" not in public["data"][0]
    assert "personalEmail" in full["data"][0]


def test_private_keys_as_null_is_a_switch(client, state):
    tenant = add_humaans_tenant(state, "beta", people=3, private_without_scope="null")
    person = listing(client, tenant.grant(("public:read",))).get_json()["data"][0]
    assert "personalEmail" in person and person["personalEmail"] is None and person["address"] is None


def test_pages_default_to_100_and_stop_at_250(client, acme):
    token = acme.grant()
    assert listing(client, token).get_json()["limit"] == 100
    assert len(listing(client, token, **{"$limit": 500}).get_json()["data"]) == len(acme.people)  # 120 ≤ 250
    assert listing(client, token, **{"$limit": 500}).get_json()["limit"] == 250
    page = listing(client, token, **{"$limit": 50, "$skip": 100}).get_json()
    assert (page["skip"], len(page["data"]), page["total"]) == (100, 20, 120)


def test_a_limit_past_the_maximum_as_an_error_is_a_switch(client, state):
    tenant = add_humaans_tenant(state, "gamma", people=3, over_max_limit="error")
    assert listing(client, tenant.grant(), **{"$limit": 251}).status_code == 400


@pytest.mark.parametrize("query", [{"$limit": "x"}, {"$skip": "-1"}, {"status[$regex]": "a"}])
def test_bad_queries_are_400(client, acme, query):
    assert listing(client, acme.grant(), **query).status_code == 400


def test_filters_on_status_email_and_updated_at(client, acme):
    token = acme.grant()
    both = client.get(f"{PEOPLE}?status[$in]=newHire&status[$in]=offboarded&$limit=250", headers=bearer(token))
    assert {p["status"] for p in both.get_json()["data"]} == {"newHire", "offboarded"}
    someone = next(p for p in acme.people if p.work_email)
    by_mail = listing(client, token, email=someone.work_email).get_json()
    assert [p["id"] for p in by_mail["data"]] == [someone.id]
    assert listing(client, token, **{"updatedAt[$gt]": "2030-01-01T00:00:00.000Z"}).get_json()["total"] == 0


def test_the_status_default_of_active_only_is_a_switch(client, state):
    tenant = add_humaans_tenant(state, "delta", people=120, default_status_filter="active")
    token = tenant.grant()
    assert {p["status"] for p in listing(client, token, **{"$limit": 250}).get_json()["data"]} == {"active"}
    assert listing(client, token, **{"status[$in]": "offboarded"}).get_json()["total"] > 0


def test_ignoring_updated_at_is_a_switch(client, state):
    tenant = add_humaans_tenant(state, "epsilon", people=5, honour_updated_at=False)
    assert listing(client, tenant.grant(), **{"updatedAt[$gt]": "2030-01-01T00:00:00.000Z"}).get_json()["total"] == 5


def test_one_person_and_404(client, acme):
    token, person = acme.grant(), acme.people[0]
    assert client.get(f"{PEOPLE}/{person.id}", headers=bearer(token)).get_json()["firstName"] == person.first_name
    missing = client.get(f"{PEOPLE}/nobody", headers=bearer(token))
    assert missing.status_code == 404 and missing.get_json()["className"] == "not-found"


def test_plain_error_bodies_are_a_switch(client, state):
    tenant = add_humaans_tenant(state, "zeta", people=1, error_style="plain")
    assert client.get(f"{PEOPLE}/nobody", headers=bearer(tenant.grant())).get_json() == {
        "error": "No record found for id 'nobody'"}


def test_custom_fields_and_values(client, acme):
    token = acme.grant()
    fields = client.get("/humaans/api/custom-fields", headers=bearer(token)).get_json()
    assert fields["total"] == 3 and {f["type"] for f in fields["data"]} == {"text", "select", "multiselect"}
    languages = next(f for f in fields["data"] if f["name"] == "Languages")
    values = client.get("/humaans/api/custom-values", query_string={"customFieldId": languages["id"], "$limit": 250},
                        headers=bearer(token)).get_json()["data"]
    assert values and all(isinstance(v["value"], list) and v["customFieldId"] == languages["id"] for v in values)
    person = acme.people[0]
    mine = client.get("/humaans/api/custom-values", query_string={"personId": person.id},
                      headers=bearer(token)).get_json()["data"]
    assert {v["personId"] for v in mine} == {person.id}


def test_past_the_guessed_limit_a_429_with_retry_after_as_switched(client, state):
    for company, retry_after in (("eta", 7), ("theta", None)):
        tenant = add_humaans_tenant(state, company, people=1, rate_limited=True, retry_after=retry_after)
        token = tenant.grant()
        answers = [listing(client, token) for _ in range(13)]
        assert [a.status_code for a in answers] == [200] * 12 + [429]
        assert answers[-1].headers.get("Retry-After") == (None if retry_after is None else "7")


@pytest.mark.parametrize("switch, leaving, left", [("at_end_date", "active", "offboarded"),
                                                   ("at_offboarding", "offboarded", "offboarded"),
                                                   ("late", "active", "active")])
def test_when_the_status_turns_offboarded_is_a_switch(client, state, switch, leaving, left):
    tenant = add_humaans_tenant(state, f"off-{switch}", people=3, today=TODAY, offboarded_status=switch)
    state.update_person(tenant, tenant.people[0].id, status="active", termination_date=TODAY + dt.timedelta(days=9))
    state.update_person(tenant, tenant.people[1].id, status="inactive", hire_date=TODAY - dt.timedelta(days=400),
                        termination_date=TODAY - dt.timedelta(days=9))
    answer = {p["id"]: p["status"] for p in listing(client, tenant.grant()).get_json()["data"]}
    assert (answer[tenant.people[0].id], answer[tenant.people[1].id]) == (leaving, left)
    offboarded = listing(client, tenant.grant(), **{"status[$in]": "offboarded"}).get_json()["data"]
    assert {p["id"] for p in offboarded} == {i for i, status in answer.items() if status == "offboarded"}


def test_employee_id_as_a_number_is_a_switch(client, state):
    tenant = add_humaans_tenant(state, "numbers", people=2, today=TODAY, employee_id_type="number")
    state.update_person(tenant, tenant.people[0].id, employee_number="E00017")
    person = client.get(f"{PEOPLE}/{tenant.people[0].id}", headers=bearer(tenant.grant())).get_json()
    assert person["employeeId"] == 17


@pytest.mark.parametrize("keeps_id", [True, False])
def test_whether_a_rehire_keeps_its_id_is_a_switch(client, state, keeps_id):
    tenant = add_humaans_tenant(state, f"rehire-{keeps_id}", people=2, today=TODAY, rehire_keeps_id=keeps_id)
    left = state.update_person(tenant, tenant.people[0].id, status="inactive", termination_date=TODAY)
    again = rehire(state, tenant, left.id, TODAY + dt.timedelta(days=30))
    people = {p["id"]: p for p in listing(client, tenant.grant()).get_json()["data"]}
    assert (again.id == left.id) == keeps_id and len(people) == 2 + (not keeps_id)
    assert people[again.id]["employmentStartDate"] == (TODAY + dt.timedelta(days=30)).isoformat()
    assert people[again.id]["email"] == left.work_email
    if not keeps_id:
        assert people[left.id]["status"] == "offboarded"


@pytest.mark.parametrize("options", [{"default_status_filter": "none"}, {"retry_after": -1}, {"retry_after": "7"},
                                     {"honour_updated_at": 1}, {"nope": True}, {"offboarded_status": "never"},
                                     {"employee_id_type": "int"}, {"rehire_keeps_id": "yes"}])
def test_tenant_options_are_checked(state, options):
    with pytest.raises(ValueError):
        add_humaans_tenant(state, "iota", people=1, **options)


def test_the_control_api_creates_a_tenant_and_hands_out_tokens(client):
    created = client.post("/_sandbox/humaans", json={"company": "kappa", "people": 4, "error_style": "plain"})
    assert created.status_code == 201
    token = created.get_json()["access_token"]
    assert listing(client, token).get_json()["total"] == 4
    limited = client.post("/_sandbox/humaans/kappa/tokens", json={"scopes": ["public:read"], "role": "user"})
    assert listing(client, limited.get_json()["access_token"]).get_json()["total"] == 1
    info = client.get("/_sandbox/humaans/kappa").get_json()
    assert info["error_style"] == "plain" and info["tokens"] == 2 and token not in json.dumps(info)
    assert client.post("/_sandbox/humaans/kappa/tokens", json={"role": "king"}).status_code == 400
    assert client.post("/_sandbox/humaans", json={"company": "kappa"}).status_code == 409
    assert client.post("/_sandbox/humaans", json={"company": "lambda", "retry_after": "7"}).status_code == 400
