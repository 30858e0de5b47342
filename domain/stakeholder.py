"""A stakeholder as the registry holds it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Registry fields that HR data can write, in display order.
SYNCED_FIELDS: tuple[str, ...] = (
    "name",
    "first_name",
    "last_name",
    "unique_identifier",
    "email",
    "street",
    "postal_code",
    "city",
    "country",
    "birth_date",
    "nationality",
    "phone",
    "group",
)

# Changes to these are shown as identity changes: the approver should look twice.
IDENTITY_FIELDS = frozenset({"name", "first_name", "last_name", "email", "birth_date", "unique_identifier"})

DEFAULT_EMPLOYEE_GROUP = "Employees"
DEFAULT_EX_EMPLOYEE_GROUP = "Ex-employee"


@dataclass(frozen=True, slots=True)
class Stakeholder:
    """One registry entry; `hr_provider`/`hr_remote_id` is the link to an HR record (optional)."""

    id: int
    name: str
    first_name: str | None = None
    last_name: str | None = None
    unique_identifier: str | None = None
    email: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    birth_date: dt.date | None = None
    nationality: str | None = None
    phone: str | None = None
    group: str | None = None
    hr_provider: str | None = None
    hr_remote_id: str | None = None
    version: int = 1

    @property
    def linked(self) -> bool:
        return self.hr_remote_id is not None
