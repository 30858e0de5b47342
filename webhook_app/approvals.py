"""The approve link: the change set preview (GET), applying it (POST), and a fresh sync afterwards."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_wtf.csrf import CSRFError

from store.db import transaction
from store.enums import ChangeSetStatus, SyncMode
from store.errors import NotFound
from store.repositories import companies
from store.repositories.changeset_reads import StoredChangeSet, load_changeset
from webhook_app import approvals_pages as pages
from webhook_app import security
from webhook_app.approvals_form import InvalidForm, read_form
from webhook_app.approvals_view import FORMAT_LABELS, FormState, build_preview
from webhook_app.context import link_signer, lockout, redis, services
from webhook_app.security import csrf
from workers.apply import approve
from workers.apply_errors import (ChangeSetChanged, InvalidSelection, Locked, LockoutUnavailable, NotPending,
                                  RegistryConflict, WrongPassword)
from workers.enqueue import request_sync
from workers.errors import NotConfigured, QueueUnavailable
from workers.links import ExpiredLink, InvalidLink

bp = Blueprint("approvals", __name__, static_folder="static", static_url_path="/approvals/static")
bp.record_once(security.init_security)
bp.after_request(security.html_headers)
bp.add_app_template_filter(pages.when, "hrsync_when")


@bp.get("/approvals/<token>")
def preview(token: str):
    """The change set behind an approve link, with the approval form."""
    stored = _changeset(token)
    if stored.status is not ChangeSetStatus.PENDING:
        return pages.status_page(stored)
    return _preview(stored, _initial(stored))


@bp.post("/approvals/<token>")
def submit(token: str):
    """Apply the selected items once the approver's e-mail and password check out."""
    csrf.protect()
    stored = _changeset(token)
    if stored.status is not ChangeSetStatus.PENDING:
        return pages.status_page(stored, conflict=True)
    try:
        submission = read_form(request.form, stored, _initial(stored))
        result = approve(services(), lockout(), submission.request(stored))
    except InvalidForm as invalid:
        return _preview(stored, invalid.state, error=str(invalid), status=400)
    except WrongPassword as wrong:
        return _preview(stored, submission.state, error=pages.wrong_password_text(wrong.remaining), status=401)
    except InvalidSelection as invalid:
        return _preview(stored, submission.state, error=str(invalid), status=400)
    except ChangeSetChanged as changed:
        return _preview(_changeset(token), _initial(stored), error=str(changed), status=409)
    except NotPending:
        return pages.status_page(_changeset(token), conflict=True)
    except Locked as locked:
        return pages.locked_page(locked.retry_after)
    except (LockoutUnavailable, RegistryConflict) as error:
        return pages.message_page("Please try again", str(error), 503 if isinstance(error, LockoutUnavailable)
                                  else 409)
    return render_template("approvals_result.html", result=result, counts=result.counts(), token=token,
                           company_name=_company_name(stored), format_label=FORMAT_LABELS[result.name_format])


@bp.post("/approvals/<token>/sync")
def fresh_sync(token: str):
    """Queue a full sync of the link's company: offered once a change set is applied (stale items)."""
    csrf.protect()
    stored = _changeset(token)
    if stored.status is ChangeSetStatus.PENDING:
        return pages.message_page("Not applied yet", "Apply or review this change set first.", 409,
                                  link=("Back to the change set", url_for("approvals.preview", token=token)))
    if stored.status is not ChangeSetStatus.APPLIED:
        return pages.status_page(stored, conflict=True)
    try:
        sync_id = request_sync(services(), redis(), stored.company_id, SyncMode.FULL)
    except NotConfigured:
        return pages.message_page("No HR integration", "This company has no HR integration any more.", 409)
    except QueueUnavailable as error:
        return pages.message_page("Please try again", str(error), 503)
    return pages.message_page("A fresh sync is on its way",
                              f"Sync {sync_id} is queued. When it has finished, the approvers receive a new "
                              "approve link by e-mail.", 202)


@bp.errorhandler(CSRFError)
def csrf_failed(error: CSRFError):
    return pages.message_page("The form has expired",
                              "This form was not sent from a current approval page (or it was open too long). "
                              "Reload the approve link and try again.", 400)


def _changeset(token: str) -> StoredChangeSet:
    try:
        changeset_id = link_signer().changeset_id(token)
    except InvalidLink:
        abort(pages.invalid_link_page())
    except ExpiredLink:
        abort(pages.expired_link_page())
    try:
        with transaction(services().session_factory) as session:
            return load_changeset(session, changeset_id)
    except NotFound:
        abort(pages.invalid_link_page())


def _initial(stored: StoredChangeSet) -> FormState:
    with transaction(services().session_factory) as session:
        return FormState.initial(stored, companies.get_company(session, stored.company_id).name_format)


def _company_name(stored: StoredChangeSet) -> str:
    with transaction(services().session_factory) as session:
        return companies.get_company(session, stored.company_id).name


def _preview(stored: StoredChangeSet, state: FormState, *, error: str | None = None, status: int = 200) -> Response:
    with transaction(services().session_factory) as session:
        model = build_preview(session, stored)
    html = render_template("approvals_preview.html", preview=model, form=state, error=error,
                           company_name=model.company_name,
                           locked_for=pages.locked_seconds(lockout(), stored.id),
                           action=url_for("approvals.submit", token=request.view_args["token"]))
    return Response(html, status=status, mimetype="text/html")
