"""Approve links: signed, expiring, bound to one change set."""

import pytest
from itsdangerous import URLSafeTimedSerializer

from core.links import ExpiredLink, InvalidLink, Link, LinkSigner

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


def clocked(now: list[float]) -> LinkSigner:
    return LinkSigner(secret_key="k" * 32, max_age=3600, public_base_url="https://hrsync.example/",
                      clock=lambda: now[0])


def test_a_link_lasts_max_age_on_the_signers_clock():
    now = [1_800_000_000.0]
    signer = clocked(now)
    token = signer.token(42)
    now[0] += 3600
    assert signer.read(token) == Link(42, 1_800_000_000)
    now[0] += 1
    with pytest.raises(ExpiredLink):
        signer.read(token)


def test_a_link_handed_on_expires_with_the_one_it_came_from():
    now = [1_800_000_000.0]
    signer = clocked(now)
    original = signer.read(signer.token(41))
    now[0] += 3000
    handed_on = signer.token(42, issued_at=original.issued_at)
    assert signer.read(handed_on) == Link(42, original.issued_at)
    now[0] += 601
    with pytest.raises(ExpiredLink) as expired:
        signer.read(handed_on)
    assert expired.value.changeset_id == 42


def test_a_start_later_than_the_signature_does_not_extend_a_link():
    now = [1_800_000_000.0]
    signer = clocked(now)
    token = signer.token(42, issued_at=int(now[0]) + 10_000)
    assert signer.read(token).issued_at == 1_800_000_000


@pytest.mark.parametrize("iat", ["1800000000", True, None, 1.5], ids=repr)
def test_a_start_that_is_no_whole_number_is_invalid(iat):
    forged = URLSafeTimedSerializer("k" * 32, salt="hrsync.approve-link.v1").dumps({"cs": 9, "iat": iat})
    with pytest.raises(InvalidLink):
        SIGNER.changeset_id(forged)
