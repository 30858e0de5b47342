"""What the page shows once a change set is applied: counts per outcome and the items, paged and filtered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from domain.changeset import ChangeKind
from services.approvals import COUNT_ORDER, FollowUp
from services.changesets import ChangeSetOverview, ItemsPage, StoredItem

ROWS = 50
# The item list's filters (store.repositories.changeset_reads.OUTCOME_FILTERS), "all" first.
FILTERS = (("all", "Every item"), ("applied", "Applied"), ("excluded", "Left out"),
           ("not_applied", "Not applied"), ("decided", "Decisions"), ("later", "Left for later"))
FILTER_NAMES = frozenset(name for name, _ in FILTERS)
WRITTEN = ("create", "update", "link", "leaver")
def outcome_of(kind: ChangeKind, resolution: str | None) -> str:
    """A key of COUNT_ORDER for an applied item, from its kind and the resolution the apply recorded."""
    if resolution == "applied":
        return kind.value
    if resolution == "create" or (resolution or "").startswith("link"):
        return "create" if resolution == "create" else "link"
    if resolution in ("not_same_person", "ignore"):
        return "decided"
    if resolution in ("excluded", "unresolved", "stale", "conflict"):
        return resolution
    return "skipped"


@dataclass(frozen=True)
class SummaryRow:
    entry: StoredItem

    @property
    def outcome(self) -> str:
        return outcome_of(self.entry.item.kind, self.entry.resolution)

    @property
    def written(self) -> bool:
        """Applied: the outcome is the kind written (create, update, link, leaver)."""
        return self.outcome in WRITTEN

    @property
    def stakeholder_id(self) -> int | None:
        resolution = self.entry.resolution or ""
        if resolution.startswith("link:") and resolution[5:].isdigit():
            return int(resolution[5:])
        return self.entry.item.stakeholder_id


@dataclass(frozen=True)
class Summary:
    overview: ChangeSetOverview
    counts: dict[str, int]
    filter: str
    page: ItemsPage
    not_applied: ItemsPage | None
    follow_up: FollowUp | None
    conflict: bool = False

    @property
    def changeset(self):
        return self.overview.changeset

    @property
    def rows(self) -> tuple[SummaryRow, ...]:
        return tuple(SummaryRow(entry) for entry in self.page.items)

    @property
    def not_applied_rows(self) -> tuple[SummaryRow, ...]:
        return tuple(SummaryRow(entry) for entry in self.not_applied.items) if self.not_applied else ()

    @property
    def written(self) -> int:
        return sum(self.counts.get(key, 0) for key in WRITTEN)

    @property
    def page_number(self) -> int:
        return self.page.offset // self.page.limit + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.page.total // self.page.limit))


def count_outcomes(by_resolution: Mapping[tuple[ChangeKind, str | None], int]) -> dict[str, int]:
    counted: dict[str, int] = {}
    for (kind, resolution), number in by_resolution.items():
        key = outcome_of(kind, resolution)
        counted[key] = counted.get(key, 0) + number
    return {key: counted[key] for key in COUNT_ORDER if counted.get(key)}
