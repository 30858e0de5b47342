"""`hrsync sync COMPANY`: queue a sync for the workers and, with --wait, follow it to its change set."""

from __future__ import annotations

import time
from typing import Callable

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from core.bootstrap import Services
from core.links import LinkSigner
from hrsync.cli.admin_support import opened_services, resolve_company
from hrsync.cli.errors import UserError, user_errors
from hrsync.render import counts_line
from services import syncs
from services.syncs import SyncRun
from store.enums import SyncStatus

POLL_SECONDS = 0.5
# While a followed sync waits in the queue, how often to check that a worker of this installation still runs.
WORKER_CHECK_SECONDS = 5.0
INTERRUPTED = 130  # the shell's exit status for Ctrl-C
CLI_ACTOR = "command line"  # who asked, as the sync history shows it

# How many workers of this installation are registered (None: not checked).
WorkerCount = Callable[[], int]


@click.command()
@click.argument("company")
@click.option("--full", is_flag=True, help="Fetch every employee (default: those changed since the last sync).")
@click.option("--wait", is_flag=True, help="Follow the sync with a progress bar until it ends (Ctrl-C stops "
                                           "following; the sync goes on).")
@click.option("--timeout", default=900, show_default=True, type=click.IntRange(1, 86_400),
              help="With --wait: give up waiting after this many seconds (the sync goes on).")
@click.pass_obj
@user_errors
def sync(app, company: str, full: bool, wait: bool, timeout: int) -> None:
    """Queue a sync of COMPANY; a worker (`hrsync worker`) runs it and records a change set to approve.

    A sync of COMPANY already waiting for a worker is the one followed (made full with --full): a company
    has at most one queued sync. With --wait and no worker running, it says so at once (the sync stays queued
    until one starts).

    Example: hrsync sync "Acme GmbH" --full --wait
    """
    from redis import Redis

    mode = "full" if full else "incremental"
    with opened_services(app) as services:
        target = resolve_company(services, company)
        redis = Redis.from_url(app.settings.redis_url, socket_connect_timeout=2, socket_timeout=5)
        try:
            queued = syncs.queue_sync(services, redis, target.id, mode, requested_by=CLI_ACTOR)
            sync_id = queued.id
            if queued.already_queued:
                click.echo(f"sync {sync_id} of {target.name} was already queued: no second one queued")
            else:
                click.echo(f"sync {sync_id} ({mode}) of {target.name} queued")
            if not wait:
                click.echo(f"follow it with `hrsync syncs show {sync_id} --follow` (or GET /api/v1/syncs/{sync_id})")
                return
            run = follow(services, sync_id, timeout, Console(stderr=True), worker_count(services, redis))
        finally:
            redis.close()
    report(app.settings, run)


def worker_count(services: Services, redis) -> WorkerCount:
    return lambda: syncs.workers_running(services, redis)


def follow(services: Services, sync_id: int, timeout: float, console: Console,
           workers: WorkerCount | None = None) -> SyncRun:
    """Poll the sync row until it succeeds or fails, drawing a bar (a total once the HR system tells it).

    While it is queued and `workers` counts none, one line at once instead of waiting. Ctrl-C stops following
    (the sync goes on) with a line saying so and exit status 130.
    """
    run = None
    try:
        with Progress(*_COLUMNS, console=console, transient=True) as bar:
            task = bar.add_task("queued: waiting for a worker (hrsync worker)", total=None)
            deadline, next_check = time.monotonic() + timeout, time.monotonic()
            while True:
                run = syncs.get_sync(services, sync_id)
                if run.status in (SyncStatus.SUCCEEDED, SyncStatus.FAILED):
                    return run
                if run.status is SyncStatus.RUNNING:
                    bar.update(task, description="fetching", completed=run.fetched, total=run.total)
                elif workers is not None and time.monotonic() >= next_check:
                    if not workers():
                        raise UserError(no_worker(services, sync_id))
                    next_check = time.monotonic() + WORKER_CHECK_SECONDS
                if time.monotonic() > deadline:
                    raise UserError(f"sync {sync_id} is still {run.status.value} after {timeout:g} s "
                                    "(is a worker running? `hrsync worker`); it goes on without us")
                time.sleep(POLL_SECONDS)
    except KeyboardInterrupt:
        state = "stays queued until a worker takes it" if run is None or run.status is SyncStatus.QUEUED \
            else "goes on running"
        click.echo(f"stopped following: sync {sync_id} {state} (follow it again with "
                   f"`hrsync syncs show {sync_id} --follow`)", err=True)
        raise click.exceptions.Exit(INTERRUPTED) from None


_COLUMNS = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())


def no_worker(services: Services, sync_id: int) -> str:
    return (f"no worker of this installation is running (namespace {services.settings.namespace}): sync "
            f"{sync_id} stays queued until one starts (`hrsync worker`, with the same DATABASE_URL or "
            "HRSYNC_NAMESPACE)")


def report(settings, run: SyncRun) -> None:
    if run.status is SyncStatus.FAILED:
        raise UserError(f"sync {run.id} failed: {run.error}")
    click.echo(f"sync {run.id} succeeded: {run.fetched} employees; {counts_line(run.counts)}")
    if run.changeset_id is None or not any(run.counts.values()):
        click.echo("nothing to approve: the registry is in step with the HR system")
        return
    signer = LinkSigner.for_settings(settings)
    click.echo(f"change set {run.changeset_id}: hrsync changes show {run.changeset_id}")
    click.echo(f"approve at {signer.url(run.changeset_id)}")
