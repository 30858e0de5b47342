"""Upgrading to per-installation names: adopting what an older hrsync left under the names all installations shared.

Before HRSYNC_NAMESPACE every installation used the queues `sync` and `default`, job ids `sync-<n>`, rate-limit
keys `company-<id>` and keys `hrsync:ids:<company>`, …; an upgraded worker listens only to its namespaced queues,
so those jobs would wait forever. `hrsync worker` adopts, when it starts, what is provably this installation's:

- a sync job `sync-<n>` still waiting (queued, scheduled or held by its company's slot) whose sync row in this
  database is queued *for the same company* (company ids are random: another installation's job never matches).
  It is taken out of the shared queue (only one taker wins that), then queued anew under the namespace;
- the webhook state of this database's companies: gathered employee ids, a sync's claim, and an accepted burst
  still waiting for its sync to be created (created and scheduled at once).

Not carried over: notification jobs (they name ids alone, which another installation may share; the change set
stays pending and listed), dedupe marks (a redelivered webhook costs one more sync) and password-try counters.
"""

from __future__ import annotations

import logging
import re
import time

from redis import Redis
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.serializers import JSONSerializer

from core import coalescing, queueing
from core.bootstrap import Services
from core.namespace import key
from services import intake
from store.db import transaction
from store.enums import SyncStatus
from store.errors import NotFound
from store.repositories import integrations, sync_runs

log = logging.getLogger(__name__)

QUEUE, RATE_LIMIT_KEYS = "sync", "rq:rl-keys"
_SYNC_JOB = re.compile(r"sync-([0-9]{1,18})")
LOCK_SECONDS = 300


def adopt(services: Services, redis: Redis) -> list[int]:
    """Adopt this installation's legacy sync jobs and webhook state; returns the sync ids queued anew.

    Never raises: a worker must start even while the database is away (the next worker start tries again).
    """
    try:
        return _adopt(services, redis)
    except Exception as error:
        log.warning("could not look for jobs queued before HRSYNC_NAMESPACE (%s); the next worker start tries "
                    "again", type(error).__name__)
        return []


def _adopt(services: Services, redis: Redis) -> list[int]:
    namespace = services.settings.namespace
    lock = key(namespace, "adopting")
    if not redis.set(lock, "1", nx=True, ex=LOCK_SECONDS):
        return []  # another worker of this installation is at it
    try:
        with transaction(services.session_factory) as session:
            company_ids = [company_id for company_id, _provider in integrations.companies_with_integration(session)]
        waiting = _adopt_webhook_state(redis, namespace, company_ids)
        adopted = [sync_id for sync_id in (_adopt_job(services, redis, job_id) for job_id in _legacy_jobs(redis))
                   if sync_id is not None]
        if waiting:
            intake.sweep(services, redis, debounce=services.settings.sync_debounce_seconds, grace=0)
    finally:
        redis.delete(lock)
    if adopted or waiting:
        log.warning("adopted from before HRSYNC_NAMESPACE: syncs %s queued anew, webhook state of %d companies",
                    adopted, waiting)
    return adopted


def _legacy_jobs(redis: Redis) -> list[str]:
    """The sync jobs waiting under the shared names: in the queue, the scheduled registry, or a company's
    rate-limit waiting room."""
    shared = Queue(QUEUE, connection=redis, serializer=JSONSerializer)
    found = shared.get_job_ids() + [_text(job_id) for job_id in redis.zrange(shared.scheduled_job_registry.key, 0, -1)]
    for limit in sorted(_text(name) for name in redis.smembers(RATE_LIMIT_KEYS)):
        if limit.startswith("company-"):
            found += [_text(job_id) for job_id in redis.zrange(f"rq:rl:{limit}:rate_limited", 0, -1)]
    return [job_id for job_id in dict.fromkeys(found) if _SYNC_JOB.fullmatch(job_id)]


def _adopt_job(services: Services, redis: Redis, job_id: str) -> int | None:
    sync_id = int(_SYNC_JOB.fullmatch(job_id)[1])
    try:
        job = Job.fetch(job_id, connection=redis, serializer=JSONSerializer)
        with transaction(services.session_factory) as session:
            run = sync_runs.get_run(session, sync_id)
    except (NoSuchJobError, NotFound):
        return None
    if (job.func_name != queueing.RUN_SYNC or list(job.args) != [sync_id] or run.status is not SyncStatus.QUEUED
            or job.rate_limit_key != f"company-{run.company_id}"):
        return None  # another installation's, or nothing left to run
    if not _take(redis, job):
        return None  # an old worker (or another adopter) took it meanwhile
    namespace = services.settings.namespace
    legacy_claim = f"hrsync:claim:{sync_id}"
    if redis.exists(legacy_claim):
        redis.sunionstore(coalescing.claim_key(namespace, sync_id), [coalescing.claim_key(namespace, sync_id),
                                                                     legacy_claim])
        redis.delete(legacy_claim)
    job.delete()  # frees its company slot: the company's next legacy job moves to the queue, adopted in turn
    queueing.enqueue_sync(redis, namespace, sync_id, run.company_id)
    return sync_id


def _take(redis: Redis, job: Job) -> bool:
    """Take the job out of wherever it waits now (one removal succeeds for one taker only)."""
    shared = Queue(QUEUE, connection=redis, serializer=JSONSerializer)
    return bool(redis.lrem(shared.key, 0, job.id) or redis.zrem(shared.scheduled_job_registry.key, job.id)
                or redis.zrem(f"rq:rl:{job.rate_limit_key}:rate_limited", job.id))


def _adopt_webhook_state(redis: Redis, namespace: str, company_ids: list[str]) -> int:
    """Move the companies' gathered ids and pending state under the namespace; returns how many had any."""
    with redis.pipeline(transaction=False) as pipe:  # one round trip to see which companies left anything
        for company_id in company_ids:
            pipe.exists(f"hrsync:ids:{company_id}").get(f"hrsync:pending:{company_id}")
            pipe.zscore("hrsync:unscheduled", company_id)
        found = pipe.execute()
    moved = 0
    for company_id, has_ids, flag, due in zip(company_ids, found[0::3], found[1::3], found[2::3]):
        if not has_ids and flag is None and due is None:
            continue
        ids, pending = f"hrsync:ids:{company_id}", f"hrsync:pending:{company_id}"
        with redis.pipeline(transaction=True) as pipe:
            if has_ids:
                pipe.sunionstore(coalescing.ids_key(namespace, company_id),
                                 [coalescing.ids_key(namespace, company_id), ids])
            # A pending sync id needs no flag here: its job is adopted with the jobs and claims the ids moved
            # above (a delivery meanwhile schedules one more sync, which finds nothing left to fetch).
            if due is not None or flag == coalescing.NEW.encode():
                pipe.set(coalescing.pending_key(namespace, company_id), coalescing.NEW, ex=coalescing.PENDING_TTL,
                         nx=True)
                pipe.zadd(coalescing.unscheduled_key(namespace), {company_id: due or time.time()}, nx=True)
            pipe.delete(ids, pending)
            pipe.zrem("hrsync:unscheduled", company_id)
            pipe.execute()
        moved += 1
    return moved


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
