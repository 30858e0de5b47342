"""The labelled matching set (matching_set/): no wrong merge, the true pairs found, little review load."""

from __future__ import annotations

import pytest
from matching_set.cases import CASES
from matching_set.model import build
from matching_set.score import hrsync, reference, score

EMPLOYEES, STAKEHOLDERS, TRUTH = build(CASES)
TOGETHER = hrsync(EMPLOYEES, STAKEHOLDERS)
# The targets for hrsync.
MAX_REVIEW_SHARE = 0.05
MIN_FOUND_SHARE = 0.99
CLASSES = {"accents", "particles", "initials", "nicknames", "typos", "marriage", "name order", "namesakes",
           "unmanaged groups", "reused identifiers", "rehires", "invisible", "titles", "identifier formats",
           "middle names", "e-mail", "leavers", "plain", "new hire", "registry only"}


def test_the_set_is_large_and_covers_every_class():
    assert len(EMPLOYEES) >= 200 and len(STAKEHOLDERS) >= 150
    assert {one.klass for one in CASES} == CLASSES
    assert all(one.why.strip() for one in CASES)


def test_hrsync_never_merges_wrongly_and_finds_the_pairs():
    figures = score(TOGETHER, TRUTH)
    assert figures.wrong_merges == ()
    assert figures.found_share >= MIN_FOUND_SHARE, figures.missed_pairs
    assert figures.review_share <= MAX_REVIEW_SHARE, figures.reviewed_mergeable


def test_the_reference_rule_is_scored_the_same_way():
    """The comparison the report prints: the reference rule merges wrongly and misses pairs here."""
    figures = score(reference(EMPLOYEES, STAKEHOLDERS), TRUTH)
    assert len(figures.wrong_merges) > 0 and figures.found_share < MIN_FOUND_SHARE
    assert figures.reviewed_mergeable == ()  # it never reviews


@pytest.mark.parametrize("number", range(1, len(CASES) + 1))
def test_each_case_decides_alone_as_in_the_whole_set(number):
    """Cases do not lean on each other by accident (a shared name, number or e-mail between cases)."""
    alone = hrsync(*build([CASES[number - 1]], [number])[:2])
    assert {remote_id: TOGETHER[remote_id] for remote_id in alone} == alone, CASES[number - 1].why
