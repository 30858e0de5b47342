"""Counting wrong approver passwords in Redis: per approver account, with a ceiling per client address.

An account is a (company, e-mail) pair, whichever change set, link or channel (approve page, JSON API,
`hrsync changes approve`) the password comes through: MAX_TRIES wrong ones lock it for LOCK_SECONDS. An
e-mail that is no approver is counted exactly like one that is, so the answers never tell which accounts
exist. On top, one client address gets CLIENT_MAX_TRIES wrong tries per LOCK_SECONDS across every account of
a company, which caps how many of its accounts a single address can guess at (or lock) in that time. The
ceiling stays within the company: behind a proxy that hides addresses, one tenant's wrong tries must not
pause every other tenant's approvals.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from redis import Redis, RedisError
from redis.commands.core import Script

from core.errors import Locked, LockoutUnavailable
from store.repositories import approvers

log = logging.getLogger(__name__)

MAX_TRIES = 5
CLIENT_MAX_TRIES = 20
LOCK_SECONDS = 15 * 60
# The client the command line counts against (it has no network address: its users reach the database anyway).
COMMAND_LINE = "command-line"

# Refuse when either count is used up; otherwise count the try on both (a window starts with its first try).
# With ARGV[4] = '1' a used-up client count refuses only accounts that are failing (a wrong or unfinished try
# counted): see Lockout's `ceiling_spares_clean_accounts`.
# Checking and counting in one script: parallel guesses each get their own number and none slips past.
# KEYS: account, client; ARGV: max tries, client max tries, window seconds, spare clean accounts.
# Returns {0, which, ttl} when locked, else {account number, client number}.
_RESERVE = """
local limits = {tonumber(ARGV[1]), tonumber(ARGV[2])}
local account = tonumber(redis.call('GET', KEYS[1]) or '0')
if account >= limits[1] then
  return {0, 1, redis.call('TTL', KEYS[1])}
end
if tonumber(redis.call('GET', KEYS[2]) or '0') >= limits[2] and (ARGV[4] ~= '1' or account > 0) then
  return {0, 2, redis.call('TTL', KEYS[2])}
end
local numbers = {}
for i = 1, 2 do
  numbers[i] = redis.call('INCR', KEYS[i])
  if redis.call('TTL', KEYS[i]) < 0 then redis.call('EXPIRE', KEYS[i], ARGV[3]) end
end
return numbers
"""

# A right password gives its reserved try back to the client (the account's count starts again).
# KEYS: account, client.
_GIVE_BACK = """
redis.call('DEL', KEYS[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 1
"""


@dataclass(frozen=True, slots=True)
class Attempt:
    """A reserved password try: its number (1-based) within the account's and the client's windows."""

    account_key: str
    client_key: str
    number: int
    client_number: int


class Lockout:
    """Tries are reserved *before* the password is checked, so parallel guesses cannot slip past the limit
    while the slow hash runs; a wrong password keeps its try, a right one gives it back."""

    def __init__(self, redis: Redis, max_tries: int = MAX_TRIES, lock_seconds: int = LOCK_SECONDS,
                 client_max_tries: int = CLIENT_MAX_TRIES, prefix: str = "hrsync:approval-tries", *,
                 ceiling_spares_clean_accounts: bool = False):
        """`ceiling_spares_clean_accounts`: a client past its ceiling is still let try an account that has no wrong
        try counted in the window (one try: a wrong one makes it failing, and the ceiling refuses it from then on).
        For a ceiling shared by every company, where refusing everyone behind one address would let one tenant's
        typos lock the others out; see services/signin.py."""
        self._redis, self.max_tries, self.lock_seconds = redis, max_tries, lock_seconds
        self.client_max_tries, self._prefix = client_max_tries, prefix
        self.ceiling_spares_clean_accounts = ceiling_spares_clean_accounts
        self._reserve, self._give_back = Script(redis, _RESERVE.encode()), Script(redis, _GIVE_BACK.encode())

    def account_key(self, company_id: str, email: str) -> str:
        # Hashed: no e-mail address in Redis, and any text the caller typed gives a key of one shape.
        return f"{self._prefix}:account:{_digest(company_id, approvers.normalise_email(email))}"

    def client_key(self, company_id: str, client: str) -> str:
        return f"{self._prefix}:client:{_digest(company_id, client)}"

    def reserve(self, company_id: str, email: str, client: str) -> Attempt:
        """Count one try of this account from this client; raise Locked when either has none left."""
        keys = (self.account_key(company_id, email), self.client_key(company_id, client))
        try:
            answer = self._reserve(keys=keys, args=(self.max_tries, self.client_max_tries, self.lock_seconds,
                                                    int(self.ceiling_spares_clean_accounts)))
        except RedisError:
            raise LockoutUnavailable() from None
        if int(answer[0]) == 0:
            ttl = int(answer[2])
            raise Locked(ttl if ttl > 0 else self.lock_seconds)
        return Attempt(*keys, int(answer[0]), int(answer[1]))

    def failed(self, attempt: Attempt) -> int:
        """The reserved try was wrong: the tries left (0: this try started a lock of the account or client)."""
        remaining = min(self.max_tries - attempt.number, self.client_max_tries - attempt.client_number)
        if remaining <= 0:
            # The lock lasts the full period from the last allowed try, not from the window start.
            spent = [key for key, number, limit in ((attempt.account_key, attempt.number, self.max_tries),
                                                    (attempt.client_key, attempt.client_number,
                                                     self.client_max_tries)) if number >= limit]
            try:
                for key in spent:
                    self._redis.expire(key, self.lock_seconds)
            except RedisError:
                raise LockoutUnavailable() from None
        return max(0, remaining)

    def succeeded(self, attempt: Attempt) -> None:
        try:
            self._give_back(keys=(attempt.account_key, attempt.client_key))
        except RedisError:
            # The password was right: the approval goes on, the stale counts expire with their TTL.
            log.warning("could not reset the password tries of an approver")

    def client_locked_for(self, company_id: str, client: str) -> int:
        """Seconds this client stays refused at this company (0: not locked, or the store cannot tell now)."""
        key = self.client_key(company_id, client)
        try:
            tries = int(self._redis.get(key) or 0)
            ttl = int(self._redis.ttl(key)) if tries >= self.client_max_tries else 0
        except RedisError:
            return 0
        return max(0, ttl) if tries >= self.client_max_tries else 0


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:40]
