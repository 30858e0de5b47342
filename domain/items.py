"""Change items that need no stakeholder to compare with: create, skip and review."""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from domain.changeset import ChangeItem, ChangeKind, FieldChange, Reason
from domain.policy import SyncPolicy
from domain.proposal import GROUP
from domain.rules import Subject
from domain.stakeholder import SYNCED_FIELDS


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


def new_stakeholder_values(proposed: Mapping[str, str], policy: SyncPolicy) -> dict[str, str]:
    """A new stakeholder's values: what HR implies, in the employees' group unless it says otherwise."""
    values = {name: proposed[name] for name in SYNCED_FIELDS if name in proposed}
    values.setdefault(GROUP, policy.employee_group)
    return values


def create_item(subject: Subject, policy: SyncPolicy) -> ChangeItem:
    values = new_stakeholder_values(subject.proposed, policy)
    fields = {name: FieldChange(None, value) for name, value in values.items()}
    return ChangeItem(kind=ChangeKind.CREATE, remote_id=subject.remote_id, employee_name=subject.label,
                      fields=_frozen(fields), proposed=_frozen(subject.proposed),
                      termination_date=subject.termination_date)


def skip_item(subject: Subject, reason: Reason) -> ChangeItem:
    return ChangeItem(kind=ChangeKind.SKIP, remote_id=subject.remote_id, employee_name=subject.label,
                      reason=reason, proposed=_frozen(subject.proposed),
                      termination_date=subject.termination_date)


def review_item(subject: Subject, reason: Reason, candidates: tuple[int, ...]) -> ChangeItem:
    return ChangeItem(kind=ChangeKind.REVIEW, remote_id=subject.remote_id, employee_name=subject.label,
                      reason=reason, proposed=_frozen(subject.proposed), candidates=candidates,
                      termination_date=subject.termination_date)


def full_order(item: ChangeItem) -> tuple:
    """A total order on items, so that even two items for one duplicated remote id never tie."""
    fields = tuple((name, change.old or "", change.new or "") for name, change in item.fields.items())
    return (item.sort_key, item.employee_name, item.reason or "", item.candidates,
            tuple(sorted(item.proposed.items())), fields)
