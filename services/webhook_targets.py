"""Who may sign a company's webhooks (provider + decrypted secret): cached per process, refreshed ahead.

A storm of deliveries costs no database read each, and no delivery waits for one while its company keeps
sending: past REFRESH_AFTER a hit is still served, and one background thread re-reads, in a single query,
every entry that is in use and at least half that old (so one read serves the companies of a burst). TTL
bounds how long a rotated-away secret or a removed integration is still honoured; a delivery the cached
secret refuses is decided on a fresh read (a new secret works at once).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable

from cachetools import TTLCache

log = logging.getLogger(__name__)

TTL = 10.0
REFRESH_AFTER = 7.0
SIZE = 10_000


@dataclass(frozen=True, slots=True)
class Target:
    provider: str
    secret: str = field(repr=False)


# (company id, provider) → Target, or raises the refusal the request answers with (services.webhooks.load_target).
LoadOne = Callable[[str, str], Target]
# company ids → the Targets of those still able to receive webhooks (the others are left out).
LoadMany = Callable[[list[str]], dict[str, Target]]


class _Entry:
    __slots__ = ("target", "read_at", "hit_at")

    def __init__(self, target: Target, read_at: float) -> None:
        self.target, self.read_at, self.hit_at = target, read_at, read_at


class WebhookTargets:
    """Thread-safe: threaded servers share one app; the refresh runs in a thread of its own."""

    def __init__(self, load_one: LoadOne, load_many: LoadMany, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._load_one, self._load_many, self._clock = load_one, load_many, clock
        self._cache: TTLCache = TTLCache(SIZE, TTL, timer=clock)
        self._refresh_queued = False
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._executor_pid = 0

    def get(self, company_id: str) -> Target | None:
        """The cached target (None when absent or past TTL); an ageing one is re-read in the background."""
        with self._lock:
            entry: _Entry | None = self._cache.get(company_id)
            if entry is None:
                return None
            entry.hit_at = now = self._clock()
            due = now - entry.read_at >= REFRESH_AFTER and (not self._refresh_queued
                                                            or self._executor_pid != os.getpid())
            if due:
                self._refresh_queued = True
        if due:
            self._background().submit(self._refresh)
        return entry.target

    def load(self, company_id: str, provider: str) -> Target:
        """Read now (a miss, or a delivery the cached secret refused) and remember a success."""
        started = self._clock()
        target = self._load_one(company_id, provider)
        with self._lock:
            self._put(company_id, target, started)
        return target

    def _refresh(self) -> None:
        try:
            with self._lock:
                now = self._clock()
                wanted = [company_id for company_id, entry in self._cache.items()
                          if entry.hit_at > entry.read_at and now - entry.read_at >= REFRESH_AFTER / 2]
            started = self._clock()
            fresh = self._load_many(wanted)
            with self._lock:
                self._apply(wanted, fresh, started)
        except Exception as error:  # the database is away: keep serving until TTL, as without a refresh
            log.warning("webhook targets not refreshed (%s)", type(error).__name__)
        finally:
            with self._lock:
                self._refresh_queued = False

    def _apply(self, wanted: Iterable[str], fresh: dict[str, Target], started: float) -> None:
        for company_id in wanted:
            if company_id in fresh:
                self._put(company_id, fresh[company_id], started)
            else:  # refused now: the next delivery reads itself and is answered with the refusal
                entry = self._cache.get(company_id)
                if entry is not None and entry.read_at <= started:
                    del self._cache[company_id]

    def _put(self, company_id: str, target: Target, started: float) -> None:
        current: _Entry | None = self._cache.get(company_id)
        if current is None or current.read_at <= started:  # never replace a newer read with an older one
            self._cache[company_id] = _Entry(target, started)

    def _background(self) -> ThreadPoolExecutor:
        # Created lazily and per process: a pool inherited through fork has no thread behind it.
        with self._lock:
            if self._executor is None or self._executor_pid != os.getpid():
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="webhook-targets")
                self._executor_pid = os.getpid()
            return self._executor
