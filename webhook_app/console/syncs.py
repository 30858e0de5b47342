"""The Syncs pages: the company's sync history (newest first, by status and trigger), one sync in detail with its
live progress while it runs, and "Sync now" (admins), which follows its sync until the preview opens."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, jsonify, redirect, render_template, request, url_for

from core.errors import NotConfigured, ProviderAuthFailed, ProviderFailed, QueueUnavailable
from services import syncs
from store.enums import SyncStatus, SyncTrigger
from webhook_app.console import auth, listing
from webhook_app.context import redis, services
from webhook_app.errors import sentence
from webhook_app.labels import duration, employees_read, sync_phase_label, sync_status_label, trigger_label

bp = Blueprint("syncs_pages", __name__, url_prefix="/console/syncs")

# How often a running sync's page reloads itself without JavaScript (seconds); console-sync.js polls instead.
REFRESH_SECONDS = 2
INTEGRATION_PAGE = "integration_pages.integration"
# Failures fixed on the HR integration page.
SETTINGS_FAILURES = frozenset({ProviderAuthFailed.code, ProviderFailed.code, NotConfigured.code})


@bp.get("")
@auth.signed_in
def list_syncs():
    """The history: what asked for each sync, who, how it ended, its counts, duration and error with advice."""
    user = auth.current_user()
    status, trigger = listing.choice("status", SyncStatus), listing.choice("trigger", SyncTrigger)
    page = syncs.list_syncs(services(), user.company_id, cursor=request.args.get("cursor") or None,
                            limit=listing.PAGE_SIZE, status=status, trigger=trigger)
    return render_template("console/syncs.html", company_name=user.company_name, runs=page.items,
                           progress=syncs.progress_of(services(), redis(), page.items),
                           status=status, trigger=trigger, filtered=bool(status or trigger),
                           status_options=[("", "All")] + [(s.value, sync_status_label(s)) for s in SyncStatus],
                           trigger_options=[("", "All")] + [(t.value, trigger_label(t)) for t in SyncTrigger],
                           pages=listing.pages("syncs_pages.list_syncs", page.next,
                                               status=status and status.value, trigger=trigger and trigger.value))


@bp.post("/now")
@auth.admin_only
def sync_now():
    """Read every employee now: the company's full sync (the one already running or queued, else a new one), then
    its page, which follows it until the preview opens."""
    user = auth.current_user()
    queued = syncs.sync_now(services(), redis(), user.company_id, requested_by=user.email)
    if queued.already_running:
        flash("A sync of all employees was already running: this is it. Its preview opens when it ends.")
    elif queued.already_queued:
        flash("A sync was already waiting to start: this is it (it reads all employees). Its preview opens when "
              "it ends.")
    return redirect(url_for("syncs_pages.sync_detail", sync_id=queued.id, follow=1), 303)


@bp.get("/<int:sync_id>")
@auth.signed_in
def sync_detail(sync_id: int):
    """One sync; while queued or running the page follows it (console-sync.js polls `sync_progress`; without
    JavaScript the page reloads itself) until it ends. Followed from Sync now
    (`follow=1`), a sync that ends with changes to approve opens their preview."""
    user = auth.current_user()
    run = syncs.get_sync(services(), sync_id, user.company_id)
    progress = syncs.progress(services(), redis(), user.company_id, sync_id)
    follow = request.args.get("follow") == "1"
    if follow and progress.proposes_changes:
        return redirect(url_for("changesets_pages.open_changeset", changeset_id=progress.changeset_id), 303)
    waiting = progress.status is SyncStatus.QUEUED and syncs.worker_missing(services(), redis())
    return render_template("console/sync.html", company_name=user.company_name, run=run, progress=progress,
                           notes=syncs.field_notes(run),
                           refresh=None if progress.ended else REFRESH_SECONDS, follow=follow,
                           no_worker=waiting, integration_url=_integration_page(user, progress.error_code))


@bp.get("/<int:sync_id>/progress")
@auth.signed_in
def sync_progress(sync_id: int):
    """How far the company's sync is, as JSON for console-sync.js: the phase, employees read, elapsed (worded as
    the page words them) and, once it has ended, the page to open (the sync's page, which leads on to the preview
    when followed from Sync now). Another company's sync is 404."""
    user = auth.current_user()
    progress = syncs.progress(services(), redis(), user.company_id, sync_id)
    follow = {"follow": 1} if request.args.get("follow") == "1" else {}
    return jsonify(status=progress.status.value, status_label=sync_status_label(progress.status),
                   phase=progress.phase.value,
                   phase_label=sync_phase_label(progress.phase), fetched=progress.fetched, total=progress.total,
                   employees_read=employees_read(progress), elapsed_seconds=progress.elapsed_seconds,
                   elapsed=duration(progress.elapsed_seconds), ended=progress.ended,
                   next=url_for("syncs_pages.sync_detail", sync_id=sync_id, **follow) if progress.ended else None)


@bp.errorhandler(NotConfigured)
def not_connected(error: NotConfigured) -> Response:
    """Sync now without an HR system: nothing queued, the history says what to do first."""
    flash("Connect your HR system on the HR integration page first; then Sync now reads its employees.", "error")
    return redirect(url_for("syncs_pages.list_syncs"), 303)


@bp.errorhandler(QueueUnavailable)
def not_queued(error: QueueUnavailable) -> Response:
    """Redis down, or another request for this company's sync at this very moment: nothing was started."""
    flash(sentence(error.message) + " Nothing was started.", "error")
    return redirect(url_for("syncs_pages.list_syncs"), 303)


def _integration_page(user, error_code: str | None) -> str | None:
    """Where an admin fixes what made a sync fail (credentials refused, a request refused, no HR system): the HR
    integration page, once it exists."""
    if (user.is_admin and error_code in SETTINGS_FAILURES and INTEGRATION_PAGE in current_app.view_functions):
        return url_for(INTEGRATION_PAGE)
    return None
