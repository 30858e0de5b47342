"""Schemas of the integration API: provider, write-only credentials, settings, webhook, mapping, fields."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from domain.names import NameFormat
from domain.policy import TerminationPolicy
from providers.registry import PROVIDERS
from webhook_app.schemas.strict import StrictSchema, strict_boolean

PROVIDER = validate.OneOf(sorted(PROVIDERS))
SECRET = validate.Length(min=16, max=512)
_TEXT = validate.Length(min=1, max=512)


class BambooHRCredentialsSchema(StrictSchema):
    subdomain = fields.String(required=True, validate=validate.Length(min=1, max=253),
                              metadata={"example": "acme", "description": "acme for https://acme.bamboohr.com"})
    api_key = fields.String(required=True, load_only=True, validate=_TEXT)


class PersonioCredentialsSchema(StrictSchema):
    client_id = fields.String(required=True, validate=_TEXT)
    client_secret = fields.String(required=True, load_only=True, validate=_TEXT)


CREDENTIAL_SCHEMAS = {"bamboohr": BambooHRCredentialsSchema, "personio": PersonioCredentialsSchema}


class SettingsSchema(StrictSchema):
    name_format = fields.String(validate=validate.OneOf([f.value for f in NameFormat]),
                                metadata={"description": "display name of new stakeholders"})
    termination_policy = fields.String(validate=validate.OneOf([p.value for p in TerminationPolicy]))
    ex_employee_group = fields.String(validate=validate.Length(min=1, max=200),
                                      metadata={"example": "Ex-employee"})
    import_terminated = strict_boolean(metadata={"description": "propose terminated people never imported"})
    use_preferred_name = strict_boolean()
    managed_groups = fields.List(
        fields.String(validate=validate.Length(min=1, max=200)), validate=validate.Length(max=50), metadata={
            "description": "further stakeholder groups HR data may merge into without review, besides the "
                           "employee and ex-employee groups and stakeholders without a group (investors, "
                           "advisors and founders are only ever reviewed unless listed here); [] clears them",
            "example": ["Contractors"]})


class IntegrationUpdateSchema(StrictSchema):
    """PUT /integration: any of provider + credentials (together), settings, webhook_secret."""

    provider = fields.String(validate=PROVIDER)
    credentials = fields.Dict(keys=fields.String(), load_only=True, metadata={
        "description": "write-only; bamboohr: subdomain + api_key, personio: client_id + client_secret",
        "oneOf": [{"$ref": "#/components/schemas/BambooHRCredentials"},
                  {"$ref": "#/components/schemas/PersonioCredentials"}]})
    settings = fields.Nested(SettingsSchema)
    webhook_secret = fields.String(load_only=True, validate=SECRET, metadata={
        "description": "write-only; BambooHR's webhook private key (Personio tokens are generated)"})
    verify = strict_boolean(load_only=True, metadata={
        "description": "default true: new credentials are checked with one call to the HR system before they "
                       "are saved; false saves them unchecked (status needs_attention until a sync)"})

    @validates_schema
    def _credentials_match_provider(self, data, **_):
        if ("provider" in data) != ("credentials" in data):
            missing = "credentials" if "provider" in data else "provider"
            raise ValidationError("provider and credentials are set together", missing)
        if "provider" in data and data["provider"] in CREDENTIAL_SCHEMAS:
            errors = CREDENTIAL_SCHEMAS[data["provider"]]().validate(data["credentials"])
            if errors:
                raise ValidationError({"credentials": errors})


class WebhookSchema(StrictSchema):
    url = fields.String(required=True, metadata={
        "description": "paste into the HR system's webhook settings",
        "example": "https://hrsync.example.com/webhooks/personio/co_0123456789abcdef"})
    secret_set = fields.Boolean(required=True)
    secret = fields.String(metadata={"description": "present only in the answer that generated it: shown once"})


class IntegrationSchema(StrictSchema):
    company_id = fields.String(required=True)
    company_name = fields.String(required=True)
    provider = fields.String(required=True, allow_none=True, validate=PROVIDER)
    status = fields.String(required=True, allow_none=True, validate=validate.OneOf(["ok", "needs_attention"]))
    last_error = fields.String(required=True, allow_none=True, metadata={
        "description": "why the status is needs_attention: the last failed sync's error, or unverified credentials"})
    last_error_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "when, in UTC"})
    credentials_set = fields.Boolean(required=True)
    webhook = fields.Nested(WebhookSchema, required=True, allow_none=True)
    settings = fields.Nested(SettingsSchema, required=True)


class WebhookSecretSchema(StrictSchema):
    """POST /integration/webhook-secret: no body generates one (Personio); BambooHR's key is sent."""

    secret = fields.String(load_only=True, validate=SECRET)


class MappingRowSchema(StrictSchema):
    source = fields.String(required=True, validate=validate.Length(min=1, max=200),
                           metadata={"description": "the HR system's field key (not its label)"})
    target = fields.String(required=True, metadata={"description": "an employee field of hrsync"})


class MappingUpdateSchema(StrictSchema):
    mapping = fields.List(fields.Nested(MappingRowSchema), required=True,
                          validate=validate.Length(min=1, max=200))


class MappingSchema(StrictSchema):
    provider = fields.String(required=True)
    default = fields.Boolean(required=True, metadata={"description": "true: the provider's default mapping"})
    mapping = fields.List(fields.Nested(MappingRowSchema), required=True)
    unreadable = fields.List(fields.String(), metadata={
        "description": "mapped sources the credential cannot read (their values never blank a stakeholder)"})


class SourceFieldSchema(StrictSchema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    type = fields.String(required=True, allow_none=True)
    readable = fields.Boolean(required=True, metadata={"description": "false: the credential cannot read it"})
    mapped_to = fields.String(required=True, allow_none=True)


class FieldsSchema(StrictSchema):
    provider = fields.String(required=True)
    items = fields.List(fields.Nested(SourceFieldSchema), required=True, data_key="fields")
