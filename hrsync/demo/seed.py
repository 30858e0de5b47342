"""A registry as a company would have it before a sync: mostly in step with HR, with real-world drift."""

from __future__ import annotations

import random
from typing import Any

from domain.employee import Employee
from domain.names import NameFormat, format_name

# Stakeholders nobody's HR system knows: investors and advisors must never be touched by a sync.
NON_EMPLOYEES = (
    {"name": "Seedcamp Fund IV", "group": "Investors"},
    {"name": "Helvetia Angels AG", "group": "Investors"},
    {"name": "Dr. Ingrid Baumgartner", "first_name": "Ingrid", "last_name": "Baumgartner", "group": "Advisors"},
)


def _values(employee: Employee, group: str) -> dict[str, Any]:
    first, last = employee.first_name or "", employee.last_name or ""
    return {
        "name": format_name(first, last, NameFormat.FIRST_LAST) or employee.display_name,
        "first_name": employee.first_name, "last_name": employee.last_name,
        "unique_identifier": employee.unique_identifier, "email": employee.email,
        "street": employee.street, "postal_code": employee.postal_code, "city": employee.city,
        "country": employee.country, "birth_date": employee.birth_date,
        "nationality": employee.nationality, "phone": employee.phone, "group": group,
    }


def _typo(text: str) -> str:
    return text[:-2] + text[-1] + text[-2] if len(text) > 3 else text + "e"


def seed_registry(employees: list[Employee], provider: str, seed: int = 7) -> list[dict[str, Any]]:
    """Stakeholder values exercising every change kind once this HR data is synced."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = [dict(values) for values in NON_EMPLOYEES]
    # By length, then text: numerically for the digit ids most HR systems use, and defined for Humaans' letters too.
    for position, employee in enumerate(sorted(employees, key=lambda e: (len(e.remote_id), e.remote_id))):
        if employee.hire_date is None and provider == "bamboohr":
            continue  # BambooHR people without a hire date were never imported
        linked = {"hr_provider": provider, "hr_remote_id": employee.remote_id}
        values = _values(employee, "Employees")
        if employee.terminated:
            if position % 3:  # most leavers were imported while employed: now they leave
                rows.append(values | linked)
            continue
        bucket = position % 20
        if bucket < 11:  # in step with HR: no item
            rows.append(values | linked)
        elif bucket < 13:  # moved since the last sync: update
            rows.append(values | linked | {"city": rng.choice(["Bern", "Lyon", "Graz"]), "postal_code": "1000"})
        elif bucket == 13:  # imported from a spreadsheet before the integration existed: link
            rows.append(values)
        elif bucket == 14:  # typed in by hand, no identifier or e-mail yet: update (and link)
            rows.append(values | {"unique_identifier": None, "email": None, "street": None})
        elif bucket == 15:  # typed by hand with a typo: review (never merged automatically)
            last = _typo(employee.last_name or "x")
            rows.append(values | {"last_name": last, "unique_identifier": None, "email": None,
                                  "name": f"{employee.first_name} {last}"})
        elif bucket == 16:  # entered twice by hand: ambiguous, review
            bare = values | {"unique_identifier": None, "email": None}
            rows.extend([bare, bare | {"city": None}])
        # buckets 17-19: not in the registry yet → create
    return rows
