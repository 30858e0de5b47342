"""A company's first import: a pending change set of thousands of items (new stakeholders mostly, updates, leavers
and reviews), stored directly; shared by the large approve-page tests (unit and browser)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from domain.changeset import ChangeItem, ChangeKind, ChangeSet, FieldChange, Reason
from store.db import transaction
from store.repositories import changesets, companies, stakeholder_writes, stakeholders, sync_runs
from tests import secret_registry

FIRST = ("Anna", "Ben", "Carla", "David", "Elena", "Felix", "Greta", "Hugo", "Ines", "Jonas", "Klara", "Luca", "Mia",
         "Noah", "Olivia", "Paul", "Rosa", "Simon", "Tina", "Urs")
LAST = ("Müller", "Meier", "Schmid", "Keller", "Weber", "Huber", "Schneider", "Meyer", "Steiner", "Fischer",
        "Gerber", "Brunner", "Baumann", "Frei", "Zimmermann", "Moser", "Widmer", "Wyss", "Graf", "Roth")


@dataclass(frozen=True)
class FirstImport:
    company_id: str
    changeset_id: int
    counts: dict[str, int]


def person(n: int) -> dict:
    """The n-th person: every name pair of FIRST × LAST in turn, then again with a number."""
    first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST)) % len(LAST)]
    round_ = n // (len(FIRST) * len(LAST))
    last = f"{last}-{round_ + 1}" if round_ else last
    return {"name": f"{first} {last}", "first_name": first, "last_name": last, "unique_identifier": f"E-{n:06d}",
            "email": f"p{n}@helvetia.example", "city": "Bern", "group": "Employees"}


def first_import(session_factory, email: str, password: str, *, creates: int, updates: int = 0, leavers: int = 0,
                 reviews: int = 0, company_name: str = "Helvetia Holding AG") -> FirstImport:
    existing = updates + leavers + 2 * reviews
    with transaction(session_factory) as session:
        created = companies.create_company(session, company_name, email, password)
        secret_registry.register("first import: api token / password", created.api_token, password)
        rows = stakeholder_writes.create_stakeholders(
            session, created.company_id,
            [person(n) | ({"hr_provider": "personio", "hr_remote_id": str(n)} if n < updates + leavers else {})
             for n in range(existing)])
        run = sync_runs.create_run(session, created.company_id, "personio", "full")
        items: list[ChangeItem] = []
        for n in range(updates + leavers):
            leaver = n >= updates
            items.append(ChangeItem(
                ChangeKind.LEAVER if leaver else ChangeKind.UPDATE, str(n), rows[n].name, stakeholder_id=rows[n].id,
                fields={"group": FieldChange("Employees", "Ex-employee")} if leaver else
                {"city": FieldChange("Bern", "Zürich")},
                reason=Reason.TERMINATED if leaver else None, proposed=person(n) | {"city": "Zürich"},
                termination_date=dt.date(2026, 3, 31) if leaver else None))
        for n in range(reviews):
            first, second = rows[updates + leavers + 2 * n], rows[updates + leavers + 2 * n + 1]
            items.append(ChangeItem(ChangeKind.REVIEW, f"r{n}", first.name, reason=Reason.AMBIGUOUS_NAME,
                                    candidates=(first.id, second.id), proposed=person(existing + n)))
        for n in range(creates):
            values = person(existing + reviews + n)
            items.append(ChangeItem(ChangeKind.CREATE, f"c{n}", values["name"], proposed=values,
                                    fields={name: FieldChange(None, value) for name, value in values.items()}))
        changeset_id = changesets.save_changeset(session, created.company_id, run.id, ChangeSet.of(items),
                                                 stakeholders.versions(rows))
    return FirstImport(created.company_id, changeset_id,
                       {"create": creates, "update": updates, "leaver": leavers, "review": reviews})
