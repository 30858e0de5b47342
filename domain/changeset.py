"""Change sets: what a sync proposes, item by item, for an approver to apply."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Mapping


class ChangeKind(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    LINK = "link"
    REVIEW = "review"
    LEAVER = "leaver"
    SKIP = "skip"


# Output order of kinds in a change set.
KIND_ORDER = {kind: rank for rank, kind in enumerate(ChangeKind)}

# Kinds an approver can apply; `skip` is informational only.
ACTIONABLE_KINDS = frozenset({ChangeKind.CREATE, ChangeKind.UPDATE, ChangeKind.LINK,
                              ChangeKind.REVIEW, ChangeKind.LEAVER})


class Reason(StrEnum):
    AMBIGUOUS_NAME = "ambiguous_name"
    IDENTIFIER_CONFLICT = "identifier_conflict"
    IDENTIFIER_NAME_MISMATCH = "identifier_name_mismatch"
    IDENTIFIER_LEADING_ZEROS = "identifier_leading_zeros"
    UNMANAGED_GROUP = "unmanaged_group"
    MIDDLE_NAME_CONFLICT = "middle_name_conflict"
    EMAIL_CONFLICT = "email_conflict"
    SIMILAR_NAME = "similar_name"
    EMAIL_ONLY = "email_only"
    LINKED_ELSEWHERE = "linked_elsewhere"
    SUFFIX_CONFLICT = "suffix_conflict"
    BIRTH_DATE_CONFLICT = "birth_date_conflict"
    EMAIL_OF_ANOTHER_EMPLOYEE = "email_of_another_employee"
    DUPLICATE_IDENTIFIER = "duplicate_identifier"
    DUPLICATE_REMOTE_ID = "duplicate_remote_id"
    CONTESTED_MATCH = "contested_match"
    NO_HIRE_DATE = "no_hire_date"
    TERMINATED = "terminated"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """Old and new value of one stakeholder field, as text (dates in ISO form)."""

    old: str | None
    new: str | None


def _frozen(mapping: Mapping | None = None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, slots=True)
class ChangeItem:
    """One proposed change for one employee.

    `fields` holds the diff to apply (for `create`: every value of the new stakeholder).
    `proposed` holds every stakeholder value the HR record implies, so that a review item
    resolved later ("link to X", "create new") can be turned into a diff against any candidate.
    """

    kind: ChangeKind
    remote_id: str
    employee_name: str
    stakeholder_id: int | None = None
    reason: Reason | None = None
    fields: Mapping[str, FieldChange] = field(default_factory=_frozen)
    proposed: Mapping[str, str] = field(default_factory=_frozen)
    candidates: tuple[int, ...] = ()
    termination_date: dt.date | None = None

    @property
    def sort_key(self) -> tuple:
        return (KIND_ORDER[self.kind], self.remote_id, self.stakeholder_id or 0)


# Matching builds an item per changed employee and a FieldChange per changed field: tens of thousands per sync.
# A frozen dataclass's __init__ writes each field through object.__setattr__ (~1.3 µs for a ChangeItem);
# these write the same slots through their descriptors (~0.45 µs). The result is the same frozen value.
_new = object.__new__
_set_kind, _set_remote_id, _set_employee_name = ChangeItem.kind.__set__, ChangeItem.remote_id.__set__, \
    ChangeItem.employee_name.__set__
_set_stakeholder_id, _set_reason, _set_fields = ChangeItem.stakeholder_id.__set__, ChangeItem.reason.__set__, \
    ChangeItem.fields.__set__
_set_proposed, _set_candidates, _set_termination_date = ChangeItem.proposed.__set__, \
    ChangeItem.candidates.__set__, ChangeItem.termination_date.__set__
_set_old, _set_new = FieldChange.old.__set__, FieldChange.new.__set__
# The one empty mapping of the items that change no field (read-only, so it can be shared).
NO_FIELDS: Mapping[str, FieldChange] = MappingProxyType({})


def change_item(kind: ChangeKind, remote_id: str, employee_name: str, stakeholder_id: int | None,
                reason: Reason | None, fields: Mapping[str, FieldChange], proposed: Mapping[str, str],
                candidates: tuple[int, ...], termination_date: dt.date | None) -> ChangeItem:
    """ChangeItem(kind, remote_id, …) with every field given, built the fast way (see above)."""
    item = _new(ChangeItem)
    _set_kind(item, kind)
    _set_remote_id(item, remote_id)
    _set_employee_name(item, employee_name)
    _set_stakeholder_id(item, stakeholder_id)
    _set_reason(item, reason)
    _set_fields(item, fields)
    _set_proposed(item, proposed)
    _set_candidates(item, candidates)
    _set_termination_date(item, termination_date)
    return item


def field_change(old: str | None, new: str | None) -> FieldChange:
    """FieldChange(old, new), built the fast way (see above)."""
    change = _new(FieldChange)
    _set_old(change, old)
    _set_new(change, new)
    return change


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """The items of one sync, in a stable order."""

    items: tuple[ChangeItem, ...]

    @classmethod
    def of(cls, items) -> "ChangeSet":
        return cls(tuple(sorted(items, key=lambda item: item.sort_key)))

    def counts(self) -> dict[str, int]:
        counter = Counter(item.kind for item in self.items)
        return {kind.value: counter.get(kind, 0) for kind in ChangeKind}

    def actionable(self) -> tuple[ChangeItem, ...]:
        return tuple(item for item in self.items if item.kind in ACTIONABLE_KINDS)

    def by_kind(self, kind: ChangeKind) -> tuple[ChangeItem, ...]:
        return tuple(item for item in self.items if item.kind is kind)
