"""services/signin.py: argon2 passwords, tries counted per e-mail, several companies, and sessions that end with
the password or the user."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from redis import Redis

from core.errors import SignInFailed, SignInLocked, SignInPaused
from core.lockout import Lockout
from services import signin, users
from store.db import transaction
from store.enums import UserRole
from store.models import UserRow
from tests.outbox import last_link_to
from tests.unit.services.conftest import ADMIN_EMAIL, PASSWORD, make_company

CLIENT = "192.0.2.7"


def test_the_right_password_opens_the_company(services, company_id, signin_lockout):
    [account] = signin.sign_in(services, signin_lockout, " Boss@ACME.example", PASSWORD, CLIENT)
    assert (account.company_id, account.company_name, account.role) == (company_id, "Acme GmbH", UserRole.ADMIN)
    user = signin.session_user(services, account.user_id, account.stamp)
    assert (user.email, user.company_id, user.is_admin) == (ADMIN_EMAIL, company_id, True)


@pytest.mark.parametrize("email", [ADMIN_EMAIL, "nobody@acme.example"], ids=["wrong-password", "unknown-email"])
def test_five_wrong_tries_lock_the_email_even_for_the_right_password(services, company_id, signin_lockout, email):
    remaining = []
    for _ in range(5):
        with pytest.raises(SignInFailed) as refused:
            signin.sign_in(services, signin_lockout, email, "wrong password", CLIENT)
        remaining.append(refused.value.remaining)
    assert remaining == [4, 3, 2, 1, 0]
    assert "locked for 15 minutes" in refused.value.message
    with pytest.raises(SignInLocked) as locked:
        signin.sign_in(services, signin_lockout, email, PASSWORD, CLIENT)
    assert locked.value.http_status == 423 and "signing in is locked" in locked.value.message


def test_a_right_password_starts_the_count_again(services, company_id, signin_lockout):
    for _ in range(4):
        with pytest.raises(SignInFailed):
            signin.sign_in(services, signin_lockout, ADMIN_EMAIL, "wrong password", CLIENT)
    signin.sign_in(services, signin_lockout, ADMIN_EMAIL, PASSWORD, CLIENT)
    with pytest.raises(SignInFailed) as refused:
        signin.sign_in(services, signin_lockout, ADMIN_EMAIL, "wrong password", CLIENT)
    assert refused.value.remaining == 4


def _wrong_tries_from(services, lockout, client, emails) -> None:
    """Five wrong passwords for each e-mail from `client` (each e-mail ends locked)."""
    for email in emails:
        for _ in range(5):
            with pytest.raises(SignInFailed):
                signin.sign_in(services, lockout, email, "wrong password", client)


def test_typos_behind_one_address_do_not_refuse_other_accounts_right_passwords(services, company_id,
                                                                              signin_lockout):
    other_tenant = make_company(services, "Globex AG", "cfo@globex.example")
    # Twenty wrong tries from the office's one address: the ceiling is used up, ADMIN_EMAIL locked with three more.
    _wrong_tries_from(services, signin_lockout, CLIENT,
                      [ADMIN_EMAIL, "typo@acme.example", "typo@globex.example", "nobody@nowhere.example"])
    with pytest.raises(SignInLocked):
        signin.sign_in(services, signin_lockout, ADMIN_EMAIL, PASSWORD, CLIENT)
    # Another tenant's admin behind the same address signs in with the right password.
    [account] = signin.sign_in(services, signin_lockout, "cfo@globex.example", PASSWORD, CLIENT)
    assert account.company_id == other_tenant
    # The locked account stays locked, from every address.
    with pytest.raises(SignInLocked):
        signin.sign_in(services, signin_lockout, ADMIN_EMAIL, PASSWORD, "198.51.100.9")


def test_past_its_ceiling_an_address_gets_one_try_per_account_and_locks_none(services, company_id,
                                                                            signin_lockout):
    make_company(services, "Globex AG", "cfo@globex.example")
    _wrong_tries_from(services, signin_lockout, CLIENT,
                      ["a@acme.example", "b@acme.example", "c@acme.example", "d@acme.example"])
    with pytest.raises(SignInFailed) as refused:
        signin.sign_in(services, signin_lockout, "cfo@globex.example", "wrong password", CLIENT)
    assert refused.value.remaining == 0
    # Now failing: refused from this address even with the right password, and not locked elsewhere (one try
    # counted, four left).
    with pytest.raises(SignInLocked):
        signin.sign_in(services, signin_lockout, "cfo@globex.example", PASSWORD, CLIENT)
    with pytest.raises(SignInFailed) as elsewhere:
        signin.sign_in(services, signin_lockout, "cfo@globex.example", "wrong password", "198.51.100.9")
    assert elsewhere.value.remaining == 3
    assert signin.sign_in(services, signin_lockout, "cfo@globex.example", PASSWORD, "198.51.100.9")


def test_an_email_in_several_companies_opens_those_its_password_fits(services, company_id, signin_lockout):
    make_company(services, "Globex AG")  # the same e-mail and password
    third = make_company(services, "Zeta Ltd", "cfo@zeta.example")
    users.add_user(services, third, ADMIN_EMAIL, "approver", actor="cfo@zeta.example")  # invited: no password yet
    accounts = signin.sign_in(services, signin_lockout, ADMIN_EMAIL, PASSWORD, CLIENT)
    assert [account.company_name for account in accounts] == ["Acme GmbH", "Globex AG"]


def test_an_invited_user_cannot_sign_in_before_setting_a_password(services, company_id, signin_lockout):
    users.add_user(services, company_id, "clerk@acme.example", "approver", actor=ADMIN_EMAIL)
    with pytest.raises(SignInFailed):
        signin.sign_in(services, signin_lockout, "clerk@acme.example", "", CLIENT)


def test_a_session_ends_with_a_reset_or_a_removal_and_follows_the_role(services, settings, company_id,
                                                                      signin_lockout):
    second = users.add_user(services, company_id, "second@acme.example", "admin", actor=ADMIN_EMAIL).user
    token = last_link_to(settings.instance_path, "second@acme.example").rsplit("/", 1)[1]
    users.set_password_from_link(services, token, "second password!", "second password!")
    [account] = signin.sign_in(services, signin_lockout, "second@acme.example", "second password!", CLIENT)
    users.change_role(services, company_id, second.id, "approver", actor=ADMIN_EMAIL)
    assert signin.session_user(services, account.user_id, account.stamp).role is UserRole.APPROVER
    assert signin.session_user(services, account.user_id, "another stamp") is None
    users.reset_password(services, company_id, second.id, actor=ADMIN_EMAIL)
    assert signin.session_user(services, account.user_id, account.stamp) is None
    [admin] = signin.sign_in(services, signin_lockout, ADMIN_EMAIL, PASSWORD, CLIENT)
    third = users.add_user(services, company_id, "third@acme.example", "admin", actor=ADMIN_EMAIL)
    users.set_password_from_link(services, third.url.rsplit("/", 1)[1], "third password!", "third password!")
    users.remove_user(services, company_id, admin.user_id, actor="third@acme.example")
    assert signin.session_user(services, admin.user_id, admin.stamp) is None


def test_without_redis_signing_in_pauses(services, company_id):
    unreachable = Lockout(Redis(port=1, socket_connect_timeout=0.2), prefix="test")
    with pytest.raises(SignInPaused) as paused:
        signin.sign_in(services, unreachable, ADMIN_EMAIL, PASSWORD, CLIENT)
    assert paused.value.http_status == 503


def test_a_weak_hash_is_replaced_on_sign_in_and_the_session_stands(services, company_id, signin_lockout):
    with transaction(services.session_factory) as session:
        row = session.query(UserRow).one()
        row.password_hash = weak = PasswordHasher(time_cost=1, memory_cost=256, parallelism=1).hash(PASSWORD)
    [account] = signin.sign_in(services, signin_lockout, ADMIN_EMAIL, PASSWORD, CLIENT)
    with transaction(services.session_factory) as session:
        assert session.query(UserRow).one().password_hash != weak
    assert signin.session_user(services, account.user_id, account.stamp) is not None
