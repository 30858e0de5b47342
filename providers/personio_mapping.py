"""Personio v1 employee records (wire) → domain.Employee, through the company's attribute-key mapping."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from domain.employee import DATE_FIELDS, MAPPABLE_FIELDS, Employee, EmploymentStatus
from providers.errors import ProviderError

# Personio attribute *keys* (never labels: Personio renamed "Office" to "Workplace" in 2025, the key
# stayed). No standard v1 key carries an employee number, address, birth date or phone: those are
# custom `dynamic_*` attributes that differ per company, so the company maps them itself.
DEFAULT_MAPPING: Mapping[str, str] = MappingProxyType({
    "first_name": "first_name",
    "last_name": "last_name",
    "preferred_name": "preferred_name",
    "email": "email",
    "status": "status",
    "hire_date": "hire_date",
    "termination_date": "termination_date",
})

# A sync maps every attribute of every record: isinstance against the ABC (not typing.Mapping, twice as
# slow) and set lookups keep 100k records cheap.
_EMPLOYEE_FIELDS = frozenset(MAPPABLE_FIELDS)
_ABSENT = object()

STATUSES: Mapping[str, EmploymentStatus] = MappingProxyType({
    "active": EmploymentStatus.ACTIVE,
    "inactive": EmploymentStatus.INACTIVE,
    "onboarding": EmploymentStatus.ONBOARDING,
    "leave": EmploymentStatus.LEAVE,
})


# Parsed JSON objects are dicts: `type(x) is dict` first spares the ABC's slower check a million times a sync.


def attributes_of(raw: Any) -> Mapping[str, Any]:
    """The `attributes` object of an employee record `{"type": "Employee", "attributes": {…}}`."""
    attributes = raw.get("attributes") if type(raw) is dict or isinstance(raw, Mapping) else None
    if not (type(attributes) is dict or isinstance(attributes, Mapping)):
        raise ProviderError("Personio returned an employee record without attributes")
    return attributes


def unwrap(attribute: Any) -> Any:
    """`{label, value, type, universal_id}` → its value; a bare value passes through."""
    if (type(attribute) is dict or isinstance(attribute, Mapping)) and "value" in attribute:
        return attribute["value"]
    return attribute


def remote_id_of(raw: Any) -> str:
    """The Personio employee id (`attributes.id.value`, an integer on the wire) as a string."""
    return _remote_id(attributes_of(raw))


def _remote_id(attributes: Mapping[str, Any]) -> str:
    value = unwrap(attributes.get("id"))
    text = str(value).replace("\x00", "").strip() if isinstance(value, (int, str)) else ""
    if isinstance(value, bool) or not text:
        raise ProviderError("Personio returned an employee record without an id")
    return text


def to_text(value: Any) -> str | None:
    """Any Personio value as text; empty (`null`, `""`, `[]`, `{}`) is None."""
    if isinstance(value, str):  # by far the most common: checked first
        return _text_from_string(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Mapping):
        return _text_from_object(value)
    if isinstance(value, (list, tuple)):
        return _join(to_text(item) for item in value)
    return None


def _text_from_string(value: str) -> str | None:
    # NUL never belongs in HR text, and PostgreSQL text cannot hold it: one such name would fail every sync.
    text = value.replace("\x00", "").strip()
    # Tags sometimes arrive as a JSON-encoded list string ('["A","B"]'; personio-py fixed this in 2026).
    if text.startswith("[") and text.endswith("]"):
        try:
            items = json.loads(text)
        except ValueError:
            return text
        if isinstance(items, list):
            return _join(to_text(item) for item in items)
    return text or None


def _text_from_object(value: Mapping[str, Any]) -> str | None:
    """Department/office/team/cost centre `{"type", "attributes": {"id", "name"}}` → its name."""
    inner = value.get("attributes") if isinstance(value.get("attributes"), Mapping) else value
    for key in ("name", "value"):
        if key in inner:
            return to_text(unwrap(inner[key]))
    # A nested Employee (supervisor) carries wrapped attributes and no name: fall back to its id.
    return to_text(unwrap(inner.get("id")))


def _join(parts: Iterable[str | None]) -> str | None:
    kept = [part for part in parts if part]
    return ", ".join(kept) or None


def to_date(value: Any) -> dt.date | None:
    """`2014-11-09T00:00:00+01:00` (built-in dates: the company's local midnight) or `2021-01-01`
    (custom dates) → the calendar date; the offset is deliberately not converted to UTC."""
    if not isinstance(value, str) or len(value.strip()) < 10:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def to_status(value: Any) -> EmploymentStatus | None:
    text = to_text(value)
    return STATUSES.get(text.lower()) if text else None


_CONVERTERS = {**{name: to_date for name in DATE_FIELDS}, "status": to_status}


def convert(target: str, value: Any) -> Any:
    """A wire value as the employee field `target` wants it; None when empty or not understood."""
    return _CONVERTERS.get(target, to_text)(value)


def employee_from_wire(raw: Any, mapping: Mapping[str, str]) -> Employee:
    """Map one employee record. An attribute absent from the record (outside the credential's
    whitelist) leaves its field None; `AbsenceTracker` reports it so that it never blanks a value.
    Several keys mapped to one field: the first non-empty one in mapping order wins."""
    return RecordMapper(mapping)(raw)


class RecordMapper:
    """`employee_from_wire` with the mapping worked out once (converter and destination per key), for a
    whole listing: a sync maps every mapped attribute of every record."""

    def __init__(self, mapping: Mapping[str, str]):
        self._plan = tuple((key, _CONVERTERS.get(target, to_text), target, target in _EMPLOYEE_FIELDS)
                           for key, target in mapping.items())

    def __call__(self, raw: Any) -> Employee:
        attributes = attributes_of(raw)
        fields: dict[str, Any] = {}
        extra: dict[str, str] = {}
        for key, converter, target, is_field in self._plan:
            attribute = attributes.get(key, _ABSENT)
            if attribute is _ABSENT:
                continue
            converted = converter(unwrap(attribute))
            if converted is None:
                continue
            (fields if is_field else extra).setdefault(target, converted)
        if fields.get("status") is EmploymentStatus.INACTIVE:
            # Personio's "inactive" is itself the termination signal (its future hires are "onboarding"): a
            # leaver even when the termination date is not among the credential's readable attributes.
            fields["marked_terminated"] = True
        return Employee(remote_id=_remote_id(attributes), extra=MappingProxyType(extra), **fields)


class AbsenceTracker:
    """Collects the mapped attribute keys that no record of one fetch carried (whitelist gaps)."""

    def __init__(self, keys: Iterable[str]):
        self._missing = set(keys)
        self._records = 0

    def observe(self, raw: Any) -> None:
        self._records += 1
        attributes = attributes_of(raw)  # checked even when nothing is missing: a record without is an error
        if self._missing:
            self._missing.difference_update(attributes.keys())

    def absent(self) -> frozenset[str]:
        """Keys absent from every record; nothing when no record was seen (nothing to judge by)."""
        return frozenset(self._missing) if self._records else frozenset()
