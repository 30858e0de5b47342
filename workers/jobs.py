"""RQ jobs (importable, ids in, JSON out): run a sync, notify approvers, and the sync's failure policy."""

from __future__ import annotations

import logging
import os

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import get_current_job
from rq.exceptions import AbandonedJobError
from rq.job import Job
from sqlalchemy.exc import OperationalError

from core import coalescing, queueing
from domain.changeset import ACTIONABLE_KINDS
from providers import PROVIDERS, provider_class
from providers.errors import ProviderError, ProviderUnavailable
from services import notify
from services.sync_run import execute_sync
from store.db import transaction
from store.enums import ChangeSetStatus, SyncMode, SyncStatus
from store.repositories import approvers, changeset_reads, companies, sync_runs
from workers import runtime

log = logging.getLogger(__name__)

# Worth another try later; anything else (credentials refused, a bug) fails the sync at once.
TRANSIENT = (ProviderUnavailable, OperationalError, RedisConnectionError, RedisTimeoutError, AbandonedJobError)


def run_sync(sync_id: int) -> dict:
    """Run one sync row: claim coalesced ids (targeted), fetch, match, store; then notify approvers."""
    context, job = runtime.current(), get_current_job()
    redis = job.connection if job is not None else context.redis
    if job is not None:
        job.meta["pid"] = os.getpid()  # which process runs it: operators (and tests) can find it
        job.save_meta()
    if not _claim(context, redis, sync_id):
        return _done_already(context, redis, sync_id)
    will_retry = bool(job is not None and job.retries_left)
    try:
        outcome = execute_sync(context.services, sync_id, will_retry=will_retry)
    except ProviderError:
        raise  # execute_sync recorded it on the row
    except TRANSIENT as error:
        _settle(context, sync_id, f"interrupted ({type(error).__name__})", will_retry)
        raise
    except Exception as error:
        _settle(context, sync_id, f"internal error ({type(error).__name__}); see the worker log", False)
        raise
    if _worth_telling(outcome.changeset_id, outcome.counts):
        queueing.enqueue_notification(redis, context.settings.namespace, outcome.changeset_id, sync_id)
    return {"sync_id": sync_id, "changeset_id": outcome.changeset_id, "counts": outcome.counts}


def notify_approvers(changeset_id: int, sync_id: int) -> str:
    """Send the approve link of a change set to the company's approvers."""
    context = runtime.current()
    with transaction(context.services.session_factory) as session:
        run = sync_runs.get_run(session, sync_id)
        company = companies.get_company(session, run.company_id)
        recipients = tuple(approvers.approver_emails(session, run.company_id))
        changeset = changeset_reads.load_changeset(session, changeset_id, run.company_id, with_items=False)
        counts = changeset_reads.counts(session, changeset_id)
    if changeset.status is not ChangeSetStatus.PENDING:
        log.info("change set %s is %s: no notification", changeset_id, changeset.status.value)
        return changeset.status.value
    if not recipients:
        log.warning("change set %s: company %s has no approver to notify", changeset_id, run.company_id)
        return "nobody"
    settings = context.settings
    notice = notify.ApprovalNotice(
        company_name=company.name, provider_label=provider_class(run.provider).label, changeset_id=changeset_id,
        approve_url=context.link_signer().url(changeset_id),
        counts={kind: count for kind, count in counts.items() if kind in ACTIONABLE_KINDS},
        recipients=recipients, expires_in_days=max(1, settings.approve_link_max_age // 86400))
    return notify.send(settings, notice)


def preload() -> None:
    """Import what jobs use once in the worker, so that each forked work horse starts warm."""
    for name in PROVIDERS:
        provider_class(name)


def on_sync_failure(job: Job, connection, exc_type, exc_value, traceback) -> None:
    """RQ failure callback: only transient errors keep their retries; the row follows RQ's decision."""
    if not isinstance(exc_value, TRANSIENT):
        job.retries_left = 0
    if isinstance(exc_value, AbandonedJobError) and not job.retries_left:
        _settle(runtime.current(), int(job.args[0]), "the worker running it died; no retries left", False)


def on_work_horse_killed(job: Job, retpid: int, ret_val: int, rusage) -> None:
    """Worker hook: a work horse killed (OOM, SIGKILL) is retried by RQ while retries are left."""
    if job.func_name == queueing.RUN_SYNC and not job.retries_left:
        _settle(runtime.current(), int(job.args[0]), "the worker running it was killed; no retries left", False)


def _claim(context: runtime.JobRuntime, redis, sync_id: int) -> bool:
    """Targeted syncs take the ids gathered for them; False when there is nothing (more) to do."""
    with transaction(context.services.session_factory) as session:
        run = sync_runs.get_run(session, sync_id)
    if run.status is SyncStatus.SUCCEEDED:  # a retry after the change set was committed: done already
        log.info("sync %s already succeeded; nothing to repeat", sync_id)
        return False
    if run.mode is not SyncMode.TARGETED:
        return True
    namespace = context.settings.namespace
    if run.remote_ids:  # a retry: the ids are safe on the row
        coalescing.release_claim(redis, namespace, sync_id)
        return True
    ids = coalescing.claim_ids(redis, namespace, run.company_id, sync_id)
    with transaction(context.services.session_factory) as session:
        if ids:
            sync_runs.set_remote_ids(session, sync_id, ids)
        else:
            sync_runs.start_run(session, sync_id)
            sync_runs.succeed_run(session, sync_id, {})
    coalescing.release_claim(redis, namespace, sync_id)
    return bool(ids)


def _done_already(context: runtime.JobRuntime, redis, sync_id: int) -> dict:
    """A retry of a committed sync repeats nothing but queueing the notification: the attempt that
    committed may have lost Redis right after, before it could queue it (once only: same job id)."""
    with transaction(context.services.session_factory) as session:
        run = sync_runs.get_run(session, sync_id)
    if _worth_telling(run.changeset_id, run.counts):
        queueing.enqueue_notification(redis, context.settings.namespace, run.changeset_id, sync_id, once=True)
    return {"sync_id": sync_id, "changeset_id": run.changeset_id, "counts": {}}


def _worth_telling(changeset_id: int | None, counts: dict[str, int]) -> bool:
    return changeset_id is not None and any(counts.get(kind, 0) for kind in ACTIONABLE_KINDS)


def _settle(context: runtime.JobRuntime, sync_id: int, reason: str, will_retry: bool) -> None:
    """Leave the row queued (a retry follows) or failed; best effort, the database may be the problem."""
    try:
        with transaction(context.services.session_factory) as session:
            run = sync_runs.get_run(session, sync_id)
            if run.status is SyncStatus.RUNNING and will_retry:
                sync_runs.requeue_run(session, sync_id, f"{reason} (will retry)")
            elif run.status in (SyncStatus.QUEUED, SyncStatus.RUNNING) and not will_retry:
                sync_runs.fail_run(session, sync_id, reason)
    except Exception:  # reporting must not mask the job's own error
        log.exception("sync %s: could not record its state (%s)", sync_id, reason)
