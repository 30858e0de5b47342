"""The matching rules of SPEC §3, one table row per rule and outcome."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import pytest
from domain_builders import employee, leaver, linked, policy, stakeholder, summary

from domain.decisions import Decisions
from domain.employee import MAPPABLE_FIELDS, Employee
from domain.matching import match
from domain.stakeholder import Stakeholder

HIRED = dt.date(2020, 1, 1)
NO_IDENTIFIER = frozenset(MAPPABLE_FIELDS) - {"unique_identifier"}


class Case(NamedTuple):
    employees: list[Employee]
    stakeholders: list[Stakeholder]
    expected: list[tuple]
    settings: dict = {}
    decisions: Decisions = Decisions()


def named(sid: int, name: str = "Anna Müller", **values) -> Stakeholder:
    """An unlinked stakeholder whose first and last name agree with `name`."""
    first, _, last = name.partition(" ")
    return stakeholder(sid, name, first_name=first, last_name=last, **values)


def not_same(*pairs: tuple[str, int]) -> Decisions:
    return Decisions(not_same=frozenset(pairs))


RULES = {
    # rule 0: screening
    "no-hire-date-skips": Case(
        [employee("1")], [linked(10, "1")], [("skip", "1", "no_hire_date", None, ())],
        {"require_hire_date": True}),
    "hire-date-present-matches": Case(
        [employee("1", hire_date=HIRED)], [linked(10, "1")], [], {"require_hire_date": True}),
    "hire-date-not-required": Case([employee("1")], [linked(10, "1")], []),
    "ignored-employee-has-no-item": Case(
        [employee("1"), employee("2", "Zoe", "Stone")], [], [("create", "2", None, None, ())],
        decisions=Decisions(ignored=frozenset({"1"}))),
    "duplicate-remote-id": Case(
        [employee("1"), employee("1", email="anna@x.de")], [linked(10, "1")],
        [("review", "1", "duplicate_remote_id", None, (10,))] * 2),
    "duplicate-identifier": Case(
        [employee("1", unique_identifier="E1"), employee("2", "Zoe", "Stone", unique_identifier="E1")],
        [named(10, unique_identifier="E1")],
        [("review", "1", "duplicate_identifier", None, (10,)),
         ("review", "2", "duplicate_identifier", None, (10,))]),
    "duplicate-identifier-without-carrier": Case(
        [employee("1", unique_identifier="E1"), employee("2", "Zoe", "Stone", unique_identifier=" E1 ")], [],
        [("review", "1", "duplicate_identifier", None, ()), ("review", "2", "duplicate_identifier", None, ())]),
    "blank-identifiers-are-no-duplicates": Case(
        [employee("1", unique_identifier=" "), employee("2", "Zoe", "Stone", unique_identifier="")], [],
        [("create", "1", None, None, ()), ("create", "2", None, None, ())]),
    # rule 1: the link
    "linked-in-step": Case([employee("1")], [linked(10, "1")], []),
    "linked-changed": Case([employee("1", city="Köln")], [linked(10, "1", city="Bonn")],
                           [("update", "1", None, 10, ())]),
    # A company switching HR systems: the other system's link is not ours, but the row is the same person's
    # more likely than not, so it is offered, never merged (and no second row made silently).
    "link-to-other-provider-is-not-ours-but-offered": Case(
        [employee("1")], [named(10, hr_provider="personio", hr_remote_id="1")],
        [("review", "1", "linked_elsewhere", None, (10,))]),
    "link-to-other-provider-other-name-creates": Case(
        [employee("1")], [named(10, "Zoe Stone", hr_provider="personio", hr_remote_id="1")],
        [("create", "1", None, None, ())]),
    # A rehire under a new HR record: the old row is linked to the old record, which is not in this fetch.
    "rehire-under-a-new-record-offers-the-old-row": Case(
        [employee("2")], [linked(10, "1", group="Ex-employee")], [("review", "2", "linked_elsewhere", None, (10,))]),
    "rehire-with-middle-name-offers-the-old-row": Case(
        [employee("2", middle_name="Maria")], [linked(10, "1", "Anna Müller", display="Anna Maria Müller",
                                                      first_name="Anna Maria")],
        [("review", "2", "linked_elsewhere", None, (10,))]),
    # A namesake whose own record is in this fetch owns its row: the new one is another person.
    "linked-namesake-in-this-fetch-is-nobody-elses": Case(
        [employee("1"), employee("2")], [linked(10, "1")], [("create", "2", None, None, ())]),
    "linked-namesake-screened-out-in-this-fetch-is-nobody-elses": Case(
        [employee("1"), employee("2", hire_date=HIRED)], [linked(10, "1")], [
            ("create", "2", None, None, ()), ("skip", "1", "no_hire_date", None, ())], {"require_hire_date": True}),
    "rehire-rejected-once-creates": Case(
        [employee("2")], [linked(10, "1", group="Ex-employee")], [("create", "2", None, None, ())],
        decisions=not_same(("2", 10))),
    "unimported-leaver-with-a-linked-namesake-skips": Case(
        [leaver("2")], [linked(10, "1", group="Ex-employee")], [("skip", "2", "terminated", None, ())]),
    # rule 2: the unique identifier
    "identifier-links": Case([employee("1", unique_identifier="E1")], [named(10, unique_identifier="E1")],
                             [("link", "1", None, 10, ())]),
    "identifier-beats-a-namesake-when-its-name-agrees": Case(
        [employee("1", unique_identifier="E1")], [named(10, "Anna Mueller", unique_identifier="E1"), named(11)],
        [("update", "1", None, 10, ())]),
    "identifier-with-a-close-name-links": Case(
        [employee("1", "Anna", "Müler", unique_identifier="E1")], [named(10, unique_identifier="E1")],
        [("update", "1", None, 10, ())]),
    "identifier-with-a-nickname-links": Case(
        [employee("1", "Peggy", "Olson", unique_identifier="E1")],
        [named(10, "Margaret Olson", unique_identifier="E1")], [("update", "1", None, 10, ())]),
    # A reused or mistyped number: the row it finds is somebody else's; the namesake is shown too.
    "identifier-on-another-persons-name": Case(
        [employee("1", "Ada", "Lovelace", unique_identifier="E1")], [named(10, "Carl Gauss", unique_identifier="E1")],
        [("review", "1", "identifier_name_mismatch", None, (10,))]),
    "identifier-on-another-persons-name-with-namesake": Case(
        [employee("1", unique_identifier="E1")], [named(10, "Zoe Stone", unique_identifier="E1"), named(11)],
        [("review", "1", "identifier_name_mismatch", None, (10, 11))]),
    "identifier-close-name-while-exact-namesake-elsewhere": Case(
        [employee("1", "Jon", "Smith", unique_identifier="E1")],
        [named(10, "John Smith", unique_identifier="E1"), named(11, "Jon Smith")],
        [("review", "1", "identifier_name_mismatch", None, (10, 11))]),
    "identifier-close-name-namesake-surely-taken-by-another": Case(
        [employee("5", "Ana", "Müller"), employee("6", "Ana", "Müller", unique_identifier="E1")],
        [named(10, "Anna Müller", unique_identifier="E1"), named(11, "Ana Müller")],
        [("update", "6", None, 10, ()), ("link", "5", None, 11, ())]),
    "identifier-new-surname-shown-by-email": Case(
        [employee("1", "Anna", "Weber", unique_identifier="E1", email="anna@x.de")],
        [named(10, "Anna Schmidt", unique_identifier="E1", email="ANNA@x.de")], [("update", "1", None, 10, ())]),
    "identifier-new-surname-shown-by-birth-date": Case(
        [employee("1", "Anna", "Weber", unique_identifier="E1", birth_date=dt.date(1990, 5, 1))],
        [named(10, "Anna Schmidt", unique_identifier="E1", birth_date=dt.date(1990, 5, 1))],
        [("update", "1", None, 10, ())]),
    "identifier-new-surname-unconfirmed": Case(
        [employee("1", "Anna", "Weber", unique_identifier="E1")], [named(10, "Anna Schmidt", unique_identifier="E1")],
        [("review", "1", "identifier_name_mismatch", None, (10,))]),
    "identifier-without-case": Case(
        [employee("1", unique_identifier="e1")], [named(10, unique_identifier="E1")],
        [("update", "1", None, 10, ())]),
    "identifier-leading-zeros-only-reviewed": Case(
        [employee("1", unique_identifier="42")], [named(10, unique_identifier="0042")],
        [("review", "1", "identifier_leading_zeros", None, (10,))]),
    "identifier-leading-zeros-the-other-way": Case(
        [employee("1", unique_identifier="0042")], [named(10, unique_identifier="42")],
        [("review", "1", "identifier_leading_zeros", None, (10,))]),
    # The look-alike number is another person's row; the employee's own row (no number) is the likelier one.
    "identifier-leading-zeros-offers-the-namesake-first": Case(
        [employee("1", unique_identifier="0042")], [named(10, "Emil Vogt", unique_identifier="42"), named(11)],
        [("review", "1", "identifier_leading_zeros", None, (11, 10))]),
    "identifier-leading-zeros-namesake-taken-by-another-is-left-out": Case(
        [employee("1", unique_identifier="0042"), employee("2", unique_identifier="E2")],
        [named(10, "Emil Vogt", unique_identifier="42"), named(11, unique_identifier="E2")],
        [("link", "2", None, 11, ()), ("review", "1", "identifier_leading_zeros", None, (10,))]),
    "identifier-on-two-stakeholders": Case(
        [employee("1", unique_identifier="E1")],
        [named(10, unique_identifier="E1"), named(11, unique_identifier=" E1")],
        [("review", "1", "identifier_conflict", None, (10, 11))]),
    "identifier-compared-stripped": Case(
        [employee("1", unique_identifier=" E1 ")], [named(10, unique_identifier="E1")], [("link", "1", None, 10, ())]),
    "identifier-linked-elsewhere": Case(
        [employee("1", unique_identifier="E1")], [linked(10, "9", unique_identifier="E1")],
        [("review", "1", "identifier_conflict", None, (10,))]),
    "identifier-linked-to-other-provider": Case(
        [employee("1", unique_identifier="E1")],
        [named(10, unique_identifier="E1", hr_provider="personio", hr_remote_id="1")],
        [("review", "1", "identifier_conflict", None, (10,))]),
    "identifier-pair-rejected-name-match-collides": Case(
        [employee("1", unique_identifier="E1")], [named(10, "Zoe Stone", unique_identifier="E1"), named(11)],
        [("review", "1", "identifier_conflict", None, (10, 11))], decisions=not_same(("1", 10))),
    "identifier-pair-rejected-name-match": Case(
        [employee("1", unique_identifier="E1")], [named(10, "Zoe Stone", unique_identifier="E1"), named(11)],
        [("link", "1", None, 11, ())], {"owned_fields": NO_IDENTIFIER}, not_same(("1", 10))),
    # rule 3: the name
    "name-links": Case([employee("1")], [named(10)], [("link", "1", None, 10, ())]),
    "name-ignores-order-case-and-accents": Case(
        [employee("1")], [stakeholder(10, "MUELLER, anna")], [("update", "1", None, 10, ())]),
    "name-stakeholder-identifier-differs": Case(
        [employee("1", unique_identifier="E1")], [named(10, unique_identifier="E2")],
        [("review", "1", "identifier_conflict", None, (10,))]),
    "name-stakeholder-has-identifier-employee-none": Case(
        [employee("1")], [named(10, unique_identifier="E2")], [("review", "1", "identifier_conflict", None, (10,))]),
    "name-identifier-not-owned": Case(
        [employee("1")], [named(10, unique_identifier="E2")], [("link", "1", None, 10, ())],
        {"owned_fields": NO_IDENTIFIER}),
    "name-ambiguous": Case([employee("1")], [named(10), named(11)],
                           [("review", "1", "ambiguous_name", None, (10, 11))]),
    "name-email-breaks-tie": Case(
        [employee("1", email="anna@x.de")], [named(10, email="other@x.de"), named(11, email="ANNA@x.de")],
        [("link", "1", None, 11, ())]),
    "name-email-on-both-stays-ambiguous": Case(
        [employee("1", email="anna@x.de")], [named(10, email="anna@x.de"), named(11, email="anna@x.de")],
        [("review", "1", "ambiguous_name", None, (10, 11))]),
    "name-email-confirms-the-compatible-one": Case(
        [employee("1", unique_identifier="E1", email="anna@x.de")],
        [named(10, unique_identifier="E2"), named(11, email="anna@x.de")], [("update", "1", None, 11, ())]),
    "name-compatible-one-unconfirmed": Case(
        [employee("1", unique_identifier="E1")], [named(10, unique_identifier="E2"), named(11)],
        [("review", "1", "ambiguous_name", None, (10, 11))]),
    "name-email-never-overrides-identifier": Case(
        [employee("1", unique_identifier="E1", email="anna@x.de")],
        [named(10, unique_identifier="E2", email="anna@x.de"), named(11)],
        [("review", "1", "ambiguous_name", None, (10, 11))]),
    "name-linked-namesake-is-never-matched-only-offered": Case(
        [employee("1")], [linked(10, "9")], [("review", "1", "linked_elsewhere", None, (10,))]),
    "name-pair-rejected": Case([employee("1")], [named(10)], [("create", "1", None, None, ())],
                               decisions=not_same(("1", 10))),
    "preferred-name-matches": Case(
        [employee("1", preferred_name="Annie")], [named(10, "Annie Müller")], [("link", "1", None, 10, ())],
        {"use_preferred_name": True}),
    "legal-name-matches-too": Case(
        [employee("1", preferred_name="Annie")], [named(10)], [("update", "1", None, 10, ())],
        {"use_preferred_name": True}),
    "preferred-name-off": Case(
        [employee("1", preferred_name="Annie")], [named(10, "Annie Müller")],
        [("review", "1", "similar_name", None, (10,))]),
    # rule 4: e-mail alone
    "email-only": Case([employee("1", email="anna@x.de")], [named(10, "Zoe Stone", email="ANNA@x.de")],
                       [("review", "1", "email_only", None, (10,))]),
    "email-only-two-candidates": Case(
        [employee("1", email="anna@x.de")],
        [named(11, "Zoe Stone", email="anna@x.de"), named(10, "Eva Berg", email="Anna@X.de")],
        [("review", "1", "email_only", None, (10, 11))]),
    "email-only-identifier-differs": Case(
        [employee("1", unique_identifier="E1", email="anna@x.de")],
        [named(10, "Zoe Stone", email="anna@x.de", unique_identifier="E2")], [("create", "1", None, None, ())]),
    "email-only-linked-is-no-candidate": Case(
        [employee("1", email="anna@x.de")], [linked(10, "9", "Zoe Stone", email="anna@x.de")],
        [("create", "1", None, None, ())]),
    "email-only-rejected-pair": Case(
        [employee("1", email="anna@x.de")], [named(10, "Zoe Stone", email="anna@x.de")],
        [("create", "1", None, None, ())], decisions=not_same(("1", 10))),
    # rule 5: similar names
    "similar-typo": Case([employee("1", "Anna", "Müler")], [named(10)],
                         [("review", "1", "similar_name", None, (10,))]),
    "similar-nickname": Case([employee("1", "Alex", "Meyer")], [named(10, "Alexander Meyer")],
                             [("review", "1", "similar_name", None, (10,))]),
    "similar-missing-middle-name": Case([employee("1", "Anna Maria", "Müller")], [named(10)],
                                        [("review", "1", "similar_name", None, (10,))]),
    "middle-name-in-its-own-field-is-part-of-the-name": Case(
        [employee("1", middle_name="Maria")], [stakeholder(10, "Anna Maria Müller")], [("update", "1", None, 10, ())]),
    "middle-name-and-without-it-name-two-rows": Case(
        [employee("1", "Maria", "Garcia", middle_name="Luisa")], [named(10, "Maria Garcia"),
                                                                 stakeholder(11, "Maria Luisa Garcia")],
        [("review", "1", "middle_name_conflict", None, (10, 11))]),
    "similar-nickname-from-the-dataset": Case([employee("1", "Ted", "Smith")], [named(10, "Edward Smith")],
                                              [("review", "1", "similar_name", None, (10,))]),
    "similar-initials": Case([employee("1", "Kenji", "Tanaka")], [stakeholder(10, "K. Tanaka")],
                             [("review", "1", "similar_name", None, (10,))]),
    "similar-particles-joined": Case([employee("1", "Jan", "Vanderbeek")], [stakeholder(10, "Jan van der Beek")],
                                     [("review", "1", "similar_name", None, (10,))]),
    "similar-typo-in-each-word": Case([employee("1", "Jhon", "Smtih")], [named(10, "John Smith")],
                                      [("review", "1", "similar_name", None, (10,))]),
    "similar-plain-ascii-is-not-folded": Case([employee("1", "Chloe", "Martin")], [named(10, "Chlo Martin")],
                                              [("review", "1", "similar_name", None, (10,))]),
    "spelled-out-umlaut-is-the-umlaut": Case([employee("1", "Jürgen", "Böhm")], [named(10, "Juergen Boehm")],
                                             [("update", "1", None, 10, ())]),
    "ascii-ue-is-not-u": Case([employee("1", "Anna", "Mueller")], [named(10, "Anna Muller")],
                              [("review", "1", "similar_name", None, (10,))]),
    "invisible-characters-removed": Case([employee("1", "An\u200bna", "Mül\u00adler\u00a0")], [named(10)],
                                         [("link", "1", None, 10, ())]),
    "titles-and-degrees-ignored": Case([employee("1", "Hans", "Meier")], [stakeholder(10, "Prof. Dr Hans Meier, PhD")],
                                       [("update", "1", None, 10, ())]),
    # Generational suffixes tell father from son: never dropped, and one side only is for an approver.
    "a-suffix-on-one-side-is-reviewed": Case([employee("1", "Karl", "Huber")], [stakeholder(10, "Karl Huber Jr.")],
                                             [("review", "1", "suffix_conflict", None, (10,))]),
    "a-suffix-missing-in-the-registry-is-reviewed": Case(
        [employee("1", "Karl", "Huber Jr.")], [stakeholder(10, "Karl Huber")],
        [("review", "1", "suffix_conflict", None, (10,))]),
    "different-suffixes-never-merge": Case([employee("1", "Karl", "Huber Sr.")], [stakeholder(10, "Karl Huber Jr.")],
                                           [("review", "1", "similar_name", None, (10,))]),
    "the-same-suffix-merges-beside-the-fathers-row": Case(
        [employee("1", "Karl", "Huber Jr.")], [stakeholder(10, "Karl Huber Sr."), stakeholder(11, "Huber Jr., Karl")],
        [("update", "1", None, 11, ())]),
    "a-suffix-beside-the-namesake-is-reviewed": Case(
        [employee("1", "Karl", "Huber")], [stakeholder(10, "Karl Huber"), stakeholder(11, "Karl Huber Jr.")],
        [("review", "1", "suffix_conflict", None, (10, 11))]),
    "roman-numerals-tell-apart": Case([employee("1", "Henry", "Ford III")], [stakeholder(10, "Henry Ford II")],
                                      [("review", "1", "similar_name", None, (10,))]),
    # Evidence that the only namesake is someone else: another birth date, or another employee's e-mail.
    "a-namesake-born-on-another-day-is-reviewed": Case(
        [employee("1", birth_date=dt.date(1990, 1, 1))], [named(10, birth_date=dt.date(1975, 5, 5))],
        [("review", "1", "birth_date_conflict", None, (10,))]),
    "a-namesake-without-birth-date-merges": Case(
        [employee("1", birth_date=dt.date(1990, 1, 1))], [named(10)], [("update", "1", None, 10, ())]),
    "no-leaver-on-a-namesake-born-on-another-day": Case(
        [leaver("1", birth_date=dt.date(1990, 1, 1))], [named(10, birth_date=dt.date(1975, 5, 5))],
        [("review", "1", "birth_date_conflict", None, (10,))]),
    "a-namesake-with-another-employees-email-is-theirs": Case(
        [employee("a", unique_identifier="E10", email="anna.f@x.de"), employee("b", email="anna.m2@x.de")],
        [named(10, unique_identifier="E10"), named(11, email="anna.f@x.de")],
        [("review", "a", "email_conflict", None, (10, 11)), ("review", "b", "email_of_another_employee", None, (11,))]),
    "a-private-email-on-the-namesake-is-no-evidence": Case(
        [employee("1", email="anna@acme.de")], [named(10, email="anna.private@gmail.example")],
        [("update", "1", None, 10, ())]),
    "a-middle-initial-row-beside-the-namesake-is-reviewed": Case(
        [employee("1", "Paul", "Richter", middle_name="Georg")],
        [named(10, "Paul Richter"), named(11, "Paul G. Richter")],
        [("review", "1", "middle_name_conflict", None, (10, 11))]),
    "another-middle-initial-does-not-compete": Case(
        [employee("1", "Paul", "Richter", middle_name="Georg")],
        [named(10, "Paul Richter"), named(11, "Paul A. Richter")],
        [("link", "1", None, 10, ())]),
    # An identifier confirms a close name, not another given name (a reused or mistyped number).
    "identifier-with-the-feminine-form-is-reviewed": Case(
        [employee("1", "Daniel", "Weber", unique_identifier="E1")], [named(10, "Daniela Weber", unique_identifier="E1")],
        [("review", "1", "identifier_name_mismatch", None, (10,))]),
    "identifier-with-another-common-name-one-letter-away-is-reviewed": Case(
        [employee("1", "Mark", "Klein", unique_identifier="E1")], [named(10, "Mary Klein", unique_identifier="E1")],
        [("review", "1", "identifier_name_mismatch", None, (10,))]),
    "identifier-with-a-first-letter-changed-is-reviewed": Case(
        [employee("1", "Anna", "Schmidt", unique_identifier="E1")], [named(10, "Hanna Schmidt", unique_identifier="E1")],
        [("review", "1", "identifier_name_mismatch", None, (10,))]),
    "identifier-with-a-misspelt-first-name-merges": Case(
        [employee("1", "Michael", "Berger", unique_identifier="E1")],
        [named(10, "Micheal Berger", unique_identifier="E1")], [("update", "1", None, 10, ())]),
    "identifier-with-a-surname-typo-merges": Case(
        [employee("1", "Gabriele", "Fischer", unique_identifier="E1")],
        [named(10, "Gabriele Fisher", unique_identifier="E1")], [("update", "1", None, 10, ())]),
    "identifier-with-other-han-characters-is-reviewed": Case(
        [employee("1", "伟", "王", unique_identifier="E1")], [named(10, "汪玮", unique_identifier="E1")],
        [("review", "1", "identifier_name_mismatch", None, (10,))]),
    "an-identifier-does-not-bridge-a-suffix": Case(
        [employee("1", "Karl", "Huber", unique_identifier="E1")],
        [stakeholder(10, "Karl Huber Jr.", unique_identifier="E1")],
        [("review", "1", "identifier_name_mismatch", None, (10,))]),
    # Groups the sync does not manage: investors, advisors, founders are only ever reviewed.
    "name-match-into-an-investor-is-reviewed": Case(
        [employee("1", "Nina", "Brandt")], [named(10, "Nina Brandt", group="Investors")],
        [("review", "1", "unmanaged_group", None, (10,))]),
    "identifier-match-into-an-advisor-is-reviewed": Case(
        [employee("1", unique_identifier="E1")], [named(10, unique_identifier="E1", group="Advisors")],
        [("review", "1", "unmanaged_group", None, (10,))]),
    "a-widened-setting-manages-more-groups": Case(
        [employee("1", "Nina", "Brandt")], [named(10, "Nina Brandt", group="advisors ")],
        [("link", "1", None, 10, ())], {"managed_groups": frozenset({"Advisors"})}),
    "second-namesake-never-falls-into-the-investor-row": Case(
        [employee("1", "Tom", "Becker", email="tom@x.de"), employee("2", "Tom", "Becker")],
        [named(10, "Tom Becker", group="Employees", email="tom@x.de"), named(11, "Tom Becker", group="Investors")],
        [("link", "1", None, 10, ()), ("review", "2", "unmanaged_group", None, (11,))]),
    "terminated-never-imported-is-no-leaver-on-an-investor": Case(
        [leaver("1", "Nina", "Brandt")], [named(10, "Nina Brandt", group="Investors")],
        [("skip", "1", "terminated", None, ())]),
    "linked-investor-keeps-its-group-when-terminated": Case(
        [leaver("1")], [linked(10, "1", group="Investors")], []),
    # E-mail pointing at another row than the name does.
    "email-points-at-another-row": Case(
        [employee("1", "Tom", "Becker", email="tom.b@x.de")],
        [named(10, "Tom Becker", email="tom@x.de"), named(11, "Thomas Becker", email="TOM.B@x.de")],
        [("review", "1", "email_conflict", None, (10, 11))]),
    "email-on-a-row-another-employee-surely-takes-is-theirs": Case(
        [employee("1", "Tom", "Becker", email="tom.b@x.de"), employee("2", "Zoe", "Stone", unique_identifier="E5")],
        [named(10, "Tom Becker"), named(11, "Zoe Stone", unique_identifier="E5", email="tom.b@x.de")],
        [("update", "1", None, 10, ()), ("link", "2", None, 11, ())]),
    # The address on a row linked to another employee (or to a previous employment) says the name match may be
    # a duplicate of that row: merging would leave one address on two rows.
    "email-on-a-row-linked-to-another-employee-is-reviewed": Case(
        [employee("1", "Tom", "Becker", email="tom.b@x.de"), employee("2", "Thomas", "Becker", email="thomas@x.de")],
        [named(10, "Tom Becker"), linked(11, "2", "Thomas Becker", email="tom.b@x.de")],
        [("update", "2", None, 11, ()), ("review", "1", "email_conflict", None, (10, 11))]),
    "email-on-a-row-linked-to-an-old-record-is-reviewed": Case(
        [employee("new", "Bernd", "Kranz", email="bernd@x.de")],
        [named(10, "Bernd Kranz"), linked(11, "old", "Bernd Kranz", email="bernd@x.de", group="Ex-employee")],
        [("review", "new", "email_conflict", None, (10, 11))]),
    "similar-swapped-with-typo": Case([employee("1")], [stakeholder(10, "Mueller Ana")],
                                      [("review", "1", "similar_name", None, (10,))]),
    "similar-best-first-then-id": Case(
        [employee("1", "Alexander", "Meyer")],
        [named(10, "Alexandra Meyer"), named(11, "Alex Meyer"), named(12, "Alexander Meier")],
        [("review", "1", "similar_name", None, (11, 10, 12))]),
    "similar-below-threshold": Case([employee("1", "Anna", "Müler")], [named(10)], [("create", "1", None, None, ())],
                                    {"fuzzy_threshold": 99.0}),
    "similar-identifier-differs": Case(
        [employee("1", "Anna", "Müler", unique_identifier="E1")], [named(10, unique_identifier="E2")],
        [("create", "1", None, None, ())]),
    "similar-rejected-pair": Case([employee("1", "Anna", "Müler")], [named(10)], [("create", "1", None, None, ())],
                                  decisions=not_same(("1", 10))),
    "unrelated-name": Case([employee("1")], [named(10, "Zoe Stone")], [("create", "1", None, None, ())]),
    # rule 6: create, or skip a leaver nobody knows
    "terminated-unknown-skips": Case([leaver("1")], [], [("skip", "1", "terminated", None, ())]),
    "terminated-unknown-imported": Case([leaver("1")], [], [("create", "1", None, None, ())],
                                        {"import_terminated": True}),
    "terminated-undated-unknown-skips": Case([leaver("1", termination_date=None, marked_terminated=True)], [],
                                             [("skip", "1", "terminated", None, ())]),
    "inactive-unmarked-undated-is-no-leaver": Case([leaver("1", termination_date=None)], [],
                                                   [("create", "1", None, None, ())]),
    "create-identifier-taken": Case(
        [employee("1", "Bob", "Stone", unique_identifier="E1")], [named(10, "Zoe Stone", unique_identifier="E1")],
        [("review", "1", "identifier_conflict", None, (10,))], decisions=not_same(("1", 10))),
    # one employee, one stakeholder
    "namesakes-contest": Case(
        [employee("1"), employee("2")], [named(10)],
        [("review", "1", "contested_match", None, (10,)), ("review", "2", "contested_match", None, (10,))]),
    "identifier-and-name-contest": Case(
        [employee("1", "Anna", "Müler", unique_identifier="E1"), employee("2")], [named(10, unique_identifier="E1")],
        [("review", "1", "contested_match", None, (10,)), ("review", "2", "contested_match", None, (10,))],
        {"owned_fields": NO_IDENTIFIER}),
    "identifier-match-frees-namesake": Case(
        [employee("1", unique_identifier="E1"), employee("2")], [named(10, unique_identifier="E1"), named(11)],
        [("link", "1", None, 10, ()), ("link", "2", None, 11, ())]),
    "email-match-frees-namesake": Case(
        [employee("1", email="anna@x.de"), employee("2")], [named(10, email="anna@x.de"), named(11)],
        [("link", "1", None, 10, ()), ("link", "2", None, 11, ())]),
    "surely-taken-is-no-similar-candidate": Case(
        [employee("1"), employee("2", "Anna", "Müler")], [named(10)],
        [("create", "2", None, None, ()), ("link", "1", None, 10, ())]),
    # identifiers never end up twice in the registry
    "linked-identifier-update-collides": Case(
        [employee("1", unique_identifier="E2")], [linked(10, "1"), named(11, "Zoe Stone", unique_identifier="E2")],
        [("review", "1", "identifier_conflict", None, (10, 11))]),
    "identifier-reused-by-another-employee": Case(
        [employee("1", unique_identifier="E2"), employee("2", "Zoe", "Stone", unique_identifier="E1")],
        [linked(10, "1", unique_identifier="E1"), named(11, "Zoe Stone")],
        [("review", "1", "identifier_conflict", None, (10,)), ("review", "2", "identifier_conflict", None, (10,))]),
    "identifier-case-change-clashes-with-another-row": Case(
        [employee("1", unique_identifier="E2")], [linked(10, "1", unique_identifier="e2"),
                                                  named(11, "Zoe Stone", unique_identifier="E2")],
        [("review", "1", "identifier_conflict", None, (10, 11))]),
    "identifier-changes-freely": Case(
        [employee("1", unique_identifier="E2")], [linked(10, "1", unique_identifier="E1")],
        [("update", "1", None, 10, ())]),
}


@pytest.mark.parametrize("case", RULES.values(), ids=RULES.keys())
def test_matching_rules(case):
    changes = match(case.employees, case.stakeholders, policy(**case.settings), case.decisions)
    assert summary(changes) == case.expected


@pytest.mark.parametrize("case", RULES.values(), ids=RULES.keys())
def test_targeted_scope_follows_the_same_rules(case):
    settings = policy(**case.settings)
    full = match(case.employees, case.stakeholders, settings, case.decisions, scope="full")
    assert match(case.employees, case.stakeholders, settings, case.decisions, scope="targeted") == full


def test_absent_employees_are_never_leavers():
    registry = [linked(10, "1"), linked(11, "2", "Zoe Stone")]
    assert summary(match([employee("2", "Zoe", "Stone")], registry, policy(), scope="targeted")) == []
    assert summary(match([], registry, policy(), scope="full")) == []


def test_unknown_scope_is_refused():
    with pytest.raises(ValueError, match="unknown scope 'partial'"):
        match([], [], policy(), scope="partial")


def test_items_carry_what_the_approver_sees():
    item, = match([employee("1", unique_identifier="E1", email="anna@x.de")], [named(10), named(11)],
                  policy()).items
    assert (item.employee_name, item.remote_id, item.stakeholder_id, item.candidates) == \
        ("Anna Müller", "1", None, (10, 11))
    assert dict(item.proposed) == {"first_name": "Anna", "last_name": "Müller", "unique_identifier": "E1",
                                   "email": "anna@x.de", "name": "Anna Müller", "group": "Employees"}
    assert dict(item.fields) == {}


HOSTILE = {
    "empty-names-never-match": (employee("1", "", ""), stakeholder(10, ""), "create"),
    "whitespace-names-never-match": (employee("1", " ", "\t"), stakeholder(10, "  "), "create"),
    "emoji-names-never-match": (employee("1", "😀", "🎉"), stakeholder(10, "😀 🎉"), "create"),
    "very-long-names-match": (employee("1", "Ä" * 5_000, "B" * 5_000), stakeholder(10, "A" * 5_000 + " " + "b" * 5_000),
                              "update"),
    "arabic": (employee("1", "محمد", "علي"), stakeholder(10, "علي، محمد"), "update"),
    "hebrew": (employee("1", "דוד", "כהן"), stakeholder(10, "דוד כהן"), "update"),
    # Han characters are compared as characters: their pinyin (shared by 章伟 and 张伟) only offers a review.
    "chinese-transliterated-is-only-offered": (employee("1", "伟", "张"), stakeholder(10, "Zhang Wei"), "review"),
    "chinese-homophone-is-only-offered": (employee("1", "伟", "张"), stakeholder(10, "章伟"), "review"),
    "chinese-same-characters": (employee("1", "伟", "张"), stakeholder(10, "张伟"), "update"),
    "apostrophe-dropped": (employee("1", "Sean", "O'Brien"), stakeholder(10, "Sean OBrien"), "update"),
    "apostrophe-is-no-space": (employee("1", "Sean", "O'Brien"), stakeholder(10, "Sean O Brien"), "review"),
    "particles": (employee("1", "Jan", "van der Berg"), stakeholder(10, "Van Der Berg, Jan"), "update"),
    "hyphenated": (employee("1", "Eva", "Meier-Schmidt"), stakeholder(10, "Eva Meier Schmidt"), "update"),
}


@pytest.mark.parametrize("person, registry_entry, kind", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_names(person, registry_entry, kind):
    item, = match([person], [registry_entry], policy()).items
    assert item.kind.value == kind
    assert item.stakeholder_id == (10 if kind == "update" else None)


def test_a_wall_of_words_is_matched_without_blowing_up():
    words = " ".join(f"Wort{n}" for n in range(2_000))
    registry = [stakeholder(10, words + " Extra"), stakeholder(11, "Anna Müller")]
    changes = match([employee("1", words, "Müller")], registry, policy())
    assert summary(changes) == [("review", "1", "similar_name", None, (10,))]
