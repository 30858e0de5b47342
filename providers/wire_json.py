"""Decoding the HR systems' JSON answers: one parser for every provider client (and the benchmarks' reference).

orjson rather than the standard library: a full Personio listing is hundreds of pages of verbose attribute
objects, and decoding them was a third of a sync's fetch. orjson also refuses what is not JSON (NaN,
invalid UTF-8, nesting deeper than 1024) with a ValueError instead of a RecursionError.
"""

from __future__ import annotations

from typing import Any

import orjson

DecodeError = orjson.JSONDecodeError  # a ValueError


def decode(content: bytes) -> Any:
    """The document in a response body (UTF-8, as both providers send; a byte-order mark is tolerated)."""
    if content[:3] == b"\xef\xbb\xbf":
        content = content[3:]
    return orjson.loads(content)
