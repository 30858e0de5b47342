"""GET|POST /api/v1/stakeholders: pages and filters, manual creation with validation, audit, isolation."""

from __future__ import annotations

import pytest

from store.db import transaction
from store.repositories import audit, companies, stakeholder_writes

URL = "/api/v1/stakeholders"
SPEC_KEYS = {"id", "name", "first_name", "last_name", "unique_identifier", "email", "street", "postal_code", "city",
             "country", "birth_date", "nationality", "phone", "group", "hr_provider", "hr_remote_id", "version"}


def seed(services, company_id, rows):
    with transaction(services.session_factory) as session:
        return stakeholder_writes.create_stakeholders(session, company_id, rows)


@pytest.fixture
def registry(services, company):
    return seed(services, company.id, [
        {"name": "Anna Müller", "group": "Employees", "hr_provider": "personio", "hr_remote_id": "1"},
        {"name": "Ben Okafor", "group": "Employees"},
        {"name": "Seedcamp Fund IV", "group": "Investors"},
        {"name": "Carla Rossi", "group": "Ex-employee", "hr_provider": "personio", "hr_remote_id": "3"},
        {"name": "Dara Nguyen", "group": "Employees", "hr_provider": "personio", "hr_remote_id": "4"},
    ])


def names(answer):
    return [item["name"] for item in answer.json["items"]]


def test_a_stakeholder_has_exactly_the_spec_fields(client, company, registry):
    answer = client.get(URL, headers=company.auth)
    assert answer.status_code == 200
    first = answer.json["items"][0]
    assert set(first) == SPEC_KEYS
    assert first | {"id": None} == {**dict.fromkeys(SPEC_KEYS), "name": "Anna Müller", "group": "Employees",
                                    "hr_provider": "personio", "hr_remote_id": "1", "version": 1}
    assert answer.json["next"] is None


def test_pages_follow_the_cursor_to_the_end(client, company, registry):
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        answer = client.get(URL, query_string=params, headers=company.auth)
        seen += names(answer)
        pages, cursor = pages + 1, answer.json["next"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == [s.name for s in registry]


@pytest.mark.parametrize("params, expected", [
    ({"group": "Employees"}, ["Anna Müller", "Ben Okafor", "Dara Nguyen"]),
    ({"linked": "true"}, ["Anna Müller", "Carla Rossi", "Dara Nguyen"]),
    ({"linked": "false"}, ["Ben Okafor", "Seedcamp Fund IV"]),
    ({"group": "Employees", "linked": "false"}, ["Ben Okafor"]),
    ({"group": "Nobody"}, []),
], ids=["group", "linked", "unlinked", "group-and-unlinked", "empty-group"])
def test_filters(client, company, registry, params, expected):
    assert names(client.get(URL, query_string=params, headers=company.auth)) == expected


@pytest.mark.parametrize("query, field", [
    ("linked=yes", "linked"), ("limit=0", "limit"), ("limit=501", "limit"), ("limit=ten", "limit"),
    ("cursor=abc", "cursor"), ("cursor=" + "9" * 19, "cursor"), ("colour=red", "colour"),
    ("group=a&group=b", "group"), ("group=", "group"),
], ids=["linked-yes", "limit-zero", "limit-too-big", "limit-text", "cursor-text", "cursor-too-long",
        "unknown-parameter", "repeated-parameter", "empty-group"])
def test_bad_queries_name_the_parameter(client, company, registry, query, field):
    answer = client.get(f"{URL}?{query}", headers=company.auth)
    assert (answer.status_code, answer.json["error"]["code"]) == (422, "invalid_request")
    assert answer.json["error"]["message"].startswith(f"{field}: ")


def test_a_manual_stakeholder_is_created_unlinked_and_audited(client, company, services):
    answer = client.post(URL, json={"name": "Helvetia Angels AG", "group": "Investors", "country": "CH",
                                    "birth_date": None}, headers=company.auth)
    assert answer.status_code == 201, answer.json
    created = answer.json
    assert set(created) == SPEC_KEYS
    assert (created["name"], created["group"], created["hr_remote_id"], created["version"]) == \
        ("Helvetia Angels AG", "Investors", None, 1)
    with transaction(services.session_factory) as session:
        entry = audit.list_entries(session, company.id).items[0]
    assert (entry.action, entry.stakeholder_id) == ("stakeholder.created", created["id"])
    assert entry.actor == f"api token {company.token[:8]}…" and entry.after["name"] == "Helvetia Angels AG"
    assert company.token not in entry.actor


def test_the_name_follows_the_company_name_format(client, company, services):
    with transaction(services.session_factory) as session:
        companies.update_settings(session, company.id, name_format="last_comma_first")
    answer = client.post(URL, json={"first_name": "Anna", "last_name": "Müller", "email": "anna@acme.example",
                                    "birth_date": "1990-02-28"}, headers=company.auth)
    assert answer.status_code == 201
    assert (answer.json["name"], answer.json["birth_date"]) == ("Müller, Anna", "1990-02-28")


def test_a_taken_identifier_is_a_conflict(client, company):
    first = client.post(URL, json={"name": "Anna Müller", "unique_identifier": "E-1"}, headers=company.auth)
    second = client.post(URL, json={"name": "Anna Mueller", "unique_identifier": "E-1"}, headers=company.auth)
    assert first.status_code == 201
    assert (second.status_code, second.json["error"]["code"]) == (409, "duplicate_stakeholder")
    assert len(client.get(URL, headers=company.auth).json["items"]) == 1


@pytest.mark.parametrize("body, field", [
    ({"group": "Investors"}, "name"),
    ({"first_name": "Anna"}, "name"),
    ({"name": ""}, "name"),
    ({"name": "x" * 301}, "name"),
    ({"name": "Anna", "email": "not-an-address"}, "email"),
    ({"name": "Anna", "birth_date": "28.02.1990"}, "birth_date"),
    ({"name": "Anna", "group": 7}, "group"),
    ({"name": "Anna", "hr_provider": "personio", "hr_remote_id": "9"}, "hr_provider"),
    ({"name": "Anna", "version": 3}, "version"),
], ids=["no-name", "first-name-only", "empty-name", "long-name", "bad-email", "bad-date", "number-group",
        "hr-link", "version"])
def test_refused_stakeholders_name_the_field_and_create_nothing(client, company, body, field):
    answer = client.post(URL, json=body, headers=company.auth)
    assert (answer.status_code, answer.json["error"]["code"]) == (422, "invalid_request")
    assert answer.json["error"]["message"].startswith(f"{field}: ")
    assert client.get(URL, headers=company.auth).json["items"] == []


def test_companies_see_only_their_own_registry(client, company, other_company, registry):
    created = client.post(URL, json={"name": "Globex Holding"}, headers=other_company.auth)
    assert created.status_code == 201
    theirs = names(client.get(URL, headers=other_company.auth))
    mine = names(client.get(URL, query_string={"limit": 500}, headers=company.auth))
    assert theirs == ["Globex Holding"] and "Globex Holding" not in mine
    # A cursor is only a position: another company's ids beyond it stay invisible.
    after = client.get(URL, query_string={"cursor": str(registry[-1].id)}, headers=company.auth)
    assert names(after) == []
