"""The approve link in the web app: preview, apply, CSRF, escaping, bad and old links, lockout."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html

import pytest
from approvals_client import Approver

from domain.changeset import ChangeSet
from domain.employee import Employee, EmploymentStatus
from store.db import transaction
from store.enums import ChangeSetStatus
from store.repositories import audit, changesets, integrations, stakeholder_writes, stakeholders, sync_runs
from store.repositories.changeset_reads import load_changeset
from tests.approval_scenario import build_scenario, employees, record_sync
from webhook_app import create_app
from core import namespace
from core.lockout import CLIENT_MAX_TRIES, LOCK_SECONDS, MAX_TRIES
from core.links import LinkSigner

APPROVER_EMAIL, APPROVER_PASSWORD = "cfo@acme.example", "correct horse battery staple"
HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def scenario(services):
    hostile = Employee("7", "E-7", HOSTILE, "O'Neil & <b>Sons</b>", hire_date=dt.date(2021, 1, 1),
                       status=EmploymentStatus.ACTIVE)
    return build_scenario(services.session_factory, APPROVER_EMAIL, APPROVER_PASSWORD, extra=(hostile,))


@pytest.fixture
def signer(settings):
    return LinkSigner(settings.secret_key, settings.approve_link_max_age, settings.public_base_url)


@pytest.fixture
def approver(client, signer, scenario):
    approver = Approver(client, f"/approvals/{signer.token(scenario.changeset_id)}", APPROVER_EMAIL,
                        APPROVER_PASSWORD)
    assert approver.open().status_code == 200
    return approver


def status_of(services, changeset_id):
    with transaction(services.session_factory) as session:
        return load_changeset(session, changeset_id, with_items=False).status


def person(services, scenario, key):
    with transaction(services.session_factory) as session:
        return stakeholders.get_stakeholder(session, scenario.company_id, scenario.person(key))


@pytest.mark.parametrize("header, value", [
    ("Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
                                "img-src 'self'; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
], ids=["csp", "referrer", "frames", "nosniff", "no-store"])
def test_pages_carry_security_headers(client, approver, header, value):
    for url in (approver.url, "/approvals/garbage"):
        assert client.get(url).headers[header] == value


def test_static_files_carry_the_policy_too(client):
    with client.get("/approvals/static/approvals.css") as response:
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_preview_shows_every_kind(approver):
    page = approver.page
    for text in ("Changes from BambooHR", "New stakeholders", "Updates", "Links", "Leavers", "To review",
                 "Skipped", "Apply 5 changes", "No hire date in the HR system", "Several stakeholders have this name",
                 "2026-03-31", "Ex-employee"):
        assert text in page
    assert 'class="identity"' not in page.split('id="update"')[1].split("</section>")[0]  # a city is no identity
    assert page.count('type="checkbox" name="include"') == 5  # 2 creates, update, link, leaver
    assert len(approver.form()["include"]) == 5


def apply_button(page: str) -> str:
    return " ".join(page.split('<button type="submit" class="js-apply">')[1].split("</button>")[0].split())


def test_the_apply_button_says_how_many_changes_it_applies(approver, scenario):
    # Issue 12 item 16: it said "Sync now"; it counts checked items and reviews answered with a write.
    assert apply_button(approver.page) == "Apply 5 changes"
    approver.submit(password="nope", uncheck=[scenario.items["1"], scenario.items["2"]],
                    **{f"resolve__{scenario.items['4']}": "create"})
    assert apply_button(approver.page) == "Apply 4 changes"  # the page as the approver left it
    approver.submit(password="nope", uncheck=[scenario.items[key] for key in ("1", "2", "3", "5")],
                    **{f"resolve__{scenario.items['4']}": "not_same_person"})
    assert apply_button(approver.page) == "Apply 1 change"
    assert "<noscript>" in approver.page  # without JavaScript the count stays the loaded one, and says so


def test_identity_changes_are_highlighted(services, client, signer, scenario):
    staff = [employee if employee.remote_id != "1" else dataclasses.replace(employee, email="anna.m@acme.example")
             for employee in employees()]
    newer = record_sync(services.session_factory, scenario.company_id, staff)
    page = client.get(f"/approvals/{signer.token(newer)}").get_data(as_text=True)
    assert '<li class="identity">' in page and "anna.m@acme.example" in page


def test_a_leaver_without_a_termination_date_says_so(services, client, signer, scenario):
    staff = [dataclasses.replace(e, termination_date=None, marked_terminated=True) if e.termination_date else e
             for e in employees()]
    newer = record_sync(services.session_factory, scenario.company_id, staff)
    page = client.get(f"/approvals/{signer.token(newer)}").get_data(as_text=True)
    leavers = page.split('id="leaver"')[1].split("</section>")[0]
    assert "date not given in HR" in leavers and "Ex-employee" in leavers and "2026-03-31" not in page


def test_hr_text_is_escaped(approver):
    assert HOSTILE not in approver.page and "<b>Sons</b>" not in approver.page
    assert html.escape(HOSTILE, quote=False) in approver.page or "&lt;script&gt;alert(" in approver.page
    assert approver.page.count("<script") == 1  # the page's own script file, nothing else


def test_applying_the_form(services, approver, scenario):
    response = approver.submit(uncheck=[scenario.items["1"]], name_format="last_comma_first",
                               **{f"resolve__{scenario.items['4']}": str(scenario.person("dora"))})

    assert response.status_code == 200 and "Changes applied" in approver.page
    assert status_of(services, scenario.changeset_id) is ChangeSetStatus.APPLIED
    assert person(services, scenario, "anna").city == "Bern"
    assert person(services, scenario, "dora").hr_remote_id == "4"
    with transaction(services.session_factory) as session:
        names = {entry.name for entry in stakeholders.list_stakeholders(session, scenario.company_id)}
    assert "Neumann, Eva" in names


def test_applying_twice_shows_who_applied(client, approver, services, scenario):
    form = approver.form()
    assert client.post(approver.url, data=form).status_code == 200
    again = client.post(approver.url, data=form)  # a double click, or the back button and submit
    page = again.get_data(as_text=True)
    assert again.status_code == 409 and "Already applied" in page and APPROVER_EMAIL in page
    shown = client.get(approver.url)
    assert shown.status_code == 200 and f"by {APPROVER_EMAIL}" in shown.get_data(as_text=True)


@pytest.mark.parametrize("csrf_token", [None, "forged-token"], ids=["missing", "forged"])
def test_a_form_without_its_csrf_token_is_refused(services, approver, scenario, csrf_token):
    response = approver.submit(csrf_token=csrf_token)
    assert response.status_code == 400 and "The form has expired" in approver.page
    assert status_of(services, scenario.changeset_id) is ChangeSetStatus.PENDING


def test_a_csrf_token_is_bound_to_the_browser_session(app, services, approver, scenario):
    stolen = approver.form()
    other_browser = app.test_client()
    response = other_browser.post(approver.url, data=stolen)
    assert response.status_code == 400
    assert status_of(services, scenario.changeset_id) is ChangeSetStatus.PENDING


def test_a_wrong_password_keeps_the_choices(services, approver, scenario):
    review = f"resolve-{scenario.items['4']}"
    response = approver.submit(password="nope", uncheck=[scenario.items["3"]], name_format="last_first",
                               **{review.replace("-", "__"): "create"})
    assert response.status_code == 401 and "4 tries left" in approver.page
    form = approver.form()
    assert str(scenario.items["3"]) not in form["include"] and len(form["include"]) == 4
    assert (form["name_format"], form[review]) == ("last_first", "create")
    assert f'value="{APPROVER_EMAIL}"' in approver.page and 'value="nope"' not in approver.page
    assert status_of(services, scenario.changeset_id) is ChangeSetStatus.PENDING


def test_five_wrong_passwords_lock_the_approver(services, approver, scenario):
    statuses = [approver.submit(password="nope").status_code for _ in range(MAX_TRIES)]
    assert statuses == [401] * MAX_TRIES and "approving is now locked for 15 minutes." in approver.page
    locked = approver.submit()
    assert locked.status_code == 423 and 0 < int(locked.headers["Retry-After"]) <= LOCK_SECONDS
    assert "Approving is locked for now" in approver.page and "try again in 15 minutes" in approver.page
    with transaction(services.session_factory) as session:
        assert [entry.action for entry in audit.list_entries(session, scenario.company_id).items] == [
            "lock_approval"]
    assert status_of(services, scenario.changeset_id) is ChangeSetStatus.PENDING


def test_the_approver_stays_locked_on_a_newer_change_set_and_through_the_api(services, client, signer, approver,
                                                                            scenario):
    # Issue 12 item 1: the count was per change set, so each new sync brought five fresh tries.
    assert [approver.submit(password="nope").status_code for _ in range(3)] == [401] * 3
    newer = record_sync(services.session_factory, scenario.company_id, employees())
    auth = {"Authorization": f"Bearer {scenario.api_token}"}
    api = client.post(f"/api/v1/changesets/{newer}/approve", headers=auth,
                      json={"email": APPROVER_EMAIL, "password": "nope"})
    assert api.status_code == 401 and "1 tries left" in api.get_json()["error"]["message"]
    fresh = Approver(client, f"/approvals/{signer.token(newer)}", APPROVER_EMAIL, APPROVER_PASSWORD)
    fresh.open()
    assert fresh.submit(password="nope").status_code == 401 and "now locked" in fresh.page
    assert fresh.submit().status_code == 423  # the sixth check, with the right password
    locked = client.post(f"/api/v1/changesets/{newer}/approve", headers=auth,
                         json={"email": APPROVER_EMAIL, "password": APPROVER_PASSWORD})
    assert locked.status_code == 423 and locked.get_json()["error"]["code"] == "locked"
    assert status_of(services, newer) is ChangeSetStatus.PENDING


def test_an_address_past_its_ceiling_sees_the_lock_on_the_preview(fake_redis, approver, scenario, services):
    lockout = namespace.lockout(fake_redis, services.settings.namespace)  # the app's (its installation's keys)
    for account in range(CLIENT_MAX_TRIES):
        lockout.failed(lockout.reserve(scenario.company_id, f"guess{account}@acme.example", "127.0.0.1"))
    approver.open()
    assert "Too many wrong passwords were entered from here: approving is locked for 15 minutes more." in " ".join(
        approver.page.split())
    assert approver.submit().status_code == 423


def test_without_the_lockout_store_approving_pauses_in_words_for_a_person(redis_server, services, approver, scenario):
    redis_server.connected = False
    response = approver.submit()
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    assert "Approving is paused for a moment" in approver.page and "try again in a minute" in approver.page
    assert "lockout store" not in approver.page and "Redis" not in approver.page
    assert status_of(services, scenario.changeset_id) is ChangeSetStatus.PENDING


@pytest.mark.parametrize("changes, message", [
    ({"email": ""}, "Enter your e-mail address and your password"),
    ({"password": None}, "Enter your e-mail address and your password"),
    ({"name_format": "first-name-only"}, "Choose one of the name formats"),
], ids=["no-email", "no-password", "bad-format"])
def test_an_incomplete_form_is_shown_again(services, approver, scenario, changes, message):
    assert approver.submit(**changes).status_code == 400 and message in approver.page
    assert status_of(services, scenario.changeset_id) is ChangeSetStatus.PENDING


def test_an_answer_naming_no_candidate_is_refused(services, approver, scenario):
    response = approver.submit(**{f"resolve__{scenario.items['4']}": str(scenario.person("anna"))})
    assert response.status_code == 422 and "not a choice" in approver.page
    assert status_of(services, scenario.changeset_id) is ChangeSetStatus.PENDING


def test_a_change_set_updated_since_the_page_was_opened_is_shown_again(services, approver, scenario):
    with transaction(services.session_factory) as session:
        # A targeted sync that found employee 6 in step again: its item goes, the ids no longer match.
        run_id = sync_runs.create_run(session, scenario.company_id, "bamboohr", "targeted", ["6"]).id
        changesets.merge_targeted(session, scenario.company_id, run_id, ChangeSet(()), ["6"], {})
    response = approver.submit()
    assert response.status_code == 409 and "review it again" in approver.page
    assert "No hire date" not in approver.page  # the fresh page, without the merged-away item
    assert approver.submit().status_code == 200


@pytest.mark.parametrize("url", ["/approvals/not-a-token", "/approvals/eyJjcyI6MX0.AAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA"],
                         ids=["garbage", "forged-signature"])
def test_a_bad_link_is_404(client, url):
    response = client.get(url)
    assert response.status_code == 404 and "This link is not valid" in response.get_data(as_text=True)
    assert client.post(url, data={}).status_code in (400, 404)


def test_a_tampered_link_is_404(client, approver):
    token = approver.url.rsplit("/", 1)[1]
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert client.get(f"/approvals/{tampered}").status_code == 404


def test_a_link_to_a_missing_change_set_is_404(client, signer):
    assert client.get(f"/approvals/{signer.token(424242)}").status_code == 404


def test_an_expired_link_is_410(settings, services, fake_redis, scenario, signer):
    expired_app = create_app(dataclasses.replace(settings, approve_link_max_age=-1), redis=fake_redis,
                             services=services)
    response = expired_app.test_client().get(f"/approvals/{signer.token(scenario.changeset_id)}")
    assert response.status_code == 410 and "This link has expired" in response.get_data(as_text=True)


def test_a_superseded_link_points_to_the_newest_pending_one(services, client, signer, scenario):
    middle = record_sync(services.session_factory, scenario.company_id, employees())
    newest = record_sync(services.session_factory, scenario.company_id, employees())
    page = client.get(f"/approvals/{signer.token(scenario.changeset_id)}").get_data(as_text=True)
    assert "A newer change set replaces this one" in page
    link = page.split('class="button" href="')[1].split('"')[0]
    assert signer.changeset_id(link.rsplit("/", 1)[1]) == newest != middle
    assert client.get(link).status_code == 200


def test_the_link_a_superseded_link_hands_on_expires_with_it(app, client, settings, services, scenario):
    # Issue 12 item 2: the page used to sign a fresh link, so one leaked link renewed itself for ever.
    now = [1_800_000_000.0]
    clocked = LinkSigner(settings.secret_key, settings.approve_link_max_age, settings.public_base_url,
                         clock=lambda: now[0])
    app.extensions["hrsync.links"] = clocked
    original = clocked.token(scenario.changeset_id)
    record_sync(services.session_factory, scenario.company_id, employees())
    now[0] += settings.approve_link_max_age - 60  # a minute before the original expires
    page = client.get(f"/approvals/{original}").get_data(as_text=True)
    handed_on = page.split('class="button" href="')[1].split('"')[0]
    assert client.get(handed_on).status_code == 200
    newest = record_sync(services.session_factory, scenario.company_id, employees())
    again = client.get(handed_on).get_data(as_text=True).split('class="button" href="')[1].split('"')[0]
    assert clocked.changeset_id(again.rsplit("/", 1)[1]) == newest  # handed on once more: the same end

    now[0] += 61  # the original has expired: so have the links it led to
    for url in (f"/approvals/{original}", handed_on, again):
        response = client.get(url)
        assert response.status_code == 410 and "This link has expired" in response.get_data(as_text=True)


def test_a_superseded_link_says_when_the_newer_one_was_applied(services, client, signer, scenario):
    newer = record_sync(services.session_factory, scenario.company_id, employees())
    with transaction(services.session_factory) as session:
        changesets.mark_applied(session, newer, "ceo@acme.example")
    page = client.get(f"/approvals/{signer.token(scenario.changeset_id)}").get_data(as_text=True)
    assert "A newer change set was applied" in page and "by ceo@acme.example" in page


def test_an_expired_change_set_is_410(services, client, signer, scenario):
    with transaction(services.session_factory) as session:
        changesets.expire_changeset(session, scenario.changeset_id)
    assert client.get(f"/approvals/{signer.token(scenario.changeset_id)}").status_code == 410


def _stale_carl(services, scenario):
    with transaction(services.session_factory) as session:
        stakeholder_writes.update_stakeholder(session, scenario.company_id, scenario.person("carl"),
                                              {"phone": "+41 1"})


def _integrate(services, scenario):
    with transaction(services.session_factory) as session:
        integrations.set_integration(session, services.box, scenario.company_id, "bamboohr",
                                     {"subdomain": "acme", "api_key": "k"})


def _queued(services, scenario):
    with transaction(services.session_factory) as session:
        runs = sync_runs.active_runs(session, scenario.company_id)
    return [(run.id, run.mode.value, run.status.value) for run in runs]


def test_stale_items_are_listed_and_a_fresh_sync_is_queued_by_the_apply(services, approver, scenario):
    _integrate(services, scenario)
    _stale_carl(services, scenario)
    assert approver.submit().status_code == 200
    assert "changed since the preview" in approver.page and "Carl Weiss" in approver.page
    ((sync_id, mode, status),) = _queued(services, scenario)
    assert (mode, status) == ("full", "queued")
    assert f"A fresh sync (sync {sync_id}) is queued to propose their changes again" in " ".join(approver.page.split())
    assert person(services, scenario, "carl").group == "Employees"


def test_the_fresh_sync_after_an_apply_is_the_one_already_queued(services, client, approver, scenario):
    _integrate(services, scenario)
    waiting = client.post("/api/v1/syncs", headers={"Authorization": f"Bearer {scenario.api_token}"},
                          json={"mode": "incremental"}).get_json()["sync_id"]
    _stale_carl(services, scenario)
    assert approver.submit().status_code == 200
    assert _queued(services, scenario) == [(waiting, "full", "queued")]
    assert f"The sync already queued (sync {waiting}) proposes their changes again" in " ".join(approver.page.split())


def test_without_an_integration_the_result_says_no_sync_can_follow(services, approver, scenario):
    _stale_carl(services, scenario)
    assert approver.submit().status_code == 200
    assert "no HR integration any more" in approver.page and _queued(services, scenario) == []


@pytest.mark.parametrize("state", ["applied", "superseded", "pending"])
def test_a_link_never_starts_a_sync(services, client, signer, approver, scenario, state):
    # Issue 12 item 1: POST /approvals/<token>/sync needed only a link and any CSRF token, and from an applied
    # link it queued unlimited full syncs, each e-mailing every approver.
    _integrate(services, scenario)
    token = approver.form()["csrf_token"]
    if state == "applied":
        assert approver.submit().status_code == 200
    elif state == "superseded":
        record_sync(services.session_factory, scenario.company_id, employees())
    answers = [client.post(f"{approver.url}/sync", data={"csrf_token": token}).status_code for _ in range(3)]
    assert all(status >= 400 for status in answers) and _queued(services, scenario) == []


def test_the_live_example_script_is_served(client):
    with client.get("/approvals/static/approvals.js") as script:
        assert script.status_code == 200 and "name_format" in script.get_data(as_text=True)
