"""The stakeholder API: pages of the registry (filter by group, linked) and manual creation."""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from domain.names import format_name
from domain.stakeholder import Stakeholder
from store import tokens as token_values
from store.db import transaction
from store.repositories import audit, companies, stakeholder_writes, stakeholders
from webhook_app.api.docs import documented
from webhook_app.api.inputs import body, query, translated
from webhook_app.auth import bearer_token, require_company
from webhook_app.context import services
from webhook_app.schemas.stakeholders import (StakeholderCreateSchema, StakeholderPageSchema, StakeholderQuerySchema,
                                              StakeholderSchema)

bp = Blueprint("stakeholders_api", __name__, url_prefix="/api/v1/stakeholders")


@bp.get("")
@documented(query=StakeholderQuerySchema, response=StakeholderPageSchema, errors=(422,))
@require_company
@translated
def list_stakeholders():
    """One page of the registry by id; pass `next` back as `cursor` for the following page."""
    args = query(StakeholderQuerySchema())
    with transaction(services().session_factory) as session:
        page = stakeholders.list_page(session, g.company_id, cursor=args.get("cursor"), limit=args["limit"],
                                      group=args.get("group"), linked=args.get("linked"))
    return jsonify(StakeholderPageSchema().dump({"items": [_plain(s) for s in page.items], "next": page.next}))


@bp.post("")
@documented(status=201, body=StakeholderCreateSchema, response=StakeholderSchema, errors=(400, 409, 415, 422))
@require_company
@translated
def create_stakeholder():
    """Add a stakeholder by hand (no HR link); recorded in the audit log. A taken identifier is 409."""
    values = body(StakeholderCreateSchema())
    with transaction(services().session_factory) as session:
        if values.get("name") is None:
            name_format = companies.get_company(session, g.company_id).name_format
            values["name"] = format_name(values["first_name"], values["last_name"], name_format)
        created = stakeholder_writes.create_stakeholder(session, g.company_id, values)
        audit.append(session, g.company_id, audit.AuditEntry(
            actor=_actor(), action="stakeholder.created", stakeholder_id=created.id,
            after=stakeholders.snapshot(created), detail="created through the API"))
    return jsonify(StakeholderSchema().dump(_plain(created))), 201


def _plain(stakeholder: Stakeholder) -> dict:
    return {name: getattr(stakeholder, name) for name in stakeholders.FIELD_NAMES}


def _actor() -> str:
    # The token's display prefix tells which token acted without keeping anything usable.
    return f"api token {token_values.display_prefix(bearer_token() or '')}…"
