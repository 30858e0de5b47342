"""Schemas of the syncs API: the request body of POST /api/v1/syncs and a sync as GET shows it."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from webhook_app.schemas.strict import StrictSchema

REQUESTABLE_MODES = ("full", "incremental")
STATUSES = ("queued", "running", "succeeded", "failed")


class SyncRequestSchema(StrictSchema):
    mode = fields.String(load_default="full", validate=validate.OneOf(REQUESTABLE_MODES),
                         metadata={"description": "full: every employee; incremental: changed since the last "
                                                  "successful sync"})


class SyncProgressSchema(Schema):
    fetched = fields.Integer(metadata={"description": "employees fetched so far"})
    matched = fields.Integer(metadata={"description": "employees matched against the registry"})
    total = fields.Integer(allow_none=True, metadata={"description": "employees to fetch, when known"})


class SyncCreatedSchema(Schema):
    sync_id = fields.Integer(required=True)
    already_queued = fields.Boolean(
        required=True, metadata={"description": "true: the company had a sync waiting for a worker, and this is "
                                                "its id (made full if full was asked); a company has at most one "
                                                "queued sync, nothing new was queued"})


class SyncSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    mode = fields.String(required=True, validate=validate.OneOf((*REQUESTABLE_MODES, "targeted")),
                         metadata={"description": "targeted: the employees named by webhooks"})
    progress = fields.Nested(SyncProgressSchema, required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "items per kind, once succeeded"})
    error = fields.String(allow_none=True, metadata={"description": "why it failed (or will retry)"})
    changeset_id = fields.Integer(allow_none=True)
    approve_url = fields.String(allow_none=True, metadata={"description": "signed, expiring approve link"})
    created_at = fields.DateTime(required=True)
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
