"""Apply benchmark: approve a change set of 10,000 items on SQLite (file) and on PostgreSQL (scratch database).

The mix is what a first sync of a big company looks like: creates, updates, links, leavers and review
items resolved every way. Timed: `services.approvals.approve` end to end (password check at production
argon2 cost, lockout on an in-process fake Redis, the one apply transaction), and the transaction alone.

    python -m bench.apply [--items 10000] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import fakeredis
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from bench import _common as common
from core.bootstrap import build_services
from core.lockout import COMMAND_LINE, Lockout
from core.settings import Settings
from domain.changeset import ChangeItem, ChangeKind, ChangeSet, FieldChange, Reason
from domain.names import NameFormat
from services.apply_selection import Selection
from services.approvals import ApprovalRequest, apply_changeset, approve
from store.db import make_engine, transaction
from store.models import AuditRow, Base
from store.repositories import changesets, companies, stakeholder_writes, stakeholders, sync_runs

EMAIL, PASSWORD = "cfo@bench.example", "bench password"
TARGET_SECONDS = 10.0
# Shares of the change set per kind (reviews are resolved: a third link, a third create, a third "not same").
MIX = {ChangeKind.CREATE: 0.40, ChangeKind.UPDATE: 0.30, ChangeKind.LINK: 0.15, ChangeKind.LEAVER: 0.10,
       ChangeKind.REVIEW: 0.05}


@contextmanager
def database(backend: str) -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder, common.scratch_database(backend, Path(folder)) as url:
        yield url


def _person(n: int) -> dict:
    return {"name": f"Person{n} Bench", "first_name": f"Person{n}", "last_name": "Bench",
            "unique_identifier": f"B-{n}", "email": f"p{n}@bench.example", "city": "Bern", "group": "Employees"}


def seed(session_factory, items: int) -> tuple[str, int, dict[int, str]]:
    """A company, its registry and a pending change set of `items` items; item ids → resolution."""
    counts = {kind: int(items * share) for kind, share in MIX.items()}
    counts[ChangeKind.CREATE] += items - sum(counts.values())
    existing = counts[ChangeKind.UPDATE] + counts[ChangeKind.LINK] + counts[ChangeKind.LEAVER] \
        + 2 * counts[ChangeKind.REVIEW]
    with transaction(session_factory) as session:
        company_id = companies.create_company(session, "Bench AG", EMAIL, PASSWORD).company_id
        rows = stakeholder_writes.create_stakeholders(
            session, company_id, [_person(n) | ({"hr_provider": "personio", "hr_remote_id": str(n)}
                                                if n < counts[ChangeKind.UPDATE] + counts[ChangeKind.LEAVER] else {})
                                  for n in range(existing)])
        run = sync_runs.create_run(session, company_id, "personio", "full")
        changeset = ChangeSet.of(_items(rows, counts, existing))
        changeset_id = changesets.save_changeset(session, company_id, run.id, changeset,
                                                 stakeholders.versions(rows))
    return company_id, changeset_id, counts


def _items(rows, counts, existing) -> list[ChangeItem]:
    made: list[ChangeItem] = []
    position = 0
    for kind in (ChangeKind.UPDATE, ChangeKind.LEAVER, ChangeKind.LINK):
        for _ in range(counts[kind]):
            row = rows[position]
            fields = ({"group": FieldChange("Employees", "Ex-employee")} if kind is ChangeKind.LEAVER else
                      {"city": FieldChange("Bern", "Zürich")} if kind is ChangeKind.UPDATE else {})
            made.append(ChangeItem(kind, str(position), row.name, stakeholder_id=row.id, fields=fields,
                                   reason=Reason.TERMINATED if kind is ChangeKind.LEAVER else None,
                                   proposed=_person(position) | {"city": "Zürich"},
                                   termination_date=dt.date(2026, 3, 31) if kind is ChangeKind.LEAVER else None))
            position += 1
    for n in range(counts[ChangeKind.REVIEW]):
        first, second = rows[position + 2 * n], rows[position + 2 * n + 1]
        made.append(ChangeItem(ChangeKind.REVIEW, f"r{n}", first.name, reason=Reason.AMBIGUOUS_NAME,
                               candidates=(first.id, second.id), proposed=_person(existing + n)))
    for n in range(counts[ChangeKind.CREATE]):
        values = _person(existing + counts[ChangeKind.REVIEW] + n)
        made.append(ChangeItem(ChangeKind.CREATE, f"c{n}", values["name"], proposed=values,
                               fields={name: FieldChange(None, value) for name, value in values.items()}))
    return made


def resolutions(session_factory, changeset_id: int) -> dict[int, object]:
    from store.repositories.changeset_reads import load_changeset
    with transaction(session_factory) as session:
        stored = load_changeset(session, changeset_id)
    reviews = [entry for entry in stored.items if entry.item.kind is ChangeKind.REVIEW]
    choices = ("create", "not_same_person")
    return {entry.id: entry.item.candidates[0] if n % 3 == 0 else choices[n % 3 - 1]
            for n, entry in enumerate(reviews)}


def run(backend: str, items: int, end_to_end: bool) -> float:
    with database(backend) as url:
        settings = Settings(database_url=url, secret_key=secrets.token_urlsafe(32),
                            encryption_keys=(Fernet.generate_key().decode(),))
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        services = build_services(settings, engine=engine)
        try:
            _, changeset_id, _ = seed(services.session_factory, items)
            request = ApprovalRequest(changeset_id, EMAIL, PASSWORD, COMMAND_LINE,
                                      name_format=NameFormat.LAST_COMMA_FIRST,
                                      selection=Selection(resolve=resolutions(services.session_factory, changeset_id)))
            started = time.perf_counter()
            if end_to_end:
                result = approve(services, Lockout(fakeredis.FakeRedis()), request)
            else:
                result = apply_changeset(services, request, actor=EMAIL)
            seconds = time.perf_counter() - started
            with services.engine.connect() as connection:
                audited = connection.scalar(select(func.count()).select_from(AuditRow))
        finally:
            services.dispose()
    label = "approve (password + apply)" if end_to_end else "apply transaction only"
    common.emit("apply", database=backend, end_to_end=end_to_end, items=items, seconds=round(seconds, 3),
                per_second=round(items / seconds), outcomes=result.counts(), audit_rows=audited,
                target_s=TARGET_SECONDS, load=common.machine_load())
    print(f"{backend:>10}  {label:<27} {items:>6} items  {seconds:6.2f} s  {items / seconds:8.0f} items/s  "
          f"{'ok' if seconds <= TARGET_SECONDS else 'OVER TARGET'}  outcomes {result.counts()}  "
          f"audit rows {audited}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    slow = []
    for backend in args.backends.split(","):
        for end_to_end in (True, False):
            if run(backend, args.items, end_to_end) > TARGET_SECONDS:
                slow.append(backend)
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
