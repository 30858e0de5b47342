"""Applying approved change items to stakeholder values: the reference the store mirrors in SQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from domain.changeset import ChangeItem, ChangeKind, FieldChange
from domain.decisions import DecisionKind, ReviewDecision
from domain.diff import matched_item
from domain.errors import IdentifierTaken, InvalidResolution
from domain.items import new_stakeholder_values
from domain.names import NameFormat, format_name
from domain.policy import SyncPolicy
from domain.proposal import GROUP, NAME, as_text
from domain.stakeholder import Stakeholder

# What an approver may answer to a review item, besides a candidate's stakeholder id.
CREATE, SKIP, NOT_SAME_PERSON = "create", "skip", "not_same_person"
Resolution = int | str


@dataclass(frozen=True, slots=True)
class Applied:
    """What became of one item: the kind applied (SKIP when nothing was written) and decisions to keep."""

    remote_id: str
    kind: ChangeKind
    stakeholder_id: int | None = None
    decisions: tuple[ReviewDecision, ...] = ()


def resolve_review(item: ChangeItem, stakeholder: Stakeholder, policy: SyncPolicy) -> ChangeItem:
    """The leaver, update or link a review item becomes once the approver picks `stakeholder`."""
    if stakeholder.id not in item.candidates:
        raise InvalidResolution(f"stakeholder {stakeholder.id} is not a candidate for employee {item.remote_id}")
    # A leaver's item carries its termination date when HR gave one, and always the ex-employee group it implies.
    terminated = item.termination_date is not None or item.proposed.get(GROUP) == policy.ex_employee_group
    resolved = matched_item(remote_id=item.remote_id, employee_name=item.employee_name,
                            proposed=item.proposed, terminated=terminated, termination_date=item.termination_date,
                            stakeholder=stakeholder, policy=policy)
    # Already linked and in step: still answer with a link, the approver's choice stands.
    return resolved or ChangeItem(kind=ChangeKind.LINK, remote_id=item.remote_id,
                                  employee_name=item.employee_name, stakeholder_id=stakeholder.id,
                                  proposed=item.proposed, termination_date=item.termination_date)


def apply_items(stakeholders: Iterable[Stakeholder], items: Sequence[ChangeItem], name_format: NameFormat,
                resolutions: Mapping[str, Resolution], next_id: int,
                policy: SyncPolicy) -> tuple[dict[int, Stakeholder], list[Applied]]:
    """Apply items in order; review items follow `resolutions` (keyed by remote id), else wait.

    Every write bumps `version` and sets the link to the employee. New stakeholders get ids from
    `next_id` on and a name in `name_format`. Returns the stakeholders by id and one result per item.
    """
    registry = _Registry(stakeholders)
    results: list[Applied] = []
    for item in items:
        if item.kind is ChangeKind.REVIEW:
            item, decisions = _resolved(item, resolutions.get(item.remote_id), registry.by_id, policy)
            if decisions:
                results.append(Applied(item.remote_id, ChangeKind.SKIP, None, decisions))
                continue
        if item.kind is ChangeKind.CREATE:
            written = _created(item, next_id, name_format, policy)
            next_id += 1
        elif item.kind in (ChangeKind.UPDATE, ChangeKind.LINK, ChangeKind.LEAVER):
            written = _updated(_existing(registry.by_id, item.stakeholder_id), item, policy)
        else:
            results.append(Applied(item.remote_id, ChangeKind.SKIP))
            continue
        registry.put(written)
        results.append(Applied(item.remote_id, item.kind, written.id))
    return dict(sorted(registry.by_id.items())), results


class _Registry:
    """Stakeholders by id with the registry's two uniqueness rules: identifier and link."""

    def __init__(self, stakeholders: Iterable[Stakeholder]) -> None:
        self.by_id = {s.id: s for s in stakeholders}
        self._identifiers = {_key(s): s.id for s in self.by_id.values() if _key(s)}
        self._links = {(s.hr_provider, s.hr_remote_id): s.id for s in self.by_id.values() if s.linked}

    def put(self, written: Stakeholder) -> None:
        identifier = _key(written)
        holder = self._identifiers.get(identifier) if identifier else None
        if holder is not None and holder != written.id:
            raise IdentifierTaken(f"stakeholder {holder} already has identifier {identifier!r}")
        link = (written.hr_provider, written.hr_remote_id)
        if self._links.get(link, written.id) != written.id:
            raise InvalidResolution(f"employee {written.hr_remote_id} is already linked to "
                                    f"stakeholder {self._links[link]}")
        previous = self.by_id.get(written.id)
        if previous is not None:
            _drop(self._identifiers, _key(previous), written.id)
            _drop(self._links, (previous.hr_provider, previous.hr_remote_id), written.id)
        if identifier:
            self._identifiers[identifier] = written.id
        self._links[link] = written.id
        self.by_id[written.id] = written


def _resolved(item: ChangeItem, choice: Resolution | None, registry: Mapping[int, Stakeholder],
              policy: SyncPolicy) -> tuple[ChangeItem, tuple[ReviewDecision, ...]]:
    """The item a review resolution stands for (SKIP when there is nothing to write)."""
    if choice is None or choice == SKIP:
        return dataclasses.replace(item, kind=ChangeKind.SKIP), ()
    if choice == NOT_SAME_PERSON:
        # None of the candidates is this person: later syncs must not propose them again.
        return item, tuple(ReviewDecision(DecisionKind.NOT_SAME_PERSON, item.remote_id, sid)
                           for sid in item.candidates)
    if choice == CREATE:
        values = new_stakeholder_values(item.proposed, policy)
        return dataclasses.replace(item, kind=ChangeKind.CREATE, fields=_as_changes(values)), ()
    return resolve_review(item, _existing(registry, _stakeholder_id(choice)), policy), ()


def _stakeholder_id(choice: Resolution) -> int:
    """An id as int or ASCII digits (never a bool, never "١٠" that int() would also read)."""
    if isinstance(choice, int) and not isinstance(choice, bool):
        return choice
    if isinstance(choice, str) and choice.isascii() and choice.isdigit():
        return int(choice)
    raise InvalidResolution(f"unknown resolution {choice!r}; use create, skip, not_same_person "
                            "or a candidate's stakeholder id")


def _as_changes(values: Mapping[str, str]) -> Mapping[str, FieldChange]:
    return {name: FieldChange(None, value) for name, value in values.items()}


def _existing(registry: Mapping[int, Stakeholder], stakeholder_id: int | None) -> Stakeholder:
    if stakeholder_id is None or stakeholder_id not in registry:
        raise InvalidResolution(f"stakeholder {stakeholder_id} does not exist")
    return registry[stakeholder_id]


def _created(item: ChangeItem, new_id: int, name_format: NameFormat, policy: SyncPolicy) -> Stakeholder:
    values = {name: change.new for name, change in item.fields.items()}
    first, last = values.get("first_name"), values.get("last_name")
    if first and last:
        values[NAME] = format_name(first, last, name_format)
    values.setdefault(NAME, item.employee_name)
    return Stakeholder(id=new_id, **_typed(values), hr_provider=policy.provider,
                       hr_remote_id=item.remote_id, version=1)


def _updated(stakeholder: Stakeholder, item: ChangeItem, policy: SyncPolicy) -> Stakeholder:
    values = {name: change.new for name, change in item.fields.items()}
    return dataclasses.replace(stakeholder, **_typed(values), hr_provider=policy.provider,
                               hr_remote_id=item.remote_id, version=stakeholder.version + 1)


def _typed(values: Mapping[str, str | None]) -> dict[str, object]:
    """Text values back to stakeholder attribute types (only the birth date is not text)."""
    typed: dict[str, object] = dict(values)
    if typed.get("birth_date"):
        typed["birth_date"] = dt.date.fromisoformat(str(typed["birth_date"]))
    return typed


def _key(stakeholder: Stakeholder) -> str | None:
    """Identifiers compare stripped, as matching compares them."""
    return as_text(stakeholder.unique_identifier)


def _drop(owners: dict, key: object, stakeholder_id: int) -> None:
    if owners.get(key) == stakeholder_id:
        del owners[key]
