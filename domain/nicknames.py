"""Nicknames from a curated dataset (the `nicknames` package): Ted ~ Edward, Peggy ~ Margaret, Jack ~ John."""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from nicknames import NickNamer

_NONE: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def _table() -> dict[str, frozenset[str]]:
    """Name → the names it is a nickname of or has as a nickname (one step: "Bob" ~ "Robert", not ~ "Bill").

    Read once per process (a few milliseconds), and only when some employee needs a near miss.
    """
    related: dict[str, set[str]] = defaultdict(set)
    for canonical, nicknames in NickNamer().nickname_lookup.items():
        for nickname in nicknames:
            related[canonical].add(nickname)
            related[nickname].add(canonical)
    return {name: frozenset(names) for name, names in related.items()}


def relatives(name: str) -> frozenset[str]:
    """The names `name` (a normalised word) stands for or is stood for by, per the dataset."""
    return _table().get(name, _NONE)
