"""The installation's state for operators: `hrsync status` and the gauges `/metrics` reads at scrape time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from redis import Redis

from core import queueing
from core.bootstrap import Services
from core.state_gauges import InstallationCollector, queue_state
from store.db import transaction
from store.enums import IntegrationStatus, SyncStatus
from store.repositories import operations
from store.repositories.operations import CompanyState

# Exit statuses of `hrsync status` (README): the highest that applies. 1 and 2 stay the command line's own
# (an `Error:` line, a usage mistake).
HEALTHY, ATTENTION, NOT_WORKED, UNREADABLE = 0, 3, 4, 5
QUEUE_AGE_LIMIT = 15 * 60
PENDING_AGE_LIMIT = 3 * 86400


@dataclass(frozen=True, slots=True)
class QueueState:
    name: str
    depth: int
    oldest_age: float


@dataclass
class Status:
    """What `hrsync status` reports; `problems` are the things a person must look at, `code` the exit status."""

    checked_at: dt.datetime
    workers: int | None = None
    queues: list[QueueState] = field(default_factory=list)
    companies: list[CompanyState] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    code: int = HEALTHY

    def problem(self, code: int, text: str) -> None:
        self.problems.append(text)
        self.code = max(self.code, code)

    def to_json(self) -> dict:
        def when(value: dt.datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "healthy": self.code == HEALTHY, "exit_code": self.code, "checked_at": when(self.checked_at),
            "workers_alive": self.workers, "problems": self.problems,
            "queues": [{"name": q.name, "depth": q.depth, "oldest_job_age_seconds": round(q.oldest_age, 1)}
                       for q in self.queues],
            "companies": [{
                "id": c.company_id, "name": c.name, "provider": c.provider,
                "integration": c.integration_status, "last_error": c.last_error,
                "last_error_at": when(c.last_error_at),
                "last_sync": {"id": c.last_sync_id, "status": c.last_sync_status, "mode": c.last_sync_mode,
                              "at": when(c.last_sync_at)} if c.last_sync_id else None,
                "pending_changeset": {"id": c.pending_changeset_id, "since": when(c.pending_since)}
                if c.pending_changeset_id else None,
            } for c in self.companies],
        }


def status(services: Services, redis: Redis, *, queue_age_limit: float = QUEUE_AGE_LIMIT,
           pending_age_limit: float = PENDING_AGE_LIMIT) -> Status:
    """Workers, queues, and each company's integration, last sync and pending change set; what needs a person."""
    found = Status(checked_at=dt.datetime.now(dt.timezone.utc))
    _read_queues(found, services, redis, queue_age_limit)
    try:
        with transaction(services.session_factory) as session:
            found.companies = operations.company_states(session)
    except Exception as error:  # the database away or without its schema: that is the finding
        found.problem(UNREADABLE, f"the database cannot be read ({type(error).__name__})")
        return found
    for company in found.companies:
        _judge_company(found, company, pending_age_limit)
    return found


def _read_queues(found: Status, services: Services, redis: Redis, age_limit: float) -> None:
    namespace = services.settings.namespace
    try:
        found.workers = queueing.workers_running(redis, namespace)
        found.queues = [QueueState(name, *queue_state(redis, namespace, name)) for name in queueing.QUEUE_NAMES]
    except Exception as error:  # Redis away
        found.problem(UNREADABLE, f"Redis cannot be read ({type(error).__name__})")
        return
    if not found.workers:
        found.problem(NOT_WORKED, "no worker is running (start `hrsync worker`)")
    for queue in found.queues:
        if queue.oldest_age > age_limit:
            found.problem(NOT_WORKED, f"queue {queue.name}: the oldest job has waited {_duration(queue.oldest_age)}")


def _judge_company(found: Status, company: CompanyState, pending_age_limit: float) -> None:
    if company.integration_status == IntegrationStatus.NEEDS_ATTENTION.value:
        found.problem(ATTENTION, f"{company.name}: the integration needs attention: {company.last_error or '?'}")
    elif company.last_sync_status == SyncStatus.FAILED.value:
        found.problem(ATTENTION, f"{company.name}: sync {company.last_sync_id} failed")
    if company.pending_since is not None:
        age = (found.checked_at - company.pending_since).total_seconds()
        if age > pending_age_limit:
            found.problem(ATTENTION, f"{company.name}: change set {company.pending_changeset_id} has waited "
                                     f"{_duration(age)} for approval")


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def state_collector(services: Services, redis: Redis) -> InstallationCollector:
    """The scrape-time gauges of this installation (core.metrics)."""
    def read_database() -> tuple[int, list[dt.datetime]]:
        with transaction(services.session_factory) as session:
            return operations.needing_attention(session), operations.pending_since(session)

    return InstallationCollector(redis, services.settings.namespace, read_database)
