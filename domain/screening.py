"""Rule 0 of matching: who is matched at all (ignored, no hire date, duplicated in the fetch)."""

from __future__ import annotations

from typing import Iterable

from domain.changeset import ChangeItem, Reason
from domain.decisions import Decisions
from domain.employee import Employee
from domain.index import StakeholderIndex
from domain.items import review_item, skip_item
from domain.policy import SyncPolicy
from domain.subject import Subject


def screen(employees: Iterable[Employee], index: StakeholderIndex, policy: SyncPolicy,
           decisions: Decisions) -> tuple[list[ChangeItem], list[Subject], dict[str, str]]:
    """Rule 0: ignored employees vanish, missing hire dates skip, duplicates in the fetch review.

    Returns the items so far, the employees left to match, and which employee of the fetch has
    which identifier (by identifier_key; the first one, for an identifier several have).
    """
    items: list[ChangeItem] = []
    eligible: list[Subject] = []
    seen: set[str] = set()
    twice: set[str] = set()
    holders: dict[str, str] = {}
    shared: set[str] = set()
    ignored, need_hire_date = decisions.ignored, policy.require_hire_date
    for employee in employees:  # every employee of every sync passes here: kept lean
        remote_id = employee.remote_id
        if remote_id in ignored:
            continue
        subject = Subject.of(employee)
        if need_hire_date and employee.hire_date is None:
            items.append(skip_item(subject, Reason.NO_HIRE_DATE, policy))
            continue
        eligible.append(subject)
        if remote_id in seen:
            twice.add(remote_id)
        seen.add(remote_id)
        identifier = subject.key
        # An identifier shared by several records, not by one record sent twice.
        if identifier is not None and holders.setdefault(identifier, remote_id) != remote_id:
            shared.add(identifier)
    if not (twice or shared):
        return items, eligible, holders
    return items + _duplicates(eligible, twice, shared, index, policy), \
        [s for s in eligible if s.remote_id not in twice and s.key not in shared], holders


def _duplicates(eligible: list[Subject], twice: set[str], shared: set[str], index: StakeholderIndex,
                policy: SyncPolicy) -> list[ChangeItem]:
    items = []
    for subject in eligible:
        if subject.remote_id in twice:
            linked = index.linked_to(subject.remote_id)
            candidates = (linked.id,) if linked else ()
            items.append(review_item(subject, Reason.DUPLICATE_REMOTE_ID, candidates, policy))
        elif subject.key in shared:
            carriers = tuple(s.id for s in index.carrying(subject.identifier))
            items.append(review_item(subject, Reason.DUPLICATE_IDENTIFIER, carriers, policy))
    return items
