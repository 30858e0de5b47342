"""What the preview page shows: the change set by kind, with the stakeholders its items touch (codes, not words:
the templates word them with the filters of webhook_app.labels)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from domain.apply import CREATE
from domain.changeset import ChangeItem, ChangeKind
from domain.names import NameFormat, format_name
from domain.proposal import as_text
from domain.stakeholder import IDENTITY_FIELDS, SYNCED_FIELDS, Stakeholder
from services.approvals import items_digest
from services.changesets import ChangeSetDetail, StoredChangeSet

SECTIONS = (ChangeKind.CREATE, ChangeKind.UPDATE, ChangeKind.LINK, ChangeKind.LEAVER, ChangeKind.REVIEW,
            ChangeKind.SKIP)
CHECKABLE = frozenset({ChangeKind.CREATE, ChangeKind.UPDATE, ChangeKind.LINK, ChangeKind.LEAVER})


@dataclass(frozen=True)
class FormState:
    """The form as the approver left it: checked items, review answers, name format, e-mail."""

    included: frozenset[int]
    resolutions: Mapping[int, str]
    name_format: NameFormat
    email: str = ""

    @classmethod
    def initial(cls, stored: StoredChangeSet, name_format: NameFormat) -> "FormState":
        checked = frozenset(entry.id for entry in stored.items if entry.item.kind in CHECKABLE)
        return cls(checked, {}, name_format)


@dataclass(frozen=True)
class Change:
    field: str
    old: str | None
    new: str | None
    identity: bool


@dataclass(frozen=True)
class Comparison:
    """One field of a review item: the employee's value and each candidate's (differs: True/False)."""

    field: str
    employee: str | None
    candidates: tuple[tuple[str | None, bool], ...]


@dataclass(frozen=True)
class Row:
    id: int
    item: ChangeItem
    stakeholder: Stakeholder | None = None
    changes: tuple[Change, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    candidates: tuple[Stakeholder, ...] = ()
    comparison: tuple[Comparison, ...] = ()


@dataclass(frozen=True)
class Preview:
    changeset: StoredChangeSet
    company_name: str
    sections: dict[ChangeKind, list[Row]]
    formats: tuple[tuple[NameFormat, str], ...]  # each format with an example name
    digest: str

    @property
    def counts(self) -> dict[str, int]:
        return self.changeset.counts()

    def changes_to_apply(self, state: FormState) -> int:
        """What the apply button writes as the form stands: checked items, and reviews answered with a
        stakeholder or "create" (approvals.js keeps the button's count in step as boxes change)."""
        checked = sum(1 for kind in CHECKABLE for row in self.sections[kind] if row.id in state.included)
        answered = sum(1 for row in self.sections[ChangeKind.REVIEW]
                       if registry_answer(state.resolutions.get(row.id, "")))
        return checked + answered


def registry_answer(choice: str) -> bool:
    """A review answer that writes to the registry: link to a candidate (its id) or create."""
    return choice == CREATE or (choice.isascii() and choice.isdigit())


def build_preview(detail: ChangeSetDetail) -> Preview:
    stored, known = detail.changeset, detail.stakeholders
    sections: dict[ChangeKind, list[Row]] = {kind: [] for kind in SECTIONS}
    for entry in stored.items:
        sections[entry.item.kind].append(_row(entry.id, entry.item, known))
    first, last = _example(sections[ChangeKind.CREATE])
    formats = tuple((fmt, format_name(first, last, fmt)) for fmt in NameFormat)
    return Preview(stored, detail.company.name, sections, formats, items_digest(entry.id for entry in stored.items))


def _row(item_id: int, item: ChangeItem, known: Mapping[int, Stakeholder]) -> Row:
    changes = tuple(Change(name, change.old, change.new, name in IDENTITY_FIELDS)
                    for name, change in item.fields.items())
    if item.kind is ChangeKind.CREATE:
        return Row(item_id, item, changes=changes, names=_names(item))
    if item.kind is ChangeKind.REVIEW:
        candidates = tuple(known[sid] for sid in item.candidates if sid in known)
        return Row(item_id, item, candidates=candidates, comparison=_compare(item, candidates))
    stakeholder = known.get(item.stakeholder_id) if item.stakeholder_id is not None else None
    return Row(item_id, item, stakeholder=stakeholder, changes=changes)


def _names(item: ChangeItem) -> dict[str, str]:
    first, last = _new(item, "first_name"), _new(item, "last_name")
    fallback = _new(item, "name") or item.employee_name
    return {fmt.value: (format_name(first, last, fmt) if first and last else fallback) for fmt in NameFormat}


def _new(item: ChangeItem, name: str) -> str | None:
    change = item.fields.get(name)
    return change.new if change is not None else None


def _example(creates: list[Row]) -> tuple[str, str]:
    for row in creates:
        first, last = _new(row.item, "first_name"), _new(row.item, "last_name")
        if first and last:
            return first, last
    return "Anna", "Müller"


def _compare(item: ChangeItem, candidates: tuple[Stakeholder, ...]) -> tuple[Comparison, ...]:
    rows = []
    for name in SYNCED_FIELDS:
        mine = item.proposed.get(name)
        theirs = tuple(as_text(getattr(candidate, name)) for candidate in candidates)
        if mine is None and not any(theirs):
            continue
        rows.append(Comparison(name, mine,
                               tuple((value, mine is not None and value != mine) for value in theirs)))
    return tuple(rows)
