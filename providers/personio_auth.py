"""Personio v1 bearer tokens: fetched once, shared by a sync's requests, replaced when Personio says so."""

from __future__ import annotations

import threading
import time
from typing import Callable

# Personio issues 24 h tokens today; when a response leaves the lifetime out we assume the same.
DEFAULT_LIFETIME = 24 * 3600.0
# Renew this long before the stated expiry so that a token never dies in the middle of a page.
EXPIRY_MARGIN = 60.0

# Returns (token, lifetime in seconds or None when Personio did not say).
TokenFetcher = Callable[[], "tuple[str, float | None]"]


class TokenStore:
    """One company's current Personio token, safe to share between threads.

    Today Personio hands out a stable `papi-` token valid for 24 h, usable for any number of (parallel)
    calls; in the past every token was single-use and each response carried the next one in its
    `Authorization` header. Both work here: the token is cached until shortly before it expires, and a
    different token echoed by a response replaces the one that request used. Authentication happens
    under the lock, so requests starting together share a single `POST /v1/auth`.
    """

    def __init__(self, fetch: TokenFetcher, clock: Callable[[], float] = time.monotonic):
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def __repr__(self) -> str:
        return f"<TokenStore {'holding a token' if self._token else 'empty'}>"

    def current(self) -> str:
        """The token to send now, authenticating first if there is none or it is about to expire."""
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at:
                self._authenticate()
            return self._token

    def renew(self, rejected: str) -> str:
        """After Personio rejected `rejected`: authenticate again, unless another request already did."""
        with self._lock:
            if self._token is None or self._token == rejected:
                self._authenticate()
            return self._token

    def offer(self, used: str, echoed: str | None) -> None:
        """A response to a request sent with `used` carried `echoed`: adopt it (rotating tokens).

        Only the token that request used is replaced, so a late response cannot overwrite a newer token.
        """
        if not echoed:
            return
        with self._lock:
            if self._token == used and echoed != used:
                self._token = echoed

    def peek(self) -> str | None:
        """The cached token without authenticating (to scrub it from messages)."""
        return self._token

    def _authenticate(self) -> None:
        token, lifetime = self._fetch()
        lifetime = DEFAULT_LIFETIME if lifetime is None else lifetime
        self._token = token
        # A short-lived token keeps half its lifetime rather than being renewed on every call.
        self._expires_at = self._clock() + lifetime - min(EXPIRY_MARGIN, lifetime / 2)


def token_from_header(value: str | None) -> str | None:
    """The token in an `Authorization` response header (`Bearer <token>`, or the bare token)."""
    if not value:
        return None
    scheme, _, rest = value.strip().partition(" ")
    token = rest.strip() if scheme.lower() == "bearer" else value.strip()
    return token or None
