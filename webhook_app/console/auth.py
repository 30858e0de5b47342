"""Who is signed in: the session names a user and a stamp of their password; gates for pages (sign-in, admin role).

The session is Flask's signed cookie (HttpOnly, SameSite=Lax, Secure behind https: webhook_app.security), rotated on
sign-in: everything in it before (a CSRF token included) is dropped.
"""

from __future__ import annotations

import functools
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, g, redirect, request, session, url_for

from core.errors import Forbidden
from services import signin
from services.signin import Account, SignedInUser
from webhook_app.context import services

# How long a signed-in session lasts without a request (each request renews it).
SESSION_IDLE = timedelta(hours=8)
_USER, _STAMP, _ROTATION = "console_user", "console_stamp", "console_session"


def init_app(app: Flask) -> None:
    # Flask's own default is 31 days; a console session ends after a working day without a request.
    app.config["PERMANENT_SESSION_LIFETIME"] = SESSION_IDLE


def current_user() -> SignedInUser | None:
    """The signed-in user of this request (read once per request), or None."""
    if "console_user" not in g:
        user_id, stamp = session.get(_USER), session.get(_STAMP)
        found = None
        if isinstance(user_id, int) and isinstance(stamp, str):
            found = signin.session_user(services(), user_id, stamp)
        g.console_user = found
    return g.console_user


def start_session(account: Account) -> None:
    """A new session for `account`: nothing of the one before survives (session fixation, an old CSRF token)."""
    session.clear()
    session[_USER], session[_STAMP] = account.user_id, account.stamp
    session[_ROTATION] = secrets.token_urlsafe(12)
    session.permanent = True
    g.pop("console_user", None)


def end_session() -> None:
    session.clear()
    g.console_user = None


def signed_in(view):
    """Pages for signed-in users: anyone else goes to the sign-in page, and comes back here afterwards."""

    @functools.wraps(view)
    def gated(*args, **kwargs):
        if current_user() is None:
            target = request.full_path if request.method == "GET" else None
            return redirect(url_for("signin.login", next=safe_next(target)), 303)
        return view(*args, **kwargs)

    return gated


def admin_only(view):
    """Pages for admins (settings, users): an approver gets the 403 page."""

    @signed_in
    @functools.wraps(view)
    def gated(*args, **kwargs):
        if not current_user().is_admin:
            raise Forbidden()
        return view(*args, **kwargs)

    return gated


def safe_next(target: str | None) -> str | None:
    """A path on this site to return to after signing in; None for anything else (an open redirect)."""
    if not target:
        return None
    target = target.rstrip("?")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
