"""The approve link: the change set preview (GET) and applying it (POST); a link itself never starts a sync."""

from __future__ import annotations

from flask import Blueprint, Response, g, render_template, request, url_for
from flask_wtf.csrf import CSRFError

from core.errors import ChangeSetChanged, HrsyncError, InvalidSelection, NotPending, WrongPassword
from core.links import Link
from services import approvals, changesets
from services.changesets import ChangeSetDetail
from store.enums import ChangeSetStatus
from webhook_app import approvals_pages as pages
from webhook_app.approvals_form import InvalidForm, read_form
from webhook_app.approvals_view import FormState, build_preview
from webhook_app.context import client_address, link_signer, lockout, redis, services
from webhook_app.errors import message_page, sentence

bp = Blueprint("approvals", __name__, static_folder="static", static_url_path="/approvals/static")


@bp.get("/approvals/<token>")
def preview(token: str):
    """The change set behind an approve link, with the approval form."""
    link, detail = _open(token)
    if detail.changeset.status is not ChangeSetStatus.PENDING:
        return pages.status_page(detail.changeset, link)
    return _preview(detail, _initial(detail))


@bp.post("/approvals/<token>")
def submit(token: str):
    """Apply the selected items once the approver's e-mail and password check out (the form's CSRF token is
    checked app-wide before this runs)."""
    link, detail = _open(token)
    stored = detail.changeset
    if stored.status is not ChangeSetStatus.PENDING:
        return pages.status_page(stored, link, conflict=True)
    g.approval_link, g.approval_detail = link, detail
    submission = read_form(request.form, stored, _initial(detail))
    g.approval_form = submission.state
    result, follow_up = approvals.approve_and_propose_again(services(), lockout(), redis(),
                                                            submission.request(stored, client_address()))
    return render_template("approvals/result.html", result=result, counts=result.counts(), token=token,
                           company_name=detail.company.name, follow_up=follow_up)


@bp.errorhandler(CSRFError)
def csrf_failed(error: CSRFError):
    return message_page("The form has expired",
                        "This form was not sent from a current approval page (or it was open too long). "
                        "Reload the approve link and try again.", 400)


def form_refused(error: HrsyncError) -> Response:
    """The form again, as the approver left it, saying what to fix (the other refusals are error pages)."""
    state = error.state if isinstance(error, InvalidForm) else g.approval_form
    return _preview(g.approval_detail, state, error=sentence(error.message), status=error.http_status)


def changed_meanwhile(error: ChangeSetChanged) -> Response:
    """A newer sync merged into the change set since the page was opened: the fresh one, to review again."""
    detail = changesets.detail(services(), g.approval_detail.changeset.id)
    return _preview(detail, _initial(detail), error=sentence(error.message), status=error.http_status)


def not_pending_any_more(error: NotPending) -> Response:
    """Applied or replaced by someone else while this approver submitted: what became of it."""
    return pages.status_page(changesets.get_changeset(services(), error.changeset_id), g.approval_link,
                             conflict=True)


for _refusal in (InvalidForm, WrongPassword, InvalidSelection):
    bp.register_error_handler(_refusal, form_refused)
bp.register_error_handler(ChangeSetChanged, changed_meanwhile)
bp.register_error_handler(NotPending, not_pending_any_more)


def _open(token: str) -> tuple[Link, ChangeSetDetail]:
    """The link and its change set in detail; an invalid or expired link is its error page (404, 410)."""
    link = link_signer().read(token)
    return link, changesets.for_link(services(), link.changeset_id)


def _initial(detail: ChangeSetDetail) -> FormState:
    return FormState.initial(detail.changeset, detail.company.name_format)


def _preview(detail: ChangeSetDetail, state: FormState, *, error: str | None = None, status: int = 200) -> Response:
    model = build_preview(detail)
    html = render_template("approvals/preview.html", preview=model, form=state, error=error,
                           company_name=model.company_name,
                           locked_for=lockout().client_locked_for(detail.changeset.company_id, client_address()),
                           action=url_for("approvals.submit", token=request.view_args["token"]))
    return Response(html, status=status, mimetype="text/html")
