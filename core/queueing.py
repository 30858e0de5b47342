"""Queue wiring: the RQ queues and how a sync job is built (retry ladder, one per company).

Queue names, job ids and rate-limit keys carry the installation's namespace (core.namespace). The job functions
themselves live in the worker entrypoint (`workers.jobs`): jobs name them by dotted path only.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from redis import Redis
from redis.client import Pipeline
from rq import Queue, Retry, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Callback, Job, JobStatus
from rq.rate_limit import RateLimit
from rq.serializers import JSONSerializer

from core import logs
from core.namespace import key, rq_name

SYNC_QUEUE, DEFAULT_QUEUE = "sync", "default"
QUEUE_NAMES = (SYNC_QUEUE, DEFAULT_QUEUE)
# Seconds before each retry of a transient failure (provider throttled or down, database or Redis
# blip, a worker that died mid-job): about ten minutes in all, then the sync stays failed.
RETRY_INTERVALS = (10, 30, 60, 120, 300)
# A full sync of 100k employees takes minutes; an hour is the point where something is wrong.
SYNC_TIMEOUT = 3600
NOTIFY_TIMEOUT = 120
RESULT_TTL = 24 * 3600

_ENDED = frozenset({JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED})

RUN_SYNC = "workers.jobs.run_sync"
ON_SYNC_FAILURE = "workers.jobs.on_sync_failure"
NOTIFY_APPROVERS = "workers.jobs.notify_approvers"


def queue(redis: Redis, namespace: str, name: str = SYNC_QUEUE) -> Queue:
    """One of the installation's queues (`name`: SYNC_QUEUE or DEFAULT_QUEUE)."""
    return Queue(rq_name(namespace, name), connection=redis, serializer=JSONSerializer)


def retry_policy(intervals: Sequence[int] = RETRY_INTERVALS) -> Retry:
    return Retry(max=len(intervals), interval=list(intervals))


def sync_job_id(namespace: str, sync_id: int) -> str:
    """Deterministic: one RQ job per sync row (ids hold only letters, digits, `-` and `_`)."""
    return rq_name(namespace, f"sync-{int(sync_id)}")


def notify_job_id(namespace: str, sync_id: int) -> str:
    return rq_name(namespace, f"notify-{int(sync_id)}")


def request_lock_key(namespace: str, company_id: str) -> str:
    """The per-company lock under which a sync is asked for (services.syncs: one queued at a time)."""
    return key(namespace, "sync-request", company_id)


def sync_job_waiting(redis: Redis, namespace: str, sync_id: int) -> bool:
    """Whether the sync's job is still to run (queued, scheduled, waiting its company's turn, or just started)."""
    try:
        status = Job.fetch(sync_job_id(namespace, sync_id), connection=redis, serializer=JSONSerializer).get_status()
    except NoSuchJobError:
        return False
    return status not in _ENDED


def company_limit(namespace: str, company_id: str) -> RateLimit:
    """At most one sync of a company queued or running; the others wait their turn in RQ."""
    return RateLimit(key=rq_name(namespace, f"company-{company_id}"), concurrency=1)


def sync_job(redis: Redis, namespace: str, sync_id: int, company_id: str, retry: Retry | None = None,
             origin: dict[str, str] | None = None) -> Job:
    """`origin` (job meta: `correlation_id`, `trigger`): what the sync's log lines and metrics carry; by default
    the caller's bound context (core.logs)."""
    return queue(redis, namespace).create_job(
        RUN_SYNC, args=(int(sync_id),), job_id=sync_job_id(namespace, sync_id),
        rate_limit=company_limit(namespace, company_id), retry=retry or retry_policy(), timeout=SYNC_TIMEOUT,
        result_ttl=RESULT_TTL, on_failure=Callback(ON_SYNC_FAILURE),
        description=f"sync {sync_id} of company {company_id}", meta=origin or logs.origin())


def enqueue_sync(redis: Redis, namespace: str, sync_id: int, company_id: str, retry: Retry | None = None,
                 origin: dict[str, str] | None = None) -> Job:
    """Queue the sync now (it still waits for the company's running sync, if any)."""
    return queue(redis, namespace).enqueue_job(sync_job(redis, namespace, sync_id, company_id, retry, origin))


def schedule_sync(redis: Redis, namespace: str, sync_id: int, company_id: str, delay: float, pipeline: Pipeline,
                  retry: Retry | None = None, origin: dict[str, str] | None = None) -> Job:
    """Queue the sync `delay` seconds from now, as part of the caller's MULTI (the scheduler moves it)."""
    when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=delay)
    return queue(redis, namespace).schedule_job(sync_job(redis, namespace, sync_id, company_id, retry, origin),
                                                when, pipeline=pipeline)


def enqueue_notification(redis: Redis, namespace: str, changeset_id: int, sync_id: int, *,
                         once: bool = False) -> Job | None:
    """Notify approvers in a job of its own: a mail server that is down must not fail the sync.

    `once`: nothing if the sync's notification job exists already (queued, done or failed).
    """
    job_id = notify_job_id(namespace, sync_id)
    if once and Job.exists(job_id, connection=redis):
        return None
    return queue(redis, namespace, DEFAULT_QUEUE).enqueue(
        NOTIFY_APPROVERS, int(changeset_id), int(sync_id), job_id=job_id,
        retry=retry_policy(), job_timeout=NOTIFY_TIMEOUT, result_ttl=RESULT_TTL, meta=logs.origin())


def workers_running(redis: Redis, namespace: str) -> int:
    """How many workers of this installation are registered on its sync queue (a killed one drops out when
    its registration expires: maintenance interval + 15 s)."""
    return len(Worker.all(queue=queue(redis, namespace)))
