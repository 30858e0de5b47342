"""services/users.py: add with an invitation, roles, removal, resets and set-password links (single-use,
expiring); the last admin stays."""

from __future__ import annotations

import pytest

from core.errors import (DuplicateUser, ExpiredPasswordLink, InvalidField, InvalidPasswordLink, LastAdmin, NotFound,
                         UsedPasswordLink, classify)
from core.password_links import PasswordLinkSigner
from services import users
from store.db import transaction
from store.enums import UserRole
from store.errors import NotFound as NoRow
from store.repositories import approvers, audit
from tests.outbox import last_link_to, messages_to
from tests.unit.services.conftest import ADMIN_EMAIL, PASSWORD, make_company

NEW = "clerk@acme.example"
NEW_PASSWORD = "a new password of some length"


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _verify(services, company_id, email, password) -> bool:
    with transaction(services.session_factory) as session:
        return approvers.verify_approver(session, company_id, email, password)


def _admin_id(services, company_id) -> int:
    return next(user.id for user in users.list_users(services, company_id) if user.email == ADMIN_EMAIL)


def test_the_company_creator_is_its_admin(services, company_id):
    [user] = users.list_users(services, company_id)
    assert (user.email, user.role, user.has_password, user.link_pending) == (ADMIN_EMAIL, UserRole.ADMIN, True, False)


def test_an_added_user_is_invited_by_mail_and_the_link_sets_the_password_once(services, settings, company_id):
    invitation = users.add_user(services, company_id, " Clerk@Acme.example ", "approver", actor=ADMIN_EMAIL)
    assert (invitation.user.email, invitation.user.role) == (NEW, UserRole.APPROVER)
    assert not invitation.user.has_password and invitation.user.link_pending
    assert invitation.delivered.endswith(".eml")
    [mail] = messages_to(settings.instance_path, NEW)
    assert "Acme GmbH" in mail["Subject"] and ADMIN_EMAIL in mail.get_content()
    url = last_link_to(settings.instance_path, NEW)
    assert url == invitation.url and url.startswith("https://hrsync.test/set-password/")
    assert not _verify(services, company_id, NEW, NEW_PASSWORD)

    holder = users.open_password_link(services, _token(url))
    assert (holder.email, holder.company_name) == (NEW, "Acme GmbH")
    users.set_password_from_link(services, _token(url), NEW_PASSWORD, NEW_PASSWORD)
    assert _verify(services, company_id, NEW, NEW_PASSWORD)
    with pytest.raises(UsedPasswordLink):
        users.set_password_from_link(services, _token(url), "yet another password", "yet another password")
    with pytest.raises(UsedPasswordLink):
        users.open_password_link(services, _token(url))
    assert _verify(services, company_id, NEW, NEW_PASSWORD)


@pytest.mark.parametrize("email, role, field", [
    ("not-an-address", "approver", "email"), ("two words@acme.example", "approver", "email"),
    (NEW, "owner", "role"), (ADMIN_EMAIL.upper(), "approver", "email"),
], ids=["no-at", "space", "unknown-role", "duplicate"])
def test_bad_input_is_refused_on_its_field(services, company_id, email, role, field):
    with pytest.raises(InvalidField) as refused:
        users.add_user(services, company_id, email, role, actor=ADMIN_EMAIL)
    assert refused.value.field == field
    assert len(users.list_users(services, company_id)) == 1


def test_a_duplicate_is_a_conflict(services, company_id):
    with pytest.raises(DuplicateUser) as refused:
        users.add_user(services, company_id, ADMIN_EMAIL, "approver", actor=ADMIN_EMAIL)
    assert refused.value.http_status == 409 and "already a user" in refused.value.message


def test_the_last_admin_can_be_neither_demoted_nor_removed(services, company_id):
    admin = _admin_id(services, company_id)
    with pytest.raises(LastAdmin) as refused:
        users.change_role(services, company_id, admin, "approver", actor=ADMIN_EMAIL)
    assert "at least one admin" in refused.value.message
    with pytest.raises(LastAdmin):
        users.remove_user(services, company_id, admin, actor=ADMIN_EMAIL)
    second = users.add_user(services, company_id, NEW, "admin", actor=ADMIN_EMAIL)
    users.set_password_from_link(services, _token(second.url), NEW_PASSWORD, NEW_PASSWORD)
    assert users.change_role(services, company_id, admin, "approver", actor=NEW).role is UserRole.APPROVER
    with pytest.raises(LastAdmin):
        users.remove_user(services, company_id, second.user.id, actor=NEW)
    users.change_role(services, company_id, admin, "admin", actor=NEW)
    assert users.remove_user(services, company_id, second.user.id, actor=ADMIN_EMAIL).email == NEW
    assert [user.email for user in users.list_users(services, company_id)] == [ADMIN_EMAIL]


def test_admins_who_never_set_a_password_do_not_count_as_the_admin_who_stays(services, company_id):
    admin = _admin_id(services, company_id)
    pending = [users.add_user(services, company_id, f"admin{n}@acme.example", "admin", actor=ADMIN_EMAIL)
               for n in (1, 2)]
    for change in (lambda: users.change_role(services, company_id, admin, "approver", actor=ADMIN_EMAIL),
                   lambda: users.remove_user(services, company_id, admin, actor=ADMIN_EMAIL)):
        with pytest.raises(LastAdmin) as refused:
            change()
        assert f"{ADMIN_EMAIL} is the only admin who can sign in" in refused.value.message
    assert users.get_user(services, company_id, admin).role is UserRole.ADMIN
    # An invitation can go: the admin who signs in stays.
    assert users.change_role(services, company_id, pending[0].user.id, "approver",
                             actor=ADMIN_EMAIL).role is UserRole.APPROVER
    users.remove_user(services, company_id, pending[0].user.id, actor=ADMIN_EMAIL)
    # Once another admin has set a password, the first may step down.
    users.set_password_from_link(services, _token(pending[1].url), NEW_PASSWORD, NEW_PASSWORD)
    assert users.change_role(services, company_id, admin, "approver", actor=ADMIN_EMAIL).role is UserRole.APPROVER
    with pytest.raises(LastAdmin):
        users.remove_user(services, company_id, pending[1].user.id, actor=ADMIN_EMAIL)


def test_an_approver_can_be_removed_and_promoted(services, company_id):
    clerk = users.add_user(services, company_id, NEW, "approver", actor=ADMIN_EMAIL).user
    assert users.change_role(services, company_id, clerk.id, "admin", actor=ADMIN_EMAIL).role is UserRole.ADMIN
    users.remove_user(services, company_id, clerk.id, actor=ADMIN_EMAIL)
    assert [user.email for user in users.list_users(services, company_id)] == [ADMIN_EMAIL]


def test_another_companys_user_is_not_found(services, company_id):
    other = make_company(services, "Globex AG", "cfo@globex.example")
    theirs = users.list_users(services, other)[0].id
    for action in (lambda: users.remove_user(services, company_id, theirs, actor=ADMIN_EMAIL),
                   lambda: users.change_role(services, company_id, theirs, "approver", actor=ADMIN_EMAIL),
                   lambda: users.reset_password(services, company_id, theirs, actor=ADMIN_EMAIL)):
        with pytest.raises(NoRow) as refused:
            action()
        assert isinstance(classify(refused.value), NotFound)
    assert users.list_users(services, other)[0].has_password


def test_a_reset_ends_the_password_and_only_the_newest_link_works(services, settings, company_id):
    first = users.add_user(services, company_id, NEW, "approver", actor=ADMIN_EMAIL)
    users.set_password_from_link(services, _token(first.url), NEW_PASSWORD, NEW_PASSWORD)
    reset = users.reset_password(services, company_id, first.user.id, actor=ADMIN_EMAIL)
    assert not reset.user.has_password and reset.user.link_pending
    assert not _verify(services, company_id, NEW, NEW_PASSWORD)
    assert "reset" in messages_to(settings.instance_path, NEW)[-1].get_content()
    again = users.reset_password(services, company_id, first.user.id, actor=ADMIN_EMAIL)
    with pytest.raises(UsedPasswordLink):
        users.open_password_link(services, _token(reset.url))
    users.set_password_from_link(services, _token(again.url), "the third password", "the third password")
    assert _verify(services, company_id, NEW, "the third password")


def test_links_expire_and_refuse_tampering(services, settings, company_id):
    now = [1_000_000.0]
    links = PasswordLinkSigner(settings.secret_key, settings.public_base_url, clock=lambda: now[0])
    invitation = users.add_user(services, company_id, NEW, "approver", actor=ADMIN_EMAIL, links=links)
    token = _token(invitation.url)
    now[0] = 10**10  # itsdangerous signs with the real clock; this one reads far in the future
    with pytest.raises(ExpiredPasswordLink) as expired:
        users.open_password_link(services, token, links)
    assert expired.value.http_status == 410 and "3 days" in expired.value.message
    with pytest.raises(InvalidPasswordLink):
        users.open_password_link(services, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with pytest.raises(InvalidPasswordLink):
        users.open_password_link(services, "not-a-link")


def test_a_removed_users_link_is_not_valid(services, company_id):
    invitation = users.add_user(services, company_id, NEW, "approver", actor=ADMIN_EMAIL)
    users.remove_user(services, company_id, invitation.user.id, actor=ADMIN_EMAIL)
    with pytest.raises(InvalidPasswordLink):
        users.open_password_link(services, _token(invitation.url))


@pytest.mark.parametrize("password, confirm, field", [("short", "short", "password"),
                                                      (NEW_PASSWORD, NEW_PASSWORD + "!", "confirm")])
def test_a_weak_or_mistyped_password_is_refused_and_the_link_still_works(services, company_id, password, confirm,
                                                                         field):
    invitation = users.add_user(services, company_id, NEW, "approver", actor=ADMIN_EMAIL)
    with pytest.raises(InvalidField) as refused:
        users.set_password_from_link(services, _token(invitation.url), password, confirm)
    assert refused.value.field == field
    users.set_password_from_link(services, _token(invitation.url), NEW_PASSWORD, NEW_PASSWORD)


def test_user_changes_are_audited_with_their_actor(services, company_id):
    invitation = users.add_user(services, company_id, NEW, "approver", actor=ADMIN_EMAIL)
    users.change_role(services, company_id, invitation.user.id, "admin", actor=ADMIN_EMAIL)
    users.reset_password(services, company_id, invitation.user.id, actor="command line")
    users.remove_user(services, company_id, invitation.user.id, actor=ADMIN_EMAIL)
    with transaction(services.session_factory) as session:
        entries = audit.list_entries(session, company_id).items
    assert [(entry.actor, entry.action) for entry in reversed(entries)] == [
        (ADMIN_EMAIL, "add_user"), (ADMIN_EMAIL, "change_role"), ("command line", "reset_password"),
        (ADMIN_EMAIL, "remove_user")]
    assert all(PASSWORD not in (entry.detail or "") for entry in entries)


def test_an_invitation_that_cannot_be_mailed_still_creates_the_user(services, settings, company_id, monkeypatch):
    from dataclasses import replace
    services.settings = replace(settings, smtp_url="smtp://127.0.0.1:1")
    invitation = users.add_user(services, company_id, NEW, "approver", actor=ADMIN_EMAIL)
    assert invitation.delivered is None
    assert [user.email for user in users.list_users(services, company_id)] == [ADMIN_EMAIL, NEW]
