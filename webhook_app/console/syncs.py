"""The Syncs pages: the company's sync history (newest first, by status and trigger) and one sync in detail, with
its live progress while it runs."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from services import syncs
from store.enums import SyncStatus, SyncTrigger
from webhook_app.console import auth, listing
from webhook_app.context import redis, services
from webhook_app.labels import sync_status_label, trigger_label

bp = Blueprint("syncs_pages", __name__, url_prefix="/console/syncs")

# How often a running sync's page reloads itself (seconds).
REFRESH_SECONDS = 2


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


@bp.get("/<int:sync_id>")
@auth.signed_in
def sync_detail(sync_id: int):
    """One sync; while queued or running the page reloads itself until it ends."""
    user = auth.current_user()
    run = syncs.get_sync(services(), sync_id, user.company_id)
    progress = syncs.progress(services(), redis(), user.company_id, sync_id)
    return render_template("console/sync.html", company_name=user.company_name, run=run, progress=progress,
                           refresh=None if progress.ended else REFRESH_SECONDS)
