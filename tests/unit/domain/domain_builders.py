"""Builders for the domain tests: literal employees, stakeholders and policies with short names."""

from __future__ import annotations

import dataclasses
import datetime as dt

from domain.changeset import ChangeItem, ChangeSet
from domain.employee import MAPPABLE_FIELDS, Employee, EmploymentStatus
from domain.policy import SyncPolicy
from domain.stakeholder import Stakeholder

PROVIDER = "bamboohr"
ALL_FIELDS = frozenset(MAPPABLE_FIELDS)


def employee(remote_id: str = "1", first: str | None = "Anna", last: str | None = "Müller", **values) -> Employee:
    """An active employee; pass any other Employee field by name."""
    values.setdefault("status", EmploymentStatus.ACTIVE)
    return Employee(remote_id=remote_id, first_name=first, last_name=last, **values)


def leaver(remote_id: str = "1", first: str = "Anna", last: str = "Müller", **values) -> Employee:
    values.setdefault("termination_date", dt.date(2025, 3, 31))
    return employee(remote_id, first, last, status=EmploymentStatus.INACTIVE, **values)


def stakeholder(sid: int = 10, name: str = "Anna Müller", **values) -> Stakeholder:
    """A stakeholder; first/last name are left empty unless given (hand-made entries often lack them)."""
    return Stakeholder(id=sid, name=name, **values)


def linked(sid: int = 10, remote_id: str = "1", name: str = "Anna Müller", display: str | None = None,
           **values) -> Stakeholder:
    """A stakeholder linked to employee `remote_id`, first/last name from `name`, shown as `display`."""
    first, _, last = name.partition(" ")
    values.setdefault("first_name", first)
    values.setdefault("last_name", last)
    values.setdefault("group", "Employees")
    return Stakeholder(id=sid, name=display or name, hr_provider=PROVIDER, hr_remote_id=remote_id, **values)


def policy(**values) -> SyncPolicy:
    values.setdefault("owned_fields", ALL_FIELDS)
    return SyncPolicy(provider=PROVIDER, **values)


def only(changes: ChangeSet) -> ChangeItem:
    """The single item of a change set."""
    assert len(changes.items) == 1, changes.items
    return changes.items[0]


def summary(changes: ChangeSet) -> list[tuple[str, str, str | None, int | None, tuple[int, ...]]]:
    """(kind, remote id, reason, stakeholder id, candidates) per item, for compact assertions."""
    return [(item.kind.value, item.remote_id, item.reason.value if item.reason else None,
             item.stakeholder_id, item.candidates) for item in changes.items]


def new_values(item: ChangeItem) -> dict[str, str | None]:
    return {name: change.new for name, change in item.fields.items()}


def replace(value, **changes):
    return dataclasses.replace(value, **changes)
