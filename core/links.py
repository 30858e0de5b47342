"""Approve links: signed (itsdangerous), expiring, each bound to one change set."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from core.errors import ExpiredLink, InvalidLink

__all__ = ["ExpiredLink", "InvalidLink", "Link", "LinkSigner"]

_SALT = "hrsync.approve-link.v1"


@dataclass(frozen=True, slots=True)
class Link:
    """What an authentic, unexpired link says: its change set, and when its validity started (unix seconds)."""

    changeset_id: int
    issued_at: int


class _ClockedSigner(TimestampSigner):
    """itsdangerous' timestamp signer on the LinkSigner's clock (tests control time without sleeping)."""

    def __init__(self, *args, clock: Callable[[], float], **kwargs):
        super().__init__(*args, **kwargs)
        self._clock = clock

    def get_timestamp(self) -> int:
        return int(self._clock())


@dataclass(frozen=True, slots=True)
class LinkSigner:
    secret_key: str
    max_age: int
    public_base_url: str
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)

    @classmethod
    def for_settings(cls, settings) -> "LinkSigner":
        """The signer of this installation's links (core.settings.Settings: key, link age, public address)."""
        return cls(settings.secret_key, settings.approve_link_max_age, settings.public_base_url)

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret_key, salt=_SALT, signer=_ClockedSigner,
                                      signer_kwargs={"clock": self.clock})

    def token(self, changeset_id: int, *, issued_at: int | None = None) -> str:
        """A link to the change set; `issued_at` (an earlier link's) makes it expire when that link does."""
        payload = {"cs": int(changeset_id)}
        if issued_at is not None:
            payload["iat"] = int(issued_at)
        return self._serializer().dumps(payload)

    def url(self, changeset_id: int) -> str:
        return f"{self.public_base_url.rstrip('/')}/approvals/{self.token(changeset_id)}"

    def read(self, token: str) -> Link:
        """The link a token holds; raises InvalidLink or ExpiredLink."""
        try:
            payload, signed = self._serializer().loads(token, max_age=self.max_age, return_timestamp=True)
        except SignatureExpired as expired:
            # Still authentic: the change set it names lets the page point to the newer link.
            raise ExpiredLink(_changeset_of(self._serializer().load_payload(expired.payload)), self.max_age) from None
        except BadSignature:
            raise InvalidLink() from None
        changeset = _changeset_of(payload)
        issued_at = _issued_at(payload, int(signed.timestamp())) if changeset is not None else None
        if issued_at is None:
            raise InvalidLink()
        if self.clock() - issued_at > self.max_age:
            raise ExpiredLink(changeset, self.max_age)
        return Link(changeset, issued_at)

    def changeset_id(self, token: str) -> int:
        """The change set a token names; raises InvalidLink or ExpiredLink."""
        return self.read(token).changeset_id


def _changeset_of(payload) -> int | None:
    if isinstance(payload, dict) and _is_int(payload.get("cs")):
        return payload["cs"]
    return None


def _issued_at(payload: dict, signed: int) -> int | None:
    """A link handed on from an older one carries that one's start ("iat"): it never outlives it."""
    if "iat" not in payload:
        return signed
    return min(payload["iat"], signed) if _is_int(payload["iat"]) else None


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
