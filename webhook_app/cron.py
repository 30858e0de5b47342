"""Cron routes (`Authorization: Bearer $CRON_TOKEN`): resync every company, or one, from an outside scheduler."""

from __future__ import annotations

import hmac

from flask import Blueprint, jsonify, request

from core.errors import NotConfigured, QueueUnavailable
from services.syncs import queue_sync
from store.db import transaction
from store.errors import NotFound
from store.repositories import integrations
from webhook_app.bodies import load_body
from webhook_app.context import redis, services, settings
from webhook_app.errors import ApiError
from webhook_app.schemas.cron import ResyncRequestSchema

bp = Blueprint("cron", __name__, url_prefix="/cron")

RETRY_AFTER = "10"


@bp.post("/resync")
def resync():
    """Queue a sync per company with an integration (or the one named); 202 with the sync ids (a company's
    sync already waiting is answered instead of a new one)."""
    _authorize()
    options = load_body(ResyncRequestSchema(), optional=True)
    company_ids = [options["company_id"]] if "company_id" in options else _configured_companies()
    try:
        queued = [queue_sync(services(), redis(), company_id, options["mode"]) for company_id in company_ids]
    except NotFound:
        raise ApiError(404, "unknown_company", "no company with this id") from None
    except NotConfigured as error:
        raise ApiError(409, "provider_not_configured", str(error)) from None
    except QueueUnavailable as error:
        raise ApiError(503, "queue_unavailable", str(error), headers={"Retry-After": RETRY_AFTER}) from None
    return jsonify({"sync_ids": [sync.id for sync in queued],
                    "already_queued": [sync.id for sync in queued if sync.already_queued]}), 202


def _authorize() -> None:
    expected = settings().cron_token
    if not expected:
        raise ApiError(503, "cron_disabled", "cron routes are disabled until CRON_TOKEN is set")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    # Both sides as bytes of any content: compare_digest refuses non-ASCII str.
    valid = scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected.encode())
    if not valid:
        raise ApiError(401, "unauthorized", "send the cron token as 'Authorization: Bearer <token>'",
                       headers={"WWW-Authenticate": "Bearer"})


def _configured_companies() -> list[str]:
    with transaction(services().session_factory) as session:
        return [company_id for company_id, _provider in integrations.companies_with_integration(session)]
