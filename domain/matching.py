"""Matching employees to stakeholders (SPEC §3): a pure function from HR data to a change set."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Literal

from domain.changeset import ChangeItem, ChangeSet, Reason
from domain.decisions import Decisions
from domain.diff import matched_item
from domain.employee import Employee
from domain.fuzzy import FuzzyIndex
from domain.index import StakeholderIndex
from domain.items import create_item, full_order, review_item, skip_item
from domain.policy import SyncPolicy
from domain.rules import (Matched, Outcome, Review, Subject, by_email, by_identifier, by_link,
                          by_name, by_similar_name, collision, name_candidates)
from domain.stakeholder import Stakeholder

Scope = Literal["full", "targeted"]
# Rounds of re-reading namesakes once other employees' matches are known; real data settles in one.
_MAX_ROUNDS = 8


def match(employees: Iterable[Employee], stakeholders: Iterable[Stakeholder], policy: SyncPolicy,
          decisions: Decisions = Decisions(), scope: Scope = "full") -> ChangeSet:
    """The change set that brings the registry in step with these employees.

    Same inputs give the same change set whatever their order. `scope` says whether the
    employees are the whole HR population ("full") or the few a webhook named ("targeted");
    the rules are the same, because hrsync infers nothing about employees absent from the
    input: nobody becomes a leaver for being missing, only for being terminated in HR.
    """
    if scope not in ("full", "targeted"):
        raise ValueError(f"unknown scope {scope!r}")
    index = StakeholderIndex.build(stakeholders)
    items, subjects = _screen(employees, index, policy, decisions)
    outcomes = _settle(subjects, index, policy, decisions)
    items.extend(_decide(subjects, outcomes, index, policy, decisions))
    return ChangeSet.of(sorted(items, key=full_order))


def _screen(employees: Iterable[Employee], index: StakeholderIndex, policy: SyncPolicy,
            decisions: Decisions) -> tuple[list[ChangeItem], list[Subject]]:
    """Rule 0: ignored employees vanish, missing hire dates skip, duplicates in the fetch review."""
    items: list[ChangeItem] = []
    eligible: list[Subject] = []
    for employee in sorted(employees, key=lambda e: (e.remote_id, repr(e))):
        if employee.remote_id in decisions.ignored:
            continue
        subject = Subject.of(employee, policy)
        if policy.require_hire_date and employee.hire_date is None:
            items.append(skip_item(subject, Reason.NO_HIRE_DATE))
        else:
            eligible.append(subject)
    per_remote_id = Counter(subject.remote_id for subject in eligible)
    holders: dict[str, set[str]] = defaultdict(set)
    for subject in eligible:
        if subject.identifier is not None:
            holders[subject.identifier].add(subject.remote_id)
    subjects = []
    for subject in eligible:
        if per_remote_id[subject.remote_id] > 1:
            linked = index.linked_to(policy.provider, subject.remote_id)
            items.append(review_item(subject, Reason.DUPLICATE_REMOTE_ID, (linked.id,) if linked else ()))
        elif subject.identifier is not None and len(holders[subject.identifier]) > 1:
            carriers = tuple(s.id for s in index.carrying(subject.identifier))
            items.append(review_item(subject, Reason.DUPLICATE_IDENTIFIER, carriers))
        else:
            subjects.append(subject)
    return items, subjects


def _settle(subjects: list[Subject], index: StakeholderIndex, policy: SyncPolicy,
            decisions: Decisions) -> dict[str, Outcome]:
    """Rules 1-3 for everyone, then namesakes re-read without stakeholders others surely take.

    A stakeholder matched by exactly one other employee will be linked once the change set is
    applied; judging the ambiguity without it now gives the answer the next sync would give.
    """
    outcomes: dict[str, Outcome] = {}
    pending: list[Subject] = []
    for subject in subjects:
        outcome = by_link(subject, index, policy) or by_identifier(subject, index, decisions)
        if outcome is None:
            outcome = by_name(subject, name_candidates(subject, index, policy, decisions, frozenset()), policy)
            if not isinstance(outcome, Matched):
                pending.append(subject)
        outcomes[subject.remote_id] = _checked(subject, outcome, index)
    for _ in range(_MAX_ROUNDS if pending else 0):
        claims = _claims(outcomes)
        changed = False
        for subject in pending:
            taken = {sid for sid, owner in claims.items() if owner != subject.remote_id}
            candidates = name_candidates(subject, index, policy, decisions, taken)
            outcome = _checked(subject, by_name(subject, candidates, policy), index)
            changed |= outcome != outcomes[subject.remote_id]
            outcomes[subject.remote_id] = outcome
        if not changed:
            break
    return outcomes


def _checked(subject: Subject, outcome: Outcome, index: StakeholderIndex) -> Outcome:
    if isinstance(outcome, Matched):
        return collision(subject, outcome.stakeholder, index) or outcome
    return outcome


def _claims(outcomes: dict[str, Outcome]) -> dict[int, str]:
    """Stakeholder id → the one employee matching it (contested stakeholders are nobody's)."""
    owners: dict[int, list[str]] = defaultdict(list)
    for remote_id, outcome in outcomes.items():
        if isinstance(outcome, Matched):
            owners[outcome.stakeholder.id].append(remote_id)
    return {sid: claimants[0] for sid, claimants in owners.items() if len(claimants) == 1}


def _decide(subjects: list[Subject], outcomes: dict[str, Outcome], index: StakeholderIndex,
            policy: SyncPolicy, decisions: Decisions) -> list[ChangeItem]:
    """One item (or none) per employee: matches diffed, contests and reviews listed, rules 4-6 for the rest."""
    claims = _claims(outcomes)
    contested = {o.stakeholder.id for o in outcomes.values() if isinstance(o, Matched)} - claims.keys()
    fuzzy: list[FuzzyIndex] = []
    items: list[ChangeItem] = []
    for subject in subjects:
        outcome = outcomes[subject.remote_id]
        if isinstance(outcome, Matched) and outcome.stakeholder.id in contested:
            outcome = Review(Reason.CONTESTED_MATCH, (outcome.stakeholder.id,))
        if outcome is None:
            taken = claims.keys()
            outcome = by_email(subject, index, policy, decisions, taken) or by_similar_name(
                subject, _fuzzy(fuzzy, index), policy, decisions, taken)
        item = _item(subject, outcome, policy)
        if item is not None:
            items.append(item)
    return items


def _fuzzy(cache: list[FuzzyIndex], index: StakeholderIndex) -> FuzzyIndex:
    """The blocking index, built at most once per call and only when some employee needs it."""
    if not cache:
        cache.append(FuzzyIndex(index.unlinked()))
    return cache[0]


def _item(subject: Subject, outcome: Outcome, policy: SyncPolicy) -> ChangeItem | None:
    if isinstance(outcome, Matched):
        return matched_item(remote_id=subject.remote_id, employee_name=subject.label,
                            proposed=subject.proposed, termination_date=subject.termination_date,
                            stakeholder=outcome.stakeholder, policy=policy)
    if isinstance(outcome, Review):
        return review_item(subject, outcome.reason, outcome.candidates)
    if subject.termination_date is not None and not policy.import_terminated:
        return skip_item(subject, Reason.TERMINATED)
    return create_item(subject, policy)
