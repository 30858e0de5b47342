"""A company, its registry and a pending change set with every kind of item: shared by the approval tests.

Built through the real matching engine and repositories, so the items are what a sync would store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from domain.employee import Employee, EmploymentStatus
from domain.matching import match
from providers import provider_class
from store.db import transaction
from store.repositories import changesets, companies, stakeholder_writes, stakeholders, sync_runs
from store.repositories.changeset_reads import load_changeset
from tests import secret_registry

PROVIDER = "bamboohr"
HIRED = dt.date(2020, 1, 1)

# Registry before the sync: name → values (the link, when set, is to the bamboohr employee id).
REGISTRY = {
    "anna": {"name": "Anna Müller", "first_name": "Anna", "last_name": "Müller", "unique_identifier": "E-1",
             "email": "anna@acme.example", "city": "Bern", "group": "Employees",
             "hr_provider": PROVIDER, "hr_remote_id": "1"},
    "ben": {"name": "Ben Ode", "first_name": "Ben", "last_name": "Ode", "unique_identifier": "E-2",
            "email": "ben@acme.example", "group": "Employees"},
    "carl": {"name": "Carl Weiss", "first_name": "Carl", "last_name": "Weiss", "unique_identifier": "E-3",
             "email": "carl@acme.example", "group": "Employees", "hr_provider": PROVIDER, "hr_remote_id": "3"},
    "dora": {"name": "Dora Stein", "first_name": "Dora", "last_name": "Stein", "group": "Employees",
             "city": "Basel"},
    "dora2": {"name": "Dora Stein", "first_name": "Dora", "last_name": "Stein", "group": "Advisors",
              "city": "Genf"},
    "investor": {"name": "Seedcamp Fund IV", "group": "Investors"},
}


def employees(extra: tuple[Employee, ...] = ()) -> list[Employee]:
    active = EmploymentStatus.ACTIVE
    return [
        Employee("1", "E-1", "Anna", "Müller", email="anna@acme.example", city="Zürich", hire_date=HIRED,
                 status=active),
        Employee("2", "E-2", "Ben", "Ode", email="ben@acme.example", hire_date=HIRED, status=active),
        Employee("3", "E-3", "Carl", "Weiss", email="carl@acme.example", hire_date=HIRED,
                 termination_date=dt.date(2026, 3, 31), status=EmploymentStatus.INACTIVE),
        Employee("4", None, "Dora", "Stein", email="dora@acme.example", city="Basel", hire_date=HIRED,
                 status=active),
        Employee("5", "E-5", "Eva", "Neumann", email="eva@acme.example", city="Wien", hire_date=HIRED,
                 birth_date=dt.date(1990, 5, 17), status=active),
        Employee("6", "E-6", "Fritz", "Klein", email="fritz@acme.example", status=active),
        *extra,
    ]


@dataclass
class Scenario:
    company_id: str
    api_token: str = field(repr=False)
    changeset_id: int
    people: dict[str, int]  # registry key → stakeholder id
    items: dict[str, int]  # remote id → change item id

    def person(self, key: str) -> int:
        return self.people[key]


def build_scenario(session_factory, email: str, password: str, *, company_name: str = "Acme GmbH",
                   extra: tuple[Employee, ...] = ()) -> Scenario:
    """Expected items: update (1), link (2), leaver (3), review (4: two Dora Steins), create (5, extras), skip (6)."""
    with transaction(session_factory) as session:
        created = companies.create_company(session, company_name, email, password)
        secret_registry.register("company api token / approver password", created.api_token, password)
        company_id = created.company_id
        rows = stakeholder_writes.create_stakeholders(session, company_id, list(REGISTRY.values()))
        people = {key: row.id for key, row in zip(REGISTRY, rows)}
    changeset_id = record_sync(session_factory, company_id, employees(extra))
    with transaction(session_factory) as session:
        stored = load_changeset(session, changeset_id)
    items = {entry.item.remote_id: entry.id for entry in stored.items}
    return Scenario(company_id, created.api_token, changeset_id, people, items)


def record_sync(session_factory, company_id: str, staff: list[Employee]) -> int:
    """What a full sync of `staff` stores: the new pending change set (superseding an older one)."""
    owned = provider_class(PROVIDER).default_mapping.values()
    with transaction(session_factory) as session:
        registry = stakeholders.list_stakeholders(session, company_id)
        policy = companies.policy_for(session, company_id, PROVIDER, owned, require_hire_date=True)
        run = sync_runs.create_run(session, company_id, PROVIDER, "full")
        sync_runs.start_run(session, run.id)
        result = match(staff, registry, policy)
        changeset_id = changesets.save_changeset(session, company_id, run.id, result, stakeholders.versions(registry))
        sync_runs.succeed_run(session, run.id, result.counts())
        return changeset_id
