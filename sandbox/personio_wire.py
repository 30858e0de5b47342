"""Personio's v1 wire vocabulary: the attribute catalog and the `{label, value, type, universal_id}` rendering."""

from __future__ import annotations

import datetime as dt
import json
import zlib
from dataclasses import dataclass
from typing import Any, Callable
from zoneinfo import ZoneInfo

from sandbox.people import Person
from sandbox.pools import LANGUAGES, LOCALES

# Built-in dates carry the company's local midnight with its offset (personio.md §2.3).
COMPANY_TZ = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    """One employee attribute: key, label (any language, may change), type tag, universal id, reader."""

    key: str
    label: str
    type: str
    universal_id: str | None
    read: Callable[[Person], Any]
    options: tuple[str, ...] = ()

    def render(self, person: Person, style: str = "full") -> dict[str, Any]:
        """`{label, value, type, universal_id}` as the spec shows, or only `{label, value}` as personio-py
        recorded it (style "label_value")."""
        if style == "label_value":
            return {"label": self.label, "value": self.read(person)}
        return {"label": self.label, "value": self.read(person), "type": self.type, "universal_id": self.universal_id}

    def describe(self) -> dict[str, Any]:
        """The `/v1/company/employees/attributes` entry."""
        return {"key": self.key, "label": self.label, "type": self.type, "universal_id": self.universal_id,
                "options": list(self.options)}


def stamp(value: dt.date | dt.datetime | None) -> str | None:
    """`2014-11-09T00:00:00+01:00`, or null."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(COMPANY_TZ).replace(microsecond=0).isoformat()
    return dt.datetime.combine(value, dt.time(), tzinfo=COMPANY_TZ).isoformat()


def _ref(kind: str, name: str | None) -> dict[str, Any] | None:
    if not name:
        return None
    return {"type": kind, "attributes": {"id": zlib.crc32(name.encode()) % 100000, "name": name}}


def _team(p: Person) -> Any:
    # Object-valued attributes come back empty as [] as well as null (personio-py fix #47).
    return _ref("Team", "Platform") if p.department == "Engineering" else []


def _or_empty(value: str | None, p: Person) -> str | None:
    """An empty text attribute comes as `""` or as `null` (both in Personio's own examples): half each."""
    if value:
        return value
    return "" if int(p.id) % 2 else None


def _probation_end(p: Person) -> str | None:
    return stamp(p.hire_date + dt.timedelta(days=182)) if p.hire_date else None


ATTRIBUTES: tuple[AttributeSpec, ...] = (
    AttributeSpec("id", "ID", "integer", "id", lambda p: int(p.id)),
    AttributeSpec("first_name", "First name", "standard", "first_name", lambda p: p.first_name),
    AttributeSpec("last_name", "Last name", "standard", "last_name", lambda p: p.last_name),
    AttributeSpec("preferred_name", "Name (preferred)", "standard", "preferred_name",
                  lambda p: _or_empty(p.preferred_name, p)),
    AttributeSpec("email", "Email", "standard", "email", lambda p: p.work_email or p.home_email or ""),
    AttributeSpec("gender", "Gender", "standard", "gender", lambda p: p.gender),
    AttributeSpec("status", "Status", "standard", "status", lambda p: p.status),
    AttributeSpec("position", "Position", "standard", "position", lambda p: p.job_title),
    AttributeSpec("employment_type", "Employment type", "standard", "employment_type", lambda p: "internal"),
    AttributeSpec("weekly_working_hours", "Weekly hours", "standard", "weekly_working_hours",
                  lambda p: "20" if p.employment_type == "Part-Time" else "40"),
    AttributeSpec("hire_date", "Hire date", "date", "hire_date", lambda p: stamp(p.hire_date)),
    AttributeSpec("contract_end_date", "Contract ends", "date", "contract_end_date", lambda p: None),
    AttributeSpec("probation_period_end", "Probation period end", "date", "probation_period_end", _probation_end),
    AttributeSpec("termination_date", "Termination date", "date", "termination_date",
                  lambda p: stamp(p.termination_date)),
    AttributeSpec("last_working_day", "Last day of work", "date", "last_working_day",
                  lambda p: stamp(p.termination_date)),
    AttributeSpec("termination_type", "Termination type", "standard", "termination_type",
                  lambda p: "resignation" if p.termination_date else ""),
    AttributeSpec("termination_reason", "Termination reason", "standard", "termination_reason", lambda p: ""),
    AttributeSpec("created_at", "Created at", "date", "created_at", lambda p: stamp(p.created_at)),
    AttributeSpec("last_modified_at", "Last modified", "date", "last_modified_at", lambda p: stamp(p.updated_at)),
    AttributeSpec("subcompany", "Subcompany", "standard", "subcompany", lambda p: None),
    AttributeSpec("office", "Workplace", "standard", "office", lambda p: _ref("Office", p.office)),
    AttributeSpec("department", "Department", "standard", "department", lambda p: _ref("Department", p.department)),
    AttributeSpec("team", "Team", "standard", "team", _team),
    AttributeSpec("cost_centers", "Cost center", "standard", "cost_centers", lambda p: []),
    AttributeSpec("dynamic_1001", "Geburtsdatum", "date", "date_of_birth",
                  lambda p: p.date_of_birth.isoformat() if p.date_of_birth else None),  # custom dates are plain
    AttributeSpec("dynamic_1002", "Nationalität", "list", None, lambda p: p.nationality,
                  options=tuple(n for *_, n in LOCALES)),
    AttributeSpec("dynamic_1003", "Straße und Hausnummer", "standard", None, lambda p: p.address1),
    AttributeSpec("dynamic_1004", "Adresszusatz", "standard", None, lambda p: _or_empty(p.address2, p)),
    AttributeSpec("dynamic_1005", "PLZ", "standard", None, lambda p: p.zipcode),
    AttributeSpec("dynamic_1006", "Ort", "standard", None, lambda p: p.city),
    AttributeSpec("dynamic_1007", "Land", "list", None, lambda p: p.country, options=tuple(c for _, _, c, _ in LOCALES)),
    AttributeSpec("dynamic_1008", "Steuer-ID", "standard", None, lambda p: p.tax_id),
    AttributeSpec("dynamic_1009", "Personalnummer", "standard", None, lambda p: p.employee_number),
    AttributeSpec("dynamic_1010", "Telefon (mobil)", "standard", None, lambda p: p.phone),
    AttributeSpec("dynamic_1011", "Sprachen", "tags", None, lambda p: ",".join(p.languages) or None,
                  options=LANGUAGES),
    AttributeSpec("dynamic_24407", "Titel", "standard", None, lambda p: _or_empty(p.academic_title, p)),
)

ATTRIBUTES_BY_KEY = {spec.key: spec for spec in ATTRIBUTES}

# Person fields → the attribute keys they feed (for `updated_since`, which sees whitelisted attributes only).
FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "first_name": ("first_name",), "last_name": ("last_name",), "preferred_name": ("preferred_name",),
    "work_email": ("email",), "home_email": ("email",), "gender": ("gender",), "status": ("status",),
    "job_title": ("position",), "employment_type": ("weekly_working_hours",),
    "hire_date": ("hire_date", "probation_period_end"), "office": ("office",),
    "termination_date": ("termination_date", "last_working_day", "termination_type"),
    "department": ("department", "team"), "date_of_birth": ("dynamic_1001",), "nationality": ("dynamic_1002",),
    "address1": ("dynamic_1003",), "address2": ("dynamic_1004",), "zipcode": ("dynamic_1005",),
    "city": ("dynamic_1006",), "country": ("dynamic_1007",), "tax_id": ("dynamic_1008",),
    "employee_number": ("dynamic_1009",), "phone": ("dynamic_1010",), "languages": ("dynamic_1011",),
    "academic_title": ("dynamic_24407",),
}


def readable(whitelist: frozenset[str] | None) -> tuple[AttributeSpec, ...]:
    """The attributes a credential may read; `id` is always there."""
    if whitelist is None:
        return ATTRIBUTES
    return tuple(spec for spec in ATTRIBUTES if spec.key == "id" or spec.key in whitelist)


def employee_object(person: Person, specs: tuple[AttributeSpec, ...], style: str = "full") -> dict[str, Any]:
    return {"type": "Employee", "attributes": {spec.key: spec.render(person, style) for spec in specs}}


def employee_json(person: Person, specs: tuple[AttributeSpec, ...], style: str = "full") -> str:
    return json.dumps(employee_object(person, specs, style), ensure_ascii=False, separators=(",", ":"))


def changed_attribute_keys(person: Person) -> set[str]:
    """Attribute keys touched by the person's last update."""
    return {key for name in person.changed_fields for key in FIELD_KEYS.get(name, ())}
