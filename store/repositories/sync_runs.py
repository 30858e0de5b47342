"""Sync runs: a row per sync job with its lifecycle (queued → running → succeeded/failed) and progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Mapping

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from store.enums import SyncMode, SyncStatus, SyncTrigger
from store.errors import InvalidTransition, NotFound
from store.models import SyncRunRow, utcnow
from store.paging import decode_id_cursor
from store.repositories import integrations

# A failed run may run again: RQ retries transient provider errors with the same sync id.
# running → queued: a transient error with a retry scheduled (the run waits for it).
_ALLOWED = {
    SyncStatus.QUEUED: {SyncStatus.RUNNING, SyncStatus.FAILED},
    SyncStatus.RUNNING: {SyncStatus.QUEUED, SyncStatus.RUNNING, SyncStatus.SUCCEEDED, SyncStatus.FAILED},
    SyncStatus.FAILED: {SyncStatus.RUNNING},
    SyncStatus.SUCCEEDED: set(),
}
ACTIVE = (SyncStatus.QUEUED.value, SyncStatus.RUNNING.value)
MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class SyncRun:
    id: int
    company_id: str
    provider: str
    mode: SyncMode
    status: SyncStatus
    remote_ids: tuple[str, ...]
    fetched: int
    matched: int
    total: int | None
    counts: dict[str, int]
    error: str | None
    changeset_id: int | None
    cursor_after: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    trigger: SyncTrigger = SyncTrigger.MANUAL
    requested_by: str | None = None
    error_code: str | None = None
    # Mapped source fields the HR system sent for no employee of this (succeeded) sync: a credential's gap.
    missing_fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SyncRunPage:
    items: list[SyncRun]
    next: str | None


def create_run(session: Session, company_id: str, provider: str, mode: SyncMode | str,
               remote_ids: Iterable[str] = (), *, trigger: SyncTrigger | str = SyncTrigger.MANUAL,
               requested_by: str | None = None) -> SyncRun:
    """A queued run; `trigger` says what asked for it and `requested_by` who (never a secret)."""
    ids = sorted(set(remote_ids))
    row = SyncRunRow(company_id=company_id, provider=provider, mode=SyncMode(mode).value,
                     remote_ids=ids or None, trigger=SyncTrigger(trigger).value, requested_by=requested_by)
    session.add(row)
    session.flush()
    return _to_run(row)


def get_run(session: Session, run_id: int, company_id: str | None = None) -> SyncRun:
    """The run; with `company_id`, another company's run is NotFound too."""
    return _to_run(_row(session, run_id, company_id))


def start_run(session: Session, run_id: int) -> SyncRun:
    """Mark running and reset progress (a retried run starts its counts again)."""
    row = _transition(session, run_id, SyncStatus.RUNNING)
    row.started_at, row.finished_at, row.error, row.error_code = utcnow(), None, None, None
    row.fetched, row.matched, row.total = 0, 0, None
    return _to_run(row)


def record_progress(session: Session, run_id: int, fetched: int, matched: int | None = None,
                    total: int | None = None) -> None:
    """Progress of a running sync; one small UPDATE, meant for its own short transaction."""
    values: dict = {"fetched": fetched}
    if matched is not None:
        values["matched"] = matched
    if total is not None:
        values["total"] = total
    session.execute(update(SyncRunRow).where(SyncRunRow.id == run_id,
                                             SyncRunRow.status == SyncStatus.RUNNING.value)
                    .values(**values))


def succeed_run(session: Session, run_id: int, counts: Mapping[str, int],
                cursor_after: str | None = None, missing_fields: Iterable[str] = ()) -> SyncRun:
    """Mark succeeded with its counts, the next cursor and the mapped fields the HR system sent for nobody."""
    row = _transition(session, run_id, SyncStatus.SUCCEEDED)
    row.counts, row.cursor_after, row.finished_at = dict(counts), cursor_after, utcnow()
    row.missing_fields = sorted(set(missing_fields)) or None
    return _to_run(row)


def fail_run(session: Session, run_id: int, error: str, error_code: str | None = None) -> SyncRun:
    """Mark failed with a reason a person can read (and its code in core.errors, when known); `error` must hold
    no secret.

    Whatever the cause, the company's integration then needs attention (until a sync succeeds).
    """
    row = _transition(session, run_id, SyncStatus.FAILED)
    row.error, row.error_code, row.finished_at = error, error_code, utcnow()
    integrations.record_sync_failure(session, row.company_id, row.provider, error, row.finished_at)
    return _to_run(row)


def requeue_run(session: Session, run_id: int, reason: str, error_code: str | None = None) -> SyncRun:
    """Back to queued after a transient error, a retry being scheduled; `reason` must hold no secret."""
    row = _transition(session, run_id, SyncStatus.QUEUED)
    row.error, row.error_code, row.finished_at = reason, error_code, None
    return _to_run(row)


def set_remote_ids(session: Session, run_id: int, remote_ids: Iterable[str]) -> SyncRun:
    """The remote ids a targeted run fetches, kept on the row so that a retried run uses the same ones."""
    row = _row(session, run_id, lock=True)
    row.remote_ids = sorted(set(remote_ids)) or None
    return _to_run(row)


def widen_run(session: Session, run_id: int, mode: SyncMode | str) -> bool:
    """A queued run asked for again: it becomes full if full is asked (it reads its mode when it starts);
    False when it is no longer queued."""
    row = _row(session, run_id, lock=True)
    if row.status != SyncStatus.QUEUED.value:
        return False
    if SyncMode(mode) is SyncMode.FULL:
        row.mode = SyncMode.FULL.value
    return True


def discard_run(session: Session, run_id: int) -> None:
    """Delete a queued run that was never handed to a job (it lost a race to another request's run)."""
    session.execute(delete(SyncRunRow).where(SyncRunRow.id == run_id,
                                             SyncRunRow.status == SyncStatus.QUEUED.value))


def active_runs(session: Session, company_id: str) -> list[SyncRun]:
    """Queued or running syncs of the company, oldest first."""
    query = (select(SyncRunRow).where(SyncRunRow.company_id == company_id,
                                      SyncRunRow.status.in_(ACTIVE)).order_by(SyncRunRow.id))
    return [_to_run(row) for row in session.scalars(query)]


def recent_runs(session: Session, company_id: str, limit: int, status: SyncStatus | None = None,
                trigger: SyncTrigger | None = None) -> list[SyncRun]:
    """The company's latest syncs, newest first (optionally only those in `status`, or asked this way)."""
    query = select(SyncRunRow).where(SyncRunRow.company_id == company_id)
    if status is not None:
        query = query.where(SyncRunRow.status == status.value)
    if trigger is not None:
        query = query.where(SyncRunRow.trigger == SyncTrigger(trigger).value)
    return [_to_run(row) for row in session.scalars(query.order_by(SyncRunRow.id.desc()).limit(limit))]


def list_page(session: Session, company_id: str, *, cursor: str | None = None, limit: int = 50,
              status: SyncStatus | None = None, trigger: SyncTrigger | None = None) -> SyncRunPage:
    """One page of the company's syncs, newest first; `next` is the cursor of the following (older) page."""
    limit = max(1, min(limit, MAX_PAGE))
    query = select(SyncRunRow).where(SyncRunRow.company_id == company_id)
    if status is not None:
        query = query.where(SyncRunRow.status == SyncStatus(status).value)
    if trigger is not None:
        query = query.where(SyncRunRow.trigger == SyncTrigger(trigger).value)
    if cursor is not None:
        query = query.where(SyncRunRow.id < decode_id_cursor(cursor))
    rows = list(session.scalars(query.order_by(SyncRunRow.id.desc()).limit(limit + 1)))
    items = [_to_run(row) for row in rows[:limit]]
    return SyncRunPage(items, str(items[-1].id) if len(rows) > limit else None)


def last_cursor(session: Session, company_id: str) -> str | None:
    """The cursor left by the company's latest successful sync that recorded one."""
    query = (select(SyncRunRow.cursor_after)
             .where(SyncRunRow.company_id == company_id,
                    SyncRunRow.status == SyncStatus.SUCCEEDED.value,
                    SyncRunRow.cursor_after.is_not(None))
             .order_by(SyncRunRow.id.desc()).limit(1))
    return session.scalar(query)


def _transition(session: Session, run_id: int, target: SyncStatus) -> SyncRunRow:
    row = _row(session, run_id, lock=True)
    current = SyncStatus(row.status)
    if target not in _ALLOWED[current]:
        raise InvalidTransition(f"sync {run_id} is {current.value}; it cannot become {target.value}")
    row.status = target.value
    return row


def _row(session: Session, run_id: int, company_id: str | None = None,
         lock: bool = False) -> SyncRunRow:
    row = session.get(SyncRunRow, run_id, with_for_update=lock or None)
    if row is None or (company_id is not None and row.company_id != company_id):
        raise NotFound(f"no sync {run_id}")
    return row


def _to_run(row: SyncRunRow) -> SyncRun:
    return SyncRun(
        id=row.id, company_id=row.company_id, provider=row.provider, mode=SyncMode(row.mode),
        status=SyncStatus(row.status), remote_ids=tuple(row.remote_ids or ()),
        fetched=row.fetched, matched=row.matched, total=row.total, counts=dict(row.counts or {}),
        error=row.error, changeset_id=row.changeset_id, cursor_after=row.cursor_after,
        created_at=row.created_at, started_at=row.started_at, finished_at=row.finished_at,
        trigger=SyncTrigger(row.trigger or SyncTrigger.MANUAL.value), requested_by=row.requested_by,
        error_code=row.error_code, missing_fields=tuple(row.missing_fields or ()),
    )
