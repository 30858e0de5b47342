"""The one JSON decoder for provider answers: what it accepts and how it refuses."""

from typing import Any, TypedDict

import pytest

from providers.wire_json import decode, shaped_decoder


def test_decodes_utf8_documents_with_accents_and_big_ids():
    assert decode('{"name": "Zoë Müller-Łukasiewicz", "id": 9007199254740993}'.encode()) == {
        "name": "Zoë Müller-Łukasiewicz", "id": 9007199254740993}


def test_tolerates_a_byte_order_mark():
    assert decode(b"\xef\xbb\xbf" + b'{"data": []}') == {"data": []}


def test_duplicate_keys_keep_the_last_value_like_the_standard_library():
    assert decode(b'{"a": 1, "a": 2}') == {"a": 2}


@pytest.mark.parametrize("body", [
    b"", b"<html>", b'{"a": 1', b"[" * 2000 + b"]" * 2000, b'"\xff"', b"NaN", b'{"a": Infinity}',
], ids=["empty", "html", "truncated", "deep", "not-utf8", "nan", "infinity"])
def test_refuses_what_is_not_json_with_a_value_error(body):
    with pytest.raises(ValueError):
        decode(body)


# -- shaped_decoder: only what a shape names is built; everything else behaves as decode ------------

Inner = TypedDict("Inner", {"keep": Any}, total=False)
Shape = TypedDict("Shape", {"items": list[Inner], "meta": Any}, total=False)


def test_shaped_decoder_builds_only_the_named_members():
    document = b'{"items": [{"keep": {"v": [1, "\xc3\xbc"]}, "drop": {"deep": [1, 2, {"x": null}]}}], "meta": 3,' \
               b' "other": "big text"}'
    assert shaped_decoder(Shape)(document) == {"items": [{"keep": {"v": [1, "ü"]}}], "meta": 3}


@pytest.mark.parametrize("body", [
    b'{"items": {"not": "a list"}}', b'{"items": [1, 2]}', b'[1]', b'"text"',
    b'{"items": [{"keep": 1}], "items": [{"keep": 2}]}',
], ids=["object-for-list", "numbers-for-objects", "array-document", "string-document", "duplicate-key"])
def test_what_the_shape_cannot_take_is_decoded_whole_as_decode_would(body):
    assert shaped_decoder(Shape)(body) == decode(body)


@pytest.mark.parametrize("body", [
    b"", b"<html>", b'{"items": [', b'{"items": [{"drop": "\xff"}]}', b'{"items": [{"drop": NaN}]}',
    b'{"items": [{"drop": ' + b"[" * 2000 + b"]" * 2000 + b"}]}", b'{"items": []} trailing',
], ids=["empty", "html", "truncated", "not-utf8-in-a-skipped-member", "nan-in-a-skipped-member",
        "deep-in-a-skipped-member", "trailing"])
def test_shaped_decoder_refuses_what_decode_refuses_even_in_members_it_skips(body):
    with pytest.raises(ValueError):
        decode(body)
    with pytest.raises(ValueError):
        shaped_decoder(Shape)(body)


def test_shaped_decoder_tolerates_a_byte_order_mark():
    assert shaped_decoder(Shape)(b"\xef\xbb\xbf" + b'{"meta": 1}') == {"meta": 1}
