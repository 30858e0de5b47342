"""Field mappings checked before they are stored: known targets, no field used twice, names mapped."""

from __future__ import annotations

from typing import Collection, Iterable

from domain.employee import MAPPABLE_FIELDS
from domain.errors import InvalidMapping

# Without these no stakeholder can be named; everything else may stay unmapped.
REQUIRED_TARGETS: tuple[str, ...] = ("first_name", "last_name")
MAX_SOURCE_LENGTH = 200


class MappingRejected(InvalidMapping):
    """A mapping refused because of one field, which `field` names (the API reports it as such)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def check_mapping(pairs: Iterable[tuple[str, str]], known_sources: Collection[str] | None = None,
                  provider_label: str = "the HR system") -> dict[str, str]:
    """The mapping as source → target, or MappingRejected naming the first offending field.

    `known_sources` (the provider's field keys) is None when the caller cannot list them.
    """
    mapping: dict[str, str] = {}
    sources_of: dict[str, str] = {}
    for source, target in pairs:
        _check_pair(source, target)
        if source in mapping:
            raise MappingRejected(source, f"source field {source!r} is mapped twice")
        if target in sources_of:
            raise MappingRejected(target, f"{target} is mapped from both {sources_of[target]!r} and {source!r}")
        if known_sources is not None and source not in known_sources:
            raise MappingRejected(source, f"{provider_label} has no field {source!r} "
                                          "(list them with GET /api/v1/integration/fields)")
        mapping[source], sources_of[target] = target, source
    missing = [target for target in REQUIRED_TARGETS if target not in sources_of]
    if missing:
        raise MappingRejected(missing[0], f"{missing[0]} must be mapped from a source field")
    return mapping


def parse_pairs(texts: Iterable[str]) -> list[tuple[str, str]]:
    """`SRC=DST` arguments of the command line → pairs (the last `=` splits: keys may contain one)."""
    pairs = []
    for text in texts:
        source, sep, target = text.rpartition("=")
        if not sep or not source.strip() or not target.strip():
            raise MappingRejected(text, f"{text!r} is not SOURCE=TARGET")
        pairs.append((source.strip(), target.strip()))
    return pairs


def _check_pair(source: str, target: str) -> None:
    if not source or not source.strip() or len(source) > MAX_SOURCE_LENGTH:
        raise MappingRejected(source or "source", "a source field key must be 1 to 200 characters")
    if target not in MAPPABLE_FIELDS:
        raise MappingRejected(target, f"unknown target field {target!r} (known: {', '.join(MAPPABLE_FIELDS)})")
