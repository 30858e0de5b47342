"""Webhook intake, the same for both providers: size cap → company → verify → dedupe → coalesce → 202.

The request does no HR call, no sync and (once the company's signer is cached) no database work: it
authenticates the raw bytes and records the remote ids in Redis in one round trip. The first delivery
of a burst hands its company to the process's intake scheduler, which creates and schedules the one
targeted sync off the request (services.intake explains why nothing accepted is lost). This route decides
every case; the common success is answered alike, without Flask's per-request work, by webhook_fastpath.
"""

from __future__ import annotations

import json
import time

from flask import Blueprint, Flask, Request, current_app, request
from flask.sessions import SessionInterface

from core.bootstrap import Services
from core.coalescing import Intake
from core.errors import QueueUnavailable
from providers import provider_class
from providers.base import ChangeNotice
from providers.errors import MalformedWebhook, WebhookRejected
from services.intake import IntakeScheduler, accept_notice
from store.db import transaction
from store.repositories import companies, integrations
from webhook_app.context import redis, settings
from webhook_app.errors import ApiError
from webhook_app.webhook_fastpath import FastIntake
from webhook_app.webhook_targets import Target, WebhookTargets

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

RETRY_AFTER = "10"
_TARGETS, _SCHEDULER = "hrsync.webhook_targets", "hrsync.intake_scheduler"


class _NoSessionUnder(SessionInterface):
    """Senders keep no cookie: deliveries skip the signed-cookie session (its serializer costs per request)."""

    def __init__(self, inner: SessionInterface, prefix: str) -> None:
        self.inner, self.prefix = inner, prefix
        self.null_session_class = inner.null_session_class

    def open_session(self, app: Flask, request: Request):
        return None if request.path.startswith(self.prefix) else self.inner.open_session(app, request)

    def save_session(self, app: Flask, session, response) -> None:
        self.inner.save_session(app, session, response)


@bp.record_once
def _install(state) -> None:
    built: Services = state.app.extensions["hrsync.services"]
    state.app.extensions[_TARGETS] = WebhookTargets(
        lambda company_id, provider: _load_target(built, company_id, provider),
        lambda company_ids: _load_targets(built, company_ids))
    state.app.extensions[_SCHEDULER] = IntakeScheduler(built, state.app.extensions["hrsync.redis"],
                                                       debounce=built.settings.sync_debounce_seconds)
    state.app.session_interface = _NoSessionUnder(state.app.session_interface, f"{bp.url_prefix}/")
    state.app.wsgi_app = FastIntake(state.app.wsgi_app, state.app, f"{bp.url_prefix}/", _answer)


@bp.post("/<any(bamboohr, personio):provider>/<company_id>")
def receive(provider: str, company_id: str):
    """Accept one delivery from BambooHR or Personio for `company_id`: 202, or an error the sender retries."""
    body = request.get_data(cache=False)  # the cap (MAX_CONTENT_LENGTH) answers 413 before this
    notice = _authenticated(provider, company_id, body)
    try:
        intake = accept_notice(redis(), settings().namespace, company_id, notice)
    except QueueUnavailable as error:
        current_app.logger.warning("webhook for company %s not accepted: Redis unreachable", company_id)
        raise ApiError(503, "queue_unavailable", str(error), headers={"Retry-After": RETRY_AFTER}) from None
    if intake is Intake.SCHEDULED:
        current_app.extensions[_SCHEDULER].submit(company_id, provider)
    return current_app.response_class(_answer(notice, intake), 202, mimetype="application/json")


def _answer(notice: ChangeNotice, intake: Intake | None) -> bytes:
    """The 202 body (here and on the fast path): the same JSON as jsonify, without its machinery."""
    answer = {"status": "accepted", "delivery_id": notice.delivery_id, "result": intake.value if intake else "ignored"}
    return (json.dumps(answer, separators=(",", ":")) + "\n").encode()


def _authenticated(provider: str, company_id: str, body: bytes) -> ChangeNotice:
    targets: WebhookTargets = current_app.extensions[_TARGETS]
    known = targets.get(company_id)
    if known is not None and known.provider == provider:
        try:
            return _verify(provider, body, known.secret)
        except ApiError:
            pass  # perhaps a rotated secret: decide on what the database says now
    return _verify(provider, body, targets.load(company_id, provider).secret)


def _verify(provider: str, body: bytes, secret: str) -> ChangeNotice:
    try:
        return provider_class(provider).verify_webhook(body, request.headers, secret, time.time())
    except WebhookRejected as error:
        raise ApiError(401, "webhook_rejected", str(error)) from None
    except MalformedWebhook as error:
        raise ApiError(400, "malformed_webhook", str(error)) from None


def _load_targets(built: Services, company_ids: list[str]) -> dict[str, Target]:
    with transaction(built.session_factory) as session:
        found = integrations.webhook_secrets(session, built.box, company_ids)
    return {company_id: Target(provider, secret) for company_id, (provider, secret) in found.items()}


def _load_target(built: Services, company_id: str, provider: str) -> Target:
    """One query when the company can receive this provider's webhooks; otherwise the reason, as an ApiError."""
    if len(company_id) > 64:
        raise ApiError(404, "unknown_company", "no company with this id")
    found = _load_targets(built, [company_id]).get(company_id)
    if found is not None and found.provider == provider:
        return found
    with transaction(built.session_factory) as session:
        integration = integrations.get_integration(session, company_id)
        if integration is None and not companies.company_exists(session, company_id):
            raise ApiError(404, "unknown_company", "no company with this id")
    if integration is None or integration.provider != provider:
        raise ApiError(409, "provider_not_configured", f"{provider_class(provider).label} is not the "
                       "HR system configured for this company")
    raise ApiError(409, "webhook_secret_not_set", "no webhook secret is configured for this company; "
                   "create one in the integration settings")
