"""API tokens and webhook secrets: high-entropy values stored only as SHA-256 digests."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "hrs_"
# Characters of the token kept in clear for display ("hrs_AbC1…"): too few to help a guesser.
DISPLAY_CHARS = 8


def generate_token() -> str:
    """A new API token: 256 random bits, url-safe."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def generate_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """SHA-256 hex: enough for a 256-bit random token (no password stretching needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def display_prefix(token: str) -> str:
    return token[:DISPLAY_CHARS]


def digests_equal(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode("ascii"), right.encode("ascii"))
