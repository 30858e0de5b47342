"""The webhooks' hot path without the framework: cached signer, valid signature, one Redis script, 202.

Only the common success is answered here: a delivery for a company whose signer this process has cached,
that verifies and is recorded. Everything else — a company's first delivery to this process, a refusal, an
odd or oversized request, a query string, Redis failing — falls through, body intact, to the Flask route
(webhooks.receive), which decides every case and answers errors in the one error shape. The answer and
its effects are the route's own (same verification, same intake, same JSON); Flask's per-request work
(contexts, routing, hooks, response objects) is about half the route's CPU, and this path skips it.
"""

from __future__ import annotations

import io
from typing import Callable, Iterable

from flask import Flask
from werkzeug.datastructures import EnvironHeaders

from core.coalescing import Intake
from core.errors import QueueUnavailable
from providers.base import ChangeNotice
from providers.errors import MalformedWebhook, WebhookRejected
from providers.registry import PROVIDERS
from services import webhooks
from services.intake import IntakeScheduler, accept_notice

# (the verified notice, what the intake did) → the route's 202 body.
Answer = Callable[[ChangeNotice, "Intake | None"], bytes]


class FastIntake:
    """WSGI middleware around the app's `wsgi_app`; `answer` builds the route's 202 body."""

    def __init__(self, wsgi_app, app: Flask, prefix: str, answer: Answer) -> None:
        self.wsgi_app, self._app, self._prefix, self._answer = wsgi_app, app, prefix, answer
        self._namespace = app.extensions["hrsync.services"].settings.namespace

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        body = self._accepted(environ) if environ.get("PATH_INFO", "").startswith(self._prefix) else None
        if body is None:
            return self.wsgi_app(environ, start_response)
        start_response("202 ACCEPTED", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    def _accepted(self, environ: dict) -> bytes | None:
        """The 202 body, or None: the route answers (the request's body is put back for it)."""
        route = self._route(environ)
        if route is None:
            return None
        provider, company_id = route
        extensions = self._app.extensions
        target = extensions["hrsync.webhook_targets"].get(company_id)
        if target is None or target.provider != provider:
            return None  # not cached here yet, or another provider: the route reads the database
        body = _read_body(environ, self._app.config["MAX_CONTENT_LENGTH"])
        if body is None:
            return None
        try:
            notice = webhooks.verify(provider, body, EnvironHeaders(environ), target.secret)
            if notice.acknowledge_only:
                return self._answer(notice, None)
            intake = accept_notice(extensions["hrsync.redis"], self._namespace, company_id, notice)
        except (WebhookRejected, MalformedWebhook, QueueUnavailable):
            return None  # refused by the cached secret (rotated?) or Redis away: the route decides
        if intake is Intake.SCHEDULED:
            scheduler: IntakeScheduler = extensions["hrsync.intake_scheduler"]
            scheduler.submit(company_id, provider)
        return self._answer(notice, intake)

    def _route(self, environ: dict) -> tuple[str, str] | None:
        """(provider, company id) of `POST <prefix><provider>/<company id>` in plain ASCII, else None."""
        path = environ["PATH_INFO"]
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("QUERY_STRING") or not path.isascii():
            return None
        parts = path[len(self._prefix):].split("/")
        if len(parts) != 2 or not parts[1] or "\x00" in parts[1]:
            return None
        description = PROVIDERS.get(parts[0])
        if description is None or not description.webhooks.supported:
            return None
        return parts[0], parts[1]


def _read_body(environ: dict, cap: int) -> bytes | None:
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    if not 0 < length <= cap:
        return None  # chunked, empty or over the cap: the route answers (413 for the cap)
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)  # should the route answer after all, it reads the same bytes
    return body if len(body) == length else None
