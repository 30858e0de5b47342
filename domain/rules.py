"""Matching rules 2-5 of SPEC §3 (rule 1 is a dict lookup in matching): decide, review or pass."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from domain.changeset import Reason
from domain.decisions import Decisions
from domain.fuzzy import FuzzyIndex
from domain.index import LinkedNames, StakeholderIndex, email_key, identifier_key
from domain.likeness import Fit, employee_transliterations, employee_variants, initial_keys, name_fit, subject_keys
from domain.names import has_generation, without_generation
from domain.policy import SyncPolicy
from domain.stakeholder import Stakeholder
from domain.subject import Subject

__all__ = ["Subject", "Review", "Outcome", "by_identifier", "by_name", "by_email", "by_similar_name",
           "by_linked_name", "collision", "email_conflict", "compatible"]


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


def by_identifier(subject: Subject, index: StakeholderIndex, policy: SyncPolicy, decisions: Decisions,
                  claims: Claims = MappingProxyType({})) -> Outcome:
    """Rule 2: the one stakeholder carrying the employee's identifier (case aside), if the name agrees.

    A pair marked "not the same person" does not decide; two carriers (the registry should
    prevent it) are a conflict rather than a guess. A carrier whose name is another person's
    (a reused or mistyped number), or only close while a namesake stands elsewhere, is reviewed
    with the namesakes (those other employees surely take, per `claims`, left out); an identifier
    equal only without leading zeros is reviewed too, with the employee's namesakes listed first.
    """
    if subject.identifier is None:
        return None
    carriers = _allowed(subject, index.carrying_key(subject.key), decisions)
    if not carriers:
        near = _allowed(subject, index.carrying_but_zeros(subject.key), decisions)
        if not near:
            return None
        # The look-alike number may be someone else's: the row with the employee's own name is the likelier
        # one, so it is offered too, first (those other employees surely take left out).
        short, full = _namesakes(subject, index, policy, decisions, claims)
        named = _ids(s for s in short + full if not any(s.id == other.id for other in near))
        return Review(Reason.IDENTIFIER_LEADING_ZEROS, named + _ids(near))
    if len(carriers) > 1 or carriers[0].linked:
        return Review(Reason.IDENTIFIER_CONFLICT, _ids(carriers))
    carrier = carriers[0]
    fit = name_fit(subject, carrier, index, policy)
    if fit is Fit.SAME:
        return carrier
    short, full = _namesakes(subject, index, policy, decisions, claims)
    namesakes = [s for s in short + full if s.id != carrier.id]
    if fit is None or namesakes:
        return Review(Reason.IDENTIFIER_NAME_MISMATCH, _ids([carrier, *namesakes]))
    return carrier


def _allowed(subject: Subject, stakeholders: list[Stakeholder], decisions: Decisions) -> list[Stakeholder]:
    if stakeholders and decisions.not_same:
        return [s for s in stakeholders if decisions.allows(subject.remote_id, s.id)]
    return stakeholders


def compatible(subject: Subject, stakeholder: Stakeholder, policy: SyncPolicy) -> bool:
    """Identifiers only count when HR owns them: then the stakeholder's must be empty or equal (case aside)."""
    if "unique_identifier" not in policy.owned_fields or stakeholder.unique_identifier is None:
        return True
    if stakeholder.unique_identifier == subject.identifier:
        return True
    theirs = identifier_key(stakeholder.unique_identifier)
    return theirs is None or theirs == subject.key


def _namesakes(subject: Subject, index: StakeholderIndex, policy: SyncPolicy, decisions: Decisions,
               claims: Claims, keys: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
               ) -> tuple[list[Stakeholder], list[Stakeholder]]:
    """Unlinked stakeholders named like the employee without and with the middle name, in id order,
    minus rejected pairs and others' claims; `keys`: subject_keys, when the caller has them already."""
    short, full = keys or subject_keys(subject, policy)
    return (_named(subject, index, short, decisions, claims),
            _named(subject, index, full, decisions, claims) if full else [])


def _named(subject: Subject, index: StakeholderIndex, keys: tuple[str, ...], decisions: Decisions,
           claims: Claims) -> list[Stakeholder]:
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


def by_name(subject: Subject, index: StakeholderIndex, policy: SyncPolicy, decisions: Decisions,
            claims: Claims, mails: Mapping[str, str] = MappingProxyType({})) -> Outcome:
    """Rule 3 (with rule 4's e-mail tie-break): one compatible namesake, or the one the e-mail confirms.

    The middle name, held in its own field, is part of the full name: a stakeholder with it (or with its
    initial) is a namesake as much as one without; when the two name different stakeholders, that is a review.
    So is a namesake beside a row with the name and a generational suffix on one side only (father and son).
    The namesake is never taken against evidence that it is someone else: another birth date, or an e-mail
    address another employee of this fetch has (`mails`: e-mail key → remote id, "" for several).
    """
    keys = subject_keys(subject, policy)  # read twice below: worked out once
    short, full = _namesakes(subject, index, policy, decisions, claims, keys)
    if short and full:
        return Review(Reason.MIDDLE_NAME_CONFLICT, _ids(short + full))
    if short and subject.employee.middle_name:
        initialled = _named(subject, index, initial_keys(subject, policy), decisions, claims)
        if any(s.id not in {n.id for n in short} for s in initialled):
            return Review(Reason.MIDDLE_NAME_CONFLICT, _ids(short + initialled))
    candidates = full or short
    kin = _suffix_kin(subject, index, keys, candidates, decisions, claims)
    if kin:
        return Review(Reason.SUFFIX_CONFLICT, _ids(candidates + kin))
    if not candidates:
        return None
    fitting = [s for s in candidates if compatible(subject, s, policy)]
    if not fitting:
        return Review(Reason.IDENTIFIER_CONFLICT, _ids(candidates))
    if len(fitting) == len(candidates) == 1:
        return _uncontradicted(subject, fitting[0], mails)
    mail = email_key(subject.employee.email)
    confirmed = [s for s in fitting if mail is not None and email_key(s.email) == mail]
    if len(confirmed) == 1:
        return _uncontradicted(subject, confirmed[0], mails)
    return Review(Reason.AMBIGUOUS_NAME, _ids(candidates))


def _suffix_kin(subject: Subject, index: StakeholderIndex, keys: tuple[tuple[str, ...], tuple[str, ...]],
                namesakes: list[Stakeholder], decisions: Decisions, claims: Claims) -> list[Stakeholder]:
    """Rows named like the employee but for a generational suffix on one side only: "Karl Huber Jr." for
    Karl Huber, "Karl Huber" for Karl Huber Jr. (a "Karl Huber Sr." is nobody's kin of a Jr.: another person)."""
    if not index.by_kin.has_any() and not any(map(has_generation, keys[0] + keys[1])):
        return []  # the common case: no suffix on the employee's name nor on any unlinked row's
    found: dict[int, Stakeholder] = {}
    for key in keys[0] + keys[1]:
        bare = without_generation(key)
        for stakeholder in index.named(bare) if bare is not None else index.kin(key):
            found[stakeholder.id] = stakeholder
    if not found:
        return []
    named = {s.id for s in namesakes}
    return [found[sid] for sid in sorted(found) if sid not in named and not _taken(subject, found[sid], claims)
            and decisions.allows(subject.remote_id, sid)]


def _uncontradicted(subject: Subject, stakeholder: Stakeholder, mails: Mapping[str, str]) -> Outcome:
    """The namesake, unless its birth date is another one or its e-mail address another employee's."""
    born = subject.employee.birth_date
    if born is not None and stakeholder.birth_date is not None and born != stakeholder.birth_date:
        return Review(Reason.BIRTH_DATE_CONFLICT, (stakeholder.id,))
    theirs = stakeholder.email
    if theirs is not None and theirs != subject.employee.email:
        key = email_key(theirs)
        if key is not None and key != email_key(subject.employee.email) and (
                mails.get(key, subject.remote_id) != subject.remote_id):
            return Review(Reason.EMAIL_OF_ANOTHER_EMPLOYEE, (stakeholder.id,))
    return stakeholder


def by_email(subject: Subject, index: StakeholderIndex, policy: SyncPolicy,
             decisions: Decisions, claims: Claims) -> Outcome:
    """Rule 4 alone: same e-mail, compatible identifier → review only (e-mail is brittle)."""
    found = [s for s in index.mailed(subject.employee.email) if _open(subject, s, policy, decisions, claims)]
    return Review(Reason.EMAIL_ONLY, _ids(found)) if found else None


def by_similar_name(subject: Subject, fuzzy: FuzzyIndex, policy: SyncPolicy,
                    decisions: Decisions, claims: Claims) -> Outcome:
    """Rule 5: close names → review, best score first. Never a match."""
    hits = fuzzy.similar(employee_variants(subject, policy), policy.fuzzy_threshold,
                         employee_transliterations(subject))
    ids = tuple(hit.stakeholder.id for hit in hits
                if _open(subject, hit.stakeholder, policy, decisions, claims))
    return Review(Reason.SIMILAR_NAME, ids) if ids else None


def by_linked_name(subject: Subject, linked: LinkedNames, policy: SyncPolicy, decisions: Decisions) -> Outcome:
    """Rule 5 for linked rows: the employee's name on a row linked to another HR record absent from this fetch.

    A rehire under a new record, a duplicate record, or the record of a new HR system: only an approver can
    tell, so a review, never a match (and never a silent second row for the same person).
    """
    if not linked:
        return None  # the common case: every linked row is followed by its own employee
    short, full = subject_keys(subject, policy)
    ids = tuple(s.id for s in linked.named(short + full) if decisions.allows(subject.remote_id, s.id))
    return Review(Reason.LINKED_ELSEWHERE, ids) if ids else None


def _open(subject: Subject, stakeholder: Stakeholder, policy: SyncPolicy,
          decisions: Decisions, claims: Claims) -> bool:
    return (not _taken(subject, stakeholder, claims) and compatible(subject, stakeholder, policy)
            and decisions.allows(subject.remote_id, stakeholder.id))


def email_conflict(subject: Subject, stakeholder: Stakeholder, index: StakeholderIndex, decisions: Decisions,
                   claims: Claims) -> Review | None:
    """A match found by identifier or name while the employee's e-mail is another stakeholder's.

    The e-mail then points elsewhere (a namesake, a duplicate row, the row of a previous employment or of
    another employee, linked to their HR record), and merging would leave two rows with one address. An
    unlinked row another employee of this fetch surely takes is theirs, not a pointer.
    """
    mine = subject.employee.email
    if mine is None or mine == stakeholder.email:
        return None  # the common case, decided before any other work
    mail = (mine.strip().casefold() or None) if mine.isascii() else email_key(mine)  # email_key, inlined
    # Nearly always no other row has the address at all: decided by two lookups.
    if mail is None or not (index.by_email.has(mail) or index.linked_by_email.has(mail)) or (
            email_key(stakeholder.email) == mail):
        return None
    own = index.linked_to(subject.remote_id)
    others = [s for s in index.by_email.get(mail) if s.id != stakeholder.id and not _taken(subject, s, claims)
              and decisions.allows(subject.remote_id, s.id)]
    others += [s for s in index.linked_by_email.get(mail) if s.id != stakeholder.id and s is not own
               and decisions.allows(subject.remote_id, s.id)]
    return Review(Reason.EMAIL_CONFLICT, _ids([stakeholder, *others])) if others else None


def collision(subject: Subject, stakeholder: Stakeholder | None, index: StakeholderIndex,
              policy: SyncPolicy, holders: Mapping[str, str]) -> Review | None:
    """A write that would leave one identifier on two stakeholders, now or depending on apply order.

    Writing the employee's identifier (on `stakeholder`, or on a new one when None) where
    another stakeholder carries it; or moving a stakeholder's identifier away while another
    employee of this fetch (`holders`: identifier key → remote id) has it, whose match would then
    depend on which change is applied first.
    """
    wanted = subject.identifier
    if wanted is None or (stakeholder is not None and wanted == stakeholder.unique_identifier):
        return None  # the common case, decided before any other lookup
    if "unique_identifier" not in policy.owned_fields:
        return None
    current = None if stakeholder is None else identifier_key(stakeholder.unique_identifier)
    if current is None and not (subject.key and index.by_identifier.has(subject.key)):
        return None  # nothing moved away and nobody carries it (a row made by hand): no list to build
    # Another row with the same identifier in another case still clashes with the written one.
    others = [s for s in index.carrying_key(subject.key) if stakeholder is None or s.id != stakeholder.id]
    moved_away = (current is not None and current != subject.key
                  and holders.get(current, subject.remote_id) != subject.remote_id)
    if not (others or moved_away):
        return None
    return Review(Reason.IDENTIFIER_CONFLICT, _ids(others if stakeholder is None else [stakeholder, *others]))
