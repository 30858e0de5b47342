"""Signing in to the console: the form, the lockout, the session cookie and its rotation, the company picker,
signing out, and `/` leading to the console."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime

import pytest

from services import users
from store.db import transaction
from store.repositories import approvers
from tests.console_client import Console, page_of
from tests.unit.webhook_app.conftest import APPROVER_EMAIL, APPROVER_PASSWORD, make_company


@pytest.fixture
def console(client):
    return Console(client)


def _accounts(form) -> list[str]:
    """The values of the company picker's radio buttons."""
    return [control.value for control in form.controls if control.name == "account"]


def _cookie(response) -> str:
    [cookie] = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]
    return cookie


def test_the_root_and_the_console_lead_to_the_sign_in_page_when_signed_out(client, company):
    assert client.get("/").headers["Location"] == "/login"
    answer = client.get("/console")
    assert answer.status_code == 303 and answer.headers["Location"] == "/login?next=/console"


def test_the_sign_in_page_labels_its_inputs_and_carries_a_csrf_token(console, company):
    response, page = console.open("/login")
    assert response.status_code == 200 and page.title.startswith("Sign in")
    assert page.unlabelled() == []
    assert set(page.form_to("/login").fields()) == {"csrf_token", "email", "password"}
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_signing_in_without_the_csrf_token_is_refused(client, company):
    answer = client.post("/login", data={"email": APPROVER_EMAIL, "password": APPROVER_PASSWORD})
    assert answer.status_code == 400 and "The form has expired" in page_of(answer).plain
    assert client.get("/console").status_code == 303


def test_the_right_password_opens_the_console_with_a_fresh_safe_cookie(console, client, company):
    before = _cookie(client.get("/login"))
    answer = console.sign_in(" CFO@acme.example ", APPROVER_PASSWORD)
    assert answer.status_code == 303 and answer.headers["Location"] == "/console"
    cookie = _cookie(answer)
    assert cookie.split(";")[0] != before.split(";")[0]
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
    assert "httponly" in attributes and attributes["samesite"] == "SameSite=Lax" and "secure" in attributes
    lasts = parsedate_to_datetime(attributes["expires"].split("=", 1)[1]) - dt.datetime.now(dt.timezone.utc)
    assert dt.timedelta(hours=7, minutes=59) < lasts <= dt.timedelta(hours=8)
    response, page = console.open("/console")
    assert response.status_code == 200 and "Acme GmbH" in page.plain and "Signed in as cfo@acme.example" in page.plain
    assert client.get("/").headers["Location"] == "/console"


def test_signing_in_rotates_the_csrf_token(console, client, company):
    _, page = console.open("/login")
    old_token = page.form_to("/login").fields()["csrf_token"]
    console.sign_in(APPROVER_EMAIL, APPROVER_PASSWORD)
    answer = client.post("/logout", data={"csrf_token": old_token})
    assert answer.status_code == 400
    assert client.get("/console").status_code == 200


def test_a_wrong_password_says_how_many_tries_are_left_then_locks(console, company):
    for remaining in (4, 3, 2, 1):
        answer = console.sign_in(APPROVER_EMAIL, "wrong password")
        assert answer.status_code == 401
        assert f"{remaining} tries left before signing in is locked" in page_of(answer).plain
    answer = console.sign_in(APPROVER_EMAIL, "wrong password")
    assert answer.status_code == 401 and "signing in is now locked for 15 minutes" in page_of(answer).plain
    answer = console.sign_in(APPROVER_EMAIL, APPROVER_PASSWORD)
    assert answer.status_code == 423 and answer.headers["Retry-After"]
    assert "signing in is locked" in page_of(answer).plain


@pytest.mark.parametrize("target, lands", [("/console/users", "/console/users"), ("//evil.example/x", "/console"),
                                           ("https://evil.example/", "/console"), ("/\\evil.example", "/console")],
                         ids=["local", "scheme-relative", "absolute", "backslash"])
def test_after_signing_in_only_a_local_next_page_is_followed(console, company, target, lands):
    answer = console.sign_in(APPROVER_EMAIL, APPROVER_PASSWORD, next_page=target)
    assert answer.headers["Location"] == lands


def test_an_email_of_several_companies_picks_one(console, client, services, company):
    make_company(services, "Globex AG", APPROVER_EMAIL)
    answer = console.sign_in(APPROVER_EMAIL, APPROVER_PASSWORD)
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/login/company")
    response, page = console.open(answer.headers["Location"])
    form = page.form_to("/login/company")
    assert page.unlabelled() == [] and len(_accounts(form)) == 2
    assert [name for name in ("Acme GmbH", "Globex AG") if name in page.plain] == ["Acme GmbH", "Globex AG"]
    assert client.get("/console").status_code == 303  # not signed in before choosing
    globex = _accounts(form)[1]
    chosen = client.post(form.action, data=form.fields(account=globex))
    assert chosen.status_code == 303
    assert "Globex AG" in console.open("/console")[1].plain


def test_a_forged_company_choice_is_refused(console, client, services, company):
    other = make_company(services, "Globex AG", "someone@globex.example")
    make_company(services, "Initech", APPROVER_EMAIL)
    answer = console.sign_in(APPROVER_EMAIL, APPROVER_PASSWORD)
    _, page = console.open(answer.headers["Location"])
    form = page.form_to("/login/company")
    someone_else = users.list_users(services, other.id)[0].id
    refused = client.post(form.action, data=form.fields(account=str(someone_else)))
    assert refused.status_code == 422 and client.get("/console").status_code == 303


def test_signing_out_ends_the_session(console, client, company):
    console.sign_in(APPROVER_EMAIL, APPROVER_PASSWORD)
    assert client.get("/logout").status_code == 405
    answer = console.submit("/console", "/logout")
    assert answer.status_code == 303 and answer.headers["Location"] == "/login"
    assert client.get("/console").status_code == 303
    assert "You are signed out" in console.open("/login")[1].plain


def test_a_new_password_ends_the_sessions_signed_in_with_the_old_one(console, client, services, company):
    console.sign_in(APPROVER_EMAIL, APPROVER_PASSWORD)
    with transaction(services.session_factory) as session:
        approvers.set_password(session, company.id, APPROVER_EMAIL, "a brand new password")
    assert client.get("/console").status_code == 303
