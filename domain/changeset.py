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
