"""Asking for syncs and reading them. The row is committed first, then the job is queued (the DB row is the truth).

Used by the web app (cron, API, the approve page) and the CLI; webhooks go through services.intake. A company
has at most one sync queued this way: asking while one waits answers that one (widened to a full sync when
full is asked and an incremental one waits). Redis errors become QueueUnavailable and leave the row failed with
the reason, so nothing waits for a job never queued.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from redis import Redis
from redis.exceptions import LockError, RedisError
from rq import Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.serializers import JSONSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import queueing
from core.bootstrap import Services
from core.errors import NotConfigured, QueueUnavailable, RequestInProgress, UnknownCompany
from store.db import transaction
from services import sync_progress
from services.sync_progress import SyncProgress, field_notes
from store.enums import SyncMode, SyncStatus, SyncTrigger
from store.errors import NotFound
from store.models import SyncRunRow, utcnow
from store.repositories import companies, integrations, sync_runs
from store.repositories.companies import Company
from store.repositories.sync_runs import SyncRun, SyncRunPage

__all__ = ["ASKED_MODES", "QueuedSync", "SyncDetail", "SyncProgress", "SyncRun", "SyncRunPage", "SyncTrigger",
           "active_syncs", "field_notes", "forget_jobs", "get_sync", "list_syncs", "progress", "progress_of", "queue_sync",
           "recent_syncs", "request_sync", "resync", "sync_detail", "sync_now", "worker_missing", "workers_running"]

log = logging.getLogger(__name__)

UNQUEUED = "could not be queued: Redis did not answer"
LOST = "its job was lost from the queue (Redis lost its data); a newer sync replaces it"
CRON_ACTOR = "cron"
# The webhook intake keeps its own single pending (targeted) sync per company; these are the asked-for kinds.
ASKED_MODES = (SyncMode.FULL, SyncMode.INCREMENTAL)
# Checking for a waiting sync and queueing a new one happen under one per-company lock in Redis, so two
# requests at once (two web processes, cron and a person) cannot both find nothing waiting. Held for
# milliseconds; it expires by itself should its process die.
LOCK_SECONDS = 30
LOCK_WAIT_SECONDS = 10


@dataclass(frozen=True, slots=True)
class SyncDetail:
    """A sync with the company it belongs to."""

    run: SyncRun
    company: Company


@dataclass(frozen=True, slots=True)
class QueuedSync:
    """The company's queued sync; `already_queued`: it was waiting before this request."""

    id: int
    already_queued: bool = False
    # It was running already (only sync_now leads to a running sync rather than queueing another).
    already_running: bool = False


def request_sync(services: Services, redis: Redis, company_id: str, mode: SyncMode | str = SyncMode.FULL,
                 *, retry: Retry | None = None) -> int:
    """The id of the company's queued sync (see queue_sync)."""
    return queue_sync(services, redis, company_id, mode, retry=retry).id


def queue_sync(services: Services, redis: Redis, company_id: str, mode: SyncMode | str = SyncMode.FULL,
               *, retry: Retry | None = None, trigger: SyncTrigger = SyncTrigger.MANUAL,
               requested_by: str | None = None) -> QueuedSync:
    """The company's sync waiting in the queue, or a new one (row committed, then job queued).

    A new one records `trigger` (a person — console, CLI or API — or cron) and who asked (`requested_by`: an
    e-mail, an API token's prefix; never a secret); one already waiting keeps its own. A running sync does not
    count: what changed since it started needs the new one. Raises UnknownCompany, NotConfigured (no
    integration) or QueueUnavailable.
    """
    mode = SyncMode(mode)
    with transaction(services.session_factory) as session:
        _provider(session, company_id)  # refused before anything is locked or queued
    try:
        lock = redis.lock(queueing.request_lock_key(services.settings.namespace, company_id), timeout=LOCK_SECONDS,
                          blocking_timeout=LOCK_WAIT_SECONDS)
        acquired = lock.acquire()
    except RedisError as error:
        raise QueueUnavailable() from error
    if not acquired:
        raise RequestInProgress()
    try:
        return _waiting(services, redis, company_id, mode) or _queue_new(services, redis, company_id, mode, retry,
                                                                         trigger, requested_by)
    finally:
        try:
            lock.release()
        except (LockError, RedisError):
            pass  # expired or unreachable: it lapses by itself


def _waiting(services: Services, redis: Redis, company_id: str, mode: SyncMode) -> QueuedSync | None:
    """The asked-for sync of the company still waiting for a worker, widened to `mode` if need be."""
    with transaction(services.session_factory) as session:
        queued = [run.id for run in sync_runs.active_runs(session, company_id)
                  if run.status is SyncStatus.QUEUED and run.mode in ASKED_MODES]
    try:
        alive = [sync_id for sync_id in queued
                 if queueing.sync_job_waiting(redis, services.settings.namespace, sync_id)]
    except RedisError as error:
        raise QueueUnavailable() from error
    with transaction(services.session_factory) as session:
        for sync_id in set(queued) - set(alive):
            # Nothing would ever run it; under the lock no request is between committing a row and queueing it.
            sync_runs.fail_run(session, sync_id, LOST, sync_progress.JOB_LOST)
        for sync_id in alive:
            if sync_runs.widen_run(session, sync_id, mode):
                log.info("sync %s of company %s was queued already: asked again (%s)", sync_id, company_id,
                         mode.value)
                return QueuedSync(sync_id, already_queued=True)
    return None


def _queue_new(services: Services, redis: Redis, company_id: str, mode: SyncMode, retry: Retry | None,
               trigger: SyncTrigger, requested_by: str | None) -> QueuedSync:
    with transaction(services.session_factory) as session:
        provider = _provider(session, company_id)
        sync_id = sync_runs.create_run(session, company_id, provider, mode, trigger=trigger,
                                       requested_by=requested_by).id
    try:
        queueing.enqueue_sync(redis, services.settings.namespace, sync_id, company_id, retry)
    except RedisError as error:
        _fail(services, sync_id, UNQUEUED)
        raise QueueUnavailable() from error
    log.info("sync %s (%s) of company %s queued", sync_id, mode.value, company_id)
    return QueuedSync(sync_id)


def _provider(session: Session, company_id: str) -> str:
    """The company's HR provider; raises UnknownCompany or NotConfigured."""
    try:
        company = companies.get_company(session, company_id)
    except NotFound:
        raise UnknownCompany() from None
    integration = integrations.get_integration(session, company_id)
    if integration is None:
        raise NotConfigured(f"{company.name} has no HR integration yet")
    return integration.provider


def _fail(services: Services, sync_id: int, reason: str) -> None:
    with transaction(services.session_factory) as session:
        sync_runs.fail_run(session, sync_id, reason, QueueUnavailable.code)


def sync_now(services: Services, redis: Redis, company_id: str, *, requested_by: str) -> QueuedSync:
    """A person's "Sync now": the company's full sync already running, else its queued one, else a new one.

    A person pressing the button while a full sync reads everyone wants that sync's result, not a second one
    behind it (unlike cron or the API, which ask for what changed since). Raises as queue_sync does.
    """
    with transaction(services.session_factory) as session:
        running = [run.id for run in sync_runs.active_runs(session, company_id)
                   if run.status is SyncStatus.RUNNING and run.mode is SyncMode.FULL]
    if running:
        return QueuedSync(running[0], already_queued=True, already_running=True)
    return queue_sync(services, redis, company_id, SyncMode.FULL, trigger=SyncTrigger.MANUAL,
                      requested_by=requested_by)


def resync(services: Services, redis: Redis, company_id: str | None, mode: SyncMode | str) -> list[QueuedSync]:
    """Cron: the queued sync of the company named, or of every company with an integration (see queue_sync)."""
    if company_id is None:
        with transaction(services.session_factory) as session:
            company_ids = [company for company, _provider in integrations.companies_with_integration(session)]
    else:
        company_ids = [company_id]
    return [queue_sync(services, redis, company, mode, trigger=SyncTrigger.CRON, requested_by=CRON_ACTOR)
            for company in company_ids]


def get_sync(services: Services, sync_id: int, company_id: str | None = None) -> SyncRun:
    """One sync (only the company's when `company_id` is given); raises NotFound."""
    with transaction(services.session_factory) as session:
        return sync_runs.get_run(session, sync_id, company_id)


def sync_detail(services: Services, sync_id: int) -> SyncDetail:
    with transaction(services.session_factory) as session:
        run = sync_runs.get_run(session, sync_id)
        return SyncDetail(run, companies.get_company(session, run.company_id))


def recent_syncs(services: Services, company_id: str, limit: int, status: SyncStatus | None = None,
                 trigger: SyncTrigger | None = None) -> list[SyncRun]:
    """The company's syncs, newest first (optionally by status and trigger)."""
    with transaction(services.session_factory) as session:
        return sync_runs.recent_runs(session, company_id, limit, status, trigger)


def list_syncs(services: Services, company_id: str, *, cursor: str | None = None, limit: int = 50,
               status: SyncStatus | None = None, trigger: SyncTrigger | None = None) -> SyncRunPage:
    """One page of the company's syncs, newest first (`next`: the cursor of older ones), by status and trigger."""
    with transaction(services.session_factory) as session:
        return sync_runs.list_page(session, company_id, cursor=cursor, limit=limit, status=status, trigger=trigger)


def progress(services: Services, redis: Redis, company_id: str, sync_id: int) -> SyncProgress:
    """How far the company's sync is, cheap enough to poll every second: one Redis read while it runs (the
    worker's live phase and count), the sync row otherwise. Another company's sync is NotFound."""
    try:
        raw = redis.hgetall(sync_progress.progress_key(services.settings.namespace, sync_id))
    except RedisError:
        raw = {}  # the row still tells the status and the last counts written
    live = sync_progress.live_from(raw, company_id, sync_id, time.time()) if raw else None
    if live is not None:
        return live
    return sync_progress.from_row(get_sync(services, sync_id, company_id), utcnow())


def progress_of(services: Services, redis: Redis, runs: list[SyncRun]) -> dict[int, SyncProgress]:
    """The progress of each of these syncs (of one page): the running ones' live hashes in one round trip."""
    running = [run for run in runs if run.status is SyncStatus.RUNNING]
    raws: list[dict] = [{} for _ in running]
    if running:
        try:
            pipe = redis.pipeline(transaction=False)
            for run in running:
                pipe.hgetall(sync_progress.progress_key(services.settings.namespace, run.id))
            raws = pipe.execute()
        except RedisError:
            pass
    now, found = time.time(), {}
    for run, raw in zip(running, raws):
        live = sync_progress.live_from(raw, run.company_id, run.id, now) if raw else None
        if live is not None:
            found[run.id] = live
    at = utcnow()
    return {run.id: found.get(run.id) or sync_progress.from_row(run, at) for run in runs}


def active_syncs(services: Services, company_ids: list[str]) -> list[SyncRun]:
    """The queued or running syncs of these companies."""
    with transaction(services.session_factory) as session:
        return [run for company_id in company_ids for run in sync_runs.active_runs(session, company_id)]


def workers_running(services: Services, redis: Redis) -> int:
    """How many workers of this installation are registered (see core.queueing.workers_running)."""
    return queueing.workers_running(redis, services.settings.namespace)


def worker_missing(services: Services, redis: Redis) -> bool:
    """True when Redis answers and no worker is registered: queued syncs wait until one starts. False when
    Redis does not answer (nothing is known; the sync's own row tells what happens)."""
    try:
        return workers_running(services, redis) == 0
    except RedisError:
        return False


def forget_jobs(services: Services, redis: Redis) -> None:
    """Drop the jobs of this database's syncs from Redis: a throwaway database (the demo's, wiped each run) must not
    meet its predecessor's jobs under the same ids."""
    with transaction(services.session_factory) as session:
        sync_ids = list(session.scalars(select(SyncRunRow.id)))
    namespace = services.settings.namespace
    for sync_id in sync_ids:
        for job_id in (queueing.sync_job_id(namespace, sync_id), queueing.notify_job_id(namespace, sync_id)):
            try:
                Job.fetch(job_id, connection=redis, serializer=JSONSerializer).delete()
            except NoSuchJobError:
                pass
