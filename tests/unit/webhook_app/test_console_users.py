"""The Users page: admins list, add (an invitation in the outbox), change roles, remove and reset; approvers get 403;
the set-password page from the e-mailed link."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services import notify, users
from store.db import transaction
from store.repositories import approvers
from tests.console_client import Console, page_of
from tests.outbox import last_link_to
from tests.unit.webhook_app.conftest import APPROVER_EMAIL, APPROVER_PASSWORD

CLERK = "clerk@acme.example"
CLERK_PASSWORD = "the clerk's own password"


@pytest.fixture
def console(client):
    return Console(client)


@pytest.fixture
def admin(console, company):
    assert console.sign_in(APPROVER_EMAIL, APPROVER_PASSWORD).status_code == 303
    return console


def _add(console, email=CLERK, role="approver"):
    return console.submit("/console/users", "/console/users", email=email, role=role)


def _set_password(client, url: str, password: str, confirm: str | None = None):
    path = url.removeprefix("https://hrsync.test")
    console = Console(client)
    return console.submit(path, path, password=password, confirm=password if confirm is None else confirm)


def _approver(app, services, settings, company):
    """A second browser, signed in as an approver who set their password from the invitation."""
    users.add_user(services, company.id, CLERK, "approver", actor=APPROVER_EMAIL)
    client = app.test_client()
    assert _set_password(client, last_link_to(settings.instance_path, CLERK), CLERK_PASSWORD).status_code == 303
    console = Console(client)
    assert console.sign_in(CLERK, CLERK_PASSWORD).status_code == 303
    return console


def test_the_users_page_lists_the_people_with_labelled_controls(admin):
    response, page = admin.open("/console/users")
    assert response.status_code == 200
    assert "cfo@acme.example (you)" in page.plain and "Active" in page.plain
    assert page.unlabelled() == [] and page.duplicate_ids() == []
    assert ("/console/users", "Users") in page.links
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_adding_a_user_sends_an_invitation_whose_link_sets_the_password(admin, client, app, services, settings,
                                                                         company):
    answer = _add(admin)
    assert answer.status_code == 303 and answer.headers["Location"] == "/console/users"
    page = admin.open("/console/users")[1]
    assert f"{CLERK} was added as approver" in page.plain and "Invited" in page.plain
    link = last_link_to(settings.instance_path, CLERK)

    other = app.test_client()
    response, form_page = Console(other).open(link.removeprefix("https://hrsync.test"))
    assert response.status_code == 200 and CLERK in form_page.plain and form_page.unlabelled() == []
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert _set_password(other, link, CLERK_PASSWORD).headers["Location"] == "/login"
    assert "Your password is set" in Console(other).open("/login")[1].plain
    assert Console(other).sign_in(CLERK, CLERK_PASSWORD).status_code == 303
    with transaction(services.session_factory) as session:
        assert approvers.verify_approver(session, company.id, CLERK, CLERK_PASSWORD)
    used = other.get(link.removeprefix("https://hrsync.test"))
    assert used.status_code == 410 and "already used" in page_of(used).plain


@pytest.mark.parametrize("email, status, message", [
    ("not-an-address", 422, "Enter an e-mail address"),
    (APPROVER_EMAIL, 409, "cfo@acme.example is already a user of this company"),
], ids=["bad-email", "duplicate"])
def test_a_refused_address_is_shown_on_its_field(admin, email, status, message):
    answer = _add(admin, email=email)
    assert answer.status_code == status
    page = page_of(answer)
    assert message in page.plain and page.form_to("/console/users").fields()["email"] == email


def test_a_mistyped_or_short_password_is_shown_on_its_field(admin, app, settings):
    _add(admin)
    link = last_link_to(settings.instance_path, CLERK)
    answer = _set_password(app.test_client(), link, CLERK_PASSWORD, confirm="something else")
    assert answer.status_code == 422 and "The two passwords are not the same" in page_of(answer).plain
    answer = _set_password(app.test_client(), link, "short")
    assert answer.status_code == 422 and "at least 10 characters" in page_of(answer).plain


@pytest.mark.parametrize("path, status", [("/set-password/not-a-link", 404), ("/set-password/", 404)],
                         ids=["tampered", "empty"])
def test_a_bad_link_is_its_error_page(client, company, path, status):
    answer = client.get(path)
    assert answer.status_code == status


@pytest.fixture
def mail_server(services, settings, monkeypatch):
    """SMTP_URL set, and what would go to the mail server kept here instead."""
    sent = []
    monkeypatch.setattr(notify, "_send_smtp", lambda url, message: sent.append(message))
    services.settings = replace(settings, smtp_url="smtp://mail.acme.example:587")
    return sent


def _added_then_reset(admin, services, company) -> tuple[str, str, str, str]:
    """What the Users page says before adding the clerk, after adding them, on the reset's confirmation and after
    the reset."""
    hint = admin.open("/console/users")[1].plain
    _add(admin)
    added = admin.open("/console/users")[1].plain
    clerk = users.find_user(services, company.id, CLERK)
    confirm = admin.open(f"/console/users/{clerk.id}/reset")[1].plain
    admin.submit(f"/console/users/{clerk.id}/reset", f"/console/users/{clerk.id}/reset")
    return hint, added, confirm, admin.open("/console/users")[1].plain


def test_without_mail_the_page_says_the_link_is_in_the_development_outbox(admin, services, settings, company):
    hint, added, confirm, reset = _added_then_reset(admin, services, company)
    # Named by the time they were written: the invitation, then the reset.
    first, second = sorted(str(path) for path in (settings.instance_path / "outbox").glob("*.eml"))
    for page, file in ((added, first), (reset, second)):
        assert "on its way" not in page
        assert f"written to the development outbox, {file}" in page
        assert "In production, set SMTP_URL" in page
        assert f"To get {CLERK} in: once mail works, use Reset password to send them a new link" in page
        assert "an operator can open that file and pass the link on" in page
    assert "written to the development outbox on the server, not sent" in hint
    assert "written to the development outbox on the server, not sent" in confirm


def test_with_mail_configured_the_page_says_the_link_was_mailed(admin, services, settings, company, mail_server):
    hint, added, confirm, reset = _added_then_reset(admin, services, company)
    assert [message["To"] for message in mail_server] == [CLERK, CLERK]
    assert f"An e-mail with a link to set the password is on its way to {CLERK}" in added
    assert f"An e-mail with a link to set the password is on its way to {CLERK}" in reset
    assert not (settings.instance_path / "outbox").exists()
    for page in (hint, added, confirm, reset):
        assert "outbox" not in page and "SMTP_URL" not in page
    assert "is sent to them" in hint and "is sent to them" in confirm


def test_roles_change_and_the_last_admin_stays(admin, services, company):
    _add(admin)
    clerk = users.find_user(services, company.id, CLERK)
    me = users.find_user(services, company.id, APPROVER_EMAIL)
    answer = admin.submit("/console/users", f"/console/users/{me.id}/role", role="approver")
    assert answer.status_code == 303
    assert "A company needs at least one admin" in admin.open("/console/users")[1].plain
    admin.submit("/console/users", f"/console/users/{clerk.id}/role", role="admin")
    assert users.find_user(services, company.id, CLERK).role.value == "admin"
    assert f"{CLERK} is now an admin" in admin.open("/console/users")[1].plain


def test_removing_asks_first_and_keeps_the_last_admin(admin, services, company):
    _add(admin)
    clerk = users.find_user(services, company.id, CLERK)
    response, page = admin.open(f"/console/users/{clerk.id}/remove")
    assert response.status_code == 200 and f"Remove {CLERK}?" in page.plain
    assert users.find_user(services, company.id, CLERK)  # nothing happens on GET
    answer = admin.submit(f"/console/users/{clerk.id}/remove", f"/console/users/{clerk.id}/remove")
    assert answer.status_code == 303
    assert [user.email for user in users.list_users(services, company.id)] == [APPROVER_EMAIL]
    me = users.find_user(services, company.id, APPROVER_EMAIL)
    admin.submit(f"/console/users/{me.id}/remove", f"/console/users/{me.id}/remove")
    assert "A company needs at least one admin" in admin.open("/console/users")[1].plain


def test_an_invited_admin_does_not_let_the_only_admin_who_signs_in_step_down(admin, services, company):
    _add(admin, role="admin")
    me = users.find_user(services, company.id, APPROVER_EMAIL)
    admin.submit("/console/users", f"/console/users/{me.id}/role", role="approver")
    assert (f"{APPROVER_EMAIL} is the only admin who can sign in" in admin.open("/console/users")[1].plain)
    admin.submit(f"/console/users/{me.id}/remove", f"/console/users/{me.id}/remove")
    assert (f"{APPROVER_EMAIL} is the only admin who can sign in" in admin.open("/console/users")[1].plain)
    assert users.find_user(services, company.id, APPROVER_EMAIL).role.value == "admin"


def test_a_reset_ends_the_password_and_mails_a_new_link(admin, app, services, settings, company):
    approver = _approver(app, services, settings, company)
    clerk = users.find_user(services, company.id, CLERK)
    answer = admin.submit(f"/console/users/{clerk.id}/reset", f"/console/users/{clerk.id}/reset")
    assert answer.status_code == 303
    assert f"The password of {CLERK} was reset" in admin.open("/console/users")[1].plain
    assert approver.client.get("/console").status_code == 303  # signed out everywhere
    assert approver.sign_in(CLERK, CLERK_PASSWORD).status_code == 401
    _set_password(app.test_client(), last_link_to(settings.instance_path, CLERK), "a fresh clerk password")
    assert approver.sign_in(CLERK, "a fresh clerk password").status_code == 303


def test_another_companys_user_cannot_be_touched(admin, services, other_company):
    theirs = users.list_users(services, other_company.id)[0].id
    assert admin.client.get(f"/console/users/{theirs}/remove").status_code == 404
    assert admin.client.get(f"/console/users/{theirs}/reset").status_code == 404


def test_an_approver_sees_no_users_link_and_gets_403(app, services, settings, company):
    approver = _approver(app, services, settings, company)
    response, page = approver.open("/console")
    assert response.status_code == 200 and "/console/users" not in dict(page.links)
    for path in ("/console/users", "/console/users/1/remove", "/console/users/1/reset"):
        answer = approver.client.get(path)
        assert answer.status_code == 403, path
        assert "text/html" in answer.content_type and "for the company's admins" in page_of(answer).plain
    token = page.form_to("/logout").fields()["csrf_token"]  # a valid token of the approver's own session
    forged = approver.client.post("/console/users", data={"csrf_token": token, "email": "x@acme.example",
                                                          "role": "admin"})
    assert forged.status_code == 403
    assert sorted(user.email for user in users.list_users(services, company.id)) == [APPROVER_EMAIL, CLERK]


@pytest.mark.parametrize("method, path", [("get", "/console"), ("get", "/console/users"), ("post", "/console/users"),
                                          ("post", "/console/users/1/role"), ("get", "/console/users/1/remove"),
                                          ("post", "/console/users/1/reset")])
def test_every_console_route_sends_the_signed_out_to_sign_in(console, client, company, method, path):
    token = console.open("/login")[1].form_to("/login").fields()["csrf_token"]  # past the CSRF check, to the gate
    answer = client.get(path) if method == "get" else client.post(path, data={"csrf_token": token})
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/login")
