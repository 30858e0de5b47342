"""Prints the labelled matching set's figures for hrsync and for the reference product's rule.

Run from the repository root: `python -m tests.unit.domain.matching_set.report [--detail]`.
"""

from __future__ import annotations

import argparse
import sys

from .cases import CASES
from .model import build
from .score import Figures, classes, hrsync, reference, score


def _rows(figures: Figures) -> list[str]:
    return [str(len(figures.wrong_merges)), f"{figures.found_share:.1%}", f"{figures.review_share:.1%}",
            f"{len(figures.reviewed_apart)} of {figures.apart}"]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detail", action="store_true", help="list the employees behind each figure")
    args = parser.parse_args(argv)
    employees, stakeholders, truth = build(CASES)
    ours, theirs = score(hrsync(employees, stakeholders), truth), score(reference(employees, stakeholders), truth)
    print(f"labelled set: {len(CASES)} cases, {len(employees)} employees, {len(stakeholders)} stakeholders; "
          f"{ours.pairs} true pairs ({ours.mergeable} a careful person merges), {ours.apart} with no pair")
    labels = ["wrong auto-merges", "true pairs linked or offered for review",
              "true pairs left to review although a merge was right", "people with no pair offered for review"]
    print(f"{'':55} {'hrsync':>10} {'reference rule':>16}")
    for label, mine, other in zip(labels, _rows(ours), _rows(theirs)):
        print(f"{label:55} {mine:>10} {other:>16}")
    print("reference rule: the linked row, else the one row with the employee number, else the one row with "
          "exactly the name; it never reviews")
    for name, figures in (("hrsync", ours), ("reference rule", theirs)):
        print(f"{name}: wrong merges in {classes(truth, figures.wrong_merges)}; missed pairs in "
              f"{classes(truth, figures.missed_pairs)}; merge-worthy pairs reviewed in "
              f"{classes(truth, figures.reviewed_mergeable)}")
    if args.detail:
        for name, figures in (("hrsync", ours), ("reference rule", theirs)):
            for what, remote_ids in (("wrong merge", figures.wrong_merges), ("missed", figures.missed_pairs),
                                     ("reviewed though mergeable", figures.reviewed_mergeable)):
                for remote_id in remote_ids:
                    print(f"  {name}: {what}: case {truth[remote_id].case} ({truth[remote_id].klass}) "
                          f"employee {remote_id} — {CASES[truth[remote_id].case - 1].why}")


if __name__ == "__main__":
    main(sys.argv[1:])
