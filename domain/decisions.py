"""Review decisions an approver made once and that later syncs must honour."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DecisionKind(StrEnum):
    NOT_SAME_PERSON = "not_same_person"
    IGNORE_EMPLOYEE = "ignore_employee"


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    """`not_same_person` names a stakeholder; `ignore_employee` does not."""

    kind: DecisionKind
    remote_id: str
    stakeholder_id: int | None = None


@dataclass(frozen=True, slots=True)
class Decisions:
    """Lookup form of a company's decisions for one provider."""

    not_same: frozenset[tuple[str, int]] = frozenset()
    ignored: frozenset[str] = frozenset()

    @classmethod
    def of(cls, decisions: "list[ReviewDecision] | tuple[ReviewDecision, ...]") -> "Decisions":
        not_same = {(d.remote_id, d.stakeholder_id) for d in decisions
                    if d.kind is DecisionKind.NOT_SAME_PERSON and d.stakeholder_id is not None}
        ignored = {d.remote_id for d in decisions if d.kind is DecisionKind.IGNORE_EMPLOYEE}
        return cls(frozenset(not_same), frozenset(ignored))

    def allows(self, remote_id: str, stakeholder_id: int) -> bool:
        return (remote_id, stakeholder_id) not in self.not_same
