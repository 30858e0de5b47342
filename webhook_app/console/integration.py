"""The HR integration pages (admins): connect an HR system (its credentials checked live before anything is saved),
and map its fields to hrsync's. Every HR system and its credential fields come from the provider registry: a new
provider shows here without a change to this module or its templates."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, url_for

from core.errors import CannotVerify, InvalidField, MappingRejected, classify
from domain.employee import MAPPABLE_FIELDS
from providers.description import ProviderDescription
from providers.errors import ProviderError
from providers.registry import PROVIDERS, describe
from services import integration as setup
from services import mapping
from services.syncs import recent_syncs
from store.enums import SyncStatus
from webhook_app.console import auth
from webhook_app.context import redis, services
from webhook_app.errors import error_page, sentence
from webhook_app.labels import field_label

bp = Blueprint("integration_pages", __name__, url_prefix="/console/integration")

# Page 4, where webhooks are set up (linked once registered).
WEBHOOKS = "webhooks_pages.webhooks"
# A field left out of the mapping.
NOT_SYNCED = ("", "Not synced")


@bp.get("")
@auth.admin_only
def integration():
    """The connection's state, and the form to choose the HR system and give its credentials (`?provider=` picks
    one: the way to show its fields without JavaScript)."""
    chosen = request.args.get("provider", "")
    return _integration_page(chosen=chosen if chosen in PROVIDERS else None)


@bp.post("")
@auth.admin_only
def save_integration():
    """Check the credentials with the HR system, then save them; a refusal shows on the form and saves nothing."""
    user = auth.current_user()
    provider = request.form.get("provider", "")
    fields = describe(provider).credentials if provider in PROVIDERS else ()
    given = {spec.key: request.form.get(_input_name(provider, spec.key), "") for spec in fields}
    g.integration_form = {"provider": provider, "given": given}
    state = setup.connect(services(), user.company_id, provider, given)
    mapping.forget_fields(services(), redis(), user.company_id)  # other credentials may see other fields
    label = describe(provider).label
    flash(f"Connected to {label}: it accepted the credentials, and they are saved.")
    for note in state.notes:
        flash(sentence(note), "warn")
    if describe(provider).webhooks.supported and _url_if_registered(WEBHOOKS):
        flash("Next, set up webhooks on the Webhooks page, so that changes reach hrsync as they happen.")
    return redirect(url_for(".integration"), 303)


@bp.get("/fields")
@auth.admin_only
def fields():
    """The mapping in use; after "Load fields", the HR system's fields, each with the hrsync field it fills."""
    return _fields_page()


@bp.post("/fields/load")
@auth.admin_only
def load_fields():
    """Ask the HR system for its fields (kept a while, so the page shows them again without asking)."""
    _, loaded = mapping.load_and_keep_fields(services(), redis(), auth.current_user().company_id)
    flash(f"{len(loaded)} fields loaded. Choose the hrsync field each one fills, then save.")
    return redirect(url_for(".fields"), 303)


@bp.post("/fields")
@auth.admin_only
def save_mapping():
    """Save the mapping as the API does (checked against the HR system's own field list); a refusal shows on the
    row it concerns and saves nothing."""
    sources, targets = request.form.getlist("source"), request.form.getlist("target")
    chosen = dict(zip(sources, targets))
    g.mapping_form = chosen
    saved = mapping.set_mapping(services(), auth.current_user().company_id,
                                [(source, target) for source, target in chosen.items() if target], redis())
    flash(f"The mapping is saved: {len(saved.mapping)} fields are synced from now on.")
    if saved.unreadable:
        flash("The credentials cannot read " + ", ".join(saved.unreadable) + ": these stay empty until they may.",
              "warn")
    return redirect(url_for(".fields"), 303)


@bp.errorhandler(InvalidField)
def field_refused(error: InvalidField) -> Response:
    """A refused provider, credential or mapping row: shown where it belongs, nothing saved."""
    if "mapping_form" in g:
        return _fields_page(chosen=g.mapping_form, error=error, status=error.http_status)
    if "integration_form" in g:
        return _integration_page(form=g.integration_form, errors=_credential_errors(error),
                                 status=error.http_status)
    return error_page(error)


@bp.errorhandler(CannotVerify)
def not_verified(error: CannotVerify) -> Response:
    """The HR system could not be reached to check the credentials: nothing was saved; say so on the form."""
    form = g.get("integration_form") or {"provider": "", "given": {}}
    return _integration_page(form=form, errors={form["provider"]: sentence(error.message)}, status=error.http_status)


@bp.errorhandler(ProviderError)
def hr_system_failed(error: ProviderError) -> Response:
    """Loading the fields (or checking a mapping against them) failed: the HR system's answer, on the page."""
    refusal = classify(error)
    kept = g.get("mapping_form")
    return _fields_page(chosen=kept, failure=sentence(refusal.message), status=refusal.http_status)


def _integration_page(*, chosen: str | None = None, form: dict | None = None, errors: dict | None = None,
                      status: int = 200) -> Response:
    user = auth.current_user()
    state = setup.read_state(services(), user.company_id)
    saved = setup.saved_credentials(services(), user.company_id)
    values = {saved.provider: dict(saved.values)} if saved.provider else {}
    if form is not None:
        chosen = form["provider"] if form["provider"] in PROVIDERS else None
        if chosen:  # what was typed comes back, secrets never
            values[chosen] = {spec.key: form["given"].get(spec.key, "") for spec in describe(chosen).credentials
                              if not spec.secret}
    succeeded = recent_syncs(services(), user.company_id, 1, status=SyncStatus.SUCCEEDED)
    html = render_template(
        "console/integration.html", company_name=user.company_name, state=state,
        providers=list(PROVIDERS.values()), chosen=chosen or saved.provider or "",
        provider_options=([] if saved.provider else [("", "Choose your HR system")])
        + [(description.name, description.label) for description in PROVIDERS.values()],
        choice_options=lambda spec: [(choice, choice) for choice in spec.choices], sentence=sentence,
        current=saved.provider, values=values, secrets_set=saved.secrets_set, errors=errors or {},
        last_success=succeeded[0] if succeeded else None, input_name=_input_name,
        webhooks_page=_url_if_registered(WEBHOOKS))
    return Response(html, status=status, mimetype="text/html")


def _url_if_registered(endpoint: str) -> str | None:
    return url_for(endpoint) if endpoint in current_app.view_functions else None


def _credential_errors(error: InvalidField) -> dict[str, str]:
    """`credentials.api_key` → the error under that input (named as the form names it); `provider` → under the
    dropdown; `credentials` (the HR system's answer, a check of several fields) → at the top of the fieldset."""
    provider = g.integration_form["provider"]
    if error.field == "provider" or provider not in PROVIDERS:
        return {"provider": sentence(error.message) if provider else "Choose your HR system."}
    description = describe(provider)
    key = error.field.removeprefix("credentials.")
    if key in {spec.key for spec in description.credentials}:
        spec = description.field(key)
        message = error.message
        if message.startswith(key + " "):  # the API names the key; the page its label
            message = spec.label + message[len(key):]
        return {_input_name(provider, key): sentence(message)}
    return {provider: sentence(error.message)}


def _input_name(provider: str, key: str) -> str:
    """A credential input's name: the provider's fields are all on the page, so each is named for its provider."""
    return f"{provider}.{key}"


def _fields_page(*, chosen: dict[str, str] | None = None, error: InvalidField | None = None,
                 failure: str | None = None, status: int = 200) -> Response:
    user = auth.current_user()
    state = setup.read_state(services(), user.company_id)
    if state.integration is None:
        html = render_template("console/fields.html", company_name=user.company_name, description=None)
        return Response(html, status=status, mimetype="text/html")
    description = describe(state.integration.provider)
    current = mapping.read_mapping(services(), user.company_id)
    loaded = mapping.kept_fields(services(), redis(), user.company_id, current.provider)
    rows = _rows(description, loaded, current.mapping, chosen) if loaded is not None else []
    row_errors, form_error = _mapping_errors(error, rows, description) if error is not None else ({}, None)
    html = render_template(
        "console/fields.html", company_name=user.company_name, description=description, current=current,
        loaded=loaded is not None, rows=rows, row_errors=row_errors, form_error=form_error, failure=failure,
        names=mapping.field_names(services(), redis(), user.company_id, current.provider) if loaded is None else {},
        targets=[NOT_SYNCED] + [(name, field_label(name)) for name in MAPPABLE_FIELDS])
    return Response(html, status=status, mimetype="text/html")


def _rows(description: ProviderDescription, loaded, current: dict[str, str],
          chosen: dict[str, str] | None) -> list[dict]:
    """One row per loaded field (with the hrsync field it fills: as posted after a refusal, else the mapping in
    use), then the mapped fields the HR system no longer lists, so that they can be left out."""
    rows = [{"key": f.key, "label": f.label, "type": f.type, "readable": f.readable, "listed": True}
            for f in loaded]
    listed = {row["key"] for row in rows}
    rows += [{"key": key, "label": key, "type": None, "readable": False, "listed": False}
             for key in current if key not in listed]
    for number, row in enumerate(rows, start=1):
        row["id"] = f"map-{number}"
        row["target"] = (chosen.get(row["key"], "") if chosen is not None else current.get(row["key"], ""))
    return rows


def _mapping_errors(error: InvalidField, rows: list[dict], description: ProviderDescription):
    """The row a refusal concerns: the second of two rows choosing the target it names; else the source field it
    names; else the row that chose the target it names; else the row the provider maps to that target by default (a
    name left unmapped); else the form as a whole."""
    message = error.message
    if error.field in MAPPABLE_FIELDS and message.startswith(error.field + " "):  # the field's name, not its code
        message = field_label(error.field) + message[len(error.field):]
    message = sentence(message)
    keys = [row["key"] for row in rows]
    choosing = [row["key"] for row in rows if row["target"] == error.field]
    if len(choosing) > 1:  # a target chosen twice (its name may also be a source key: check this first)
        return {choosing[-1]: message}, None
    if error.field in keys:
        return {error.field: message}, None
    if choosing:
        return {choosing[-1]: message}, None
    default_source = next((source for source, target in description.provider_class().default_mapping.items()
                           if target == error.field and source in keys), None)
    if isinstance(error, MappingRejected) and default_source is not None:
        return {default_source: message}, None
    return {}, message
