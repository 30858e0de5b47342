"""The console over HTTP on SQLite and PostgreSQL: a migrated approver signs in, invites a user whose link sets the
password, and two admins demoting each other at once leave one admin."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import requests

from core.errors import LastAdmin
from services import users
from store.db import transaction
from store.enums import UserRole
from store.repositories import approvers, companies
from store.repositories import users as user_rows
from tests.pages import Page
from tests.outbox import last_link_to

ADMIN, PASSWORD = "cfo@acme.example", "correct horse battery staple"
CLERK, CLERK_PASSWORD = "clerk@acme.example", "the clerk's password"


class Browser:
    """A requests session that reads pages and submits their forms (redirects followed, as a browser does)."""

    def __init__(self, base_url: str) -> None:
        self.base_url, self.session = base_url, requests.Session()

    def open(self, path: str) -> tuple[requests.Response, Page]:
        response = self.session.get(self.base_url + path, timeout=10)
        return response, Page(response.text)

    def submit(self, path: str, action: str, **values) -> tuple[requests.Response, Page]:
        _, page = self.open(path)
        form = page.form_to(action)
        response = self.session.post(self.base_url + form.action, data=form.fields(**values), timeout=10)
        return response, Page(response.text)


def _company(services) -> str:
    with transaction(services.session_factory) as session:
        return companies.create_company(session, "Acme GmbH", ADMIN, PASSWORD).company_id


def test_sign_in_invite_set_password_and_the_role_gate(live_app, services):
    company_id = _company(services)
    admin = Browser(live_app)
    response, page = admin.submit("/login", "/login", email=ADMIN, password=PASSWORD)
    assert urlsplit(response.url).path == "/console" and "Acme GmbH" in page.plain
    response, page = admin.submit("/console/users", "/console/users", email=CLERK, role="approver")
    assert response.status_code == 200 and f"{CLERK} was added as approver" in page.plain

    invited = Browser(live_app)
    path = urlsplit(last_link_to(services.settings.instance_path, CLERK)).path
    response, page = invited.submit(path, path, password=CLERK_PASSWORD, confirm=CLERK_PASSWORD)
    assert urlsplit(response.url).path == "/login" and "Your password is set" in page.plain
    response, page = invited.submit("/login", "/login", email=CLERK, password=CLERK_PASSWORD)
    assert "an approver" in page.plain
    assert invited.open("/console/users")[0].status_code == 403
    with transaction(services.session_factory) as session:
        assert approvers.verify_approver(session, company_id, CLERK, CLERK_PASSWORD)

    response, page = invited.submit("/console", "/logout")
    assert urlsplit(response.url).path == "/login"
    assert urlsplit(invited.open("/console")[0].url).path == "/login"


def test_two_admins_demoting_each_other_at_once_leave_one_admin(services, monkeypatch):
    company_id = _company(services)
    invitation = users.add_user(services, company_id, CLERK, "admin", actor=ADMIN)
    # Both can sign in: an admin still invited would not count as one who stays.
    users.set_password_from_link(services, urlsplit(invitation.url).path.rsplit("/", 1)[1], CLERK_PASSWORD,
                                 CLERK_PASSWORD)
    second = invitation.user
    first = users.find_user(services, company_id, ADMIN)
    start, outcomes = threading.Barrier(2), []
    # Each change waits (up to a second) after counting the admins for the other to count too: without the lock
    # both would see two admins and both demote; with it, the second is still waiting for the lock.
    counted, read_user = threading.Barrier(2, timeout=1), user_rows.get_user

    def get_user_when_both_counted(*args):
        try:
            counted.wait()
        except threading.BrokenBarrierError:
            pass
        return read_user(*args)

    monkeypatch.setattr(user_rows, "get_user", get_user_when_both_counted)

    def demote(target: int, actor: str) -> None:
        start.wait()
        try:
            users.change_role(services, company_id, target, "approver", actor=actor)
            outcomes.append("demoted")
        except LastAdmin:
            outcomes.append("refused")

    threads = [threading.Thread(target=demote, args=(first.id, CLERK)),
               threading.Thread(target=demote, args=(second.id, ADMIN))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["demoted", "refused"]
    assert [user.role for user in users.list_users(services, company_id)].count(UserRole.ADMIN) == 1
