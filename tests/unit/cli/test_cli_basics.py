"""The command line: help, `db upgrade`, and one clear line for user mistakes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet

from hrsync.cli import main


@pytest.fixture
def env(tmp_path):
    return {"HRSYNC_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "SECRET_KEY": "s" * 40, "ENCRYPTION_KEYS": Fernet.generate_key().decode()}


def test_help_lists_the_commands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("db", "web", "worker", "demo", "sandbox"):
        assert f"  {command} " in result.output


@pytest.mark.parametrize("command", [["db", "upgrade"], ["demo"], ["sandbox"], ["web"], ["worker"]],
                         ids=lambda c: "-".join(c))
def test_each_command_explains_itself_with_an_example(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_db_upgrade_migrates_and_can_run_again(env, tmp_path):
    runner = CliRunner()
    first = runner.invoke(main, ["db", "upgrade"], env=env)
    second = runner.invoke(main, ["db", "upgrade"], env=env)
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert first.output.startswith("database at revision ")
    assert first.output == second.output
    assert (tmp_path / "cli.db").exists()


@pytest.mark.parametrize("override, message", [
    ({"ENCRYPTION_KEYS": "not-a-key"}, "Error: ENCRYPTION_KEYS entry 1 is not a valid Fernet key"),
    ({"HRSYNC_ENV": "production", "SECRET_KEY": ""}, "Error: SECRET_KEY must be set when HRSYNC_ENV=production"),
], ids=["bad-key", "production-without-secret"])
def test_configuration_mistakes_print_one_line_and_fail(env, override, message):
    result = CliRunner().invoke(main, ["db", "upgrade"], env=env | override)
    assert result.exit_code == 1
    assert result.output.strip() == message + (
        " (32 url-safe base64-encoded bytes)" if "Fernet" in message else
        " (generated development secrets are refused)")
    assert "Traceback" not in result.output


def test_unreachable_database_is_one_line(env):
    result = CliRunner().invoke(main, ["db", "upgrade"],
                                env=env | {"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot reach the database")


def test_unreachable_redis_is_one_line(env):
    assert CliRunner().invoke(main, ["db", "upgrade"], env=env).exit_code == 0  # the worker checks the database first
    result = CliRunner().invoke(main, ["worker", "--burst"], env=env | {"REDIS_URL": "redis://127.0.0.1:1/0"})
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot reach Redis (check REDIS_URL)")


@pytest.mark.parametrize("database, message", [
    (None, "Error: the database schema is missing or old: run `hrsync db upgrade` first"),
    ("postgresql+psycopg://hrsync:pw-not-shown@127.0.0.1:1/none", "Error: cannot reach the database (check "
                                                                  "DATABASE_URL): connection failed: "),
], ids=["not-migrated", "unreachable"])
def test_the_worker_checks_the_database_before_it_starts(env, database, message):
    """Issue 12 item 12: a worker that cannot use the database says so in one line and exits 1 (it used to start
    and fail every job)."""
    override = {"REDIS_URL": "redis://127.0.0.1:1/0"} | ({"DATABASE_URL": database} if database else {})
    result = CliRunner().invoke(main, ["worker", "--burst"], env=env | override)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message) and "pw-not-shown" not in result.output
