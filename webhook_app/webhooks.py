"""Webhook intake, the same for both providers: size cap → company → verify → dedupe → coalesce → 202.

The request does no HR call and no sync: it authenticates the raw bytes, records the remote ids in
Redis and schedules (at most) one targeted sync per company, answering in milliseconds.
"""

from __future__ import annotations

import time

from flask import Blueprint, current_app, jsonify, request

from providers import provider_class
from providers.errors import MalformedWebhook, WebhookRejected
from store.db import transaction
from store.repositories import companies, integrations
from webhook_app.context import redis, services, settings
from webhook_app.errors import ApiError
from workers.enqueue import accept_notice
from workers.errors import QueueUnavailable

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

RETRY_AFTER = "10"


@bp.post("/<any(bamboohr, personio):provider>/<company_id>")
def receive(provider: str, company_id: str):
    """Accept one delivery from BambooHR or Personio for `company_id`: 202, or an error the sender retries."""
    body = request.get_data(cache=False)  # the cap (MAX_CONTENT_LENGTH) answers 413 before this
    secret = _webhook_secret(company_id, provider)
    try:
        notice = provider_class(provider).verify_webhook(body, request.headers, secret, time.time())
    except WebhookRejected as error:
        raise ApiError(401, "webhook_rejected", str(error)) from None
    except MalformedWebhook as error:
        raise ApiError(400, "malformed_webhook", str(error)) from None
    try:
        intake, sync_id = accept_notice(services(), redis(), company_id, provider, notice,
                                        debounce=settings().sync_debounce_seconds)
    except QueueUnavailable as error:
        current_app.logger.warning("webhook for company %s not accepted: Redis unreachable", company_id)
        raise ApiError(503, "queue_unavailable", str(error), headers={"Retry-After": RETRY_AFTER}) from None
    body = {"status": "accepted", "delivery_id": notice.delivery_id,
            "result": intake.value if intake else "ignored"}
    return jsonify(body), 202


def _webhook_secret(company_id: str, provider: str) -> str:
    with transaction(services().session_factory) as session:
        if len(company_id) > 64 or not companies.company_exists(session, company_id):
            raise ApiError(404, "unknown_company", "no company with this id")
        integration = integrations.get_integration(session, company_id)
        if integration is None or integration.provider != provider:
            raise ApiError(409, "provider_not_configured", f"{provider_class(provider).label} is not the "
                           "HR system configured for this company")
        secret = integrations.get_webhook_secret(session, services().box, company_id)
    if not secret:
        raise ApiError(409, "webhook_secret_not_set", "no webhook secret is configured for this company; "
                       "create one in the integration settings")
    return secret
