"""Change-set API: read a change set with its items, and approve it (the same apply as the approve page)."""

from __future__ import annotations

from flask import g, jsonify

from domain.names import NameFormat
from services import changesets
from services.apply_selection import Selection
from services.approvals import ApplyResult, ApprovalRequest, approve
from services.changesets import StoredChangeSet, StoredItem
from webhook_app.api.docs import documented
from webhook_app.api.inputs import ID, body, query
from webhook_app.auth import require_company
from webhook_app.context import client_address, link_signer, lockout, services
from webhook_app.labels import reason_label
from webhook_app.schemas.changesets import (ApplyResultSchema, ApproveSchema, ChangeSetPageSchema,
                                            ChangeSetQuerySchema, ChangeSetSchema)
from webhook_app.security import MachineBlueprint

bp = MachineBlueprint("api_changesets", __name__, url_prefix="/api/v1")


@bp.get("/changesets")
@documented(query=ChangeSetQuerySchema, response=ChangeSetPageSchema, errors=(422,))
@require_company
def list_changesets():
    """The caller's change sets, newest first, each with its items counted per kind; optionally by status. Pass
    `next` back as `cursor` for older ones."""
    args = query(ChangeSetQuerySchema())
    page = changesets.list_changesets(services(), g.company_id, cursor=args.get("cursor"), limit=args["limit"],
                                      status=args.get("status"))
    return jsonify(ChangeSetPageSchema().dump({"items": [summary_document(s) for s in page.items],
                                               "next": page.next}))


@bp.get(f"/changesets/<{ID}:changeset_id>")
@documented(response=ChangeSetSchema, errors=(404,))
@require_company
def get_changeset(changeset_id: int):
    """A change set of the caller's company with every item; another company's is 404."""
    stored = changesets.get_changeset(services(), changeset_id, g.company_id)
    return jsonify(ChangeSetSchema().dump(changeset_document(stored)))


@bp.post(f"/changesets/<{ID}:changeset_id>/approve")
@documented(body=ApproveSchema, response=ApplyResultSchema, errors=(400, 404, 409, 415, 422, 423, 503))
@require_company
def approve_changeset(changeset_id: int):
    """Apply a pending change set after checking an approver's e-mail and password (wrong ones count against
    the approver's account, as on the approve page)."""
    values = body(ApproveSchema())
    request = ApprovalRequest(
        changeset_id, values["email"], values["password"], client_address(), company_id=g.company_id,
        name_format=NameFormat(values["name_format"]) if "name_format" in values else None,
        selection=Selection(frozenset(values.get("exclude", ())),
                            {int(item_id): choice for item_id, choice in values.get("resolve", {}).items()}))
    result = approve(services(), lockout(), request)
    return jsonify(ApplyResultSchema().dump(result_document(result)))


def changeset_document(stored: StoredChangeSet) -> dict:
    return {
        "id": stored.id, "status": stored.status.value, "sync_id": stored.sync_run_id,
        "created_at": stored.created_at, "approve_url": link_signer().url(stored.id),
        "superseded_by": stored.superseded_by, "applied_at": stored.applied_at, "applied_by": stored.applied_by,
        "counts": stored.counts(), "items": [_item(entry) for entry in stored.items],
    }


def summary_document(summary: changesets.ChangeSetSummary) -> dict:
    return {"id": summary.id, "status": summary.status.value, "sync_id": summary.sync_run_id,
            "created_at": summary.created_at, "approve_url": link_signer().url(summary.id),
            "superseded_by": summary.superseded_by, "applied_at": summary.applied_at,
            "applied_by": summary.applied_by, "counts": summary.counts, "total": summary.total}


def result_document(result: ApplyResult) -> dict:
    items = [{"id": entry.item_id, "remote_id": entry.remote_id, "kind": entry.kind.value,
              "outcome": entry.outcome.value, "stakeholder_id": entry.stakeholder_id, "message": entry.message,
              "applied_kind": entry.applied_kind.value if entry.applied_kind else None}
             for entry in result.outcomes]
    return {"changeset_id": result.changeset_id, "status": "applied", "applied_at": result.applied_at,
            "applied_by": result.applied_by, "name_format": result.name_format.value,
            "counts": result.counts(), "items": items}


def _item(entry: StoredItem) -> dict:
    item = entry.item
    return {
        "id": entry.id, "kind": item.kind.value, "remote_id": item.remote_id, "employee_name": item.employee_name,
        "stakeholder_id": item.stakeholder_id, "reason": item.reason.value if item.reason else None,
        "reason_text": reason_label(item.reason) if item.reason else None,
        "fields_": {name: {"old": change.old, "new": change.new} for name, change in item.fields.items()},
        "candidates": list(item.candidates), "resolution": entry.resolution,
    }
