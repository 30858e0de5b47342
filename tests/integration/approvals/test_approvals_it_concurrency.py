"""Two approvers at once, on SQLite and PostgreSQL, directly and over HTTP: one wins, the other is told."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from store.db import transaction
from store.repositories import approvers, audit, stakeholders
from tests.approval_scenario import build_scenario
from services.approvals import ApprovalRequest, approve
from core.errors import NotPending

EMAIL, PASSWORD = "cfo@acme.example", "correct horse battery staple"
SECOND = "ceo@acme.example"


@pytest.fixture
def scenario(services, request):
    # The module's tests share one database, and company names are unique.
    built = build_scenario(services.session_factory, EMAIL, PASSWORD, company_name=f"Acme GmbH ({request.node.name})")
    with transaction(services.session_factory) as session:
        approvers.add_approver(session, built.company_id, SECOND, PASSWORD)
    return built


def applied_entries(services, scenario):
    with transaction(services.session_factory) as session:
        return [entry for entry in audit.list_entries(session, scenario.company_id, limit=500).items
                if entry.change_set_id == scenario.changeset_id]


def test_two_approvers_at_once_apply_once(services, lockout, scenario):
    start = threading.Barrier(2)

    def approve_as(email: str):
        start.wait()
        try:
            request = ApprovalRequest(scenario.changeset_id, email, PASSWORD, f"client-of-{email}")
            return approve(services, lockout, request)
        except NotPending as refused:
            return refused

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(approve_as, [EMAIL, SECOND]))

    results = [outcome for outcome in outcomes if not isinstance(outcome, NotPending)]
    refusals = [outcome for outcome in outcomes if isinstance(outcome, NotPending)]
    assert len(results) == 1 and len(refusals) == 1
    assert refusals[0].status == "applied" and refusals[0].applied_by == results[0].applied_by
    entries = applied_entries(services, scenario)
    assert [entry.action for entry in entries].count("apply_changeset") == 1
    assert len(entries) == 5 and {entry.actor for entry in entries} == {results[0].applied_by}
    with transaction(services.session_factory) as session:
        anna = stakeholders.get_stakeholder(session, scenario.company_id, scenario.person("anna"))
    assert (anna.city, anna.version) == ("Zürich", 2)


def test_two_api_calls_at_once_answer_200_and_409(live_app, services, scenario):
    url = f"{live_app}/api/v1/changesets/{scenario.changeset_id}/approve"
    start = threading.Barrier(2)

    def post(email: str) -> requests.Response:
        start.wait()
        return requests.post(url, json={"email": email, "password": PASSWORD}, timeout=60,
                             headers={"Authorization": f"Bearer {scenario.api_token}"})

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(post, [EMAIL, SECOND]))

    assert sorted(response.status_code for response in responses) == [200, 409]
    refused = next(response for response in responses if response.status_code == 409)
    assert refused.json()["error"]["code"] == "already_applied"
    assert [entry.action for entry in applied_entries(services, scenario)].count("apply_changeset") == 1
