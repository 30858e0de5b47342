"""Counting password tries per change set in Redis: 5 wrong ones lock approving for 15 minutes."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from redis import Redis, RedisError

from workers.apply_errors import Locked, LockoutUnavailable

log = logging.getLogger(__name__)

MAX_TRIES = 5
LOCK_SECONDS = 15 * 60


@dataclass(frozen=True, slots=True)
class Attempt:
    """A reserved password try: its number (1-based) within the current window."""

    changeset_id: int
    number: int


class Lockout:
    """One counter per change set with a TTL; a try is reserved *before* the password is checked,
    so parallel guesses cannot slip past the limit while the slow hash runs."""

    def __init__(self, redis: Redis, max_tries: int = MAX_TRIES, lock_seconds: int = LOCK_SECONDS,
                 prefix: str = "hrsync:approval-tries"):
        self._redis, self.max_tries, self.lock_seconds, self._prefix = redis, max_tries, lock_seconds, prefix

    def _key(self, changeset_id: int) -> str:
        return f"{self._prefix}:{int(changeset_id)}"

    def check(self, changeset_id: int) -> None:
        """Raise Locked while the change set is locked."""
        key = self._key(changeset_id)
        try:
            tries = int(self._redis.get(key) or 0)
            ttl = self._redis.ttl(key) if tries >= self.max_tries else 0
        except RedisError:
            raise LockoutUnavailable("the lockout store is not reachable; try again shortly") from None
        if tries >= self.max_tries:
            raise Locked(ttl if ttl > 0 else self.lock_seconds)

    def reserve(self, changeset_id: int) -> Attempt:
        """Count one try; raise Locked when the limit is already used up."""
        key = self._key(changeset_id)
        try:
            with self._redis.pipeline() as pipe:
                number, ttl = pipe.incr(key).ttl(key).execute()
            if ttl < 0:  # first try of a window (or a key left without TTL): the window starts now
                self._redis.expire(key, self.lock_seconds)
                ttl = self.lock_seconds
        except RedisError:
            raise LockoutUnavailable("the lockout store is not reachable; try again shortly") from None
        if number > self.max_tries:
            raise Locked(ttl)
        return Attempt(changeset_id, int(number))

    def failed(self, attempt: Attempt) -> int:
        """The reserved try was wrong: the tries left (0 means the lock has just started)."""
        remaining = self.max_tries - attempt.number
        if remaining <= 0:
            # The lock lasts the full period from the last allowed try, not from the window start.
            self._call(lambda: self._redis.expire(self._key(attempt.changeset_id), self.lock_seconds))
        return max(0, remaining)

    def succeeded(self, attempt: Attempt) -> None:
        try:
            self._redis.delete(self._key(attempt.changeset_id))
        except RedisError:
            # The password was right: the approval goes on, the stale count expires with its TTL.
            log.warning("could not reset the password tries of change set %s", attempt.changeset_id)

    def _call(self, operation) -> None:
        try:
            operation()
        except RedisError:
            raise LockoutUnavailable("the lockout store is not reachable; try again shortly") from None
