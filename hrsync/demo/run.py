"""The demo's steps: sandbox up, two companies set up, registries seeded, syncs run, change sets shown."""

from __future__ import annotations

import dataclasses
import secrets
import shutil
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hrsync.config import Settings
from hrsync.demo.seed import seed_registry
from hrsync.render import counts_line, render_items
from sandbox.server import SandboxServer
from sandbox.state import SandboxState
from store.db import transaction
from store.migrate import upgrade
from store.repositories import changesets, companies, integrations, stakeholder_writes, stakeholders, sync_runs
from store.repositories.changeset_reads import load_changeset
from workers.bootstrap import Services, build_services
from workers.sync import execute_sync

APPROVER = "cfo@example.com"
# Personio companies pick their own attribute keys: here the custom "Personalnummer" is the identifier.
PERSONIO_MAPPING = {"first_name": "first_name", "last_name": "last_name", "preferred_name": "preferred_name",
                    "email": "email", "status": "status", "hire_date": "hire_date",
                    "termination_date": "termination_date", "dynamic_1009": "unique_identifier",
                    "dynamic_1006": "city", "dynamic_1005": "postal_code"}


@dataclass(frozen=True)
class DemoCompany:
    name: str
    provider: str
    credentials: dict
    mapping: dict | None


def demo_settings(base: Settings, sandbox: SandboxServer) -> Settings:
    """Embedded defaults in a folder of their own, wiped each run so that the demo can be repeated."""
    folder = base.instance_path / "demo"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return dataclasses.replace(base, database_url=f"sqlite:///{(folder / 'hrsync.db').resolve()}",
                               bamboohr_base_url=sandbox.bamboohr_base_url,
                               personio_base_url=sandbox.personio_base_url, instance_path=folder)


def run_demo(base: Settings, employees: int = 300, console: Console | None = None) -> dict[str, dict]:
    console = console or Console()
    state = SandboxState()
    bamboo = state.add_bamboohr_tenant("acme", "sandbox-" + secrets.token_hex(16), employees, seed=11)
    perso = state.add_personio_tenant("globex-client", "sandbox-" + secrets.token_hex(16), employees, seed=12)
    results = {}
    with SandboxServer(state) as sandbox:
        settings = demo_settings(base, sandbox)
        console.print(f"[bold]hrsync demo[/] — SQLite at {settings.database_url}, sandbox HR server at {sandbox.url}")
        upgrade(settings.database_url)
        services = build_services(settings)
        try:
            for company in (
                DemoCompany("Acme GmbH", "bamboohr", {"subdomain": bamboo.subdomain, "api_key": bamboo.api_key}, None),
                DemoCompany("Globex AG", "personio", {"client_id": perso.client_id,
                                                      "client_secret": perso.client_secret}, PERSONIO_MAPPING),
            ):
                results[company.name] = _run_company(services, company, console)
        finally:
            services.dispose()
    console.rule("Summary")
    for name, counts in results.items():
        console.print(f"{name:10} {counts_line(counts)}")
    console.print("Nothing was written to the registries: each change set waits for an approver.")
    return results


def _run_company(services: Services, company: DemoCompany, console: Console) -> dict:
    console.rule(f"{company.name} on {company.provider}")
    with transaction(services.session_factory) as session:
        created = companies.create_company(session, company.name, APPROVER, secrets.token_urlsafe(16))
        integrations.set_integration(session, services.box, created.company_id, company.provider,
                                     company.credentials, company.mapping)
    provider = services.provider_factory(company.provider, company.credentials, company.mapping)
    try:
        employees = list(provider.iter_employees())
    finally:
        provider.close()
    with transaction(services.session_factory) as session:
        stakeholder_writes.create_stakeholders(session, created.company_id,
                                               seed_registry(employees, company.provider))
        run = sync_runs.create_run(session, created.company_id, company.provider, "full")
    console.print(f"registry seeded with what an earlier sync and manual entries left; {len(employees)} "
                  f"employees in {company.provider}; running a full sync…")
    outcome = _sync_with_bar(services, run.id, console)
    with transaction(services.session_factory) as session:
        stored = load_changeset(session, outcome.changeset_id, created.company_id)
        names = {s.id: s.name for s in stakeholders.list_stakeholders(session, created.company_id)}
    console.print(f"change set #{stored.id} ({stored.status.value}): {counts_line(stored.counts())}")
    render_items(console, stored.changeset.items, names)
    return stored.counts()


def _sync_with_bar(services: Services, sync_id: int, console: Console):
    columns = (TextColumn("fetching"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("fetch", total=None)

        def on_progress(fetched: int, total: int | None) -> None:
            bar.update(task, completed=fetched, total=total)

        return execute_sync(services, sync_id, on_progress)
