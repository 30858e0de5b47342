"""What an approver chose, and whether it fits the change set: items left out and answers to reviews."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from core.errors import InvalidSelection
from domain.apply import CREATE, NOT_SAME_PERSON, SKIP, Resolution
from domain.changeset import ChangeItem, ChangeKind
from store.repositories.changeset_reads import StoredChangeSet

IGNORE = "ignore"
CHOICES = frozenset({CREATE, SKIP, NOT_SAME_PERSON, IGNORE})
_MATCHED_KINDS = (ChangeKind.UPDATE, ChangeKind.LINK, ChangeKind.LEAVER)


@dataclass(frozen=True, slots=True)
class Selection:
    """What the approver chose: item ids left out, and answers to review items (by item id)."""

    exclude: frozenset[int] = frozenset()
    resolve: Mapping[int, Resolution] = field(default_factory=dict)


def validate_selection(stored: StoredChangeSet, selection: Selection) -> None:
    """Refuse ids outside the change set and answers that do not fit their item."""
    by_id = {entry.id: entry.item for entry in stored.items}
    unknown = sorted(set(selection.exclude) - set(by_id))
    if unknown:
        raise InvalidSelection(f"item {unknown[0]} is not in change set {stored.id}")
    for item_id, choice in sorted(selection.resolve.items()):
        item = by_id.get(item_id)
        if item is None:
            raise InvalidSelection(f"item {item_id} is not in change set {stored.id}")
        if item.kind is not ChangeKind.REVIEW:
            raise InvalidSelection(f"item {item_id} is a {item.kind.value} item; only review items take a resolution")
        if not _fits(choice, item):
            raise InvalidSelection(f"item {item_id}: {choice!r} is not a choice; use create, skip, "
                                   f"not_same_person, ignore or a candidate ({_listed(item.candidates)})")


def touched_ids(stored: StoredChangeSet, selection: Selection) -> set[int]:
    """Stakeholders the selected items may write: locked and version-checked before writing."""
    ids = {entry.item.stakeholder_id for entry in stored.items
           if entry.item.kind in _MATCHED_KINDS and entry.id not in selection.exclude}
    ids.update(choice for choice in map(choice_of, selection.resolve.values())
               if isinstance(choice, int) and not isinstance(choice, bool))
    ids.discard(None)
    return ids


def choice_of(choice: Resolution | None) -> Resolution | None:
    if isinstance(choice, str) and choice.isdigit():
        return int(choice)
    return choice


def _fits(choice: Resolution, item: ChangeItem) -> bool:
    choice = choice_of(choice)
    if isinstance(choice, bool):
        return False
    if isinstance(choice, int):
        return choice in item.candidates
    return choice in CHOICES


def _listed(candidates: tuple[int, ...]) -> str:
    return ", ".join(str(candidate) for candidate in candidates) or "none"
