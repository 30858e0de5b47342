"""Name formats and name normalisation: how people's names are shown and compared."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from unidecode import unidecode

from domain.errors import InvalidNameFormat


class NameFormat(StrEnum):
    FIRST_LAST = "first_last"
    LAST_FIRST = "last_first"
    LAST_COMMA_FIRST = "last_comma_first"


# Apostrophes vanish without a space, so "O'Brien" = "OBrien" (but "O Brien" stays two tokens).
# The backtick is what unidecode makes of the Arabic ayn.
_APOSTROPHES = re.compile(r"['`\u00b4\u2018\u2019\u02bc]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# German transliteration folds onto the plain vowel: "Mueller" = "Müller" = "Muller".
# "e+" keeps the fold idempotent ("uee" would otherwise leave a fresh "ue").
_DIGRAPH = re.compile(r"(?<=[aou])e+")


# Name parts repeat a lot (first names, family names), so their forms are cached; only short
# texts, so that hostile 10k-character names cannot fill the memory of a long-running worker.
_CACHED_LENGTH = 64


def normalise_name(text: str | None) -> str:
    """Comparison form of a name: ASCII, lower case, German digraphs folded, tokens spaced once.

    Emoji and other characters without a transliteration disappear; a name that is nothing but
    such characters normalises to "" (and an empty key never matches anything).
    """
    if not text:
        return ""
    return _normalise_cached(text) if len(text) <= _CACHED_LENGTH else _normalise(text)


@lru_cache(maxsize=1 << 16)
def _normalise_cached(text: str) -> str:
    return _normalise(text)


def _normalise(text: str) -> str:
    ascii_text = text if text.isascii() else unidecode(text)
    folded = _APOSTROPHES.sub("", ascii_text.lower())
    spaced = _NON_ALNUM.sub(" ", folded)
    return _DIGRAPH.sub("", spaced).strip()


def name_tokens(*parts: str | None) -> tuple[str, ...]:
    """The normalised tokens of some name parts, sorted so that word order does not matter."""
    tokens: list[str] = []
    for part in parts:
        if part:
            tokens += normalise_name(part).split()
    tokens.sort()
    return tuple(tokens)


def name_key(first: str | None, last: str | None) -> str:
    """Order-insensitive key: "Müller, Anna" = "Anna Mueller" = "anna  müller"."""
    return " ".join(name_tokens(first, last))


def stakeholder_name_key(name: str | None, first: str | None, last: str | None) -> str:
    """A stakeholder's key: from first and last name when both are set, else from its display name."""
    if _present(first) and _present(last):
        return name_key(first, last)
    return name_key(name, None)


def format_name(first: str | None, last: str | None, fmt: NameFormat) -> str:
    """Display name in one of the formats; a missing part is left out (no dangling comma)."""
    first_text, last_text = _clean(first), _clean(last)
    if not (first_text and last_text):
        return first_text or last_text
    if fmt is NameFormat.LAST_COMMA_FIRST:
        return f"{last_text}, {first_text}"
    if fmt is NameFormat.LAST_FIRST:
        return f"{last_text} {first_text}"
    return f"{first_text} {last_text}"


def parse_name_format(text: str | None) -> NameFormat:
    """The NameFormat a setting names ("first_last", "Last-First", …) or InvalidNameFormat."""
    wanted = (text or "").strip().lower().replace("-", "_")
    try:
        return NameFormat(wanted)
    except ValueError:
        allowed = ", ".join(fmt.value for fmt in NameFormat)
        raise InvalidNameFormat(f"unknown name format {text!r}; use one of: {allowed}") from None


def detect_format(name: str | None, first: str | None, last: str | None) -> NameFormat | None:
    """The format in which `name` shows `first` and `last`, if any.

    Spacing and case never matter; failing an exact reading, accents and spelling variants are
    forgiven too ("Mueller, Anna" shows Anna Müller as last_comma_first).
    """
    if not (_present(first) and _present(last)):
        return None
    shown = _canonical(name)
    for fmt in NameFormat:
        if _canonical(format_name(first, last, fmt)) == shown:
            return fmt
    loose, comma = normalise_name(name), "," in (name or "")
    for fmt in NameFormat:
        if (fmt is NameFormat.LAST_COMMA_FIRST) == comma and normalise_name(format_name(first, last, fmt)) == loose:
            return fmt
    return None


def _present(text: str | None) -> bool:
    return bool(text and text.strip())


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _canonical(text: str | None) -> str:
    return " ".join(re.sub(r"\s*,\s*", ", ", text or "").split()).casefold()
