"""Schemas of the change-set and audit API: a change set as SPEC §5 shows it, the approve body, the result."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from domain.changeset import ChangeKind, Reason
from domain.names import NameFormat
from services.apply_plan import Outcome
from services.apply_selection import CHOICES
from store.models.base import MAX_ID
from webhook_app.schemas.strict import CURSOR_PATTERN, StrictSchema

STATUSES = ("pending", "applied", "superseded", "expired")
# Bounds a request body can ask for; the 1 MiB body cap comes first anyway.
MAX_LISTED = 100_000


class Resolution(fields.Field):
    """A review answer: create, skip, not_same_person, ignore, or a candidate's stakeholder id (a JSON integer)."""

    default_error_messages = {"invalid": f"use one of {', '.join(sorted(CHOICES))} or a stakeholder id"}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2 ** 63:
            return value
        if isinstance(value, str) and value in CHOICES:
            return value
        raise self.make_error("invalid")


class ApproveSchema(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=320))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024))
    name_format = fields.String(validate=validate.OneOf([fmt.value for fmt in NameFormat]),
                                metadata={"description": "for new stakeholders; default: the company setting"})
    exclude = fields.List(fields.Integer(strict=True), validate=validate.Length(max=MAX_LISTED),
                          metadata={"description": "ids of items not to apply"})
    resolve = fields.Dict(keys=fields.String(validate=validate.Regexp(r"^[1-9][0-9]{0,17}$",
                                                                      error="keys are item ids")),
                          values=Resolution(), validate=validate.Length(max=MAX_LISTED),
                          metadata={"description": "review item id → create | skip | not_same_person | ignore | "
                                                   "a candidate's stakeholder id; an unanswered review waits"})


class FieldChangeSchema(Schema):
    old = fields.String(allow_none=True)
    new = fields.String(allow_none=True)


class ChangeItemSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf([kind.value for kind in ChangeKind]))
    remote_id = fields.String(required=True, metadata={"description": "the employee's id in the HR system"})
    employee_name = fields.String(required=True)
    stakeholder_id = fields.Integer(allow_none=True, metadata={"description": "null for create, review, skip"})
    reason = fields.String(allow_none=True, validate=validate.OneOf([reason.value for reason in Reason]), metadata={
        "description": "why an approver must decide (review) or why nothing is proposed (skip), as a code"})
    reason_text = fields.String(allow_none=True, metadata={
        "description": "the reason in the approver's words, as the approve page shows it"})
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.Nested(FieldChangeSchema))
    candidates = fields.List(fields.Integer(), metadata={"description": "stakeholder ids a review item may be"})
    resolution = fields.String(allow_none=True, metadata={"description": "what the approval did with it"})


class ChangeSetSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    sync_id = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    approve_url = fields.String(required=True, metadata={"description": "signed, expiring link to the preview"})
    superseded_by = fields.Integer(allow_none=True)
    applied_at = fields.DateTime(allow_none=True)
    applied_by = fields.String(allow_none=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    items = fields.List(fields.Nested(ChangeItemSchema))


class ItemOutcomeSchema(Schema):
    id = fields.Integer(required=True)
    remote_id = fields.String(required=True)
    kind = fields.String(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf([outcome.value for outcome in Outcome]))
    applied_kind = fields.String(allow_none=True, metadata={"description": "what was written, when applied"})
    stakeholder_id = fields.Integer(allow_none=True)
    message = fields.String(allow_none=True, metadata={"description": "why a stale or refused item was not applied"})


class ApplyResultSchema(Schema):
    changeset_id = fields.Integer(required=True)
    status = fields.String(required=True)
    applied_at = fields.DateTime(required=True)
    applied_by = fields.String(required=True)
    name_format = fields.String(required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "applied items per kind written, others per outcome"})
    items = fields.List(fields.Nested(ItemOutcomeSchema))


class AuditQuerySchema(StrictSchema):
    # Documented as the pattern the store issues, so that a client (or schemathesis) never guesses a refused one.
    cursor = fields.String(validate=validate.Regexp(r"^[0-9]{1,10}$", error="this page cursor was not issued by "
                                                    "hrsync"), metadata={"description": "`next` of the previous page"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    change_set_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    stakeholder_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID),
                                    metadata={"description": "only this stakeholder's history"})


class AuditEntrySchema(Schema):
    id = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    actor = fields.String(required=True)
    action = fields.String(required=True)
    change_set_id = fields.Integer(allow_none=True)
    stakeholder_id = fields.Integer(allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
    detail = fields.String(allow_none=True)


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditEntrySchema))
    next = fields.String(allow_none=True, metadata={"description": "pass as `cursor` for older entries"})


class ChangeSetQuerySchema(StrictSchema):
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": "only change sets in this "
                                                                                       "state"})
    cursor = fields.String(validate=validate.Regexp(CURSOR_PATTERN, error="this page cursor was not issued by hrsync"),
                           metadata={"description": "`next` of the previous page"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class ChangeSetSummarySchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    sync_id = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    approve_url = fields.String(required=True, metadata={"description": "signed, expiring link to the preview"})
    superseded_by = fields.Integer(required=True, allow_none=True)
    applied_at = fields.DateTime(required=True, allow_none=True)
    applied_by = fields.String(required=True, allow_none=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                         metadata={"description": "items per kind, every kind"})
    total = fields.Integer(required=True, metadata={"description": "items in all"})


class ChangeSetPageSchema(Schema):
    items = fields.List(fields.Nested(ChangeSetSummarySchema), required=True)
    next = fields.String(required=True, allow_none=True,
                         metadata={"description": "pass as `cursor` for older change sets"})
