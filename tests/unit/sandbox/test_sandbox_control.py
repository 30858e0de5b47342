"""The /_sandbox control API through Flask's test client."""

from __future__ import annotations

import pytest

CONTROL = "/_sandbox"


def test_health(client):
    assert client.get(f"{CONTROL}/health").get_json() == {"ok": True}


def test_create_tenants_and_list_them(client, state):
    created = client.post(f"{CONTROL}/bamboohr", json={"subdomain": "acme", "api_key": "k", "people": 4})
    assert created.status_code == 201
    assert created.get_json()["base_url"] == "http://localhost/bamboohr/{subdomain}"
    client.post(f"{CONTROL}/personio", json={"client_id": "c", "client_secret": "s", "people": 2,
                                             "token_mode": "rotating", "readable_attributes": ["first_name"]})
    listed = client.get(f"{CONTROL}/tenants").get_json()
    assert [(t["kind"], t["key"], t["people"]) for t in listed] == [("bamboohr", "acme", 4), ("personio", "c", 2)]
    assert listed[1]["token_mode"] == "rotating" and listed[1]["readable_attributes"] == ["first_name"]
    assert "api_key" not in listed[0] and "client_secret" not in listed[1]


def test_given_people_are_used(client, state):
    client.post(f"{CONTROL}/bamboohr", json={"subdomain": "acme", "api_key": "k",
                                             "people": [{"first_name": "Anna", "last_name": "Müller"}]})
    assert client.get(f"{CONTROL}/bamboohr/acme/people").get_json()[0]["last_name"] == "Müller"


@pytest.mark.parametrize("body, status", [
    ({"api_key": "k"}, 400),
    ({"subdomain": "acme", "api_key": "k", "people": -1}, 400),
    ({"subdomain": "acme", "api_key": "k", "people": "many"}, 400),
    ({"subdomain": "acme", "api_key": "k", "people": [{"first_name": "A"}]}, 400),
    ({"subdomain": "taken", "api_key": "k"}, 409),
], ids=["no-subdomain", "negative-people", "people-not-a-count", "person-without-last-name", "duplicate"])
def test_bad_tenant_requests(client, state, body, status):
    state.add_bamboohr_tenant("taken", "k", people=1)
    response = client.post(f"{CONTROL}/bamboohr", json=body)
    assert response.status_code == status and response.get_json()["error"]["message"]


def test_non_json_body_is_a_400(client):
    response = client.post(f"{CONTROL}/bamboohr", data="subdomain=acme", content_type="text/plain")
    assert response.status_code == 400


def test_people_crud(client, bamboo):
    people = f"{CONTROL}/bamboohr/acme/people"
    added = client.post(people, json={"first_name": "Neu", "last_name": "Person", "hire_date": "2026-04-01"})
    assert added.status_code == 201 and added.get_json()["id"] == "31"
    assert client.patch(f"{people}/31", json={"city": "Genève"}).get_json()["city"] == "Genève"
    terminated = client.post(f"{people}/31/terminate", json={"date": "2026-05-01"}).get_json()
    assert (terminated["status"], terminated["termination_date"]) == ("inactive", "2026-05-01")
    assert client.get(f"{people}/31").get_json()["first_name"] == "Neu"
    assert client.delete(f"{people}/31").status_code == 204
    assert client.get(f"{people}/31").status_code == 404


@pytest.mark.parametrize("method, path, body, status", [
    ("patch", "/bamboohr/acme/people/1", {"salary": 3}, 400),
    ("patch", "/bamboohr/acme/people/999", {"city": "X"}, 404),
    ("patch", "/bamboohr/nope/people/1", {"city": "X"}, 404),
    ("post", "/bamboohr/acme/people/1/terminate", {}, 400),
    ("post", "/bamboohr/acme/people/1/terminate", {"date": "soon"}, 400),
    ("post", "/bamboohr/acme/faults", {"kind": "meteor"}, 400),
    ("post", "/bamboohr/acme/faults", {"kind": "slow", "colour": "red"}, 400),
    ("post", "/bamboohr/acme/faults", {"kind": "slow", "count": "3"}, 400),
], ids=["unknown-field", "unknown-person", "unknown-tenant", "no-date", "bad-date", "bad-fault", "bad-option",
        "count-as-text"])
def test_bad_edits_are_refused(client, bamboo, method, path, body, status):
    response = getattr(client, method)(f"{CONTROL}{path}", json=body)
    assert response.status_code == status and response.get_json()["error"]["code"] == status


def test_faults_and_request_log(client, bamboo, basic_auth):
    created = client.post(f"{CONTROL}/bamboohr/acme/faults", json={"kind": "rate_limit", "count": 1,
                                                                   "status": 503, "retry_after": 2})
    assert created.status_code == 201 and created.get_json()["retry_after"] == 2
    assert client.get("/bamboohr/acme/v1/meta/fields", headers=basic_auth()).status_code == 503
    log = client.get(f"{CONTROL}/bamboohr/acme/requests").get_json()
    assert [(r["method"], r["path"], r["status"], r["fault"]) for r in log] == [
        ("GET", "/v1/meta/fields", 503, "rate_limit")]
    assert client.delete(f"{CONTROL}/bamboohr/acme/requests").status_code == 204
    assert client.get(f"{CONTROL}/bamboohr/acme/requests").get_json() == []


def test_expire_tokens_forces_reauthentication(client, perso, login):
    headers = login()
    assert client.post(f"{CONTROL}/personio/cid/tokens/expire").status_code == 204
    assert client.get("/personio/v1/company/employees", headers=headers).status_code == 403  # the spec's example status for a token no longer valid


def test_webhook_without_a_person_is_refused(client, bamboo):
    response = client.post(f"{CONTROL}/bamboohr/acme/webhooks", json={"target_url": "http://127.0.0.1:9/",
                                                                       "secret": "s"})
    assert response.status_code == 400


def test_reset_forgets_everything(client, bamboo, perso):
    assert client.post(f"{CONTROL}/reset").status_code == 200
    assert client.get(f"{CONTROL}/tenants").get_json() == []


def test_control_api_answers_loopback_only(client):
    response = client.get(f"{CONTROL}/tenants", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 403
