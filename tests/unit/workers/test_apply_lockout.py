"""Password tries per change set: reserved before checking, 5 wrong lock for 15 minutes, success resets."""

from __future__ import annotations

import fakeredis
import pytest

from workers.apply_errors import Locked, LockoutUnavailable
from workers.apply_lockout import LOCK_SECONDS, MAX_TRIES, Lockout


@pytest.fixture
def server():
    return fakeredis.FakeServer()


@pytest.fixture
def redis(server):
    return fakeredis.FakeRedis(server=server)


@pytest.fixture
def lockout(redis):
    return Lockout(redis)


def test_limits_are_five_tries_and_fifteen_minutes():
    assert (MAX_TRIES, LOCK_SECONDS) == (5, 900)


def test_tries_are_numbered_and_counted_down(lockout):
    attempts = [lockout.reserve(7) for _ in range(MAX_TRIES)]
    assert [attempt.number for attempt in attempts] == [1, 2, 3, 4, 5]
    assert [lockout.failed(attempt) for attempt in attempts] == [4, 3, 2, 1, 0]


def test_the_fifth_wrong_try_locks_for_the_full_period(lockout, redis):
    for _ in range(MAX_TRIES):
        lockout.failed(lockout.reserve(7))
    assert redis.ttl("hrsync:approval-tries:7") == LOCK_SECONDS
    with pytest.raises(Locked) as locked:
        lockout.check(7)
    assert locked.value.retry_after == LOCK_SECONDS
    with pytest.raises(Locked):
        lockout.reserve(7)


def test_tries_beyond_the_limit_are_refused_before_any_password_check(lockout):
    # Parallel guesses each reserve a try first: the sixth is refused even if none has failed yet.
    for _ in range(MAX_TRIES):
        lockout.reserve(7)
    with pytest.raises(Locked):
        lockout.reserve(7)


def test_a_right_password_resets_the_count(lockout):
    for _ in range(MAX_TRIES - 1):
        lockout.failed(lockout.reserve(7))
    lockout.succeeded(lockout.reserve(7))
    assert lockout.reserve(7).number == 1
    lockout.check(7)


def test_change_sets_are_counted_apart(lockout):
    for _ in range(MAX_TRIES):
        lockout.failed(lockout.reserve(7))
    lockout.check(8)
    assert lockout.reserve(8).number == 1


def test_the_window_has_a_ttl_from_the_first_try(lockout, redis):
    lockout.reserve(7)
    assert 0 < redis.ttl("hrsync:approval-tries:7") <= LOCK_SECONDS


def test_the_lock_ends_when_the_key_expires(lockout, redis):
    for _ in range(MAX_TRIES):
        lockout.failed(lockout.reserve(7))
    redis.delete("hrsync:approval-tries:7")  # what the TTL does after 15 minutes
    lockout.check(7)


@pytest.mark.parametrize("operation", [
    lambda lockout: lockout.check(7),
    lambda lockout: lockout.reserve(7),
], ids=["check", "reserve"])
def test_redis_down_means_no_try(server, lockout, operation):
    server.connected = False
    with pytest.raises(LockoutUnavailable):
        operation(lockout)


def test_redis_down_after_a_right_password_does_not_block_the_approval(server, lockout):
    attempt = lockout.reserve(7)
    server.connected = False
    lockout.succeeded(attempt)  # logged; the count expires on its own
