"""RQ jobs (importable, ids in, JSON out): run a sync, notify approvers, and the sync's failure policy."""

from __future__ import annotations

import os

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import get_current_job
from rq.exceptions import AbandonedJobError
from rq.job import Job
from sqlalchemy.exc import OperationalError

from core import queueing
from providers import PROVIDERS, provider_class
from providers.errors import ProviderError, ProviderUnavailable
from services import notify, sync_lifecycle
from services.sync_progress import INTERRUPTED
from services.sync_run import execute_sync
from workers import runtime

# Worth another try later; anything else (credentials refused, a bug) fails the sync at once.
TRANSIENT = (ProviderUnavailable, OperationalError, RedisConnectionError, RedisTimeoutError, AbandonedJobError)


def run_sync(sync_id: int) -> dict:
    """Run one sync row: claim coalesced ids (targeted), fetch, match, store; then notify approvers."""
    context, job = runtime.current(), get_current_job()
    redis = job.connection if job is not None else context.redis
    if job is not None:
        job.meta["pid"] = os.getpid()  # which process runs it: operators (and tests) can find it
        job.save_meta()
    if not sync_lifecycle.claim(context.services, redis, sync_id):
        return sync_lifecycle.done_already(context.services, redis, sync_id)
    will_retry = bool(job is not None and job.retries_left)
    live = sync_lifecycle.live_progress(context.services, redis, sync_id)
    try:
        outcome = execute_sync(context.services, sync_id, will_retry=will_retry, live=live)
    except ProviderError:
        raise  # execute_sync recorded it on the row
    except TRANSIENT as error:
        sync_lifecycle.settle(context.services, sync_id, f"interrupted ({type(error).__name__})", will_retry,
                              INTERRUPTED)
        raise
    except Exception as error:
        reason = f"internal error ({type(error).__name__}); see the worker log"
        sync_lifecycle.settle(context.services, sync_id, reason, False)
        raise
    sync_lifecycle.notify_after(context.services, redis, sync_id, outcome.changeset_id, outcome.counts)
    return {"sync_id": sync_id, "changeset_id": outcome.changeset_id, "counts": outcome.counts}


def notify_approvers(changeset_id: int, sync_id: int) -> str:
    """Send the approve link of a change set to the company's approvers."""
    context = runtime.current()
    return notify.notify_approvers(context.services, context.link_signer(), changeset_id, sync_id)


def preload() -> None:
    """Import what jobs use once in the worker, so that each forked work horse starts warm."""
    for name in PROVIDERS:
        provider_class(name)


def on_sync_failure(job: Job, connection, exc_type, exc_value, traceback) -> None:
    """RQ failure callback: only transient errors keep their retries; the row follows RQ's decision."""
    if not isinstance(exc_value, TRANSIENT):
        job.retries_left = 0
    if isinstance(exc_value, AbandonedJobError) and not job.retries_left:
        sync_lifecycle.settle(runtime.current().services, int(job.args[0]),
                              "the worker running it died; no retries left", False, INTERRUPTED)


def on_work_horse_killed(job: Job, retpid: int, ret_val: int, rusage) -> None:
    """Worker hook: a work horse killed (OOM, SIGKILL) is retried by RQ while retries are left."""
    if job.func_name == queueing.RUN_SYNC and not job.retries_left:
        sync_lifecycle.settle(runtime.current().services, int(job.args[0]),
                              "the worker running it was killed; no retries left", False, INTERRUPTED)
