"""Rule 0 of matching: who is matched at all (ignored, no hire date, duplicated in the fetch)."""

from __future__ import annotations

from typing import Iterable

from domain.changeset import ChangeItem, Reason
from domain.decisions import Decisions
from domain.employee import Employee
from domain.index import StakeholderIndex
from domain.items import review_item, skip_item
from domain.policy import SyncPolicy
from domain.rules import Subject


def screen(employees: Iterable[Employee], index: StakeholderIndex, policy: SyncPolicy,
           decisions: Decisions) -> tuple[list[ChangeItem], list[Subject]]:
    """Rule 0: ignored employees vanish, missing hire dates skip, duplicates in the fetch review."""
    items: list[ChangeItem] = []
    eligible: list[Subject] = []
    for employee in employees:
        if employee.remote_id in decisions.ignored:
            continue
        if policy.require_hire_date and employee.hire_date is None:
            items.append(skip_item(Subject.of(employee), Reason.NO_HIRE_DATE, policy))
        else:
            eligible.append(Subject.of(employee))
    twice = _repeated(subject.remote_id for subject in eligible)
    # An identifier shared by several records, not by one record sent twice.
    shared = _repeated(identifier for identifier, _ in
                       {(s.identifier, s.remote_id) for s in eligible if s.identifier is not None})
    if not (twice or shared):
        return items, eligible
    subjects = []
    for subject in eligible:
        if subject.remote_id in twice:
            linked = index.linked_to(subject.remote_id)
            candidates = (linked.id,) if linked else ()
            items.append(review_item(subject, Reason.DUPLICATE_REMOTE_ID, candidates, policy))
        elif subject.identifier in shared:
            carriers = tuple(s.id for s in index.carrying(subject.identifier))
            items.append(review_item(subject, Reason.DUPLICATE_IDENTIFIER, carriers, policy))
        else:
            subjects.append(subject)
    return items, subjects


def _repeated(values: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    repeated: set[str] = set()
    for value in values:
        if value in seen:
            repeated.add(value)
        seen.add(value)
    return repeated
