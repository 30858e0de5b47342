"""The change a matched employee implies for its stakeholder: field diff, leaver, rehire, link."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from itertools import repeat
from typing import Mapping

from domain.changeset import NO_FIELDS, ChangeItem, ChangeKind, FieldChange, Reason, change_item, field_change
from domain.names import detect_format, format_name, without_invisible
from domain.policy import SyncPolicy, TerminationPolicy
from domain.proposal import GROUP, NAME, as_text, owned_targets, stakeholder_values
from domain.stakeholder import SYNCED_FIELDS, Stakeholder

# Members read in per-employee code, held here: in Python 3.11 every `Enum.MEMBER` goes through EnumType's
# __getattr__ hook, several times slower than a global.
_LEAVER, _UPDATE, _LINK, _TERMINATED = ChangeKind.LEAVER, ChangeKind.UPDATE, ChangeKind.LINK, Reason.TERMINATED
# Stands for HR's raw values when field_changes is not given them: equal to no value, so every field is compared.
_NOT_GIVEN = object()


def field_changes(stakeholder: Stakeholder, proposed: Mapping[str, str], policy: SyncPolicy,
                  mine: tuple | None = None) -> dict[str, FieldChange]:
    """Owned fields whose HR value differs, plus the display name when first or last name moves.

    `proposed` only holds values the HR record has, so nothing is ever blanked. `mine` is
    hr_values(employee, policy) when `proposed` was made from it (proposed_values(..., mine)).
    """
    changes: dict[str, FieldChange] = {}
    theirs = stakeholder_values(stakeholder, policy)
    for target, raw, hr in zip(owned_targets(policy.owned_fields), theirs, mine or repeat(_NOT_GIVEN)):
        # A raw HR value equal to the row's makes a proposed text equal to the row's text: nothing to say,
        # decided before any text (a date written out) is made; most fields of a match are equal.
        if hr is None or hr == raw:
            continue
        new = proposed.get(target)
        if new is None or raw == new:  # nothing to say, or equal without any conversion
            continue
        old = as_text(raw)
        if not _same(target, old, new):
            changes[target] = field_change(old, new)
    if "first_name" in changes or "last_name" in changes:
        _add_name_change(stakeholder, changes, policy)
    return changes


def _same(target: str, old: str | None, new: str) -> bool:
    """Equal, or different only in what nobody can see (a zero-width space, a soft hyphen): no change to
    propose. HR's text is written as it is; e-mail case never matters."""
    if old is None:
        return False
    if not (old.isascii() and new.isascii()):
        old, new = without_invisible(old).strip(), without_invisible(new).strip()
    if target == "email":
        return old.casefold() == new.casefold()
    return old == new


def _add_name_change(stakeholder: Stakeholder, changes: dict[str, FieldChange],
                     policy: SyncPolicy) -> None:
    """Re-render the display name in the stakeholder's own format (the company's as fallback)."""
    first = changes["first_name"].new if "first_name" in changes else stakeholder.first_name
    last = changes["last_name"].new if "last_name" in changes else stakeholder.last_name
    fmt = (detect_format(stakeholder.name, stakeholder.first_name, stakeholder.last_name)
           or detect_format(stakeholder.name, first, last)
           or policy.name_format)
    name = format_name(first, last, fmt)
    old = as_text(stakeholder.name)
    if name and name != old:
        changes[NAME] = FieldChange(old, name)


def in_step(mine: tuple, stakeholder: Stakeholder, policy: SyncPolicy) -> bool:
    """True when every owned HR value (`mine`, from hr_values) equals the stakeholder's as it stands.

    A fast, sure "no diff"; False only means "look closer": field_changes() forgives spacing
    and e-mail case.
    """
    theirs = stakeholder_values(stakeholder, policy)
    return mine == theirs or all(m is None or m == t for m, t in zip(mine, theirs))


def group_change(stakeholder: Stakeholder, implied: str | None, terminated: bool,
                 policy: SyncPolicy) -> tuple[FieldChange | None, bool]:
    """(group change, is it a leaver): leavers move to the ex-employee group, rehires back.

    `implied` is the group the HR record speaks for (see proposal.implied_group).
    """
    current = stakeholder.group
    if not policy.manages(current):
        return None, False  # an investor's or advisor's row keeps its group, whatever HR says
    if terminated:
        wanted = policy.termination_policy is TerminationPolicy.PROPOSE_GROUP
        if wanted and current != policy.ex_employee_group:
            return FieldChange(as_text(current), policy.ex_employee_group), True
        return None, False
    # Only an *active* employee is a rehire; onboarding or unknown says nothing yet.
    if implied == policy.employee_group and current == policy.ex_employee_group:
        return FieldChange(current, policy.employee_group), False
    return None, False


def matched_item(*, remote_id: str, employee_name: str, proposed: Mapping[str, str], terminated: bool,
                 termination_date: dt.date | None, stakeholder: Stakeholder,
                 policy: SyncPolicy, mine: tuple | None = None) -> ChangeItem | None:
    """The leaver, update or link item for a match; None when the pair is linked and in step.

    `termination_date` is set only for terminated employees whose HR record gives one (and then carried
    by every item).
    A plain dict `proposed` is taken over by the item, not copied. `mine`: the HR values `proposed` was
    made from, when known (see field_changes).
    """
    changes = field_changes(stakeholder, proposed, policy, mine)
    group, leaver = group_change(stakeholder, proposed.get(GROUP), terminated, policy)
    if group is not None:
        changes[GROUP] = group
    linked = (stakeholder.hr_provider == policy.provider and stakeholder.hr_remote_id == remote_id)
    if leaver:
        kind, reason = _LEAVER, _TERMINATED
    elif changes:
        kind, reason = _UPDATE, None
    elif not linked:
        kind, reason = _LINK, None
    else:
        return None
    return change_item(kind, remote_id, employee_name, stakeholder.id, reason, _ordered(changes),
                       _read_only(proposed), (), termination_date)


def _ordered(changes: dict[str, FieldChange]) -> Mapping[str, FieldChange]:
    # Built in owned-field order with the group last; only a name change needs moving up front.
    if not changes:
        return NO_FIELDS  # shared by the many link items
    if NAME in changes:
        changes = {name: changes[name] for name in SYNCED_FIELDS if name in changes}
    return MappingProxyType(changes)


def _read_only(proposed: Mapping[str, str]) -> Mapping[str, str]:
    if isinstance(proposed, MappingProxyType):
        return proposed
    return MappingProxyType(proposed if proposed.__class__ is dict else dict(proposed))
