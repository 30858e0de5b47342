"""Webhook coalescing in Redis: dedupe deliveries, gather remote ids, keep one pending sync per company.

Keys (all per company): `seen` marks a delivery already accepted, `ids` gathers the remote ids
still to fetch, `pending` names the targeted sync that will fetch them. A delivery writes all
three and the pending sync's job in one MULTI, so a failure leaves nothing half-recorded.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable, Iterable

from redis import Redis
from redis.client import Pipeline
from redis.commands.core import Script
from redis.exceptions import WatchError

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


# Built once: EVALSHA with the digest computed here, loading the script only when the server lacks it.
_CLAIM_SCRIPT, _JOIN_SCRIPT = Script(None, _CLAIM.encode()), Script(None, _JOIN.encode())


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
    seen, pending = seen_key(company_id, delivery_id), pending_key(company_id)
    ids = sorted(set(remote_ids))
    state, joined = _JOIN_SCRIPT(keys=[seen, pending, ids_key(company_id)], args=[SEEN_TTL, *ids], client=redis)
    state = state.decode() if isinstance(state, bytes) else state
    if state == "duplicate":
        return Intake.DUPLICATE, None
    if state == "joined":
        return Intake.JOINED, int(joined)
    with redis.pipeline() as pipe:
        while True:
            try:
                # WATCH: a concurrent delivery or a starting sync changes these keys → start over.
                pipe.watch(seen, pending)
                if pipe.exists(seen):
                    pipe.unwatch()
                    return Intake.DUPLICATE, None
                current = pipe.get(pending)
                sync_id = int(current) if current is not None else run.get()
                pipe.multi()
                pipe.set(seen, "1", ex=SEEN_TTL)
                pipe.sadd(ids_key(company_id), *ids)
                if current is None:
                    pipe.set(pending, str(sync_id), ex=PENDING_TTL)
                    schedule(pipe, sync_id)
                pipe.execute()
                return (Intake.SCHEDULED if current is None else Intake.JOINED), sync_id
            except WatchError:
                continue


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
