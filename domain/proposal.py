"""What an HR record implies for a stakeholder: its values as text, restricted to owned fields."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from operator import attrgetter
from typing import Callable

from domain.employee import Employee, EmploymentStatus
from domain.names import format_name
from domain.policy import SyncPolicy

# Employee field → stakeholder field it writes (first_name may come from the preferred name).
FIELD_MAP: dict[str, str] = {
    "first_name": "first_name",
    "last_name": "last_name",
    "unique_identifier": "unique_identifier",
    "email": "email",
    "street": "street",
    "postal_code": "postal_code",
    "city": "city",
    "country": "country",
    "birth_date": "birth_date",
    "nationality": "nationality",
    "phone": "phone",
}

# Keys of `ChangeItem.proposed` that are derived rather than copied from one employee field.
NAME = "name"
GROUP = "group"

# Members read in per-employee code, held here: in Python 3.11 every `Enum.MEMBER` goes through EnumType's
# __getattr__ hook, several times slower than a global.
_ACTIVE = EmploymentStatus.ACTIVE
_DATE = dt.date


def as_text(value: object) -> str | None:
    """A field value as the change set shows it: stripped text, ISO dates, None for empty."""
    if value is None:
        return None
    text = value.strip() if value.__class__ is str else (
        value.isoformat() if isinstance(value, dt.date) else str(value).strip())
    return text or None


def used_first_name(employee: Employee, policy: SyncPolicy) -> str | None:
    """The preferred name replaces the first name only when the company asks for it."""
    if policy.use_preferred_name and as_text(employee.preferred_name):
        return employee.preferred_name
    return employee.first_name


def implied_group(employee: Employee, policy: SyncPolicy) -> str | None:
    """The group the employment status speaks for: ex-employees, employees, or no opinion."""
    if employee.terminated:
        return policy.ex_employee_group
    if employee.status is _ACTIVE:
        return policy.employee_group
    return None


def proposed_values(employee: Employee, policy: SyncPolicy, raw: tuple | None = None) -> dict[str, str]:
    """Every stakeholder value the HR record implies, as text.

    Owned fields with a value (an empty HR value implies nothing, so it never blanks a
    stakeholder), the display name in the company's format, and the implied group.
    `raw` is hr_values(employee, policy) when the caller has it already.
    """
    values: dict[str, str] = {}
    raw = hr_values(employee, policy) if raw is None else raw
    # Runs for most employees of every sync: plain loop, no helper calls for plain text.
    for target, value in zip(owned_targets(policy.owned_fields), raw):
        if value is None:
            continue
        text = (value.strip() if value.__class__ is str else value.isoformat() if value.__class__ is _DATE
                else as_text(value))
        if text:  # blank HR text says nothing
            values[target] = text
    first = used_first_name(employee, policy) if policy.use_preferred_name else employee.first_name
    values[NAME] = format_name(first, employee.last_name, policy.name_format) or f"#{employee.remote_id}"
    group = implied_group(employee, policy)
    if group is not None:
        values[GROUP] = group
    return values


def hr_values(employee: Employee, policy: SyncPolicy) -> tuple:
    """The raw HR values of the owned fields, in `owned_targets` order (preferred name applied)."""
    values = _reader(policy.owned_fields)(employee)
    if not policy.use_preferred_name:
        return values
    first = used_first_name(employee, policy)
    if first is employee.first_name or "first_name" not in policy.owned_fields:
        return values
    return tuple(first if target == "first_name" else value
                 for target, value in zip(owned_targets(policy.owned_fields), values))


def owned_reader(policy: SyncPolicy) -> Callable[[object], tuple]:
    """Reads the owned fields, raw, in `owned_targets` order, from an employee or a stakeholder."""
    return _reader(policy.owned_fields)


def stakeholder_values(stakeholder: object, policy: SyncPolicy) -> tuple:
    """A stakeholder's values of the owned fields, in `owned_targets` order."""
    return _reader(policy.owned_fields)(stakeholder)


@lru_cache(maxsize=64)
def owned_targets(owned: frozenset[str]) -> tuple[str, ...]:
    """Stakeholder fields the company lets HR write, from its owned employee fields."""
    return tuple(target for source, target in FIELD_MAP.items() if source in owned)


@lru_cache(maxsize=64)
def _reader(owned: frozenset[str]) -> Callable[[object], tuple]:
    # Field names are the same on both sides (FIELD_MAP maps each to itself), so one getter
    # reads employees and stakeholders alike, in one C call: this runs for every employee.
    targets = owned_targets(owned)
    if len(targets) > 1:
        return attrgetter(*targets)
    if targets:
        single = attrgetter(targets[0])
        return lambda obj: (single(obj),)
    return lambda obj: ()
