"""Companies, approvers and API tokens."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from domain.names import NameFormat
from domain.policy import SyncPolicy, TerminationPolicy
from store.errors import DuplicateUser, InvalidSetting, NotFound
from store.models import ApiTokenRow, UserRow
from store.repositories import approvers, companies, tokens


def test_create_company_returns_an_id_and_a_working_token(session, company):
    assert re.fullmatch(r"co_[0-9a-f]{16}", company.company_id)
    assert tokens.company_for_token(session, company.api_token) == company.company_id
    assert company.api_token not in repr(company)


def test_token_is_stored_only_as_its_digest(session, company):
    row = session.scalar(select(ApiTokenRow))
    assert company.api_token not in (row.token_hash, row.prefix)
    assert len(row.token_hash) == 64
    assert company.api_token.startswith(row.prefix)


@pytest.mark.parametrize("token", ["", "hrs_unknown", "x" * 500], ids=["empty", "unknown", "long"])
def test_unknown_tokens_resolve_to_nothing(session, company, token):
    assert tokens.company_for_token(session, token) is None


def test_revoked_token_stops_working(session, company):
    second = tokens.issue_token(session, company.company_id)
    listed = tokens.list_tokens(session, company.company_id)
    assert len(listed) == 2
    assert tokens.revoke_token(session, company.company_id, listed[0].id)
    assert tokens.company_for_token(session, company.api_token) is None
    assert tokens.company_for_token(session, second) == company.company_id
    assert not tokens.revoke_token(session, company.company_id, listed[0].id)


def test_token_of_another_company_cannot_be_revoked(session, company, other_company_id):
    token_id = tokens.list_tokens(session, company.company_id)[0].id
    assert not tokens.revoke_token(session, other_company_id, token_id)


def test_approver_email_is_stored_lower_case_and_verified_case_insensitively(session, company_id, password):
    assert approvers.approver_emails(session, company_id) == ["boss@acme.example"]
    assert approvers.verify_approver(session, company_id, "  BOSS@acme.EXAMPLE ", password)
    assert not approvers.verify_approver(session, company_id, "boss@acme.example", "wrong")
    assert not approvers.verify_approver(session, company_id, "nobody@acme.example", password)


def test_approver_of_one_company_is_not_one_of_another(session, company_id, other_company_id, password):
    assert not approvers.verify_approver(session, other_company_id, "boss@acme.example", password)


def test_password_is_not_stored_in_clear(session, company_id, password):
    stored = session.scalar(select(UserRow.password_hash))
    assert password not in stored and stored.startswith("$argon2id$")


def test_duplicate_approver_is_refused(session, company_id):
    with pytest.raises(DuplicateUser):
        approvers.add_approver(session, company_id, "BOSS@acme.example", "other")


@pytest.mark.parametrize("email, password", [("no-at-sign", "pw"), ("a@b.example", "")],
                         ids=["bad-email", "empty-password"])
def test_invalid_approver_is_refused(session, company_id, email, password):
    with pytest.raises(InvalidSetting):
        approvers.add_approver(session, company_id, email, password)


def test_weak_hash_is_upgraded_on_successful_login(session, company_id, password):
    row = session.scalar(select(UserRow))
    row.password_hash = PasswordHasher(time_cost=1, memory_cost=256, parallelism=1).hash(password)
    old = row.password_hash
    assert approvers.verify_approver(session, company_id, "boss@acme.example", password)
    assert row.password_hash != old
    assert approvers.verify_approver(session, company_id, "boss@acme.example", password)


def test_set_password(session, company_id):
    assert approvers.set_password(session, company_id, "boss@acme.example", "new-pass")
    assert approvers.verify_approver(session, company_id, "boss@acme.example", "new-pass")
    assert not approvers.set_password(session, company_id, "ghost@acme.example", "x")


def test_new_company_has_the_default_settings(session, company_id):
    company = companies.get_company(session, company_id)
    assert company.settings() == {
        "name_format": NameFormat.FIRST_LAST, "termination_policy": TerminationPolicy.PROPOSE_GROUP,
        "ex_employee_group": "Ex-employee", "employee_group": "Employees",
        "import_terminated": False, "use_preferred_name": False, "managed_groups": (),
    }


def test_update_settings(session, company_id):
    updated = companies.update_settings(session, company_id, name_format="last_comma_first",
                                        import_terminated=True, ex_employee_group=" Leavers ")
    assert updated.name_format is NameFormat.LAST_COMMA_FIRST
    assert updated.import_terminated is True
    assert updated.ex_employee_group == "Leavers"


@pytest.mark.parametrize("changes", [
    {"name_format": "first_first"},
    {"termination_policy": "delete"},
    {"import_terminated": "yes"},
    {"ex_employee_group": "  "},
    {"colour": "blue"},
    {"managed_groups": "Advisors"},
    {"managed_groups": ["Advisors", 3]},
    {"managed_groups": [f"Group {n}" for n in range(51)]},
], ids=["name-format", "termination-policy", "bool-as-text", "blank-group", "unknown", "groups-as-text",
        "group-not-text", "too-many-groups"])
def test_invalid_settings_are_refused(session, company_id, changes):
    with pytest.raises(InvalidSetting):
        companies.update_settings(session, company_id, **changes)


def test_managed_groups_are_stored_once_each_and_can_be_cleared(session, company_id):
    updated = companies.update_settings(session, company_id, managed_groups=[" Advisors ", "advisors", "", "Board"])
    assert updated.managed_groups == ("Advisors", "Board")
    assert companies.get_company(session, company_id).managed_groups == ("Advisors", "Board")
    assert companies.policy_for(session, company_id, "bamboohr", ["email"]).manages("ADVISORS")
    assert companies.update_settings(session, company_id, managed_groups=[]).managed_groups == ()


def test_policy_for_reflects_the_settings(session, company_id):
    companies.update_settings(session, company_id, termination_policy="ignore", use_preferred_name=True)
    policy = companies.policy_for(session, company_id, "bamboohr", ["email", "last_name"],
                                  require_hire_date=True)
    assert policy == SyncPolicy(provider="bamboohr", owned_fields=frozenset({"email", "last_name"}),
                                termination_policy=TerminationPolicy.IGNORE, use_preferred_name=True,
                                require_hire_date=True)


def test_unknown_company(session):
    with pytest.raises(NotFound):
        companies.get_company(session, "co_0000000000000000")
    with pytest.raises(NotFound):
        companies.update_settings(session, "co_0000000000000000", import_terminated=True)
    assert not companies.company_exists(session, "co_0000000000000000")


def test_list_companies(session, company_id, other_company_id):
    assert {c.id for c in companies.list_companies(session)} == {company_id, other_company_id}


def test_company_needs_a_name(session):
    with pytest.raises(InvalidSetting):
        companies.create_company(session, "  ", "a@b.example", "pw")
