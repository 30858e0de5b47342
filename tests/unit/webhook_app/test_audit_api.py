"""GET /api/v1/audit: newest first, paginated by cursor, filtered by change set, one company only."""

from __future__ import annotations

import datetime as dt

import pytest

from store.db import transaction
from store.repositories import audit
from store.repositories.audit import AuditEntry
from tests.approval_scenario import build_scenario

APPROVER_EMAIL, APPROVER_PASSWORD = "cfo@acme.example", "correct horse battery staple"


@pytest.fixture
def applied(client, scenario, auth):
    response = client.post(f"/api/v1/changesets/{scenario.changeset_id}/approve", headers=auth,
                           json={"email": APPROVER_EMAIL, "password": APPROVER_PASSWORD})
    assert response.status_code == 200
    return response.get_json()


def test_lists_who_applied_what_newest_first(client, scenario, auth, applied):
    body = client.get("/api/v1/audit", headers=auth).get_json()

    assert body["next"] is None
    entries = body["items"]
    assert [entry["id"] for entry in entries] == sorted((entry["id"] for entry in entries), reverse=True)
    assert entries[0]["action"] == "apply_changeset" and entries[0]["change_set_id"] == scenario.changeset_id
    assert {entry["actor"] for entry in entries} == {APPROVER_EMAIL}
    anna = next(entry for entry in entries if entry["stakeholder_id"] == scenario.person("anna"))
    assert anna["action"] == "update_stakeholder"
    assert (anna["before"]["city"], anna["after"]["city"]) == ("Bern", "Zürich")
    assert set(anna) == {"id", "at", "actor", "action", "change_set_id", "stakeholder_id", "before", "after",
                         "detail"}
    assert dt.datetime.fromisoformat(anna["at"]).tzinfo is not None
    assert len(entries) == 5  # create, update, link, leaver, and the approval itself


def test_pages_follow_the_cursor(client, auth, applied):
    seen, cursor = [], None
    while True:
        query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/v1/audit", headers=auth, query_string=query).get_json()
        assert len(body["items"]) <= 2
        seen += [entry["id"] for entry in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) == 5


def test_filter_by_change_set(client, services, scenario, auth, applied):
    with transaction(services.session_factory) as session:
        audit.append(session, scenario.company_id, AuditEntry(actor="ops", action="note"))
    everything = client.get("/api/v1/audit", headers=auth).get_json()["items"]
    only = client.get("/api/v1/audit", headers=auth,
                      query_string={"change_set_id": scenario.changeset_id}).get_json()["items"]
    assert len(everything) == 6 and len(only) == 5
    assert {entry["change_set_id"] for entry in only} == {scenario.changeset_id}


def test_another_companys_log_stays_hidden(client, services, applied):
    other = build_scenario(services.session_factory, "cfo@globex.example", APPROVER_PASSWORD, company_name="Globex")
    body = client.get("/api/v1/audit", headers={"Authorization": f"Bearer {other.api_token}"}).get_json()
    assert body == {"items": [], "next": None}


@pytest.mark.parametrize("query", [
    {"limit": 0}, {"limit": 501}, {"limit": "many"}, {"cursor": "not-a-cursor"}, {"change_set_id": "x"},
    {"unknown": "1"},
], ids=["limit-zero", "limit-too-big", "limit-text", "bad-cursor", "bad-change-set", "unknown-parameter"])
def test_bad_queries_are_422(client, auth, query):
    response = client.get("/api/v1/audit", headers=auth, query_string=query)
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "invalid_request")


def test_the_company_token_is_required(client):
    assert client.get("/api/v1/audit").status_code == 401
