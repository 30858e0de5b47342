"""The admin commands through click's runner: company, integration, fields, mapping, sync, changes."""

from __future__ import annotations

import datetime as dt
import re

import fakeredis
import pytest
import redis
from click.testing import CliRunner
from cryptography.fernet import Fernet

from domain.employee import Employee, EmploymentStatus
from providers.errors import ProviderAuthError, ProviderUnavailable
from hrsync.cli import admin_support, main
from hrsync.cli.errors import UserError
from hrsync.cli.sync_commands import follow, report
from core.settings import Settings
from rich.console import Console
from store.db import transaction
from store.repositories import companies, integrations, stakeholders, sync_runs, tokens
from tests.unit.webhook_app.admin_fakes import FakeHR
from core.bootstrap import build_services
from services.sync_run import execute_sync

PASSWORD = "correct horse battery staple"


@pytest.fixture
def env(tmp_path):
    return {"HRSYNC_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "SECRET_KEY": "s" * 40, "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "PUBLIC_BASE_URL": "https://hrsync.example", "REDIS_URL": "redis://127.0.0.1:1/0"}


@pytest.fixture
def settings(env):
    return Settings.from_env(env)


@pytest.fixture
def hr(monkeypatch):
    """The commands' services get a fake HR system (no network in the unit tier)."""
    fake = FakeHR()
    monkeypatch.setattr(admin_support, "build_services",
                        lambda settings: build_services(settings, provider_factory=fake.factory))
    return fake


@pytest.fixture
def cli(env, hr):
    runner = CliRunner()

    def invoke(*args, input: str | None = None):
        return runner.invoke(main, list(args), env=env, input=input)

    assert invoke("db", "upgrade").exit_code == 0
    return invoke


@pytest.fixture
def company(cli):
    result = cli("company", "create", "Acme GmbH", "--approver", "cfo@acme.example", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    return re.search(r"company id: (co_[0-9a-f]+)", result.output)[1]


def one_line_error(result, start: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith(f"Error: {start}"), result.output
    assert "Traceback" not in result.output


COMMANDS = [["company", "create"], ["integration", "set"], ["integration", "show"],
            ["integration", "webhook-secret"], ["fields"], ["mapping", "set"], ["mapping", "show"], ["sync"],
            ["changes", "show"], ["changes", "approve"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c))
def test_each_admin_command_explains_itself_with_an_example(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example: hrsync " + command[0] in result.output


def test_company_create_prints_id_and_a_working_token(cli, settings):
    result = cli("company", "create", "Acme GmbH", "--approver", "cfo@acme.example", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    company_id = re.search(r"company id: (co_[0-9a-f]{16})", result.output)[1]
    token = re.search(r"API token: +(hrs_\S+)", result.output)[1]
    services = build_services(settings)
    with transaction(services.session_factory) as session:
        assert tokens.company_for_token(session, token) == company_id
    services.dispose()


@pytest.mark.parametrize("stdin, message", [("\n", "approver password is empty"), ("short\n", "the approver password")],
                         ids=["empty", "too-short"])
def test_company_create_refuses_a_weak_password(cli, stdin, message):
    one_line_error(cli("company", "create", "Acme", "--approver", "a@acme.example", input=stdin), message)


@pytest.mark.parametrize("name", ["Acme GmbH", "ACME GMBH", " acme  gmbh "])
def test_company_create_refuses_a_name_taken_in_any_case_and_names_the_company(cli, company, settings, name):
    result = cli("company", "create", name, "--approver", "other@acme.example", input=PASSWORD + "\n")
    one_line_error(result, f"a company named 'Acme GmbH' exists already ({company})")
    services = build_services(settings)
    with transaction(services.session_factory) as session:
        assert [c.id for c in companies.list_companies(session)] == [company]
    services.dispose()
    assert cli("integration", "show", "acme gmbh").exit_code == 0


def test_commands_on_an_unmigrated_database_point_at_db_upgrade(env):
    result = CliRunner().invoke(main, ["company", "create", "Acme", "--approver", "a@b.example"], env=env,
                                input=PASSWORD + "\n")
    one_line_error(result, "the database schema is missing or old: run `hrsync db upgrade` first")


def test_bamboohr_key_from_stdin_is_stored_encrypted_and_not_printed(cli, company, settings):
    result = cli("integration", "set", company, "--provider", "bamboohr", "--subdomain", "acme",
                 input="bamboo-key-0123456789\n")
    assert result.exit_code == 0, result.output
    assert f"webhook URL: https://hrsync.example/webhooks/bamboohr/{company}" in result.output
    assert "bamboo-key-0123456789" not in result.output and "Private Key" in result.output
    services = build_services(settings)
    with transaction(services.session_factory) as session:
        assert integrations.get_credentials(session, services.box, company) == {
            "subdomain": "acme", "api_key": "bamboo-key-0123456789"}
    services.dispose()


def test_personio_prints_its_webhook_token_once(cli, company, settings):
    result = cli("integration", "set", "Acme GmbH", "--provider", "personio", "--client-id", "papi-1",
                 "--client-secret", "papi-secret")
    assert result.exit_code == 0, result.output
    token = re.search(r"webhook token \(shown once\): (\S+)", result.output)[1]
    services = build_services(settings)
    with transaction(services.session_factory) as session:
        assert integrations.get_webhook_secret(session, services.box, company) == token
    services.dispose()
    shown = cli("integration", "show", company)
    assert token not in shown.output and "papi-secret" not in shown.output and "Personio (ok)" in shown.output


def test_webhook_secret_rotates_personio_and_stores_bamboohr_key(cli, company, settings):
    cli("integration", "set", company, "--provider", "personio", "--client-id", "p", "--client-secret", "s")
    rotated = cli("integration", "webhook-secret", company)
    assert rotated.exit_code == 0 and "webhook token (shown once): " in rotated.output
    cli("integration", "set", company, "--provider", "bamboohr", "--subdomain", "acme", "--api-key", "k")
    stored = cli("integration", "webhook-secret", company, input="123b929362d51613054f71e5e5d4bf2c\n")
    assert stored.exit_code == 0 and "123b929362d51613054f71e5e5d4bf2c" not in stored.output
    services = build_services(settings)
    with transaction(services.session_factory) as session:
        assert integrations.get_webhook_secret(session, services.box, company) == "123b929362d51613054f71e5e5d4bf2c"
    services.dispose()


@pytest.mark.parametrize("args, message", [
    (["--subdomain", "acme"], "credentials need --provider"),
    ([], "nothing to set"),
    (["--provider", "bamboohr", "--subdomain", "acme", "--client-id", "x"], "--client-id is not a bamboohr credential"),
    (["--provider", "bamboohr", "--api-key", "k"], "bamboohr needs --subdomain"),
    (["--provider", "bamboohr", "--subdomain", "acme corp!", "--api-key", "k"], "the BambooHR subdomain must be"),
    (["--provider", "personio", "--client-id", "p"], "personio client secret is empty"),
], ids=["credentials-without-provider", "nothing", "foreign-option", "missing-subdomain", "bad-subdomain",
        "empty-secret-on-stdin"])
def test_integration_set_mistakes_are_one_line(cli, company, args, message):
    one_line_error(cli("integration", "set", company, *args, input="\n"), message)


@pytest.mark.parametrize("args, secret, message", [
    (["--provider", "bamboohr", "--subdomain", "acme"], "3f2a\u2011b7c9d1e4f5a6b7c8d9e0", "api_key must be the plain"),
    (["--provider", "personio", "--client-id", "papi-client"], "papi\u00a0secret-0123", "client_secret must be"),
], ids=["bamboohr-non-breaking-hyphen", "personio-no-break-space"])
def test_a_key_pasted_with_a_typographic_character_is_one_line_and_not_stored(cli, company, settings, args, secret,
                                                                              message):
    """Issue 12 item 6: it was stored, and every call to the HR system then failed as an internal error."""
    one_line_error(cli("integration", "set", company, *args, input=secret + "\n"), message)
    services = build_services(settings)
    try:
        with transaction(services.session_factory) as session:
            assert integrations.get_integration(session, company) is None
    finally:
        services.dispose()


def test_settings_change_without_touching_the_provider(cli, company):
    result = cli("integration", "set", company, "--name-format", "last_comma_first", "--import-terminated")
    assert result.exit_code == 0, result.output
    assert "name_format=last_comma_first" in result.output and "import_terminated=True" in result.output
    assert "no HR integration yet" in result.output


def test_managed_groups_are_set_and_cleared(cli, company):
    result = cli("integration", "set", company, "--managed-group", "Advisors", "--managed-group", "Board")
    assert result.exit_code == 0, result.output
    assert "managed_groups=Advisors|Board" in result.output
    cleared = cli("integration", "set", company, "--managed-group", "")
    assert cleared.exit_code == 0 and "managed_groups=-" in cleared.output


def test_an_unknown_company_is_one_line(cli):
    one_line_error(cli("integration", "show", "Nobody Ltd"), "no company 'Nobody Ltd'")


def test_fields_show_readability_and_mapping(cli, company):
    cli("integration", "set", company, "--provider", "personio", "--client-id", "p", "--client-secret", "s")
    result = cli("fields", company)
    assert result.exit_code == 0, result.output
    assert re.search(r"dynamic_1006 .* no ", result.output)
    assert re.search(r"first_name .* yes .* first_name", result.output)
    assert "1 field(s) the credential cannot read" in result.output


def test_mapping_set_checks_and_stores(cli, company):
    cli("integration", "set", company, "--provider", "personio", "--client-id", "p", "--client-secret", "s")
    saved = cli("mapping", "set", company, "first_name=first_name", "last_name=last_name", "dynamic_1006=city")
    assert saved.exit_code == 0, saved.output
    assert "mapping saved: 3 field(s)" in saved.output and "cannot read 'dynamic_1006'" in saved.output
    shown = cli("mapping", "show", company)
    assert shown.output.splitlines() == ["# personio mapping", "first_name=first_name", "last_name=last_name",
                                         "dynamic_1006=city"]


@pytest.mark.parametrize("pairs, message", [
    (["first_name=first_name", "last_name=last_name", "email=e_mail"], "unknown target field 'e_mail'"),
    (["first_name=first_name", "last_name=last_name", "first_name=email"], "source field 'first_name' is mapped twice"),
    (["first_name=first_name"], "last_name must be mapped"),
    (["first_name=first_name", "last_name=last_name", "dynamic_4711=city"], "Personio has no field 'dynamic_4711'"),
    (["first_name"], "'first_name' is not SOURCE=TARGET"),
], ids=["unknown-target", "source-twice", "required-missing", "unknown-source", "not-a-pair"])
def test_mapping_mistakes_are_one_line_and_change_nothing(cli, company, pairs, message):
    cli("integration", "set", company, "--provider", "personio", "--client-id", "p", "--client-secret", "s")
    one_line_error(cli("mapping", "set", company, *pairs), message)
    assert "(default)" in cli("mapping", "show", company).output


def test_sync_needs_an_integration(cli, company):
    one_line_error(cli("sync", company), "Acme GmbH has no HR integration yet")


def test_sync_without_redis_queues_nothing_and_says_so(cli, company, settings):
    cli("integration", "set", company, "--provider", "personio", "--client-id", "p", "--client-secret", "s")
    one_line_error(cli("sync", company, "--full"), "the job queue (Redis) did not answer: nothing was queued")
    services = build_services(settings)
    with transaction(services.session_factory) as session:
        assert [run.status.value for run in sync_runs.active_runs(session, company)] == []
    services.dispose()


def test_sync_while_one_is_queued_names_that_one(cli, company, fake_redis):
    cli("integration", "set", company, "--provider", "personio", "--client-id", "p", "--client-secret", "s")
    first = cli("sync", company)
    sync_id = re.search(r"sync (\d+) \(incremental\) of Acme GmbH queued", first.output)[1]
    again = cli("sync", company, "--full")
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[0] == f"sync {sync_id} of Acme GmbH was already queued: no second one queued"



def test_sync_while_another_request_holds_the_company_says_so(cli, company, fake_redis, settings, monkeypatch):
    """The request lock being busy is not Redis being down: the line says which it is."""
    from services import syncs as enqueue
    from core import queueing
    cli("integration", "set", company, "--provider", "personio", "--client-id", "p", "--client-secret", "s")
    monkeypatch.setattr(enqueue, "LOCK_WAIT_SECONDS", 0)
    fakeredis.FakeRedis(server=fake_redis).set(queueing.request_lock_key(settings.namespace, company), "held")
    result = cli("sync", company)
    assert result.exit_code == 1
    assert "another request for this company's sync is still being handled" in result.output
    assert "cannot reach Redis" not in result.output

@pytest.fixture
def synced(cli, company, settings, hr):
    """A company with a succeeded full sync of two employees (the sync core, run in-process)."""
    cli("integration", "set", company, "--provider", "personio", "--client-id", "p", "--client-secret", "s")
    hr.employees = [Employee("1", first_name="Anna", last_name="Müller", status=EmploymentStatus.ACTIVE,
                             hire_date=dt.date(2020, 1, 1)),
                    Employee("2", first_name="Ben", last_name="Okafor", status=EmploymentStatus.ACTIVE)]
    services = build_services(settings, provider_factory=hr.factory)
    with transaction(services.session_factory) as session:
        run = sync_runs.create_run(session, company, "personio", "full")
    execute_sync(services, run.id)
    yield services, run.id
    services.dispose()


def test_follow_returns_a_finished_sync_and_report_prints_counts_and_link(synced, settings, capsys):
    services, sync_id = synced
    run = follow(services, sync_id, timeout=5, console=Console(stderr=True))
    report(settings, run)
    out = capsys.readouterr().out
    assert f"sync {sync_id} succeeded: 2 employees; create 2 · update 0" in out
    assert re.search(r"approve at https://hrsync\.example/approvals/\S+", out)


def test_report_of_a_failed_sync_is_one_error(synced, settings):
    services, sync_id = synced
    with transaction(services.session_factory) as session:
        run = sync_runs.create_run(session, sync_runs.get_run(session, sync_id).company_id, "personio", "full")
        sync_runs.start_run(session, run.id)
        sync_runs.fail_run(session, run.id, "Personio rejected the client id p")
        failed = sync_runs.get_run(session, run.id)
    with pytest.raises(UserError, match="failed: Personio rejected the client id p"):
        report(settings, failed)


def test_changes_show_prints_tables_and_the_approve_link(cli, synced):
    services, sync_id = synced
    with transaction(services.session_factory) as session:
        changeset_id = sync_runs.get_run(session, sync_id).changeset_id
    result = cli("changes", "show", str(changeset_id))
    assert result.exit_code == 0, result.output
    assert f"change set {changeset_id} of Acme GmbH (personio) — pending" in result.output
    assert "New stakeholders (2)" in result.output and "Anna Müller" in result.output
    assert "approve at https://hrsync.example/approvals/" in result.output


def test_changes_show_of_a_missing_change_set_is_one_line(cli):
    one_line_error(cli("changes", "show", "4711"), "no change set 4711")


@pytest.fixture
def fake_redis(monkeypatch):
    """`Redis.from_url` in the commands gets one fakeredis server (the lockout counts tries there)."""
    server = fakeredis.FakeServer()
    monkeypatch.setattr(redis.Redis, "from_url", classmethod(lambda cls, url, **_: fakeredis.FakeRedis(server=server)))
    return server


def test_changes_approve_checks_the_password_then_applies_once(cli, synced, fake_redis):
    services, sync_id = synced
    with transaction(services.session_factory) as session:
        changeset_id = str(sync_runs.get_run(session, sync_id).changeset_id)
    wrong = cli("changes", "approve", changeset_id, "--approver", "cfo@acme.example", input="not the password\n")
    one_line_error(wrong, "the e-mail or password is not right (4 tries left")
    applied = cli("changes", "approve", changeset_id, "--approver", "CFO@acme.example", "--name-format",
                  "last_comma_first", input=PASSWORD + "\n")
    assert applied.exit_code == 0, applied.output
    assert applied.output.strip() == f"change set {changeset_id} applied by cfo@acme.example: create 2"
    assert registry_names(services) == ["Müller, Anna", "Okafor, Ben"]
    again = cli("changes", "approve", changeset_id, "--approver", "cfo@acme.example", input=PASSWORD + "\n")
    one_line_error(again, f"change set {changeset_id} was already applied by cfo@acme.example")
    assert "applied" in cli("changes", "show", changeset_id).output


def registry_names(services) -> list[str]:
    with transaction(services.session_factory) as session:
        company_id = companies.list_companies(session)[0].id
        return [s.name for s in stakeholders.list_stakeholders(session, company_id)]



def _one_item(kind: str, ids: dict[str, int]):
    from domain.changeset import ChangeItem, ChangeKind, FieldChange, Reason

    return {
        "create": ChangeItem(ChangeKind.CREATE, "1", "Ben Okafor", fields={"name": FieldChange(None, "Ben Okafor")}),
        "update": ChangeItem(ChangeKind.UPDATE, "2", "Anna Müller", ids["Anna Müller"],
                             fields={"city": FieldChange("Bonn", "Köln")}),
        "link": ChangeItem(ChangeKind.LINK, "3", "Carl Berg", ids["Carl Berg"]),
        "leaver": ChangeItem(ChangeKind.LEAVER, "4", "Dora Roth", ids["Dora Roth"],
                             termination_date=dt.date(2024, 3, 31),
                             fields={"group": FieldChange("Employees", "Ex-employee")}),
        "review": ChangeItem(ChangeKind.REVIEW, "5", "Eva Stein", reason=Reason.SIMILAR_NAME,
                             candidates=(ids["Eve Stein"],)),
        "skip": ChangeItem(ChangeKind.SKIP, "6", "Finn Wolf", reason=Reason.TERMINATED),
    }[kind]


SHOWN = {
    "create": ("New stakeholders (1)", "(new)", "name=Ben Okafor"),
    "update": ("Updates (1)", "Anna Müller", "city: Bonn → Köln"),
    "link": ("Links to existing stakeholders (1)", "Carl Berg"),
    "leaver": ("Leavers (1)", "Dora Roth", "group: Employees → Ex-employee", "terminated 2024-03-31"),
    "review": ("To review (1)", "similar_name", "candidates: #", "Eve Stein"),
    "skip": ("Skipped (1)", "Finn Wolf", "terminated"),
}


@pytest.mark.parametrize("kind", list(SHOWN))
def test_changes_show_prints_each_item_kind_with_stakeholder_names(cli, company, settings, kind):
    from domain.changeset import ChangeSet
    from store.repositories import changesets, stakeholder_writes

    services = build_services(settings)
    with transaction(services.session_factory) as session:
        ids = {name: stakeholder_writes.create_stakeholder(session, company, {"name": name}).id
               for name in ("Anna Müller", "Carl Berg", "Dora Roth", "Eve Stein")}
        run = sync_runs.create_run(session, company, "personio", "full")
        changeset_id = changesets.save_changeset(session, company, run.id, ChangeSet.of([_one_item(kind, ids)]), {})
    services.dispose()
    result = cli("changes", "show", str(changeset_id))
    assert result.exit_code == 0, result.output
    assert f"change set {changeset_id} of Acme GmbH (personio) — pending" in result.output
    for shown in SHOWN[kind]:
        assert shown in result.output


def test_integration_set_refuses_credentials_the_hr_system_rejects(cli, company, hr):
    hr.error = ProviderAuthError("BambooHR rejected the API key for subdomain acme (HTTP 401); check the key")
    result = cli("integration", "set", company, "--provider", "bamboohr", "--subdomain", "acme",
                 input="wrong-key-0123456789\n")
    one_line_error(result, "BambooHR rejected the API key for subdomain acme (HTTP 401); check the key; "
                           "nothing was saved")
    assert "wrong-key-0123456789" not in result.output
    assert "no HR integration yet" in cli("integration", "show", company).output


def test_integration_set_refuses_when_the_hr_system_is_unreachable_unless_told_not_to_verify(cli, company, hr):
    hr.error = ProviderUnavailable("could not reach BambooHR for subdomain acme (ConnectionError)")
    args = ("integration", "set", company, "--provider", "bamboohr", "--subdomain", "acme")
    one_line_error(cli(*args, input="bamboo-key-0123456789\n"),
                   "could not check the credentials: could not reach BambooHR for subdomain acme (ConnectionError); "
                   "nothing was saved (to save them unchecked, add --no-verify)")
    assert "no HR integration yet" in cli("integration", "show", company).output
    saved = cli(*args, "--no-verify", input="bamboo-key-0123456789\n")
    assert saved.exit_code == 0, saved.output
    assert "BambooHR (needs_attention)" in saved.output
    assert re.search(r"last error: +credentials saved without verification; the next sync checks them "
                     r"\(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)", saved.output)


def test_integration_set_refuses_a_placeholder_even_without_verification(cli, company):
    one_line_error(cli("integration", "set", company, "--provider", "personio", "--client-id", "…",
                       "--client-secret", "…", "--no-verify"), "client_id must be the plain ASCII text")


def test_status_needs_attention_after_any_failed_sync_and_ok_after_the_next_good_one(cli, synced, hr):
    services, _ = synced
    assert "Personio (ok)" in cli("integration", "show", "Acme GmbH").output
    hr.error = ProviderUnavailable("Personio answered 503 for GET /v1/company/employees after retries")
    with transaction(services.session_factory) as session:
        company_id = companies.list_companies(session)[0].id
        run = sync_runs.create_run(session, company_id, "personio", "full")
    with pytest.raises(ProviderUnavailable):
        execute_sync(services, run.id)
    shown = cli("integration", "show", "Acme GmbH").output
    assert "Personio (needs_attention)" in shown
    assert re.search(r"last error: +Personio answered 503 for GET /v1/company/employees after retries "
                     r"\(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)", shown)
    hr.error = None
    with transaction(services.session_factory) as session:
        run = sync_runs.create_run(session, company_id, "personio", "full")
    execute_sync(services, run.id)
    shown = cli("integration", "show", "Acme GmbH").output
    assert "Personio (ok)" in shown and "last error" not in shown


def test_provider_options_are_switches_from_the_description(cli, company):
    connected = cli("integration", "set", company, "--provider", "hibob", "--service-user-id", "SERVICE-1",
                    input="bob-service-user-token\n")
    assert connected.exit_code == 0, connected.output
    assert "options:     garden_leave_leaver=on" in connected.output  # the description's default
    result = cli("integration", "set", company, "--no-garden-leave-leaver")
    assert result.exit_code == 0, result.output
    assert "garden_leave_leaver=off" in result.output
    assert "garden_leave_leaver=off" in cli("integration", "show", company).output
    assert "--garden-leave-leaver / --no-garden-leave-leaver" in cli("integration", "set", "--help").output
