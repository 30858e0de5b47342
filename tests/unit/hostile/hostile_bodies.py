"""Hypothesis strategies for hostile request bodies: broken JSON, non-UTF-8, deep nesting, duplicate keys, wrong
types, unknown fields, huge strings, lone surrogates, credentials outside ASCII, wrong content types. Each strategy
yields (kind, body bytes, content type)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

from hypothesis import strategies as st

JSON = "application/json"
ONE_MIB = 1024 * 1024
NOT_JSON_TYPES = ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz",
                  "application/xml", "text/html; charset=utf-8", "application/octet-stream")
INVALID_UTF8 = (b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xa0\xa1", b"\xed\xa0\x80", b"\xf0\x28\x8c\x28", b"\x80")

scalars = st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=20)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
# Values of the wrong JSON type for a field of each type (None is left out: several fields allow null).
not_a_string = (st.booleans() | st.integers() | st.floats(allow_nan=False) | st.lists(scalars, max_size=3)
                | st.dictionaries(st.text(max_size=5), scalars, max_size=3))
not_a_list = st.booleans() | st.integers() | st.text(max_size=10) | st.dictionaries(st.text(max_size=5), scalars,
                                                                                     max_size=3)
not_an_object = st.booleans() | st.integers() | st.text(max_size=10) | st.lists(scalars, max_size=3)


@dataclass(frozen=True)
class BodyShape:
    """What a route's body looks like: a valid example (never sent as is) and the wrong-type values per field."""

    valid: dict[str, Any]
    wrong: dict[str, st.SearchStrategy] = field(default_factory=dict)
    strings: tuple[str, ...] = ()  # string fields a huge value can go into


def dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


def _parses(raw: bytes) -> bool:
    try:
        json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return True


def not_json() -> st.SearchStrategy:
    """Non-blank bytes that are not JSON at all (random binary, truncated documents, trailing garbage)."""
    truncated = st.dictionaries(st.text(min_size=1, max_size=5), scalars, min_size=1, max_size=3).map(
        lambda doc: dumps(doc)[:max(1, len(dumps(doc)) // 2)])
    noise = st.binary(min_size=1, max_size=200) | st.text(min_size=1, max_size=80).map(str.encode)
    trailing = st.builds(lambda doc: dumps(doc) + b" }{", json_values)
    return (noise | truncated | trailing).filter(lambda raw: raw.strip() and not _parses(raw))


def non_utf8(shape: BodyShape) -> st.SearchStrategy:
    """The valid body with invalid UTF-8 bytes inside one of its strings (or wrapped around it)."""
    def spoil(bad: bytes, where: int) -> bytes:
        raw = dumps(shape.valid)
        quote = [i for i, byte in enumerate(raw) if byte == ord('"')]
        at = quote[where % len(quote)] + 1 if quote else 0
        return raw[:at] + bad + raw[at:]
    return st.builds(spoil, st.sampled_from(INVALID_UTF8), st.integers(0, 50))


def deep_nesting() -> st.SearchStrategy:
    """1k to 100k levels of `[` or `{"a":`, closed or not: the parser must refuse, not recurse to death."""
    return st.builds(_nest, st.integers(1_000, 100_000), st.sampled_from(["array", "object"]), st.booleans())


def _nest(depth: int, kind: str, closed: bool) -> bytes:
    opener, closer = (b"[", b"]") if kind == "array" else (b'{"a":', b"}")
    return opener * depth + (b"1" + closer * depth if closed else b"")


def duplicate_keys(shape: BodyShape) -> st.SearchStrategy:
    """The valid body with one of its keys given twice (the values may even agree)."""
    def doubled(key: str, value: Any) -> bytes:
        members = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in shape.valid.items()]
        members.append(f"{json.dumps(key)}: {json.dumps(value)}")
        return ("{" + ", ".join(members) + "}").encode()
    keys = sorted(shape.valid)
    return st.builds(doubled, st.sampled_from(keys), st.one_of(st.sampled_from([shape.valid[k] for k in keys]),
                                                               json_values))


def non_object() -> st.SearchStrategy:
    """JSON that parses but is not an object: arrays, strings, numbers, booleans, null."""
    return (st.lists(json_values, max_size=4) | scalars).map(dumps)


def wrong_type(shape: BodyShape) -> st.SearchStrategy:
    """The valid body with one field replaced by a value of the wrong JSON type."""
    return st.sampled_from(sorted(shape.wrong)).flatmap(
        lambda name: shape.wrong[name].map(lambda value: dumps({**shape.valid, name: value})))


def unknown_field(shape: BodyShape, known: frozenset[str]) -> st.SearchStrategy:
    """The valid body plus a field the schema does not know."""
    return st.builds(lambda key, value: dumps({**shape.valid, key: value}),
                     st.text(min_size=1, max_size=30).filter(lambda key: key not in known), json_values)


def huge_string(shape: BodyShape) -> st.SearchStrategy:
    """The valid body with a 1 kB to 1 MB string in one of its string fields (some bodies then exceed the cap)."""
    return st.builds(lambda name, size, char: dumps({**shape.valid, name: char * size}),
                     st.sampled_from(shape.strings), st.integers(1_000, ONE_MIB), st.sampled_from(["x", "é", "\u202e"]))


def lone_surrogate(shape: BodyShape) -> st.SearchStrategy:
    """The valid body with a lone UTF-16 surrogate (a `\\udXXX` escape: valid JSON, not Unicode) in one of its
    strings, nested ones included, or in an extra key."""
    surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
    in_value = st.builds(lambda path, char, at: dumps(_replaced(shape.valid, path, _inserted(_at(shape.valid, path),
                                                                                            char, at))),
                         st.sampled_from(list(_string_paths(shape.valid))), surrogates, st.integers(0, 40))
    in_key = st.builds(lambda char: dumps({**shape.valid, f"key{char}": 1}), surrogates)
    return in_value | in_key


def non_ascii_credential(shape: BodyShape) -> st.SearchStrategy:
    """The valid body with a credential holding a character outside ASCII (a pasted non-breaking hyphen, a
    no-break space, a placeholder "…"): it could never travel in an HTTP header."""
    credentials = shape.valid.get("credentials")
    if not isinstance(credentials, dict):
        return st.nothing()
    outside = st.characters(min_codepoint=0x80, exclude_categories=("Cs",))
    return st.builds(lambda key, char, at: dumps({**shape.valid, "credentials": {
                         **credentials, key: _inserted(credentials[key], char, at)}}),
                     st.sampled_from(sorted(credentials)), outside, st.integers(0, 40))


def _string_paths(value: Any, path: tuple = ()):
    if isinstance(value, str):
        yield path
    elif isinstance(value, (dict, list)):
        for key, inner in (value.items() if isinstance(value, dict) else enumerate(value)):
            yield from _string_paths(inner, (*path, key))


def _at(value: Any, path: tuple) -> Any:
    for key in path:
        value = value[key]
    return value


def _replaced(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replaced(value[path[0]], path[1:], new)
    return copy


def _inserted(text: str, char: str, at: int) -> str:
    at %= len(text) + 1
    return text[:at] + char + text[at:]


def wrong_content_type(shape: BodyShape) -> st.SearchStrategy:
    return st.tuples(st.just(dumps(shape.valid)), st.sampled_from(NOT_JSON_TYPES))


def over_the_cap() -> st.SearchStrategy:
    return st.integers(ONE_MIB + 1, ONE_MIB + 4096).map(lambda size: b'{"a": "' + b"x" * size + b'"}')


# kind → (strategy factory taking (shape, known fields), allowed statuses)
KINDS: dict[str, tuple[Callable[[BodyShape, frozenset[str]], st.SearchStrategy], frozenset[int]]] = {
    "not-json": (lambda shape, known: not_json(), frozenset({400})),
    "non-utf8": (lambda shape, known: non_utf8(shape), frozenset({400})),
    "deep-nesting": (lambda shape, known: deep_nesting(), frozenset({400, 422})),
    "duplicate-keys": (lambda shape, known: duplicate_keys(shape), frozenset({400})),
    "non-object": (lambda shape, known: non_object(), frozenset({422})),
    "wrong-type": (lambda shape, known: wrong_type(shape), frozenset({422})),
    "unknown-field": (unknown_field, frozenset({422})),
    "huge-string": (lambda shape, known: huge_string(shape), frozenset({413, 422})),
    "over-1-mib": (lambda shape, known: over_the_cap(), frozenset({413})),
    "lone-surrogate": (lambda shape, known: lone_surrogate(shape), frozenset({422})),
    "non-ascii-credential": (lambda shape, known: non_ascii_credential(shape), frozenset({422})),
}


def hostile_bodies(shape: BodyShape, known: frozenset[str]) -> st.SearchStrategy:
    """(kind, body, content type, allowed statuses) over every kind, plus valid bodies with a wrong content type."""
    typed = [KINDS[kind][0](shape, known).map(lambda raw, kind=kind: (kind, raw, JSON, KINDS[kind][1]))
             for kind in KINDS]
    mistyped = wrong_content_type(shape).map(lambda pair: ("content-type", pair[0], pair[1], frozenset({415})))
    return st.one_of(*typed, mistyped)


def assert_error_shape(answer) -> None:
    """The one error shape: a JSON object `{"error": {"code", "message"[, "details"]}}` with non-empty texts."""
    assert answer.mimetype == "application/json", (answer.status_code, answer.get_data()[:200])
    body = answer.get_json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert {"code", "message"} <= set(error) <= {"code", "message", "details"}, error
    assert isinstance(error["code"], str) and error["code"] and isinstance(error["message"], str) and error["message"]
