"""Webhook coalescing in Redis: dedupe deliveries, gather remote ids, keep one pending sync per company.

Keys (per company, under the installation's namespace): `seen` marks a delivery already accepted,
`ids` gathers the remote ids still to fetch, `pending` names the targeted sync that will fetch them
("new" until it is scheduled), and the installation's `unscheduled` set lists the companies whose
pending sync still has to be created and scheduled (scored by when that became due). Each step is
one Lua script (atomic): a delivery writes ids and, for the first of a burst, the list entry and
the "new" flag, and `seen` last; the scheduler later makes its committed sync row the pending one,
schedules the job and leaves the list in one more. Redis does not roll a failing script back, so
every write that can fail comes before `seen`: a delivery refused half-way is not taken for a
duplicate when retried. A delivery naming more than CHUNK employees first stages its ids in
chunks (a script cannot pass that many values to one command), then joins them in the same one
script.
"""

from __future__ import annotations

import enum
import secrets
from typing import Callable, Iterable

from redis import Redis
from redis.client import Pipeline
from redis.commands.core import Script

from core.namespace import key
from providers.registry import PROVIDERS

# A delivery is recognised as a repeat for as long as any registered HR system retries one, and two days more.
SEEN_TTL = int(max([d.webhooks.retry_seconds for d in PROVIDERS.values()], default=0) + 2 * 24 * 3600)
# A safety net only: the sync's job clears the flag when it starts.
PENDING_TTL = 6 * 3600
CLAIM_TTL = 8 * 24 * 3600
# Ids per command: Lua's unpack() fails near 8,000 values, and one huge command stalls every other client.
CHUNK = 1000
# Staged ids of a large delivery are joined a moment later; should the process die in between, they expire.
STAGING_TTL = 600
# When a company's last delivery arrived is kept this long after it (a company whose deliveries stopped sees the
# date for a year; one gone leaves nothing behind for ever).
LAST_DELIVERY_TTL = 400 * 24 * 3600

# Clear the pending flag if it is still ours, then move the gathered ids into this sync's own
# claim set (kept until the ids are safe on the sync row), and return the claim.
# KEYS: pending, ids, claim; ARGV: sync id, claim ttl
_CLAIM = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('SUNIONSTORE', KEYS[3], KEYS[3], KEYS[2])
  redis.call('DEL', KEYS[2])
  redis.call('EXPIRE', KEYS[3], ARGV[2])
end
return redis.call('SMEMBERS', KEYS[3])
"""


NEW = "new"  # the pending flag of a company whose sync is accepted but not scheduled yet

# One round trip per delivery: a repeat; or its ids join the company's pending sync; or it is the first
# of a burst: the company's sync becomes due for scheduling. The ids come as arguments (at most CHUNK) or,
# from a large delivery, in a staged set (KEYS[6]). `seen` is written last: see the module docstring. When it
# arrived is noted first, a repeat included: the HR system did deliver (the Webhooks page shows it).
# KEYS: seen, pending, ids, unscheduled, last delivery[, staged]; ARGV: seen ttl, pending ttl, now, company id,
# last delivery ttl, remote ids...
_ACCEPT = """
redis.call('SET', KEYS[5], ARGV[3], 'EX', ARGV[5])
if redis.call('EXISTS', KEYS[1]) == 1 then
  if KEYS[6] then redis.call('DEL', KEYS[6]) end
  return 'duplicate'
end
if KEYS[6] then
  redis.call('SUNIONSTORE', KEYS[3], KEYS[3], KEYS[6])
  redis.call('DEL', KEYS[6])
else
  redis.call('SADD', KEYS[3], unpack(ARGV, 6))
end
local state = 'joined'
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('ZADD', KEYS[4], 'NX', ARGV[3], ARGV[4])
  redis.call('SET', KEYS[2], 'new', 'EX', ARGV[2])
  state = 'scheduled'
end
redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
return state
"""

# A committed sync row becomes the company's pending sync, if its scheduling is still due (another process
# may have done it already: then 0, and the caller discards its row). The scheduling commands are the ones
# the caller recorded on an unexecuted pipeline (RQ's own job serialization), run only by the winner.
# KEYS: pending, unscheduled; ARGV: company id, sync id, pending ttl, then per command: its length, its words.
_SCHEDULE = """
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
local at = 4
while at <= #ARGV do
  local words = tonumber(ARGV[at])
  redis.call(unpack(ARGV, at + 1, at + words))
  at = at + words + 1
end
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
"""

# An entry due since before the cutoff is taken by one sweeper: its score moves to now, so the others
# (and this one, should it die) see it due again only after another grace period.
# KEYS: unscheduled; ARGV: company id, cutoff, now
_LEASE = """
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) <= tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], 'XX', ARGV[3], ARGV[1])
  return 1
end
return 0
"""

# A company that can no longer sync (its integration is gone): off the list, its "new" flag cleared.
# KEYS: pending, unscheduled; ARGV: company id
_FORGET = """
if redis.call('GET', KEYS[1]) == 'new' then redis.call('DEL', KEYS[1]) end
redis.call('ZREM', KEYS[2], ARGV[1])
"""

# Built once: EVALSHA with the digest computed here, loading the script only when the server lacks it.
_CLAIM_SCRIPT, _ACCEPT_SCRIPT, _SCHEDULE_SCRIPT, _LEASE_SCRIPT, _FORGET_SCRIPT = (
    Script(None, text.encode()) for text in (_CLAIM, _ACCEPT, _SCHEDULE, _LEASE, _FORGET))


class Intake(enum.StrEnum):
    DUPLICATE = "duplicate"   # seen before: no effect
    JOINED = "joined"         # ids added to the company's pending sync
    SCHEDULED = "scheduled"   # a new targeted sync is due for these ids (created and queued off the request)


def seen_key(namespace: str, company_id: str, delivery_id: str) -> str:
    return key(namespace, "seen", company_id, delivery_id)


def ids_key(namespace: str, company_id: str) -> str:
    return key(namespace, "ids", company_id)


def pending_key(namespace: str, company_id: str) -> str:
    return key(namespace, "pending", company_id)


def last_delivery_key(namespace: str, company_id: str) -> str:
    return key(namespace, "last-delivery", company_id)


def last_delivery(redis: Redis, namespace: str, company_id: str) -> float | None:
    """When the company's last accepted delivery arrived (a Unix time), or None. A ping, which needs no secret, is
    answered without being noted: anyone could send one."""
    value = redis.get(last_delivery_key(namespace, company_id))
    return None if value is None else float(_text(value))


def claim_key(namespace: str, sync_id: int) -> str:
    return key(namespace, "claim", int(sync_id))


def unscheduled_key(namespace: str) -> str:
    return key(namespace, "unscheduled")


# Records on the pipeline what queueing a company's sync would send (it is never executed).
Schedule = Callable[[Pipeline, str, int], None]


def accept(redis: Redis, namespace: str, company_id: str, delivery_id: str, remote_ids: Iterable[str],
           now: float) -> Intake:
    """Dedupe and coalesce one delivery (SCHEDULED: its company's sync is now due for `schedule`).

    Returns only once every id is stored; any Redis error leaves the delivery unseen (a retry is no duplicate).
    """
    ids = sorted(set(remote_ids))
    keys = [seen_key(namespace, company_id, delivery_id), pending_key(namespace, company_id),
            ids_key(namespace, company_id), unscheduled_key(namespace), last_delivery_key(namespace, company_id)]
    args = [SEEN_TTL, PENDING_TTL, now, company_id, LAST_DELIVERY_TTL]
    if len(ids) <= CHUNK:
        return Intake(_text(_ACCEPT_SCRIPT(keys=keys, args=[*args, *ids], client=redis)))
    staged = _stage(redis, namespace, ids)
    return Intake(_text(_ACCEPT_SCRIPT(keys=[*keys, staged], args=args, client=redis)))


def _stage(redis: Redis, namespace: str, ids: list[str]) -> str:
    """A large delivery's ids in a set of this attempt's own, CHUNK per command, in one round trip."""
    staged = key(namespace, "staged", secrets.token_hex(8))
    with redis.pipeline(transaction=False) as pipe:
        for start in range(0, len(ids), CHUNK):
            pipe.sadd(staged, *ids[start:start + CHUNK])
        pipe.expire(staged, STAGING_TTL)
        pipe.execute()
    return staged


def schedule(redis: Redis, namespace: str, due: list[tuple[str, int]], schedule_job: Schedule) -> list[bool]:
    """For each (company, committed sync id): make it the company's pending sync and schedule its job, if
    still due. One MULTI for all: every script runs, or (the link broken before EXEC) none does."""
    with redis.pipeline(transaction=True) as pipe:
        for company_id, sync_id in due:
            _SCHEDULE_SCRIPT(keys=[pending_key(namespace, company_id), unscheduled_key(namespace)],
                             args=[company_id, int(sync_id), PENDING_TTL, *_recorded(redis, schedule_job,
                                                                                      company_id, sync_id)],
                             client=pipe)
        return [bool(done) for done in pipe.execute()]


def _recorded(redis: Redis, schedule_job: Schedule, company_id: str, sync_id: int) -> list:
    """The commands `schedule_job` sends, flattened for _SCHEDULE: per command its length, then its words."""
    recorder = redis.pipeline()
    try:
        schedule_job(recorder, company_id, sync_id)
        return [word for words, _options in recorder.command_stack for word in (len(words), *words)]
    finally:
        recorder.reset()


def due(redis: Redis, namespace: str, cutoff: float, limit: int) -> list[str]:
    """Companies whose sync has been due for scheduling since before `cutoff` (orphans of a dead process)."""
    listed = redis.zrangebyscore(unscheduled_key(namespace), "-inf", cutoff, 0, limit)
    return [_text(company_id) for company_id in listed]


def lease(redis: Redis, namespace: str, company_id: str, cutoff: float, now: float) -> bool:
    """Take a due entry for scheduling; False when it is no longer due or another sweeper took it."""
    return bool(_LEASE_SCRIPT(keys=[unscheduled_key(namespace)], args=[company_id, cutoff, now], client=redis))


def forget(redis: Redis, namespace: str, company_id: str) -> None:
    _FORGET_SCRIPT(keys=[pending_key(namespace, company_id), unscheduled_key(namespace)], args=[company_id],
                   client=redis)


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def claim_ids(redis: Redis, namespace: str, company_id: str, sync_id: int) -> list[str]:
    """For a starting targeted sync: end its pending state and take the ids gathered so far.

    Deliveries arriving from now on schedule the one follow-up sync. The claim survives a crash
    until `release_claim`, so a retried run never loses ids.
    """
    claimed = _CLAIM_SCRIPT(keys=[pending_key(namespace, company_id), ids_key(namespace, company_id),
                                  claim_key(namespace, sync_id)],
                            args=[str(int(sync_id)), CLAIM_TTL], client=redis)
    return sorted(item.decode() if isinstance(item, bytes) else str(item) for item in claimed)


def release_claim(redis: Redis, namespace: str, sync_id: int) -> None:
    redis.delete(claim_key(namespace, sync_id))
