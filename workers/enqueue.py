"""Asking for syncs: the row is committed first, then the job is queued (the DB row is the truth).

Used by the web app (webhooks, cron, API) and the CLI. Redis errors become QueueUnavailable and
leave the row failed with the reason, so nothing waits for a job that was never queued.
"""

from __future__ import annotations

import logging

from redis import Redis
from redis.exceptions import RedisError
from rq import Retry

from providers.base import ChangeNotice
from store.db import transaction
from store.enums import SyncMode
from store.repositories import companies, integrations, sync_runs
from workers import coalescing, queueing
from workers.bootstrap import Services
from workers.coalescing import Intake, LazyRun
from workers.errors import NotConfigured, QueueUnavailable

log = logging.getLogger(__name__)

UNQUEUED = "could not be queued: Redis did not answer"


def request_sync(services: Services, redis: Redis, company_id: str, mode: SyncMode | str = SyncMode.FULL,
                 *, retry: Retry | None = None) -> int:
    """Create a sync row for the company's integration and queue it; returns the sync id.

    Raises store NotFound (no such company), NotConfigured (no integration) or QueueUnavailable.
    """
    with transaction(services.session_factory) as session:
        companies.get_company(session, company_id)
        integration = integrations.get_integration(session, company_id)
        if integration is None:
            raise NotConfigured(f"company {company_id} has no HR integration")
        sync_id = sync_runs.create_run(session, company_id, integration.provider, SyncMode(mode)).id
    try:
        queueing.enqueue_sync(redis, sync_id, company_id, retry)
    except RedisError as error:
        _fail(services, sync_id, UNQUEUED)
        raise QueueUnavailable("the job queue (Redis) did not answer; try again shortly") from error
    log.info("sync %s (%s) of company %s queued", sync_id, SyncMode(mode).value, company_id)
    return sync_id


def accept_notice(services: Services, redis: Redis, company_id: str, provider: str, notice: ChangeNotice,
                  *, debounce: float, retry: Retry | None = None) -> tuple[Intake | None, int | None]:
    """Record an authenticated webhook: dedupe, coalesce its ids, schedule the company's targeted sync.

    Returns (None, None) for a notice naming nobody (nothing to fetch). Raises QueueUnavailable.
    """
    if not notice.remote_ids:
        log.info("webhook %s for company %s names no employee: ignored", notice.event, company_id)
        return None, None

    def create() -> int:
        with transaction(services.session_factory) as session:
            return sync_runs.create_run(session, company_id, provider, SyncMode.TARGETED).id

    def schedule(pipe, sync_id: int) -> None:
        queueing.schedule_sync(redis, sync_id, company_id, debounce, pipe, retry)

    run = LazyRun(create)
    try:
        intake, sync_id = coalescing.record_delivery(redis, company_id, notice.delivery_id, notice.remote_ids,
                                                     run, schedule)
    except RedisError as error:
        if run.sync_id is not None:
            _fail(services, run.sync_id, UNQUEUED)
        raise QueueUnavailable("the job queue (Redis) did not answer; try again shortly") from error
    if run.sync_id is not None and run.sync_id != sync_id:
        # Lost a race with a concurrent delivery (our MULTI never ran): its pending sync fetches our ids.
        with transaction(services.session_factory) as session:
            sync_runs.discard_run(session, run.sync_id)
    return intake, sync_id


def _fail(services: Services, sync_id: int, reason: str) -> None:
    with transaction(services.session_factory) as session:
        sync_runs.fail_run(session, sync_id, reason)
