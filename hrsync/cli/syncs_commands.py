"""`hrsync syncs list|show`: a company's syncs, newest first, and one sync in detail (followed to its end)."""

from __future__ import annotations

import datetime as dt

import click
from rich import box
from rich.console import Console
from rich.table import Table

from core.links import LinkSigner
from hrsync.cli.admin_support import opened_services, resolve_company
from hrsync.cli.errors import user_errors
from hrsync.cli.sync_commands import follow, worker_count
from services import syncs as sync_service
from services.sync_progress import ADVICE, DEFAULT_ADVICE
from services.syncs import SyncRun
from store.enums import SyncMode, SyncStatus, SyncTrigger

ACTIVE = (SyncStatus.QUEUED, SyncStatus.RUNNING)


@click.group()
def syncs() -> None:
    """Syncs: queued, running and finished ones, with their counts and errors."""


@syncs.command("list")
@click.argument("company")
@click.option("--status", type=click.Choice([status.value for status in SyncStatus]),
              help="Only the syncs in this state.")
@click.option("--trigger", type=click.Choice([trigger.value for trigger in SyncTrigger]),
              help="Only the syncs asked for this way: manual (a person, CLI or API), webhook or cron.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="How many, newest first.")
@click.pass_obj
@user_errors
def list_syncs(app, company: str, status: str | None, trigger: str | None, limit: int) -> None:
    """List COMPANY's syncs, newest first.

    Each with its status, what triggered it (manual, webhook, cron), its mode, when it was queued, how long it
    ran, the employees fetched, the changes it proposes and its error.

    Example: hrsync syncs list "Acme GmbH" --status failed --trigger cron
    """
    with opened_services(app) as services:
        target = resolve_company(services, company)
        runs = sync_service.recent_syncs(services, target.id, limit, SyncStatus(status) if status else None,
                                         SyncTrigger(trigger) if trigger else None)
    if not runs:
        asked = " ".join(word for word in (status, trigger) if word)
        click.echo(f"{target.name} has no {asked + ' ' if asked else ''}syncs")
        return
    table = Table(title=f"Syncs of {target.name}, newest first", title_justify="left", box=box.SIMPLE_HEAD,
                  pad_edge=False, collapse_padding=True)
    for column in ("id", "status", "trigger", "mode", "queued (UTC)", "took", "fetched"):  # short: one line
        table.add_column(column, no_wrap=True, justify="right" if column in ("id", "fetched") else "left")
    table.add_column("changes or error", ratio=1, overflow="fold")
    for run in runs:
        table.add_row(str(run.id), run.status.value, run.trigger.value, _mode(run, short=True),
                      f"{run.created_at:%Y-%m-%d %H:%M}", _took(run), str(run.fetched),
                      run.error or _changes(run.counts))
    Console().print(table)


@syncs.command("show")
@click.argument("sync_id", type=click.IntRange(min=1), metavar="ID")
@click.option("--follow", "follow_it", is_flag=True,
              help="Follow a queued or running sync with a progress bar until it ends (exit status 1 if it "
                   "fails; Ctrl-C stops following, the sync goes on).")
@click.option("--timeout", default=900, show_default=True, type=click.IntRange(1, 86_400),
              help="With --follow: give up after this many seconds (the sync goes on).")
@click.pass_obj
@user_errors
def show(app, sync_id: int, follow_it: bool, timeout: int) -> None:
    """Show sync ID: status, times, progress, changes, error, change set.

    With --follow, a queued or running sync is followed with a progress bar until it ends; with no worker
    running it says so at once.

    Example: hrsync syncs show 12 --follow
    """
    from redis import Redis

    with opened_services(app) as services:
        found = sync_service.sync_detail(services, sync_id)
        run, company = found.run, found.company
        if follow_it and run.status in ACTIVE:
            redis = Redis.from_url(app.settings.redis_url, socket_connect_timeout=2, socket_timeout=5)
            try:
                run = follow(services, sync_id, timeout, Console(stderr=True), worker_count(services, redis))
            finally:
                redis.close()
    for line in describe(app.settings, run, company.name):
        click.echo(line)
    if follow_it and run.status is SyncStatus.FAILED:
        raise click.exceptions.Exit(1)


def describe(settings, run: SyncRun, company_name: str) -> list[str]:
    """The lines of `syncs show`."""
    asked = f" ({run.requested_by})" if run.requested_by else ""
    lines = [f"sync {run.id} of {company_name} ({run.provider}): {run.status.value}",
             f"trigger:  {run.trigger.value}{asked}",
             f"mode:     {_mode(run)}",
             f"queued:   {run.created_at:%Y-%m-%d %H:%M:%S} UTC"]
    if run.started_at:
        lines.append(f"started:  {run.started_at:%Y-%m-%d %H:%M:%S} UTC")
    if run.finished_at:
        lines.append(f"finished: {run.finished_at:%Y-%m-%d %H:%M:%S} UTC (took {_took(run)})")
    if run.status is not SyncStatus.QUEUED or run.fetched:
        total = f" of {run.total}" if run.total is not None else ""
        lines.append(f"progress: {run.fetched}{total} employees fetched, {run.matched} matched")
    if run.counts:
        lines.append(f"changes:  {_changes(run.counts) or 'none'}")
    if run.error:
        lines.append(f"error:    {run.error}")
    if run.status is SyncStatus.FAILED:
        lines.append(f"to do:    {ADVICE.get(run.error_code or '', DEFAULT_ADVICE)}")
    if run.changeset_id is not None and any(run.counts.values()):
        signer = LinkSigner.for_settings(settings)
        lines.append(f"change set {run.changeset_id}: hrsync changes show {run.changeset_id}")
        lines.append(f"approve at {signer.url(run.changeset_id)}")
    return lines


def _mode(run: SyncRun, short: bool = False) -> str:
    """full / incremental, or targeted: the employees webhooks named."""
    if run.mode is not SyncMode.TARGETED:
        return run.mode.value
    if short:
        return f"targeted ({len(run.remote_ids)})" if run.remote_ids else "targeted"
    named = f", {len(run.remote_ids)} employees named" if run.remote_ids else ""
    return f"targeted (webhook){named}"


def _took(run: SyncRun) -> str:
    if run.started_at is None:
        return ""
    seconds = ((run.finished_at or dt.datetime.now(dt.timezone.utc)) - run.started_at).total_seconds()
    minutes, rest = divmod(max(0.0, seconds), 60)
    return f"{int(minutes)} min {rest:.0f} s" if minutes else f"{rest:.1f} s"


def _changes(counts: dict[str, int]) -> str:
    """Only the kinds that occur: `create 2 · leaver 1`."""
    return " · ".join(f"{kind} {count}" for kind, count in counts.items() if count)
