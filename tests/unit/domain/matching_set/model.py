"""The labelled matching set's building blocks: a case is some HR employees, some registry rows, and
what a careful person decides for each employee (merge into a row, only offer it, or keep apart)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from domain.employee import Employee, EmploymentStatus
from domain.stakeholder import Stakeholder

PROVIDER = "bamboohr"
HIRED = dt.date(2021, 4, 1)
LEFT = dt.date(2025, 6, 30)


@dataclass(frozen=True)
class Label:
    """`merge`: the same person, and writing HR data into that row is right without asking;
    `offer`: the same person (or quite possibly), but only an approver may decide: a review must list it;
    `apart`: nobody in the registry is this person (create, skip, or a review — never a merge)."""

    kind: str
    row: int | None = None


def merge(row: int = 0) -> Label:
    return Label("merge", row)


def offer(row: int = 0) -> Label:
    return Label("offer", row)


APART = Label("apart")


@dataclass(frozen=True)
class Person:
    fields: dict[str, Any]
    label: Label


@dataclass(frozen=True)
class Row:
    """A registry row; `link` is the index of the case's employee it is linked to, "old" for an HR record
    that is not in this fetch (a previous employment)."""

    name: str
    fields: dict[str, Any] = field(default_factory=dict)
    link: int | str | None = None


@dataclass(frozen=True)
class Case:
    klass: str
    why: str
    people: tuple[Person, ...]
    rows: tuple[Row, ...] = ()


def emp(first: str | None, last: str | None, label: Label, **fields: Any) -> Person:
    """An active employee (hired 2021) unless `left=True` makes a leaver; any Employee field by name."""
    values: dict[str, Any] = {"first_name": first, "last_name": last, "status": EmploymentStatus.ACTIVE,
                              "hire_date": HIRED}
    if fields.pop("left", False):
        values.update(status=EmploymentStatus.INACTIVE, termination_date=LEFT)
    values.update(fields)
    return Person(values, label)


def row(name: str, link: int | str | None = None, **fields: Any) -> Row:
    """A registry row in the Employees group unless `group` says otherwise."""
    fields.setdefault("group", "Employees")
    return Row(name, fields, link)


def case(klass: str, why: str, people: list[Person] | Person, rows: list[Row] | Row = ()) -> Case:
    people = [people] if isinstance(people, Person) else people
    rows = [rows] if isinstance(rows, Row) else rows
    return Case(klass, why, tuple(people), tuple(rows))


@dataclass(frozen=True)
class Truth:
    """What the careful person decided for one employee, in the population's ids."""

    case: int
    klass: str
    kind: str
    stakeholder_id: int | None


def stakeholder_id(case_number: int, row_index: int) -> int:
    return case_number * 10 + row_index


def remote_id(case_number: int, person: int | str) -> str:
    return f"{case_number}.{person}"


def build(cases: list[Case], numbers: list[int] | None = None
          ) -> tuple[list[Employee], list[Stakeholder], dict[str, Truth]]:
    """Employees, stakeholders and the truth of some cases (numbered from 1 in `cases`' order, or `numbers`)."""
    employees: list[Employee] = []
    stakeholders: list[Stakeholder] = []
    truth: dict[str, Truth] = {}
    for number, one in zip(numbers or range(1, len(cases) + 1), cases):
        assert len(one.rows) < 10, one.why
        for index, person in enumerate(one.people):
            rid = remote_id(number, index)
            employees.append(Employee(remote_id=rid, **person.fields))
            sid = None if person.label.row is None else stakeholder_id(number, person.label.row)
            truth[rid] = Truth(number, one.klass, person.label.kind, sid)
        for index, entry in enumerate(one.rows):
            fields = dict(entry.fields)
            if entry.link is not None:
                fields.update(hr_provider=PROVIDER, hr_remote_id=remote_id(number, entry.link))
            stakeholders.append(Stakeholder(id=stakeholder_id(number, index), name=entry.name, **fields))
    return employees, stakeholders, truth
