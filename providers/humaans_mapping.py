"""Humaans people (wire) → domain.Employee: `YYYY-MM-DD` dates, status newHire / active / offboarded, the address
from its parts, the country from `countryCode`; custom values joined in under `custom.<custom field id>`."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from domain.employee import DATE_FIELDS, Employee, EmploymentStatus
from providers.errors import ProviderError
from providers.wire_values import mapped_values, plain_text, with_rule_fields

log = logging.getLogger(__name__)

# Person keys (research/humaans.md §2.3). `employeeId` is the company's own employee number.
DEFAULT_MAPPING: Mapping[str, str] = MappingProxyType({
    "employeeId": "unique_identifier",
    "firstName": "first_name",
    "lastName": "last_name",
    "middleName": "middle_name",
    "preferredName": "preferred_name",
    "email": "email",
    "address": "street",
    "postcode": "postal_code",
    "city": "city",
    "countryCode": "country",
    "employmentStartDate": "hire_date",
    "employmentEndDate": "termination_date",
    "status": "status",
})
RULE_FIELDS: Mapping[str, str] = MappingProxyType({
    "hire_date": "employmentStartDate", "termination_date": "employmentEndDate", "status": "status"})
# Read when the mapped key is empty: the personal e-mail (private data), the country's name.
FALLBACKS: Mapping[str, str] = MappingProxyType({"email": "personalEmail", "countryCode": "country"})
CUSTOM_PREFIX = "custom."
# A secret of the person's calendar feed: never read, never stored (research §2.3).
NEVER_READ = frozenset({"calendarFeedToken"})

_STATUSES: Mapping[str, EmploymentStatus] = MappingProxyType({
    "active": EmploymentStatus.ACTIVE,
    "newhire": EmploymentStatus.ONBOARDING,  # a future joiner (seen only with private:read)
    "offboarded": EmploymentStatus.INACTIVE,
})


@dataclass(frozen=True, slots=True)
class PersonKey:
    """A built-in person key for the mapping view; `private` ones need the scope private:read."""

    key: str
    label: str
    type: str = "text"
    private: bool = False


# Humaans has no metadata endpoint for built-in person fields (research §3): the catalogue is hrsync's.
PERSON_KEYS: tuple[PersonKey, ...] = (
    PersonKey("employeeId", "Employee ID"), PersonKey("firstName", "First name"),
    PersonKey("middleName", "Middle name"), PersonKey("lastName", "Last name"),
    PersonKey("preferredName", "Preferred name"), PersonKey("email", "Work e-mail"),
    PersonKey("personalEmail", "Personal e-mail", private=True),
    PersonKey("phoneNumber", "Phone number", private=True),
    PersonKey("personalPhoneNumber", "Personal phone number", private=True),
    PersonKey("birthday", "Birthday", "date", private=True), PersonKey("gender", "Gender", private=True),
    PersonKey("nationality", "Nationality", private=True),
    PersonKey("address", "Address (street)", private=True), PersonKey("city", "City", private=True),
    PersonKey("state", "State", private=True), PersonKey("postcode", "Postcode", private=True),
    PersonKey("countryCode", "Country code (ISO)", private=True), PersonKey("country", "Country", private=True),
    PersonKey("taxId", "Tax ID", private=True), PersonKey("taxCode", "Tax code", private=True),
    PersonKey("employmentStartDate", "Employment start date", "date"),
    PersonKey("firstWorkingDay", "First working day", "date"),
    PersonKey("employmentEndDate", "Employment end date", "date"),
    PersonKey("lastWorkingDay", "Last working day", "date"),
    PersonKey("probationEndDate", "Probation end date", "date"), PersonKey("status", "Status"),
    PersonKey("contractType", "Contract type"), PersonKey("leavingReason", "Leaving reason"),
    PersonKey("teams", "Teams"), PersonKey("timezone", "Time zone"),
)


def remote_id_of(record: Any) -> str:
    value = record.get("id") if type(record) is dict else None
    text = value.replace("\x00", "").strip() if isinstance(value, str) else ""
    if not text:
        raise ProviderError("Humaans returned a person without an id")
    return text


def to_text(value: Any) -> str | None:
    """Any value as text; `null`, `""` and `[]` are empty; teams `[{"name": …}]` and multiple choices joined."""
    return plain_text(value, ("name", "value"))


def to_date(value: Any, *, field: str = "", remote_id: str = "") -> dt.date | None:
    """`YYYY-MM-DD` → date; empty → None; anything else is logged (without the value) and dropped."""
    text = to_text(value)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        log.warning("Humaans person %s: %s is not a YYYY-MM-DD date; treated as empty", remote_id, field)
        return None


def employment(status: str | None, hired: dt.date | None, ended: dt.date | None,
               today: dt.date) -> tuple[EmploymentStatus, bool, dt.date | None]:
    """(status, marked terminated, end date): offboarded, or an end date that has passed, is a leaver; a future
    end date is not yet; newHire is a future joiner. An end date before the start date is an earlier stint's."""
    if ended is not None and hired is not None and ended < hired:
        ended = None
    if status == "offboarded" or (ended is not None and ended <= today):
        return EmploymentStatus.INACTIVE, True, ended
    return _STATUSES.get(status or "", EmploymentStatus.UNKNOWN), False, ended


def effective_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    return with_rule_fields(mapping, RULE_FIELDS, NEVER_READ)


def read_keys(mapping: Mapping[str, str]) -> list[str]:
    """Every person key a fetch reads: the id, the mapped and rule keys, and the fallbacks in use."""
    sources = effective_mapping(mapping)
    return list(dict.fromkeys(["id", *sources, *(FALLBACKS[s] for s in sources if s in FALLBACKS)]))


class RecordMapper:
    """People → employees with the company's mapping, worked out once for a whole listing."""

    def __init__(self, mapping: Mapping[str, str], today: dt.date):
        self._sources = effective_mapping(mapping)
        self._today = today

    def __call__(self, record: Mapping[str, Any]) -> Employee:
        remote_id = remote_id_of(record)
        fields, extra = mapped_values(self._sources, lambda source, target: self._value(record, source, target,
                                                                                        remote_id))
        status_text = (to_text(record.get(self._status_key())) or "").lower() or None
        status, marked, ended = employment(status_text, fields.get("hire_date"), fields.get("termination_date"),
                                           self._today)
        fields.update(status=status, marked_terminated=marked, termination_date=ended)
        return Employee(remote_id=remote_id, extra=MappingProxyType(extra), **fields)

    def _status_key(self) -> str:
        return next((source for source, target in self._sources.items() if target == "status"), "status")

    def _value(self, record: Mapping[str, Any], source: str, target: str, remote_id: str) -> Any:
        if target in DATE_FIELDS:
            return to_date(record.get(source), field=source, remote_id=remote_id)
        text = to_text(record.get(source))
        if text is None and source in FALLBACKS:
            text = to_text(record.get(FALLBACKS[source]))
        return text


class PresenceTracker:
    """The mapped keys no person of one listing carried, even as null: outside the token's scopes or role."""

    def __init__(self, keys: Iterable[str]):
        self._missing = set(keys)
        self._records = 0

    def observe(self, record: Mapping[str, Any]) -> None:
        self._records += 1
        if self._missing:
            self._missing.difference_update(record.keys())

    def absent(self) -> frozenset[str]:
        return frozenset(self._missing) if self._records else frozenset()
