"""A requests session with timeouts on every call and capped, jittered retries (urllib3 Retry)."""

from __future__ import annotations

import random
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from providers.base import ProviderSettings
from providers.errors import ProviderError, ProviderUnavailable
from providers.pacing import RESET_HEADER, seconds_until_reset

# Throttling, timeouts and server errors are worth another try; everything else is answered at once. 408 and 500
# too: Humaans' clients retry both (research/humaans.md §7, implication 13), BambooHR's reference says to retry a
# 500 (research/bamboohr.md §6), and neither Personio's nor HiBob's notes advise against it (they never retry
# 400/401/403, which stay answered at once).
RETRY_STATUSES = (408, 429, 500, 502, 503, 504)
# Personio asks for at least a second before retrying a 429 (research/personio.md §6, [D23]) and may send no
# Retry-After; urllib3's own backoff would retry the first one at once.
MIN_THROTTLED_WAIT = 1.0


class ThrottleAwareRetry(Retry):
    """urllib3's Retry, but a 429 answered without Retry-After waits until the window's `X-RateLimit-Reset` (HiBob's,
    an epoch time) or at least MIN_THROTTLED_WAIT, plus jitter."""

    def get_retry_after(self, response) -> float | None:
        seconds = super().get_retry_after(response)
        if seconds is None and response.status == 429:
            reset = seconds_until_reset(response.headers.get(RESET_HEADER), time.time())
            if reset is not None:
                jitter = random.random() * self.backoff_jitter if self.backoff_jitter else 0.0
                seconds = min(reset + jitter, self.retry_after_max)
        return seconds

    def get_backoff_time(self) -> float:
        backoff = super().get_backoff_time()
        if self.history and self.history[-1].status == 429:
            jitter = random.random() * self.backoff_jitter if self.backoff_jitter else 0.0
            return max(backoff, MIN_THROTTLED_WAIT + jitter)
        return backoff


class _TimeoutAdapter(HTTPAdapter):
    """Applies a default timeout so that no call can hang forever."""

    def __init__(self, timeout: float, **kwargs):
        self._timeout = timeout
        super().__init__(**kwargs)

    def send(self, request, **kwargs):
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        return super().send(request, **kwargs)


def make_retry(settings: ProviderSettings) -> Retry:
    return ThrottleAwareRetry(
        total=settings.max_retries,
        connect=settings.max_retries,
        read=2,
        status=settings.max_retries,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=None,  # every call we make is a read, POSTed reports and token requests included
        backoff_factor=settings.backoff_factor,
        backoff_jitter=settings.backoff_factor,
        backoff_max=60,
        respect_retry_after_header=True,
        # A long Retry-After would park a worker for hours (urllib3's default cap is 6 h): each wait
        # is capped at a minute; once the retries are spent the sync fails as transient and RQ's
        # retry ladder tries again later.
        retry_after_max=60,
        raise_on_status=False,
    )


class ObservedSession(requests.Session):
    """A session that tells `observer` how each call ended (the final status, or "error" when no answer came) and
    what urllib3 retried on the way (each retried status, or "error" for a failed connection or read)."""

    def __init__(self, observer) -> None:
        super().__init__()
        self._observer = observer

    def send(self, request, **kwargs):
        try:
            response = super().send(request, **kwargs)
        except requests.RequestException:
            self._observer("error", [])  # urllib3's MaxRetryError keeps no history of what it retried
            raise
        self._observer(str(response.status_code), _retried(response.raw))
        return response


def _retried(raw) -> list[str]:
    """What the urllib3 Retry of a response says was retried on the way to it."""
    retries = getattr(raw, "retries", None)
    history = getattr(retries, "history", None) or ()
    return [str(entry.status) if entry.status else "error" for entry in history]


def make_session(settings: ProviderSettings) -> requests.Session:
    session = ObservedSession(settings.observer) if settings.observer is not None else requests.Session()
    adapter = _TimeoutAdapter(settings.timeout, max_retries=make_retry(settings))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = "hrsync/0.1"
    return session


def answer_error(system: str, status: int, what: str, detail: str = "") -> ProviderError:
    """The error for a non-2xx answer other than a refusal, after the retries: transient (throttled, 5xx) or not."""
    if status in RETRY_STATUSES or status >= 500:
        return ProviderUnavailable(f"{system} is throttling or unavailable (HTTP {status} for {what}){detail}; "
                                   "try again later")
    return ProviderError(f"{system} answered {what} with HTTP {status}{detail}")
