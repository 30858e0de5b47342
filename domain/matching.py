"""Matching employees to stakeholders (SPEC §3): a pure function from HR data to a change set."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import Callable, Collection, Iterable, Iterator, Literal, Mapping

from domain.changeset import ChangeItem, ChangeSet, Reason
from domain.claims import Claims
from domain.decisions import Decisions
from domain.employee import Employee
from domain.fuzzy import FuzzyIndex
from domain.index import LinkedNames, StakeholderIndex, email_key
from domain.items import create_item, in_full_order, matched, review_item, skip_item
from domain.policy import SyncPolicy
from domain.proposal import owned_reader
from domain.rules import (Outcome, Review, by_email, by_identifier, by_linked_name, by_name, by_similar_name,
                          collision, email_conflict)
from domain.screening import screen
from domain.stakeholder import Stakeholder
from domain.subject import Subject

Scope = Literal["full", "targeted"]
# Rounds of re-reading namesakes once other employees' matches are known; real data settles in one.
_MAX_ROUNDS = 8
# Rows a terminated employee never imported is not offered: the sync would not touch them for a leaver.
_LEFT_ALONE = frozenset({Reason.UNMANAGED_GROUP, Reason.LINKED_ELSEWHERE})
# Identifier reviews that list the employee's namesakes too: those others surely take drop out on a re-read.
_WITH_NAMESAKES = frozenset({Reason.IDENTIFIER_NAME_MISMATCH, Reason.IDENTIFIER_LEADING_ZEROS})


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
    with _collector_paused():
        index = StakeholderIndex.build(stakeholders, policy.provider)
        items, subjects, holders = screen(employees, index, policy, decisions)
        screened = [item.remote_id for item in items]  # skipped or reviewed already: in this fetch all the same
        run = _Run(index, policy, decisions, holders, _Mails(subjects))
        unlinked = _follow_links(subjects, run, items)
        outcomes, claims = _settle(unlinked, run)
        # Linked rows no employee of this fetch followed its link to (each followed link is another row): none
        # in a full sync of a registry in step, and then the rows offered as linked elsewhere are none either.
        unfollowed = len(index.linked) - (len(subjects) - len(unlinked))
        items.extend(_decide(unlinked, outcomes, claims, run,
                             lambda: _present(subjects, screened, decisions) if unfollowed else None))
        changes = ChangeSet(tuple(in_full_order(items)))  # already in ChangeSet.of's order: not sorted again
        # Freed while the collector still sleeps: its first pass once it wakes then walks the change set
        # alone, not the hundred thousand subjects and the index beside it (~0.1 s at 100k).
        del index, items, subjects, holders, run, unlinked, outcomes, claims
    return changes


class _Mails(Mapping[str, str]):
    """The e-mail keys of this fetch's employees → remote id ("" for an address several share).

    Read only when a namesake's address differs from the employee's, so built on first use.
    """

    def __init__(self, subjects: list[Subject]) -> None:
        self._subjects = subjects
        self._table: dict[str, str] | None = None

    def _built(self) -> dict[str, str]:
        if self._table is None:
            table: dict[str, str] = {}
            for subject in self._subjects:
                key = email_key(subject.employee.email)
                if key and table.setdefault(key, subject.remote_id) != subject.remote_id:
                    table[key] = ""
            self._table = table
        return self._table

    def __getitem__(self, key: str) -> str:
        return self._built()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())


@dataclass(frozen=True, slots=True)
class _Run:
    """What every rule of one match call reads; `holders`: identifier key → remote id in this fetch."""

    index: StakeholderIndex
    policy: SyncPolicy
    decisions: Decisions
    holders: dict[str, str]
    mails: Mapping[str, str]

    def checked(self, subject: Subject, outcome: Outcome) -> Outcome:
        """A match stands unless its identifier write would collide."""
        if isinstance(outcome, Stakeholder):
            return collision(subject, outcome, self.index, self.policy, self.holders) or outcome
        return outcome

    def merge_checked(self, subject: Subject, outcome: Outcome) -> Outcome:
        """A match of an unlinked employee (rules 2-3) stands only in a group the sync manages."""
        if isinstance(outcome, Stakeholder) and not self.policy.manages(outcome.group):
            return Review(Reason.UNMANAGED_GROUP, (outcome.id,))
        return self.checked(subject, outcome)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while matching.

    Matching builds no reference cycles (frozen values, dicts, lists), so reference counting
    frees all it drops, while the collector would walk the whole heap every few ten thousand
    allocations: at 100k employees that costs more than the matching itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _follow_links(subjects: list[Subject], run: _Run, items: list[ChangeItem]) -> list[Subject]:
    """Rule 1 settles the employees already linked (most of them, once a registry is in use).

    A linked stakeholder is nobody else's candidate, so these matches are never contested.
    Adds their items and returns the employees left to match.
    """
    read, linked_to, ex_group = owned_reader(run.policy), run.index.by_link.get, run.policy.ex_employee_group
    # Most linked employees are in step; this is that answer without building anything.
    # (The preferred name and group moves need the full look: leavers, rehires.)
    quiet = not run.policy.use_preferred_name
    unlinked = []
    for subject in subjects:
        employee, remote_id, identifier, terminated, _, _ = subject
        stakeholder = linked_to(remote_id)  # rule 1, inlined: this loop sees every employee
        if stakeholder is None:
            unlinked.append(subject)
        elif not (quiet and not terminated and stakeholder.group != ex_group
                  and identifier in (None, stakeholder.unique_identifier) and read(employee) == read(stakeholder)):
            item = _item(subject, run.checked(subject, stakeholder), run)
            if item is not None:
                items.append(item)
    return unlinked


def _settle(subjects: list[Subject], run: _Run) -> tuple[dict[str, Outcome], Claims]:
    """Rules 2-3 for everyone, then namesakes re-read without stakeholders others surely take.

    A stakeholder matched by exactly one other employee will be linked once the change set is
    applied; judging an ambiguity without it now gives the answer the next sync would give.
    Each round reads the claims as they stood at its start, so input order never matters.
    """
    index, policy, decisions = run.index, run.policy, run.decisions
    outcomes: dict[str, Outcome] = {}
    pending: list[Subject] = []
    claims = Claims()
    for subject in subjects:
        outcome = by_identifier(subject, index, policy, decisions)
        if outcome is None:
            outcome = by_name(subject, index, policy, decisions, {}, run.mails)
            if isinstance(outcome, Review):  # without namesakes there is nothing to re-read
                pending.append(subject)
        elif isinstance(outcome, Review) and outcome.reason in _WITH_NAMESAKES:
            pending.append(subject)  # its namesakes may be others' for sure
        outcome = run.merge_checked(subject, outcome)
        if isinstance(outcome, Stakeholder):
            claims.add(outcome.id, subject.remote_id)
        outcomes[subject.remote_id] = outcome
    for _ in range(_MAX_ROUNDS if pending else 0):
        if not _reread(pending, outcomes, claims, run):
            break
    return outcomes, claims


def _reread(pending: list[Subject], outcomes: dict[str, Outcome], claims: Claims, run: _Run) -> bool:
    """One round of the name rule for the undecided, minus stakeholders others surely take.

    Reads the claims as they stood before the round; returns whether any outcome changed.
    """
    changed = []
    for subject in pending:
        sure = claims.sure
        outcome = (by_identifier(subject, run.index, run.policy, run.decisions, sure)
                   or by_name(subject, run.index, run.policy, run.decisions, sure, run.mails))
        outcome = run.merge_checked(subject, outcome)
        if outcome != outcomes[subject.remote_id]:
            changed.append((subject.remote_id, outcomes[subject.remote_id], outcome))
    for remote_id, before, after in changed:
        outcomes[remote_id] = after
        if isinstance(before, Stakeholder):
            claims.remove(before.id, remote_id)
        if isinstance(after, Stakeholder):
            claims.add(after.id, remote_id)
    return bool(changed)


def _present(subjects: list[Subject], screened: list[str], decisions: Decisions) -> set[str]:
    """The remote ids of this fetch: to match, screened out or ignored."""
    present = set(map(_REMOTE_ID, subjects))
    present.update(screened, decisions.ignored)
    return present


_REMOTE_ID = itemgetter(1)  # Subject.remote_id as a tuple item: the cheapest read over every employee of a fetch


def _decide(subjects: list[Subject], outcomes: Mapping[str, Outcome], claims: Claims,
            run: _Run, present: Callable[[], Collection[str] | None]) -> list[ChangeItem]:
    """One item (or none) per employee: matches diffed, contests and reviews listed, rules 4-6 for the rest.

    `present` gives the remote ids of this fetch, asked only once some employee would be created (None: every
    linked row is followed by an employee of this fetch).
    """
    fuzzy: list[FuzzyIndex] = []
    linked: list[LinkedNames] = []
    items: list[ChangeItem] = []
    for subject in subjects:
        outcome = outcomes[subject.remote_id]
        if isinstance(outcome, Stakeholder):
            if claims.contested(outcome.id):
                outcome = Review(Reason.CONTESTED_MATCH, (outcome.id,))
            else:
                outcome = email_conflict(subject, outcome, run.index, run.decisions, claims.sure) or outcome
        if outcome is None:
            outcome = (by_email(subject, run.index, run.policy, run.decisions, claims.sure)
                       or by_similar_name(subject, _fuzzy(fuzzy, run.index, claims), run.policy,
                                          run.decisions, claims.sure)
                       or by_linked_name(subject, _linked(linked, run, present), run.policy, run.decisions))
        item = _item(subject, outcome, run)
        if item is not None:
            items.append(item)
    return items


def _fuzzy(cache: list[FuzzyIndex], index: StakeholderIndex, claims: Claims) -> FuzzyIndex:
    """The blocking index, built at most once per call and only when some employee needs it.

    It leaves out stakeholders surely matched by someone: they are never offered for review.
    """
    if not cache:
        cache.append(FuzzyIndex([s for s in index.unlinked if s.id not in claims.sure], index.keys))
    return cache[0]


def _linked(cache: list[LinkedNames], run: _Run, present: Callable[[], Collection[str] | None]) -> LinkedNames:
    """The linked rows by name, built at most once per call and only when some employee would be created."""
    if not cache:
        fetched = present()
        cache.append(LinkedNames(run.index.linked if fetched is not None else (), run.policy.provider, fetched or ()))
    return cache[0]


def _item(subject: Subject, outcome: Outcome, run: _Run) -> ChangeItem | None:
    if isinstance(outcome, Stakeholder):
        return matched(subject, outcome, run.policy)
    ignored_leaver = subject.terminated and not run.policy.import_terminated
    if isinstance(outcome, Review) and not (ignored_leaver and outcome.reason in _LEFT_ALONE):
        return review_item(subject, outcome.reason, outcome.candidates, run.policy)
    if ignored_leaver:  # never imported: neither a new row nor one of the groups the sync leaves alone
        return skip_item(subject, Reason.TERMINATED, run.policy)
    conflict = collision(subject, None, run.index, run.policy, run.holders)
    if conflict is not None:
        return review_item(subject, conflict.reason, conflict.candidates, run.policy)
    return create_item(subject, run.policy)
