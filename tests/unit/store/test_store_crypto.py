"""SecretBox: round trips, key rotation, and errors that never show key material."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from store.crypto import SecretBox
from store.errors import InvalidEncryptionKey, UndecryptableSecret

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


@pytest.mark.parametrize("plaintext", ["s3cr3t", "", "ünïcødé ✓", "x" * 10_000],
                         ids=["plain", "empty", "unicode", "long"])
def test_text_round_trip(plaintext):
    box = SecretBox([KEY_A])
    ciphertext = box.encrypt_text(plaintext)
    assert plaintext not in ciphertext or plaintext == ""
    assert box.decrypt_text(ciphertext) == plaintext


def test_json_round_trip():
    box = SecretBox([KEY_A])
    value = {"api_key": "k-123", "subdomain": "acme", "nested": {"n": 1}}
    ciphertext = box.encrypt_json(value)
    assert "k-123" not in ciphertext
    assert box.decrypt_json(ciphertext) == value


def test_each_encryption_differs():
    box = SecretBox([KEY_A])
    assert box.encrypt_text("same") != box.encrypt_text("same")


def test_old_ciphertext_decrypts_after_new_key_is_put_first():
    old = SecretBox([KEY_A]).encrypt_text("api-key")
    assert SecretBox([KEY_B, KEY_A]).decrypt_text(old) == "api-key"


def test_rotate_re_encrypts_with_the_first_key():
    old = SecretBox([KEY_A]).encrypt_text("api-key")
    rotated = SecretBox([KEY_B, KEY_A]).rotate(old)
    assert SecretBox([KEY_B]).decrypt_text(rotated) == "api-key"
    with pytest.raises(UndecryptableSecret):
        SecretBox([KEY_A]).decrypt_text(rotated)


@pytest.mark.parametrize("operation", ["decrypt_text", "decrypt_json", "rotate"])
def test_wrong_keys_give_a_clear_error_without_key_material(operation):
    ciphertext = SecretBox([KEY_A]).encrypt_json({"api_key": "k"})
    with pytest.raises(UndecryptableSecret) as caught:
        getattr(SecretBox([KEY_B]), operation)(ciphertext)
    message = str(caught.value)
    assert "ENCRYPTION_KEYS" in message
    for secret in (KEY_A, KEY_B, KEY_A[:10], KEY_B[:10]):
        assert secret not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.parametrize("garbage", ["not a token", "", "ü"], ids=["text", "empty", "non-ascii"])
def test_garbage_ciphertext_is_undecryptable(garbage):
    with pytest.raises(UndecryptableSecret):
        SecretBox([KEY_A]).decrypt_text(garbage)


def test_invalid_key_is_refused_without_echoing_it():
    bad = "this-is-not-a-fernet-key-but-a-secret"
    with pytest.raises(InvalidEncryptionKey) as caught:
        SecretBox([KEY_A, bad])
    assert "key 2" in str(caught.value)
    assert bad not in str(caught.value)


@pytest.mark.parametrize("keys", [[], KEY_A], ids=["empty", "bare-string"])
def test_keys_must_be_a_non_empty_sequence(keys):
    with pytest.raises(InvalidEncryptionKey):
        SecretBox(keys)


def test_repr_hides_keys():
    box = SecretBox([KEY_A, KEY_B])
    assert KEY_A not in repr(box) and KEY_B not in repr(box)
    assert "2 key" in repr(box)
