"""A Humaans webhook as third parties GUESS it (research/humaans.md §6: the real format is unpublished): header
`x-humaans-signature` with hex HMAC-SHA256 of the raw body, `{"event": "person.updated", "data": {"id": …}}`. The
sandbox sends it so that tests can show hrsync refuses what it cannot verify."""

from __future__ import annotations

import hashlib
import hmac
import json

import requests

GUESSED_EVENTS = ("person.created", "person.updated")


def send_guessed(target_url: str, secret: str, person_id: str, event: str = "person.updated", *,
                 timeout: float = 10.0) -> requests.Response:
    """POST one delivery in the guessed format (the Elixir client's, [C1]), signed as it guesses."""
    body = json.dumps({"event": event, "data": {"id": person_id}}, separators=(",", ":")).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "x-humaans-signature": f"sha256={signature}"}
    return requests.post(target_url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
