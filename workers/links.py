"""Approve links: signed (itsdangerous), expiring, each bound to one change set."""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

_SALT = "hrsync.approve-link.v1"


class InvalidLink(Exception):
    """Tampered, malformed or signed with another key (→ 404)."""


class ExpiredLink(Exception):
    """Authentic but older than the allowed age (→ 410)."""

    def __init__(self, changeset_id: int | None):
        super().__init__("this approve link has expired")
        self.changeset_id = changeset_id


@dataclass(frozen=True, slots=True)
class LinkSigner:
    secret_key: str
    max_age: int
    public_base_url: str

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret_key, salt=_SALT)

    def token(self, changeset_id: int) -> str:
        return self._serializer().dumps({"cs": int(changeset_id)})

    def url(self, changeset_id: int) -> str:
        return f"{self.public_base_url.rstrip('/')}/approvals/{self.token(changeset_id)}"

    def changeset_id(self, token: str) -> int:
        """The change set a token names; raises InvalidLink or ExpiredLink."""
        try:
            payload = self._serializer().loads(token, max_age=self.max_age)
        except SignatureExpired as expired:
            # Still authentic: the change set it names lets the page point to the newer link.
            raise ExpiredLink(_changeset_of(self._serializer().load_payload(expired.payload))) from None
        except BadSignature:
            raise InvalidLink("this approve link is not valid") from None
        changeset = _changeset_of(payload)
        if changeset is None:
            raise InvalidLink("this approve link is not valid")
        return changeset


def _changeset_of(payload) -> int | None:
    if isinstance(payload, dict) and isinstance(payload.get("cs"), int) and not isinstance(payload["cs"], bool):
        return payload["cs"]
    return None
