"""The one JSON decoder for provider answers: what it accepts and how it refuses."""

import pytest

from providers.wire_json import decode


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
