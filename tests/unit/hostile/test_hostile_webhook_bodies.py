"""Hostile deliveries to both webhook endpoints, signed correctly and incorrectly: an authentic but garbage body
is a 400, an unauthenticated one a 401, an oversized one a 413 — always in the error shape, never a 5xx, and
nothing is queued, deduplicated or stored."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from hostile_bodies import (INVALID_UTF8, ONE_MIB, assert_error_shape, deep_nesting, dumps, json_values, not_json,
                            scalars)
from providers.bamboohr_webhook import sign
from tests.unit.webhook_app.webhook_senders import (BAMBOOHR_SECRET, PERSONIO_TOKEN, bamboohr_body, configure,
                                                    personio_body)

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
OVER_THE_CAP = b'{"employees": "' + b"x" * ONE_MIB + b'"}'
# Latin-1 text without CR/LF: anything else cannot be put in an HTTP header by a client at all.
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=80)
not_an_id = st.one_of(st.booleans(), st.floats(allow_nan=False), st.lists(scalars, max_size=2),
                      st.dictionaries(st.text(max_size=3), scalars, max_size=2))
# BambooHR ids are 1 to 18 digits; Personio ids 1 to 64 of [A-Za-z0-9_-] (anything else would end up in a URL).
bad_bamboohr_ids = not_an_id | st.text(max_size=30).filter(lambda t: not t.strip().isdigit()) | st.integers(10**18)
bad_personio_ids = not_an_id | st.text(max_size=80).filter(
    lambda t: not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", t.strip()))


def bamboohr_garbage() -> st.SearchStrategy:
    """Bodies BambooHR never sends: not JSON, not UTF-8, deeply nested, not an event, or an event naming nobody."""
    event = st.builds(lambda data: dumps({"type": "employee.updated", "timestamp": "2026-01-01T00:00:00Z",
                                          "data": data}),
                      st.one_of(bad_bamboohr_ids.map(lambda bad: {"employeeId": bad}), st.lists(json_values, max_size=2),
                                scalars))
    field_based = st.one_of(st.just([]), scalars, st.lists(scalars, min_size=1, max_size=3),
                            st.lists(bad_bamboohr_ids.map(lambda bad: {"id": bad, "action": "Updated"}), min_size=1,
                                     max_size=3)).map(lambda employees: dumps({"employees": employees}))
    not_an_event = st.dictionaries(st.text(max_size=10).filter(lambda key: key not in ("type", "employees")),
                                   json_values, max_size=4).map(dumps) | st.lists(json_values, max_size=3).map(dumps)
    return st.one_of(not_json(), _non_utf8(bamboohr_body()), deep_nesting(), event, field_based, not_an_event)


def personio_garbage() -> st.SearchStrategy:
    """Bodies Personio never sends: not JSON, not UTF-8, deep, or an envelope with a missing or mistyped part."""
    valid = {"company_id": "118227", "event_name": "person.updated", "occurred_at": "2024-05-01T10:00:00Z",
             "payload": {"id": "32180425"}, "meta": {}}
    missing = st.sampled_from(["company_id", "event_name", "occurred_at", "payload"]).map(
        lambda key: dumps({k: v for k, v in valid.items() if k != key}))
    wrong = st.one_of(
        st.one_of(st.booleans(), st.floats(allow_nan=False), st.lists(scalars, max_size=2)).map(
            lambda bad: {**valid, "company_id": bad}),
        st.one_of(st.just(""), st.integers(), st.lists(scalars, max_size=2)).map(lambda bad: {**valid, "event_name": bad}),
        st.one_of(st.just(""), st.integers(), st.none()).map(lambda bad: {**valid, "occurred_at": bad}),
        st.one_of(scalars, st.lists(scalars, max_size=2)).map(lambda bad: {**valid, "payload": bad}),
        st.one_of(st.integers(), st.text(max_size=5), st.lists(scalars, max_size=2)).map(lambda bad: {**valid, "meta": bad}),
        bad_personio_ids.map(lambda bad: {**valid, "payload": {"id": bad}}),
    ).map(dumps)
    return st.one_of(not_json(), _non_utf8(personio_body()), deep_nesting(), missing, wrong,
                     st.lists(json_values, max_size=3).map(dumps))


def _non_utf8(body: bytes) -> st.SearchStrategy:
    return st.builds(lambda bad, at: body[:at] + bad + body[at:], st.sampled_from(INVALID_UTF8),
                     st.integers(0, len(body)))


def any_body() -> st.SearchStrategy:
    return st.one_of(bamboohr_garbage(), personio_garbage(), st.sampled_from([bamboohr_body(), personio_body()]),
                     st.binary(max_size=300))


@pytest.fixture
def deliver(client, target):
    def post(provider: str, body: bytes, headers: dict):
        return client.post(f"/webhooks/{provider}/{target.company_id}", data=body,
                           headers={"Content-Type": "application/json", **headers})
    return post


def _signed(body: bytes, secret: str = BAMBOOHR_SECRET, stamp: str | None = None) -> dict:
    stamp = str(int(time.time())) if stamp is None else stamp
    return {"X-BambooHR-Timestamp": stamp, "X-BambooHR-Signature": sign(secret, body, stamp)}


def _check(answer, status: int, before, snapshot, body: bytes) -> None:
    assert answer.status_code == status, (answer.status_code, answer.get_data()[:300], body[:150])
    assert_error_shape(answer)
    assert snapshot() == before, body[:150]


def test_signed_bamboohr_garbage_is_a_400_and_changes_nothing(deliver, snapshot):
    """Invariant: a correctly signed body that is not a BambooHR event is 400 malformed_webhook, never a 5xx."""
    before = snapshot()

    @FUZZ
    @example(b"[" * 100_000)
    @example(b'{"type": "employee.updated", "data": {"employeeId": "1\x00"}}')
    @example(bamboohr_body()[:-1] + b"\xff}")
    @given(bamboohr_garbage())
    def run(body):
        answer = deliver("bamboohr", body, _signed(body))
        _check(answer, 400, before, snapshot, body)
        assert answer.get_json()["error"]["code"] == "malformed_webhook"

    run()


def _missigned() -> st.SearchStrategy:
    """Header sets that do not authenticate the body: wrong key, other body, stale or garbage time, no headers."""
    now = str(int(time.time()))
    return st.one_of(
        st.just(lambda body: _signed(body, "an-other-secret-0123456789")),
        st.just(lambda body: _signed(body + b" ")),
        st.just(lambda body: _signed(body, stamp=str(int(time.time()) - 3 * 3600))),  # past the retry span
        st.just(lambda body: {}),
        st.builds(lambda stamp: lambda body: _signed(body, stamp=stamp), header_text.filter(str.strip)),
        st.builds(lambda signature: lambda body: {"X-BambooHR-Timestamp": now, "X-BambooHR-Signature": signature},
                  header_text),
    )


def test_mis_signed_bamboohr_deliveries_are_a_401_and_change_nothing(deliver, snapshot):
    """Invariant: whatever the body, a delivery whose signature or timestamp does not verify is 401 (none is
    parsed, none is queued); bodies over 1 MiB are 413 before anything else."""
    before = snapshot()

    @FUZZ
    @given(any_body(), _missigned())
    def run(body, headers_for):
        _check(deliver("bamboohr", body, headers_for(body)), 401, before, snapshot, body)

    run()
    _check(deliver("bamboohr", OVER_THE_CAP, _signed(OVER_THE_CAP)), 413, before, snapshot, OVER_THE_CAP)


def test_authenticated_personio_garbage_is_a_400_and_changes_nothing(deliver, services, target, snapshot):
    """Invariant: a delivery with the right Personio token whose body is not an envelope is 400, never a 5xx."""
    configure(services, target.company_id, "personio")
    before = snapshot()

    @FUZZ
    @example(b"[" * 100_000)
    @example(personio_body(person_id="1 OR 1=1"))
    @example(personio_body(person_id="../../v1/company"))
    @given(personio_garbage())
    def run(body):
        answer = deliver("personio", body, {"Authorization": PERSONIO_TOKEN})
        _check(answer, 400, before, snapshot, body)
        assert answer.get_json()["error"]["code"] == "malformed_webhook"

    run()


def test_unauthenticated_personio_deliveries_are_a_401_and_change_nothing(deliver, services, target, snapshot):
    """Invariant: without the exact token (absent, wrong, truncated, padded) any body is 401 and changes nothing."""
    configure(services, target.company_id, "personio")
    before = snapshot()
    near_misses = st.sampled_from([PERSONIO_TOKEN[:-1], PERSONIO_TOKEN + "x", PERSONIO_TOKEN.upper(),
                                   f"Basic {PERSONIO_TOKEN}", f"Bearer  {PERSONIO_TOKEN}", f" {PERSONIO_TOKEN}x"])

    @FUZZ
    @given(any_body(), st.one_of(st.none(), header_text, near_misses))
    def run(body, token):
        headers = {} if token is None else {"Authorization": token}
        _check(deliver("personio", body, headers), 401, before, snapshot, body)

    run()
    _check(deliver("personio", OVER_THE_CAP, {"Authorization": PERSONIO_TOKEN}), 413, before, snapshot, OVER_THE_CAP)
