"""`hrsync sync --wait` with no worker, `hrsync syncs list` and `hrsync syncs show [--follow]` (issue 12 item 14)."""

from __future__ import annotations

import re

import fakeredis
import pytest
from click.testing import CliRunner

from hrsync.cli import main
from store.db import transaction
from store.enums import SyncStatus
from store.repositories import sync_runs
from core import queueing
from workers.worker import make_worker
from core.bootstrap import build_services

from tests.unit.cli.test_cli_admin import (cli, company, env, fake_redis, hr,  # noqa: F401
                                           one_line_error, settings, synced)


@pytest.mark.parametrize("command", [["syncs", "list"], ["syncs", "show"]], ids=lambda c: "-".join(c))
def test_each_syncs_command_explains_itself_with_an_example(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "Example: hrsync syncs" in result.output


def _runs(settings, company_id: str) -> list[sync_runs.SyncRun]:
    services = build_services(settings)
    try:
        with transaction(services.session_factory) as session:
            return sync_runs.recent_runs(session, company_id, 10)
    finally:
        services.dispose()


def test_sync_wait_with_no_worker_running_says_so_at_once(cli, company, settings, fake_redis):
    """It used to wait the whole --timeout (900 s by default) for a worker that was not there."""
    cli("integration", "set", company, "--provider", "personio", "--client-id", "p", "--client-secret", "s")

    result = cli("sync", company, "--wait", "--timeout", "5")

    one_line_error(result, "no worker of this installation is running")
    assert "sync 1 stays queued until one starts (`hrsync worker`" in result.output
    assert [run.status for run in _runs(settings, company)] == [SyncStatus.QUEUED]


def test_a_worker_of_another_installation_does_not_count(cli, company, settings, fake_redis):
    cli("integration", "set", company, "--provider", "personio", "--client-id", "p", "--client-secret", "s")
    other = fakeredis.FakeRedis(server=fake_redis)
    make_worker(other, "another-installation", name="theirs").register_birth()

    one_line_error(cli("sync", company, "--wait", "--timeout", "5"), "no worker of this installation is running")


@pytest.fixture
def history(synced, settings):
    """The succeeded sync of `synced`, then a failed one and a queued one (returns their ids, oldest first)."""
    services, succeeded = synced
    with transaction(services.session_factory) as session:
        company_id = sync_runs.get_run(session, succeeded).company_id
        failed = sync_runs.create_run(session, company_id, "personio", "incremental", trigger="cron",
                                      requested_by="cron").id
        sync_runs.start_run(session, failed)
        sync_runs.fail_run(session, failed, "Personio rejected the client id p", "provider_auth_failed")
        queued = sync_runs.create_run(session, company_id, "personio", "targeted", ["7", "9"], trigger="webhook",
                                      requested_by="personio").id
    return company_id, succeeded, failed, queued


@pytest.fixture
def wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")  # one table row per line


def test_syncs_list_shows_the_newest_first_with_status_trigger_mode_counts_and_error(cli, history, wide):
    company_id, succeeded, failed, queued = history

    result = cli("syncs", "list", "Acme GmbH")

    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines() if re.match(r"^\s*\d+\s", line)]
    assert [(int(row[0]), row[1]) for row in rows] == [(queued, "queued"), (failed, "failed"),
                                                       (succeeded, "succeeded")]
    assert [row[2] for row in rows] == ["webhook", "cron", "manual"]
    assert rows[0][3:5] == ["targeted", "(2)"] and rows[1][3] == "incremental" and rows[2][3] == "full"
    assert " ".join(rows[1]).endswith("Personio rejected the client id p")
    assert " ".join(rows[2]).endswith(" 2 create 2")  # fetched, then the changes


def test_syncs_list_filters_by_status_and_limits(cli, history, wide):
    company_id, _succeeded, failed, queued = history
    only_failed = cli("syncs", "list", company_id, "--status", "failed").output
    assert "Personio rejected" in only_failed and "webhook" not in only_failed
    newest = cli("syncs", "list", company_id, "--limit", "1").output
    assert re.search(rf"^\s*{queued}\s+queued", newest, re.M) and not re.search(rf"^\s*{failed}\s", newest, re.M)
    assert cli("syncs", "list", company_id, "--status", "running").output.strip() == "Acme GmbH has no running syncs"
    crons = cli("syncs", "list", company_id, "--trigger", "cron").output
    assert re.search(rf"^\s*{failed}\s+failed\s+cron", crons, re.M) and not re.search(rf"^\s*{queued}\s", crons, re.M)
    assert cli("syncs", "list", company_id, "--trigger", "cron", "--status", "queued").output.strip() == (
        "Acme GmbH has no queued cron syncs")


def test_syncs_show_describes_one_sync_with_its_approve_link(cli, history):
    _company_id, succeeded, failed, _queued = history

    shown = cli("syncs", "show", str(succeeded))
    broken = cli("syncs", "show", str(failed))

    assert shown.exit_code == 0 and broken.exit_code == 0, shown.output + broken.output
    assert shown.output.startswith(f"sync {succeeded} of Acme GmbH (personio): succeeded")
    assert "mode:     full" in shown.output and "changes:  create 2" in shown.output
    assert re.search(r"approve at https://hrsync\.example/approvals/\S+", shown.output)
    assert "error:    Personio rejected the client id p" in broken.output
    assert "trigger:  cron (cron)" in broken.output and "trigger:  manual" in shown.output
    assert "to do:    Check the credentials" in broken.output and "to do:" not in shown.output


def test_syncs_show_follow_of_a_finished_sync_returns_at_once(cli, history):
    _company_id, succeeded, failed, _queued = history
    assert cli("syncs", "show", str(succeeded), "--follow").exit_code == 0
    assert cli("syncs", "show", str(failed), "--follow").exit_code == 1  # what it followed failed


def test_syncs_show_follow_with_no_worker_running_says_so_at_once(cli, history, fake_redis):
    _company_id, _succeeded, _failed, queued = history
    one_line_error(cli("syncs", "show", str(queued), "--follow"), "no worker of this installation is running")


@pytest.mark.parametrize("args, message", [
    (["syncs", "show", "4711"], "no sync 4711"),
    (["syncs", "list", "Nobody Ltd"], "no company 'Nobody Ltd'"),
], ids=["unknown-sync", "unknown-company"])
def test_syncs_mistakes_are_one_line(cli, args, message):
    one_line_error(cli(*args), message)
