"""HiBob people-search records (wire) → domain.Employee: slash keys first, nested paths as fallback, leaver rules.

A search answer carries every requested field twice: under a slash key wrapping `{"value": …}`
(`"/work/startDate"`) and inside the nested category objects (`work.startDate`, root fields at the top level)
(research/hibob.md §2.1). Values are machine values: dates `YYYY-MM-DD` (never the human-readable `09/05/2022`),
list fields hold list-item ids whose text is in the `humanReadable` node or the named lists.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from domain.employee import DATE_FIELDS, Employee, EmploymentStatus
from providers.errors import ProviderError
from providers.wire_values import mapped_values, plain_text, with_rule_fields

log = logging.getLogger(__name__)

ID_FIELD = "root.id"
# Field ids (dot notation, what the search's `fields` takes): stable when HiBob moves a field to another category.
DEFAULT_MAPPING: Mapping[str, str] = MappingProxyType({
    "work.employeeIdInCompany": "unique_identifier",
    "root.firstName": "first_name",
    "root.surname": "last_name",
    "root.secondName": "middle_name",
    "root.email": "email",
    "address.line1": "street",
    "address.postCode": "postal_code",
    "address.city": "city",
    "address.country": "country",
    "work.startDate": "hire_date",
    "internal.terminationDate": "termination_date",
    "internal.lifecycleStatus": "status",
})
# hrsync's rules (leavers, future joiners, rehires) need these even when a company maps them away.
RULE_FIELDS: Mapping[str, str] = MappingProxyType({
    "hire_date": "work.startDate",
    "termination_date": "internal.terminationDate",
    "status": "internal.lifecycleStatus",
})
ACCESS_FIELD = "internal.status"  # Active / Inactive: Hired and Terminated are both Inactive
# Fallbacks read beside the mapped fields: the second address line, the US zip code, the private e-mail.
FALLBACKS: Mapping[str, str] = MappingProxyType({
    "address.line1": "address.line2", "address.postCode": "address.zipCode", "root.email": "home.privateEmail"})
LIST_TYPES = frozenset({"list", "multi-list", "hierarchy-list"})

_LIFECYCLE: Mapping[str, EmploymentStatus] = MappingProxyType({
    "employed": EmploymentStatus.ACTIVE,
    "hired": EmploymentStatus.ONBOARDING,  # a future joiner: Inactive until the start date
    "terminated": EmploymentStatus.INACTIVE,
    "garden leave": EmploymentStatus.LEAVE,  # a leaver unless the company says otherwise (see `employment`)
})
ABSENT: Any = object()
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """What the fields metadata says of one field: where it sits, its type, and its category as people see it."""

    id: str
    json_path: str
    name: str | None = None
    type: str | None = None
    category: str | None = None
    list_id: str | None = None


def slash_key(field_id: str) -> str:
    return "/" + field_id.replace(".", "/")


def json_path(field_id: str) -> str:
    """Where a field sits in the nested employee JSON when the metadata does not say: root fields at the top."""
    return field_id[5:] if field_id.startswith("root.") else field_id


def nested(node: Any, path: str) -> Any:
    for part in path.split("."):
        if type(node) is not dict or part not in node:
            return ABSENT
        node = node[part]
    return node


def read_field(record: Mapping[str, Any], field_id: str, path: str | None = None) -> Any:
    """The machine value of a field (`None` for a present empty one), or ABSENT when the record lacks it."""
    wrapped = record.get(slash_key(field_id), ABSENT)
    if type(wrapped) is dict and "value" in wrapped:
        return wrapped["value"]
    return nested(record, path or json_path(field_id))


def human_text(record: Mapping[str, Any], field_id: str, path: str | None = None) -> str | None:
    """The display text of a field from `humanReadable` (APPEND), beside the slash key or in the node."""
    wrapped = record.get(slash_key(field_id))
    if type(wrapped) is dict and "humanReadable" in wrapped:
        return to_text(wrapped["humanReadable"])
    found = nested(record.get("humanReadable"), path or json_path(field_id))
    return None if found is ABSENT else to_text(found)


def remote_id_of(record: Any) -> str:
    if type(record) is not dict:
        raise ProviderError("HiBob returned an employee that is not an object")
    value = read_field(record, ID_FIELD, "id")
    text = value.replace("\x00", "").strip() if isinstance(value, str) else (
        str(value) if isinstance(value, int) and not isinstance(value, bool) else "")
    if not text:
        raise ProviderError("HiBob returned an employee without an id")
    return text


def to_text(value: Any) -> str | None:
    """Any value as text; `null`, `""`, blanks (an empty `fullAddress` is five spaces) and `[]` are empty; an
    employee reference `{"displayName", "id", …}` is its name."""
    return None if value is ABSENT else plain_text(value, ("value", "displayName", "name"))


def to_date(value: Any, *, field: str = "", remote_id: str = "") -> dt.date | None:
    """A machine date `YYYY-MM-DD` → date; anything else (a display date, a month-day) is logged, never guessed."""
    text = to_text(value)
    if text is None:
        return None
    try:
        if len(text) < 10 or text[4] != "-":
            raise ValueError(text)
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        log.warning("HiBob employee %s: %s is not a YYYY-MM-DD date; treated as empty", remote_id, field)
        return None


def lifecycle_of(value: Any) -> str | None:
    """`"garden leave"` (the lifecycle table's spelling), `"Garden_Leave"`, `"GARDEN-LEAVE"`, `"gardenLeave"` →
    `garden leave`: the people search's spelling of multi-word statuses is unconfirmed."""
    text = to_text(value)
    if not text:
        return None
    words = _CAMEL.sub(" ", text).replace("_", " ").replace("-", " ")
    return " ".join(words.lower().split())


def employment(lifecycle: str | None, access: str | None, hired: dt.date | None, ended: dt.date | None,
               today: dt.date, garden_leave_leaver: bool = True) -> tuple[EmploymentStatus, bool, dt.date | None]:
    """(status, marked terminated, termination date) by the leaver rule of research/hibob.md §9.7.

    A leaver: lifecycle Terminated (or Garden leave, unless the company keeps garden leave as an employee), or
    a termination date that has passed while access is Inactive. A future termination date is not a leaver
    yet; Hired is a future joiner. A termination date before the start date belongs to an earlier stint (a
    rehire keeps its id and HiBob may keep the old date): it is dropped, so a rehire is not a leaver.
    """
    if ended is not None and hired is not None and ended < hired:
        ended = None
    inactive = (access or "").lower() == "inactive"
    if lifecycle == "terminated" or (lifecycle == "garden leave" and garden_leave_leaver) or (
            inactive and ended is not None and ended <= today):
        return EmploymentStatus.INACTIVE, True, ended
    status = _LIFECYCLE.get(lifecycle or "")
    if status is None and lifecycle and "leave" in lifecycle.split():
        status = EmploymentStatus.LEAVE  # leave, parental leave, a company's own leave types: not leavers
    if status is None:
        # No readable lifecycle: Active is an employee; Inactive alone may be a leaver or a future joiner.
        status = EmploymentStatus.ACTIVE if (access or "").lower() == "active" else EmploymentStatus.UNKNOWN
    return status, False, ended


def effective_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    return with_rule_fields(mapping, RULE_FIELDS)


def requested_fields(mapping: Mapping[str, str]) -> list[str]:
    """The search's `fields`: the id, the mapped and rule fields, the access status and the fallbacks in use."""
    sources = effective_mapping(mapping)
    fallbacks = [FALLBACKS[source] for source in sources if source in FALLBACKS]
    return list(dict.fromkeys([ID_FIELD, *sources, ACCESS_FIELD, *fallbacks]))


class RecordMapper:
    """Search records → employees with the company's mapping, worked out once for a whole answer.

    `catalogue` (the fields metadata by id) says where each field sits and which are list fields; `named_list`
    (a named list's id → item id → text) resolves list items the `humanReadable` node does not name.
    """

    def __init__(self, mapping: Mapping[str, str], today: dt.date, catalogue: Mapping[str, FieldInfo] | None = None,
                 named_list: Callable[[str], Mapping[str, str]] | None = None, garden_leave_leaver: bool = True):
        self._sources = effective_mapping(mapping)
        self._catalogue, self._named_list = catalogue or {}, named_list
        self._today, self._garden_leave_leaver = today, garden_leave_leaver
        self._fallback_email = "email" in mapping.values()
        self._rules = {target: self._sources_of(target) for target in RULE_FIELDS}

    def path(self, field_id: str) -> str:
        info = self._catalogue.get(field_id)
        return info.json_path if info is not None and info.json_path else json_path(field_id)

    def __call__(self, record: Mapping[str, Any]) -> Employee:
        remote_id = remote_id_of(record)
        fields, extra = mapped_values(self._sources, lambda source, target: self._value(record, source, target,
                                                                                        remote_id))
        lifecycle = lifecycle_of(self._first(record, self._rules["status"]))
        access = to_text(read_field(record, ACCESS_FIELD))
        status, marked, ended = employment(lifecycle, access, fields.get("hire_date"), fields.get("termination_date"),
                                           self._today, self._garden_leave_leaver)
        fields.update(status=status, marked_terminated=marked, termination_date=ended)
        if self._fallback_email and fields.get("email") is None:
            fields["email"] = to_text(read_field(record, "home.privateEmail"))
        return Employee(remote_id=remote_id, extra=MappingProxyType(extra), **fields)

    def _sources_of(self, target: str) -> list[str]:
        return [source for source, mapped in self._sources.items() if mapped == target]

    def _first(self, record: Mapping[str, Any], sources: Iterable[str]) -> Any:
        for source in sources:
            value = read_field(record, source, self.path(source))
            if to_text(value) is not None:
                return value
        return None

    def _value(self, record: Mapping[str, Any], source: str, target: str, remote_id: str) -> Any:
        path = self.path(source)
        raw = read_field(record, source, path)
        if target in DATE_FIELDS:
            return to_date(raw, field=source, remote_id=remote_id)
        info = self._catalogue.get(source)
        text = self._list_text(record, source, path, raw, info) if info and info.type in LIST_TYPES else to_text(raw)
        fallback = FALLBACKS.get(source)
        if source == "address.line1" and text is not None:
            return ", ".join(p for p in (text, to_text(read_field(record, fallback))) if p)
        if text is None and fallback is not None and source != "root.email":
            return to_text(read_field(record, fallback))
        return text

    def _list_text(self, record: Mapping[str, Any], source: str, path: str, raw: Any, info: FieldInfo) -> str | None:
        """A list field's text: from `humanReadable`, else from the named list, else the item id itself."""
        shown = human_text(record, source, path)
        if shown is not None:
            return shown
        items = self._named_list(info.list_id) if info.list_id and self._named_list else {}
        values = raw if isinstance(raw, list) else [raw]
        texts = [items.get(str(to_text(v)), to_text(v)) for v in values if to_text(v) is not None]
        return ", ".join(t for t in texts if t) or None


class PresenceTracker:
    """The requested fields that no record of one answer carried, even as an empty value: a permission gap
    (HiBob leaves out fields the service user may not read, answering 200 without a word)."""

    def __init__(self, field_ids: Iterable[str], paths: Mapping[str, str] | None = None):
        self._paths = {field_id: (paths or {}).get(field_id) or json_path(field_id) for field_id in field_ids}
        self._missing = set(self._paths)
        self._records = 0

    def observe(self, record: Mapping[str, Any]) -> None:
        self._records += 1
        if self._missing:
            self._missing = {f for f in self._missing if read_field(record, f, self._paths[f]) is ABSENT}

    def absent(self) -> frozenset[str]:
        """Fields absent from every record; nothing when no record was seen (nothing to judge by)."""
        return frozenset(self._missing) if self._records else frozenset()
