"""Writing change sets: save (superseding the older pending one), targeted merge, status changes."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Mapping

from psycopg import sql
from sqlalchemy import JSON, Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from domain.changeset import ChangeSet
from store import json_text
from store.enums import ChangeSetStatus
from store.errors import InvalidTransition, NotFound
from store.models import ChangeItemRow, ChangeSetRow, CompanyRow, SyncRunRow, utcnow
from store.repositories.changeset_codec import encode_item
from store.repositories.stakeholders import IN_CHUNK

_PENDING = ChangeSetStatus.PENDING.value
_JSON_COLUMNS = frozenset(column.name for column in ChangeItemRow.__table__.c if isinstance(column.type, JSON))


def save_changeset(session: Session, company_id: str, sync_run_id: int, changeset: ChangeSet,
                   stakeholder_versions: Mapping[int, int]) -> int:
    """Store a sync's change set as the company's pending one; returns its id.

    In the same transaction the older pending set becomes `superseded` (superseded_by = the new
    id) and the sync run points at the new set. Items go in as one bulk INSERT.
    """
    provider = _run_provider(session, company_id, sync_run_id)
    older = _lock_pending(session, company_id)
    if older is not None:
        # Before the INSERT: the one-pending-per-company index would refuse a second one.
        older.status = ChangeSetStatus.SUPERSEDED.value
        session.flush()
    row = ChangeSetRow(company_id=company_id, provider=provider, sync_run_id=sync_run_id)
    session.add(row)
    session.flush()
    if older is not None:
        older.superseded_by = row.id
    _insert_items(session, row.id, changeset, stakeholder_versions, first_position=0)
    _point_run(session, sync_run_id, row.id)
    return row.id


def merge_targeted(session: Session, company_id: str, sync_run_id: int, changeset: ChangeSet,
                   remote_ids: Iterable[str], stakeholder_versions: Mapping[int, int]) -> int:
    """Merge a targeted sync into the pending set: items of `remote_ids` are replaced, others kept.

    `remote_ids` are the ids the sync fetched; one that produced no item now loses its old item
    (the change was undone in HR). Without a pending set (of the same provider) this saves anew.
    """
    provider = _run_provider(session, company_id, sync_run_id)
    pending = _lock_pending(session, company_id)
    if pending is None or pending.provider != provider:
        return save_changeset(session, company_id, sync_run_id, changeset, stakeholder_versions)
    touched = sorted(set(remote_ids) | {item.remote_id for item in changeset.items})
    for start in range(0, len(touched), IN_CHUNK):
        session.execute(delete(ChangeItemRow).where(
            ChangeItemRow.change_set_id == pending.id,
            ChangeItemRow.remote_id.in_(touched[start:start + IN_CHUNK])))
    last = session.scalar(select(func.max(ChangeItemRow.position))
                          .where(ChangeItemRow.change_set_id == pending.id))
    _insert_items(session, pending.id, changeset, stakeholder_versions,
                  first_position=0 if last is None else last + 1)
    _point_run(session, sync_run_id, pending.id)
    return pending.id


def mark_applied(session: Session, changeset_id: int, applied_by: str,
                 at: dt.datetime | None = None) -> None:
    """pending → applied, under a row lock: of two concurrent approvals only one gets through."""
    row = _lock(session, changeset_id)
    _require_pending(row)
    row.status, row.applied_by, row.applied_at = ChangeSetStatus.APPLIED.value, applied_by, at or utcnow()


def expire_changeset(session: Session, changeset_id: int) -> None:
    row = _lock(session, changeset_id)
    _require_pending(row)
    row.status = ChangeSetStatus.EXPIRED.value


def set_resolutions(session: Session, changeset_id: int, resolutions: Mapping[int, str]) -> None:
    """Record what the approver chose per item ("create", "skip", "link:<id>", "excluded"...)."""
    if not resolutions:
        return
    items = ChangeItemRow.__table__
    statement = (update(items)
                 .where(items.c.change_set_id == changeset_id, items.c.id == bindparam("item_id"))
                 .values(resolution=bindparam("item_resolution")))
    # Through the Connection: one executemany, bypassing the ORM's bulk-by-primary-key mode.
    session.connection().execute(
        statement, [{"item_id": item_id, "item_resolution": value} for item_id, value in resolutions.items()])


def _insert_items(session: Session, changeset_id: int, changeset: ChangeSet,
                  stakeholder_versions: Mapping[int, int], first_position: int) -> None:
    rows = [encode_item(item, changeset_id, first_position + offset, stakeholder_versions)
            for offset, item in enumerate(changeset.items)]
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.driver == "psycopg":
        _copy_items(connection, rows)
    else:
        # Core executemany: batched multi-row INSERTs, no ORM object per item.
        session.execute(insert(ChangeItemRow.__table__), rows)


def _copy_items(connection: Connection, rows: list[dict]) -> None:
    """PostgreSQL: one COPY, in the session's transaction; half the time of the INSERTs for a 50k sync's items.

    The JSON columns go as the text SQLAlchemy's JSON type would have sent (the engine's json_serializer).
    """
    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(ChangeItemRow.__tablename__), sql.SQL(", ").join(map(sql.Identifier, columns)))
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([json_text.dumps(row[name]) if name in _JSON_COLUMNS else row[name] for name in columns])


def _point_run(session: Session, sync_run_id: int, changeset_id: int) -> None:
    session.execute(update(SyncRunRow).where(SyncRunRow.id == sync_run_id)
                    .values(changeset_id=changeset_id))


def _run_provider(session: Session, company_id: str, sync_run_id: int) -> str:
    provider = session.scalar(select(SyncRunRow.provider).where(
        SyncRunRow.id == sync_run_id, SyncRunRow.company_id == company_id))
    if provider is None:
        raise NotFound(f"no sync {sync_run_id} for this company")
    return provider


def _lock_pending(session: Session, company_id: str) -> ChangeSetRow | None:
    # Lock the company row first: concurrent writers of one company's change sets queue here
    # (PostgreSQL); SQLite's BEGIN IMMEDIATE already serialises every writer. NO KEY UPDATE, not
    # UPDATE: an apply holding the pending set inserts rows referencing the company (their foreign
    # keys take KEY SHARE on it), and FOR UPDATE would block that: a deadlock.
    session.execute(select(CompanyRow.id).where(CompanyRow.id == company_id).with_for_update(key_share=True))
    query = (select(ChangeSetRow).where(ChangeSetRow.company_id == company_id,
                                        ChangeSetRow.status == _PENDING).with_for_update())
    return session.scalar(query)


def _lock(session: Session, changeset_id: int) -> ChangeSetRow:
    row = session.get(ChangeSetRow, changeset_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no change set {changeset_id}")
    return row


def _require_pending(row: ChangeSetRow) -> None:
    if row.status != _PENDING:
        raise InvalidTransition(f"change set {row.id} is {row.status}, not pending")
