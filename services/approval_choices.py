"""An approver's choices on the approve page, kept server-side: what a first import of 100,000 items is applied
from, without one form field per item.

Per checkable kind (create, update, link, leaver) a mode — every item selected, or none — and the items that are
the exception to it; per review item the answer given (a review is never decided in bulk). The choices live in
Redis per change set (and its items' digest: a merge that replaces items starts afresh) and per browser session
(`draft`), expire after a day unused, and carry a version that each change raises: the apply refuses choices
that changed since the page the approver submitted from was drawn (another tab, or choices lost).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from redis import Redis
from redis.exceptions import RedisError

from core.errors import ChoicesChanged, LockoutUnavailable
from core.namespace import key
from domain.apply import CREATE, SKIP
from domain.changeset import ChangeKind
from domain.names import NameFormat
from services.apply_selection import Selection

CHECKABLE = (ChangeKind.CREATE, ChangeKind.UPDATE, ChangeKind.LINK, ChangeKind.LEAVER)
TTL_SECONDS = 24 * 3600
MAX_ANSWER = 64


@dataclass(frozen=True, slots=True)
class Draft:
    """Where one approver's choices for one change set live."""

    redis: Redis = field(repr=False)
    namespace: str
    changeset_id: int
    digest: str
    session_id: str

    @property
    def base(self) -> str:
        return key(self.namespace, "approval-choices", self.changeset_id, self.digest, self.session_id)

    def exceptions_key(self, kind: ChangeKind) -> str:
        return f"{self.base}:except:{kind.value}"

    @property
    def meta_key(self) -> str:
        return f"{self.base}:meta"

    @property
    def answers_key(self) -> str:
        return f"{self.base}:answers"

    def keys(self) -> list[str]:
        return [self.meta_key, self.answers_key, *(self.exceptions_key(kind) for kind in CHECKABLE)]


@dataclass(frozen=True)
class Choices:
    """The choices as they stand: `all_selected[kind]` and how many exceptions; every review answer."""

    version: int = 0
    all_selected: Mapping[ChangeKind, bool] = field(default_factory=lambda: {kind: True for kind in CHECKABLE})
    exception_counts: Mapping[ChangeKind, int] = field(default_factory=dict)
    answers: Mapping[int, str] = field(default_factory=dict)
    name_format: NameFormat | None = None
    exceptions_on_page: frozenset[int] = frozenset()

    def selected(self, kind: ChangeKind, total: int) -> int:
        """How many of the kind's `total` items are selected."""
        exceptions = self.exception_counts.get(kind, 0)
        return total - exceptions if self.all_selected.get(kind, True) else exceptions

    def includes(self, kind: ChangeKind, item_id: int) -> bool:
        """Whether an item shown on the page (loaded with `load(..., page_ids)`) is selected."""
        return self.all_selected.get(kind, True) != (item_id in self.exceptions_on_page)

    def to_apply(self, totals: Mapping[str, int]) -> int:
        """What the apply writes: selected items, and reviews answered with a stakeholder or "create"."""
        selected = sum(self.selected(kind, totals.get(kind.value, 0)) for kind in CHECKABLE)
        return selected + sum(1 for answer in self.answers.values() if writes(answer))


def writes(answer: str) -> bool:
    """A review answer that writes to the registry: link to a candidate (its id) or create."""
    return answer == CREATE or (answer.isascii() and answer.isdigit())


def load(draft: Draft, page_ids: Mapping[ChangeKind, Iterable[int]] | None = None, *,
         tolerant: bool = False) -> Choices:
    """The choices, with which items shown on a page (`page_ids`: kind → ids) are exceptions. Redis down:
    LockoutUnavailable, or (`tolerant`, for a page that only shows them) the defaults at version 0 — an apply
    from that page is then refused."""
    shown = [(kind, list(ids)) for kind, ids in (page_ids or {}).items() if kind in CHECKABLE and ids]
    try:
        pipe = draft.redis.pipeline(transaction=True)
        pipe.hgetall(draft.meta_key)
        pipe.hgetall(draft.answers_key)
        for kind in CHECKABLE:
            pipe.scard(draft.exceptions_key(kind))
        for kind, ids in shown:
            pipe.smismember(draft.exceptions_key(kind), ids)
        meta, answers, *rest = pipe.execute()
    except RedisError:
        if tolerant:
            return Choices()
        raise LockoutUnavailable() from None
    counts, flags = rest[:len(CHECKABLE)], rest[len(CHECKABLE):]
    on_page = {item_id for (kind, ids), found in zip(shown, flags) for item_id, hit in zip(ids, found) if hit}
    meta = {_text(name): _text(value) for name, value in meta.items()}
    fmt = meta.get("name_format")
    return Choices(version=int(meta.get("version", 0)),
                   all_selected={kind: meta.get(f"mode:{kind.value}", "all") == "all" for kind in CHECKABLE},
                   exception_counts={kind: count for kind, count in zip(CHECKABLE, counts)},
                   answers={int(_text(item)): _text(answer) for item, answer in answers.items()},
                   name_format=NameFormat(fmt) if fmt in {f.value for f in NameFormat} else None,
                   exceptions_on_page=frozenset(on_page))


def record_page(draft: Draft, shown: Mapping[int, ChangeKind], included: Iterable[int],
                answers: Mapping[int, str], name_format: NameFormat | None = None) -> int:
    """What the approver chose for the items `shown` on one page (id → kind, checked against the change set):
    checkable ones are selected when in `included`; reviews take their answer ("skip" or none: left for later).
    Returns the version, raised only when a choice changed: sending the same page again changes nothing. (The
    name format is kept too, for the pages to come, but it is no choice about items: the apply takes the one its
    form sends.)"""
    included = set(included)
    modes = _modes(draft)
    reviews = [item_id for item_id, kind in shown.items() if kind is ChangeKind.REVIEW]
    try:
        before = dict(zip(reviews, draft.redis.hmget(draft.answers_key, reviews))) if reviews else {}
        pipe = draft.redis.pipeline(transaction=True)
        for item_id, kind in shown.items():
            if kind in CHECKABLE:
                exception = (item_id in included) != modes[kind]
                (pipe.sadd if exception else pipe.srem)(draft.exceptions_key(kind), item_id)
        changed_answers = False
        for item_id in reviews:
            answer = answers.get(item_id, SKIP)[:MAX_ANSWER]
            answer = None if answer == SKIP else answer
            if answer != (_text(before[item_id]) if before[item_id] is not None else None):
                changed_answers = True
                if answer is None:
                    pipe.hdel(draft.answers_key, item_id)
                else:
                    pipe.hset(draft.answers_key, item_id, answer)
        if name_format is not None:
            pipe.hset(draft.meta_key, "name_format", name_format.value)
        written = pipe.execute()
        changed = changed_answers or any(written[:sum(kind in CHECKABLE for kind in shown.values())])
        if not changed:
            return int(_text(draft.redis.hget(draft.meta_key, "version")) or 0)
        return _bump(draft, draft.redis.pipeline(transaction=True))
    except RedisError:
        raise LockoutUnavailable() from None


def select_kind(draft: Draft, kind: ChangeKind, selected: bool) -> int:
    """Select every item of a checkable kind, or none; returns the new version."""
    if kind not in CHECKABLE:
        raise ValueError(f"{kind.value} items are not selected in bulk")
    try:
        pipe = draft.redis.pipeline(transaction=True)
        pipe.hset(draft.meta_key, f"mode:{kind.value}", "all" if selected else "none")
        pipe.delete(draft.exceptions_key(kind))
        return _bump(draft, pipe)
    except RedisError:
        raise LockoutUnavailable() from None


def selection(draft: Draft, ids_by_kind: Mapping[ChangeKind, Iterable[int]]) -> tuple[Selection, int]:
    """The choices as the apply takes them (items left out, review answers), and their version."""
    choices = load(draft)
    try:
        pipe = draft.redis.pipeline(transaction=True)
        for kind in CHECKABLE:
            pipe.smembers(draft.exceptions_key(kind))
        members = pipe.execute()
    except RedisError:
        raise LockoutUnavailable() from None
    excluded: set[int] = set()
    for kind, found in zip(CHECKABLE, members):
        exceptions = {int(_text(item_id)) for item_id in found}
        kind_ids = set(ids_by_kind.get(kind, ()))
        excluded |= (exceptions & kind_ids) if choices.all_selected[kind] else (kind_ids - exceptions)
    return Selection(frozenset(excluded), dict(choices.answers)), choices.version


def check_version(draft: Draft, seen: int | None) -> None:
    """Refuse (ChoicesChanged) when the choices are no longer at the version the approver's page showed."""
    if seen is not None and seen != load(draft).version:
        raise ChoicesChanged()


def forget(draft: Draft) -> None:
    try:
        draft.redis.delete(*draft.keys())
    except RedisError:
        pass  # they expire on their own


def _modes(draft: Draft) -> dict[ChangeKind, bool]:
    try:
        meta = draft.redis.hmget(draft.meta_key, [f"mode:{kind.value}" for kind in CHECKABLE])
    except RedisError:
        raise LockoutUnavailable() from None
    return {kind: _text(mode) != "none" for kind, mode in zip(CHECKABLE, meta)}


def _bump(draft: Draft, pipe) -> int:
    pipe.hincrby(draft.meta_key, "version", 1)
    for name in draft.keys():
        pipe.expire(name, TTL_SECONDS)
    results = pipe.execute()
    return int(results[-1 - len(draft.keys())])


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value) if value is not None else ""
