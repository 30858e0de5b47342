"""Who holds which unique identifier and HR link while a batch of writes is planned."""

from __future__ import annotations

from typing import Iterable

from domain.stakeholder import Stakeholder


class ClaimIndex:
    """Stakeholders by id, plus the two values the registry keeps unique per company."""

    def __init__(self, stakeholders: Iterable[Stakeholder], provider: str):
        self.provider = provider
        self.by_id: dict[int, Stakeholder] = {}
        self._identifiers: dict[str, int] = {}
        self._links: dict[tuple[str | None, str | None], int] = {}
        for stakeholder in stakeholders:
            self.put(stakeholder)

    def holders(self, identifiers: Iterable[str], remote_id: str) -> set[int]:
        """Ids of the stakeholders holding any of `identifiers` or the link to `remote_id`."""
        found = {self._identifiers.get(identifier) for identifier in identifiers}
        found.add(self._links.get((self.provider, remote_id)))
        found.discard(None)
        return found

    def put(self, stakeholder: Stakeholder) -> None:
        previous = self.by_id.get(stakeholder.id)
        if previous is not None:
            _drop(self._identifiers, previous.unique_identifier, previous.id)
            _drop(self._links, (previous.hr_provider, previous.hr_remote_id), previous.id)
        self.by_id[stakeholder.id] = stakeholder
        if stakeholder.unique_identifier:
            self._identifiers[stakeholder.unique_identifier] = stakeholder.id
        if stakeholder.linked:
            self._links[(stakeholder.hr_provider, stakeholder.hr_remote_id)] = stakeholder.id


def _drop(owners: dict, key: object, stakeholder_id: int) -> None:
    if owners.get(key) == stakeholder_id:
        del owners[key]
