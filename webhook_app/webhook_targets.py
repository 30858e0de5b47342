"""Who may sign a company's webhooks (provider + decrypted secret): cached per process, refreshed ahead.

A storm of deliveries costs no database read each, and no delivery waits for one while the company
keeps sending: past REFRESH_AFTER a hit is still served and one background thread re-reads the row.
TTL bounds how long a rotated-away secret or a removed integration is still honoured; a delivery the
cached secret refuses is decided on a fresh read (a new secret works at once).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

from cachetools import TTLCache

from webhook_app.errors import ApiError

log = logging.getLogger(__name__)

TTL = 10.0
REFRESH_AFTER = 7.0
SIZE = 10_000


@dataclass(frozen=True, slots=True)
class Target:
    provider: str
    secret: str = field(repr=False)


# (company id, provider) → Target, or raises the ApiError the request answers with.
Loader = Callable[[str, str], Target]


class WebhookTargets:
    """Thread-safe: threaded servers share one app; the refresh runs in a thread of its own."""

    def __init__(self, load: Loader, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._load, self._clock = load, clock
        self._cache: TTLCache = TTLCache(SIZE, TTL, timer=clock)  # value: (Target, read started at)
        self._refreshing: set[str] = set()
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._executor_pid = 0

    def get(self, company_id: str) -> Target | None:
        """The cached target (None when absent or past TTL); an ageing one is re-read in the background."""
        with self._lock:
            entry = self._cache.get(company_id)
            if entry is None:
                return None
            target, read_at = entry
            due = self._clock() - read_at >= REFRESH_AFTER and company_id not in self._refreshing
            if due:
                self._refreshing.add(company_id)
        if due:
            self._background().submit(self._refresh, company_id, target.provider)
        return target

    def load(self, company_id: str, provider: str) -> Target:
        """Read now (a miss, or a delivery the cached secret refused) and remember a success."""
        started = self._clock()
        target = self._load(company_id, provider)
        self._put(company_id, target, started)
        return target

    def _refresh(self, company_id: str, provider: str) -> None:
        started = self._clock()
        try:
            target = self._load(company_id, provider)
        except ApiError:  # refused now: the next delivery reads again and is answered with the refusal
            with self._lock:
                self._cache.pop(company_id, None)
        except Exception as error:  # the database is away: keep serving until TTL, as without a refresh
            log.warning("webhook target of company %s not refreshed (%s)", company_id, type(error).__name__)
        else:
            self._put(company_id, target, started)
        finally:
            with self._lock:
                self._refreshing.discard(company_id)

    def _put(self, company_id: str, target: Target, started: float) -> None:
        with self._lock:
            current = self._cache.get(company_id)
            if current is None or current[1] <= started:  # never replace a newer read with an older one
                self._cache[company_id] = (target, started)

    def _background(self) -> ThreadPoolExecutor:
        # Created lazily and per process: a pool inherited through fork has no thread behind it.
        with self._lock:
            if self._executor is None or self._executor_pid != os.getpid():
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="webhook-targets")
                self._executor_pid = os.getpid()
            return self._executor
