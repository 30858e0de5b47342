"""The console's list pages (issue 15, pages 7–10): syncs, change sets, stakeholders, the audit log — their content,
filters and paging, 404 for another company's ids, and an approver can view them."""

from __future__ import annotations

import pytest

from services import users
from tests.approval_scenario import build_scenario
from tests.console_client import CLERK, Console
from tests.unit.webhook_app.conftest import APPROVER_EMAIL, APPROVER_PASSWORD, record_run


@pytest.fixture
def scenario(services):
    return build_scenario(services.session_factory, APPROVER_EMAIL, APPROVER_PASSWORD)


@pytest.fixture
def theirs(services):
    return build_scenario(services.session_factory, "cfo@globex.example", APPROVER_PASSWORD, company_name="Globex")


@pytest.fixture
def console_company_id(scenario):
    """Whose console `admin` and `approver` (conftest) sign in to."""
    return scenario.company_id


def _ok(console, path):
    response, page = console.open(path)
    assert response.status_code == 200, (path, response.status_code)
    assert page.unlabelled() == [] and page.duplicate_ids() == []
    return page


# Syncs (page 7)

def test_the_sync_history_shows_trigger_who_status_counts_and_the_error_with_advice(admin, services, scenario):
    hook = record_run(services, scenario.company_id, trigger="webhook")
    failed = record_run(services, scenario.company_id, by="cfo@acme.example", fail="BambooHR refused the API key")
    page = _ok(admin, "/console/syncs")
    assert ("/console/syncs", "Syncs") in page.links
    assert "HR system webhook" in page.plain and "Asked for by a person" in page.plain
    assert "3 new stakeholders, 1 update" in page.plain
    assert "BambooHR refused the API key" in page.plain and "Check the credentials" in page.plain
    runs = [href for href, _ in page.links if href.startswith("/console/syncs/")]
    assert runs[:2] == [f"/console/syncs/{failed}", f"/console/syncs/{hook}"]  # newest first


def test_the_sync_history_filters_by_status_and_trigger_and_pages(admin, services, scenario):
    for _ in range(26):
        record_run(services, scenario.company_id, trigger="cron")
    failed = record_run(services, scenario.company_id, fail="BambooHR refused the API key")
    only_failed = _ok(admin, "/console/syncs?status=failed")
    assert f"/console/syncs/{failed}" in [href for href, _ in only_failed.links]
    assert len([href for href, _ in only_failed.links if href.startswith("/console/syncs/")]) == 1
    assert "No sync matches" in _ok(admin, "/console/syncs?status=running").plain
    first = _ok(admin, "/console/syncs?trigger=cron")
    older = [href for href, text in first.links if text == "Older →"]
    assert len(older) == 1 and "trigger=cron" in older[0]
    second = _ok(admin, older[0])
    assert [href for href, _ in second.links if href.startswith("/console/syncs/")] and "← Newest" in second.plain
    assert not [href for href, text in second.links if text == "Older →"]


def test_a_sync_page_shows_progress_and_follows_it_while_it_runs(admin, services, scenario):
    running = record_run(services, scenario.company_id, running=True)
    response, page = admin.open(f"/console/syncs/{running}")
    assert response.status_code == 200 and "Running" in page.plain and "follows the sync" in page.plain
    # Followed in place by its script; a reload (which loses the reader's place) only without JavaScript.
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page.text
    assert "/static/console-sync.js" in page.text and "reloads itself every 2 seconds" in page.plain
    assert (f"/console/syncs/{running}", "refresh it now") in page.links
    ended = record_run(services, scenario.company_id, fail="BambooHR refused the API key")
    done = _ok(admin, f"/console/syncs/{ended}")
    assert "http-equiv" not in done.text and "Check the credentials" in done.plain


def test_another_companys_sync_is_not_found(admin, services, scenario, theirs):
    assert admin.open(f"/console/syncs/{record_run(services, scenario.company_id)}")[0].status_code == 200
    foreign = record_run(services, theirs.company_id)
    assert admin.open(f"/console/syncs/{foreign}")[0].status_code == 404
    assert f"/console/syncs/{foreign}" not in admin.open("/console/syncs")[1].text


def test_an_approver_views_the_syncs_and_an_empty_history_is_worded_for_people(approver, services, scenario):
    assert "No sync yet" not in _ok(approver, "/console/syncs").plain  # the scenario's own sync
    run = record_run(services, scenario.company_id)
    assert _ok(approver, f"/console/syncs/{run}")


def test_no_sync_yet(client, services):
    from tests.unit.webhook_app.conftest import make_company
    make_company(services, "Initech", "boss@initech.example")
    console = Console(client)
    assert console.sign_in("boss@initech.example", APPROVER_PASSWORD).status_code == 303
    assert "No sync yet" in _ok(console, "/console/syncs").plain


def test_the_list_pages_need_signing_in(client):
    answer = client.get("/console/syncs")
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/login")


# Change sets (page 8)

@pytest.fixture
def superseded(services, scenario):
    """The scenario's first change set replaced by a newer pending one; returns the newer one's id."""
    from tests.approval_scenario import employees, record_sync
    return record_sync(services.session_factory, scenario.company_id, employees())


def test_change_sets_are_listed_with_counts_status_and_links(admin, scenario, superseded):
    page = _ok(admin, "/console/changesets")
    assert ("/console/changesets", "Change sets") in page.links
    assert "Waiting for approval" in page.plain and f"Replaced by a newer one by change set #{superseded}" in page.plain
    assert "1 new stakeholder, 1 update, 1 link, 1 leaver, 1 review, 1 skipped" in page.plain
    newer, older = f"/console/changesets/{superseded}/open", f"/console/changesets/{scenario.changeset_id}/open"
    assert (newer, f"Review and approve change set {superseded}") in page.links
    # The replaced one and the one that replaced it are both links: its items can still be looked at.
    assert (older, f"See its items in change set {scenario.changeset_id} (read-only)") in page.links
    assert (newer, f"change set #{superseded}") in page.links
    assert (older, f"Change set #{scenario.changeset_id}") in page.links
    only = _ok(admin, "/console/changesets?status=superseded")
    assert (newer, f"change set #{superseded}") in only.links and "Replaced by a newer one by" in only.plain
    assert "No change set has this status" in _ok(admin, "/console/changesets?status=applied").plain


def test_a_pending_change_set_opens_its_approve_page_which_still_asks_for_the_password(admin, scenario, superseded):
    answer = admin.client.get(f"/console/changesets/{superseded}/open")
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/approvals/")
    response, page = admin.open(answer.headers["Location"])
    assert response.status_code == 200
    assert any(control.name == "password" for form in page.forms for control in form.controls)


def test_a_replaced_change_set_opens_read_only_with_its_items_and_the_newer_one(admin, approver, scenario,
                                                                               superseded):
    answer = admin.client.get(f"/console/changesets/{scenario.changeset_id}/open")
    assert answer.status_code == 303 and answer.headers["Location"] == f"/console/changesets/{scenario.changeset_id}"
    page = _ok(admin, answer.headers["Location"])
    assert "can no longer be applied" in page.plain
    assert not [f for f in page.forms if any(c.name in ("password", "include") for c in f.controls)]
    assert (f"/console/changesets/{superseded}/open", f"change set #{superseded}") in page.links
    # Every kind's items, as proposed: the new stakeholder, the update's before → after, the review's candidates.
    assert "Eva Neumann" in page.plain and "Bern" in page.plain and "Zürich" in page.plain
    assert "Possible matches" in page.plain
    only_updates = _ok(admin, f"/console/changesets/{scenario.changeset_id}?kind=update")
    assert "Zürich" in only_updates.plain and "Eva Neumann" not in only_updates.plain
    assert "Eva Neumann" in _ok(approver, f"/console/changesets/{scenario.changeset_id}").plain
    # A pending change set has no read-only page: it is its approve page.
    pending = admin.client.get(f"/console/changesets/{superseded}")
    assert pending.status_code == 303 and pending.headers["Location"] == f"/console/changesets/{superseded}/open"


def test_an_expired_change_set_opens_read_only_too(admin, services, scenario):
    from store.db import transaction
    from store.models.changeset import ChangeSetRow
    with transaction(services.session_factory) as session:
        session.get(ChangeSetRow, scenario.changeset_id).status = "expired"
    answer = admin.client.get(f"/console/changesets/{scenario.changeset_id}/open")
    assert answer.headers["Location"] == f"/console/changesets/{scenario.changeset_id}"
    page = _ok(admin, answer.headers["Location"])
    assert "expired before anyone applied it" in page.plain and "Eva Neumann" in page.plain


def test_another_companys_replaced_change_set_is_not_found(admin, theirs):
    assert admin.client.get(f"/console/changesets/{theirs.changeset_id}").status_code == 404


def test_the_approve_page_leads_back_to_the_console_only_for_its_signed_in_user(admin, app, scenario, superseded):
    approve_page = admin.client.get(f"/console/changesets/{superseded}/open").headers["Location"]
    assert ("/console/changesets", "← Change sets") in admin.open(approve_page)[1].links
    # The e-mailed link, opened by someone not signed in: the page has no way into the console.
    response, page = Console(app.test_client()).open(approve_page)
    assert response.status_code == 200 and not [href for href, _ in page.links if href.startswith("/console")]


def test_change_sets_page_and_paging(admin, services, scenario):
    from tests.approval_scenario import employees, record_sync
    for _ in range(26):
        record_sync(services.session_factory, scenario.company_id, employees())
    first = _ok(admin, "/console/changesets?status=superseded")
    older = [href for href, text in first.links if text == "Older →"]
    assert len(older) == 1 and "status=superseded" in older[0]
    assert "← Newest" in _ok(admin, older[0]).plain


def test_another_companys_change_set_is_not_found(admin, scenario, theirs):
    assert admin.client.get(f"/console/changesets/{scenario.changeset_id}/open").status_code == 303
    assert admin.client.get(f"/console/changesets/{theirs.changeset_id}/open").status_code == 404


def test_an_approver_views_and_opens_change_sets(approver, scenario):
    assert f"#{scenario.changeset_id}" in _ok(approver, "/console/changesets").plain
    assert approver.client.get(f"/console/changesets/{scenario.changeset_id}/open").status_code == 303


def test_no_change_set_yet(client, services):
    from tests.unit.webhook_app.conftest import make_company
    make_company(services, "Initech", "boss@initech.example")
    console = Console(client)
    assert console.sign_in("boss@initech.example", APPROVER_PASSWORD).status_code == 303
    assert "No change set yet" in _ok(console, "/console/changesets").plain


# Stakeholders (page 9)

def _people(page):
    return [href for href, _ in page.links if href.startswith("/console/stakeholders/")]


def test_stakeholders_are_searched_by_name_filtered_by_group_and_link(admin, scenario):
    page = _ok(admin, "/console/stakeholders")
    assert ("/console/stakeholders", "Stakeholders") in page.links and "Anna Müller" in page.plain
    assert len(_people(page)) == 6
    dora = _ok(admin, "/console/stakeholders?q=dora+stein")
    assert sorted(_people(dora)) == sorted(f"/console/stakeholders/{scenario.person(k)}" for k in ("dora", "dora2"))
    advisors = _ok(admin, "/console/stakeholders?q=dora&group=Advisors")
    assert _people(advisors) == [f"/console/stakeholders/{scenario.person('dora2')}"]
    linked = _ok(admin, "/console/stakeholders?linked=linked")
    assert set(_people(linked)) == {f"/console/stakeholders/{scenario.person(k)}" for k in ("anna", "carl")}
    assert len(_people(_ok(admin, "/console/stakeholders?linked=unlinked"))) == 4
    assert "No stakeholder matches" in _ok(admin, "/console/stakeholders?q=nobody+at+all").plain


def test_stakeholders_are_paged(admin, services, scenario):
    from services import stakeholders
    for number in range(25):
        stakeholders.create_stakeholder(services, scenario.company_id,
                                        {"first_name": "Zed", "last_name": f"{number:02d}"},
                                        actor=APPROVER_EMAIL, detail="test")
    first = _ok(admin, "/console/stakeholders?linked=unlinked")
    older = [href for href, text in first.links if text == "Older →"]
    assert len(_people(first)) == 25 and len(older) == 1 and "linked=unlinked" in older[0]
    rest = _ok(admin, older[0])
    assert len(_people(rest)) == 4 and set(_people(rest)).isdisjoint(_people(first))


def test_a_stakeholders_page_shows_its_fields_and_audit_history(admin, client, scenario):
    answer = client.post(f"/api/v1/changesets/{scenario.changeset_id}/approve",
                         headers={"Authorization": f"Bearer {scenario.api_token}"},
                         json={"email": APPROVER_EMAIL, "password": APPROVER_PASSWORD})
    assert answer.status_code == 200, answer.get_json()
    page = _ok(admin, f"/console/stakeholders/{scenario.person('anna')}")
    assert "Anna Müller" in page.plain and "History" in page.plain
    assert "City: Bern → Zürich" in page.plain and APPROVER_EMAIL in page.plain
    fresh = _ok(admin, f"/console/stakeholders/{scenario.person('investor')}")
    assert "No change recorded" in fresh.plain


def test_another_companys_stakeholder_is_not_found(admin, scenario, theirs):
    assert admin.open(f"/console/stakeholders/{scenario.person('anna')}")[0].status_code == 200
    assert admin.open(f"/console/stakeholders/{theirs.person('anna')}")[0].status_code == 404


def test_an_approver_views_stakeholders(approver, scenario):
    assert "Anna Müller" in _ok(approver, "/console/stakeholders").plain
    assert _ok(approver, f"/console/stakeholders/{scenario.person('anna')}")


# Audit log (page 10)

def _approve(client, scenario, changeset_id):
    answer = client.post(f"/api/v1/changesets/{changeset_id}/approve",
                         headers={"Authorization": f"Bearer {scenario.api_token}"},
                         json={"email": APPROVER_EMAIL, "password": APPROVER_PASSWORD})
    assert answer.status_code == 200, answer.get_json()


def test_the_audit_log_shows_who_applied_what_before_and_after(admin, client, scenario):
    _approve(client, scenario, scenario.changeset_id)
    page = _ok(admin, "/console/audit")
    assert ("/console/audit", "Audit log") in page.links
    assert "Updated the stakeholder" in page.plain and "City: Bern → Zürich" in page.plain
    assert "Added the stakeholder" in page.plain and "Name: empty → Eva Neumann" in page.plain
    assert f"change set #{scenario.changeset_id}" in page.plain and APPROVER_EMAIL in page.plain
    assert f"/console/stakeholders/{scenario.person('anna')}" in [href for href, _ in page.links]


def test_the_audit_log_filters_by_stakeholder_and_change_set_and_pages(admin, client, services, scenario):
    _approve(client, scenario, scenario.changeset_id)
    anna = _ok(admin, f"/console/audit?stakeholder_id={scenario.person('anna')}")
    assert "Stakeholder: Anna Müller" in anna.plain and "Eva Neumann" not in anna.plain
    by_set = _ok(admin, f"/console/audit?change_set_id={scenario.changeset_id}")
    assert "City: Bern → Zürich" in by_set.plain
    users.add_user(services, scenario.company_id, CLERK, "approver", actor=APPROVER_EMAIL)
    assert "Added a user" not in by_set.plain and "Added a user" in _ok(admin, "/console/audit").plain
    from services import stakeholders
    for number in range(25):
        stakeholders.create_stakeholder(services, scenario.company_id, {"first_name": "Zed", "last_name": f"{number}"},
                                        actor=APPROVER_EMAIL, detail="test")
    first = _ok(admin, "/console/audit")
    older = [href for href, text in first.links if text == "Older →"]
    assert len(older) == 1 and "← Newest" in _ok(admin, older[0]).plain


def test_the_audit_log_is_filtered_by_a_stakeholders_name_typed_on_the_page(admin, client, services, scenario):
    _approve(client, scenario, scenario.changeset_id)
    page = _ok(admin, "/console/audit")
    form = page.form_to("/console/audit")
    assert form.method.lower() == "get" and "stakeholder" in form.fields()
    assert "Stakeholder name" in page.plain  # its label (and `_ok` checks every input has one)
    # One match (any case, part of the name) filters at once.
    anna = _ok(admin, "/console/audit?stakeholder=m%C3%BCller")
    assert "Stakeholder: Anna Müller" in anna.plain and "City: Bern → Zürich" in anna.plain
    assert "Eva Neumann" not in anna.plain
    # Several: a list of them to choose from (a GET form, no script), and nothing shown until one is chosen.
    from services import stakeholders
    for last in ("Müllerová", "Müller-Lüdenscheidt"):
        stakeholders.create_stakeholder(services, scenario.company_id, {"first_name": "Zoe", "last_name": last},
                                        actor=APPROVER_EMAIL, detail="test")
    several = _ok(admin, "/console/audit?stakeholder=M%C3%BCller")
    [choose] = [f for f in several.forms if "stakeholder" in f.fields()]
    chooser = [f for f in several.forms if "stakeholder_id" in f.fields()]
    assert len(chooser) == 1 and chooser[0].method.lower() == "get"
    options = [c for c in chooser[0].controls if c.name == "stakeholder_id"]
    assert options and "Which stakeholder?" in several.plain and "Zoe Müllerová" in several.plain
    assert "Choose the stakeholder whose entries to show" in several.plain and "Bern → Zürich" not in several.plain
    assert choose.fields()["stakeholder"] == "Müller"
    chosen = _ok(admin, f"/console/audit?stakeholder_id={scenario.person('anna')}")
    assert "City: Bern → Zürich" in chosen.plain and "Zoe" not in chosen.plain
    # The name typed exactly wins over those that only contain it.
    exact = _ok(admin, "/console/audit?stakeholder=anna+m%C3%BCller")
    assert "Stakeholder: Anna Müller" in exact.plain and "Which stakeholder?" not in exact.plain
    # No match says so on the field.
    none_found = _ok(admin, "/console/audit?stakeholder=Nobody")
    assert "No stakeholder's name contains “Nobody”" in none_found.plain and "Bern → Zürich" not in none_found.plain
    # With a change set too, both filters hold.
    both = _ok(admin, f"/console/audit?stakeholder=Anna&change_set_id={scenario.changeset_id}")
    assert "Stakeholder: Anna Müller" in both.plain and "City: Bern → Zürich" in both.plain


def test_the_audit_log_name_filter_never_finds_another_companys_stakeholders(admin, scenario, theirs):
    from services import stakeholders
    stakeholders.create_stakeholder(admin.client.application.extensions["hrsync.services"], theirs.company_id,
                                    {"first_name": "Quentin", "last_name": "Globex"}, actor="x@globex.example",
                                    detail="test")
    assert "No stakeholder's name contains “Quentin”" in _ok(admin, "/console/audit?stakeholder=Quentin").plain


def test_the_audit_log_refuses_another_companys_ids(admin, scenario, theirs):
    assert admin.open(f"/console/audit?stakeholder_id={scenario.person('anna')}")[0].status_code == 200
    assert admin.open(f"/console/audit?change_set_id={scenario.changeset_id}")[0].status_code == 200
    assert admin.open(f"/console/audit?stakeholder_id={theirs.person('anna')}")[0].status_code == 404
    assert admin.open(f"/console/audit?change_set_id={theirs.changeset_id}")[0].status_code == 404


def test_an_approver_views_the_audit_log_and_an_empty_one_is_worded_for_people(approver, client, services):
    assert "Added a user" in _ok(approver, "/console/audit").plain
    from tests.unit.webhook_app.conftest import make_company
    make_company(services, "Initech", "boss@initech.example")
    console = Console(client)
    assert console.sign_in("boss@initech.example", APPROVER_PASSWORD).status_code == 303
    assert "Nothing recorded yet" in _ok(console, "/console/audit").plain


def test_the_approve_page_opened_from_the_console_has_the_signed_in_users_email(admin, approver, scenario):
    for console, email in ((admin, APPROVER_EMAIL), (approver, CLERK)):
        location = console.client.get(f"/console/changesets/{scenario.changeset_id}/open").headers["Location"]
        page = console.open(location)[1]
        assert [c.value for f in page.forms for c in f.controls if c.name == "email"][0] == email


def test_an_approve_link_of_another_company_is_not_filled_with_the_signed_in_users_email(admin, settings, theirs):
    from core.links import LinkSigner
    page = admin.open(f"/approvals/{LinkSigner.for_settings(settings).token(theirs.changeset_id)}")[1]
    assert [c.value for f in page.forms for c in f.controls if c.name == "email"][0] == ""
