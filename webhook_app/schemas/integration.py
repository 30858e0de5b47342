"""Schemas of the integration API: provider, write-only credentials, settings, webhook, mapping, fields."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from domain.names import NameFormat
from domain.policy import TerminationPolicy
from providers.description import CredentialField, ProviderDescription, WebhookSecret
from providers.registry import PROVIDERS
from webhook_app.schemas.strict import StrictSchema, strict_boolean

PROVIDER = validate.OneOf(sorted(PROVIDERS))
SECRET = validate.Length(min=16, max=512)


def credential_field(spec: CredentialField) -> fields.String:
    """One credential as the API takes it: text within its length (and choices), a secret write-only."""
    checks = [validate.Length(min=1, max=spec.max_length)]
    if spec.choices:
        checks.append(validate.OneOf(spec.choices))
    metadata = {"description": f"{spec.label}: {spec.help}"}
    if spec.example:
        metadata["example"] = spec.example
    if spec.choices and not spec.required:
        metadata["default"] = spec.choices[0]
    return fields.String(required=spec.required, load_only=spec.secret, validate=checks, metadata=metadata)


def credentials_schema(description: ProviderDescription) -> type[StrictSchema]:
    """The provider's credentials as a schema named after it (`<label>Credentials` in the OpenAPI document)."""
    return StrictSchema.from_dict({spec.key: credential_field(spec) for spec in description.credentials},
                                  name=f"{description.schema_name}CredentialsSchema")


CREDENTIAL_SCHEMAS: dict[str, type[StrictSchema]] = {name: credentials_schema(d) for name, d in PROVIDERS.items()}
_CREDENTIALS_TEXT = ", ".join(f"{name}: {' + '.join(f.key for f in d.credentials)}" for name, d in PROVIDERS.items())
_PASTED = [f"{d.label}'s {d.webhooks.secret_label}" for d in PROVIDERS.values()
           if d.webhooks.secret is WebhookSecret.PASTED]
_GENERATED = [d.label for d in PROVIDERS.values() if d.webhooks.secret is WebhookSecret.GENERATED]
_SECRET_TEXT = "write-only; " + "; ".join(filter(None, [
    f"the key the HR system generated ({', '.join(_PASTED)})" if _PASTED else "",
    f"hrsync generates the token of {', '.join(_GENERATED)}" if _GENERATED else ""]))


_OPTIONS_TEXT = "; ".join(f"{d.label}: " + ", ".join(f"{o.key} (default {str(o.default).lower()}: {o.label})"
                                                    for o in d.options)
                         for d in PROVIDERS.values() if d.options) or "none"


def options_field(**kwargs) -> fields.Dict:
    """The company's provider options (each on or off), as each provider's description declares them."""
    return fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=64)), values=strict_boolean(),
                       metadata={"description": f"choices about reading the HR system, per provider: {_OPTIONS_TEXT}",
                                 "example": {o.key: not o.default for d in PROVIDERS.values()
                                             for o in d.options[:1]}}, **kwargs)


def credentials_component(name: str) -> str:
    """The OpenAPI component of a provider's credentials."""
    return f"{PROVIDERS[name].schema_name}Credentials"


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
        "description": f"write-only; {_CREDENTIALS_TEXT}",
        "oneOf": [{"$ref": f"#/components/schemas/{credentials_component(name)}"} for name in PROVIDERS]})
    settings = fields.Nested(SettingsSchema)
    options = options_field(validate=validate.Length(max=20))
    webhook_secret = fields.String(load_only=True, validate=SECRET, metadata={"description": _SECRET_TEXT})
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
        "example": f"https://hrsync.example.com/webhooks/{next(iter(PROVIDERS))}/co_0123456789abcdef"})
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
    webhook = fields.Nested(WebhookSchema, required=True, allow_none=True, metadata={
        "description": "null without an integration, or for an HR system whose webhooks hrsync does not accept"})
    notes = fields.List(fields.String(), metadata={
        "description": "what to know: what the credentials cannot see (in the answer that checked them), how a "
                       "company whose HR system sends no webhooks is kept in step"})
    settings = fields.Nested(SettingsSchema, required=True)
    options = options_field(required=True)


class WebhookSecretSchema(StrictSchema):
    """POST /integration/webhook-secret: no body generates one (where hrsync generates the token); the key an HR
    system generated is sent."""

    secret = fields.String(load_only=True, validate=SECRET)


class WebhookRegistrationSchema(StrictSchema):
    """POST /integration/webhook: the webhook hrsync registered in the HR system (its token is never shown: the HR
    system and hrsync hold it)."""

    provider = fields.String(required=True, validate=PROVIDER)
    webhook_id = fields.String(required=True, metadata={"description": "the webhook's id in the HR system"})
    url = fields.String(required=True, metadata={"description": "where the HR system now posts the changes"})
    events = fields.List(fields.String(), required=True, metadata={
        "description": "the HR system's events it posts", "example": ["person.updated", "employment.updated"]})
    replaced = fields.Integer(required=True, metadata={
        "description": "earlier webhooks at the same URL that were removed (registering twice never doubles)"})
    left_over = fields.List(fields.String(), required=True, metadata={
        "description": "ids of earlier webhooks at that URL the HR system would not remove: delete them there"})


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
