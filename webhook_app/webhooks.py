"""Webhook intake, the same for every provider: size cap → company → verify → dedupe → coalesce → 202.

The request does no HR call, no sync and (once the company's signer is cached) no database work: it
authenticates the raw bytes and records the remote ids in Redis in one round trip. The first delivery
of a burst hands its company to the process's intake scheduler, which creates and schedules the one
targeted sync off the request (services.intake explains why nothing accepted is lost). This route decides
every case; the common success is answered alike, without Flask's per-request work, by webhook_fastpath.
"""

from __future__ import annotations

import json

from flask import Flask, Request, current_app, request
from flask.sessions import SessionInterface
from werkzeug.routing import AnyConverter

from core.bootstrap import Services
from core.coalescing import Intake
from providers.base import ChangeNotice
from providers.registry import PROVIDERS
from services import webhooks
from services.intake import IntakeScheduler, accept_notice
from webhook_app.context import redis, settings
from webhook_app.security import MachineBlueprint
from webhook_app.webhook_fastpath import FastIntake

bp = MachineBlueprint("webhooks", __name__, url_prefix="/webhooks")

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


class ProviderName(AnyConverter):
    """A path segment naming a provider of the registry (as it is when the app is built): another name matches no
    route, so it is a 404 whatever the method."""

    def __init__(self, map, *args, **kwargs) -> None:
        super().__init__(map, *PROVIDERS)


@bp.record_once
def _install(state) -> None:
    state.app.url_map.converters["hr_provider"] = ProviderName
    built: Services = state.app.extensions["hrsync.services"]
    state.app.extensions[_TARGETS] = webhooks.targets_cache(built)
    state.app.extensions[_SCHEDULER] = IntakeScheduler(built, state.app.extensions["hrsync.redis"],
                                                       debounce=built.settings.sync_debounce_seconds)
    state.app.session_interface = _NoSessionUnder(state.app.session_interface, f"{bp.url_prefix}/")
    state.app.wsgi_app = FastIntake(state.app.wsgi_app, state.app, f"{bp.url_prefix}/", _answer)


@bp.post("/<hr_provider:provider>/<company_id>")
def receive(provider: str, company_id: str):
    """Accept one delivery from a registered HR system for `company_id`: 202, or an error the sender retries."""
    webhooks.check_supported(provider)
    body = request.get_data(cache=False)  # the cap (MAX_CONTENT_LENGTH) answers 413 before this
    notice = webhooks.authenticate(current_app.extensions[_TARGETS], provider, company_id, body, request.headers)
    if notice.acknowledge_only:  # the HR system checks that the URL answers: nothing to record
        return current_app.response_class(_answer(notice, None), 202, mimetype="application/json")
    intake = accept_notice(redis(), settings().namespace, company_id, notice)
    if intake is Intake.SCHEDULED:
        current_app.extensions[_SCHEDULER].submit(company_id, provider)
    return current_app.response_class(_answer(notice, intake), 202, mimetype="application/json")


def _answer(notice: ChangeNotice, intake: Intake | None) -> bytes:
    """The 202 body (here and on the fast path): the same JSON as jsonify, without its machinery."""
    result = "acknowledged" if notice.acknowledge_only else intake.value if intake else "ignored"
    answer = {"status": "accepted", "delivery_id": notice.delivery_id, "result": result}
    return (json.dumps(answer, separators=(",", ":")) + "\n").encode()
