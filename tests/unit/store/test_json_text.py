"""The JSON columns' codec: orjson's speed, the standard library's range."""

import json
import math

import pytest

from store import json_text


@pytest.mark.parametrize("value", [
    {"first_name": {"old": "Zoë", "new": "Zoe"}}, ["1", 2, None, True], {}, [], "text", 0,
    {"nested": [{"a": [1.5, "ü\u2028"]}]},
], ids=["fields", "mixed-list", "empty-object", "empty-list", "string", "zero", "nested"])
def test_writes_what_the_standard_library_reads_back_unchanged(value):
    assert json.loads(json_text.dumps(value)) == value == json_text.loads(json_text.dumps(value))


def test_non_string_keys_become_strings_as_json_dumps_writes_them():
    assert json.loads(json_text.dumps({1: "a", "2": "b"})) == json.loads(json.dumps({1: "a", "2": "b"}))


def test_integers_beyond_64_bits_fall_back_to_the_standard_library():
    big = 2**70 + 1
    assert json_text.loads(json_text.dumps({"id": big})) == {"id": big}


def test_reads_nan_and_infinity_that_json_dumps_wrote():
    values = json_text.loads(json.dumps([math.nan, math.inf]))
    assert math.isnan(values[0]) and values[1] == math.inf


def test_still_refuses_what_is_not_json():
    with pytest.raises(ValueError):
        json_text.loads("{not json")
