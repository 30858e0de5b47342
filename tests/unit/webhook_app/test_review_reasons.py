"""Review reasons: the approve page and the API word every code, and the API documents every code."""

from __future__ import annotations

import pytest

from domain.changeset import Reason
from webhook_app.labels import REASONS


def test_every_reason_code_has_words_for_the_approver():
    assert set(REASONS) == {reason.value for reason in Reason}
    assert all("_" not in words and words[0].isupper() for words in REASONS.values())


@pytest.mark.parametrize("code, words", [
    ("identifier_name_mismatch", "another person's name"),
    ("identifier_leading_zeros", "leading zeros"),
    ("unmanaged_group", "investors, advisors, founders"),
    ("middle_name_conflict", "middle name"),
    ("email_conflict", "e-mail address belongs to a different stakeholder"),
    ("similar_name", "nickname, initials"),
    ("linked_elsewhere", "linked to another HR record"),
    ("suffix_conflict", "father and son"),
    ("birth_date_conflict", "birth date"),
    ("email_of_another_employee", "another employee's"),
])
def test_the_new_reasons_say_what_to_check(code, words):
    assert words in REASONS[code]


def test_the_api_documents_every_reason_code(client):
    document = client.get("/api/v1/openapi.json").json
    item = document["components"]["schemas"]["ChangeItem"]["properties"]["reason"]
    assert set(item["enum"]) >= {reason.value for reason in Reason}


def test_the_api_gives_each_reason_in_the_approvers_words(client):
    document = client.get("/api/v1/openapi.json").json
    words = document["components"]["schemas"]["ChangeItem"]["properties"]["reason_text"]
    assert "approver's words" in words["description"]
