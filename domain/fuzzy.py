"""Close-but-not-equal names: a blocking index plus a rapidfuzz score, for review only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from rapidfuzz import fuzz

from domain.names import name_tokens
from domain.stakeholder import Stakeholder

# Tokens a name contributes to blocking; beyond this a hostile 10k-character name would explode
# into millions of keys while adding nothing for real names.
_MAX_BLOCK_TOKENS = 8
# A nickname must be at least this long to count as a prefix of the full name ("Alex"/"Alexander").
_MIN_PREFIX = 3

Tokens = tuple[str, ...]


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

    That catches a typo in any other token, a nickname prefix, an extra middle name and any word
    order; a one-word name is keyed by its token alone.
    """
    capped = tokens[:_MAX_BLOCK_TOKENS]
    if len(capped) == 1:
        return {capped[0]}
    return {f"{a} {b[0]}" for i, a in enumerate(capped) for j, b in enumerate(capped) if i != j}


def similarity(a: Tokens, b: Tokens) -> float:
    """0-100, deliberately generous (it only ever proposes a review).

    The best of: sorted-token edit similarity (typos, word order); token-set similarity when
    two or more words agree (missing or extra middle name); and the edit similarity after
    expanding nickname prefixes to the full word they begin.
    """
    score = fuzz.ratio(" ".join(a), " ".join(b))
    if len(set(a) & set(b)) >= 2:
        score = max(score, fuzz.token_set_ratio(" ".join(a), " ".join(b)))
    if max(len(a), len(b)) > _MAX_BLOCK_TOKENS:
        return score  # nobody's nickname hides in a hostile wall of words; spare the quadratic scan
    expanded_a, expanded_b = _expand(a, b), _expand(b, a)
    if (expanded_a, expanded_b) != (a, b):
        score = max(score, fuzz.ratio(" ".join(expanded_a), " ".join(expanded_b)))
    return score


def _expand(tokens: Tokens, other: Tokens) -> Tokens:
    def full(token: str) -> str:
        """The alphabetically first longer word of `other` that `token` begins, else `token`."""
        if len(token) < _MIN_PREFIX:
            return token
        first = None  # a loop, not sorted(...)[0]: this runs for every scored pair of a sync
        for word in other:
            if len(word) > len(token) and word.startswith(token) and (first is None or word < first):
                first = word
        return token if first is None else first

    return tuple(sorted(map(full, tokens)))


@dataclass(frozen=True, slots=True)
class Scored:
    stakeholder: Stakeholder
    score: float


class FuzzyIndex:
    """Stakeholders by blocking key; a query scores only the stakeholders it shares a key with."""

    def __init__(self, stakeholders: Iterable[Stakeholder], keys: Mapping[int, str]) -> None:
        """`keys`: the name key of each stakeholder that has one (see StakeholderIndex)."""
        self._variants: dict[int, tuple[Tokens, ...]] = {}
        self._blocks: dict[str, list[Stakeholder]] = defaultdict(list)
        for stakeholder in stakeholders:
            variants = stakeholder_variants(stakeholder, keys.get(stakeholder.id))
            self._variants[stakeholder.id] = variants
            block_keys = blocking_keys(variants[0]) if len(variants) == 1 else (
                set().union(*map(blocking_keys, variants)))
            for block in block_keys:
                self._blocks[block].append(stakeholder)

    def similar(self, variants: Iterable[Tokens], threshold: float) -> list[Scored]:
        """Stakeholders scoring at least `threshold` against any variant, best first, then by id."""
        variants = tuple(variants)
        keys = set().union(*map(blocking_keys, variants)) if variants else set()
        seen: dict[int, Stakeholder] = {}
        for key in keys:
            for stakeholder in self._blocks.get(key, ()):
                seen[stakeholder.id] = stakeholder
        scored = [Scored(s, self._score(variants, s.id)) for s in seen.values()]
        hits = [hit for hit in scored if hit.score >= threshold]
        return sorted(hits, key=lambda hit: (-hit.score, hit.stakeholder.id))

    def _score(self, variants: tuple[Tokens, ...], stakeholder_id: int) -> float:
        return max(similarity(mine, theirs)
                   for mine in variants for theirs in self._variants[stakeholder_id])
