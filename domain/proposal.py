"""What an HR record implies for a stakeholder: its values as text, restricted to owned fields."""

from __future__ import annotations

import datetime as dt

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


def as_text(value: object) -> str | None:
    """A field value as the change set shows it: stripped text, ISO dates, None for empty."""
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
    return text or None


def used_first_name(employee: Employee, policy: SyncPolicy) -> str | None:
    """The preferred name replaces the first name only when the company asks for it."""
    if policy.use_preferred_name and as_text(employee.preferred_name):
        return employee.preferred_name
    return employee.first_name


def employee_label(employee: Employee, policy: SyncPolicy) -> str:
    """How the change set names the employee."""
    formatted = format_name(used_first_name(employee, policy), employee.last_name, policy.name_format)
    return formatted or f"#{employee.remote_id}"


def implied_group(employee: Employee, policy: SyncPolicy) -> str | None:
    """The group the employment status speaks for: ex-employees, employees, or no opinion."""
    if employee.terminated:
        return policy.ex_employee_group
    if employee.status is EmploymentStatus.ACTIVE:
        return policy.employee_group
    return None


def proposed_values(employee: Employee, policy: SyncPolicy) -> dict[str, str]:
    """Every stakeholder value the HR record implies, as text.

    Owned fields with a value (an empty HR value implies nothing, so it never blanks a
    stakeholder), the display name in the company's format, and the implied group.
    """
    values: dict[str, str] = {}
    for source, target in FIELD_MAP.items():
        if source not in policy.owned_fields:
            continue
        raw = used_first_name(employee, policy) if source == "first_name" else getattr(employee, source)
        text = as_text(raw)
        if text is not None:
            values[target] = text
    values[NAME] = employee_label(employee, policy)
    group = implied_group(employee, policy)
    if group is not None:
        values[GROUP] = group
    return values
