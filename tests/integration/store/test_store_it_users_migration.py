"""Migration 0006 on SQLite and PostgreSQL: today's approvers become users, keeping their passwords; the one
`hrsync company create` made (each company's first) is an admin."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import command

from store import migrate, passwords
from store.db import make_engine, make_session_factory, transaction
from store.repositories import approvers

AT = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.timezone.utc)
BEFORE = "0005"  # the revision before users


def _run(url: str, verb, revision: str) -> None:
    engine = make_engine(url, sqlite_foreign_keys=False)
    try:
        with engine.begin() as connection:
            config = migrate.alembic_config()
            config.attributes["connection"] = connection
            verb(config, revision)
    finally:
        engine.dispose()


def _seed_approvers(url: str) -> dict[str, str]:
    """Two companies before users: Acme with its first approver and a second one, Globex with one."""
    hashes = {email: passwords.hash_password(f"pw of {email}")
              for email in ("boss@acme.example", "clerk@acme.example", "cfo@globex.example")}
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for company_id, name in (("co_acme", "Acme"), ("co_globex", "Globex")):
                connection.execute(sa.text(
                    "INSERT INTO companies (id, name, name_key, name_format, termination_policy, ex_employee_group,"
                    " employee_group, import_terminated, use_preferred_name, created_at) VALUES (:id, :name,"
                    " :key, 'first_last', 'propose_group', 'Ex', 'Employees', false, false, :at)"),
                    {"id": company_id, "name": name, "key": name.lower(), "at": AT})
            for company_id, email in (("co_acme", "boss@acme.example"), ("co_globex", "cfo@globex.example"),
                                      ("co_acme", "clerk@acme.example")):
                connection.execute(sa.text(
                    "INSERT INTO approvers (company_id, email, password_hash, created_at) VALUES (:company,"
                    " :email, :hash, :at)"), {"company": company_id, "email": email, "hash": hashes[email], "at": AT})
    finally:
        engine.dispose()
    return hashes


def _users(url: str) -> list[tuple]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(
                "SELECT company_id, email, role, password_hash, password_link_hash FROM users ORDER BY email"))]
    finally:
        engine.dispose()


def test_approvers_become_users_with_their_passwords_and_the_first_an_admin(fresh_url):
    _run(fresh_url, command.upgrade, BEFORE)
    hashes = _seed_approvers(fresh_url)
    assert migrate.upgrade(fresh_url) == migrate.head()
    assert _users(fresh_url) == [
        ("co_acme", "boss@acme.example", "admin", hashes["boss@acme.example"], None),
        ("co_globex", "cfo@globex.example", "admin", hashes["cfo@globex.example"], None),
        ("co_acme", "clerk@acme.example", "approver", hashes["clerk@acme.example"], None),
    ]
    engine = make_engine(fresh_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            assert approvers.verify_approver(session, "co_acme", "clerk@acme.example", "pw of clerk@acme.example")
            assert not approvers.verify_approver(session, "co_acme", "clerk@acme.example", "pw of boss@acme.example")
    finally:
        engine.dispose()


def test_downgrade_gives_back_the_approvers(fresh_url):
    _run(fresh_url, command.upgrade, BEFORE)
    hashes = _seed_approvers(fresh_url)
    migrate.upgrade(fresh_url)
    _run(fresh_url, command.downgrade, BEFORE)
    engine = make_engine(fresh_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT email, password_hash FROM approvers ORDER BY email")).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == sorted(hashes.items())
