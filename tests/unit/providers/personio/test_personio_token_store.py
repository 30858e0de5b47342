"""The Personio token store: cached for its lifetime, shared, rotated, renewed once per rejection."""

import threading

import pytest

from providers.personio_auth import EXPIRY_MARGIN, TokenStore, token_from_header


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class Issuer:
    """Hands out numbered tokens and counts the authentications."""

    def __init__(self, lifetime=86400.0, gate: threading.Event | None = None):
        self.calls = 0
        self.lifetime = lifetime
        self.gate = gate

    def __call__(self):
        if self.gate is not None:
            self.gate.wait(timeout=5)
        self.calls += 1
        return f"papi-{self.calls}", self.lifetime


def test_token_is_fetched_once_and_reused():
    issuer = Issuer()
    store = TokenStore(issuer, FakeClock())
    assert [store.current() for _ in range(5)] == ["papi-1"] * 5
    assert issuer.calls == 1


def test_token_is_renewed_shortly_before_it_expires():
    clock, issuer = FakeClock(), Issuer(lifetime=3600)
    store = TokenStore(issuer, clock)
    store.current()
    clock.now += 3600 - EXPIRY_MARGIN - 1
    assert store.current() == "papi-1"
    clock.now += 2
    assert store.current() == "papi-2"


def test_missing_lifetime_means_a_day():
    clock = FakeClock()
    store = TokenStore(lambda: ("papi-x", None), clock)
    store.current()
    clock.now += 23 * 3600
    assert store.current() == "papi-x"


def test_short_lifetime_is_not_renewed_on_every_call():
    clock, issuer = FakeClock(), Issuer(lifetime=30)
    store = TokenStore(issuer, clock)
    store.current()
    clock.now += 10
    assert store.current() == "papi-1"
    assert issuer.calls == 1


def test_echoed_token_replaces_the_one_used():
    store = TokenStore(Issuer(), FakeClock())
    used = store.current()
    store.offer(used, "papi-rotated")
    assert store.current() == "papi-rotated"


@pytest.mark.parametrize("echoed", [None, "", "papi-1"], ids=["missing", "empty", "same"])
def test_missing_or_same_echo_keeps_the_token(echoed):
    store = TokenStore(Issuer(), FakeClock())
    store.offer(store.current(), echoed)
    assert store.current() == "papi-1"


def test_late_echo_for_an_older_token_is_ignored():
    store = TokenStore(Issuer(), FakeClock())
    first = store.current()
    store.offer(first, "papi-second")
    store.offer(first, "papi-stale")  # a slower response to a request that also used the first token
    assert store.current() == "papi-second"


def test_renew_after_rejection_authenticates_again():
    issuer = Issuer()
    store = TokenStore(issuer, FakeClock())
    rejected = store.current()
    assert store.renew(rejected) == "papi-2"
    assert issuer.calls == 2


def test_renew_for_an_already_replaced_token_reuses_the_new_one():
    issuer = Issuer()
    store = TokenStore(issuer, FakeClock())
    old = store.current()
    store.renew(old)
    assert store.renew(old) == "papi-2"  # a second thread rejected with the same old token
    assert issuer.calls == 2


def test_concurrent_first_use_authenticates_once():
    gate = threading.Event()
    issuer = Issuer(gate=gate)
    store = TokenStore(issuer, FakeClock())
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(store.current())) for _ in range(8)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(timeout=5)
    assert seen == ["papi-1"] * 8
    assert issuer.calls == 1


def test_failed_authentication_leaves_no_token_and_propagates():
    def refuse():
        raise RuntimeError("refused")
    store = TokenStore(refuse, FakeClock())
    with pytest.raises(RuntimeError):
        store.current()
    assert store.peek() is None


def test_repr_never_shows_the_token():
    store = TokenStore(lambda: ("papi-very-secret", None), FakeClock())
    store.current()
    assert "papi-very-secret" not in repr(store)


@pytest.mark.parametrize("header, token", [
    ("Bearer papi-abc", "papi-abc"), ("bearer papi-abc", "papi-abc"), ("papi-abc", "papi-abc"),
    ("  Bearer   papi-abc ", "papi-abc"), ("", None), (None, None), ("Bearer ", None),
], ids=["bearer", "lowercase-scheme", "bare", "padded", "empty", "missing", "scheme-only"])
def test_token_from_response_header(header, token):
    assert token_from_header(header) == token
