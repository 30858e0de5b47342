"""Whether an employee's name is a stakeholder's: the same, close (a near miss), or another person's."""

from __future__ import annotations

from enum import StrEnum

from rapidfuzz.distance import OSA

from domain.fuzzy import Tokens, best_similarity, name_variants, stakeholder_variants, transliterations
from domain.index import StakeholderIndex, email_key
from domain.names import generations, name_key, name_keys, name_tokens
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


def initial_keys(subject: Subject, policy: SyncPolicy) -> tuple[str, ...]:
    """Keys of the name with the middle name (held in its own field) as its initial: "Paul G. Richter" for Paul
    Georg Richter. Empty without a middle name, or when the middle name already is an initial."""
    employee = subject.employee
    middle = as_text(employee.middle_name)
    words = name_tokens(middle) if middle else ()
    if not words or all(len(word) == 1 for word in words):
        return ()
    initials = " ".join(word[0] for word in words)
    return tuple(dict.fromkeys(key for first in {employee.first_name, used_first_name(employee, policy)}
                               for key in name_keys(first, initials, employee.last_name)))


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
    if generations(short[0] if short else None) != generations(theirs_key):
        return None  # Sr. and Jr., or a suffix on one side only: father and son are two people
    if _han(short) and _han((theirs_key,)):
        return None  # other Han characters are another name, however alike they sound (王伟 / 汪玮)
    mine = employee_variants(subject, policy)
    theirs = stakeholder_variants(stakeholder, theirs_key)
    if best_similarity(mine, theirs) >= policy.fuzzy_threshold:
        return None if _other_given_name(mine, theirs) else Fit.CLOSE
    return Fit.CLOSE if _renamed(subject, stakeholder) else None


def _han(keys: tuple[str, ...]) -> bool:
    """Whether a name key holds Han characters (the only words a key keeps outside ASCII)."""
    return any(not key.isascii() for key in keys)


def _other_given_name(mine: tuple[Tokens, ...], theirs: tuple[Tokens, ...]) -> bool:
    """Whether the names differ in one word only, and that word is another given name, not a typo of it.

    Another given name: the masculine or feminine form of it ("Daniel" / "Daniela", "Antonio" / "Antonia"), or a
    name one letter away that the nickname dataset knows as a name of its own, neither a nickname of the other
    nor sharing one with it ("Mark" / "Mary", but not "Micheal" / "Michael", both Mike); a first letter changed
    too ("Anna" / "Hanna": typos rarely hit it). A typo in a surname ("Fischer" / "Fisher") is none of these.
    """
    for a in mine:
        for b in theirs:
            left_a = [word for word in a if word not in b]
            left_b = [word for word in b if word not in a]
            if len(left_a) == 1 and len(left_b) == 1 and _another_name(left_a[0], left_b[0]):
                return True
    return False


def _another_name(a: str, b: str) -> bool:
    if _gendered(a, b) or _gendered(b, a):
        return True
    if OSA.distance(a, b, score_cutoff=1) > 1 or b in relatives(a):
        return False
    if a[0] != b[0]:
        return True
    known_a, known_b = relatives(a), relatives(b)
    return bool(known_a and known_b and not known_a & known_b)


def _gendered(a: str, b: str) -> bool:
    """b is a's other-gender form: an "a" added ("Paul" / "Paula") or an "o" turned "a" ("Mario" / "Maria")."""
    return len(a) >= 3 and (b == a + "a" or (a[-1] == "o" and b == a[:-1] + "a"))


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
