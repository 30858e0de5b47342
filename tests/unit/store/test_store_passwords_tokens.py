"""argon2 password hashing and API token generation/hashing."""

from __future__ import annotations

import hashlib

from argon2 import PasswordHasher

from store import passwords, tokens


def test_hash_verifies_only_the_right_password():
    digest = passwords.hash_password("hunter2")
    assert "hunter2" not in digest
    assert digest.startswith("$argon2id$")
    assert passwords.verify_password(digest, "hunter2")
    assert not passwords.verify_password(digest, "hunter3")


def test_malformed_hash_is_a_mismatch():
    assert not passwords.verify_password("not-a-hash", "hunter2")


def test_needs_rehash_when_parameters_are_weaker():
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash("pw")
    assert passwords.needs_rehash(weak)
    assert not passwords.needs_rehash(passwords.hash_password("pw"))


def test_tokens_are_unique_long_and_prefixed():
    issued = {tokens.generate_token() for _ in range(200)}
    assert len(issued) == 200
    for token in issued:
        assert token.startswith(tokens.TOKEN_PREFIX)
        assert len(token) >= len(tokens.TOKEN_PREFIX) + 43  # 32 random bytes, base64


def test_token_hash_is_sha256_hex():
    assert tokens.hash_token("hrs_abc") == hashlib.sha256(b"hrs_abc").hexdigest()


def test_display_prefix_is_short():
    token = tokens.generate_token()
    assert tokens.display_prefix(token) == token[:8]


def test_digest_comparison():
    digest = tokens.hash_token("a")
    assert tokens.digests_equal(digest, tokens.hash_token("a"))
    assert not tokens.digests_equal(digest, tokens.hash_token("b"))
