"""Lookup tables over a company's stakeholders, built once per match call."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from operator import attrgetter
from typing import Iterable

from domain.names import stakeholder_name_key
from domain.proposal import as_text
from domain.stakeholder import Stakeholder


@dataclass(frozen=True, slots=True)
class StakeholderIndex:
    """The unlinked stakeholders, and stakeholders by link, identifier, name key and e-mail (lists by id).

    Name and e-mail lists hold only unlinked stakeholders: a linked one belongs to its HR record.
    `keys` holds the name key of each unlinked stakeholder that has one.
    """

    unlinked: list[Stakeholder]
    by_link: dict[str, Stakeholder]
    by_identifier: dict[str, list[Stakeholder]]
    by_name: dict[str, list[Stakeholder]]
    by_email: dict[str, list[Stakeholder]]
    keys: dict[int, str]

    @classmethod
    def build(cls, stakeholders: Iterable[Stakeholder], provider: str) -> "StakeholderIndex":
        """`by_link` holds the stakeholders linked to `provider`, by remote id."""
        ordered = sorted(stakeholders, key=attrgetter("id"))
        by_link: dict[str, Stakeholder] = {}
        by_identifier, by_name, by_email = defaultdict(list), defaultdict(list), defaultdict(list)
        keys: dict[int, str] = {}
        unlinked: list[Stakeholder] = []
        for stakeholder in ordered:
            identifier = stakeholder.unique_identifier
            if identifier is not None and (identifier := identifier.strip()):
                by_identifier[identifier].append(stakeholder)
            if stakeholder.hr_remote_id is not None:
                # The registry keeps links unique; should it not, the lowest id wins.
                if stakeholder.hr_provider == provider:
                    by_link.setdefault(stakeholder.hr_remote_id, stakeholder)
                continue
            unlinked.append(stakeholder)
            key = stakeholder_name_key(stakeholder.name, stakeholder.first_name, stakeholder.last_name)
            if key:
                by_name[key].append(stakeholder)
                keys[stakeholder.id] = key
            email = as_text(stakeholder.email)
            if email is not None:
                by_email[email.casefold()].append(stakeholder)
        # The defaultdicts are only ever read with .get() from here on.
        return cls(unlinked, by_link, by_identifier, by_name, by_email, keys)

    def linked_to(self, remote_id: str) -> Stakeholder | None:
        return self.by_link.get(remote_id)

    def carrying(self, identifier: str | None) -> list[Stakeholder]:
        return self.by_identifier.get(identifier, []) if identifier else []

    def named(self, key: str) -> list[Stakeholder]:
        return self.by_name.get(key, []) if key else []

    def mailed(self, email: str | None) -> list[Stakeholder]:
        return self.by_email.get(email.casefold(), []) if email else []
