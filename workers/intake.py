"""Webhook intake: a delivery is accepted in Redis at once; its company's targeted sync is created off the request.

Accepting is one Lua script (coalescing.accept): dedupe, ids gathered, and for the first delivery of a burst
the company's pending flag set to "new" and the company put on the `unscheduled` list. A scheduler thread in
the web process then commits the sync row and, in one more script, makes it the pending sync and schedules
its job: the DB row is committed before its job exists, as everywhere. Should the process die in between, the
company stays listed: every web process's scheduler sweeps entries due for longer than GRACE (a lease keeps
two sweepers apart; the script lets only one win anyway). So nothing accepted is lost while Redis keeps its
data — which the gathered ids always depended on, until a sync claims them onto its row.
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

from providers.base import ChangeNotice
from store.db import transaction
from store.enums import SyncMode
from store.repositories import integrations, sync_runs
from workers import coalescing, queueing
from workers.bootstrap import Services
from workers.coalescing import Intake
from workers.errors import QueueUnavailable

log = logging.getLogger(__name__)

GRACE = 5.0  # a process schedules what it accepted within milliseconds: older entries are orphans
SWEEP_EVERY = 2.0
SWEEP_BATCH = 100
IDLE_EXIT = 60.0  # the scheduler thread ends after this long without work; the next delivery restarts it


def accept_notice(redis: Redis, company_id: str, notice: ChangeNotice) -> Intake | None:
    """Record an authenticated webhook (None: it names nobody, nothing to fetch). Raises QueueUnavailable."""
    if not notice.remote_ids:
        log.info("webhook %s for company %s names no employee: ignored", notice.event, company_id)
        return None
    try:
        return coalescing.accept(redis, company_id, notice.delivery_id, notice.remote_ids, time.time())
    except RedisError as error:
        raise QueueUnavailable("the job queue (Redis) did not answer; try again shortly") from error


def schedule_company(services: Services, redis: Redis, company_id: str, provider: str, *, debounce: float,
                     retry: Retry | None = None) -> int | None:
    """Commit a targeted sync row, then make it the company's pending sync with its job scheduled `debounce`
    seconds from now. None (and no row left) when that was no longer due: another process did it."""
    with transaction(services.session_factory) as session:
        sync_id = sync_runs.create_run(session, company_id, provider, SyncMode.TARGETED).id

    def schedule_job(pipe, sync_id: int) -> None:
        queueing.schedule_sync(redis, sync_id, company_id, debounce, pipe, retry)

    try:
        won = coalescing.schedule(redis, company_id, sync_id, schedule_job)
    except Exception:
        _discard(services, sync_id)  # no job refers to it; the entry stays listed for a later sweep
        raise
    if not won:
        _discard(services, sync_id)
        return None
    log.info("targeted sync %s of company %s scheduled in %s s", sync_id, company_id, debounce)
    return sync_id


def sweep(services: Services, redis: Redis, *, debounce: float, grace: float = GRACE) -> int:
    """Schedule the syncs due for longer than `grace` (their accepting process died); returns how many."""
    now = time.time()
    scheduled = 0
    for company_id in coalescing.due(redis, now - grace, SWEEP_BATCH):
        if not coalescing.lease(redis, company_id, now - grace, now):
            continue
        with transaction(services.session_factory) as session:
            integration = integrations.get_integration(session, company_id)
        if integration is None:
            log.warning("company %s has no HR integration any more: its accepted webhooks are dropped", company_id)
            coalescing.forget(redis, company_id)
            continue
        if schedule_company(services, redis, company_id, integration.provider, debounce=debounce) is not None:
            scheduled += 1
    return scheduled


def _discard(services: Services, sync_id: int) -> None:
    with transaction(services.session_factory) as session:
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
            try:
                company_id, provider = self._queue.get(timeout=max(0.0, next_sweep - time.monotonic()))
            except queue.Empty:
                pass
            else:
                last_work = time.monotonic()
                self._guarded(schedule_company, self._services, self._redis, company_id, provider,
                              debounce=self._debounce)
            if time.monotonic() >= next_sweep:
                if self._guarded(sweep, self._services, self._redis, debounce=self._debounce, grace=self._grace):
                    last_work = time.monotonic()
                next_sweep = time.monotonic() + self._sweep_every
            if time.monotonic() - last_work > self._idle_exit and self._retire():
                return

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
