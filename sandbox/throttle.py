"""The HR systems' published rate limits, enforced by the sandbox (per tenant, when it is rate-limited).

Personio (research/personio.md §6): its employee listing allows 300 requests a minute in bursts of 15 [D23] —
a token bucket of 15 refilled at 5 a second, which is what the gateway's rate-limit headers describe; a refused
request is a 429 without Retry-After (whether Personio sends one is unconfirmed). `POST /v1/auth` allows 60 a
minute [D1]; every v1 endpoint 2000 a minute per address [D24]. BambooHR publishes no figure (research/
bamboohr.md §6): the sandbox's limit is a guess (20 requests per 5 seconds per company), answered as BambooHR
throttles today — 503 with Retry-After — or as it will from 16 September 2026, 429 with Retry-After.
"""

from __future__ import annotations

import collections
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

Clock = Callable[[], float]


@dataclass(slots=True)
class TokenBucket:
    """`capacity` tokens, `rate` more each second; a request takes one."""

    capacity: float
    rate: float
    clock: Clock = time.monotonic
    tokens: float = -1.0
    at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> tuple[bool, int]:
        """(admitted, whole tokens left)."""
        with self.lock:
            now = self.clock()
            self.tokens = self.capacity if self.tokens < 0 else min(self.capacity,
                                                                    self.tokens + (now - self.at) * self.rate)
            self.at = now
            admitted = self.tokens >= 1.0
            if admitted:
                self.tokens -= 1.0
            return admitted, int(math.floor(self.tokens))


@dataclass(slots=True)
class Window:
    """At most `limit` requests in any `seconds`-long stretch."""

    limit: int
    seconds: float
    clock: Clock = time.monotonic
    times: collections.deque = field(default_factory=collections.deque)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> tuple[bool, int]:
        with self.lock:
            now = self.clock()
            while self.times and self.times[0] <= now - self.seconds:
                self.times.popleft()
            admitted = len(self.times) < self.limit
            if admitted:
                self.times.append(now)
            return admitted, self.limit - len(self.times)


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    headers: dict[str, str]


PERSONIO_BURST, PERSONIO_PER_SECOND = 15, 5.0
PERSONIO_AUTH_PER_MINUTE = 60
PERSONIO_V1_PER_ADDRESS_PER_MINUTE = 2000
BAMBOOHR_LIMIT, BAMBOOHR_SECONDS = 20, 5.0  # a guess: BambooHR publishes none


class PersonioLimits:
    """One Personio credential's buckets; the per-address window is the sandbox's (shared by its tenants)."""

    def __init__(self, address: Window, clock: Clock = time.monotonic) -> None:
        self.listing = TokenBucket(PERSONIO_BURST, PERSONIO_PER_SECOND, clock)
        self.auth = Window(PERSONIO_AUTH_PER_MINUTE, 60.0, clock)
        self.address = address

    def admit(self, path: str) -> tuple[Refusal | None, dict[str, str]]:
        """(a refusal or None, the rate-limit headers of the answer)."""
        admitted, _left = self.address.take()
        if not admitted:
            return Refusal(429, {}), {}
        if path.startswith("/v1/auth"):
            admitted, _left = self.auth.take()
            return (None if admitted else Refusal(429, {})), {}
        if not path.startswith("/v1/company/employees"):
            return None, {}
        admitted, left = self.listing.take()
        headers = {"X-RateLimit-Remaining": str(left), "X-RateLimit-Replenish-Rate": str(int(PERSONIO_PER_SECOND)),
                   "X-RateLimit-Burst-Capacity": str(PERSONIO_BURST), "X-RateLimit-Requested-Tokens": "1"}
        return (None if admitted else Refusal(429, headers)), headers


class BambooHRLimits:
    """One BambooHR company's (guessed) limit; `status` 503 as today, 429 as from 16 September 2026."""

    def __init__(self, status: int = 503, clock: Clock = time.monotonic) -> None:
        self.window = Window(BAMBOOHR_LIMIT, BAMBOOHR_SECONDS, clock)
        self.status = status

    def admit(self, path: str) -> tuple[Refusal | None, dict[str, str]]:
        admitted, _left = self.window.take()
        if admitted:
            return None, {}
        # "Every rate-limited response carries Retry-After" (research/bamboohr.md §6).
        return Refusal(self.status, {"Retry-After": str(int(BAMBOOHR_SECONDS))}), {}
