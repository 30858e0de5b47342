"""A company's sync settings, as the matching rules need them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from domain.names import NameFormat
from domain.stakeholder import DEFAULT_EMPLOYEE_GROUP, DEFAULT_EX_EMPLOYEE_GROUP


class TerminationPolicy(StrEnum):
    PROPOSE_GROUP = "propose_group"
    IGNORE = "ignore"


# Similarity (0-100) from which a non-matching stakeholder is offered for review.
DEFAULT_FUZZY_THRESHOLD = 85.0


@dataclass(frozen=True, slots=True)
class SyncPolicy:
    """Everything company- and provider-specific that decides a change set."""

    provider: str
    owned_fields: frozenset[str]
    name_format: NameFormat = NameFormat.FIRST_LAST
    termination_policy: TerminationPolicy = TerminationPolicy.PROPOSE_GROUP
    employee_group: str = DEFAULT_EMPLOYEE_GROUP
    ex_employee_group: str = DEFAULT_EX_EMPLOYEE_GROUP
    import_terminated: bool = False
    use_preferred_name: bool = False
    require_hire_date: bool = False
    fuzzy_threshold: float = DEFAULT_FUZZY_THRESHOLD
    # Groups besides the employee and ex-employee groups (and no group) whose stakeholders HR data
    # may merge into; any other group (investors, advisors, founders) is only ever reviewed.
    managed_groups: frozenset[str] = frozenset()

    def manages(self, group: str | None) -> bool:
        """Whether the sync may write HR data into a stakeholder of this group without review."""
        if group is None or group == self.employee_group or group == self.ex_employee_group or not group.strip():
            return True
        return group.strip().casefold() in _managed(self.employee_group, self.ex_employee_group, self.managed_groups)


@lru_cache(maxsize=64)
def _managed(employee_group: str, ex_employee_group: str, others: frozenset[str]) -> frozenset[str]:
    return frozenset(group.strip().casefold() for group in (employee_group, ex_employee_group, *others))
