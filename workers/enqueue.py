"""Asking for syncs: the row is committed first, then the job is queued (the DB row is the truth).

Used by the web app (cron, API) and the CLI; webhooks go through workers.intake. Redis errors become
QueueUnavailable and leave the row failed with the reason, so nothing waits for a job never queued.
"""

from __future__ import annotations

import logging

from redis import Redis
from redis.exceptions import RedisError
from rq import Retry

from store.db import transaction
from store.enums import SyncMode
from store.repositories import companies, integrations, sync_runs
from workers import queueing
from workers.bootstrap import Services
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
        queueing.enqueue_sync(redis, services.settings.namespace, sync_id, company_id, retry)
    except RedisError as error:
        _fail(services, sync_id, UNQUEUED)
        raise QueueUnavailable("the job queue (Redis) did not answer; try again shortly") from error
    log.info("sync %s (%s) of company %s queued", sync_id, SyncMode(mode).value, company_id)
    return sync_id


def _fail(services: Services, sync_id: int, reason: str) -> None:
    with transaction(services.session_factory) as session:
        sync_runs.fail_run(session, sync_id, reason)
