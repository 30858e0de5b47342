"""Schemas of the stakeholder API: the stakeholder as SPEC §5 shows it, a manual create, the list query."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from webhook_app.schemas.strict import StrictSchema, query_boolean

_TEXT = validate.Length(min=1, max=300)
# Fields a person may type in; the HR link (hr_provider, hr_remote_id) only ever comes from an approved change set.
MANUAL_FIELDS = ("name", "first_name", "last_name", "unique_identifier", "email", "street", "postal_code", "city",
                 "country", "birth_date", "nationality", "phone", "group")


def _text(**kwargs) -> fields.String:
    return fields.String(allow_none=True, validate=_TEXT, **kwargs)


class StakeholderSchema(StrictSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    first_name = fields.String(required=True, allow_none=True)
    last_name = fields.String(required=True, allow_none=True)
    unique_identifier = fields.String(required=True, allow_none=True)
    email = fields.String(required=True, allow_none=True)
    street = fields.String(required=True, allow_none=True)
    postal_code = fields.String(required=True, allow_none=True)
    city = fields.String(required=True, allow_none=True)
    country = fields.String(required=True, allow_none=True)
    birth_date = fields.Date(required=True, allow_none=True)
    nationality = fields.String(required=True, allow_none=True)
    phone = fields.String(required=True, allow_none=True)
    group = fields.String(required=True, allow_none=True)
    hr_provider = fields.String(required=True, allow_none=True)
    hr_remote_id = fields.String(required=True, allow_none=True)
    version = fields.Integer(required=True)


class StakeholderCreateSchema(StrictSchema):
    """A stakeholder typed in by hand: a name, or first and last name (formatted per the company setting)."""

    name = _text(metadata={"description": "display name; default: first and last name in the company's format"})
    first_name = _text()
    last_name = _text()
    unique_identifier = _text()
    email = fields.Email(allow_none=True, validate=validate.Length(max=320))
    street = _text()
    postal_code = _text()
    city = _text()
    country = _text()
    birth_date = fields.Date(allow_none=True)
    nationality = _text()
    phone = _text()
    group = _text(metadata={"example": "Investors"})

    @validates_schema
    def _named(self, data, **_):
        if data.get("name") is None and not (data.get("first_name") and data.get("last_name")):
            raise ValidationError("give a name, or both first_name and last_name", "name")


class StakeholderQuerySchema(StrictSchema):
    group = fields.String(validate=_TEXT, metadata={"description": "only this group (exact)"})
    linked = query_boolean(metadata={"description": "true: linked to an HR employee; false: not linked"})
    cursor = fields.String(validate=validate.Regexp(r"^[0-9]{1,10}$", error="this page cursor was not issued by "
                                                    "hrsync"), metadata={"description": "`next` of the previous page"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class StakeholderPageSchema(StrictSchema):
    items = fields.List(fields.Nested(StakeholderSchema), required=True)
    next = fields.String(required=True, allow_none=True, metadata={"description": "cursor of the next page; null at the end"})
