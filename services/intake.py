"""Webhook intake: a delivery is accepted in Redis at once; its company's targeted sync is created off the request.

Accepting is one Lua script (coalescing.accept): dedupe, ids gathered, and for the first delivery of a burst
the company's pending flag set to "new" and the company put on the `unscheduled` list. A scheduler thread in
the web process then commits the sync rows of what it was handed (a burst's companies together) and, in one
MULTI of scripts, makes each its company's pending sync and schedules its job: the DB row is committed before
its job exists, as everywhere. Should the process die in between, the company stays listed: every web
process's scheduler sweeps entries due for longer than GRACE (a lease keeps two sweepers apart; the script
lets only one win anyway). So nothing accepted is lost while Redis keeps its data — which the gathered ids
always depended on, until a sync claims them onto its row. A scheduler thread ends after IDLE_EXIT without
work, so in a quiet deployment an orphan waits for the next delivery any web process accepts (whose thread
sweeps at once) — or for the nightly resync, which fetches everyone anyway.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time

from redis import Redis
from redis.exceptions import RedisError
from rq import Retry

from core import coalescing, queueing
from core.bootstrap import Services
from core.coalescing import Intake
from core.errors import QueueUnavailable
from providers.base import ChangeNotice
from providers.registry import PROVIDERS
from services.sync_run import WHOLE_COMPANY
from services.syncs import UNQUEUED
from store.db import transaction
from store.enums import SyncMode, SyncTrigger
from store.repositories import integrations, sync_runs

log = logging.getLogger(__name__)

GRACE = 5.0  # a process schedules what it accepted within milliseconds: older entries are orphans
SWEEP_EVERY = 2.0
SWEEP_BATCH = 100
SCHEDULE_BATCH = 100
IDLE_EXIT = 60.0  # the scheduler thread ends after this long without work; the next delivery restarts it


def accept_notice(redis: Redis, namespace: str, company_id: str, notice: ChangeNotice) -> Intake:
    """Record an authenticated webhook for the company's next targeted sync. Raises QueueUnavailable.

    An event that names no employee is never dropped (SPEC §5): it asks that sync for an incremental fetch
    of the company (`services.sync_run.WHOLE_COMPANY`). Its payload keys are logged, never its values: not every
    HR system publishes what each event carries, and the log is how we learn it.
    """
    remote_ids = notice.remote_ids
    if not remote_ids:
        log.info("webhook %s for company %s names no employee (payload keys %r): an incremental sync follows",
                 notice.event, company_id, notice.payload_keys)
        remote_ids = (WHOLE_COMPANY,)
    try:
        return coalescing.accept(redis, namespace, company_id, notice.delivery_id, remote_ids, time.time())
    except RedisError as error:
        log.warning("webhook for company %s not accepted: Redis unreachable", company_id)
        raise QueueUnavailable() from error


def schedule_companies(services: Services, redis: Redis, due: list[tuple[str, str]], *, debounce: float,
                       retry: Retry | None = None) -> list[int]:
    """For each (company, provider): commit a targeted sync row, then make it the company's pending sync with
    its job scheduled `debounce` seconds from now (or later: the provider's re-fetch delay, while its API may still
    serve the old values); returns the ids scheduled. A company another process scheduled first is skipped, its row
    discarded. One transaction and one MULTI for the lot."""
    namespace = services.settings.namespace
    with transaction(services.session_factory) as session:
        rows = [(company_id, sync_runs.create_run(session, company_id, provider, SyncMode.TARGETED,
                                                  trigger=SyncTrigger.WEBHOOK, requested_by=provider).id)
                for company_id, provider in due]
    delays = {company_id: max(debounce, _refetch_delay(provider)) for company_id, provider in due}

    def schedule_job(pipe, company_id: str, sync_id: int) -> None:
        queueing.schedule_sync(redis, namespace, sync_id, company_id, delays[company_id], pipe, retry)

    try:
        won = coalescing.schedule(redis, namespace, rows, schedule_job)
    except Exception:
        # Perhaps Redis ran the scripts and only the answer was lost: a failed row still runs if its job exists
        # (a retry may start a failed run), and the companies still listed are scheduled by a later sweep.
        _settle(services, failed=[sync_id for _company, sync_id in rows])
        raise
    _settle(services, discarded=[sync_id for (_company, sync_id), ok in zip(rows, won) if not ok])
    scheduled = [sync_id for (_company, sync_id), ok in zip(rows, won) if ok]
    if scheduled:
        log.info("targeted syncs %s scheduled in %s s", scheduled, debounce)
    return scheduled


def _refetch_delay(provider: str) -> float:
    description = PROVIDERS.get(provider)
    return description.webhooks.refetch_delay if description else 0.0


def sweep(services: Services, redis: Redis, *, debounce: float, grace: float = GRACE) -> list[int]:
    """Schedule the syncs due for longer than `grace` (their accepting process died); returns their ids."""
    now, namespace = time.time(), services.settings.namespace
    leased = [company_id for company_id in coalescing.due(redis, namespace, now - grace, SWEEP_BATCH)
              if coalescing.lease(redis, namespace, company_id, now - grace, now)]
    if not leased:
        return []
    with transaction(services.session_factory) as session:
        providers = {company_id: integrations.get_integration(session, company_id) for company_id in leased}
    for company_id in [company_id for company_id, integration in providers.items() if integration is None]:
        log.warning("company %s has no HR integration any more: its accepted webhooks are dropped", company_id)
        coalescing.forget(redis, namespace, company_id)
    due = [(company_id, integration.provider) for company_id, integration in providers.items() if integration]
    return schedule_companies(services, redis, due, debounce=debounce) if due else []


def _settle(services: Services, *, failed: list[int] = (), discarded: list[int] = ()) -> None:
    if not failed and not discarded:
        return
    with transaction(services.session_factory) as session:
        for sync_id in failed:
            sync_runs.fail_run(session, sync_id, UNQUEUED)
        for sync_id in discarded:
            sync_runs.discard_run(session, sync_id)


class IntakeScheduler:
    """The web process's scheduler thread: what this process accepted at once, orphans every SWEEP_EVERY."""

    def __init__(self, services: Services, redis: Redis, *, debounce: float, sweep_every: float = SWEEP_EVERY,
                 grace: float = GRACE, idle_exit: float = IDLE_EXIT) -> None:
        self._services, self._redis, self._debounce = services, redis, debounce
        self._sweep_every, self._grace, self._idle_exit = sweep_every, grace, idle_exit
        self._queue: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._failing = False  # in a streak of failures: warned once, the rest at debug level

    @property
    def running(self) -> bool:
        """Whether this process's scheduler thread runs now (it ends after IDLE_EXIT without work)."""
        with self._lock:
            return self._thread is not None and self._thread.is_alive() and self._pid == os.getpid()

    def submit(self, company_id: str, provider: str) -> None:
        """Schedule the company's due sync soon (never raises: a failure leaves it to a later sweep)."""
        self._queue.put((company_id, provider))
        with self._lock:
            # A thread inherited through fork does not run; one that went idle has ended.
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._thread = threading.Thread(target=self._run, name="webhook-intake", daemon=True)
                self._pid = os.getpid()
                self._thread.start()

    def _run(self) -> None:
        next_sweep = last_work = time.monotonic()
        while True:
            due = self._take(max(0.0, next_sweep - time.monotonic()))
            if due:
                last_work = time.monotonic()
                self._guarded(schedule_companies, self._services, self._redis, due, debounce=self._debounce)
            if time.monotonic() >= next_sweep:
                if self._guarded(sweep, self._services, self._redis, debounce=self._debounce, grace=self._grace):
                    last_work = time.monotonic()
                next_sweep = time.monotonic() + self._sweep_every
            if time.monotonic() - last_work > self._idle_exit and self._retire():
                return

    def _take(self, timeout: float) -> list[tuple[str, str]]:
        """What was submitted: waits up to `timeout` for the first, then takes what else is there (a burst's
        companies are scheduled together)."""
        try:
            due = {self._queue.get(timeout=timeout)}
        except queue.Empty:
            return []
        while len(due) < SCHEDULE_BATCH:
            try:
                due.add(self._queue.get_nowait())
            except queue.Empty:
                break
        return sorted(due)

    def _retire(self) -> bool:
        with self._lock:
            if not self._queue.empty():
                return False
            self._thread = None  # the next submit starts a new thread
            return True

    def _guarded(self, function, *args, **kwargs):
        try:
            result = function(*args, **kwargs)
        except Exception as error:  # Redis or the database away: the entry stays listed, a later sweep retries
            log.log(logging.DEBUG if self._failing else logging.WARNING,
                    "webhook intake: %s failed (%s); retried by a later sweep", function.__name__,
                    type(error).__name__)
            self._failing = True
            return None
        if self._failing:
            log.info("webhook intake: scheduling works again")
            self._failing = False
        return result
