"""The shared retry policy: how long a throttled or failing call waits before its next try."""

from __future__ import annotations

import pytest
from urllib3 import HTTPResponse
from urllib3.util import retry as urllib3_retry

from providers.base import ProviderSettings
from providers.errors import ProviderUnavailable
from providers.http import answer_error, make_retry

MIN_THROTTLED_WAIT = 1.0  # Personio: retry a 429 after at least a second (research/personio.md §6)


@pytest.fixture
def slept(monkeypatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr(urllib3_retry.time, "sleep", waits.append)
    return waits


def _after(status: int, headers: dict[str, str] | None = None, backoff: float = 0.5):
    response = HTTPResponse(status=status, headers=headers or {}, preload_content=False)
    retry = make_retry(ProviderSettings(base_url="https://api.personio.de", backoff_factor=backoff))
    return retry.increment(method="GET", url="/v1/company/employees", response=response), response


@pytest.mark.parametrize("backoff", [0.0, 0.01, 0.5])
def test_a_429_without_retry_after_waits_at_least_a_second(slept, backoff):
    """Personio may send no Retry-After and asks for at least a second; the first retry used to go at once."""
    retry, response = _after(429, backoff=backoff)

    retry.sleep(response)

    assert slept and slept[0] >= MIN_THROTTLED_WAIT


def test_retry_after_is_honoured_as_sent(slept):
    retry, response = _after(429, {"Retry-After": "3"})

    retry.sleep(response)

    assert slept == [3.0]


def test_a_gateway_error_keeps_the_ordinary_backoff(slept):
    retry, response = _after(502, backoff=0.0)

    retry.sleep(response)

    assert all(wait < MIN_THROTTLED_WAIT for wait in slept)


def test_a_429_without_retry_after_waits_until_the_window_resets(slept, monkeypatch):
    """HiBob sends X-RateLimit-Reset (epoch seconds) and no documented Retry-After: the retry waits for the reset."""
    monkeypatch.setattr("providers.http.time.time", lambda: 1_800_000_000.0)
    monkeypatch.setattr("providers.http.random.random", lambda: 0.0)
    retry, response = _after(429, {"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "0",
                                   "X-RateLimit-Reset": "1800000012"})

    retry.sleep(response)

    assert slept == [12.0]


def test_a_reset_far_away_is_capped_like_retry_after(slept, monkeypatch):
    monkeypatch.setattr("providers.http.time.time", lambda: 1_800_000_000.0)
    retry, response = _after(429, {"X-RateLimit-Reset": "1800000100"})

    retry.sleep(response)

    assert slept and slept[0] <= 60


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_timeouts_throttling_and_server_errors_are_retried_then_transient(status):
    """408 and 500 as well (research/humaans.md implication 13; bamboohr.md §6 retries a 500)."""
    retry = make_retry(ProviderSettings(base_url="https://app.humaans.io"))
    assert retry.is_retry("GET", status) and retry.is_retry("POST", status)
    assert isinstance(answer_error("Humaans", status, "GET /api/people"), ProviderUnavailable)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_refusals_and_bad_requests_are_never_retried(status):
    retry = make_retry(ProviderSettings(base_url="https://app.humaans.io"))
    assert not retry.is_retry("GET", status)
    assert not isinstance(answer_error("Humaans", status, "GET /api/people"), ProviderUnavailable)
