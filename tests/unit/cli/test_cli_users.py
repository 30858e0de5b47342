"""`hrsync user add|list|remove|reset-password` through click's runner: the outbox gets the link, mistakes are one
line and a non-zero exit."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet

from hrsync.cli import main
from tests.outbox import last_link_to, messages_to

PASSWORD = "correct horse battery staple"


@pytest.fixture
def env(tmp_path):
    return {"HRSYNC_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "SECRET_KEY": "s" * 40, "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "PUBLIC_BASE_URL": "https://hrsync.example", "REDIS_URL": "redis://127.0.0.1:1/0"}


@pytest.fixture
def cli(env):
    runner = CliRunner()

    def invoke(*args, input: str | None = None):
        return runner.invoke(main, list(args), env=env, input=input)

    assert invoke("db", "upgrade").exit_code == 0
    assert invoke("company", "create", "Acme GmbH", "--approver", "cfo@acme.example", input=PASSWORD + "\n").exit_code == 0
    return invoke


def one_line_error(result, start: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith(f"Error: {start}"), result.output
    assert "Traceback" not in result.output


def test_add_list_reset_and_remove(cli, tmp_path):
    added = cli("user", "add", "Acme GmbH", "Clerk@Acme.example")
    assert added.exit_code == 0, added.output
    assert "added clerk@acme.example to Acme GmbH as approver" in added.output
    assert str(tmp_path / "outbox") in added.output
    assert last_link_to(tmp_path, "clerk@acme.example").startswith("https://hrsync.example/set-password/")

    listed = cli("user", "list", "acme gmbh")
    assert listed.exit_code == 0
    rows = {line.split()[0]: line.split()[1:] for line in listed.output.splitlines() if "@" in line}
    assert rows["cfo@acme.example"][:2] == ["admin", "active"]
    assert rows["clerk@acme.example"][:2] == ["approver", "invited:"]

    reset = cli("user", "reset-password", "Acme GmbH", "cfo@acme.example")
    assert reset.exit_code == 0, reset.output
    assert "the password of cfo@acme.example no longer works" in reset.output
    assert "reset your hrsync password" in messages_to(tmp_path, "cfo@acme.example")[-1].get_content()

    removed = cli("user", "remove", "Acme GmbH", "clerk@acme.example")
    assert removed.exit_code == 0 and "removed clerk@acme.example (approver)" in removed.output


@pytest.mark.parametrize("args, start", [
    (("user", "add", "Acme GmbH", "not-an-address"), "enter an e-mail address"),
    (("user", "add", "Acme GmbH", "cfo@acme.example"), "cfo@acme.example is already a user"),
    (("user", "add", "Nope Inc", "x@nope.example"), "no company 'Nope Inc'"),
    (("user", "remove", "Acme GmbH", "cfo@acme.example"), "a company needs at least one admin"),
    (("user", "remove", "Acme GmbH", "ghost@acme.example"), "ghost@acme.example is not a user of this company"),
    (("user", "reset-password", "Acme GmbH", "ghost@acme.example"), "ghost@acme.example is not a user"),
], ids=["bad-email", "duplicate", "unknown-company", "last-admin", "unknown-user", "reset-unknown"])
def test_mistakes_are_one_line(cli, args, start):
    one_line_error(cli(*args), start)


def test_an_unknown_role_is_refused_by_the_option(cli):
    result = cli("user", "add", "Acme GmbH", "x@acme.example", "--role", "owner")
    assert result.exit_code == 2 and "'owner' is not one of 'admin', 'approver'" in result.output


def test_without_a_mail_server_reachable_the_link_is_printed_once(cli, env):
    env["SMTP_URL"] = "smtp://127.0.0.1:1"
    result = cli("user", "add", "Acme GmbH", "clerk@acme.example")
    assert result.exit_code == 0, result.output
    assert "give them this link" in result.output
    assert "https://hrsync.example/set-password/" in result.output
