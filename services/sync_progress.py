"""A sync's progress as a person follows it: phase, employees fetched of total, elapsed, and on failure the HR
system's message with what to do about it.

The worker writes the live part (phase, counts) into a small Redis hash with a TTL, at most every
LIVE_INTERVAL seconds, so that a page polling every second costs one HGETALL and no database transaction (on
SQLite a read would wait for the sync's own write transaction). The sync row stays the truth: without a fresh
hash (Redis lost it, the worker died, the sync ended) progress is read from the row, and failing to write the hash
never fails a sync.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Callable

from redis import Redis
from redis.exceptions import RedisError

from core import errors
from domain.changeset import ACTIONABLE_KINDS
from core.namespace import key
from store.enums import SyncStatus
from store.repositories.sync_runs import SyncRun

log = logging.getLogger(__name__)

LIVE_INTERVAL = 0.5  # seconds between two writes of the fetched count
LIVE_TTL = 3600  # a hash nobody refreshes disappears by itself
STALE_SECONDS = 120  # a hash not written for this long is not believed (its worker may be gone): the row is


class Phase(StrEnum):
    QUEUED = "queued"
    FETCHING = "fetching"
    MATCHING = "matching"
    STORING = "storing"
    DONE = "done"
    FAILED = "failed"


LIVE_PHASES = frozenset({Phase.FETCHING, Phase.MATCHING, Phase.STORING})

# Error codes a sync row may carry besides core.errors' classes.
INTERNAL_ERROR = "internal_error"
INTERRUPTED = "interrupted"
JOB_LOST = "job_lost"

# What a person can do about each failure (the message itself is the HR system's or hrsync's, on the row).
ADVICE: dict[str, str] = {
    errors.ProviderAuthFailed.code: "Check the credentials on the HR integration page (the key or secret, and "
                                    "that it may read employees), save them, then sync again.",
    errors.ProviderUnavailable.code: "The HR system was busy or unreachable and hrsync's retries ran out; nothing "
                                     "was changed. Sync again in a few minutes.",
    errors.ProviderFailed.code: "The HR system refused the request. Check the integration settings and the field "
                                "mapping, then sync again; if it keeps failing, tell your hrsync administrator.",
    errors.NotConfigured.code: "Connect an HR system on the HR integration page, then sync again.",
    errors.QueueUnavailable.code: "hrsync's job queue did not answer, so the sync never started. Sync again in a "
                                  "moment.",
    errors.DatabaseUnavailable.code: "hrsync's database did not answer; nothing was changed. Sync again in a "
                                     "minute.",
    INTERRUPTED: "The sync was interrupted (a worker stopped, or the database or queue was briefly unreachable); "
                 "nothing was changed. Sync again.",
    JOB_LOST: "The queued sync was lost by the job queue; nothing was changed. Sync again.",
    INTERNAL_ERROR: "hrsync failed on its side; nothing was changed. Sync again; if it fails again, your hrsync "
                    "administrator finds the cause in the worker log.",
}
DEFAULT_ADVICE = ADVICE[INTERNAL_ERROR]


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """What a progress display shows; `total` is None until the HR system tells it, `elapsed_seconds` None while
    queued (since the start while running, the duration once ended)."""

    sync_id: int
    status: SyncStatus
    phase: Phase
    fetched: int
    total: int | None
    elapsed_seconds: float | None
    error: str | None = None
    error_code: str | None = None
    advice: str | None = None
    changeset_id: int | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ended(self) -> bool:
        return self.phase in (Phase.DONE, Phase.FAILED)

    @property
    def proposes_changes(self) -> bool:
        """It succeeded with a change set holding something to approve (not only skipped people)."""
        return (self.phase is Phase.DONE and self.changeset_id is not None
                and any(self.counts.get(kind, 0) for kind in ACTIONABLE_KINDS))


def field_notes(run: SyncRun) -> tuple[str, ...]:
    """What people are told about the mapped fields the HR system sent for no employee of the sync, whichever HR
    system it is: a permission gap of the credential, never an empty value (hrsync left those fields as they are)."""
    return tuple(f"The HR system did not send field {field_key} for any employee: the credential probably cannot "
                 "read it." for field_key in run.missing_fields)


def progress_key(namespace: str, sync_id: int) -> str:
    return key(namespace, "sync-progress", sync_id)


class LiveProgress:
    """The worker's side: a sync's phase and fetched count into Redis, best effort and throttled."""

    def __init__(self, redis: Redis, namespace: str, sync_id: int, company_id: str, *,
                 clock: Callable[[], float] = time.time, interval: float | None = None) -> None:
        self._redis, self._key, self._company_id = redis, progress_key(namespace, sync_id), company_id
        self._clock, self._interval = clock, LIVE_INTERVAL if interval is None else interval
        self._phase, self._fetched, self._total = Phase.FETCHING, 0, None
        self._started, self._written, self._broken = clock(), float("-inf"), False

    def phase(self, phase: Phase) -> None:
        self._phase = phase
        self._write()

    def fetched(self, fetched: int, total: int | None = None) -> None:
        """The count so far (and the total, once known); written when LIVE_INTERVAL has passed. The provider's
        page count and the sync's own count of employees taken both report here: the higher one stands."""
        self._fetched = max(self._fetched, fetched)
        if total is not None:
            self._total = total
        if self._clock() - self._written >= self._interval:
            self._write()

    def clear(self) -> None:
        """The sync ended (the row tells how): the hash goes."""
        try:
            self._redis.delete(self._key)
        except RedisError:
            self._warn()

    def _write(self) -> None:
        now = self._clock()
        self._written = now
        values = {"company": self._company_id, "phase": self._phase.value, "fetched": self._fetched,
                  "total": "" if self._total is None else self._total, "started": self._started, "at": now}
        try:
            pipe = self._redis.pipeline(transaction=False)
            pipe.hset(self._key, mapping=values)
            pipe.expire(self._key, LIVE_TTL)
            pipe.execute()
        except RedisError:
            self._warn()

    def _warn(self) -> None:
        if not self._broken:  # once per sync: the sync goes on, only the live display is missing
            log.warning("sync progress could not be written to Redis; it is read from the database instead")
            self._broken = True


def live_from(raw: dict, company_id: str, sync_id: int, now: float) -> SyncProgress | None:
    """The progress a fresh hash of the company's running sync tells; None: not there, not fresh, not theirs."""
    values = {_text(name): _text(value) for name, value in raw.items()}
    try:
        phase = Phase(values["phase"])
        if values["company"] != company_id or phase not in LIVE_PHASES or now - float(values["at"]) > STALE_SECONDS:
            return None
        total = int(values["total"]) if values["total"] else None
        return SyncProgress(sync_id, SyncStatus.RUNNING, phase, int(values["fetched"]), total,
                            max(0.0, now - float(values["started"])))
    except (KeyError, ValueError):
        return None


def from_row(run: SyncRun, now: dt.datetime) -> SyncProgress:
    """The progress the sync row tells (no live phase: a running sync reads as fetching)."""
    phase = {SyncStatus.QUEUED: Phase.QUEUED, SyncStatus.RUNNING: Phase.FETCHING, SyncStatus.SUCCEEDED: Phase.DONE,
             SyncStatus.FAILED: Phase.FAILED}[run.status]
    elapsed = None
    if run.started_at is not None and run.status is not SyncStatus.QUEUED:
        elapsed = max(0.0, ((run.finished_at or now) - run.started_at).total_seconds())
    failed = run.status is SyncStatus.FAILED
    return SyncProgress(
        run.id, run.status, phase, run.fetched, run.total, elapsed,
        error=run.error if failed else None, error_code=run.error_code if failed else None,
        advice=ADVICE.get(run.error_code or "", DEFAULT_ADVICE) if failed else None,
        changeset_id=run.changeset_id, counts=dict(run.counts))


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
