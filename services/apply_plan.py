"""Deciding what an approval writes: selected items → new and changed stakeholders, stale and refused ones.

The values come from `domain.apply` item by item; this module adds what only an apply against a
live registry needs: the approver's selection, stale versions, and conflicts with stakeholders
outside the change set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Callable, Iterable, Mapping

from domain.apply import SKIP, Resolution, apply_items
from domain.changeset import ChangeItem, ChangeKind
from domain.decisions import DecisionKind, ReviewDecision
from domain.errors import IdentifierTaken, InvalidResolution
from domain.names import NameFormat
from domain.policy import SyncPolicy
from domain.stakeholder import Stakeholder
from services.apply_index import ClaimIndex
from services.apply_selection import IGNORE, Selection, choice_of
from store.repositories.changeset_reads import StoredChangeSet, StoredItem


class Outcome(StrEnum):
    APPLIED = "applied"
    DECIDED = "decided"  # a review answered "not the same person" or "ignore": a decision, no write
    EXCLUDED = "excluded"
    UNRESOLVED = "unresolved"
    SKIPPED = "skipped"
    STALE = "stale"
    CONFLICT = "conflict"


class Phase(StrEnum):
    """How far an apply got, for a progress view (in order)."""

    WAITING = "waiting"  # for the change set's row lock (another approver's apply)
    READING = "reading"
    LOCKING = "locking"
    DECIDING = "deciding"  # item by item: done / total
    WRITING = "writing"  # creates, updates, decisions, resolutions, audit: done / total steps
    COMMITTING = "committing"


Progress = Callable[[Phase, int, int], None]
# Items decided between two progress reports.
PROGRESS_EVERY = 500


def no_progress(phase: Phase, done: int, total: int) -> None:
    """The default listener: nobody watches."""


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    item_id: int
    remote_id: str
    employee_name: str
    kind: ChangeKind
    outcome: Outcome
    applied_kind: ChangeKind | None = None
    stakeholder_id: int | None = None
    resolution: str | None = None
    message: str | None = None


@dataclass
class Plan:
    """Creates carry temporary negative ids until the database assigns real ones."""

    outcomes: list[ItemOutcome] = field(default_factory=list)
    creates: list[Stakeholder] = field(default_factory=list)
    updates: dict[int, tuple[Stakeholder, Stakeholder]] = field(default_factory=dict)
    decisions: list[ReviewDecision] = field(default_factory=list)


def claimed_values(stored: StoredChangeSet) -> tuple[set[str], set[str]]:
    """Identifiers and remote ids the items may write: whoever holds them can conflict."""
    identifiers: set[str] = set()
    for entry in stored.items:
        identifiers.update(_identifiers(entry.item))
    return identifiers, {entry.item.remote_id for entry in stored.items}


def build_plan(stored: StoredChangeSet, selection: Selection, current: Mapping[int, Stakeholder],
               holders: Iterable[Stakeholder], name_format: NameFormat, policy: SyncPolicy,
               progress: Progress = no_progress) -> Plan:
    planner = _Planner(selection, ClaimIndex([*current.values(), *holders], policy.provider),
                       name_format, policy)
    total = len(stored.items)
    for done, entry in enumerate(stored.items):
        if done % PROGRESS_EVERY == 0:
            progress(Phase.DECIDING, done, total)
        planner.plan.outcomes.append(planner.outcome(entry))
    progress(Phase.DECIDING, total, total)
    return planner.plan


class _Planner:
    def __init__(self, selection: Selection, index: ClaimIndex, name_format: NameFormat, policy: SyncPolicy):
        self.selection, self.index, self.name_format, self.policy = selection, index, name_format, policy
        self.plan = Plan()
        self.originals = dict(index.by_id)
        self.next_temp_id = -1

    def outcome(self, entry: StoredItem) -> ItemOutcome:
        item = entry.item
        if item.kind is ChangeKind.SKIP:
            return _outcome(entry, Outcome.SKIPPED)
        if entry.id in self.selection.exclude:
            return _outcome(entry, Outcome.EXCLUDED, resolution="excluded")
        if item.kind is ChangeKind.REVIEW:
            return self._review(entry, choice_of(self.selection.resolve.get(entry.id)))
        refusal = None if item.kind is ChangeKind.CREATE else self._refusal(entry)
        return refusal or self._write(entry, None, "applied")

    def _review(self, entry: StoredItem, choice: Resolution | None) -> ItemOutcome:
        if choice is None:
            return _outcome(entry, Outcome.UNRESOLVED, resolution="unresolved")
        if choice == SKIP:
            return _outcome(entry, Outcome.SKIPPED, resolution=SKIP)
        if choice == IGNORE:
            self.plan.decisions.append(ReviewDecision(DecisionKind.IGNORE_EMPLOYEE, entry.item.remote_id))
            return _outcome(entry, Outcome.DECIDED, resolution=IGNORE)
        if isinstance(choice, int) and choice not in self.index.by_id:
            return _outcome(entry, Outcome.CONFLICT, message=f"stakeholder {choice} no longer exists")
        resolution = choice if isinstance(choice, str) else f"link:{choice}"
        return self._write(entry, choice, resolution)

    def _refusal(self, entry: StoredItem) -> ItemOutcome | None:
        target = entry.item.stakeholder_id
        live = self.index.by_id.get(target) if target is not None else None
        if live is None:
            return _outcome(entry, Outcome.CONFLICT, message=f"stakeholder {target} no longer exists")
        seen = entry.stakeholder_version
        if seen is not None and self.originals[target].version != seen:
            return _outcome(entry, Outcome.STALE, stakeholder_id=target,
                            message=f"stakeholder {target} changed since the preview (version {seen} → "
                                    f"{self.originals[target].version}); the next sync proposes it again")
        return None

    def _write(self, entry: StoredItem, choice: Resolution | None, resolution: str) -> ItemOutcome:
        item = entry.item
        target = choice if isinstance(choice, int) else item.stakeholder_id
        if target is not None and target in self.plan.updates:
            return _outcome(entry, Outcome.CONFLICT, stakeholder_id=target,
                            message=f"another item of this change set already changes stakeholder {target}")
        resolutions = {} if choice is None else {item.remote_id: choice}
        try:
            registry, results = apply_items(self._relevant(item, target), [item], self.name_format,
                                            resolutions, self.next_temp_id, self.policy)
        except (IdentifierTaken, InvalidResolution) as refused:
            return _outcome(entry, Outcome.CONFLICT, stakeholder_id=target, message=str(refused))
        result = results[0]
        if result.decisions:
            self.plan.decisions.extend(result.decisions)
            return _outcome(entry, Outcome.DECIDED, resolution=resolution)
        written = registry[result.stakeholder_id]
        self._record(written, result.kind)
        return _outcome(entry, Outcome.APPLIED, applied_kind=result.kind, stakeholder_id=written.id,
                        resolution=resolution)

    def _relevant(self, item: ChangeItem, target: int | None) -> list[Stakeholder]:
        """The target plus whoever holds a value the item may write (domain.apply checks them)."""
        ids = {target} if target is not None else set()
        ids.update(self.index.holders(_identifiers(item), item.remote_id))
        return [self.index.by_id[stakeholder_id] for stakeholder_id in ids if stakeholder_id is not None]

    def _record(self, written: Stakeholder, kind: ChangeKind) -> None:
        if kind is ChangeKind.CREATE:
            self.plan.creates.append(written)
            self.next_temp_id -= 1
        else:
            self.plan.updates[written.id] = (self.originals[written.id], written)
        self.index.put(written)


def _outcome(entry: StoredItem, outcome: Outcome, **details) -> ItemOutcome:
    item = entry.item
    return ItemOutcome(entry.id, item.remote_id, item.employee_name, item.kind, outcome, **details)


def _identifiers(item: ChangeItem) -> set[str]:
    values = {item.proposed.get("unique_identifier")}
    change = item.fields.get("unique_identifier")
    if change is not None:
        values.add(change.new)
    return {value for value in values if value}
