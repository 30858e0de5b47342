"""The stakeholder API: pages of the registry (filter by group, linked) and manual creation."""

from __future__ import annotations

from flask import g, jsonify

from domain.stakeholder import Stakeholder
from services import stakeholders
from webhook_app.api.docs import documented
from webhook_app.api.inputs import body, query
from webhook_app.auth import require_company
from webhook_app.context import services
from webhook_app.schemas.stakeholders import (StakeholderCreateSchema, StakeholderPageSchema, StakeholderQuerySchema,
                                              StakeholderSchema)
from webhook_app.security import MachineBlueprint

bp = MachineBlueprint("stakeholders_api", __name__, url_prefix="/api/v1/stakeholders")


@bp.get("")
@documented(query=StakeholderQuerySchema, response=StakeholderPageSchema, errors=(422,))
@require_company
def list_stakeholders():
    """One page of the registry by id; pass `next` back as `cursor` for the following page."""
    args = query(StakeholderQuerySchema())
    page = stakeholders.list_page(services(), g.company_id, cursor=args.get("cursor"), limit=args["limit"],
                                  group=args.get("group"), linked=args.get("linked"))
    return jsonify(StakeholderPageSchema().dump({"items": [_plain(s) for s in page.items], "next": page.next}))


@bp.post("")
@documented(status=201, body=StakeholderCreateSchema, response=StakeholderSchema, errors=(400, 409, 415, 422))
@require_company
def create_stakeholder():
    """Add a stakeholder by hand (no HR link); recorded in the audit log. A taken identifier is 409."""
    created = stakeholders.create_stakeholder(services(), g.company_id, body(StakeholderCreateSchema()), g.actor,
                                              "created through the API")
    return jsonify(StakeholderSchema().dump(_plain(created))), 201


def _plain(stakeholder: Stakeholder) -> dict:
    return {name: getattr(stakeholder, name) for name in stakeholders.FIELD_NAMES}
