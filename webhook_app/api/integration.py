"""The integration API: provider and credentials, settings, webhook secret, source fields and mapping."""

from __future__ import annotations

from flask import g, jsonify

from services import integration as setup
from services import mapping as mapping_setup
from services import webhook_registration
from services.integration import IntegrationState
from services.mapping import MappingState
from webhook_app.api.docs import documented
from webhook_app.api.inputs import body
from webhook_app.auth import require_company
from webhook_app.context import redis, services
from webhook_app.schemas.integration import (FieldsSchema, IntegrationSchema, IntegrationUpdateSchema,
                                             MappingSchema, MappingUpdateSchema, WebhookRegistrationSchema,
                                             WebhookSecretSchema)
from webhook_app.security import MachineBlueprint

bp = MachineBlueprint("integration_api", __name__, url_prefix="/api/v1/integration")


@bp.get("")
@documented(response=IntegrationSchema)
@require_company
def get_integration():
    """The company's HR integration and settings (credentials and secrets are never shown)."""
    return jsonify(IntegrationSchema().dump(_view(setup.read_state(services(), g.company_id))))


@bp.put("")
@documented(body=IntegrationUpdateSchema, response=IntegrationSchema, errors=(400, 409, 415, 422, 503))
@require_company
def put_integration():
    """Set the provider with its credentials, settings, provider options and/or the webhook key the HR system
    generated.

    New credentials are checked with one call to the HR system before they are saved: refused → 422
    `credentials_rejected`; HR system unreachable → 503 `provider_unavailable` (`"verify": false` saves
    them unchecked). A new integration with an HR system whose webhook token hrsync generates answers with
    that token in `webhook.secret`, this once.
    """
    data = body(IntegrationUpdateSchema())
    state = setup.configure(services(), g.company_id, provider=data.get("provider"),
                            credentials=data.get("credentials"), settings=data.get("settings"),
                            webhook_secret=data.get("webhook_secret"), verify=data.get("verify", True),
                            options=data.get("options"))
    return jsonify(IntegrationSchema().dump(_view(state)))


@bp.post("/webhook-secret")
@documented(body=WebhookSecretSchema, body_required=False, response=IntegrationSchema,
            errors=(400, 409, 415, 422))
@require_company
def rotate_webhook_secret():
    """Replace the webhook secret: a new token hrsync generates (shown once), or the HR system's new key stored."""
    data = body(WebhookSecretSchema(), optional=True)
    state = setup.rotate_webhook_secret(services(), g.company_id, data.get("secret"))
    return jsonify(IntegrationSchema().dump(_view(state)))


@bp.post("/webhook")
@documented(response=WebhookRegistrationSchema, errors=(409, 502, 503))
@require_company
def register_webhook():
    """Register the company's webhook in its HR system, where its provider says hrsync can: a new token, the
    webhook created at the company's URL with it, earlier ones at that URL replaced.

    The HR system's refusal → 502 `webhook_registration_refused`, saying what to change (the credential's
    permission, an https PUBLIC_BASE_URL); an HR system whose webhook is set up by hand → 409
    `webhook_registration_unsupported`. The token is never in the answer.
    """
    done = webhook_registration.register_webhook(services(), g.company_id)
    return jsonify(WebhookRegistrationSchema().dump({
        "provider": done.provider, "webhook_id": done.webhook_id, "url": done.url, "events": list(done.events),
        "replaced": done.replaced, "left_over": list(done.left_over)}))


@bp.get("/fields")
@documented(response=FieldsSchema, errors=(409, 502, 503))
@require_company
def get_fields():
    """Source fields of the HR system ("Load fields"); `readable` false where the credential cannot see."""
    provider, fields, mapping = mapping_setup.load_fields(services(), g.company_id)
    rows = [{"key": f.key, "label": f.label, "type": f.type, "readable": f.readable,
             "mapped_to": mapping.get(f.key)} for f in fields]
    return jsonify(FieldsSchema().dump({"provider": provider, "items": rows}))


@bp.get("/mapping")
@documented(response=MappingSchema, errors=(409,))
@require_company
def get_mapping():
    """The field mapping (source field → employee field); the provider's default until one is set."""
    return jsonify(MappingSchema().dump(_mapping_view(mapping_setup.read_mapping(services(), g.company_id))))


@bp.put("/mapping")
@documented(body=MappingUpdateSchema, response=MappingSchema, errors=(400, 409, 415, 422, 502, 503))
@require_company
def put_mapping():
    """Replace the mapping, checked against the HR system's fields (unknown, doubled or missing fields: 422)."""
    data = body(MappingUpdateSchema())
    pairs = [(row["source"], row["target"]) for row in data["mapping"]]
    view = _mapping_view(mapping_setup.set_mapping(services(), g.company_id, pairs, redis()))
    return jsonify(MappingSchema().dump(view))


def _view(state: IntegrationState) -> dict:
    integration, company = state.integration, state.company
    webhook = None
    if integration is not None and state.webhook_url is not None:
        webhook = {"url": state.webhook_url, "secret_set": integration.has_webhook_secret}
        if state.webhook_secret is not None:
            webhook["secret"] = state.webhook_secret
    return {
        "company_id": company.id, "company_name": company.name,
        "provider": integration.provider if integration else None,
        "status": integration.status.value if integration else None,
        "last_error": integration.last_error if integration else None,
        "last_error_at": integration.last_error_at if integration else None,
        "credentials_set": integration is not None,
        "webhook": webhook,
        **({"notes": list(state.notes)} if state.notes else {}),
        "settings": {name: _plain(value) for name, value in company.settings().items() if name != "employee_group"},
        "options": {option.key: value for option, value in setup.option_choices(integration)},
    }


def _mapping_view(state: MappingState) -> dict:
    return {"provider": state.provider, "default": state.default,
            "mapping": [{"source": source, "target": target} for source, target in state.mapping.items()],
            "unreadable": list(state.unreadable)}


def _plain(value):
    return getattr(value, "value", value)
