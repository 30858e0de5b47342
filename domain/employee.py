"""An employee as a provider yields it, already mapped to hrsync's field names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Mapping


class EmploymentStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    ONBOARDING = "onboarding"
    LEAVE = "leave"
    UNKNOWN = "unknown"


# Employee fields a company mapping may target; everything else a provider reads lands in `extra`.
MAPPABLE_FIELDS: tuple[str, ...] = (
    "unique_identifier",
    "first_name",
    "last_name",
    "middle_name",
    "preferred_name",
    "email",
    "street",
    "postal_code",
    "city",
    "country",
    "birth_date",
    "nationality",
    "phone",
    "hire_date",
    "termination_date",
    "status",
)

DATE_FIELDS = frozenset({"birth_date", "hire_date", "termination_date"})


# Members read in per-employee code, held here: in Python 3.11 every `Enum.MEMBER` goes through EnumType's
# __getattr__ hook, several times slower than a global.
_INACTIVE = EmploymentStatus.INACTIVE


@dataclass(frozen=True, slots=True)
class Employee:
    """One HR record. `None` means the HR data did not say (absent, empty or unreadable)."""

    remote_id: str
    unique_identifier: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    middle_name: str | None = None
    preferred_name: str | None = None
    email: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    birth_date: dt.date | None = None
    nationality: str | None = None
    phone: str | None = None
    hire_date: dt.date | None = None
    termination_date: dt.date | None = None
    status: EmploymentStatus = EmploymentStatus.UNKNOWN
    extra: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # HR records the person as terminated in a way of its own (an employment status "Terminated", a status
    # "inactive"), which holds even when the termination date cannot be read (a field the
    # credential may not see).
    marked_terminated: bool = False

    @property
    def terminated(self) -> bool:
        """A leaver: inactive *and* a termination signal — a termination date, or HR marking the person
        terminated (future hires are inactive too, with neither)."""
        return self.status is _INACTIVE and (self.termination_date is not None or self.marked_terminated)

    @property
    def display_name(self) -> str:
        parts = [p for p in (self.first_name, self.last_name) if p and p.strip()]
        return " ".join(p.strip() for p in parts) or f"#{self.remote_id}"
