"""Lookup tables over a company's stakeholders, built once per match call."""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import Collection, Iterable

from domain.names import has_generation, stakeholder_name_keys, visible_text, without_generation
from domain.stakeholder import Stakeholder


def identifier_key(value: str | None) -> str | None:
    """How identifiers compare: invisible characters and surrounding space dropped, case ignored."""
    if value is None:
        return None
    key = (value if value.isascii() else visible_text(value)).strip()
    return key.casefold() if key else None


def email_key(value: str | None) -> str | None:
    """How e-mail addresses compare: invisible characters and surrounding space dropped, case ignored."""
    if value is None:
        return None
    text = (value if value.isascii() else visible_text(value)).strip()
    return text.casefold() if text else None


def zeros_key(key: str) -> str:
    """An identifier key without its leading zeros ("0042" → "42"): such look-alikes are only reviewed."""
    return key.lstrip("0")


class Buckets:
    """Stakeholders by key, in id order.

    Nearly every key has one stakeholder, so a lone one is held as itself and only shared keys
    get a list: a hundred thousand one-item lists would cost more than the lookups they serve.
    """

    def __init__(self) -> None:
        self._one: dict[str, Stakeholder] = {}
        self._many: dict[str, list[Stakeholder]] = {}

    def add(self, key: str, stakeholder: Stakeholder) -> None:
        """Add in id order."""
        first = self._one.setdefault(key, stakeholder)
        if first is not stakeholder:
            self._many.setdefault(key, [first]).append(stakeholder)

    def has_any(self) -> bool:
        return bool(self._one)

    def has(self, key: str) -> bool:
        """Whether some stakeholder has this key (without building a list)."""
        return key in self._one

    def get(self, key: str | None) -> list[Stakeholder]:
        if not key:
            return []
        many = self._many.get(key)
        if many is not None:
            return many
        one = self._one.get(key)
        return [] if one is None else [one]


@dataclass(frozen=True, slots=True)
class StakeholderIndex:
    """The unlinked and the linked stakeholders (to any provider), and stakeholders by link, identifier,
    name key and e-mail.

    Name and e-mail buckets hold only unlinked stakeholders: a linked one belongs to its HR record; each
    of a stakeholder's keys (its umlauts spelled out or not) leads to it. `keys` holds the plain
    name key of each unlinked stakeholder that has one. Identifiers and e-mails are keyed by
    `identifier_key` and `email_key`; `by_zeros` holds the identifiers with leading zeros, keyed
    without them. `by_kin` holds the unlinked stakeholders whose name has a generational suffix ("Karl Huber
    Jr."), keyed without it; `linked_by_email` the linked stakeholders by e-mail (an address that is theirs).
    """

    unlinked: list[Stakeholder]
    linked: list[Stakeholder]
    by_link: dict[str, Stakeholder]
    by_identifier: Buckets
    by_zeros: Buckets
    by_name: Buckets
    by_email: Buckets
    keys: dict[int, str]
    by_kin: Buckets
    linked_by_email: Buckets

    @classmethod
    def build(cls, stakeholders: Iterable[Stakeholder], provider: str) -> "StakeholderIndex":
        """`by_link` holds the stakeholders linked to `provider`, by remote id."""
        by_link: dict[str, Stakeholder] = {}
        by_identifier, by_zeros, by_name, by_email = Buckets(), Buckets(), Buckets(), Buckets()
        by_kin, linked_by_email = Buckets(), Buckets()
        keys: dict[int, str] = {}
        unlinked: list[Stakeholder] = []
        linked: list[Stakeholder] = []
        mail_one, mail_many = by_email._one, by_email._many
        linked_mail_one, linked_mail_many = linked_by_email._one, linked_by_email._many
        carrier_one, carrier_many = by_identifier._one, by_identifier._many
        for stakeholder in sorted(stakeholders, key=attrgetter("id")):
            # identifier_key and email_key, inlined for the common ASCII case: this loop sees every stakeholder
            identifier = stakeholder.unique_identifier
            if identifier is not None:
                identifier = identifier.strip().casefold() if identifier.isascii() else identifier_key(identifier)
                if identifier:
                    if carrier_one.setdefault(identifier, stakeholder) is not stakeholder:  # Buckets.add, inlined
                        carrier_many.setdefault(identifier, [carrier_one[identifier]]).append(stakeholder)
                    if identifier[0] == "0" and zeros_key(identifier):
                        by_zeros.add(zeros_key(identifier), stakeholder)
            if stakeholder.hr_remote_id is not None:
                # The registry keeps links unique; should it not, the lowest id wins.
                if stakeholder.hr_provider == provider:
                    by_link.setdefault(stakeholder.hr_remote_id, stakeholder)
                linked.append(stakeholder)
                email = stakeholder.email
                if email is not None:
                    email = email.strip().casefold() if email.isascii() else email_key(email)
                    if email and linked_mail_one.setdefault(email, stakeholder) is not stakeholder:  # Buckets.add
                        linked_mail_many.setdefault(email, [linked_mail_one[email]]).append(stakeholder)
                continue
            unlinked.append(stakeholder)
            email = stakeholder.email
            if email is not None:
                email = email.strip().casefold() if email.isascii() else email_key(email)
                if email and mail_one.setdefault(email, stakeholder) is not stakeholder:  # Buckets.add, inlined
                    mail_many.setdefault(email, [mail_one[email]]).append(stakeholder)
            names = stakeholder_name_keys(stakeholder.name, stakeholder.first_name, stakeholder.last_name)
            if names:
                for key in names:
                    by_name.add(key, stakeholder)
                keys[stakeholder.id] = names[0]
                if has_generation(names[0]):
                    for key in names:
                        by_kin.add(without_generation(key) or key, stakeholder)
        return cls(unlinked, linked, by_link, by_identifier, by_zeros, by_name, by_email, keys, by_kin,
                   linked_by_email)

    def linked_to(self, remote_id: str) -> Stakeholder | None:
        return self.by_link.get(remote_id)

    def carrying(self, identifier: str | None) -> list[Stakeholder]:
        """The stakeholders whose identifier is this one, case and spacing aside."""
        return self.by_identifier.get(identifier_key(identifier))

    def carrying_key(self, key: str | None) -> list[Stakeholder]:
        """`carrying` for an identifier already keyed (Subject.key)."""
        return self.by_identifier.get(key)

    def carrying_but_zeros(self, key: str | None) -> list[Stakeholder]:
        """The stakeholders whose identifier is this one (keyed: Subject.key) only once leading zeros are
        dropped on both."""
        if key is None or (key[0] != "0" and not self.by_zeros._one):
            return []  # no leading zeros on either side: the common case
        bare = zeros_key(key)
        if not bare:
            return []
        found = {s.id: s for s in self.by_zeros.get(bare)}
        if bare != key:
            found.update((s.id, s) for s in self.by_identifier.get(bare))
        return [found[sid] for sid in sorted(found) if identifier_key(found[sid].unique_identifier) != key]

    def named(self, key: str) -> list[Stakeholder]:
        return self.by_name.get(key)

    def kin(self, key: str) -> list[Stakeholder]:
        """The unlinked stakeholders named `key` plus a generational suffix ("huber karl" → "Karl Huber Jr.")."""
        return self.by_kin.get(key) if self.by_kin._one else []

    def mailed(self, email: str | None) -> list[Stakeholder]:
        """The unlinked stakeholders with this e-mail address (case aside)."""
        return self.by_email.get(email_key(email))


class LinkedNames:
    """Stakeholders linked to an HR record absent from this fetch, by name key: a previous employment's record,
    or another HR system's (a company switching systems).

    Name matching never merges into a linked row, but a new HR record with its name may be the same person (a
    rehire under a new record, a duplicate record, the new system's record), so such rows are offered for review.
    A row whose own record is in this fetch belongs to it and is nobody else's candidate.
    """

    def __init__(self, linked: Iterable[Stakeholder], provider: str, present: Collection[str]) -> None:
        """`linked` in id order; `present`: the remote ids of this fetch (of `provider`)."""
        self._by_name = Buckets()
        for stakeholder in linked:
            if stakeholder.hr_provider == provider and stakeholder.hr_remote_id in present:
                continue  # the common case: an employee in this fetch owns the row
            for key in stakeholder_name_keys(stakeholder.name, stakeholder.first_name, stakeholder.last_name):
                self._by_name.add(key, stakeholder)

    def __bool__(self) -> bool:
        return self._by_name.has_any()

    def named(self, keys: Iterable[str]) -> list[Stakeholder]:
        """The rows with any of these name keys, in id order."""
        found = {s.id: s for key in keys for s in self._by_name.get(key)}
        return [found[sid] for sid in sorted(found)]
