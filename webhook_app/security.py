"""Browser-facing safety: CSRF tokens for the approval form (Flask-WTF) and strict security headers (pages and
the JSON API)."""

from __future__ import annotations

from flask import Response, request
from flask.blueprints import BlueprintSetupState
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

# No inline script or style anywhere: the pages load one stylesheet and one script from /approvals/static.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                           "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HTML_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # The approve link is a credential in the URL: it must not leak to another site as a Referer.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}

# Every /api answer, errors included: one of them shows a one-time webhook token, none may be cached,
# and none may be sniffed into something a browser would run.
API_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
API_PREFIX = "/api/"


def init_security(state: BlueprintSetupState) -> None:
    """Set up CSRF for the app that registers the approvals blueprint (once per app)."""
    app = state.app
    # Checked only where a view calls `csrf.protect()`: the JSON API and webhooks authenticate otherwise.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    # Flask-WTF's HTTPS Referer check cannot pass: the pages send no Referer (Referrer-Policy above).
    app.config.setdefault("WTF_CSRF_SSL_STRICT", False)
    # An approver may read a large change set for a while before submitting.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    settings = app.extensions["hrsync.services"].settings
    if settings.public_base_url.startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    csrf.init_app(app)


def html_headers(response: Response) -> Response:
    for name, value in HTML_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def api_headers(response: Response) -> Response:
    """The app's after-request hook: API_HEADERS on every answer under /api/."""
    if request.path.startswith(API_PREFIX):
        for name, value in API_HEADERS.items():
            response.headers[name] = value
    return response
