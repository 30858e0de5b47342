"""Change items to table rows and back (fields as {field: {old, new}}, dates as dates)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping

from domain.changeset import ChangeItem, ChangeKind, FieldChange, Reason


def encode_item(item: ChangeItem, change_set_id: int, position: int,
                stakeholder_versions: Mapping[int, int]) -> dict[str, Any]:
    """The change_items row of one item; the version is the stakeholder's as matching saw it."""
    return {
        "change_set_id": change_set_id,
        "position": position,
        "kind": item.kind.value,
        "remote_id": item.remote_id,
        "stakeholder_id": item.stakeholder_id,
        "stakeholder_version": (None if item.stakeholder_id is None
                                else stakeholder_versions.get(item.stakeholder_id)),
        "reason": None if item.reason is None else item.reason.value,
        "fields": {name: {"old": change.old, "new": change.new} for name, change in item.fields.items()},
        "proposed": dict(item.proposed),
        "candidates": list(item.candidates),
        "employee_name": item.employee_name,
        "termination_date": item.termination_date,
        "resolution": None,
    }


def decode_item(row: Any) -> ChangeItem:
    """A ChangeItem from a row (anything with the change_items column attributes)."""
    return ChangeItem(
        kind=ChangeKind(row.kind),
        remote_id=row.remote_id,
        employee_name=row.employee_name,
        stakeholder_id=row.stakeholder_id,
        reason=None if row.reason is None else Reason(row.reason),
        fields=MappingProxyType({name: FieldChange(change.get("old"), change.get("new"))
                                 for name, change in (row.fields or {}).items()}),
        proposed=MappingProxyType(dict(row.proposed or {})),
        candidates=tuple(row.candidates or ()),
        termination_date=row.termination_date,
    )
