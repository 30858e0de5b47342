"""Approve links: signed, expiring, bound to one change set."""

import pytest
from itsdangerous import URLSafeTimedSerializer

from workers.links import ExpiredLink, InvalidLink, LinkSigner

SIGNER = LinkSigner(secret_key="k" * 32, max_age=3600, public_base_url="https://hrsync.example/")


def test_round_trip_and_url():
    token = SIGNER.token(42)
    assert SIGNER.changeset_id(token) == 42
    assert SIGNER.url(42) == f"https://hrsync.example/approvals/{token}"


@pytest.mark.parametrize("mangle", [
    # Whole characters of the signature: the last base64 character alone may only carry padding bits.
    lambda t: t[:-6] + ("AAAAAA" if t[-6:] != "AAAAAA" else "BBBBBB"),
    lambda t: "x" + t,
    lambda t: "",
    lambda t: "not-a-token",
], ids=["signature", "prefix", "empty", "garbage"])
def test_tampered_tokens_are_invalid(mangle):
    with pytest.raises(InvalidLink):
        SIGNER.changeset_id(mangle(SIGNER.token(7)))


def test_another_key_is_invalid():
    other = LinkSigner(secret_key="z" * 32, max_age=3600, public_base_url="http://x")
    with pytest.raises(InvalidLink):
        SIGNER.changeset_id(other.token(7))


def test_expired_token_names_its_changeset():
    stale = LinkSigner(secret_key="k" * 32, max_age=-1, public_base_url="http://x")
    with pytest.raises(ExpiredLink) as raised:
        stale.changeset_id(SIGNER.token(9))
    assert raised.value.changeset_id == 9


@pytest.mark.parametrize("payload", [{"cs": "9"}, {"cs": True}, {"other": 1}, [9]], ids=repr)
def test_signed_but_foreign_payloads_are_invalid(payload):
    forged = URLSafeTimedSerializer("k" * 32, salt="hrsync.approve-link.v1").dumps(payload)
    with pytest.raises(InvalidLink):
        SIGNER.changeset_id(forged)
