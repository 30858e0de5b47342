"""What the console's overview shows first: the change sets waiting for approval, the sync running now and the last
one that ended, and (for admins) the HR integration's state."""

from __future__ import annotations

from dataclasses import dataclass

from redis import Redis

from core.bootstrap import Services
from services import changesets, integration, syncs
from store.enums import ChangeSetStatus, SyncStatus
from store.repositories.changeset_lists import ChangeSetSummary
from store.repositories.integrations import Integration
from store.repositories.sync_runs import SyncRun
from services.sync_progress import SyncProgress

# Enough to find the running sync and the last ended one behind a few queued ones; pending change sets are one per
# company, so a handful covers an installation that keeps older ones waiting.
RECENT_SYNCS = 10
PENDING_SHOWN = 5


@dataclass(frozen=True)
class Overview:
    pending: list[ChangeSetSummary]
    running: SyncRun | None
    running_progress: SyncProgress | None
    last_ended: SyncRun | None
    # Admins only (None for an approver, or when not connected: see `connected`).
    integration: Integration | None
    connected: bool


def company_overview(services: Services, redis: Redis, company_id: str, *, admin: bool) -> Overview:
    pending = changesets.list_changesets(services, company_id, limit=PENDING_SHOWN,
                                         status=ChangeSetStatus.PENDING).items
    recent = syncs.recent_syncs(services, company_id, RECENT_SYNCS)
    running = next((run for run in recent if run.status in (SyncStatus.QUEUED, SyncStatus.RUNNING)), None)
    last_ended = next((run for run in recent if run.status not in (SyncStatus.QUEUED, SyncStatus.RUNNING)), None)
    progress = syncs.progress_of(services, redis, [running])[running.id] if running else None
    state = integration.read_state(services, company_id).integration if admin else None
    return Overview(pending, running, progress, last_ended, state, state is not None)
