"""Decoding the HR systems' JSON answers: one parser for every provider client (and the benchmarks' reference).

orjson rather than the standard library: a full Personio listing is hundreds of pages of verbose attribute
objects, and decoding them was a third of a sync's fetch. orjson also refuses what is not JSON (NaN,
invalid UTF-8, nesting deeper than 1024) with a ValueError instead of a RecursionError.
"""

from __future__ import annotations

from typing import Any, Callable

import msgspec
import orjson

DecodeError = orjson.JSONDecodeError  # a ValueError
_BOM = b"\xef\xbb\xbf"


def decode(content: bytes) -> Any:
    """The document in a response body (UTF-8, as both providers send; a byte-order mark is tolerated)."""
    if content[:3] == _BOM:
        content = content[3:]
    return orjson.loads(content)


def shaped_decoder(shape: Any) -> Callable[[bytes], Any]:
    """`decode` that builds only what `shape` names: a msgspec type of TypedDicts (`total=False`, ASCII keys
    only: msgspec misses others, msgspec#1126) whose leaves are `Any`. Members the shape leaves out are still parsed (a malformed document is still refused) but never
    become Python objects: most of a Personio page is attributes no mapping reads.

    Whatever the shape cannot take (a member of another type, a document it cannot decode) is handed to
    `decode`, so errors and tolerance are exactly decode's. One difference, on purpose: an integer too big for
    64 bits stays an exact int where orjson turns it into a float or refuses it.
    """
    typed = msgspec.json.Decoder(shape)

    def decode_shaped(content: bytes) -> Any:
        body = content[3:] if content[:3] == _BOM else content
        try:
            body.decode("utf-8")  # the skipped members' strings are not checked by msgspec; JSON is UTF-8
            return typed.decode(body)
        except (msgspec.MsgspecError, UnicodeDecodeError, RecursionError):
            return decode(content)

    return decode_shaped

