"""Companies for bench/webhooks.py, and what Redis holds after a run (the zero-lost check)."""

from __future__ import annotations

import time

from argon2 import PasswordHasher
from redis import Redis
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select, update

from core import coalescing, queueing
from sandbox.server import SandboxServer
from store import passwords
from store.db import transaction
from store.enums import SyncStatus
from store.models import SyncRunRow
from store.repositories import companies, integrations


def setup_companies(services, sandbox: SandboxServer, count: int) -> list[tuple[str, str, object]]:
    """`count` companies on BambooHR sandbox tenants; returns (company id, webhook secret, tenant)."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    passwords._hasher = lambda: cheap  # approver passwords are not what this measures
    made = []
    for number in range(count):
        tenant = sandbox.state.add_bamboohr_tenant(f"bench{number}", f"key-{number}", 20, seed=number)
        with transaction(services.session_factory) as session:
            company_id = companies.create_company(session, f"Bench {number}", f"cfo{number}@bench.example",
                                                  "pw").company_id
            integrations.set_integration(session, services.box, company_id, "bamboohr",
                                         {"subdomain": tenant.subdomain, "api_key": tenant.api_key})
            secret = integrations.set_webhook_secret(session, services.box, company_id)
        made.append((company_id, secret, tenant))
    return made


_counted: dict[str, int] = {"ids": 0}


def settle(redis_url: str, services, timeout: float = 30.0, empty: bool = True) -> dict[str, int]:
    """Count what Redis holds (deliveries, employee ids, pending syncs with their committed row and their
    scheduled job) once the web processes' intake schedulers have scheduled every sync due; then, with
    `empty`, empty it and fail the orphaned rows, so the next run starts from nothing pending. Without,
    `ids` counts the employee ids added since the last count."""
    client, namespace = Redis.from_url(redis_url), services.settings.namespace
    deadline = time.monotonic() + timeout
    while client.zcard(coalescing.unscheduled_key(namespace)) and time.monotonic() < deadline:
        time.sleep(0.05)  # the schedulers are the system under test: polled, with a deadline
    unscheduled = client.zcard(coalescing.unscheduled_key(namespace))
    seen = sum(1 for _ in client.scan_iter(coalescing.seen_key(namespace, "*", "*"), count=1000))
    ids = sum(client.scard(key) for key in client.scan_iter(coalescing.ids_key(namespace, "*"), count=1000))
    flags = [client.get(key) for key in client.scan_iter(coalescing.pending_key(namespace, "*"), count=1000)]
    pending = [int(flag) for flag in flags if flag and flag.isdigit()]
    scheduled = set(ScheduledJobRegistry(queue=queueing.queue(client, namespace)).get_job_ids())
    with transaction(services.session_factory) as session:
        queued = set(session.scalars(select(SyncRunRow.id).where(SyncRunRow.id.in_(pending),
                                                                 SyncRunRow.status == SyncStatus.QUEUED.value)))
        if empty:
            session.execute(update(SyncRunRow).where(SyncRunRow.id.in_(pending)).values(
                status=SyncStatus.FAILED.value, error="benchmark: Redis emptied"))
    complete = sum(1 for sync_id in pending
                   if sync_id in queued and queueing.sync_job_id(namespace, sync_id) in scheduled)
    new_ids, _counted["ids"] = ids - _counted["ids"], 0 if empty else ids
    if empty:
        client.flushdb()
    return {"seen": seen, "ids": new_ids, "pending": len(flags), "pending_complete": complete,
            "unscheduled": unscheduled}
