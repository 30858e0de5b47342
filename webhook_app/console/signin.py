"""Signing in and out (`/login`, the company picker, `/logout`) and setting a password from an e-mailed link."""

from __future__ import annotations

import time

from flask import Blueprint, Response, flash, g, redirect, render_template, request, session, url_for

from core.errors import HrsyncError, InvalidField, Locked, LockoutUnavailable, SignInFailed
from services import signin, users
from services.signin import Account
from store.enums import UserRole
from webhook_app.console import auth
from webhook_app.console.forms import field_errors
from webhook_app.context import client_address, services, signin_lockout
from webhook_app.errors import sentence

bp = Blueprint("signin", __name__)
bp.record_once(lambda state: auth.init_app(state.app))

# How long the company picker stays open after the password was checked.
PICK_SECONDS = 10 * 60
_PICK = "console_pick"


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form: e-mail and password; wrong tries are counted per e-mail."""
    next_page = auth.safe_next(request.args.get("next"))
    if request.method == "GET":
        if auth.current_user() is not None:
            return redirect(next_page or url_for("console.home"), 303)
        return _login_page("", next_page)
    g.console_email = request.form.get("email", "")
    accounts = signin.sign_in(services(), signin_lockout(), g.console_email, request.form.get("password", ""),
                              client_address())
    if len(accounts) == 1:
        return _enter(accounts[0], next_page)
    session.clear()
    session[_PICK] = {"at": int(time.time()), "accounts": [
        {"id": account.user_id, "stamp": account.stamp, "name": account.company_name, "role": account.role.value,
         "company": account.company_id} for account in accounts]}
    return redirect(url_for("signin.pick_company", next=next_page), 303)


def sign_in_refused(error: HrsyncError) -> Response:
    """A wrong password, a lock or a pause: the form again, saying so (the e-mail kept, the password not)."""
    return _login_page(g.get("console_email", ""), auth.safe_next(request.args.get("next")),
                       error=sentence(error.message), status=error.http_status, headers=error.headers())


for _refusal in (SignInFailed, Locked, LockoutUnavailable):
    bp.register_error_handler(_refusal, sign_in_refused)


@bp.route("/login/company", methods=["GET", "POST"])
def pick_company():
    """An e-mail that belongs to several companies: which one to open (the password was checked just before)."""
    next_page = auth.safe_next(request.args.get("next"))
    pending = _pending_pick()
    if pending is None:
        flash("Sign in again to choose a company.")
        return redirect(url_for("signin.login", next=next_page), 303)
    error = None
    if request.method == "POST":
        chosen = next((entry for entry in pending if str(entry["id"]) == request.form.get("account")), None)
        if chosen is not None:
            return _enter(Account(chosen["id"], chosen["company"], chosen["name"], UserRole(chosen["role"]),
                                  chosen["stamp"]), next_page)
        error = "Choose one of the companies."
    html = render_template("console/pick_company.html", accounts=pending, next_page=next_page, error=error)
    return Response(html, status=422 if error else 200, mimetype="text/html")


@bp.post("/logout")
def logout():
    """Sign out: the session cookie is emptied."""
    auth.end_session()
    flash("You are signed out.")
    return redirect(url_for("signin.login"), 303)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """The page an invitation or reset e-mail links to: choose a password (the link works once)."""
    holder = g.link_holder = users.open_password_link(services(), token)
    if request.method == "GET":
        return _password_page(holder)
    users.set_password_from_link(services(), token, request.form.get("password", ""), request.form.get("confirm", ""))
    auth.end_session()
    flash(f"Your password is set. Sign in with {holder.email}.")
    return redirect(url_for("signin.login"), 303)


@bp.errorhandler(InvalidField)
def password_refused(error: InvalidField) -> Response:
    """A short or mistyped password: shown on its field."""
    return _password_page(g.link_holder, errors=field_errors(error), status=error.http_status)


def _password_page(holder, *, errors: dict | None = None, status: int = 200) -> Response:
    html = render_template("console/set_password.html", holder=holder, min_length=users.MIN_PASSWORD,
                           company_name=holder.company_name, errors=errors or {})
    return Response(html, status=status, mimetype="text/html")


def _enter(account: Account, next_page: str | None):
    auth.start_session(account)
    return redirect(next_page or url_for("console.home"), 303)


def _pending_pick() -> list[dict] | None:
    pick = session.get(_PICK)
    if not isinstance(pick, dict) or not isinstance(pick.get("at"), int) or time.time() - pick["at"] > PICK_SECONDS:
        return None
    return pick.get("accounts") or None


def _login_page(email: str, next_page: str | None, *, error: str | None = None, status: int = 200,
                headers: dict | None = None) -> Response:
    html = render_template("console/login.html", email=email, error=error, next_page=next_page)
    return Response(html, status=status, mimetype="text/html", headers=headers)
