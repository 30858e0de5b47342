"""An employee as matching sees it: the record plus the keys every rule reads."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from domain.employee import Employee


class Subject(NamedTuple):
    """An employee with the keys matching reads again and again.

    A named tuple rather than a frozen dataclass: one is made per employee of every sync,
    and a tuple is several times cheaper to build.
    """

    employee: Employee
    remote_id: str
    identifier: str | None  # stripped; compared through index.identifier_key (case aside)
    terminated: bool  # a leaver (Employee.terminated)
    termination_date: dt.date | None  # set only for a terminated employee, and then only when HR gave one

    @classmethod
    def of(cls, employee: Employee) -> "Subject":
        identifier = employee.unique_identifier
        if identifier is not None:
            identifier = identifier.strip() or None
        terminated = employee.terminated
        return cls(employee, employee.remote_id, identifier, terminated,
                   employee.termination_date if terminated else None)
