"""Change-set API: read a change set with its items, and approve it (the same apply as the approve page)."""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from core.errors import (ApprovalError, InvalidSelection, Locked, LockoutUnavailable, NotPending,
                                  WrongPassword, minutes)
from core.lockout import LOCK_SECONDS
from domain.names import NameFormat
from services.apply_selection import Selection
from services.approvals import ApplyResult, ApprovalRequest, approve
from store.db import transaction
from store.errors import NotFound
from store.repositories.changeset_reads import StoredChangeSet, StoredItem, load_changeset
from webhook_app.api.docs import documented
from webhook_app.api.inputs import ID, body
from webhook_app.auth import require_company
from webhook_app.context import client_address, link_signer, lockout, services
from webhook_app.errors import ApiError
from webhook_app.schemas.changesets import ApplyResultSchema, ApproveSchema, ChangeSetSchema

bp = Blueprint("api_changesets", __name__, url_prefix="/api/v1")


@bp.get(f"/changesets/<{ID}:changeset_id>")
@documented(response=ChangeSetSchema, errors=(404,))
@require_company
def get_changeset(changeset_id: int):
    """A change set of the caller's company with every item; another company's is 404."""
    try:
        with transaction(services().session_factory) as session:
            stored = load_changeset(session, changeset_id, g.company_id)
    except NotFound:
        raise ApiError(404, "not_found", f"no change set {changeset_id}") from None
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
    try:
        result = approve(services(), lockout(), request)
    except NotFound:
        raise ApiError(404, "not_found", f"no change set {changeset_id}") from None
    except ApprovalError as error:
        raise _api_error(error) from None
    return jsonify(ApplyResultSchema().dump(result_document(result)))


def changeset_document(stored: StoredChangeSet) -> dict:
    return {
        "id": stored.id, "status": stored.status.value, "sync_id": stored.sync_run_id,
        "created_at": stored.created_at, "approve_url": link_signer().url(stored.id),
        "superseded_by": stored.superseded_by, "applied_at": stored.applied_at, "applied_by": stored.applied_by,
        "counts": stored.counts(), "items": [_item(entry) for entry in stored.items],
    }


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
        "fields_": {name: {"old": change.old, "new": change.new} for name, change in item.fields.items()},
        "candidates": list(item.candidates), "resolution": entry.resolution,
    }


def _api_error(error: ApprovalError) -> ApiError:
    if isinstance(error, NotPending):
        return _not_pending(error)
    if isinstance(error, WrongPassword):
        return ApiError(401, "wrong_password", _wrong_password(error.remaining))
    if isinstance(error, Locked):
        return ApiError(423, "locked", str(error), headers={"Retry-After": str(error.retry_after)})
    if isinstance(error, InvalidSelection):
        return ApiError(422, "invalid_request", str(error))
    if isinstance(error, LockoutUnavailable):
        return ApiError(503, "lockout_unavailable", str(error), headers={"Retry-After": "60"})
    return ApiError(409, "registry_conflict", str(error))


def _not_pending(error: NotPending) -> ApiError:
    if error.status == "applied":
        return ApiError(409, "already_applied", f"change set {error.changeset_id} was already applied "
                        f"by {error.applied_by} at {error.applied_at.isoformat() if error.applied_at else '?'}")
    if error.status == "superseded":
        return ApiError(409, "superseded", f"change set {error.changeset_id} was superseded by change set "
                        f"{error.superseded_by}; approve that one instead")
    return ApiError(409, "expired", f"change set {error.changeset_id} has expired")


def _wrong_password(remaining: int) -> str:
    if remaining <= 0:
        return f"the e-mail or password is not right; approving is now locked for {minutes(LOCK_SECONDS)}"
    return f"the e-mail or password is not right ({remaining} tries left before approving is locked)"
