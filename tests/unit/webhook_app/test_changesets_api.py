"""GET /api/v1/changesets/<id> and POST …/approve: the document, validation, errors, tenant isolation."""

from __future__ import annotations

import pytest

from store.db import transaction
from store.enums import ChangeSetStatus
from store.repositories import stakeholders
from store.repositories.changeset_reads import load_changeset
from tests.approval_scenario import build_scenario, employees, record_sync
from core.links import LinkSigner

APPROVER_EMAIL, APPROVER_PASSWORD = "cfo@acme.example", "correct horse battery staple"

ITEM_KEYS = {"id", "kind", "remote_id", "employee_name", "stakeholder_id", "reason", "reason_text", "fields",
             "candidates", "resolution"}


def approve(client, scenario, auth, **body):
    body = {"email": APPROVER_EMAIL, "password": APPROVER_PASSWORD} | body
    return client.post(f"/api/v1/changesets/{scenario.changeset_id}/approve", json=body, headers=auth)


def status_of(services, scenario):
    with transaction(services.session_factory) as session:
        return load_changeset(session, scenario.changeset_id, with_items=False).status


def test_a_change_set_as_spec_5_shows_it(client, settings, scenario, auth):
    response = client.get(f"/api/v1/changesets/{scenario.changeset_id}", headers=auth)

    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "pending" and body["id"] == scenario.changeset_id
    assert body["counts"] == {"create": 1, "update": 1, "link": 1, "review": 1, "leaver": 1, "skip": 1}
    signer = LinkSigner(settings.secret_key, settings.approve_link_max_age, settings.public_base_url)
    assert body["approve_url"].startswith("https://hrsync.test/approvals/")
    assert signer.changeset_id(body["approve_url"].rsplit("/", 1)[1]) == scenario.changeset_id
    items = {item["remote_id"]: item for item in body["items"]}
    assert all(set(item) == ITEM_KEYS for item in body["items"])
    assert items["1"] | {"id": 0} == {
        "id": 0, "kind": "update", "remote_id": "1", "employee_name": "Anna Müller",
        "stakeholder_id": scenario.person("anna"), "reason": None, "reason_text": None,
        "fields": {"city": {"old": "Bern", "new": "Zürich"}}, "candidates": [], "resolution": None}
    assert items["4"]["candidates"] == [scenario.person("dora"), scenario.person("dora2")]
    assert (items["4"]["reason"], items["4"]["stakeholder_id"]) == ("ambiguous_name", None)
    assert items["4"]["reason_text"] == "Several stakeholders have this name"
    assert items["6"]["reason_text"] == "No hire date in the HR system"
    assert (items["6"]["kind"], items["6"]["reason"], items["6"]["stakeholder_id"]) == ("skip", "no_hire_date", None)
    assert items["5"]["fields"]["name"] == {"old": None, "new": "Eva Neumann"}


def test_approve_applies_and_answers_with_the_result(client, services, scenario, auth):
    response = approve(client, scenario, auth, name_format="last_first", exclude=[scenario.items["2"]],
                       resolve={str(scenario.items["4"]): "not_same_person"})

    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["applied_by"], body["name_format"]) == ("applied", APPROVER_EMAIL, "last_first")
    assert body["counts"] == {"create": 1, "update": 1, "leaver": 1, "decided": 1, "excluded": 1, "skipped": 1}
    outcomes = {item["remote_id"]: item["outcome"] for item in body["items"]}
    assert outcomes == {"1": "applied", "2": "excluded", "3": "applied", "4": "decided", "5": "applied",
                        "6": "skipped"}
    with transaction(services.session_factory) as session:
        names = {person.name for person in stakeholders.list_stakeholders(session, scenario.company_id)}
    assert "Neumann Eva" in names
    shown = client.get(f"/api/v1/changesets/{scenario.changeset_id}", headers=auth).get_json()
    assert shown["status"] == "applied" and shown["applied_by"] == APPROVER_EMAIL
    assert {item["remote_id"]: item["resolution"] for item in shown["items"]}["4"] == "not_same_person"


def test_approving_twice_is_409(client, scenario, auth):
    assert approve(client, scenario, auth).status_code == 200
    again = approve(client, scenario, auth)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_applied"


def test_a_superseded_change_set_is_409_naming_the_newer(client, services, scenario, auth):
    newer = record_sync(services.session_factory, scenario.company_id, employees())
    response = approve(client, scenario, auth)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "superseded" and str(newer) in response.get_json()["error"]["message"]


def test_a_wrong_password_is_401_and_the_fifth_locks(client, services, scenario, auth):
    answers = [approve(client, scenario, auth, password="guess") for _ in range(5)]
    assert [answer.status_code for answer in answers] == [401] * 5
    assert {answer.get_json()["error"]["code"] for answer in answers} == {"wrong_password"}
    assert "4 tries left" in answers[0].get_json()["error"]["message"]
    assert "now locked for 15 minutes" in answers[-1].get_json()["error"]["message"]
    locked = approve(client, scenario, auth)
    assert locked.status_code == 423 and locked.get_json()["error"]["code"] == "locked"
    assert 0 < int(locked.headers["Retry-After"]) <= 900
    assert status_of(services, scenario) is ChangeSetStatus.PENDING


def test_the_password_never_comes_back(client, scenario, auth):
    for response in (approve(client, scenario, auth, password="guess"), approve(client, scenario, auth)):
        assert "guess" not in response.get_data(as_text=True)
        assert APPROVER_PASSWORD not in response.get_data(as_text=True)


DROP = object()


@pytest.mark.parametrize("changes", [
    {"password": DROP}, {"email": DROP}, {"email": "not-an-email"}, {"password": 12}, {"password": ""},
    {"password": "x" * 2000}, {"unexpected": 1}, {"name_format": "first_name_only"}, {"exclude": "1"},
    {"exclude": ["1"]}, {"exclude": [999_999]}, {"resolve": {"abc": "create"}}, {"resolve": {"1": "merge"}},
    {"resolve": {"1": True}}, {"resolve": {"1": 1.5}}, {"resolve": ["create"]},
], ids=["no-password", "no-email", "bad-email", "password-number", "empty-password", "huge-password",
        "unknown-field", "bad-format", "exclude-not-list", "exclude-text-ids", "exclude-unknown-id",
        "resolve-bad-key", "resolve-unknown-word", "resolve-boolean", "resolve-float", "resolve-not-object"])
def test_bad_bodies_are_422_and_change_nothing(client, services, scenario, auth, changes):
    body = {"email": APPROVER_EMAIL, "password": APPROVER_PASSWORD} | changes
    body = {name: value for name, value in body.items() if value is not DROP}
    response = client.post(f"/api/v1/changesets/{scenario.changeset_id}/approve", json=body, headers=auth)
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "invalid_request")
    assert status_of(services, scenario) is ChangeSetStatus.PENDING


@pytest.mark.parametrize("target, choice, message", [
    ("1", "create", "only review items"),
    ("4", "anna", "not a choice"),
], ids=["resolve-an-update", "non-candidate"])
def test_answers_that_do_not_fit_are_422(client, services, scenario, auth, target, choice, message):
    answer = scenario.person(choice) if choice == "anna" else choice
    response = approve(client, scenario, auth, resolve={str(scenario.items[target]): answer})
    assert response.status_code == 422 and message in response.get_json()["error"]["message"]
    assert status_of(services, scenario) is ChangeSetStatus.PENDING


@pytest.mark.parametrize("raw, status, code", [
    (b"{not json", 400, "invalid_json"),
    (b"[]", 422, "invalid_request"),
    (b"", 400, "invalid_json"),
], ids=["broken", "array", "empty"])
def test_unreadable_bodies(client, scenario, auth, raw, status, code):
    response = client.post(f"/api/v1/changesets/{scenario.changeset_id}/approve", data=raw,
                           headers=auth | {"Content-Type": "application/json"})
    assert (response.status_code, response.get_json()["error"]["code"]) == (status, code)


def test_another_companys_change_set_is_404(client, services, scenario, auth):
    other = build_scenario(services.session_factory, "cfo@globex.example", APPROVER_PASSWORD, company_name="Globex")
    other_auth = {"Authorization": f"Bearer {other.api_token}"}
    assert client.get(f"/api/v1/changesets/{scenario.changeset_id}", headers=other_auth).status_code == 404
    response = client.post(f"/api/v1/changesets/{scenario.changeset_id}/approve", headers=other_auth,
                           json={"email": "cfo@globex.example", "password": APPROVER_PASSWORD})
    assert response.status_code == 404
    assert status_of(services, scenario) is ChangeSetStatus.PENDING


def test_an_unknown_change_set_is_404(client, auth):
    assert client.get("/api/v1/changesets/424242", headers=auth).status_code == 404
    response = client.post("/api/v1/changesets/424242/approve", headers=auth,
                           json={"email": APPROVER_EMAIL, "password": APPROVER_PASSWORD})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer hrs_nope"}], ids=["none", "unknown"])
def test_the_company_token_is_required(client, scenario, headers):
    assert client.get(f"/api/v1/changesets/{scenario.changeset_id}", headers=headers).status_code == 401
    response = client.post(f"/api/v1/changesets/{scenario.changeset_id}/approve", headers=headers,
                           json={"email": APPROVER_EMAIL, "password": APPROVER_PASSWORD})
    assert response.status_code == 401


def test_without_the_lockout_store_it_is_503(client, redis_server, services, scenario, auth):
    redis_server.connected = False
    response = approve(client, scenario, auth)
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert status_of(services, scenario) is ChangeSetStatus.PENDING


def test_the_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get"} <= set(paths["/api/v1/changesets/{changeset_id}"])
    assert {"post"} <= set(paths["/api/v1/changesets/{changeset_id}/approve"])
    assert {"get"} <= set(paths["/api/v1/audit"])
