"""Password tries per approver account, with a per-client ceiling within each company: reserved before
checking, MAX_TRIES wrong lock for LOCK_SECONDS, a right password gives its try back."""

from __future__ import annotations

import fakeredis
import pytest

from core.errors import Locked, LockoutUnavailable
from core.lockout import CLIENT_MAX_TRIES, LOCK_SECONDS, MAX_TRIES, Lockout

COMPANY, EMAIL, CLIENT = "co_acme", "cfo@acme.example", "203.0.113.7"


@pytest.fixture
def server():
    return fakeredis.FakeServer()


@pytest.fixture
def redis(server):
    return fakeredis.FakeRedis(server=server)


@pytest.fixture
def lockout(redis):
    return Lockout(redis)


def wrong(lockout, email=EMAIL, client=CLIENT, company=COMPANY) -> int:
    return lockout.failed(lockout.reserve(company, email, client))


def test_limits_are_five_tries_per_account_twenty_per_client_and_fifteen_minutes():
    assert (MAX_TRIES, CLIENT_MAX_TRIES, LOCK_SECONDS) == (5, 20, 900)


def test_tries_are_numbered_and_counted_down(lockout):
    attempts = [lockout.reserve(COMPANY, EMAIL, CLIENT) for _ in range(MAX_TRIES)]
    assert [attempt.number for attempt in attempts] == [1, 2, 3, 4, 5]
    assert [lockout.failed(attempt) for attempt in attempts] == [4, 3, 2, 1, 0]


def test_the_fifth_wrong_try_locks_the_account_for_the_full_period_from_every_address(lockout, redis):
    for _ in range(MAX_TRIES):
        wrong(lockout)
    assert redis.ttl(lockout.account_key(COMPANY, EMAIL)) == LOCK_SECONDS
    for client in (CLIENT, "198.51.100.1", "command-line"):
        with pytest.raises(Locked) as locked:
            lockout.reserve(COMPANY, EMAIL, client)
        assert locked.value.retry_after == LOCK_SECONDS


def test_the_account_is_the_company_and_the_e_mail_however_it_is_typed(lockout):
    for typed in ("cfo@acme.example", " CFO@Acme.Example ", "cfo@ACME.example", "Cfo@acme.example\t"):
        wrong(lockout, email=typed)
    assert wrong(lockout) == 0
    with pytest.raises(Locked):
        lockout.reserve(COMPANY, EMAIL, CLIENT)
    lockout.reserve("co_globex", EMAIL, "198.51.100.1")  # the same address at another company: its own account
    lockout.reserve(COMPANY, "ceo@acme.example", "198.51.100.1")


def test_tries_beyond_the_limit_are_refused_before_any_password_check(lockout):
    # Parallel guesses each reserve a try first: the sixth is refused even if none has failed yet.
    for _ in range(MAX_TRIES):
        lockout.reserve(COMPANY, EMAIL, CLIENT)
    with pytest.raises(Locked):
        lockout.reserve(COMPANY, EMAIL, "198.51.100.1")


def test_one_address_gets_a_ceiling_of_wrong_tries_across_accounts(lockout):
    # Four wrong tries on each of five accounts: no account locks, but the address has used up its ceiling.
    for account in range(CLIENT_MAX_TRIES // (MAX_TRIES - 1)):
        for _ in range(MAX_TRIES - 1):
            remaining = wrong(lockout, email=f"person{account}@acme.example")
    assert remaining == 0
    with pytest.raises(Locked) as locked:
        lockout.reserve(COMPANY, "someone-else@acme.example", CLIENT)
    assert locked.value.retry_after == LOCK_SECONDS
    assert lockout.client_locked_for(COMPANY, CLIENT) == LOCK_SECONDS
    # Another address still has every try, on the same accounts too; so has this address at another company.
    assert lockout.reserve(COMPANY, "person0@acme.example", "198.51.100.1").number == MAX_TRIES
    assert lockout.reserve("co_globex", "cfo@globex.example", CLIENT).client_number == 1
    assert lockout.client_locked_for("co_globex", CLIENT) == 0


def test_the_tries_left_are_the_fewer_of_account_and_address(lockout):
    for account in range(CLIENT_MAX_TRIES - 2):
        wrong(lockout, email=f"person{account}@acme.example")
    assert wrong(lockout) == 1  # the account has 4 left, the address 1


def test_a_right_password_resets_the_account_and_gives_the_addresss_try_back(lockout, redis):
    for _ in range(MAX_TRIES - 1):
        wrong(lockout)
    lockout.succeeded(lockout.reserve(COMPANY, EMAIL, CLIENT))
    assert lockout.reserve(COMPANY, EMAIL, CLIENT).number == 1
    assert int(redis.get(lockout.client_key(COMPANY, CLIENT))) == MAX_TRIES  # four wrong ones and this reservation


def test_many_right_passwords_never_lock_an_address(lockout):
    for _ in range(CLIENT_MAX_TRIES * 2):
        lockout.succeeded(lockout.reserve(COMPANY, EMAIL, CLIENT))
    assert lockout.client_locked_for(COMPANY, CLIENT) == 0


def test_the_window_has_a_ttl_from_the_first_try(lockout, redis):
    lockout.reserve(COMPANY, EMAIL, CLIENT)
    assert 0 < redis.ttl(lockout.account_key(COMPANY, EMAIL)) <= LOCK_SECONDS
    assert 0 < redis.ttl(lockout.client_key(COMPANY, CLIENT)) <= LOCK_SECONDS


def test_the_lock_ends_when_the_key_expires(lockout, redis):
    for _ in range(MAX_TRIES):
        wrong(lockout)
    redis.delete(lockout.account_key(COMPANY, EMAIL))  # what the TTL does after LOCK_SECONDS
    assert lockout.reserve(COMPANY, EMAIL, CLIENT).number == 1


def test_keys_hold_no_e_mail_and_take_the_prefix_given(redis):
    lockout = Lockout(redis, prefix="install-a:approval-tries")
    wrong(lockout)
    keys = sorted(key.decode() for key in redis.keys("*"))
    assert len(keys) == 2 and all(key.startswith("install-a:approval-tries:") for key in keys)
    assert not any("acme" in key or CLIENT in key for key in keys)


def test_redis_down_means_no_try_and_a_message_for_a_person(server, lockout):
    server.connected = False
    with pytest.raises(LockoutUnavailable) as unavailable:
        lockout.reserve(COMPANY, EMAIL, CLIENT)
    assert str(unavailable.value) == "approving is paused for a moment; try again in a minute"
    assert lockout.client_locked_for(COMPANY, CLIENT) == 0


def test_redis_down_after_a_right_password_does_not_block_the_approval(server, lockout):
    attempt = lockout.reserve(COMPANY, EMAIL, CLIENT)
    server.connected = False
    lockout.succeeded(attempt)  # logged; the count expires on its own
