"""Audit API: who applied what and when, with the values before and after, newest first."""

from __future__ import annotations

from flask import g, jsonify

from services import audit
from webhook_app.api.docs import documented
from webhook_app.api.inputs import query
from webhook_app.auth import require_company
from webhook_app.context import services
from webhook_app.schemas.changesets import AuditPageSchema, AuditQuerySchema
from webhook_app.security import MachineBlueprint

bp = MachineBlueprint("api_audit", __name__, url_prefix="/api/v1")


@bp.get("/audit")
@documented(query=AuditQuerySchema, response=AuditPageSchema, errors=(422,))
@require_company
def list_audit():
    """One page of the caller's audit log, newest first, optionally one change set's or one stakeholder's; pass
    `next` back as `cursor` for older entries."""
    args = query(AuditQuerySchema())
    page = audit.list_entries(services(), g.company_id, cursor=args.get("cursor"), limit=args["limit"],
                              change_set_id=args.get("change_set_id"), stakeholder_id=args.get("stakeholder_id"))
    items = [{"id": entry.id, "at": entry.at, "actor": entry.actor, "action": entry.action,
              "change_set_id": entry.change_set_id, "stakeholder_id": entry.stakeholder_id,
              "before": entry.before, "after": entry.after, "detail": entry.detail} for entry in page.items]
    return jsonify(AuditPageSchema().dump({"items": items, "next": page.next}))
