"""Set-password links (an invitation, a reset): signed (itsdangerous), expiring, and single-use.

The link names a user and carries a random nonce; the user's row keeps only the nonce's SHA-256, so the one link
that works is the newest one, and using it clears the hash (a second use is refused). Reading the row's hash
leaks no usable link: the link also needs the installation's SECRET_KEY signature.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from typing import Callable

from itsdangerous import BadSignature, URLSafeTimedSerializer

from core.errors import ExpiredPasswordLink, InvalidPasswordLink

_SALT = "hrsync.password-link.v1"
# Long enough for an invitation sent on a Friday to be used on Monday.
MAX_AGE = 3 * 24 * 3600
PATH = "/set-password/"


@dataclass(frozen=True, slots=True)
class IssuedLink:
    url: str = field(repr=False)
    nonce_hash: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class PasswordLink:
    """What an authentic, unexpired link says: its user and the hash of its nonce."""

    user_id: int
    nonce_hash: str = field(repr=False)

    def matches(self, stored_hash: str | None) -> bool:
        return stored_hash is not None and hmac.compare_digest(stored_hash, self.nonce_hash)


@dataclass(frozen=True, slots=True)
class PasswordLinkSigner:
    secret_key: str = field(repr=False)
    public_base_url: str
    max_age: int = MAX_AGE
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)

    @classmethod
    def for_settings(cls, settings) -> "PasswordLinkSigner":
        return cls(settings.secret_key, settings.public_base_url)

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret_key, salt=_SALT)

    def issue(self, user_id: int) -> IssuedLink:
        nonce = secrets.token_urlsafe(24)
        token = self._serializer().dumps({"u": int(user_id), "n": nonce})
        return IssuedLink(f"{self.public_base_url.rstrip('/')}{PATH}{token}", nonce_digest(nonce))

    def read(self, token: str) -> PasswordLink:
        """The link a token holds; raises InvalidPasswordLink or ExpiredPasswordLink."""
        try:
            payload, signed = self._serializer().loads(token, return_timestamp=True)
        except BadSignature:
            raise InvalidPasswordLink() from None
        if not (isinstance(payload, dict) and _is_int(payload.get("u")) and isinstance(payload.get("n"), str)):
            raise InvalidPasswordLink()
        if self.clock() - signed.timestamp() > self.max_age:
            raise ExpiredPasswordLink(self.max_age)
        return PasswordLink(payload["u"], nonce_digest(payload["n"]))


def nonce_digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("utf-8", "surrogatepass")).hexdigest()


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
