"""Webhook coalescing in Redis: dedupe deliveries, gather remote ids, keep one pending sync per company.

Keys (all per company): `seen` marks a delivery already accepted, `ids` gathers the remote ids
still to fetch, `pending` names the targeted sync that will fetch them. A delivery writes all
three and the pending sync's job in one Lua script (atomic), so a failure leaves nothing
half-recorded, and the common cases cost one round trip, the first delivery of a burst two.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable, Iterable

from redis import Redis
from redis.client import Pipeline
from redis.commands.core import Script

# Personio retries a failed delivery for days, BambooHR for hours: remember deliveries longer.
SEEN_TTL = 8 * 24 * 3600
# A safety net only: the sync's job clears the flag when it starts.
PENDING_TTL = 6 * 3600
CLAIM_TTL = 8 * 24 * 3600
_PREFIX = "hrsync"

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


# The common case in one round trip: a repeat, or a delivery joining the company's pending sync.
# KEYS: seen, pending, ids; ARGV: seen ttl, remote ids...
_JOIN = """
if redis.call('EXISTS', KEYS[1]) == 1 then return {'duplicate', false} end
local pending = redis.call('GET', KEYS[2])
if not pending then return {'unscheduled', false} end
redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
redis.call('SADD', KEYS[3], unpack(ARGV, 2))
return {'joined', pending}
"""


# The first delivery of a burst, once its sync row is committed: the checks of _JOIN again (another
# delivery may have scheduled meanwhile: then this one joins it and the caller discards its row), else
# the pending flag and the job's scheduling. The scheduling commands are the ones the caller recorded on
# an unexecuted pipeline (RQ's own job serialization), run here only if this delivery wins.
# KEYS: seen, pending, ids; ARGV: seen ttl, pending ttl, sync id, id count, remote ids...,
# then per command: its length and its words.
_SCHEDULE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return {'duplicate', false} end
local count = tonumber(ARGV[4])
redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
redis.call('SADD', KEYS[3], unpack(ARGV, 5, 4 + count))
local pending = redis.call('GET', KEYS[2])
if pending then return {'joined', pending} end
redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[2])
local at = 5 + count
while at <= #ARGV do
  local words = tonumber(ARGV[at])
  redis.call(unpack(ARGV, at + 1, at + words))
  at = at + words + 1
end
return {'scheduled', ARGV[3]}
"""

# Built once: EVALSHA with the digest computed here, loading the script only when the server lacks it.
_CLAIM_SCRIPT, _JOIN_SCRIPT, _SCHEDULE_SCRIPT = (Script(None, text.encode()) for text in (_CLAIM, _JOIN, _SCHEDULE))


class Intake(enum.StrEnum):
    DUPLICATE = "duplicate"   # seen before: no effect
    JOINED = "joined"         # ids added to the company's pending sync
    SCHEDULED = "scheduled"   # a new targeted sync was scheduled for these ids


def seen_key(company_id: str, delivery_id: str) -> str:
    return f"{_PREFIX}:seen:{company_id}:{delivery_id}"


def ids_key(company_id: str) -> str:
    return f"{_PREFIX}:ids:{company_id}"


def pending_key(company_id: str) -> str:
    return f"{_PREFIX}:pending:{company_id}"


def claim_key(sync_id: int) -> str:
    return f"{_PREFIX}:claim:{int(sync_id)}"


@dataclass
class LazyRun:
    """Creates the sync row on first need only (the row is committed before its job is queued)."""

    create: Callable[[], int]
    sync_id: int | None = None

    def get(self) -> int:
        if self.sync_id is None:
            self.sync_id = self.create()
        return self.sync_id


Schedule = Callable[[Pipeline, int], None]


def record_delivery(redis: Redis, company_id: str, delivery_id: str, remote_ids: Iterable[str],
                    run: LazyRun, schedule: Schedule) -> tuple[Intake, int | None]:
    """Dedupe and coalesce one delivery; returns what happened and the sync that will fetch the ids."""
    keys = [seen_key(company_id, delivery_id), pending_key(company_id), ids_key(company_id)]
    ids = sorted(set(remote_ids))
    state, value = _JOIN_SCRIPT(keys=keys, args=[SEEN_TTL, *ids], client=redis)
    if _text(state) == "unscheduled":
        sync_id = run.get()  # committed before anything can queue its job
        state, value = _SCHEDULE_SCRIPT(keys=keys, args=[SEEN_TTL, PENDING_TTL, sync_id, len(ids), *ids,
                                                         *_recorded(redis, schedule, sync_id)], client=redis)
    state = _text(state)
    if state == "duplicate":
        return Intake.DUPLICATE, None
    return (Intake.JOINED if state == "joined" else Intake.SCHEDULED), int(value)


def _recorded(redis: Redis, schedule: Schedule, sync_id: int) -> list:
    """The commands `schedule` issues on a pipeline, flattened for _SCHEDULE (the pipeline never runs)."""
    recorder = redis.pipeline()
    try:
        schedule(recorder, sync_id)
        return [word for words, _options in recorder.command_stack for word in (len(words), *words)]
    finally:
        recorder.reset()


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


def claim_ids(redis: Redis, company_id: str, sync_id: int) -> list[str]:
    """For a starting targeted sync: end its pending state and take the ids gathered so far.

    Deliveries arriving from now on schedule the one follow-up sync. The claim survives a crash
    until `release_claim`, so a retried run never loses ids.
    """
    claimed = _CLAIM_SCRIPT(keys=[pending_key(company_id), ids_key(company_id), claim_key(sync_id)],
                            args=[str(int(sync_id)), CLAIM_TTL], client=redis)
    return sorted(item.decode() if isinstance(item, bytes) else str(item) for item in claimed)


def release_claim(redis: Redis, sync_id: int) -> None:
    redis.delete(claim_key(sync_id))
