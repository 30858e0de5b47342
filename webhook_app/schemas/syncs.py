"""Schemas of the syncs API: the request body of POST /api/v1/syncs and a sync as GET shows it."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from webhook_app.schemas.strict import StrictSchema

from services.sync_progress import Phase
from store.enums import SyncStatus, SyncTrigger
from webhook_app.schemas.strict import CURSOR_PATTERN

REQUESTABLE_MODES = ("full", "incremental")
STATUSES = tuple(status.value for status in SyncStatus)
TRIGGERS = tuple(trigger.value for trigger in SyncTrigger)


class SyncRequestSchema(StrictSchema):
    mode = fields.String(load_default="full", validate=validate.OneOf(REQUESTABLE_MODES),
                         metadata={"description": "full: every employee; incremental: changed since the last "
                                                  "successful sync"})


class SyncProgressSchema(Schema):
    phase = fields.String(required=True, validate=validate.OneOf([phase.value for phase in Phase]),
                          metadata={"description": "queued, fetching, matching, storing, done or failed"})
    fetched = fields.Integer(metadata={"description": "employees fetched so far"})
    matched = fields.Integer(metadata={"description": "employees matched against the registry"})
    total = fields.Integer(allow_none=True, metadata={"description": "employees to fetch, when known"})
    elapsed_seconds = fields.Float(allow_none=True, metadata={
        "description": "since it started while it runs, how long it took once ended; null while queued"})


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
    trigger = fields.String(required=True, validate=validate.OneOf(TRIGGERS), metadata={
        "description": "manual: a person asked (console, CLI or API); webhook: the HR system; cron: POST /cron/resync"})
    requested_by = fields.String(required=True, allow_none=True, metadata={
        "description": "who asked, when known: an e-mail, an API token's prefix, cron, the HR system"})
    progress = fields.Nested(SyncProgressSchema, required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "items per kind, once succeeded"})
    error = fields.String(allow_none=True, metadata={"description": "why it failed (or will retry)"})
    error_code = fields.String(allow_none=True, metadata={"description": "the error's code, e.g. provider_auth_failed"})
    advice = fields.String(allow_none=True, metadata={"description": "what to do about the failure"})
    missing_fields = fields.List(fields.String(), required=True, metadata={
        "description": "mapped source fields (the HR system's keys) that the HR system sent for no employee of this "
                       "sync: the credential probably cannot read them, and hrsync left those stakeholder fields as "
                       "they are"})
    notes = fields.List(fields.String(), required=True, metadata={
        "description": "the same in words, one sentence per field: \"The HR system did not send field X for any "
                       "employee: the credential probably cannot read it.\""})
    changeset_id = fields.Integer(allow_none=True)
    approve_url = fields.String(allow_none=True, metadata={"description": "signed, expiring approve link"})
    created_at = fields.DateTime(required=True)
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class SyncQuerySchema(StrictSchema):
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": "only syncs in this state"})
    trigger = fields.String(validate=validate.OneOf(TRIGGERS), metadata={"description": "only syncs asked this way"})
    cursor = fields.String(validate=validate.Regexp(CURSOR_PATTERN, error="this page cursor was not issued by hrsync"),
                           metadata={"description": "`next` of the previous page"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class SyncPageSchema(Schema):
    items = fields.List(fields.Nested(SyncSchema), required=True)
    next = fields.String(required=True, allow_none=True, metadata={"description": "pass as `cursor` for older syncs"})
