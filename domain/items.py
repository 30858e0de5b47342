"""Building the change items of one employee: create, skip, review, and the item of a match."""

from __future__ import annotations

from collections import Counter
from operator import attrgetter
from types import MappingProxyType
from typing import Mapping

from domain.changeset import KIND_ORDER, NO_FIELDS, ChangeItem, ChangeKind, Reason, change_item, field_change
from domain.diff import group_change, in_step, matched_item
from domain.policy import SyncPolicy
from domain.proposal import GROUP, NAME, hr_values, implied_group, proposed_values
from domain.subject import Subject
from domain.stakeholder import SYNCED_FIELDS, Stakeholder


# Members read in per-employee code, held here: in Python 3.11 every `Enum.MEMBER` goes through EnumType's
# __getattr__ hook, several times slower than a global.
_CREATE, _SKIP, _REVIEW = ChangeKind.CREATE, ChangeKind.SKIP, ChangeKind.REVIEW


def _frozen(mapping: dict) -> Mapping:
    """A read-only view of a dict built here and handed over (so no copy is needed)."""
    return MappingProxyType(mapping)


def new_stakeholder_values(proposed: Mapping[str, str], policy: SyncPolicy) -> dict[str, str]:
    """A new stakeholder's values: what HR implies, in the employees' group unless it says otherwise."""
    values = {name: proposed[name] for name in SYNCED_FIELDS if name in proposed}
    values.setdefault(GROUP, policy.employee_group)
    return values


def create_item(subject: Subject, policy: SyncPolicy) -> ChangeItem:
    proposed = proposed_values(subject.employee, policy)
    values = new_stakeholder_values(proposed, policy)
    fields = {name: field_change(None, value) for name, value in values.items()}
    return change_item(_CREATE, subject.remote_id, proposed[NAME], None, None, _frozen(fields), _frozen(proposed),
                       (), subject.termination_date)


def skip_item(subject: Subject, reason: Reason, policy: SyncPolicy) -> ChangeItem:
    proposed = proposed_values(subject.employee, policy)
    return change_item(_SKIP, subject.remote_id, proposed[NAME], None, reason, NO_FIELDS, _frozen(proposed), (),
                       subject.termination_date)


def review_item(subject: Subject, reason: Reason, candidates: tuple[int, ...],
                policy: SyncPolicy) -> ChangeItem:
    proposed = proposed_values(subject.employee, policy)
    return change_item(_REVIEW, subject.remote_id, proposed[NAME], None, reason, NO_FIELDS, _frozen(proposed),
                       candidates, subject.termination_date)


def matched(subject: Subject, stakeholder: Stakeholder, policy: SyncPolicy) -> ChangeItem | None:
    """The item for a match; a linked pair already in step is settled without building anything."""
    employee = subject.employee
    mine = hr_values(employee, policy)
    if (stakeholder.hr_remote_id == subject.remote_id and stakeholder.hr_provider == policy.provider
            and in_step(mine, stakeholder, policy)
            and group_change(stakeholder, implied_group(employee, policy), subject.terminated, policy)[0] is None):
        return None
    proposed = proposed_values(employee, policy, mine)
    return matched_item(remote_id=subject.remote_id, employee_name=proposed[NAME], proposed=proposed,
                        terminated=subject.terminated, termination_date=subject.termination_date,
                        stakeholder=stakeholder, policy=policy, mine=mine)


def in_full_order(items: list[ChangeItem]) -> list[ChangeItem]:
    """Items in ChangeSet.of's order (kind, remote id, stakeholder id), so the change set is made without it.

    Only a remote id that HR sent twice gives two items one remote id; those are put in stakeholder
    id and then content order, so that the change set never depends on the order HR listed them in.
    Sorting by the remote id alone and then grouping by kind is several times cheaper than sorting
    by tuples.
    """
    per_remote_id = Counter(item.remote_id for item in items)
    if len(per_remote_id) < len(items):
        twice = [item for item in items if per_remote_id[item.remote_id] > 1]
        items = [item for item in items if per_remote_id[item.remote_id] == 1] + sorted(
            twice, key=lambda item: (item.stakeholder_id or 0, _content(item)))
    by_kind: dict[ChangeKind, list[ChangeItem]] = {kind: [] for kind in ChangeKind}
    for item in sorted(items, key=attrgetter("remote_id")):
        by_kind[item.kind].append(item)
    return [item for kind in sorted(by_kind, key=KIND_ORDER.__getitem__) for item in by_kind[kind]]


def _content(item: ChangeItem) -> tuple:
    fields = tuple((name, change.old or "", change.new or "") for name, change in item.fields.items())
    return (item.employee_name, item.reason or "", item.candidates,
            tuple(sorted(item.proposed.items())), fields, str(item.termination_date))
