"""Cron routes (`Authorization: Bearer $CRON_TOKEN`): resync every company, or one, from an outside scheduler."""

from __future__ import annotations

import hmac

from flask import jsonify, request

from core.errors import CronDisabled, TokenRefused
from services import syncs
from webhook_app.bodies import load_body
from webhook_app.context import redis, services, settings
from webhook_app.schemas.cron import ResyncRequestSchema
from webhook_app.security import MachineBlueprint

bp = MachineBlueprint("cron", __name__, url_prefix="/cron")


@bp.post("/resync")
def resync():
    """Queue a sync per company with an integration (or the one named); 202 with the sync ids (a company's
    sync already waiting is answered instead of a new one)."""
    _authorize()
    options = load_body(ResyncRequestSchema(), optional=True)
    queued = syncs.resync(services(), redis(), options.get("company_id"), options["mode"])
    return jsonify({"sync_ids": [sync.id for sync in queued],
                    "already_queued": [sync.id for sync in queued if sync.already_queued]}), 202


def _authorize() -> None:
    expected = settings().cron_token
    if not expected:
        raise CronDisabled()
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    # Both sides as bytes of any content: compare_digest refuses non-ASCII str.
    valid = scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected.encode())
    if not valid:
        raise TokenRefused("send the cron token as 'Authorization: Bearer <token>'")
