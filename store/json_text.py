"""JSON as the database's JSON columns hold it: orjson writes, msgspec reads (it keeps big integers exact,
where orjson's reader makes them floats), and the standard library takes over for what either refuses.

A 50k-employee sync writes ~75k JSON values (each change item's fields, proposal and candidates) and an
approval reads them back; the standard library spent most of the COPY's time encoding them.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS  # {1: …} becomes {"1": …}, as json.dumps writes it
_decode = msgspec.json.Decoder().decode


def dumps(value: Any) -> str:
    try:
        return orjson.dumps(value, option=_OPTIONS).decode()
    except TypeError:  # integers beyond 64 bits and other things only the standard library writes
        return json.dumps(value)


def loads(text: str | bytes) -> Any:
    try:
        return _decode(text)  # orjson would turn an integer beyond 64 bits into an inexact float
    except msgspec.DecodeError:  # NaN and Infinity, which json.dumps writes for such floats
        return json.loads(text)
