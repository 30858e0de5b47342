"""Sync now (issue 15, page 5): an admin's button on the overview and the sync history queues the company's full
sync (one at most: a queued or running one is led to), and the sync's page follows it — the preview opens when it
ends with changes, "nothing to change" is said, a failure shows the HR system's message with what to do, and a sync
no worker will pick up says so. Approvers see no button and are refused the POST."""

from __future__ import annotations

import datetime as dt

import pytest

from core.bootstrap import build_services
from domain.employee import Employee, EmploymentStatus
from providers.base import FetchReport
from providers.errors import ProviderAuthError
from store.db import transaction
from store.enums import SyncStatus
from store.repositories import integrations, sync_runs
from tests.console_client import CLERK, Console, page_of
from tests.unit.webhook_app.conftest import APPROVER_EMAIL, APPROVER_PASSWORD, make_company
from services.sync_progress import LiveProgress
from workers import runtime
from workers.jobs import run_sync

CREDENTIALS = {"subdomain": "acme", "api_key": "bamboo-api-key-for-sync-now"}
NOW = "/console/syncs/now"


@pytest.fixture
def company(services):
    made = make_company(services)
    with transaction(services.session_factory) as session:
        integrations.set_integration(session, services.box, made.id, "bamboohr", CREDENTIALS)
    return made


@pytest.fixture
def console_company_id(company):
    """Whose console `admin` and `approver` (conftest) sign in to."""
    return company.id


def _runs(services, company_id):
    with transaction(services.session_factory) as session:
        return sync_runs.recent_runs(session, company_id, 50)


def _press(console, path="/console"):
    """Press Sync now on `path`; returns the answer (not followed)."""
    return console.submit(path, NOW)


class _HR:
    """An HR system holding `people` (or refusing the credentials with `error`)."""

    require_hire_date, name, label = False, "bamboohr", "BambooHR"
    default_mapping = {"firstName": "first_name", "lastName": "last_name"}

    def __init__(self, people=(), error=None, absent=frozenset()):
        self.people, self.error, self.absent = list(people), error, absent

    def iter_employees(self, progress=None):
        if self.error is not None:
            raise self.error
        return iter(self.people)

    def fetch_report(self):
        return FetchReport(absent_fields=self.absent)

    def close(self):
        pass


def _person(remote_id: str, first: str, last: str) -> Employee:
    return Employee(remote_id=remote_id, unique_identifier=remote_id, first_name=first, last_name=last,
                    email=f"{first.lower()}@acme.example", hire_date=dt.date(2020, 1, 1),
                    status=EmploymentStatus.ACTIVE)


def _work(services, fake_redis, sync_id, hr: _HR) -> None:
    """The worker's part, in this process: run the queued sync against `hr`."""
    fake = build_services(services.settings, engine=services.engine, provider_factory=lambda *a, **k: hr)
    runtime.use(runtime.JobRuntime(fake, fake_redis))
    try:
        run_sync(sync_id)
    except ProviderAuthError:
        pass  # recorded on the row, as a worker's failure policy leaves it


def test_the_button_is_on_the_overview_and_the_sync_history_for_admins(admin):
    for path in ("/console", "/console/syncs"):
        response, page = admin.open(path)
        assert response.status_code == 200 and page.unlabelled() == []
        form = page.form_to(NOW)
        assert form.method.lower() == "post" and "csrf_token" in form.fields()
        assert "Sync now" in page.plain


def test_an_approver_sees_no_button_and_is_refused_the_post(approver, services, company):
    for path in ("/console", "/console/syncs"):
        response, page = approver.open(path)
        assert response.status_code == 200 and "Sync now" not in page.plain
        assert NOW not in page.text
    token = approver.open("/console")[1].form_to("/logout").fields()["csrf_token"]  # past CSRF, to the gate
    answer = approver.client.post(NOW, data={"csrf_token": token})
    assert answer.status_code == 403 and "for the company's admins" in page_of(answer).plain
    assert _runs(services, company.id) == []


def test_the_post_needs_its_csrf_token_and_a_signed_in_admin(client, admin, services, company):
    assert admin.client.post(NOW, data={}).status_code == 400
    assert _runs(services, company.id) == []
    signed_out = client.application.test_client()
    token = Console(signed_out).open("/login")[1].form_to("/login").fields()["csrf_token"]
    answer = signed_out.post(NOW, data={"csrf_token": token})
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/login")
    assert _runs(services, company.id) == []


def test_sync_now_queues_a_full_sync_asked_by_the_admin_and_opens_its_page(admin, services, company):
    answer = _press(admin)
    [run] = _runs(services, company.id)
    assert answer.status_code == 303 and answer.headers["Location"] == f"/console/syncs/{run.id}?follow=1"
    assert (run.status, run.mode.value, run.trigger.value, run.requested_by) == (
        SyncStatus.QUEUED, "full", "manual", APPROVER_EMAIL)
    response, page = admin.open(answer.headers["Location"])
    assert response.status_code == 200 and "Waiting for a worker" in page.plain
    assert "opens the changes to approve" in page.plain
    # The page follows the sync with its script; only without JavaScript does it reload itself.
    assert "/static/console-sync.js" in page.text
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page.text
    assert f'data-progress="/console/syncs/{run.id}/progress?follow=1"' in page.text


def test_no_worker_running_is_said_plainly(admin, services, company):
    page = admin.open(_press(admin).headers["Location"])[1]
    assert "No hrsync worker is running" in page.plain and "hrsync worker" in page.plain


def test_a_registered_worker_takes_the_warning_away(admin, services, company, fake_redis):
    from rq import Worker
    from core import queueing
    worker = Worker([queueing.queue(fake_redis, services.settings.namespace)], connection=fake_redis)
    worker.register_birth()
    try:
        page = admin.open(_press(admin).headers["Location"])[1]
        assert "Waiting for a worker" in page.plain and "No hrsync worker is running" not in page.plain
    finally:
        worker.register_death()


def test_pressing_again_while_it_waits_leads_to_the_same_sync(admin, services, company):
    first = _press(admin).headers["Location"]
    again = _press(admin, "/console/syncs")
    assert again.headers["Location"] == first and len(_runs(services, company.id)) == 1
    assert "already waiting to start" in admin.open(again.headers["Location"])[1].plain


def test_pressing_while_a_full_sync_runs_leads_to_it(admin, services, company):
    with transaction(services.session_factory) as session:
        running = sync_runs.create_run(session, company.id, "bamboohr", "full", trigger="cron")
        sync_runs.start_run(session, running.id)
    answer = _press(admin)
    assert answer.headers["Location"] == f"/console/syncs/{running.id}?follow=1"
    assert [run.id for run in _runs(services, company.id)] == [running.id]
    page = admin.open(answer.headers["Location"])[1]
    assert "already running: this is it" in page.plain and "No hrsync worker" not in page.plain


def test_a_running_webhook_sync_does_not_stand_in_for_a_full_one(admin, services, company):
    with transaction(services.session_factory) as session:
        targeted = sync_runs.create_run(session, company.id, "bamboohr", "targeted", trigger="webhook")
        sync_runs.start_run(session, targeted.id)
    answer = _press(admin)
    newest = _runs(services, company.id)[0]
    assert newest.id != targeted.id and newest.mode.value == "full"
    assert answer.headers["Location"] == f"/console/syncs/{newest.id}?follow=1"


def test_without_an_hr_system_nothing_is_queued_and_the_page_says_what_to_do(client, services):
    bare = make_company(services, "Initech", "boss@initech.example")
    console = Console(client)
    assert console.sign_in("boss@initech.example", APPROVER_PASSWORD).status_code == 303
    answer = _press(console)
    assert answer.status_code == 303 and answer.headers["Location"] == "/console/syncs"
    assert "Connect your HR system on the HR integration page first" in console.open("/console/syncs")[1].plain
    assert _runs(services, bare.id) == []


def test_redis_down_starts_nothing_and_says_so(admin, services, company, redis_server):
    page = admin.open("/console")[1]
    form = page.form_to(NOW)
    redis_server.connected = False
    answer = admin.client.post(form.action, data=form.fields())
    redis_server.connected = True
    assert answer.status_code == 303 and answer.headers["Location"] == "/console/syncs"
    assert "Nothing was started" in admin.open("/console/syncs")[1].plain
    assert [run.status for run in _runs(services, company.id)] in ([], [SyncStatus.FAILED])


def test_a_sync_that_ends_with_changes_opens_their_preview(admin, services, company, fake_redis):
    follow = _press(admin).headers["Location"]
    sync_id = int(follow.split("/")[-1].split("?")[0])
    _work(services, fake_redis, sync_id, _HR([_person("7", "Eva", "Neumann"), _person("8", "Tom", "Berg")]))
    answer = admin.client.get(follow)
    run = _runs(services, company.id)[0]
    assert run.changeset_id is not None
    assert answer.status_code == 303 and answer.headers["Location"] == f"/console/changesets/{run.changeset_id}/open"
    preview = admin.client.get(answer.headers["Location"])
    assert preview.status_code == 303 and preview.headers["Location"].startswith("/approvals/")
    response, page = admin.open(preview.headers["Location"])
    assert response.status_code == 200 and "Eva Neumann" in page.plain
    # Opened later from the history, the sync's page stays put and offers the way to its changes.
    response, page = admin.open(f"/console/syncs/{sync_id}")
    assert response.status_code == 200
    assert (f"/console/changesets/{run.changeset_id}/open", "Review and approve the changes") in page.links


def test_a_sync_that_finds_nothing_to_change_says_so(admin, services, company, fake_redis):
    follow = _press(admin).headers["Location"]
    _work(services, fake_redis, int(follow.split("/")[-1].split("?")[0]), _HR())
    response, page = admin.open(follow)
    assert response.status_code == 200 and "Nothing to change" in page.plain
    assert "http-equiv" not in page.text and "Review and approve" not in page.plain


def test_a_failed_sync_shows_the_hr_systems_message_what_to_do_and_sync_again(admin, services, company, fake_redis):
    follow = _press(admin).headers["Location"]
    sync_id = int(follow.split("/")[-1].split("?")[0])
    _work(services, fake_redis, sync_id, _HR(error=ProviderAuthError("BambooHR refused the API key (401)")))
    response, page = admin.open(follow)
    assert response.status_code == 200 and "BambooHR refused the API key (401)" in page.plain
    assert "Check the credentials on the HR integration page" in page.plain
    assert ("/console/integration", "the HR integration page") in page.links  # the advice links where to fix it
    assert "Open the HR integration page" not in page.plain  # once is enough
    assert "http-equiv" not in page.text and "Sync again" in page.plain
    assert '<div class="sync-again">' in page.text  # set apart from the facts below it
    again = admin.client.post(NOW, data=page.form_to(NOW).fields())
    assert again.status_code == 303 and again.headers["Location"] != follow
    assert len(_runs(services, company.id)) == 2


def test_an_approver_following_a_failed_sync_gets_no_sync_again(approver, services, company, fake_redis):
    with transaction(services.session_factory) as session:
        run = sync_runs.create_run(session, company.id, "bamboohr", "full")
        sync_runs.start_run(session, run.id)
        sync_runs.fail_run(session, run.id, "BambooHR refused the API key", "provider_auth_failed")
    page = approver.open(f"/console/syncs/{run.id}")[1]
    assert "BambooHR refused the API key" in page.plain and "Sync again" not in page.plain


def test_fields_the_hr_system_sent_for_nobody_are_said_on_the_syncs_page(admin, services, company, fake_redis):
    """A credential's permission gap is no empty value: hrsync left those fields as they were, and says why."""
    sync_id = int(_press(admin).headers["Location"].split("/")[-1].split("?")[0])
    _work(services, fake_redis, sync_id, _HR(absent=frozenset({"homeEmail"})))
    response, page = admin.open(f"/console/syncs/{sync_id}")
    assert response.status_code == 200
    assert ("The HR system did not send field homeEmail for any employee: the credential probably cannot read it."
            in page.plain)
    assert "left those stakeholder fields as they are" in page.plain


def test_a_sync_that_got_every_field_shows_no_such_note(admin, services, company, fake_redis):
    sync_id = int(_press(admin).headers["Location"].split("/")[-1].split("?")[0])
    _work(services, fake_redis, sync_id, _HR())
    assert "did not send field" not in admin.open(f"/console/syncs/{sync_id}")[1].plain


def _sync_id(location: str) -> int:
    return int(location.split("/")[-1].split("?")[0])


def _live(services, fake_redis, company, sync_id, fetched, total):
    """What a worker records while it reads employees (here without a worker: the sync stays queued)."""
    LiveProgress(fake_redis, services.settings.namespace, sync_id, company.id).fetched(fetched, total)


def test_the_progress_endpoint_tells_phase_employees_read_and_elapsed_as_the_sync_runs(admin, services, company,
                                                                                       fake_redis):
    sync_id = _sync_id(_press(admin).headers["Location"])
    answer = admin.client.get(f"/console/syncs/{sync_id}/progress")
    assert answer.status_code == 200 and answer.is_json
    assert answer.json | {"elapsed_seconds": None} == {
        "status": "queued", "status_label": "Waiting", "phase": "queued", "phase_label": "Waiting for a worker",
        "fetched": 0, "total": None,
        "employees_read": "0", "elapsed_seconds": None, "elapsed": "—", "ended": False, "next": None}

    _live(services, fake_redis, company, sync_id, 1200, 4000)
    answer = admin.client.get(f"/console/syncs/{sync_id}/progress?follow=1").json
    assert (answer["status"], answer["status_label"], answer["phase"], answer["phase_label"]) == (
        "running", "Running", "fetching", "Reading employees from the HR system")
    assert (answer["fetched"], answer["total"], answer["employees_read"]) == (1200, 4000, "1,200 of 4,000")
    assert answer["elapsed_seconds"] >= 0 and answer["elapsed"].endswith(" s")
    assert (answer["ended"], answer["next"]) == (False, None)
    # The page drawn at that moment says the same, in its live region.
    page = admin.open(f"/console/syncs/{sync_id}?follow=1")[1]
    assert "Reading employees from the HR system : 1,200 of 4,000 employees read" in page.plain
    assert 'role="status" aria-live="polite"' in page.text


def test_the_progress_endpoint_leads_on_once_the_sync_has_ended(admin, services, company, fake_redis):
    sync_id = _sync_id(_press(admin).headers["Location"])
    _work(services, fake_redis, sync_id, _HR([_person("7", "Eva", "Neumann")]))
    followed = admin.client.get(f"/console/syncs/{sync_id}/progress?follow=1").json
    assert (followed["status"], followed["phase"], followed["ended"]) == ("succeeded", "done", True)
    assert followed["next"] == f"/console/syncs/{sync_id}?follow=1"  # which opens the preview (test above)
    assert admin.client.get(f"/console/syncs/{sync_id}/progress").json["next"] == f"/console/syncs/{sync_id}"


def test_the_progress_endpoint_is_for_the_signed_in_of_the_syncs_company(client, admin, approver, services, company):
    sync_id = _sync_id(_press(admin).headers["Location"])
    assert approver.client.get(f"/console/syncs/{sync_id}/progress").json["phase"] == "queued"
    other = make_company(services, "Initech", "boss@initech.example")
    with transaction(services.session_factory) as session:
        theirs = sync_runs.create_run(session, other.id, "bamboohr", "full").id
    assert admin.client.get(f"/console/syncs/{theirs}/progress").status_code == 404
    signed_out = client.application.test_client()
    answer = signed_out.get(f"/console/syncs/{sync_id}/progress")
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/login")
