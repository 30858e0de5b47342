"""Lookup tables over a company's stakeholders, built once per match call."""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import Iterable

from domain.names import stakeholder_name_key
from domain.proposal import as_text
from domain.stakeholder import Stakeholder


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
    """The unlinked stakeholders, and stakeholders by link, identifier, name key and e-mail.

    Name and e-mail buckets hold only unlinked stakeholders: a linked one belongs to its HR
    record. `keys` holds the name key of each unlinked stakeholder that has one.
    """

    unlinked: list[Stakeholder]
    by_link: dict[str, Stakeholder]
    by_identifier: Buckets
    by_name: Buckets
    by_email: Buckets
    keys: dict[int, str]

    @classmethod
    def build(cls, stakeholders: Iterable[Stakeholder], provider: str) -> "StakeholderIndex":
        """`by_link` holds the stakeholders linked to `provider`, by remote id."""
        by_link: dict[str, Stakeholder] = {}
        by_identifier, by_name, by_email = Buckets(), Buckets(), Buckets()
        keys: dict[int, str] = {}
        unlinked: list[Stakeholder] = []
        for stakeholder in sorted(stakeholders, key=attrgetter("id")):
            identifier = stakeholder.unique_identifier
            if identifier is not None and (identifier := identifier.strip()):
                by_identifier.add(identifier, stakeholder)
            if stakeholder.hr_remote_id is not None:
                # The registry keeps links unique; should it not, the lowest id wins.
                if stakeholder.hr_provider == provider:
                    by_link.setdefault(stakeholder.hr_remote_id, stakeholder)
                continue
            unlinked.append(stakeholder)
            key = stakeholder_name_key(stakeholder.name, stakeholder.first_name, stakeholder.last_name)
            if key:
                by_name.add(key, stakeholder)
                keys[stakeholder.id] = key
            email = as_text(stakeholder.email)
            if email is not None:
                by_email.add(email.casefold(), stakeholder)
        return cls(unlinked, by_link, by_identifier, by_name, by_email, keys)

    def linked_to(self, remote_id: str) -> Stakeholder | None:
        return self.by_link.get(remote_id)

    def carrying(self, identifier: str | None) -> list[Stakeholder]:
        return self.by_identifier.get(identifier)

    def named(self, key: str) -> list[Stakeholder]:
        return self.by_name.get(key)

    def mailed(self, email: str | None) -> list[Stakeholder]:
        return self.by_email.get(email.casefold() if email else None)
