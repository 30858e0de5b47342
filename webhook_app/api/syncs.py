"""Syncs API: ask for a sync of the caller's company and follow it (status, progress, counts, approve link)."""

from __future__ import annotations

from flask import g, jsonify

from services import syncs
from webhook_app.api.docs import documented
from webhook_app.api.inputs import ID, query
from webhook_app.auth import require_company
from webhook_app.bodies import load_body
from webhook_app.context import link_signer, redis, services
from webhook_app.schemas.syncs import (SyncCreatedSchema, SyncPageSchema, SyncQuerySchema, SyncRequestSchema,
                                      SyncSchema)
from webhook_app.security import MachineBlueprint

bp = MachineBlueprint("api_syncs", __name__, url_prefix="/api/v1")

_SYNC = SyncSchema()


@bp.post("/syncs")
@documented(status=202, body=SyncRequestSchema, body_required=False, response=SyncCreatedSchema,
            errors=(400, 409, 415, 422, 503))
@require_company
def create_sync():
    """Queue a full or incremental sync of the caller's company; 202 with its id (the waiting one's, if queued)."""
    options = load_body(SyncRequestSchema(), optional=True)
    queued = syncs.queue_sync(services(), redis(), g.company_id, options["mode"], requested_by=g.actor)
    return (jsonify({"sync_id": queued.id, "already_queued": queued.already_queued}), 202,
            {"Location": f"/api/v1/syncs/{queued.id}"})


@bp.get("/syncs")
@documented(query=SyncQuerySchema, response=SyncPageSchema, errors=(422,))
@require_company
def list_syncs():
    """The caller's syncs, newest first, optionally by status and trigger; pass `next` back as `cursor` for older
    ones."""
    args = query(SyncQuerySchema())
    page = syncs.list_syncs(services(), g.company_id, cursor=args.get("cursor"), limit=args["limit"],
                            status=args.get("status"), trigger=args.get("trigger"))
    progress = syncs.progress_of(services(), redis(), page.items)
    items = [sync_document(run, progress[run.id]) for run in page.items]
    return jsonify(SyncPageSchema().dump({"items": items, "next": page.next}))


@bp.get(f"/syncs/<{ID}:sync_id>")
@documented(response=SyncSchema, errors=(404,))
@require_company
def get_sync(sync_id: int):
    """One sync of the caller's company with its live progress; another company's sync is 404."""
    run = syncs.get_sync(services(), sync_id, g.company_id)
    return jsonify(_SYNC.dump(sync_document(run, syncs.progress_of(services(), redis(), [run])[run.id])))


def sync_document(run: syncs.SyncRun, progress: syncs.SyncProgress) -> dict:
    approve_url = link_signer().url(run.changeset_id) if run.changeset_id is not None else None
    return {
        "id": run.id, "status": run.status.value, "mode": run.mode.value, "trigger": run.trigger.value,
        "requested_by": run.requested_by,
        "progress": {"phase": progress.phase.value, "fetched": progress.fetched, "matched": run.matched,
                     "total": progress.total, "elapsed_seconds": progress.elapsed_seconds},
        "counts": run.counts, "error": run.error, "error_code": run.error_code, "advice": progress.advice,
        "missing_fields": list(run.missing_fields), "notes": list(syncs.field_notes(run)),
        "changeset_id": run.changeset_id, "approve_url": approve_url,
        "created_at": run.created_at, "started_at": run.started_at, "finished_at": run.finished_at,
    }
