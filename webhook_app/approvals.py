"""The approve link: the change set preview (GET, a page per kind), the approver's choices kept server-side,
applying them (POST) with progress, and what was applied; a link itself never starts a sync."""

from __future__ import annotations

import secrets
from concurrent.futures import TimeoutError as WaitedLongEnough

from flask import Blueprint, Response, g, jsonify, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from core.errors import ChangeSetChanged, ChoicesChanged, HrsyncError, InvalidSelection, NotPending, WrongPassword
from core.links import Link
from domain.changeset import ChangeKind
from services import apply_runs, approval_choices, approvals, changesets
from services.approval_choices import Draft
from services.approvals import ApprovalRequest, FollowUp
from services.changesets import ChangeSetOverview
from store.enums import ChangeSetStatus
from webhook_app import approvals_pages as pages
from webhook_app import labels
from webhook_app.approvals_form import InvalidForm, read_page, read_submission
from webhook_app.approvals_summary import FILTER_NAMES, FILTERS, ROWS, Summary, count_outcomes
from webhook_app.console import auth as console_auth
from webhook_app.approvals_view import CHECKABLE, FormState, Where, build_preview
from webhook_app.context import client_address, link_signer, lockout, redis, services, settings
from webhook_app.errors import message_page, sentence

bp = Blueprint("approvals", __name__, static_folder="static", static_url_path="/approvals/static")

# How long the apply request waits for the apply before it shows the progress page instead (a small change set
# is applied well within it, and answered at once).
APPLY_WAIT_SECONDS = 3.0
DRAFT_SESSION_KEY = "approval_draft"


@bp.get("/approvals/<token>")
def preview(token: str):
    """The change set behind an approve link with the approval form; once applied, what was applied."""
    link, overview = _open(token)
    if overview.changeset.status is ChangeSetStatus.APPLIED:
        return _summary(overview)
    if overview.changeset.status is not ChangeSetStatus.PENDING:
        return pages.status_page(overview.changeset, link)
    return _preview(overview)


@bp.post("/approvals/<token>")
def submit(token: str):
    """Record the page's choices, then (unless only saving) apply every chosen item once the approver's e-mail
    and password check out: answered at once when quick, else on the progress page (the form's CSRF token is
    checked app-wide before this runs)."""
    link, overview = _open(token)
    if overview.changeset.status is not ChangeSetStatus.PENDING:
        return _not_pending_page(overview, link)
    if apply_runs.under_way(redis(), settings().namespace, overview.changeset.id):
        return redirect(url_for("approvals.applying", token=token), 303)  # a second click: follow the first
    g.approval_link, g.approval_overview = link, overview
    draft = _draft(overview)
    page = read_page(request.form)
    approval_choices.check_version(draft, page.version)
    _record(overview, draft, page)
    if request.form.get("action") == "save":
        return redirect(_preview_url(token, Where.of(request.form)), 303)
    submission = read_submission(request.form, _initial(overview))
    g.approval_form = submission.state
    if submission.digest and submission.digest != overview.digest:
        raise ChangeSetChanged()
    selection, _ = approval_choices.selection(draft, changesets.ids_by_kind(services(), overview.changeset.id))
    approval = ApprovalRequest(overview.changeset.id, submission.state.email, submission.password, client_address(),
                               name_format=submission.state.name_format, selection=selection,
                               expected_digest=submission.digest or None)
    actor = approvals.check_approver(services(), lockout(), approval)
    running = apply_runs.start(services(), redis(), approval, actor, items=overview.total,
                               company=overview.company.name)
    if running is None:  # already being applied (a second click): follow that one
        return redirect(url_for("approvals.applying", token=token), 303)
    try:
        _, follow_up = running.result(timeout=APPLY_WAIT_SECONDS)
    except WaitedLongEnough:
        return redirect(url_for("approvals.applying", token=token), 303)
    approval_choices.forget(draft)
    return _summary(changesets.overview(services(), overview.changeset.id), follow_up=follow_up)


@bp.post("/approvals/<token>/choices")
def choose(token: str):
    """Record choices without applying: a page's boxes and answers (approvals.js sends each change), or every
    item of a kind selected or none. Answers JSON to the script, else goes back to the page."""
    link, overview = _open(token)
    if overview.changeset.status is not ChangeSetStatus.PENDING:
        return _not_pending_page(overview, link)
    draft = _draft(overview)
    bulk = request.form.get("select", "")
    kind, _, mode = bulk.partition(":")
    if kind in {k.value for k in CHECKABLE} and mode in ("all", "none"):
        approval_choices.select_kind(draft, ChangeKind(kind), mode == "all")
    else:
        _record(overview, draft, read_page(request.form))
    if request.accept_mimetypes.best == "application/json":
        choices = approval_choices.load(draft)
        return jsonify(version=choices.version, to_apply=choices.to_apply(overview.counts),
                       selected={k.value: choices.selected(k, overview.counts.get(k.value, 0)) for k in CHECKABLE},
                       answered=len(choices.answers))
    return redirect(_preview_url(token, Where.of(request.form)), 303)


@bp.get("/approvals/<token>/applying")
def applying(token: str):
    """How far the apply got; the applied change set once done (approvals.js follows it without reloading). While
    it runs, the page is drawn from the progress alone: on SQLite a read would wait for the apply's transaction."""
    link = link_signer().read(token)
    progress = apply_runs.read_progress(redis(), settings().namespace, link.changeset_id)
    if progress is not None and progress.state in (apply_runs.QUEUED, apply_runs.RUNNING, apply_runs.FAILED):
        return _progress_page(token, link.changeset_id, progress, progress.items, progress.company)
    _, overview = _open(token)
    if overview.changeset.status is ChangeSetStatus.APPLIED:
        return redirect(url_for("approvals.preview", token=token), 303)
    if overview.changeset.status is not ChangeSetStatus.PENDING:
        return pages.status_page(overview.changeset, link)
    return _progress_page(token, overview.changeset.id, progress, overview.total, overview.company.name)


@bp.get("/approvals/<token>/progress")
def progress(token: str):
    """The apply's progress as JSON for approvals.js (from Redis while it runs, like the page)."""
    link = link_signer().read(token)
    found = apply_runs.read_progress(redis(), settings().namespace, link.changeset_id)
    answer = found.as_json() if found else {"state": "none"}
    if found:
        answer |= {"label": labels.phase_label(found.phase), "figures": labels.progress_figures(found)}
    if found is None or found.state == apply_runs.DONE or found.stalled:
        _, overview = _open(token)
        if overview.changeset.status is ChangeSetStatus.APPLIED:
            answer["state"] = "done"
    answer["next"] = url_for("approvals.preview", token=token)
    return jsonify(answer)


def _progress_page(token: str, changeset_id: int, progress, total: int, company_name: str) -> Response:
    html = render_template("approvals/progress.html", progress=progress, company_name=company_name,
                           changeset_id=changeset_id, total=total,
                           back=url_for("approvals.preview", token=token),
                           status_url=url_for("approvals.progress", token=token))
    return Response(html, status=200, mimetype="text/html")


@bp.errorhandler(CSRFError)
def csrf_failed(error: CSRFError):
    return message_page("The form has expired",
                        "This form was not sent from a current approval page (or it was open too long). "
                        "Reload the approve link and try again.", 400)


def form_refused(error: HrsyncError) -> Response:
    """The page again, as the approver left it, saying what to fix (the other refusals are error pages)."""
    state = error.state if isinstance(error, InvalidForm) else getattr(g, "approval_form", None)
    return _preview(g.approval_overview, state, error=sentence(error.message), status=error.http_status)


def changed_meanwhile(error: ChangeSetChanged) -> Response:
    """A newer sync merged into the change set since the page was opened: the fresh one, to review again."""
    overview = changesets.overview(services(), g.approval_overview.changeset.id)
    return _preview(overview, error=sentence(error.message), status=error.http_status)


def not_pending_any_more(error: NotPending) -> Response:
    """Applied or replaced by someone else while this approver submitted: what became of it."""
    return _not_pending_page(changesets.overview(services(), error.changeset_id), g.approval_link)


for _refusal in (InvalidForm, WrongPassword, InvalidSelection, ChoicesChanged):
    bp.register_error_handler(_refusal, form_refused)
bp.register_error_handler(ChangeSetChanged, changed_meanwhile)
bp.register_error_handler(NotPending, not_pending_any_more)


def _open(token: str) -> tuple[Link, ChangeSetOverview]:
    """The link and its change set (without items); an invalid or expired link is its error page (404, 410)."""
    link = link_signer().read(token)
    return link, changesets.overview_for_link(services(), link.changeset_id)


def _draft(overview: ChangeSetOverview) -> Draft:
    """Where this browser's choices for the change set are kept (the session names the browser)."""
    session_id = session.get(DRAFT_SESSION_KEY)
    if not isinstance(session_id, str) or len(session_id) != 22:
        session_id = session[DRAFT_SESSION_KEY] = secrets.token_urlsafe(16)
    return Draft(redis(), settings().namespace, overview.changeset.id, overview.digest, session_id)


def _record(overview: ChangeSetOverview, draft: Draft, page) -> None:
    kinds = changesets.item_kinds(services(), overview.changeset.id, page.shown) if page.shown else {}
    shown, included, answers = page.recorded(kinds)
    if shown or page.name_format is not None:
        approval_choices.record_page(draft, shown, included, answers, page.name_format)


def _initial(overview: ChangeSetOverview) -> FormState:
    return FormState(overview.company.name_format)


def _console_email(overview: ChangeSetOverview) -> str:
    """The e-mail of a signed-in console user of the change set's company (who came from the Change sets page), to
    fill the form with; the password is asked all the same."""
    user = console_auth.current_user()
    return user.email if user is not None and user.company_id == overview.company.id else ""


def _preview_url(token: str, where: Where) -> str:
    return url_for("approvals.preview", token=token, **where.args()) + _anchor(where)


def _anchor(where: Where) -> str:
    return f"#{where.kind.value}" if where.kind else ""


def _preview(overview: ChangeSetOverview, state: FormState | None = None, *, error: str | None = None,
             status: int = 200) -> Response:
    """The page; `state` is the form as sent (a refusal shows it again), else the choices' name format."""
    where = Where.of(request.args if request.method == "GET" else request.form)
    if where.kind is None:
        pages_of = changesets.first_pages(services(), overview, search=where.search, limit=where.rows)
    elif overview.counts.get(where.kind.value):
        pages_of = {where.kind: changesets.items_page(services(), overview.changeset, where.kind, search=where.search,
                                                      offset=(where.page - 1) * where.rows, limit=where.rows)}
    else:
        pages_of = {}
    shown = {kind: [entry.id for entry in page.items] for kind, page in pages_of.items()}
    choices = approval_choices.load(_draft(overview), shown, tolerant=True)
    model = build_preview(overview, where, pages_of, choices)
    if state is None:
        state = FormState(choices.name_format or overview.company.name_format, _console_email(overview))
    html = render_template("approvals/preview.html", preview=model, form=state,
                           error=error, company_name=model.company_name, where=where,
                           locked_for=lockout().client_locked_for(overview.changeset.company_id, client_address()),
                           action=url_for("approvals.submit", token=request.view_args["token"]),
                           choices_action=url_for("approvals.choose", token=request.view_args["token"]),
                           here=url_for("approvals.preview", token=request.view_args["token"]))
    return Response(html, status=status, mimetype="text/html")


def _not_pending_page(overview: ChangeSetOverview, link: Link) -> Response:
    if overview.changeset.status is ChangeSetStatus.APPLIED:
        return _summary(overview, conflict=True)
    return pages.status_page(overview.changeset, link, conflict=True)


def _summary(overview: ChangeSetOverview, *, follow_up: FollowUp | None = None, conflict: bool = False) -> Response:
    """What was applied: counts per outcome, the items not applied, and every item, paged and filtered."""
    args = request.args if request.method == "GET" else {}
    shown = args.get("outcome", "all")
    shown = shown if shown in FILTER_NAMES else "all"
    page = args.get("page", "1")
    number = int(page) if page.isascii() and page.isdigit() and 0 < len(page) < 7 and int(page) > 0 else 1
    stored = overview.changeset
    listed = changesets.items_page(services(), stored, None, outcome=None if shown == "all" else shown,
                                   offset=(number - 1) * ROWS, limit=ROWS)
    not_applied = changesets.items_page(services(), stored, None, outcome="not_applied", limit=ROWS)
    recorded = apply_runs.read_progress(redis(), settings().namespace, stored.id)
    if follow_up is None and recorded is not None:
        follow_up = recorded.follow_up
    name_format = recorded.format if recorded else None
    summary = Summary(overview, count_outcomes(changesets.applied_counts(services(), stored.id)), shown, listed,
                      not_applied if not_applied.total else None, follow_up, conflict)
    html = render_template("approvals/result.html", summary=summary, company_name=overview.company.name,
                           name_format=name_format, filters=FILTERS, here=url_for("approvals.preview",
                                                                                 token=request.view_args["token"]))
    return Response(html, status=409 if conflict else 200, mimetype="text/html")

