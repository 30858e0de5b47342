"""The console's overview (issue 15): first what waits for approval, with its counts and the way to review it; the
sync running now with a link to its progress and the last one that ended (status, when, what started it); for
admins the HR integration's state with its problem and a link to fix it. An approver sees the change sets waiting,
not the integration."""

from __future__ import annotations

import pytest

from store.db import transaction
from store.repositories import integrations
from tests.approval_scenario import build_scenario
from tests.console_client import signed_in
from tests.unit.webhook_app.conftest import APPROVER_EMAIL, APPROVER_PASSWORD, make_company, record_run

CREDENTIALS = {"subdomain": "acme", "api_key": "bamboo-api-key-for-the-overview"}


@pytest.fixture
def scenario(services):
    """Acme with a pending change set from a finished sync (an update, a link, a leaver, a review, a skip)."""
    return build_scenario(services.session_factory, APPROVER_EMAIL, APPROVER_PASSWORD)


@pytest.fixture
def console_company_id(scenario):
    return scenario.company_id


def _overview(console):
    response, page = console.open("/console")
    assert response.status_code == 200
    return page


def _connect(services, company_id):
    with transaction(services.session_factory) as session:
        integrations.set_integration(session, services.box, company_id, "bamboohr", CREDENTIALS)


def test_the_pending_change_set_comes_first_with_its_counts_and_review_link(admin, scenario):
    page = _overview(admin)
    assert "Waiting for approval 1" in page.plain
    assert f"Change set #{scenario.changeset_id}" in page.plain
    assert "1 update" in page.plain and "1 leaver" in page.plain
    assert (f"/console/changesets/{scenario.changeset_id}/open",
            f"Review and approve change set {scenario.changeset_id}") in page.links
    assert page.plain.index("Waiting for approval") < page.plain.index("Last sync") < page.plain.index("All pages")


def test_the_last_sync_says_how_it_ended_when_and_what_started_it(admin, services, scenario):
    failed = record_run(services, scenario.company_id, fail="BambooHR refused the API key", trigger="webhook")
    page = _overview(admin)
    links = dict(page.links)
    assert f"/console/syncs/{failed}" in links and "Failed" in page.plain
    assert "HR system webhook" in page.plain and "BambooHR refused the API key" in page.plain
    assert "Follow its progress" not in page.plain  # nothing runs


def test_a_running_sync_links_to_its_progress_beside_the_last_ended_one(admin, services, scenario):
    ended = record_run(services, scenario.company_id, by=APPROVER_EMAIL)
    running = record_run(services, scenario.company_id, running=True)
    page = _overview(admin)
    assert (f"/console/syncs/{running}", "Follow its progress") in page.links
    assert f"/console/syncs/{ended}" in dict(page.links)
    assert "Running" in page.plain and "Asked for by a person (cfo@acme.example)" in page.plain


def test_a_company_without_change_sets_or_syncs_says_so(client, services):
    make_company(services, "Initech", "boss@initech.example")
    page = _overview(signed_in(client, "boss@initech.example", APPROVER_PASSWORD))
    assert "Nothing waits for your approval" in page.plain
    assert "Last sync None yet" in page.plain
    assert "Not connected yet" in page.plain and ("/console/integration", "Connect your HR system") in page.links


def test_a_connected_integration_is_shown_with_its_page(admin, services, scenario):
    _connect(services, scenario.company_id)
    page = _overview(admin)
    assert "BambooHR Connected" in page.plain and "Needs attention" not in page.plain
    assert ("/console/integration", "Open the HR integration page") in page.links


def test_an_integration_that_needs_attention_shows_the_error_and_where_to_fix_it(admin, services, scenario):
    _connect(services, scenario.company_id)
    with transaction(services.session_factory) as session:
        integrations.mark_needs_attention(session, scenario.company_id, "BambooHR refused the API key (401)")
    page = _overview(admin)
    assert "BambooHR Needs attention" in page.plain and "BambooHR refused the API key (401)" in page.plain
    assert ("/console/integration", "Fix it on the HR integration page") in page.links


def test_an_approver_sees_the_change_sets_waiting_but_neither_the_integration_nor_sync_now(approver, services,
                                                                                          scenario):
    _connect(services, scenario.company_id)
    page = _overview(approver)
    assert (f"/console/changesets/{scenario.changeset_id}/open",
            f"Review and approve change set {scenario.changeset_id}") in page.links
    assert "HR integration" not in page.plain and "/console/integration" not in dict(page.links)
    assert not [form for form in page.forms if form.action == "/console/syncs/now"]
