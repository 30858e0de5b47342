"""Scoring the labelled set: hrsync's matching and the reference product's rule against the labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from domain.changeset import ChangeKind
from domain.employee import MAPPABLE_FIELDS, Employee
from domain.matching import match
from domain.policy import SyncPolicy
from domain.stakeholder import Stakeholder

from .model import PROVIDER, Truth

POLICY = SyncPolicy(provider=PROVIDER, owned_fields=frozenset(MAPPABLE_FIELDS))
MERGED = {ChangeKind.UPDATE, ChangeKind.LINK, ChangeKind.LEAVER}


@dataclass(frozen=True)
class Outcome:
    """What a matcher did with one employee: merged into a stakeholder, reviewed with candidates, or neither."""

    merged: int | None = None
    reviewed: tuple[int, ...] | None = None


Matcher = Callable[[list[Employee], list[Stakeholder]], dict[str, Outcome]]


def hrsync(employees: list[Employee], stakeholders: list[Stakeholder]) -> dict[str, Outcome]:
    """hrsync's change set, read per employee (a linked employee in step has no item: it stays merged)."""
    linked = {s.hr_remote_id: s.id for s in stakeholders if s.hr_provider == PROVIDER}
    outcomes = {e.remote_id: Outcome(merged=linked.get(e.remote_id)) for e in employees}
    for item in match(employees, stakeholders, POLICY).items:
        if item.kind in MERGED:
            outcomes[item.remote_id] = Outcome(merged=item.stakeholder_id)
        elif item.kind is ChangeKind.REVIEW:
            outcomes[item.remote_id] = Outcome(reviewed=item.candidates)
        else:
            outcomes[item.remote_id] = Outcome()
    return outcomes


def _plain(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def reference(employees: list[Employee], stakeholders: list[Stakeholder]) -> dict[str, Outcome]:
    """The reference product's rule: the linked row, else the one row with the employee number, else the one
    unlinked row with exactly the name (case and spacing aside); otherwise a new row. It never reviews."""
    linked = {s.hr_remote_id: s.id for s in stakeholders if s.hr_provider == PROVIDER}
    by_number: dict[str, list[int]] = {}
    by_name: dict[str, list[int]] = {}
    for s in stakeholders:
        if s.unique_identifier and s.unique_identifier.strip():
            by_number.setdefault(s.unique_identifier.strip(), []).append(s.id)
        if s.hr_remote_id is None:
            names = {_plain(s.name), _plain(f"{s.first_name} {s.last_name}") if s.first_name else ""} - {""}
            for name in names:
                by_name.setdefault(name, []).append(s.id)
    outcomes = {}
    for e in employees:
        numbered = by_number.get((e.unique_identifier or "").strip(), [])
        named = by_name.get(_plain(f"{e.first_name} {e.last_name}"), [])
        if e.remote_id in linked:
            outcomes[e.remote_id] = Outcome(merged=linked[e.remote_id])
        elif len(numbered) == 1:
            outcomes[e.remote_id] = Outcome(merged=numbered[0])
        elif len(named) == 1:
            outcomes[e.remote_id] = Outcome(merged=named[0])
        else:
            outcomes[e.remote_id] = Outcome()
    return outcomes


@dataclass(frozen=True)
class Figures:
    """The issue's three figures and their detail: which employees (remote ids) count against each."""

    wrong_merges: tuple[str, ...]
    pairs: int
    missed_pairs: tuple[str, ...]
    mergeable: int
    reviewed_mergeable: tuple[str, ...]
    apart: int
    reviewed_apart: tuple[str, ...]

    @property
    def found_share(self) -> float:
        """True pairs linked or offered for review."""
        return 1 - len(self.missed_pairs) / self.pairs

    @property
    def review_share(self) -> float:
        """True pairs left to review although a merge was right."""
        return len(self.reviewed_mergeable) / self.mergeable


def score(outcomes: dict[str, Outcome], truth: dict[str, Truth]) -> Figures:
    wrong, missed, reviewed_mergeable, reviewed_apart = [], [], [], []
    for remote_id, label in sorted(truth.items()):
        got = outcomes[remote_id]
        if got.merged is not None and not (label.kind == "merge" and got.merged == label.stakeholder_id):
            wrong.append(remote_id)
        if label.kind in ("merge", "offer"):
            if got.merged != label.stakeholder_id and label.stakeholder_id not in (got.reviewed or ()):
                missed.append(remote_id)
        if label.kind == "merge" and got.reviewed is not None:
            reviewed_mergeable.append(remote_id)
        if label.kind == "apart" and got.reviewed is not None:
            reviewed_apart.append(remote_id)
    kinds = [label.kind for label in truth.values()]
    return Figures(tuple(wrong), sum(kind in ("merge", "offer") for kind in kinds), tuple(missed),
                   kinds.count("merge"), tuple(reviewed_mergeable), kinds.count("apart"), tuple(reviewed_apart))


def classes(truth: dict[str, Truth], remote_ids: Iterable[str]) -> str:
    """The cases' classes behind some employees, for the report ("typos ×2, rehires")."""
    counts: dict[str, int] = {}
    for remote_id in remote_ids:
        counts[truth[remote_id].klass] = counts.get(truth[remote_id].klass, 0) + 1
    return ", ".join(f"{klass} ×{n}" if n > 1 else klass for klass, n in sorted(counts.items())) or "-"
