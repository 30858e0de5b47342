"""An employee as matching sees it: the record plus the keys every rule reads."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from domain.employee import Employee
from domain.index import identifier_key


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
    key: str | None  # identifier_key(identifier), worked out once: several rules look the identifier up

    @classmethod
    def of(cls, employee: Employee) -> "Subject":
        identifier, key = employee.unique_identifier, None
        if identifier is not None:
            identifier = identifier.strip() or None
            if identifier is not None:  # identifier_key, inlined for the common ASCII case
                key = identifier.casefold() if identifier.isascii() else identifier_key(identifier)
        terminated = employee.terminated
        # tuple.__new__ directly: a named tuple's own __new__ is one more Python call, for every employee
        return _tuple_new(cls, (employee, employee.remote_id, identifier, terminated,
                                employee.termination_date if terminated else None, key))


_tuple_new = tuple.__new__
