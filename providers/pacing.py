"""Pacing calls to the HR systems within their published rate limits, shared by every process using a credential.

A full Personio listing is hundreds of requests; without pacing the first 429 comes after fifteen. Each client
asks the pacer before every request (`wait`) and tells it what the answer said about the budget (`observe`).
The budgets are moving windows of the `limits` library, kept in Redis: the workers and the web app's
"Load fields" draw on one budget per credential (keyed by a hash of the credential's identity, never a
secret), and Personio's per-address limit is shared by every credential of a deployment. When Redis does not
answer, a process paces itself alone until it does.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable, Mapping

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)

KEY_PREFIX = "hrsync:pace"
# A Redis that failed is asked again after this long; meanwhile the process paces itself alone.
RETRY_SHARED_AFTER = 30.0
# Past the end of a window, so that the entry that blocked has certainly left it.
SLACK = 0.01


@dataclass(frozen=True, slots=True)
class Budget:
    """One published limit: the moving windows a call must fit in (all of them)."""

    name: str
    windows: tuple[RateLimitItem, ...]


# Personio's employee listing: 300 requests a minute with bursts of 15 (research/personio.md §6, [D23]). Its
# rate-limit headers (replenish rate, burst capacity) are a token bucket: 15 tokens, 5 more each second. Fifteen
# requests per moving 3-second window never overdraw such a bucket (any interval of t seconds holds at most
# 15·⌈t/3⌉ ≤ 15 + 5t of them) and still average 300 a minute. The other personnel-data reads (one employee,
# the attribute list) count against it too: Personio does not say they do not.
PERSONIO_EMPLOYEES = Budget("personio-employees", (RateLimitItemPerSecond(15, 3),))
# POST /v1/auth: 60 a minute, then a 60-second cool-down ([D1]).
PERSONIO_AUTH = Budget("personio-auth", (RateLimitItemPerMinute(60),))
# Every v1 endpoint: 2000 a minute per IP address ([D24]), whichever credential calls: keyed by the host.
PERSONIO_V1_ADDRESS = Budget("personio-v1-address", (RateLimitItemPerMinute(2000),))
# BambooHR publishes no figure: calls "can be throttled if BambooHR deems them too frequent" (research/
# bamboohr.md §6). hrsync's reads are few (one report per full sync, one per 500 ids); ten per five seconds
# per company keeps well clear, and Retry-After (429, or 503 before September 2026) still governs retries.
BAMBOOHR = Budget("bamboohr", (RateLimitItemPerSecond(10, 5),))
# HiBob: the people search 50 a minute ([D16]), metadata reads (field list, named lists) 50 a minute ([D18]); the
# other endpoints' limits are unpublished. Paced at 48 a minute: two spare for the jitter between our clock and
# HiBob's, and for a "Load fields" from the web app while a worker syncs.
HIBOB_SEARCH = Budget("hibob-search", (RateLimitItemPerMinute(48),))
HIBOB_METADATA = Budget("hibob-metadata", (RateLimitItemPerMinute(48),))
# Humaans publishes no limit, and 429s on bulk reads are reported (research/humaans.md §7): five a second per token,
# the research's conservative guess.
HUMAANS = Budget("humaans", (RateLimitItemPerSecond(5),))

# Personio's gateway reports its bucket (third-party observation, research/personio.md §6); none is documented.
REMAINING_HEADER = "X-RateLimit-Remaining"
REPLENISH_HEADER = "X-RateLimit-Replenish-Rate"
# HiBob's: the end of the current window in Unix epoch seconds ([D16]).
RESET_HEADER = "X-RateLimit-Reset"
# A reset further away than this is not believed (a clock far off, a value in milliseconds).
MAX_RESET_WAIT = 120.0

Claim = tuple[Budget, str]  # (budget, key: a credential's or a host's hash)


def pace_key(*identity: str) -> str:
    """The key of a budget: a hash of what identifies the credential or host (no secret goes in)."""
    return hashlib.sha256("\x1f".join(identity).encode("utf-8")).hexdigest()[:32]


class Pacer:
    """Blocks each call until every budget it draws on has room; thread-safe, one per process is enough."""

    def __init__(self, storage: Storage | None = None, *, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time) -> None:
        self._shared = MovingWindowRateLimiter(storage) if storage is not None else None
        self._local: MovingWindowRateLimiter | None = None
        self._sleep, self._clock = sleep, clock
        self._lock = threading.Lock()
        self._holds: dict[str, float] = {}
        self._shared_again_at = 0.0

    @classmethod
    def shared(cls, redis_url: str = "", *, connection_pool=None, key_prefix: str = KEY_PREFIX,
               **kwargs) -> "Pacer":
        """Budgets kept in Redis (`redis_url`, or the pool of an existing client); no I/O until the first call."""
        storage = RedisStorage(redis_url or "redis://", connection_pool=connection_pool, key_prefix=key_prefix,
                               wrap_exceptions=True, socket_connect_timeout=1, socket_timeout=2)
        return cls(storage, **kwargs)

    @classmethod
    def local(cls, **kwargs) -> "Pacer":
        """Budgets kept in this process only (a single process, or a benchmark)."""
        return cls(None, **kwargs)

    def wait(self, *claims: Claim) -> float:
        """Return once the call fits every claimed budget (recording it there); the seconds waited."""
        waited = self._wait_for_holds(claims)
        while True:
            limiter = self._limiter()
            try:
                blocked = next(((window, budget.name, key) for budget, key in claims for window in budget.windows
                                if not limiter.test(window, budget.name, key)), None)
                if blocked is None:
                    # Every window is hit, even after one refused: a lost race only ever leaves room unused.
                    if all([limiter.hit(window, budget.name, key) for budget, key in claims
                            for window in budget.windows]):
                        return waited
                    continue
                reset = limiter.get_window_stats(*blocked).reset_time
            except StorageError as error:
                self._lose_shared(error)
                continue
            pause = max(reset - self._clock(), 0.0) + SLACK
            self._sleep(pause)
            waited += pause

    def observe(self, key: str, headers: Mapping[str, str]) -> None:
        """Read an answer's rate-limit headers: an empty bucket holds the next call of `key` in this process until
        one token is back, or until the window resets when the answer says when (the other processes read the same
        headers on their own answers)."""
        remaining = _number(headers.get(REMAINING_HEADER))
        if remaining is None or remaining >= 1:
            return
        now = self._clock()
        reset = seconds_until_reset(headers.get(RESET_HEADER), now)
        rate = _number(headers.get(REPLENISH_HEADER)) or 1.0
        with self._lock:
            self._holds[key] = max(self._holds.get(key, 0.0),
                                   now + (reset if reset is not None else 1.0 / max(rate, 0.01)))

    def _wait_for_holds(self, claims: tuple[Claim, ...]) -> float:
        with self._lock:
            until = max((self._holds.get(key, 0.0) for _budget, key in claims), default=0.0)
        pause = until - self._clock()
        if pause <= 0:
            return 0.0
        self._sleep(pause)
        return pause

    def _limiter(self) -> MovingWindowRateLimiter:
        if self._shared is not None and self._clock() >= self._shared_again_at:
            return self._shared
        with self._lock:
            if self._local is None:
                self._local = MovingWindowRateLimiter(MemoryStorage())
            return self._local

    def _lose_shared(self, error: StorageError) -> None:
        if self._shared is None:
            raise error
        log.warning("rate-limit budgets unreachable in Redis (%s): this process paces itself alone for %.0f s",
                    type(error.storage_error).__name__, RETRY_SHARED_AFTER)
        self._shared_again_at = self._clock() + RETRY_SHARED_AFTER


def seconds_until_reset(value: str | None, now: float) -> float | None:
    """`X-RateLimit-Reset` as seconds from `now`: an epoch time (HiBob's) or, when small, already a delay."""
    reset = _number(value)
    if reset is None:
        return None
    wait = reset - now if reset > 1e9 else reset
    return min(max(wait, 0.0), MAX_RESET_WAIT)


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
