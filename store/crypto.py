"""Secrets at rest: Fernet encryption with key rotation (the first key encrypts, all decrypt)."""

from __future__ import annotations

import json
from typing import Any, Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from store.errors import InvalidEncryptionKey, UndecryptableSecret

_UNDECRYPTABLE = ("a stored secret cannot be decrypted with any ENCRYPTION_KEYS entry "
                  "(was a key removed before `rotate_keys` re-encrypted it?)")


class SecretBox:
    """Encrypts strings and JSON-able dicts; never shows its keys."""

    __slots__ = ("_fernet", "_count")

    def __init__(self, keys: Sequence[str]) -> None:
        if isinstance(keys, str) or not keys:
            raise InvalidEncryptionKey("SecretBox needs a non-empty sequence of Fernet keys")
        self._fernet = MultiFernet([_fernet(key, position) for position, key in enumerate(keys, 1)])
        self._count = len(keys)

    def __repr__(self) -> str:
        return f"SecretBox(<{self._count} key(s)>)"

    def encrypt_text(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt_text(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeEncodeError):
            raise UndecryptableSecret(_UNDECRYPTABLE) from None

    def encrypt_json(self, value: dict[str, Any]) -> str:
        return self.encrypt_text(json.dumps(value, sort_keys=True, separators=(",", ":")))

    def decrypt_json(self, ciphertext: str) -> dict[str, Any]:
        return json.loads(self.decrypt_text(ciphertext))

    def rotate(self, ciphertext: str) -> str:
        """The same secret, re-encrypted with the first key."""
        try:
            return self._fernet.rotate(ciphertext.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeEncodeError):
            raise UndecryptableSecret(_UNDECRYPTABLE) from None


def _fernet(key: str, position: int) -> Fernet:
    try:
        return Fernet(key)
    except (ValueError, TypeError):
        # `from None`: the underlying error could echo the key.
        raise InvalidEncryptionKey(f"encryption key {position} is not a valid Fernet key "
                                   "(32 url-safe base64-encoded bytes)") from None
