"""A sync job's life around the sync itself: claiming a targeted sync's ids, asking for the approvers' notice, and
settling the row when the job fails (the worker's jobs call these; RQ decides about retries)."""

from __future__ import annotations

import logging

from redis import Redis

from core import coalescing, queueing
from core.bootstrap import Services
from domain.changeset import ACTIONABLE_KINDS
from services.sync_progress import INTERNAL_ERROR, LiveProgress
from store.db import transaction
from store.enums import SyncMode, SyncStatus
from store.repositories import sync_runs

log = logging.getLogger(__name__)


def claim(services: Services, redis: Redis, sync_id: int) -> bool:
    """Targeted syncs take the ids gathered for them; False when there is nothing (more) to do."""
    with transaction(services.session_factory) as session:
        run = sync_runs.get_run(session, sync_id)
    if run.status is SyncStatus.SUCCEEDED:  # a retry after the change set was committed: done already
        log.info("sync %s already succeeded; nothing to repeat", sync_id)
        return False
    if run.mode is not SyncMode.TARGETED:
        return True
    namespace = services.settings.namespace
    if run.remote_ids:  # a retry: the ids are safe on the row
        coalescing.release_claim(redis, namespace, sync_id)
        return True
    ids = coalescing.claim_ids(redis, namespace, run.company_id, sync_id)
    with transaction(services.session_factory) as session:
        if ids:
            sync_runs.set_remote_ids(session, sync_id, ids)
        else:
            sync_runs.start_run(session, sync_id)
            sync_runs.succeed_run(session, sync_id, {})
    coalescing.release_claim(redis, namespace, sync_id)
    return bool(ids)


def live_progress(services: Services, redis: Redis, sync_id: int) -> LiveProgress:
    """Where the job reports its phase and count for people following the sync (services.sync_progress)."""
    with transaction(services.session_factory) as session:
        company_id = sync_runs.get_run(session, sync_id).company_id
    return LiveProgress(redis, services.settings.namespace, sync_id, company_id)


def notify_after(services: Services, redis: Redis, sync_id: int, changeset_id: int | None,
                 counts: dict[str, int]) -> None:
    """Queue the approvers' notice of a succeeded sync whose change set has something to apply."""
    if _worth_telling(changeset_id, counts):
        queueing.enqueue_notification(redis, services.settings.namespace, changeset_id, sync_id)


def done_already(services: Services, redis: Redis, sync_id: int) -> dict:
    """A retry of a committed sync repeats nothing but queueing the notification: the attempt that
    committed may have lost Redis right after, before it could queue it (once only: same job id)."""
    with transaction(services.session_factory) as session:
        run = sync_runs.get_run(session, sync_id)
    if _worth_telling(run.changeset_id, run.counts):
        queueing.enqueue_notification(redis, services.settings.namespace, run.changeset_id, sync_id, once=True)
    return {"sync_id": sync_id, "changeset_id": run.changeset_id, "counts": {}}


def settle(services: Services, sync_id: int, reason: str, will_retry: bool, code: str = INTERNAL_ERROR) -> None:
    """Leave the row queued (a retry follows) or failed with `code` (services.sync_progress.ADVICE); best effort,
    the database may be the problem."""
    try:
        with transaction(services.session_factory) as session:
            run = sync_runs.get_run(session, sync_id)
            if run.status is SyncStatus.RUNNING and will_retry:
                sync_runs.requeue_run(session, sync_id, f"{reason} (will retry)", code)
            elif run.status in (SyncStatus.QUEUED, SyncStatus.RUNNING) and not will_retry:
                sync_runs.fail_run(session, sync_id, reason, code)
    except Exception:  # reporting must not mask the job's own error
        log.exception("sync %s: could not record its state (%s)", sync_id, reason)


def _worth_telling(changeset_id: int | None, counts: dict[str, int]) -> bool:
    return changeset_id is not None and any(counts.get(kind, 0) for kind in ACTIONABLE_KINDS)
