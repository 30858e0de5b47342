"""Name formats and name normalisation: how people's names are shown and compared."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import lru_cache
from itertools import product

from nameparser import HumanName
from nameparser.config import CONSTANTS
from unidecode import unidecode

from domain.errors import InvalidNameFormat


class NameFormat(StrEnum):
    FIRST_LAST = "first_last"
    LAST_FIRST = "last_first"
    LAST_COMMA_FIRST = "last_comma_first"


# Members read in per-employee code, held here: in Python 3.11 every `Enum.MEMBER` goes through EnumType's
# __getattr__ hook, several times slower than a global.
_LAST_FIRST, _LAST_COMMA_FIRST = NameFormat.LAST_FIRST, NameFormat.LAST_COMMA_FIRST

# Apostrophes vanish without a space, so "O'Brien" = "OBrien" (but "O Brien" stays two tokens).
# The backtick is what unidecode makes of the Arabic ayn.
_APOSTROPHES = re.compile(r"['`\u00b4\u2018\u2019\u02bc]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Only an umlaut spelling stands for its umlaut: "Müller" is "Muller" or "Mueller", but the plain
# ASCII "Mueller" is never folded (else "Chloe" = "Chlo", "Samuel" = "Samul"). Each umlaut gives its
# spelled-out form besides the plain vowel unidecode makes of it (Danish and Norwegian ø and å too).
_UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ø": "oe", "Ø": "Oe",
            "å": "aa", "Å": "Aa"}
_HAS_UMLAUT = re.compile("[äöüÄÖÜøØåÅ]")
# Beyond this many umlauts in one name only the all-plain and all-spelled-out forms are kept.
_MAX_UMLAUT_COMBINATIONS = 3
# Words nameparser knows as titles (Dr., Prof., Sir). Many titles are surnames too (Graf, Ritter, King,
# Bishop), so a title is dropped only when it is written as an abbreviation: with its period ("Dr.",
# "Dipl.-Ing.") or without a vowel ("Dr", "Mr", "Mrs"), which no name is; nameparser decides which words
# are in title position ("Graf Anna Maria" keeps its surname shown first).
_TITLES = frozenset(CONSTANTS.titles)
_VOWELS = frozenset("aeiouy")
# nameparser's suffixes: its acronyms are degrees (PhD, MBA), dropped like titles; the others are generational
# (Jr., Sr., II, III, IV, Junior), which tell a father from his son: they stay part of the name, so that "Karl
# Huber Sr." never equals "Karl Huber Jr." (a single letter stays too: "V" may be an initial).
_DEGREES = frozenset(CONSTANTS.suffix_acronyms) - frozenset(CONSTANTS.suffix_not_acronyms)
GENERATIONS = frozenset(word for word in CONSTANTS.suffix_not_acronyms if len(word) >= 2)
# The generational suffixes a name key's words can hold (keys are ASCII but for Han characters, spaced once).
_ASCII_GENERATIONS = frozenset(word for word in GENERATIONS if word.isascii())
# Han characters (Chinese hanzi, Japanese kanji, Korean hanja): many share one transliteration (王 and 汪 are
# both "wang"), so a name written in them is compared character by character, never by its pinyin.
_HAN = re.compile("([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f])")
_NON_ALNUM_HAN = re.compile("[^a-z0-9\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
# Unicode's format characters (zero-width space and joiners, soft hyphen, bidi marks, BOM) are invisible
# in every form and HR exports carry them; NFKC turns no-break and other wide spaces into plain ones.
_FORMAT = "Cf"
# A character beyond the first plane (a regex scan is cheaper than max() over the characters).
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

# Name parts repeat a lot (first names, family names), so their forms are cached; only short
# texts, so that hostile 10k-character names cannot fill the memory of a long-running worker.
_CACHED_LENGTH = 64


def visible_text(text: str) -> str:
    """The text as compared: NFKC (so no-break and wide spaces are plain ones, and a letter with a combining
    mark is one precomposed letter) and without invisible characters (zero-width space and joiners, soft hyphen,
    bidi marks, BOM). Applied before anything else."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    table, pattern = _invisible()
    removed = False
    if pattern.search(text):  # most accented text has nothing to delete: a scan, not a lookup per character
        text, removed = text.translate(table), True
    if _ASTRAL.search(text):  # beyond the first plane (emoji, rare scripts): asked character by character
        text, removed = "".join(char for char in text if unicodedata.category(char) != _FORMAT), True
    # A letter and its combining mark ("u" + U+0308) may only meet once the invisible character between them is
    # gone: composed again, so that the umlaut forms below see one "ü" either way.
    return unicodedata.normalize("NFC", text) if removed else text


def without_invisible(text: str) -> str:
    """The text without the first plane's invisible characters, odd spaces made plain; nothing else changes
    (for values written to the registry, where NFKC would turn "½" into "1⁄2")."""
    if text.isascii():
        return text
    table, pattern = _invisible()
    return text.translate(table) if pattern.search(text) else text


@lru_cache(maxsize=1)
def _invisible() -> tuple[dict[int, str | None], re.Pattern[str]]:
    """A table deleting the first plane's format characters and making odd spaces plain, and a pattern
    finding them (read from Unicode once, ~5 ms)."""
    table: dict[int, str | None] = {code: None for code in range(0x10000)
                                    if unicodedata.category(chr(code)) == _FORMAT}
    table.update({code: " " for code in (0x00A0, 0x2007, 0x202F)})  # no-break spaces
    return table, re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(table)) + "]")


def normalise_name(text: str | None) -> str:
    """Comparison form of a name: visible, ASCII, lower case, tokens spaced once; umlauts as plain vowels.

    Emoji and other characters without a transliteration disappear; a name that is nothing but
    such characters normalises to "" (and an empty key never matches anything).
    """
    if not text:
        return ""
    return _normalise_cached(text) if len(text) <= _CACHED_LENGTH else _normalise(text)


@lru_cache(maxsize=1 << 16)
def _normalise_cached(text: str) -> str:
    return _normalise(text)


def _normalise(text: str, transliterate_han: bool = False) -> str:
    if text.isascii():
        return _NON_ALNUM.sub(" ", _APOSTROPHES.sub("", text.lower())).strip()
    visible = visible_text(text)
    if transliterate_han or not _HAN.search(visible):
        return _NON_ALNUM.sub(" ", _APOSTROPHES.sub("", unidecode(visible).lower())).strip()
    # Each Han character is a word of its own (a Chinese name is often written without spaces), kept as it is.
    pieces = _HAN.split(visible)
    spelled = " ".join(unidecode(piece) if at % 2 == 0 else piece for at, piece in enumerate(pieces))
    return _NON_ALNUM_HAN.sub(" ", _APOSTROPHES.sub("", spelled.lower())).strip()


def transliterated(text: str | None) -> str:
    """`normalise_name` with Han characters spelled in Latin letters too (王伟 → "wang wei"): never an equality
    (汪玮 spells the same), only for scoring names as close."""
    return _normalise(text, transliterate_han=True) if text else ""


def name_forms(text: str | None) -> tuple[str, ...]:
    """The comparison forms of a name: `normalise_name`'s first, then its umlauts spelled out (ü → ue)."""
    if not text:
        return ()
    return _forms_cached(text) if len(text) <= _CACHED_LENGTH else _forms(text)


@lru_cache(maxsize=1 << 16)
def _forms_cached(text: str) -> tuple[str, ...]:
    return _forms(text)


def _forms(text: str) -> tuple[str, ...]:
    plain = _normalise(text)
    if text.isascii():
        return (plain,) if plain else ()
    visible = visible_text(text)  # composed first: a decomposed "u" + U+0308 is an umlaut too
    if not _HAS_UMLAUT.search(visible):
        return (plain,) if plain else ()
    pieces, umlauts = _HAS_UMLAUT.split(visible), _HAS_UMLAUT.findall(visible)
    if len(umlauts) > _MAX_UMLAUT_COMBINATIONS:
        choices = [(False,) * len(umlauts), (True,) * len(umlauts)]
    else:
        choices = list(product((False, True), repeat=len(umlauts)))
    forms = [plain]
    for spelled in choices:
        joined = pieces[0] + "".join((_UMLAUTS[u] if e else u) + piece
                                     for u, e, piece in zip(umlauts, spelled, pieces[1:]))
        form = _normalise(joined)
        if form and form not in forms:
            forms.append(form)
    return tuple(forms) if plain else ()


def name_tokens(*parts: str | None) -> tuple[str, ...]:
    """The plain tokens of some name parts, sorted so that word order does not matter.

    Titles and degrees ("Dr.", "Prof.", "PhD") are left out when at least two other words remain. Han
    characters are spelled in Latin letters (these tokens score closeness, they never make names equal).
    """
    plain = _plain_tokens(parts, plain_form_only=True)
    tokens = tuple(plain) if plain is not None else next(iter(_token_forms(parts)), ())
    if tokens and not tokens[-1].isascii():  # Han characters (sorted after ASCII): their Latin spelling, to score
        return tuple(sorted(transliterated(" ".join(part for part in parts if part)).split()))
    return tokens


def name_keys(*parts: str | None) -> tuple[str, ...]:
    """Order-insensitive keys of a name: the plain one first, then its umlauts spelled out.

    Two names are the same when they share a key: "Müller, Anna" = "Anna Mueller" = "anna  muller",
    while "Mueller" ≠ "Muller" (plain ASCII is never folded).
    """
    plain = _plain_tokens(parts)
    if plain is not None:
        return (" ".join(plain),) if plain else ()
    return tuple(" ".join(tokens) for tokens in _token_forms(parts))


def has_generation(key: str) -> bool:
    """Whether a name key has a generational suffix among its words ("huber jr karl")."""
    return not _ASCII_GENERATIONS.isdisjoint(key.split(" "))


def without_generation(key: str) -> str | None:
    """A name key without its generational suffixes ("huber jr karl" → "huber karl"); None when it has none."""
    if _ASCII_GENERATIONS.isdisjoint(key.split(" ")):
        return None
    return " ".join(word for word in key.split() if word not in GENERATIONS)


def generations(key: str | None) -> frozenset[str]:
    """The generational suffixes among a name key's words ("huber jr karl" → {"jr"})."""
    if not key or _ASCII_GENERATIONS.isdisjoint(key.split(" ")):
        return frozenset()
    return frozenset(word for word in key.split() if word in GENERATIONS)


def name_key(first: str | None, last: str | None) -> str:
    """The plain key of a name ("" for none): "Müller, Anna" = "anna  müller"."""
    plain = _plain_tokens((first, last), plain_form_only=True)
    if plain is not None:
        return " ".join(plain)
    forms = _token_forms((first, last))
    return " ".join(forms[0]) if forms else ""


def stakeholder_name_keys(name: str | None, first: str | None, last: str | None) -> tuple[str, ...]:
    """A stakeholder's keys: from first and last name when both are set, else from its display name."""
    if first and last and first.strip() and last.strip():  # _present, inlined: this runs for every unlinked row
        return name_keys(first, last)
    return name_keys(name)


def stakeholder_name_key(name: str | None, first: str | None, last: str | None) -> str:
    keys = stakeholder_name_keys(name, first, last)
    return keys[0] if keys else ""


# Beyond this many words a name is not parsed for titles (a hostile wall of words stays linear).
_MAX_PARSED_WORDS = 8
# At most this many umlaut spellings of one whole name are compared.
_MAX_FORMS = 8


def _plain_tokens(parts: tuple[str | None, ...], plain_form_only: bool = False) -> list[str] | None:
    """The sorted plain words of a name without titles or suffixes to drop (nearly every name), else None.

    None too when a part has other forms (umlauts spelled out), unless only the plain form is wanted.
    The fast path of name_keys, name_key and name_tokens: it runs for every name of every sync.
    """
    plain: list[str] = []
    suffixed = False
    for part in parts:
        if part:
            words, several, titled, suffixed = (_part_info(part) if len(part) <= _CACHED_LENGTH
                                                else _part_info.__wrapped__(part))
            if titled or (several and not plain_form_only):
                return None
            plain += words
    if suffixed:  # the name's last word
        return None
    plain.sort()
    return plain


@lru_cache(maxsize=1 << 16)
def _part_info(part: str) -> tuple[tuple[str, ...], bool, bool, bool]:
    """A part's plain words, whether it has other forms, whether it holds a title nameparser may drop
    (one written with its period), and whether its last word is a suffix it may drop."""
    forms = _forms(part)
    words = tuple(forms[0].split()) if forms else ()
    titled = any(_abbreviated_title(word) for word in part.lower().split()) or (
        "." in part and not _TITLES.isdisjoint(words))
    suffixed = bool(words) and len(words[-1]) >= 2 and words[-1] in _DEGREES
    return words, len(forms) > 1, titled, suffixed


def _abbreviated_title(word: str) -> bool:
    """A title nameparser knows, written as an abbreviation: "dipl.-ing.", "dr.", "dr", "mrs" (not "graf")."""
    if "." in word:
        return word in _TITLES or word.rstrip(".") in _TITLES
    return word in _TITLES and _VOWELS.isdisjoint(word)


def _token_forms(parts: tuple[str | None, ...]) -> tuple[tuple[str, ...], ...]:
    """The sorted tokens of each form of a name (its umlauts plain or spelled out), the plain form first.

    Only names `_plain_tokens` cannot answer come here (umlauts, titles): ~7 µs a name, and the same name is
    asked for its stakeholder while indexing and again for its employee, so short names are cached whole.
    """
    if all(len(part) <= _CACHED_LENGTH for part in parts if part):
        return _token_forms_cached(parts)
    return _token_forms_of(parts)


@lru_cache(maxsize=1 << 16)
def _token_forms_cached(parts: tuple[str | None, ...]) -> tuple[tuple[str, ...], ...]:
    return _token_forms_of(parts)


def _token_forms_of(parts: tuple[str | None, ...]) -> tuple[tuple[str, ...], ...]:
    per_part = [forms for forms in map(_part_forms, filter(None, parts)) if forms]
    if not per_part:
        return ()
    if len(per_part) == 1:  # the common shapes, without the general combination below
        plain = list(per_part[0][0])
    else:
        plain = [token for forms in per_part for token in forms[0]]
    infos = [_part_info(part) if len(part) <= _CACHED_LENGTH else _part_info.__wrapped__(part)
             for part in parts if part]
    if len(plain) <= _MAX_PARSED_WORDS and (infos[-1][3] or any(info[2] for info in infos)):
        untitled = _without_titles(" ".join(part for part in parts if part))
        if untitled is not None:
            per_part = [forms for forms in map(_part_forms, untitled) if forms]
            plain = [token for forms in per_part for token in forms[0]]
    if all(len(forms) == 1 for forms in per_part):
        plain.sort()
        return (tuple(plain),)
    combinations = 1
    for forms in per_part:
        combinations *= len(forms)
    chosen = (product(*per_part) if combinations <= _MAX_FORMS
              else [tuple(f[0] for f in per_part), tuple(f[-1] for f in per_part)])
    found: list[tuple[str, ...]] = []
    for choice in chosen:
        tokens = tuple(sorted(token for form in choice for token in form))
        if tokens not in found:
            found.append(tokens)
    return tuple(found)


def _part_forms(part: str) -> tuple[tuple[str, ...], ...]:
    """The forms of one name part, each as its words (cached with the forms for short parts)."""
    if len(part) <= _CACHED_LENGTH:
        return _part_forms_cached(part)
    return tuple(tuple(form.split()) for form in _forms(part))


@lru_cache(maxsize=1 << 16)
def _part_forms_cached(part: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(form.split()) for form in _forms(part))


def _without_titles(text: str) -> tuple[str, ...] | None:
    """The name's parts without the titles and degrees nameparser finds, or None to keep it whole.

    Only a title written as an abbreviation goes ("Dr.", "Prof.", "Dr", "Mr"; "Graf" may be a surname shown
    first), and a degree ("PhD", "MBA"); a generational suffix ("Jr.", "III") stays. What is left must still
    be two words: "Mr. Smith" or "King Charles" stays as it is.
    """
    parsed = HumanName(visible_text(text))
    titles, suffixes = parsed.title.split(), parsed.suffix.replace(",", " ").split()
    kept_titles = [word for word in titles if not (word.endswith(".") or _abbreviated_title(word.lower()))]
    kept_suffixes = [word for word in suffixes if word.lower().replace(".", "") not in _DEGREES]
    if len(kept_titles) == len(titles) and len(kept_suffixes) == len(suffixes):
        return None
    names = tuple(part for part in (parsed.first, parsed.middle, parsed.last) if part)
    if len(normalise_name(" ".join(names)).split()) < 2:
        return None
    return (*kept_titles, *names, *kept_suffixes)


def format_name(first: str | None, last: str | None, fmt: NameFormat) -> str:
    """Display name in one of the formats; a missing part is left out (no dangling comma)."""
    # _clean, inlined: this runs for every item of a sync
    first_text, last_text = " ".join((first or "").split()), " ".join((last or "").split())
    if not (first_text and last_text):
        return first_text or last_text
    if fmt is _LAST_COMMA_FIRST:
        return f"{last_text}, {first_text}"
    if fmt is _LAST_FIRST:
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
    loose, comma = set(name_forms(name)), "," in (name or "")
    for fmt in NameFormat:
        if (fmt is NameFormat.LAST_COMMA_FIRST) == comma and loose.intersection(name_forms(format_name(first, last, fmt))):
            return fmt
    return None


def _present(text: str | None) -> bool:
    return bool(text and text.strip())


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _canonical(text: str | None) -> str:
    return " ".join(re.sub(r"\s*,\s*", ", ", text or "").split()).casefold()
