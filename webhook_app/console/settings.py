"""The Sync settings page (admins): how new stakeholders are named, what happens to leavers, which groups HR data
may update — saved through the same service and checked by the same schema as the JSON API's settings."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from providers.description import ProviderOption
from providers.registry import describe
from services import integration as setup
from webhook_app.console import auth, settings_form
from webhook_app.console.settings_form import SettingsForm
from webhook_app.context import services

bp = Blueprint("settings_pages", __name__, url_prefix="/console/settings")


@bp.get("")
@auth.admin_only
def sync_settings():
    """The company's sync settings, each with what it does (the name formats with an example)."""
    state = setup.read_state(services(), auth.current_user().company_id)
    return _page(settings_form.from_settings(state.company.settings()), state)


@bp.post("")
@auth.admin_only
def save_sync_settings():
    """Save them all at once; a refused field is shown on the form and nothing is saved."""
    user = auth.current_user()
    state = setup.read_state(services(), user.company_id)
    settings, form = settings_form.check(settings_form.read(request.form))
    if settings is None:
        return _page(form, state, status=422)
    # The HR system's own options (its description's): a box each, unticked is off.
    options = {option.key: settings_form.option_name(option.key) in request.form
               for option, _ in setup.option_choices(state.integration)}
    setup.configure(services(), user.company_id, settings=settings, options=options or None)
    flash("Sync settings saved. The next sync uses them.")
    return redirect(url_for("settings_pages.sync_settings"), 303)


def _options(form: SettingsForm, state: setup.IntegrationState) -> list[tuple[ProviderOption, str, bool]]:
    """The HR system's options with their field names, ticked as stored (as sent, after a refusal)."""
    chosen = setup.option_choices(state.integration)
    if form.errors:
        return [(option, name, name in request.form) for option, _ in chosen
                for name in [settings_form.option_name(option.key)]]
    return [(option, settings_form.option_name(option.key), on) for option, on in chosen]


def _page(form: SettingsForm, state: setup.IntegrationState, status: int = 200) -> Response:
    html = render_template("console/settings.html", company_name=state.company.name, sheet=form,
                           company=state.company, integration=state.integration,
                           name_examples=settings_form.name_examples(),
                           termination_choices=settings_form.termination_choices(),
                           example=settings_form.EXAMPLE, options=_options(form, state),
                           provider=describe(state.integration.provider) if state.integration else None)
    return Response(html, status=status, mimetype="text/html")
