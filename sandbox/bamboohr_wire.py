"""BambooHR's wire vocabulary: the field catalog (/v1/meta/fields) and how a Person renders in it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable
from xml.sax.saxutils import escape

from sandbox.people import Person

# BambooHR sends "0000-00-00" for empty dates (seen by Faros, not documented; bamboohr.md §2.5).
EMPTY_DATE = "0000-00-00"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field: numeric id, optional alias, display name, type and how to read it from a Person."""

    id: int | str
    alias: str | None
    name: str
    type: str
    read: Callable[[Person], Any]

    @property
    def key(self) -> str:
        return self.alias or str(self.id)

    def meta(self) -> dict[str, Any]:
        """`/v1/meta/fields` entry: `alias` only when there is one (custom fields usually have none)."""
        entry: dict[str, Any] = {"id": self.id, "name": self.name, "type": self.type}
        if self.alias:
            entry["alias"] = self.alias
        return entry


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else EMPTY_DATE


def _status(p: Person) -> str:
    # Future hires are Inactive in BambooHR too (bamboohr.md §2.4); people on leave are still Active.
    return "Active" if p.status in ("active", "leave") else "Inactive"


def _employment_status(p: Person) -> str:
    return "Terminated" if p.terminated else p.employment_type


def _display(p: Person) -> str:
    return f"{p.preferred_name or p.first_name} {p.last_name}"


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(1, "employeeNumber", "Employee #", "text", lambda p: p.employee_number),
    FieldSpec(2, "firstName", "First Name", "text", lambda p: p.first_name),
    FieldSpec(3, "lastName", "Last Name", "text", lambda p: p.last_name),
    FieldSpec(4, "middleName", "Middle Name", "text", lambda p: p.middle_name),
    FieldSpec(5, "preferredName", "Preferred Name", "text", lambda p: p.preferred_name),
    FieldSpec(6, "dateOfBirth", "Birth Date", "date", lambda p: _date(p.date_of_birth)),
    FieldSpec(7, "address1", "Address Line 1", "text", lambda p: p.address1),
    FieldSpec(8, "address2", "Address Line 2", "text", lambda p: p.address2),
    FieldSpec(9, "city", "City", "text", lambda p: p.city),
    FieldSpec(10, "state", "State", "state", lambda p: p.state),
    FieldSpec(11, "zipcode", "Zip Code", "text", lambda p: p.zipcode),
    FieldSpec(12, "country", "Country", "country", lambda p: p.country),
    FieldSpec(13, "mobilePhone", "Mobile Phone", "phone", lambda p: p.phone),
    FieldSpec(15, "workEmail", "Work Email", "email", lambda p: p.work_email),
    FieldSpec(16, "homeEmail", "Home Email", "email", lambda p: p.home_email),
    FieldSpec(17, "bestEmail", "Best Email", "email", lambda p: p.work_email or p.home_email),
    FieldSpec(18, "hireDate", "Hire Date", "date", lambda p: _date(p.hire_date)),
    FieldSpec(19, "originalHireDate", "Original Hire Date", "date", lambda p: _date(p.hire_date)),
    FieldSpec(20, "terminationDate", "Termination Date", "date", lambda p: _date(p.termination_date)),
    FieldSpec(21, "status", "Status", "status", _status),
    FieldSpec(22, "employmentHistoryStatus", "Employment Status", "list", _employment_status),
    FieldSpec(23, "jobTitle", "Job Title", "list", lambda p: p.job_title),
    FieldSpec(24, "department", "Department", "list", lambda p: p.department),
    FieldSpec(25, "location", "Location", "list", lambda p: p.office),
    FieldSpec(26, "gender", "Gender", "gender", lambda p: (p.gender or "").capitalize() or None),
    FieldSpec(27, "nationality", "Nationality", "list", lambda p: p.nationality),
    FieldSpec(28, "displayName", "Display Name", "text", _display),
    FieldSpec(29, "lastChanged", "Last Changed", "timestamp", lambda p: iso_utc(p.updated_at)),
    FieldSpec(4001, None, "Tax ID", "text", lambda p: p.tax_id),
    FieldSpec(4002, None, "Academic Title", "list", lambda p: p.academic_title),
    FieldSpec("4020.1", None, "Languages", "multilist", lambda p: ", ".join(p.languages) or None),
)

# Callers may name a field by alias or by id ("4001", "6" ...).
FIELDS_BY_NAME: dict[str, FieldSpec] = {
    **{str(f.id): f for f in FIELDS}, **{f.alias: f for f in FIELDS if f.alias}}

MAX_FIELDS = 400


def iso_utc(moment: dt.datetime) -> str:
    """BambooHR's change timestamps: `2011-06-02T19:26:23+00:00`."""
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()


def visible_fields(requested: list[str], hidden: frozenset[str]) -> list[tuple[str, FieldSpec]]:
    """(requested name, spec) for each known field the key may see; the rest are dropped silently."""
    out, seen = [], set()
    for name in requested:
        spec = FIELDS_BY_NAME.get(str(name))
        if spec is None or spec.key in hidden or str(name) in seen or str(name) == "id":
            continue
        seen.add(str(name))
        out.append((str(name), spec))
    return out


def employee_row(person: Person, fields: list[tuple[str, FieldSpec]], *, integer_id: bool = False,
                 wrapped: bool = False) -> dict[str, Any]:
    """One employee: `id` a string (the OpenAPI file) or a number (the directory sample); values plain or, as in
    Fusebit's recording, `{"value": …}`."""
    row: dict[str, Any] = {"id": int(person.id) if integer_id and person.id.isdigit() else person.id}
    for name, spec in fields:
        row[name] = {"value": spec.read(person)} if wrapped else spec.read(person)
    return row


def report_fields(fields: list[tuple[str, FieldSpec]]) -> list[dict[str, Any]]:
    return [{"id": name, "type": spec.type, "name": spec.name} for name, spec in fields]


def to_xml(value: Any, tag: str = "response") -> str:
    """What endpoints answer without `Accept: application/json`: XML (a generic rendering, not BambooHR's schema)."""
    if isinstance(value, dict):
        inner = "".join(to_xml(v, str(k) if str(k)[:1].isalpha() else "item") for k, v in value.items())
    elif isinstance(value, list):
        inner = "".join(to_xml(v, "item") for v in value)
    else:
        inner = "" if value is None else escape(str(value))
    return f"<{tag}>{inner}</{tag}>"
