"""What the preview page shows: the change set by kind, with the stakeholders its items touch."""

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

FIELD_LABELS = {"name": "Name", "first_name": "First name", "last_name": "Last name",
                "unique_identifier": "Identifier", "email": "E-mail", "street": "Street",
                "postal_code": "Postal code", "city": "City", "country": "Country", "birth_date": "Birth date",
                "nationality": "Nationality", "phone": "Phone", "group": "Group"}
# What each reason code means, in the approver's words (the JSON API gives the code).
REASONS = {"ambiguous_name": "Several stakeholders have this name",
           "identifier_conflict": "The identifier clashes with another stakeholder's (it is linked to another "
                                  "employee, or its own identifier differs)",
           "identifier_name_mismatch": "The stakeholder with this identifier has another person's name: "
                                       "a reused or mistyped number?",
           "identifier_leading_zeros": "The identifier matches only if leading zeros are ignored (e.g. 0042 "
                                       "and 42)",
           "unmanaged_group": "The matching stakeholder is in a group the sync does not change by itself "
                              "(investors, advisors, founders)",
           "middle_name_conflict": "With the middle name this is one stakeholder, without it another",
           "email_conflict": "The e-mail address belongs to a different stakeholder than the name",
           "similar_name": "A stakeholder has a similar name (a typo, nickname, initials or other spelling)",
           "email_only": "Only the e-mail address matches",
           "duplicate_identifier": "Two employees in the HR system have this identifier",
           "duplicate_remote_id": "The HR system listed this employee twice",
           "contested_match": "Another employee matches the same stakeholder",
           "no_hire_date": "No hire date in the HR system",
           "terminated": "Terminated in the HR system"}
FORMAT_LABELS = {NameFormat.FIRST_LAST: "First Last", NameFormat.LAST_FIRST: "Last First",
                 NameFormat.LAST_COMMA_FIRST: "Last, First"}
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
    label: str
    old: str | None
    new: str | None
    identity: bool


@dataclass(frozen=True)
class Comparison:
    """One field of a review item: the employee's value and each candidate's (differs: True/False)."""

    label: str
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

    @property
    def reason(self) -> str:
        code = self.item.reason.value if self.item.reason else ""
        return REASONS.get(code, code.replace("_", " "))


@dataclass(frozen=True)
class Preview:
    changeset: StoredChangeSet
    company_name: str
    sections: dict[ChangeKind, list[Row]]
    formats: tuple[tuple[str, str, str], ...]  # value, label, example
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
    formats = tuple((fmt.value, FORMAT_LABELS[fmt], format_name(first, last, fmt)) for fmt in NameFormat)
    return Preview(stored, detail.company.name, sections, formats, items_digest(entry.id for entry in stored.items))


def _row(item_id: int, item: ChangeItem, known: Mapping[int, Stakeholder]) -> Row:
    changes = tuple(Change(FIELD_LABELS.get(name, name), change.old, change.new, name in IDENTITY_FIELDS)
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
        rows.append(Comparison(FIELD_LABELS[name], mine,
                               tuple((value, mine is not None and value != mine) for value in theirs)))
    return tuple(rows)
