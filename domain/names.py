"""Name formats and name normalisation (stub signatures; see domain helper task)."""

from __future__ import annotations

from enum import StrEnum


class NameFormat(StrEnum):
    FIRST_LAST = "first_last"
    LAST_FIRST = "last_first"
    LAST_COMMA_FIRST = "last_comma_first"
