"""The approve link: the change set preview (GET) and applying it (POST); a link itself never starts a sync."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_wtf.csrf import CSRFError

from core.errors import (ChangeSetChanged, InvalidSelection, Locked, LockoutUnavailable, NotPending,
                                  RegistryConflict, WrongPassword, minutes)
from core.errors import NotConfigured, QueueUnavailable
from core.links import ExpiredLink, InvalidLink, Link
from services.apply_plan import Outcome
from services.approvals import ApplyResult, approve
from services.syncs import queue_sync
from store.db import transaction
from store.enums import ChangeSetStatus, SyncMode
from store.errors import NotFound
from store.repositories import companies
from store.repositories.changeset_reads import StoredChangeSet, load_changeset
from webhook_app import approvals_pages as pages
from webhook_app import security
from webhook_app.approvals_form import InvalidForm, read_form
from webhook_app.approvals_view import FORMAT_LABELS, FollowUp, FormState, build_preview
from webhook_app.context import client_address, link_signer, lockout, redis, services
from webhook_app.security import csrf

bp = Blueprint("approvals", __name__, static_folder="static", static_url_path="/approvals/static")
bp.record_once(security.init_security)
bp.after_request(security.html_headers)
bp.add_app_template_filter(pages.when, "hrsync_when")
bp.add_app_template_filter(minutes, "hrsync_minutes")


@bp.get("/approvals/<token>")
def preview(token: str):
    """The change set behind an approve link, with the approval form."""
    link, stored = _open(token)
    if stored.status is not ChangeSetStatus.PENDING:
        return pages.status_page(stored, link)
    return _preview(stored, _initial(stored))


@bp.post("/approvals/<token>")
def submit(token: str):
    """Apply the selected items once the approver's e-mail and password check out."""
    csrf.protect()
    link, stored = _open(token)
    if stored.status is not ChangeSetStatus.PENDING:
        return pages.status_page(stored, link, conflict=True)
    try:
        submission = read_form(request.form, stored, _initial(stored))
        result = approve(services(), lockout(), submission.request(stored, client_address()))
    except InvalidForm as invalid:
        return _preview(stored, invalid.state, error=str(invalid), status=400)
    except WrongPassword as wrong:
        return _preview(stored, submission.state, error=pages.wrong_password_text(wrong.remaining), status=401)
    except InvalidSelection as invalid:
        return _preview(stored, submission.state, error=str(invalid), status=400)
    except ChangeSetChanged as changed:
        return _preview(_open(token)[1], _initial(stored), error=str(changed), status=409)
    except NotPending:
        return pages.status_page(_open(token)[1], link, conflict=True)
    except Locked as locked:
        return pages.locked_page(locked.retry_after)
    except LockoutUnavailable:
        return pages.paused_page()
    except RegistryConflict:
        return pages.registry_conflict_page(url_for("approvals.preview", token=token))
    return render_template("approvals_result.html", result=result, counts=result.counts(), token=token,
                           company_name=_company_name(stored), format_label=FORMAT_LABELS[result.name_format],
                           follow_up=_follow_up(result, stored.company_id))


@bp.errorhandler(CSRFError)
def csrf_failed(error: CSRFError):
    return pages.message_page("The form has expired",
                              "This form was not sent from a current approval page (or it was open too long). "
                              "Reload the approve link and try again.", 400)


def _follow_up(result: ApplyResult, company_id: str) -> FollowUp | None:
    """Items changed since the preview are proposed again by a fresh sync, queued here: the password was just
    checked (a link alone never starts one), and a sync already queued is the one that will do it."""
    if not result.with_outcome(Outcome.STALE):
        return None
    try:
        queued = queue_sync(services(), redis(), company_id, SyncMode.FULL)
        return FollowUp(queued.id, already_queued=queued.already_queued)
    except NotConfigured:
        return FollowUp(None, "This company has no HR integration any more, so no sync can propose them again.")
    except QueueUnavailable:
        return FollowUp(None, "A fresh sync could not be queued just now; the next scheduled sync proposes "
                              "them again.")


def _open(token: str) -> tuple[Link, StoredChangeSet]:
    """The link and its change set, or the 404/410 page."""
    try:
        link = link_signer().read(token)
    except InvalidLink:
        abort(pages.invalid_link_page())
    except ExpiredLink:
        abort(pages.expired_link_page())
    try:
        with transaction(services().session_factory) as session:
            return link, load_changeset(session, link.changeset_id)
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
                           locked_for=lockout().client_locked_for(stored.company_id, client_address()),
                           action=url_for("approvals.submit", token=request.view_args["token"]))
    return Response(html, status=status, mimetype="text/html")
