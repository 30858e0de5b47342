"""An installation's names in Redis (SPEC §2, HRSYNC_NAMESPACE): installations sharing one Redis share no key,
queue or job.

hrsync's own keys read `hrsync:<namespace>:…`. RQ's names (queues, job ids, rate-limit keys) start with
`<namespace>-`, which keeps RQ's keys apart as well (`rq:queue:<namespace>-sync`, `rq:job:<namespace>-sync-7`,
`rq:scheduler-lock:<namespace>-sync`, …): a worker listens only to its own installation's queues, and its
housekeeping cleans only their registries. (RQ's rate-limit cleanup walks every installation's company slots,
but only frees the slot of a job that has ended and moves that company's next job into its own queue.)
"""

from __future__ import annotations

from redis import Redis

from core.lockout import Lockout


def key(namespace: str, *parts: object) -> str:
    """A key of hrsync's own: `hrsync:<namespace>:<part>:…`."""
    return ":".join(("hrsync", namespace, *(str(part) for part in parts)))


def rq_name(namespace: str, name: str) -> str:
    """A queue name, job id or rate-limit key for RQ (letters, digits, `-`, `_`: the namespace is checked)."""
    return f"{namespace}-{name}"


def lockout(redis: Redis, namespace: str) -> Lockout:
    """The approval password lockout, counting in this installation's keys."""
    return Lockout(redis, prefix=key(namespace, "approval-tries"))


def signin_lockout(redis: Redis, namespace: str) -> Lockout:
    """The console's sign-in lockout (per e-mail; the address ceiling refuses only accounts that are failing, see
    services/signin.py), counting in this installation's keys."""
    return Lockout(redis, prefix=key(namespace, "signin-tries"), ceiling_spares_clean_accounts=True)
