"""Browser safety for the whole app: CSRF on every form (Flask-WTF), strict security headers on every page, and the
declaration by which the blueprints that answer machines (JSON API, webhooks, cron, probes) leave both out."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, request
from flask_wtf.csrf import CSRFProtect

from core.settings import Settings
from webhook_app.errors import JSON_PREFIXES

# No inline script or style anywhere: pages load stylesheets and scripts served by the app itself, and scripts
# talk to the app only (the approve page saves choices and follows an apply's progress).
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
                           "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
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


class MachineBlueprint(Blueprint):
    """A blueprint whose routes answer programs, not browsers: they authenticate otherwise (a bearer token, a
    webhook signature, the cron token) or not at all (probes, the OpenAPI document), so the CSRF check leaves
    them out. Their routes live under webhook_app.errors.JSON_PREFIXES, where errors are JSON."""


def init_app(app: Flask, settings: Settings) -> None:
    """CSRF on by default for every form of `app` (call after registering the blueprints), and the headers."""
    # Flask-WTF's HTTPS Referer check cannot pass: the pages send no Referer (Referrer-Policy above).
    app.config.setdefault("WTF_CSRF_SSL_STRICT", False)
    # An approver may read a large change set for a while before submitting.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if settings.public_base_url.startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    csrf = CSRFProtect()
    for blueprint in app.blueprints.values():
        if isinstance(blueprint, MachineBlueprint):
            csrf.exempt(blueprint)
    # Its check runs after the body limit and the NUL guard (registered before), before every view.
    csrf.init_app(app)
    app.after_request(headers)


def headers(response: Response) -> Response:
    """API_HEADERS on every answer under /api/, HTML_HEADERS on every answer outside the machines' prefixes
    (pages, their assets and their error pages)."""
    if request.path.startswith(API_PREFIX):
        for name, value in API_HEADERS.items():
            response.headers[name] = value
    elif not request.path.startswith(JSON_PREFIXES):
        for name, value in HTML_HEADERS.items():
            response.headers.setdefault(name, value)
    return response
