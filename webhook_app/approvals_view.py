"""What the preview page shows: a page of the change set per kind, with the stakeholders its items touch and the
approver's choices (codes, not words: the templates word them with the filters of webhook_app.labels)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from domain.apply import CREATE
from domain.changeset import ChangeItem, ChangeKind
from domain.names import NameFormat, format_name
from domain.proposal import as_text
from domain.stakeholder import IDENTITY_FIELDS, SYNCED_FIELDS, Stakeholder
from services import approval_choices
from services.approval_choices import Choices
from services.changesets import ChangeSetOverview, ItemsPage, StoredChangeSet, StoredItem

SECTIONS = (ChangeKind.CREATE, ChangeKind.UPDATE, ChangeKind.LINK, ChangeKind.LEAVER, ChangeKind.REVIEW,
            ChangeKind.SKIP)
CHECKABLE = frozenset(approval_choices.CHECKABLE)
# Rows per kind: on the overview (every kind, its first rows) and on one kind's own pages.
OVERVIEW_ROWS = 25
PAGE_ROWS = 50
# On a phone the overview shows fewer of them (approvals.css hides the rest: keep the two in step), each kind with
# its "Show all" link: 25 rows of every kind made a page some 22,000 px tall at 390 px.
PHONE_ROWS = 5
PHONE_REVIEWS = 2
MAX_SEARCH = 100


@dataclass(frozen=True)
class FormState:
    """What the form carries besides the choices kept server-side: the name format and the e-mail."""

    name_format: NameFormat
    email: str = ""


@dataclass(frozen=True)
class Where:
    """Which part of the change set the page shows: every kind (kind None) or one, a page of it, a search."""

    kind: ChangeKind | None = None
    page: int = 1
    search: str = ""

    @classmethod
    def of(cls, values: Mapping[str, str]) -> "Where":
        kind = values.get("kind", "")
        page = values.get("page", "1")
        return cls(ChangeKind(kind) if kind in {k.value for k in SECTIONS} else None,
                   int(page) if page.isascii() and page.isdigit() and 0 < len(page) < 7 and int(page) > 0 else 1,
                   " ".join(values.get("q", "").split())[:MAX_SEARCH])

    @property
    def rows(self) -> int:
        return PAGE_ROWS if self.kind else OVERVIEW_ROWS

    def args(self, **changes) -> dict[str, str | int]:
        """Query arguments of this place (or of another with `changes`), defaults left out."""
        kind, page, search = (changes.get("kind", self.kind), changes.get("page", self.page),
                              changes.get("search", self.search))
        found: dict[str, str | int] = {}
        if kind:
            found["kind"] = kind.value if isinstance(kind, ChangeKind) else kind
        if page and page != 1:
            found["page"] = page
        if search:
            found["q"] = search
        return found


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
    checked: bool = False
    answer: str = "skip"


@dataclass(frozen=True)
class Section:
    """One kind's rows on this page: `total` items of the kind, `matching` the search, `selected` (checkable)."""

    kind: ChangeKind
    total: int
    matching: int
    offset: int
    limit: int
    rows: tuple[Row, ...]
    selected: int = 0
    all_selected: bool = True

    @property
    def checkable(self) -> bool:
        return self.kind in CHECKABLE

    @property
    def first(self) -> int:
        return self.offset + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.offset + len(self.rows)

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.matching // self.limit))

    @property
    def more(self) -> bool:
        return self.last < self.matching

    @property
    def more_on_a_phone(self) -> bool:
        """Whether the overview hides some of these rows on a phone."""
        return len(self.rows) > (PHONE_REVIEWS if self.kind is ChangeKind.REVIEW else PHONE_ROWS)


@dataclass(frozen=True)
class Preview:
    changeset: StoredChangeSet
    company_name: str
    counts: Mapping[str, int]
    digest: str
    formats: tuple[tuple[NameFormat, str], ...]  # each format with an example name
    where: Where
    sections: dict[ChangeKind, Section]
    choices: Choices

    @property
    def to_apply(self) -> int:
        """What the apply button writes as the choices stand: selected items, and reviews answered with a
        stakeholder or "create" (approvals.js keeps the count in step as choices change)."""
        return self.choices.to_apply(self.counts)

    @property
    def shown(self) -> str:
        """The ids of the items on this page (what the form's boxes and answers are about), comma-separated."""
        return ",".join(str(row.id) for section in self.sections.values() for row in section.rows)

    @property
    def unanswered(self) -> int:
        return self.counts.get(ChangeKind.REVIEW.value, 0) - len(self.choices.answers)

    def selected(self, kind: ChangeKind | str) -> int:
        kind = ChangeKind(kind)
        return self.choices.selected(kind, self.counts.get(kind.value, 0))


def registry_answer(choice: str) -> bool:
    """A review answer that writes to the registry: link to a candidate (its id) or create."""
    return approval_choices.writes(choice)


def build_preview(overview: ChangeSetOverview, where: Where, pages: Mapping[ChangeKind, ItemsPage],
                  choices: Choices) -> Preview:
    sections = {}
    for kind in (kind for kind in SECTIONS if kind in pages):  # in the tabs' order, whichever order pages came in
        page = pages[kind]
        rows = tuple(_row(entry.id, entry.item, page.stakeholders, choices) for entry in page.items)
        sections[kind] = Section(kind, overview.counts.get(kind.value, 0), page.total, page.offset, page.limit, rows,
                                 choices.selected(kind, overview.counts.get(kind.value, 0)),
                                 choices.all_selected.get(kind, True))
    first, last = _example(overview.first_create)
    formats = tuple((fmt, format_name(first, last, fmt)) for fmt in NameFormat)
    return Preview(overview.changeset, overview.company.name, overview.counts, overview.digest, formats, where,
                   sections, choices)


def _row(item_id: int, item: ChangeItem, known: Mapping[int, Stakeholder], choices: Choices) -> Row:
    changes = tuple(Change(name, change.old, change.new, name in IDENTITY_FIELDS)
                    for name, change in item.fields.items())
    checked = item.kind in CHECKABLE and choices.includes(item.kind, item_id)
    if item.kind is ChangeKind.CREATE:
        return Row(item_id, item, changes=changes, names=_names(item), checked=checked)
    if item.kind is ChangeKind.REVIEW:
        candidates = tuple(known[sid] for sid in item.candidates if sid in known)
        return Row(item_id, item, candidates=candidates, comparison=_compare(item, candidates),
                   answer=choices.answers.get(item_id, "skip"))
    stakeholder = known.get(item.stakeholder_id) if item.stakeholder_id is not None else None
    return Row(item_id, item, stakeholder=stakeholder, changes=changes, checked=checked)


def _names(item: ChangeItem) -> dict[str, str]:
    first, last = _new(item, "first_name"), _new(item, "last_name")
    fallback = _new(item, "name") or item.employee_name
    return {fmt.value: (format_name(first, last, fmt) if first and last else fallback) for fmt in NameFormat}


def _new(item: ChangeItem, name: str) -> str | None:
    change = item.fields.get(name)
    return change.new if change is not None else None


def _example(first_create: StoredItem | None) -> tuple[str, str]:
    if first_create is not None:
        first, last = _new(first_create.item, "first_name"), _new(first_create.item, "last_name")
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
