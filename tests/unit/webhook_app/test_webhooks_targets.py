"""The per-process cache of webhook targets: served while fresh, refreshed ahead in the background, bounded by TTL."""

from __future__ import annotations

import threading
import time

import pytest
from flask import session
from flask.sessions import NullSession

from services.webhook_targets import REFRESH_AFTER, TTL, Target, WebhookTargets

OLD, NEW = Target("bamboohr", "whsec-old-0123456789"), Target("bamboohr", "whsec-new-0123456789")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Loader:
    """The n-th read answers `answers[n]` (a Target, None for "left out", or an exception to raise); a read can
    be held to look slow. Reads one company (`one`) or several in one query (`many`)."""

    def __init__(self, *answers) -> None:
        self.answers, self.calls = answers, 0
        self.lock = threading.Lock()
        self.gates = [threading.Event() for _ in answers]  # gates[n] open: the n-th read returns
        for gate in self.gates:
            gate.set()
        self.entered = threading.Event()

    def hold(self, *reads: int) -> None:
        self.entered.clear()
        for read in reads:
            self.gates[read].clear()

    def _read(self):
        with self.lock:
            number = self.calls
            self.calls += 1
        self.entered.set()
        assert self.gates[number].wait(10), "test never released the loader"
        answer = self.answers[number]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def one(self, company_id: str, provider: str) -> Target:
        return self._read()

    def many(self, company_ids: list[str]) -> dict[str, Target]:
        self.asked = sorted(company_ids)
        answer = self._read()
        return {} if answer is None else {company_id: answer for company_id in company_ids}


def cache(loader: Loader, clock) -> WebhookTargets:
    return WebhookTargets(loader.one, loader.many, clock=clock)


def eventually(check, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        threading.Event().wait(0.01)


@pytest.fixture
def clock():
    return Clock()


def test_a_fresh_target_is_served_without_reading(clock):
    """Invariant: within REFRESH_AFTER a hit costs no read at all."""
    loader = Loader(OLD)
    targets = cache(loader, clock)
    assert targets.get("co_1") is None
    assert targets.load("co_1", "bamboohr") == OLD
    clock.now += REFRESH_AFTER - 0.1
    assert [targets.get("co_1") for _ in range(5)] == [OLD] * 5
    assert loader.calls == 1


def test_an_ageing_target_is_served_at_once_and_refreshed_once_in_the_background(clock):
    """Invariant: past REFRESH_AFTER no delivery waits for the database; one read replaces the entry."""
    loader = Loader(OLD, NEW)
    targets = cache(loader, clock)
    targets.load("co_1", "bamboohr")
    loader.hold(1)
    clock.now += REFRESH_AFTER
    assert targets.get("co_1") == OLD  # returned while the refresh is held
    assert loader.entered.wait(5)
    assert [targets.get("co_1") for _ in range(5)] == [OLD] * 5  # one refresh in flight, not six
    loader.gates[1].set()
    eventually(lambda: targets.get("co_1") == NEW)
    assert loader.calls == 2


def test_one_query_refreshes_every_entry_in_use_and_half_due(clock):
    """Invariant: the companies of a burst are re-read together; idle ones are left to expire at TTL."""
    loader = Loader(OLD, OLD, OLD, OLD, NEW)
    targets = cache(loader, clock)
    targets.load("co_old", "bamboohr")
    targets.load("co_idle", "bamboohr")
    clock.now += REFRESH_AFTER / 2
    targets.load("co_young", "bamboohr")
    clock.now += REFRESH_AFTER / 2
    targets.load("co_new", "bamboohr")
    assert targets.get("co_young") == targets.get("co_new") == OLD
    assert targets.get("co_old") == OLD  # due: starts the refresh
    eventually(lambda: loader.calls == 5 and targets.get("co_old") == NEW)
    assert loader.asked == ["co_old", "co_young"]  # co_new is too young, co_idle unused since its read
    assert targets.get("co_young") == NEW
    clock.now += TTL - REFRESH_AFTER
    assert targets.get("co_idle") is None and targets.get("co_old") == NEW


def test_a_target_past_its_ttl_is_not_served(clock):
    """Invariant: a rotated-away secret is honoured at most TTL after it was read."""
    targets = cache(Loader(OLD), clock)
    targets.load("co_1", "bamboohr")
    clock.now += TTL
    assert targets.get("co_1") is None


def test_a_refresh_that_is_refused_drops_the_entry(clock):
    """Invariant: once the database refuses (integration removed), the next delivery reads and is refused."""
    loader = Loader(OLD, None)
    targets = cache(loader, clock)
    targets.load("co_1", "bamboohr")
    clock.now += REFRESH_AFTER
    assert targets.get("co_1") == OLD
    eventually(lambda: loader.calls == 2 and targets.get("co_1") is None)


def test_a_refresh_that_fails_keeps_serving_until_ttl(clock):
    """Invariant: a database blip during a refresh changes nothing for deliveries before TTL."""
    loader = Loader(OLD, ConnectionError("database away"), NEW)
    targets = cache(loader, clock)
    targets.load("co_1", "bamboohr")
    clock.now += REFRESH_AFTER
    targets.get("co_1")
    eventually(lambda: loader.calls == 2)
    eventually(lambda: targets.get("co_1") == NEW)  # still served, so the next hit refreshes again
    assert loader.calls == 3


def test_an_older_read_never_replaces_a_newer_one(clock):
    """Invariant: a slow refresh that read before a rotation cannot bring the old secret back."""
    loader = Loader(OLD, OLD, NEW)
    targets = cache(loader, clock)
    targets.load("co_1", "bamboohr")
    loader.hold(1)
    clock.now += REFRESH_AFTER
    targets.get("co_1")
    assert loader.entered.wait(5)  # the refresh has read the old secret and is slow to return
    clock.now += 0.5
    assert targets.load("co_1", "bamboohr") == NEW  # a delivery's own read after the rotation
    loader.gates[1].set()
    eventually(lambda: not targets._refresh_queued)  # the slow refresh has finished
    assert targets.get("co_1") == NEW


def test_deliveries_open_no_cookie_session_while_other_routes_keep_theirs(app):
    """Invariant: only the webhook routes skip the session; pages with logins keep a signed cookie session."""
    with app.test_request_context("/webhooks/bamboohr/co_1", method="POST"):
        assert isinstance(session._get_current_object(), NullSession)
    with app.test_request_context("/healthz", method="GET"):
        assert not isinstance(session._get_current_object(), NullSession)
