"""The demo's story: sandbox HR systems, two companies, a cron resync, webhooks, the preview, an approval."""

from __future__ import annotations

import dataclasses
import logging
import secrets
import shutil
import threading
import time
from contextlib import contextmanager

import requests
from rich.console import Console

from core import namespace
from core.bootstrap import build_services
from core.lockout import COMMAND_LINE
from core.settings import Settings
from hrsync.demo import companies as setup
from hrsync.demo import hr_systems
from hrsync.demo.companies import DEMO_PASSWORD, PERSONIO_MAPPING, DemoCompany, DemoFailed
from hrsync.demo.infra import AppServer, WorkerThread, demo_folder, demo_redis, forget_demo_jobs
from hrsync.demo.report import print_changeset, print_summary
from providers.pacing import Pacer
from sandbox.hibob_webhooks import send_hibob
from sandbox.server import SandboxServer
from sandbox.state import SandboxState
from services import changesets, syncs
from services.approvals import ApprovalRequest, approve
from store.enums import SyncStatus
from store.migrate import upgrade
from webhook_app import create_app

SYNC_TIMEOUT = 60.0


def demo_settings(base: Settings, sandbox: SandboxServer) -> Settings:
    """Embedded defaults in a folder of their own, wiped each run so that the demo can be repeated."""
    settings = demo_folder(base)
    shutil.rmtree(settings.instance_path, ignore_errors=True)
    settings.instance_path.mkdir(parents=True)
    return dataclasses.replace(settings.with_provider_urls(sandbox.settings), cron_token=secrets.token_urlsafe(24),
                               sync_debounce_seconds=1.0)


def run_demo(base: Settings, employees: int = 300, console: Console | None = None) -> dict[str, dict]:
    """Run every step; returns the counts of each company's change set."""
    console = console or Console()
    acme = DemoCompany("Acme GmbH", "bamboohr", "cfo@acme.example", hr_systems.new_credentials("bamboohr"))
    initech = DemoCompany("Initech SE", "hibob", "cfo@initech.example", hr_systems.new_credentials("hibob"))
    globex = DemoCompany("Globex AG", "personio", "cfo@globex.example", hr_systems.new_credentials("personio"),
                         PERSONIO_MAPPING)
    demo_companies = (acme, initech, globex)  # the last one's change set is left for the browser
    state = SandboxState()
    tenants = {c.provider: hr_systems.add_tenant(state, c.provider, c.credentials, employees) for c in demo_companies}
    with SandboxServer(state) as sandbox, _quiet_logs():
        settings = demo_settings(base, sandbox)
        hr_systems.write_manifest(settings.instance_path, employees)
        upgrade(settings.database_url)
        redis, fake = demo_redis(settings)
        services = build_services(settings, pacer=Pacer.shared(connection_pool=redis.connection_pool))
        try:
            app = create_app(settings, redis=redis, services=services)
            with AppServer(app) as web, WorkerThread(services, redis) as worker:
                _intro(console, settings, sandbox, web, fake, employees)
                _set_up(console, services, web.url, demo_companies)
                _cron_resync(console, services, web.url, settings, worker, demo_companies)
                _webhooks(console, services, sandbox, web.url, worker, tenants, (acme, globex, initech))
                counts = {c.name: print_changeset(console, services, c) for c in demo_companies}
                applied = _approve(console, services, redis, acme)
        finally:
            if not fake:
                forget_demo_jobs(redis, services)
            services.dispose()
    print_summary(console, settings, demo_companies, counts, applied)
    return counts


def _intro(console, settings, sandbox, web, fake: bool, employees: int) -> None:
    console.rule("[bold]hrsync demo")
    console.print(f"registry store: SQLite at {settings.database_url.removeprefix('sqlite:///')}")
    if fake:
        console.print("[yellow]Redis at REDIS_URL did not answer: using an in-process fake Redis "
                      "(development only — queues vanish when the demo ends)[/]")
    else:
        console.print(f"queue: Redis at {settings.redis_url}")
    console.print(f"sandbox HR server (fake BambooHR, Personio and HiBob, {employees} employees each) at {sandbox.url}")
    console.print(f"hrsync web app served in-process at {web.url}; a worker thread runs the queued jobs")


def _set_up(console, services, base_url: str, demo_companies) -> None:
    console.rule("Set-up: `hrsync company create`, then the admin API")
    for company in demo_companies:
        setup.create(services, company)
        done = setup.connect(base_url, company)
        size = setup.seed(services, company)
        console.print(f"{company.name}: {company.provider}, approver {company.approver}; {done}; registry seeded "
                      f"with {size} stakeholders (earlier syncs and manual entries, with real-world drift)")


def _cron_resync(console, services, base_url, settings, worker, demo_companies) -> None:
    console.rule("Cron: POST /cron/resync")
    answer = requests.post(f"{base_url}/cron/resync", headers={"Authorization": f"Bearer {settings.cron_token}"},
                           timeout=10)
    if answer.status_code != 202:
        raise DemoFailed(f"POST /cron/resync answered {answer.status_code}: {answer.text[:300]}")
    sync_ids = answer.json()["sync_ids"]
    console.print(f"202 Accepted: full syncs {sync_ids} queued")
    _wait(services, worker, [c.company_id for c in demo_companies])
    runs = [syncs.get_sync(services, sync_id) for sync_id in sync_ids]
    for run in runs:
        if run.status is not SyncStatus.SUCCEEDED:
            raise DemoFailed(f"sync {run.id} {run.status.value}: {run.error}")
        console.print(f"sync {run.id}: {run.fetched} employees fetched and matched → change set {run.changeset_id}")


def _webhooks(console, services, sandbox, base_url, worker, tenants, demo_companies) -> None:
    console.rule("Webhooks: the HR systems report changes")
    acme, globex, initech = demo_companies
    bamboo, perso, bob = tenants["bamboohr"], tenants["personio"], tenants["hibob"]
    # First, as HiBob's targeted sync waits 20 s for HiBob's API to serve the change: the others run meanwhile.
    renamed, married = hr_systems.change_for_webhook(sandbox.state, "hibob", bob)
    ping, *answers = send_hibob(bob, f"{base_url}/webhooks/hibob/{initech.company_id}", initech.webhook_secret,
                                [renamed.id], ping=True)
    console.print(f"HiBob: a new webhook's \"Ping test\" → {_accepted(ping)} (acknowledged)")
    console.print(f"HiBob: {married} → signed employee.updated → {_accepted(answers[-1])} (re-fetched after 20 s)")
    mover, moved = hr_systems.change_for_webhook(sandbox.state, "bamboohr", bamboo)
    answer = sandbox.send_bamboohr_webhook(bamboo, f"{base_url}/webhooks/bamboohr/{acme.company_id}",
                                           acme.webhook_secret, mover.id)
    console.print(f"BambooHR: {moved} → signed employee.updated → {_accepted(answer)}")
    leaver, leaves = hr_systems.change_for_webhook(sandbox.state, "personio", perso)
    answer = sandbox.send_personio_webhook(perso, f"{base_url}/webhooks/personio/{globex.company_id}",
                                           globex.webhook_secret, leaver.id)
    console.print(f"Personio: {leaves} → person.updated with the token → {_accepted(answer)}")
    _wait(services, worker, [c.company_id for c in demo_companies])
    console.print("targeted syncs fetched just those people and merged them into the pending change sets")


def _approve(console, services, redis, company: DemoCompany):
    console.rule(f"Approval: {company.approver} applies {company.name}'s change set with the password")
    changeset_id = changesets.pending_detail(services, company.company_id).changeset.id
    request = ApprovalRequest(changeset_id, company.approver, DEMO_PASSWORD, COMMAND_LINE)
    result = approve(services, namespace.lockout(redis, services.settings.namespace), request)
    console.print(f"change set {changeset_id} applied by {result.applied_by}: "
                  + ", ".join(f"{name} {count}" for name, count in result.counts().items()))
    return result


def _accepted(answer: requests.Response) -> str:
    if answer.status_code != 202:
        raise DemoFailed(f"the webhook was refused: {answer.status_code} {answer.text[:300]}")
    return "202 Accepted"


def _wait(services, worker: WorkerThread, company_ids: list[str]) -> None:
    """Until no sync of these companies is queued or running (the worker thread works them off)."""
    deadline, pause = time.monotonic() + SYNC_TIMEOUT, threading.Event()
    while True:
        if worker.errors:
            raise DemoFailed(f"the worker thread stopped: {worker.errors[0]!r}")
        busy = syncs.active_syncs(services, company_ids)
        if not busy:
            return
        if time.monotonic() > deadline:
            raise DemoFailed(f"syncs {[run.id for run in busy]} did not finish within {SYNC_TIMEOUT:g} s")
        pause.wait(0.1)


@contextmanager
def _quiet_logs():
    """The demo narrates itself: our INFO lines (syncs queued, jobs done) would repeat it on stderr."""
    names = ("core", "services", "workers", "webhook_app", "providers", "store", "rq")
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
