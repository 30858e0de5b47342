"""The lists behind the console's pages (issue 15: change sets, stakeholders, audit log) and GET /api/v1/changesets:
newest first, paged, filtered, with counts; one company only."""

from __future__ import annotations

import pytest

from services import audit, changesets, stakeholders
from services.audit import FieldDiff
from store.enums import ChangeSetStatus
from store.errors import NotFound
from tests.approval_scenario import build_scenario, record_sync, employees

APPROVER_EMAIL, APPROVER_PASSWORD = "cfo@acme.example", "correct horse battery staple"
SUMMARY = {"id", "status", "sync_id", "created_at", "approve_url", "superseded_by", "applied_at", "applied_by",
           "counts", "total"}


@pytest.fixture
def scenario(services):
    return build_scenario(services.session_factory, APPROVER_EMAIL, APPROVER_PASSWORD)


@pytest.fixture
def theirs(services):
    return build_scenario(services.session_factory, "cfo@globex.example", APPROVER_PASSWORD, company_name="Globex")


@pytest.fixture
def auth(scenario):
    return {"Authorization": f"Bearer {scenario.api_token}"}


@pytest.fixture
def applied(client, scenario, auth):
    """The scenario's first change set superseded by a second, which is applied."""
    second = record_sync(client.application.extensions["hrsync.services"].session_factory, scenario.company_id,
                         employees())
    response = client.post(f"/api/v1/changesets/{second}/approve", headers=auth,
                           json={"email": APPROVER_EMAIL, "password": APPROVER_PASSWORD})
    assert response.status_code == 200, response.get_json()
    return second


def test_change_sets_newest_first_with_counts_and_status(client, scenario, theirs, auth, applied):
    body = client.get("/api/v1/changesets", headers=auth).get_json()
    assert [(item["id"], item["status"]) for item in body["items"]] == [
        (applied, "applied"), (scenario.changeset_id, "superseded")]
    newest, oldest = body["items"]
    assert set(newest) == SUMMARY and body["next"] is None
    assert newest["counts"] == {"create": 1, "update": 1, "link": 1, "review": 1, "leaver": 1, "skip": 1}
    assert newest["total"] == 6 and newest["applied_by"] == APPROVER_EMAIL
    assert oldest["superseded_by"] == applied and oldest["approve_url"].startswith("https://hrsync.test/approvals/")
    superseded = client.get("/api/v1/changesets?status=superseded", headers=auth).get_json()["items"]
    assert [item["id"] for item in superseded] == [scenario.changeset_id]
    assert client.get("/api/v1/changesets?status=pending", headers=auth).get_json()["items"] == []
    page = client.get("/api/v1/changesets?limit=1", headers=auth).get_json()
    rest = client.get(f"/api/v1/changesets?limit=1&cursor={page['next']}", headers=auth).get_json()
    assert [i["id"] for i in page["items"] + rest["items"]] == [applied, scenario.changeset_id]
    assert rest["next"] is None


@pytest.mark.parametrize("query", ["status=done", "limit=0", "cursor=x", "cursor=2147483648", "sort=name"])
def test_change_set_list_queries_not_understood_are_422(client, auth, query):
    response = client.get(f"/api/v1/changesets?{query}", headers=auth)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_request"


def test_another_companys_change_sets_are_never_listed(client, scenario, theirs, auth):
    assert [i["id"] for i in client.get("/api/v1/changesets", headers=auth).get_json()["items"]] == [
        scenario.changeset_id]
    assert client.get("/api/v1/changesets").status_code == 401


def test_audit_by_stakeholder_through_the_api(client, scenario, theirs, auth, applied):
    anna = scenario.person("anna")
    body = client.get(f"/api/v1/audit?stakeholder_id={anna}", headers=auth).get_json()
    assert [(e["stakeholder_id"], e["action"]) for e in body["items"]] == [(anna, "update_stakeholder")]
    foreign = client.get(f"/api/v1/audit?stakeholder_id={theirs.person('anna')}", headers=auth).get_json()
    assert foreign["items"] == []


def test_the_audit_log_page_shows_before_and_after_and_names(services, scenario, applied, client):
    page = audit.log_page(services, scenario.company_id, change_set_id=applied)
    anna = next(line for line in page.items if line.stakeholder_id == scenario.person("anna"))
    assert anna.stakeholder_name == "Anna Müller" and anna.actor == APPROVER_EMAIL
    assert anna.changes == (FieldDiff("city", "Bern", "Zürich"),)
    created = next(line for line in page.items if line.action == "create_stakeholder")
    assert ("name", None, "Eva Neumann") in [(d.field, d.before, d.after) for d in created.changes]
    assert all(d.field not in ("id", "version") for line in page.items for d in line.changes)
    only_anna = audit.log_page(services, scenario.company_id, stakeholder_id=scenario.person("anna"))
    assert [line.id for line in only_anna.items] == [anna.id]
    first = audit.log_page(services, scenario.company_id, limit=2)
    second = audit.log_page(services, scenario.company_id, limit=2, cursor=first.next)
    assert {line.id for line in first.items}.isdisjoint(line.id for line in second.items)


def test_change_sets_service_by_status(services, scenario, applied):
    page = changesets.list_changesets(services, scenario.company_id, status=ChangeSetStatus.APPLIED)
    assert [(s.id, s.total) for s in page.items] == [(applied, 6)]


def test_stakeholders_searched_filtered_and_paged(services, scenario, theirs):
    found = stakeholders.search(services, scenario.company_id, query="dora stein")
    assert [s.id for s in found.items] == sorted([scenario.person("dora"), scenario.person("dora2")])
    advisors = stakeholders.search(services, scenario.company_id, query="dora", group="Advisors")
    assert [s.id for s in advisors.items] == [scenario.person("dora2")]
    linked = stakeholders.search(services, scenario.company_id, linked=True)
    assert {s.id for s in linked.items} == {scenario.person("anna"), scenario.person("carl")}
    first = stakeholders.search(services, scenario.company_id, limit=4)
    rest = stakeholders.search(services, scenario.company_id, limit=4, cursor=first.next)
    names = [s.name for s in first.items + rest.items]
    assert names == sorted(names, key=str.casefold) and len(names) == 6 and rest.next is None
    assert [(g.group, g.count) for g in stakeholders.groups(services, scenario.company_id)] == [
        ("Advisors", 1), ("Employees", 4), ("Investors", 1)]
    assert stakeholders.get_stakeholder(services, scenario.company_id, scenario.person("anna")).name == "Anna Müller"
    with pytest.raises(NotFound):
        stakeholders.get_stakeholder(services, scenario.company_id, theirs.person("anna"))
