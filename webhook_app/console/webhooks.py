"""The Webhooks page (admins): the URL to paste into the HR system, its secret — a token hrsync generates and shows
once, or the key the HR system generated, pasted here — the steps to follow in the HR system, and when the last
delivery arrived. Where the provider's description says hrsync can register the webhook itself, one button does it
with the company's stored credentials (the steps stay as the way to do it by hand). An HR system whose webhooks hrsync
cannot verify gets a plain statement instead."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for

from core.errors import InvalidField, NotConfigured, RegistrationUnsupported, WebhookRegistrationRefused, classify
from providers.errors import ProviderError
from providers.description import WebhookSecret
from providers.registry import describe
from services import integration as setup
from services import webhook_registration
from services import webhooks as deliveries
from webhook_app.console import auth
from webhook_app.context import redis, services
from webhook_app.console.forms import field_errors
from webhook_app.errors import sentence

bp = Blueprint("webhooks_pages", __name__, url_prefix="/console/webhooks")

INTEGRATION_PAGE = "integration_pages.integration"


@bp.get("")
@auth.admin_only
def webhooks():
    """What to set up in the HR system so that it tells hrsync of each change."""
    return _page()


@bp.post("/generate")
@auth.admin_only
def generate_secret():
    """A new token hrsync generates (where the HR system sends back one hrsync chose): shown in this answer only."""
    company_id = auth.current_user().company_id
    before = setup.read_state(services(), company_id).integration
    state = setup.rotate_webhook_secret(services(), company_id)
    response = _page(state=state, generated=state.webhook_secret,
                     replaced=before is not None and before.has_webhook_secret)
    response.headers["Cache-Control"] = "no-store"  # the one page holding the token is kept nowhere
    return response


@bp.post("/secret")
@auth.admin_only
def save_secret():
    """Store the key the HR system generated (pasted here); it is never shown again."""
    setup.rotate_webhook_secret(services(), auth.current_user().company_id, request.form.get("secret", ""))
    flash("The key is saved. hrsync now accepts the deliveries it signs.")
    return redirect(url_for("webhooks_pages.webhooks"), 303)


@bp.post("/register")
@auth.admin_only
def register():
    """Create the webhook in the HR system with a new token (never shown: the HR system has it); the HR system's
    answer on the page, a refusal in words that say what to change."""
    return _page(registered=webhook_registration.register_webhook(services(), auth.current_user().company_id))


@bp.errorhandler(ProviderError)
@bp.errorhandler(WebhookRegistrationRefused)
@bp.errorhandler(RegistrationUnsupported)
def registration_refused(error: Exception) -> Response:
    """The HR system said no (or could not be reached), or cannot register: said beside the button."""
    refusal = classify(error)
    return _page(refused=sentence(refusal.message), status=refusal.http_status)


@bp.errorhandler(InvalidField)
def secret_refused(error: InvalidField) -> Response:
    """A key too short or too long (or a form that does not fit this HR system): said on the field, nothing saved."""
    return _page(errors={"secret": field_errors(error).get(error.field) or str(error)}, status=error.http_status)


@bp.errorhandler(NotConfigured)
def not_connected(error: NotConfigured) -> Response:
    flash("Connect your HR system on the HR integration page first; its webhook comes after.", "error")
    return redirect(url_for("webhooks_pages.webhooks"), 303)


def _page(*, state: setup.IntegrationState | None = None, generated: str | None = None, replaced: bool = False,
          errors: dict | None = None, registered: webhook_registration.Registration | None = None,
          refused: str | None = None, status: int = 200) -> Response:
    user = auth.current_user()
    state = state or setup.read_state(services(), user.company_id)
    integration = state.integration
    description = describe(integration.provider) if integration else None
    html = render_template(
        "console/webhooks.html", company_name=user.company_name, state=state, integration=integration,
        description=description, webhooks=description.webhooks if description else None, generated=generated,
        replaced=replaced, registered=registered, refused=refused,
        errors=errors or {}, last=deliveries.last_delivery(services(), redis(), user.company_id) if integration else None,
        integration_url=url_for(INTEGRATION_PAGE) if INTEGRATION_PAGE in current_app.view_functions else None,
        GENERATED=WebhookSecret.GENERATED, PASTED=WebhookSecret.PASTED)
    return Response(html, status=status, mimetype="text/html")
