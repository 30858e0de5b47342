"""BambooHR wire records → `domain.Employee`: pure functions that absorb the API's quirks."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Callable

from domain.employee import DATE_FIELDS, MAPPABLE_FIELDS, Employee, EmploymentStatus

log = logging.getLogger(__name__)

# SPEC §4. Birth date and phone are left to the company to map: the reference product never synced
# them, and personal data the registry does not need should not flow by default.
DEFAULT_MAPPING: Mapping[str, str] = MappingProxyType({
    "employeeNumber": "unique_identifier",
    "firstName": "first_name",
    "lastName": "last_name",
    "middleName": "middle_name",
    "preferredName": "preferred_name",
    "workEmail": "email",
    "address1": "street",
    "zipcode": "postal_code",
    "city": "city",
    "country": "country",
    "hireDate": "hire_date",
    "terminationDate": "termination_date",
    "status": "status",
})

# hrsync's rules (hire-date requirement, leavers) need these even when a company maps them away.
RULE_FIELDS: Mapping[str, str] = MappingProxyType({
    "hire_date": "hireDate",
    "termination_date": "terminationDate",
    "status": "status",
})

# Read on every fetch besides the mapped fields: fallbacks and the termination signal.
SUPPORT_FIELDS: tuple[str, ...] = ("homeEmail", "address2", "employmentHistoryStatus")

# Faros saw "0000-00-00" for "no date" (research §2.5). The OpenAPI examples also show the string "null"; it is
# read as "no value" only where no real value can read so (dates, statuses): "Null" is a surname.
_EMPTY = frozenset({"", "0000-00-00"})
_EMPTY_DATES = frozenset({*_EMPTY, "null"})

_STATUSES = {"active": EmploymentStatus.ACTIVE, "inactive": EmploymentStatus.INACTIVE}
_EMPLOYEE_FIELDS = frozenset(MAPPABLE_FIELDS)


def clean(value: Any) -> str | None:
    """A wire value as a stripped string; `{"value": …}` unwrapped; empty spellings → None."""
    if isinstance(value, str):  # nearly every report value: the other checks cannot apply
        text = value.replace("\x00", "").strip()
        return None if text.lower() in _EMPTY else text
    # collections.abc, not typing.Mapping: isinstance against the typing alias is twice as slow.
    if isinstance(value, Mapping):
        value = value.get("value")
    if value is None or isinstance(value, (list, dict)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    # NUL never belongs in HR text, and PostgreSQL text cannot hold it: one such name would fail every sync.
    text = str(value).replace("\x00", "").strip()
    return None if text.lower() in _EMPTY else text


def parse_date(value: Any, *, field: str = "", remote_id: str = "") -> dt.date | None:
    """`yyyy-mm-dd` → date; empty → None; anything else is logged (without the value) and dropped."""
    text = clean(value)
    if text is None or text.lower() in _EMPTY_DATES:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        log.warning("BambooHR employee %s: %s is not a yyyy-mm-dd date; treated as empty", remote_id, field)
        return None


def parse_status(value: Any) -> EmploymentStatus:
    """BambooHR's `status` is Active or Inactive (tracked or not); anything else is unknown."""
    text = clean(value)
    return _STATUSES.get(text.lower(), EmploymentStatus.UNKNOWN) if text else EmploymentStatus.UNKNOWN


def terminated_status(raw: Mapping[str, Any]) -> bool:
    """Inactive with a "terminated" employment status: a leaver even when no termination date can be read."""
    return (parse_status(raw.get("status")) is EmploymentStatus.INACTIVE
            and "terminat" in (clean(raw.get("employmentHistoryStatus")) or "").lower())


def effective_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    """The company mapping plus the rule fields it leaves untargeted."""
    merged = dict(mapping)
    targets = set(mapping.values())
    for target, source in RULE_FIELDS.items():
        if target not in targets and source not in merged:
            merged[source] = target
    return merged


def requested_fields(mapping: Mapping[str, str]) -> list[str]:
    """Field ids to ask the custom report for, in a stable order, `id` first."""
    fields = ["id", *effective_mapping(mapping), *SUPPORT_FIELDS]
    return list(dict.fromkeys(fields))


def employee_from_wire(raw: Mapping[str, Any], mapping: Mapping[str, str]) -> Employee:
    """Map one custom-report / employee record to an Employee with the company's field mapping."""
    return employee_reader(mapping)(raw)


def employee_reader(mapping: Mapping[str, str]) -> Callable[[Mapping[str, Any]], Employee]:
    """`employee_from_wire` with the mapping worked out once, for a whole report of records."""
    sources = effective_mapping(mapping)
    targeted = [(source, target) for source, target in sources.items() if target in _EMPLOYEE_FIELDS]
    email_fallback = "email" in mapping.values()

    def read(raw: Mapping[str, Any]) -> Employee:
        remote_id = clean(raw.get("id"))
        if remote_id is None:
            raise ValueError("BambooHR record without an id")
        values: dict[str, Any] = {}
        for source, target in targeted:
            if values.get(target) is None:
                values[target] = _value(raw, source, target, remote_id)
        # Only when the company maps e-mail at all: an unmapped target stays theirs to fill by hand.
        if email_fallback and values.get("email") is None:
            values["email"] = clean(raw.get("homeEmail"))
        ended = values.get("termination_date")
        _drop_earlier_employment(values)  # a date before the hire date is an earlier stint's: not this one's end
        values["status"] = values.get("status") or EmploymentStatus.UNKNOWN
        if ended is None and terminated_status(raw):
            # A leaver all the same (SPEC §4: Inactive and a termination signal); the date stays unknown,
            # typically a field the API key may not read.
            values["marked_terminated"] = True
            log.info("BambooHR employee %s is terminated without a readable termination date", remote_id)
        extra = {key: text for key, value in raw.items()
                 if key not in sources and key != "id" and (text := clean(value)) is not None}
        return Employee(remote_id=remote_id, extra=MappingProxyType(extra), **values)

    return read


def _value(raw: Mapping[str, Any], source: str, target: str, remote_id: str) -> Any:
    if target in DATE_FIELDS:
        return parse_date(raw.get(source), field=source, remote_id=remote_id)
    if target == "status":
        status = parse_status(raw.get(source))
        return None if status is EmploymentStatus.UNKNOWN else status
    text = clean(raw.get(source))
    if text is not None and target == "street" and source == "address1":
        # One registry line for the street: BambooHR's second address line joins the first.
        text = ", ".join(p for p in (text, clean(raw.get("address2"))) if p)
    return text


def _drop_earlier_employment(values: dict[str, Any]) -> None:
    """A termination date before the hire date belongs to an earlier stint (a rehire): not a leaver."""
    hired, ended = values.get("hire_date"), values.get("termination_date")
    if hired is not None and ended is not None and ended < hired:
        values["termination_date"] = None
