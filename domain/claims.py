"""Which employee of one fetch matches which unlinked stakeholder: the one-to-one bookkeeping."""

from __future__ import annotations


class Claims:
    """Claims on unlinked stakeholders; `sure` maps each stakeholder exactly one employee matches.

    Linked stakeholders are never claimed here: only their own HR record can match them.
    """

    def __init__(self) -> None:
        self.sure: dict[int, str] = {}
        self._crowds: dict[int, list[str]] = {}

    def add(self, stakeholder_id: int, remote_id: str) -> None:
        if stakeholder_id in self._crowds:
            self._crowds[stakeholder_id].append(remote_id)
        elif stakeholder_id in self.sure:
            self._crowds[stakeholder_id] = [self.sure.pop(stakeholder_id), remote_id]
        else:
            self.sure[stakeholder_id] = remote_id

    def remove(self, stakeholder_id: int, remote_id: str) -> None:
        crowd = self._crowds.get(stakeholder_id)
        if crowd is None:
            if self.sure.get(stakeholder_id) == remote_id:
                del self.sure[stakeholder_id]
            return
        crowd.remove(remote_id)
        if len(crowd) == 1:
            self.sure[stakeholder_id] = crowd[0]
            del self._crowds[stakeholder_id]

    def contested(self, stakeholder_id: int) -> bool:
        """Two or more employees match this stakeholder: none of them gets it without review."""
        return stakeholder_id in self._crowds
