"""Close-but-not-equal names: a blocking index plus a score, for review only (and to confirm identifiers).

Close means a typo (one in each word at most), a nickname from a curated dataset, initials for
names, particles written together or apart, a missing middle name, or another word order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

import re

import jellyfish
from anyascii import anyascii
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from domain.names import name_tokens
from domain.nicknames import relatives
from domain.stakeholder import Stakeholder

# Tokens a name contributes to blocking; beyond this a hostile 10k-character name would explode
# into millions of keys while adding nothing for real names.
_MAX_BLOCK_TOKENS = 8
# A nickname must be at least this long to count as a prefix of the full name ("Alex"/"Alexander").
_MIN_PREFIX = 3
# Words shorter than this take no typo: "Tom" and "Tim", "Li" and "Lu" are other names.
_MIN_TYPO_LENGTH = 4
# The score of two names with one typo in each of their words: close enough to offer.
_TYPO_SCORE = 88.0
# The score of two names that differ only in spacing ("Vanderbeek" / "Van der Beek").
_SPACING_SCORE = 98.0
# The score of a near miss offered for review only, never taken as a name confirming an identifier: words that
# sound alike (a phonetic key), initials written together ("JP"), a diminutive sharing the name's first four
# letters ("Kathi" / "Katharina"), a transliteration from another script. Just above the default threshold.
_LOOSE_SCORE = 86.0
# Diminutives beyond the English nickname dataset ("Kathi" / "Katharina"): at least this long a shared start.
_MIN_SHARED_START = 4
# Words sounding alike must be at most this many edits apart as well ("stefan" / "stephan": 2).
_MAX_SOUND_EDITS = 2
# Two romanisations of one word agree in their match rating codes and this much Jaro-Winkler likeness at least
# ("evgenii" / "yevgeny" 0.81, "iuliia" / "yulia" 0.82; "evgenii" / "ivan" 0.6).
_MIN_ROMANISED_LIKENESS = 0.8
# Initials written together ("JP", "HP"): at most this many letters.
_MAX_JOINED_INITIALS = 3

Tokens = tuple[str, ...]

# Letters of scripts other than Latin (Greek, Cyrillic, Armenian, Hebrew, Arabic, the Indic scripts, kana, CJK,
# Hangul...): names written in them are romanised by more than one convention ("Юлия": Iuliia, Yuliya, Yulia).
_OTHER_SCRIPT = re.compile("[\u0370-\u1dff\u2c00-\ua6ff\uac00-\ud7ff\uf900-\ufaff\uff66-\uffdc]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def transliterations(*names: Sequence[str | None]) -> tuple[Tokens, ...]:
    """For names written in another script: their sorted tokens as unidecode and as anyascii romanise them
    (anyascii follows the common conventions more often: "Yuliya", "Evgeniy"); () for Latin names."""
    found: list[Tokens] = []
    for parts in names:
        text = " ".join(part for part in parts if part)
        if text.isascii() or not _OTHER_SCRIPT.search(text):
            continue
        for tokens in (name_tokens(*parts), tuple(sorted(_NOT_WORD.sub(" ", anyascii(text).lower()).split()))):
            if tokens and tokens not in found:
                found.append(tokens)
    return tuple(found)


def name_variants(*names: Sequence[str | None]) -> tuple[Tokens, ...]:
    """Distinct non-empty sorted-token forms of some names, each given as its parts."""
    variants: list[Tokens] = []
    for parts in names:
        tokens = name_tokens(*parts)
        if tokens and tokens not in variants:
            variants.append(tokens)
    return tuple(variants)


def stakeholder_variants(stakeholder: Stakeholder, key: str | None = None) -> tuple[Tokens, ...]:
    """The name key's tokens and, unless it just shows first and last name, the display name's."""
    first, last, name = stakeholder.first_name, stakeholder.last_name, (stakeholder.name or "").strip()
    variants = [tuple(key.split())] if key else []
    if not (key and first and last and name in (f"{first} {last}", f"{last} {first}", f"{last}, {first}")):
        variants.extend(name_variants((name,)))
    return tuple(dict.fromkeys(variants))


def blocking_keys(tokens: Tokens) -> set[str]:
    """Two names share a key when they share one token and the initial of another.

    That catches a typo in any other token, a nickname prefix, initials, an extra middle name,
    particles written apart and any word order; a one-word name is keyed by its token alone.
    """
    capped = tokens[:_MAX_BLOCK_TOKENS]
    if len(capped) == 1:
        return {capped[0]}
    return {f"{a} {b[0]}" for i, a in enumerate(capped) for j, b in enumerate(capped) if i != j}


def similarity(a: Tokens, b: Tokens) -> float:
    """0-100, deliberately generous (it only ever proposes a review or confirms an identifier).

    The best of: sorted-token edit similarity (a typo, word order); token-set similarity when
    two or more words agree (missing or extra middle name); the edit similarity after expanding
    nickname prefixes, initials and dataset nicknames to the other name's word; the same words
    spaced differently; and one typo in every word.
    """
    joined_a, joined_b = " ".join(a), " ".join(b)
    score = fuzz.ratio(joined_a, joined_b)
    if score == 100:
        return score
    if len(a) > 1 and len(b) > 1 and len(set(a) & set(b)) >= 2:
        score = max(score, fuzz.token_set_ratio(joined_a, joined_b))
    if max(len(a), len(b)) > _MAX_BLOCK_TOKENS:
        return score  # nobody's nickname hides in a hostile wall of words; spare the quadratic scan
    expanded_a, expanded_b = _expand(a, b), _expand(b, a)
    if (expanded_a, expanded_b) != (a, b):
        score = max(score, fuzz.ratio(" ".join(expanded_a), " ".join(expanded_b)))
    nicknamed = _nicknamed(a, b)
    if nicknamed != a:
        score = max(score, fuzz.ratio(" ".join(nicknamed), joined_b))
    if score < _SPACING_SCORE and respaced(a, b):
        score = _SPACING_SCORE
    if score < _TYPO_SCORE and _typo_in_each_word(a, b):
        score = _TYPO_SCORE
    return score


def _expand(tokens: Tokens, other: Tokens) -> Tokens:
    """Each word replaced by the longer word of `other` it begins: a prefix ("alex") or an initial ("k").

    The alphabetically first such word, else the word itself; sorted. Plain loops, no helper per word:
    this runs twice for every scored pair of a sync.
    """
    expanded = None
    for at, token in enumerate(tokens):
        size = len(token)
        if 1 < size < _MIN_PREFIX:
            continue
        first = None
        for word in other:
            if len(word) > size and word.startswith(token) and (first is None or word < first):
                first = word
        if first is not None:
            if expanded is None:
                expanded = list(tokens)
            expanded[at] = first
    return tuple(sorted(tokens if expanded is None else expanded))


def _nicknamed(tokens: Tokens, other: Tokens) -> Tokens:
    """Each word `other` lacks replaced by a word of `other` the nickname dataset relates it to (sorted)."""
    words = set(other)
    renamed = None
    for at, token in enumerate(tokens):
        if token in words:
            continue
        related = words & relatives(token)
        if related:
            if renamed is None:
                renamed = list(tokens)
            renamed[at] = min(related)
    return tuple(sorted(tokens if renamed is None else renamed))


def respaced(a: Tokens, b: Tokens) -> bool:
    """The same letters in words spaced or joined differently: "vanderbeek" / "van der beek",
    "elamin" / "el amin", "annmarie" / "ann marie" (the words outside these agree)."""
    if len(a) == len(b):
        return False  # common words go in pairs, so what is left has equal lengths too
    rest_a, rest_b = list(a), list(b)
    for token in a:
        if token in rest_b:
            rest_a.remove(token)
            rest_b.remove(token)
    if not rest_a or not rest_b or len(rest_a) == len(rest_b):
        return False
    whole, pieces = (rest_a, rest_b) if len(rest_a) < len(rest_b) else (rest_b, rest_a)
    if "".join(sorted("".join(whole))) != "".join(sorted("".join(pieces))):
        return False  # not even the same letters: spare the search
    for word in sorted(whole, key=len, reverse=True):
        left = _spell(word, pieces)
        if left is None:
            return False
        pieces = left
    return not pieces


def _spell(word: str, pieces: list[str]) -> list[str] | None:
    """The pieces left after writing `word` as some of them joined in some order, or None."""
    if not word:
        return pieces
    for at, piece in enumerate(pieces):
        if word.startswith(piece):
            left = _spell(word[len(piece):], pieces[:at] + pieces[at + 1:])
            if left is not None:
                return left
    return None


def _typo_in_each_word(a: Tokens, b: Tokens) -> bool:
    """Same number of words, each paired with one at most one typo away ("jon smit" / "john smith").

    Words shorter than four letters must agree exactly, and at least one word must have a typo
    (else the names are equal and no near miss).
    """
    if len(a) != len(b) or len(a) < 2:
        return False
    left = list(b)
    for token in a:
        if token in left:  # the same word: its partner
            left.remove(token)
            continue
        for word in left:  # else the first word one typo away
            if min(len(word), len(token)) >= _MIN_TYPO_LENGTH and OSA.distance(token, word, score_cutoff=1) <= 1:
                left.remove(word)
                break
        else:
            return False
    return True


def loosely_similar(a: Tokens, b: Tokens, transliterated: bool = False) -> bool:
    """A near miss for review only (see _LOOSE_SCORE): every word of one name paired with a word of the other
    that is the same, one typo away, sounds the same, or (both ways) begins the same four letters; or initials
    written together for words of the other. `transliterated`: one side comes from another script, whose
    romanisations differ more ("Evgeniy" / "Yevgeny"), so the match rating approach pairs words too."""
    if max(len(a), len(b)) > _MAX_BLOCK_TOKENS:
        return False
    return _paired(a, b, transliterated) or _joined_initials(a, b) or _joined_initials(b, a)


def _paired(a: Tokens, b: Tokens, transliterated: bool) -> bool:
    if len(a) != len(b) or len(a) < 2:
        return False
    left = list(b)
    differ = 0
    for token in a:
        if token in left:
            left.remove(token)
            continue
        for word in left:
            if _alike(token, word, transliterated):
                left.remove(word)
                differ += 1
                break
        else:
            return False
    return differ > 0


def _alike(a: str, b: str, transliterated: bool) -> bool:
    """Two different words that may be one name: one typo, the same sound, a shared start of a diminutive."""
    if min(len(a), len(b)) < _MIN_TYPO_LENGTH:
        return False
    if OSA.distance(a, b, score_cutoff=1) <= 1 or a[:_MIN_SHARED_START] == b[:_MIN_SHARED_START]:
        return True
    if _sounds(a) & _sounds(b) and OSA.distance(a, b, score_cutoff=_MAX_SOUND_EDITS) <= _MAX_SOUND_EDITS:
        return True  # a phonetic key alone is coarse ("kristina" and "christian" share a NYSIIS key)
    # The match rating approach alone pairs too much ("evgenii" / "ivan"): the spellings must be close as well.
    return transliterated and bool(jellyfish.match_rating_comparison(a, b)) and (
        jellyfish.jaro_winkler_similarity(a, b) >= _MIN_ROMANISED_LIKENESS)


@lru_cache(maxsize=1 << 16)
def _sounds(word: str) -> frozenset[str]:
    """The word's phonetic keys (Metaphone, NYSIIS): "stefan" and "stephan", "kristina" and "christina" share one."""
    return frozenset(("m:" + jellyfish.metaphone(word), "n:" + jellyfish.nysiis(word)))


def _joined_initials(a: Tokens, b: Tokens) -> bool:
    """A word of `a` is the initials of two or more words of `b` written together ("jp" / "john pierpont"),
    and the other words agree."""
    rest_a, rest_b = list(a), list(b)
    for token in a:
        if token in rest_b:
            rest_a.remove(token)
            rest_b.remove(token)
    if len(rest_a) != 1 or not rest_b or len(rest_a[0]) != len(rest_b) or not 2 <= len(rest_b) <= _MAX_JOINED_INITIALS:
        return False
    return sorted(rest_a[0]) == sorted(word[0] for word in rest_b)


def best_similarity(mine: Iterable[Tokens], theirs: Iterable[Tokens]) -> float:
    """The best score between any variant of one name and any of the other (0 when either has none)."""
    theirs = tuple(theirs)
    return max((similarity(a, b) for a in mine for b in theirs), default=0.0)


@dataclass(frozen=True, slots=True)
class Scored:
    stakeholder: Stakeholder
    score: float


class FuzzyIndex:
    """Stakeholders by blocking key; a query scores only the stakeholders it shares a key with.

    A query also tries its words' dataset nicknames and the registry's words one typo away, so
    that "Ted Smith" finds "Edward Smith" and "Jon Smit" finds "John Smith" (no shared word).
    """

    def __init__(self, stakeholders: Iterable[Stakeholder], keys: Mapping[int, str]) -> None:
        """`keys`: the name key of each stakeholder that has one (see StakeholderIndex)."""
        self._variants: dict[int, tuple[Tokens, ...]] = {}
        self._stakeholders: dict[int, Stakeholder] = {}
        self._by_word: dict[str, list[int]] | None = None
        # Stakeholders named in another script: their romanisations, and the stakeholders by a romanised word.
        self._romanised: dict[int, tuple[Tokens, ...]] = {}
        self._romanised_by_word: dict[str, list[int]] = defaultdict(list)
        self._blocks: dict[str, list[Stakeholder]] = defaultdict(list)
        words: set[str] = set()
        for stakeholder in stakeholders:
            variants = stakeholder_variants(stakeholder, keys.get(stakeholder.id))
            self._variants[stakeholder.id] = variants
            self._stakeholders[stakeholder.id] = stakeholder
            name = stakeholder.name
            if name and not name.isascii() and _OTHER_SCRIPT.search(name):  # rare: registry names in other scripts
                romanised = transliterations((name,), (stakeholder.first_name, stakeholder.last_name))
                self._romanised[stakeholder.id] = romanised
                for word in {word for tokens in romanised for word in tokens[:_MAX_BLOCK_TOKENS]}:
                    self._romanised_by_word[word].append(stakeholder.id)
            block_keys = blocking_keys(variants[0]) if len(variants) == 1 else (
                set().union(*map(blocking_keys, variants)))
            for block in block_keys:
                self._blocks[block].append(stakeholder)
            for variant in variants:
                words.update(variant[:_MAX_BLOCK_TOKENS])
        self._typos = _TypoIndex(words)
        self._words = words
        self._by_sound: dict[str, list[str]] | None = None
        self._respellings: dict[str, set[str]] = {}  # word → its nicknames and near words, as asked
        self._scores: dict[tuple[Tokens, Tokens], float] = {}  # (query name, registry name) → similarity

    def similar(self, variants: Iterable[Tokens], threshold: float,
                transliterated: Iterable[Tokens] = ()) -> list[Scored]:
        """Stakeholders scoring at least `threshold` against any variant, best first, then by id.

        `transliterated`: other romanisations of a name written in another script ("Yuliya" for "Юлия"); the
        stakeholders sharing a word with one are scored loosely against it (a review, never a confirmation).
        """
        variants, transliterated = tuple(variants), tuple(transliterated)
        keys: set[str] = set()
        for variant in variants:
            keys |= blocking_keys(variant)
            keys |= self._respelled_keys(variant)
        seen: dict[int, Stakeholder] = {}
        for key in keys:
            for stakeholder in self._blocks.get(key, ()):
                seen[stakeholder.id] = stakeholder
        hits = []
        for stakeholder in seen.values():
            score = self._best(variants, self._variants[stakeholder.id])
            if score >= threshold:
                hits.append(Scored(stakeholder, score))
        if _LOOSE_SCORE >= threshold:
            found = {hit.stakeholder.id for hit in hits}
            if transliterated:
                for stakeholder in self._sharing_a_word(transliterated):
                    if stakeholder.id not in found and _romanised_alike(transliterated, self._variants[stakeholder.id]):
                        hits.append(Scored(stakeholder, _LOOSE_SCORE))
                        found.add(stakeholder.id)
            if self._romanised:  # the registry's names in other scripts against this one
                ids = {sid for tokens in variants for word in tokens[:_MAX_BLOCK_TOKENS]
                       for sid in self._romanised_by_word.get(word, ())}
                for sid in sorted(ids - found):
                    if _romanised_alike(variants, self._romanised[sid]):
                        hits.append(Scored(self._stakeholders[sid], _LOOSE_SCORE))
        return sorted(hits, key=lambda hit: (-hit.score, hit.stakeholder.id))

    def _best(self, mine: tuple[Tokens, ...], theirs: tuple[Tokens, ...]) -> float:
        """best_similarity, with the loose near misses (this index only offers reviews), each pair of names
        scored once per index: common names meet again and again (a full sync of 50k scores ~116k pairs, ~68k
        of them distinct)."""
        best = 0.0
        for a in mine:
            for b in theirs:
                score = self._scores.get((a, b))
                if score is None:
                    score = similarity(a, b)
                    if score < _LOOSE_SCORE and loosely_similar(a, b):
                        score = _LOOSE_SCORE  # this index only offers reviews: loose near misses count
                    self._scores[(a, b)] = score
                if score > best:
                    best = score
        return best

    def _sharing_a_word(self, names: tuple[Tokens, ...]) -> list[Stakeholder]:
        """The stakeholders with a word of these names (a word index built on first use: names from other
        scripts are rare, and their romanisations share too little with the registry's for the blocking keys)."""
        if self._by_word is None:
            self._by_word = defaultdict(list)
            for stakeholder_id, variants in self._variants.items():
                for word in {word for variant in variants for word in variant[:_MAX_BLOCK_TOKENS]}:
                    self._by_word[word].append(stakeholder_id)
        ids = {sid for name in names for word in name[:_MAX_BLOCK_TOKENS] for sid in self._by_word.get(word, ())}
        return [self._stakeholders[sid] for sid in sorted(ids)]

    def _respelled_keys(self, tokens: Tokens) -> set[str]:
        """Blocking keys with one word replaced by a nickname of it or a registry word one typo away."""
        capped = tokens[:_MAX_BLOCK_TOKENS]
        keys: set[str] = set()
        if len(capped) < 2:
            return keys
        for at, token in enumerate(capped):
            others = capped[:at] + capped[at + 1:]
            respelled = self._respellings.get(token)
            if respelled is None:  # first names and surnames recur across a sync's queries
                respelled = self._respellings[token] = (self._typos.near(token) | relatives(token)
                                                        | self._sound_alike(token))
            for word in respelled:  # plain loops: one or two other words, a generator each would cost more
                if word:
                    initial = word[0]
                    for other in others:
                        keys.add(f"{word} {other[0]}")
                        keys.add(f"{other} {initial}")
        return keys


    def _sound_alike(self, token: str) -> set[str]:
        """The registry's words with a phonetic key of this word ("christina" for "kristina"), indexed on first use."""
        if len(token) < _MIN_TYPO_LENGTH:
            return set()
        if self._by_sound is None:
            self._by_sound = defaultdict(list)
            by_sound, metaphone, nysiis = self._by_sound, jellyfish.metaphone, jellyfish.nysiis
            for word in self._words:  # _sounds, inlined and uncached: each registry word is met once here
                if len(word) >= _MIN_TYPO_LENGTH:
                    by_sound["m:" + metaphone(word)].append(word)
                    by_sound["n:" + nysiis(word)].append(word)
        return {word for key in _sounds(token) for word in self._by_sound.get(key, ()) if word != token}


def _romanised_alike(mine: Iterable[Tokens], theirs: Iterable[Tokens]) -> bool:
    theirs = tuple(theirs)
    return any(loosely_similar(a, b, transliterated=True) for a in mine for b in theirs)


class _TypoIndex:
    """The registry's words by their one-letter deletions: the words one typo away from a query word.

    Symmetric deletion: two words one substitution, insertion, deletion or swap apart share a
    deletion (or one is a deletion of the other). Kept to distinct words, a few per name.
    """

    def __init__(self, words: Iterable[str]) -> None:
        self._words = frozenset(word for word in words if len(word) >= _MIN_TYPO_LENGTH)
        self._by_deletion: dict[str, list[str]] = defaultdict(list)
        for word in self._words:
            for deleted in _deletions(word):
                self._by_deletion[deleted].append(word)

    def near(self, token: str) -> set[str]:
        if len(token) < _MIN_TYPO_LENGTH:
            return set()
        found = set(self._by_deletion.get(token, ()))
        for deleted in _deletions(token):
            if deleted in self._words:
                found.add(deleted)
            found.update(self._by_deletion.get(deleted, ()))
        found.discard(token)
        return found


def _deletions(word: str) -> set[str]:
    return {word[:at] + word[at + 1:] for at in range(len(word))}
