"""What the console's list pages share: a filter read from the query string, and the links to the next page."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

from flask import request, url_for

E = TypeVar("E", bound=Enum)

PAGE_SIZE = 25


def choice(name: str, enum: type[E]) -> E | None:
    """The query's `name` as one of `enum`'s values; None (no filter) for anything else."""
    value = request.args.get(name, "")
    return next((member for member in enum if member.value == value), None)


def number(name: str) -> int | None:
    """The query's `name` as a positive id; None (no filter) for anything else."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) < 2 ** 31 else None


def pages(endpoint: str, next_cursor: str | None, **filters) -> dict:
    """The links of a paged list: to its first page (when this one is not) and to the next, filters kept."""
    kept = {name: value for name, value in filters.items() if value not in (None, "")}
    return {"first": url_for(endpoint, **kept) if request.args.get("cursor") else None,
            "next": url_for(endpoint, cursor=next_cursor, **kept) if next_cursor else None}
