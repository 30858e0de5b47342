"""Wire values as the providers read them: text from any JSON value, a company mapping with hrsync's rule fields,
the mapped values of a record."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from domain.employee import MAPPABLE_FIELDS

_EMPLOYEE_FIELDS = frozenset(MAPPABLE_FIELDS)


def plain_text(value: Any, object_keys: tuple[str, ...] = ("value", "name")) -> str | None:
    """Any JSON value as text: `null`, `""`, blanks and `[]` are empty (None); NUL is dropped (PostgreSQL text cannot
    hold it); lists are joined; an object is read from the first of `object_keys` it has."""
    if isinstance(value, str):
        return value.replace("\x00", "").strip() or None
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list):
        return ", ".join(t for t in (plain_text(item, object_keys) for item in value) if t) or None
    if isinstance(value, dict):
        key = next((k for k in object_keys if k in value), None)
        return None if key is None else plain_text(value[key], object_keys)
    return None


def with_rule_fields(mapping: Mapping[str, str], rule_fields: Mapping[str, str],
                     never_read: Collection[str] = ()) -> dict[str, str]:
    """The company mapping (less the keys never to read) plus the rule fields (target → source) it leaves
    untargeted: hrsync's rules (leavers, joiners) need them even when a company maps them away."""
    merged = {key: target for key, target in mapping.items() if key not in never_read}
    targets = set(merged.values())
    for target, source in rule_fields.items():
        if target not in targets and source not in merged:
            merged[source] = target
    return merged


def mapped_values(sources: Mapping[str, str], read: Callable[[str, str], Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(employee fields, extra values) of one record: per target, the first source whose `read(source, target)` is
    not None, in mapping order. `status` is left to the provider's leaver rules."""
    fields: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for source, target in sources.items():
        if target == "status" or fields.get(target) is not None:
            continue
        value = read(source, target)
        if value is not None:
            (fields if target in _EMPLOYEE_FIELDS else extra).setdefault(target, value)
    return fields, extra
