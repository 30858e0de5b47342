"""Schema of the cron resync body: optional company and mode."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from webhook_app.schemas.strict import StrictSchema
from webhook_app.schemas.syncs import REQUESTABLE_MODES


class ResyncRequestSchema(StrictSchema):
    company_id = fields.String(validate=validate.Length(min=1, max=64),
                               metadata={"description": "one company; default: every company with an integration"})
    mode = fields.String(load_default="full", validate=validate.OneOf(REQUESTABLE_MODES))


class ResyncResponseSchema(Schema):
    sync_ids = fields.List(fields.Integer(), required=True)
    already_queued = fields.List(fields.Integer(), required=True,
                                 metadata={"description": "those of sync_ids that were waiting already (a company "
                                                          "has at most one queued sync)"})
