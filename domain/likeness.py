"""Whether an employee's name is a stakeholder's: the same, close (a near miss), or another person's."""

from __future__ import annotations

from enum import StrEnum

from domain.fuzzy import Tokens, best_similarity, name_variants, stakeholder_variants, transliterations
from domain.index import StakeholderIndex, email_key
from domain.names import name_key, name_keys, name_tokens
from domain.nicknames import relatives
from domain.policy import SyncPolicy
from domain.proposal import as_text, used_first_name
from domain.stakeholder import Stakeholder
from domain.subject import Subject


class Fit(StrEnum):
    SAME = "same"  # one of the name's keys is the stakeholder's
    CLOSE = "close"  # a near miss: typo, nickname, initials, spacing, middle name, or a new surname shown true


def subject_keys(subject: Subject, policy: SyncPolicy) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(keys of first + last name, keys with the middle name held in its own field).

    The first name is the legal one and, with `use_preferred_name` on, the preferred one too.
    """
    employee = subject.employee
    short = name_keys(employee.first_name, employee.last_name)
    if not policy.use_preferred_name and not employee.middle_name:
        return short, ()  # the common case, without building anything else
    firsts = [employee.first_name]
    used = used_first_name(employee, policy)
    if used is not employee.first_name:
        firsts.append(used)
        short = tuple(dict.fromkeys((*short, *name_keys(used, employee.last_name))))
    if not as_text(employee.middle_name):
        return short, ()
    full = tuple(dict.fromkeys(key for first in firsts
                               for key in name_keys(first, employee.middle_name, employee.last_name)))
    return short, tuple(key for key in full if key not in short)


def employee_variants(subject: Subject, policy: SyncPolicy) -> tuple[Tokens, ...]:
    """The name used, the legal name, HR's preferred name (whatever the setting: a near miss only),
    each also with the middle name, for fuzzy comparison."""
    employee = subject.employee
    first, legal, middle, last = (used_first_name(employee, policy), employee.first_name,
                                  employee.middle_name, employee.last_name)
    preferred = employee.preferred_name if as_text(employee.preferred_name) else None
    if preferred is None and not middle:
        # The common case: the six names below come down to these two (a part left empty drops out).
        return name_variants((first, last), (last,))
    return name_variants((first, last), (legal, last), (first, middle, last), (legal, middle, last),
                         (preferred, last), (preferred, middle, last))


def employee_transliterations(subject: Subject) -> tuple[Tokens, ...]:
    """The romanisations of a name HR holds in another script (() for Latin names), with and without the middle
    name: near misses for review only."""
    employee = subject.employee
    return transliterations((employee.first_name, employee.last_name),
                            (employee.first_name, employee.middle_name, employee.last_name))


def name_fit(subject: Subject, stakeholder: Stakeholder, index: StakeholderIndex,
             policy: SyncPolicy) -> Fit | None:
    """How the employee's name fits an unlinked stakeholder's; None: another person's name.

    A side without any name cannot contradict the other.
    """
    employee = subject.employee
    if employee.last_name and stakeholder.last_name == employee.last_name and (
            stakeholder.first_name == employee.first_name):
        return Fit.SAME  # the common case, written alike: decided before any other work
    theirs_key = index.keys.get(stakeholder.id)
    if theirs_key is None or name_key(employee.first_name, employee.last_name) == theirs_key:
        return Fit.SAME  # (a nameless row contradicts nothing)
    short, full = subject_keys(subject, policy)
    if not (short or full):
        return Fit.SAME
    if any(s.id == stakeholder.id for key in short + full for s in index.named(key)):
        return Fit.SAME
    theirs = stakeholder_variants(stakeholder, index.keys.get(stakeholder.id))
    if best_similarity(employee_variants(subject, policy), theirs) >= policy.fuzzy_threshold:
        return Fit.CLOSE
    return Fit.CLOSE if _renamed(subject, stakeholder) else None


def _renamed(subject: Subject, stakeholder: Stakeholder) -> bool:
    """A new surname (marriage): the same first name (or a nickname of it), shown true by the same
    e-mail address or the same birth date."""
    employee = subject.employee
    mine = set(name_tokens(employee.first_name)) | set(name_tokens(employee.preferred_name))
    theirs = set(name_tokens(stakeholder.first_name) if as_text(stakeholder.first_name)
                 else name_tokens(stakeholder.name))
    if not mine or not any(token in theirs or theirs & relatives(token) for token in mine):
        return False
    mail = email_key(employee.email)
    if mail is not None and mail == email_key(stakeholder.email):
        return True
    return employee.birth_date is not None and employee.birth_date == stakeholder.birth_date
