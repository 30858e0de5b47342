"""Matching rules 2-5 of SPEC §3 (rule 1 is a dict lookup in matching): decide, review or pass."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping, NamedTuple

from domain.changeset import Reason
from domain.decisions import Decisions
from domain.employee import Employee
from domain.fuzzy import FuzzyIndex, Tokens, name_variants
from domain.index import StakeholderIndex
from domain.names import name_key
from domain.policy import SyncPolicy
from domain.proposal import as_text, used_first_name
from domain.stakeholder import Stakeholder


class Subject(NamedTuple):
    """An employee with the keys matching reads again and again.

    A named tuple rather than a frozen dataclass: one is made per employee of every sync,
    and a tuple is several times cheaper to build.
    """

    employee: Employee
    remote_id: str
    identifier: str | None
    terminated: bool  # a leaver (Employee.terminated)
    termination_date: dt.date | None  # set only for a terminated employee, and then only when HR gave one

    @classmethod
    def of(cls, employee: Employee) -> "Subject":
        identifier = employee.unique_identifier
        if identifier is not None:
            identifier = identifier.strip() or None
        terminated = employee.terminated
        return cls(employee, employee.remote_id, identifier, terminated,
                   employee.termination_date if terminated else None)


@dataclass(frozen=True, slots=True)
class Review:
    reason: Reason
    candidates: tuple[int, ...]


# A rule's verdict: the matched stakeholder, a review, or None when the rule does not decide.
Outcome = Stakeholder | Review | None
# Stakeholder id → the one employee of this fetch that surely takes it.
Claims = Mapping[int, str]


def _ids(stakeholders) -> tuple[int, ...]:
    return tuple(sorted({s.id for s in stakeholders}))


def by_identifier(subject: Subject, index: StakeholderIndex, decisions: Decisions) -> Outcome:
    """Rule 2: the one stakeholder carrying the employee's identifier, unless linked elsewhere.

    A pair marked "not the same person" does not decide; two carriers (the registry should
    prevent it) are a conflict rather than a guess.
    """
    carriers = index.carrying(subject.identifier)
    if carriers and decisions.not_same:
        carriers = [s for s in carriers if decisions.allows(subject.remote_id, s.id)]
    if not carriers:
        return None
    if len(carriers) > 1 or carriers[0].linked:
        return Review(Reason.IDENTIFIER_CONFLICT, _ids(carriers))
    return carriers[0]


def compatible(subject: Subject, stakeholder: Stakeholder, policy: SyncPolicy) -> bool:
    """Identifiers only count when HR owns them: then the stakeholder's must be empty or equal."""
    if "unique_identifier" not in policy.owned_fields:
        return True
    theirs = as_text(stakeholder.unique_identifier)
    return theirs is None or theirs == subject.identifier


def name_keys(subject: Subject, policy: SyncPolicy) -> tuple[str, ...]:
    """Keys of the name used and, when that is the preferred name, of the legal name too."""
    employee = subject.employee
    legal = name_key(employee.first_name, employee.last_name)
    first = used_first_name(employee, policy)
    if first is employee.first_name:
        return (legal,) if legal else ()
    keys = {name_key(first, employee.last_name), legal}
    return tuple(sorted(key for key in keys if key))


def name_candidates(subject: Subject, index: StakeholderIndex, policy: SyncPolicy,
                    decisions: Decisions, claims: Claims) -> list[Stakeholder]:
    """Unlinked stakeholders with the same name key, minus rejected pairs and others' claims."""
    keys = name_keys(subject, policy)
    if len(keys) == 1:
        found = index.named(keys[0])  # already in id order
    else:
        found = sorted({s.id: s for key in keys for s in index.named(key)}.values(), key=_by_id)
    if not (found and (claims or decisions.not_same)):
        return list(found)
    return [s for s in found if not _taken(subject, s, claims) and decisions.allows(subject.remote_id, s.id)]


def _by_id(stakeholder: Stakeholder) -> int:
    return stakeholder.id


def _taken(subject: Subject, stakeholder: Stakeholder, claims: Claims) -> bool:
    return claims.get(stakeholder.id, subject.remote_id) != subject.remote_id


def by_name(subject: Subject, candidates: list[Stakeholder], policy: SyncPolicy) -> Outcome:
    """Rule 3 (with rule 4's e-mail tie-break): one compatible namesake, or the one the e-mail confirms."""
    if not candidates:
        return None
    fitting = [s for s in candidates if compatible(subject, s, policy)]
    if not fitting:
        return Review(Reason.IDENTIFIER_CONFLICT, _ids(candidates))
    if len(fitting) == len(candidates) == 1:
        return fitting[0]
    confirmed = [s for s in fitting if _same_email(subject, s)]
    if len(confirmed) == 1:
        return confirmed[0]
    return Review(Reason.AMBIGUOUS_NAME, _ids(candidates))


def _same_email(subject: Subject, stakeholder: Stakeholder) -> bool:
    mine, theirs = as_text(subject.employee.email), as_text(stakeholder.email)
    return mine is not None and theirs is not None and mine.casefold() == theirs.casefold()


def by_email(subject: Subject, index: StakeholderIndex, policy: SyncPolicy,
             decisions: Decisions, claims: Claims) -> Outcome:
    """Rule 4 alone: same e-mail, compatible identifier → review only (e-mail is brittle)."""
    found = [s for s in index.mailed(as_text(subject.employee.email))
             if _open(subject, s, policy, decisions, claims)]
    return Review(Reason.EMAIL_ONLY, _ids(found)) if found else None


def by_similar_name(subject: Subject, fuzzy: FuzzyIndex, policy: SyncPolicy,
                    decisions: Decisions, claims: Claims) -> Outcome:
    """Rule 5: close names → review, best score first. Never a match."""
    hits = fuzzy.similar(employee_variants(subject, policy), policy.fuzzy_threshold)
    ids = tuple(hit.stakeholder.id for hit in hits
                if _open(subject, hit.stakeholder, policy, decisions, claims))
    return Review(Reason.SIMILAR_NAME, ids) if ids else None


def employee_variants(subject: Subject, policy: SyncPolicy) -> tuple[Tokens, ...]:
    """The name used, the legal name, and each with the middle name, for fuzzy comparison."""
    employee = subject.employee
    first, legal, middle = used_first_name(employee, policy), employee.first_name, employee.middle_name
    return name_variants((first, employee.last_name), (legal, employee.last_name),
                         (first, middle, employee.last_name), (legal, middle, employee.last_name))


def _open(subject: Subject, stakeholder: Stakeholder, policy: SyncPolicy,
          decisions: Decisions, claims: Claims) -> bool:
    return (not _taken(subject, stakeholder, claims) and compatible(subject, stakeholder, policy)
            and decisions.allows(subject.remote_id, stakeholder.id))


def collision(subject: Subject, stakeholder: Stakeholder | None, index: StakeholderIndex,
              policy: SyncPolicy, holders: Mapping[str, str]) -> Review | None:
    """A write that would leave one identifier on two stakeholders, now or depending on apply order.

    Writing the employee's identifier (on `stakeholder`, or on a new one when None) where
    another stakeholder carries it; or moving a stakeholder's identifier away while another
    employee of this fetch (`holders`: identifier → remote id) has it, whose match would then
    depend on which change is applied first.
    """
    wanted = subject.identifier
    if wanted is None or (stakeholder is not None and wanted == stakeholder.unique_identifier):
        return None  # the common case, decided before any other lookup
    if "unique_identifier" not in policy.owned_fields:
        return None
    current = None if stakeholder is None else as_text(stakeholder.unique_identifier)
    if wanted == current:
        return None
    others = [s for s in index.carrying(wanted) if stakeholder is None or s.id != stakeholder.id]
    moved_away = current is not None and holders.get(current, subject.remote_id) != subject.remote_id
    if not (others or moved_away):
        return None
    return Review(Reason.IDENTIFIER_CONFLICT, _ids(others if stakeholder is None else [stakeholder, *others]))
