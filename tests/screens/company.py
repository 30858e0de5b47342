"""The company the screenshots show: the demo's Globex AG on the sandbox's Personio, set up as the demo does it
(`hrsync company create`, the JSON admin API, a registry with real-world drift), with a history — a cron sync whose
change set was applied, a sync that failed, a webhook's targeted sync and a "Sync now" whose change set waits for
approval — an approver and an invited user; and a user of two other companies of the group (the company picker). The app and a worker thread run in this process on a fake Redis."""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator
from urllib.parse import urlsplit

import fakeredis
import requests
from flask import Flask

from core import namespace
from core.lockout import COMMAND_LINE
from core.settings import Settings
from core.bootstrap import build_services
from hrsync.demo import companies as setup
from hrsync.demo.companies import DEMO_PASSWORD, PERSONIO_MAPPING, DemoCompany, DemoFailed
from hrsync.demo.infra import AppServer, WorkerThread
from hrsync.demo.run import demo_settings
from providers.pacing import Pacer
from sandbox.server import SandboxServer
from sandbox.state import SandboxState
from services import audit, companies, syncs, users
from services.approvals import ApprovalRequest, approve
from store.enums import SyncStatus
from store.migrate import upgrade
from webhook_app import create_app

ADMIN = "cfo@globex.example"
APPROVER = "controller@globex.example"
INVITED = "payroll@globex.example"
# A user of two other companies of the group: signing in shows the company picker.
GROUP_HR = "group-hr@globex.example"
GROUP = ("Globex Deutschland GmbH", "Globex Schweiz AG")
PASSWORD = DEMO_PASSWORD  # both users' (a throwaway database)
SYNC_TIMEOUT = 60.0


@dataclass(frozen=True)
class Ids:
    """What the detail pages show: a sync and a failed one, a stakeholder with history, the pending change set, the
    approver, and the invited user's set-password link (its token)."""

    company_id: str
    sync_id: int
    failed_sync_id: int
    stakeholder_id: int
    changeset_id: int
    approver_id: int
    invitation_token: str
    replaced_changeset_id: int = 0  # one a later sync replaced (read-only in the console)


@dataclass(frozen=True)
class Running:
    app: Flask
    base_url: str
    ids: Ids


@contextmanager
def running_company(employees: int = 80) -> Iterator[Running]:
    """The sandbox, the app on a free loopback port and a worker thread, with the company and its history."""
    state = SandboxState()
    tenant = state.add_personio_tenant("globex-client", "sandbox-" + secrets.token_hex(16), employees, seed=12)
    globex = DemoCompany("Globex AG", "personio", ADMIN,
                         {"client_id": tenant.client_id, "client_secret": tenant.client_secret}, PERSONIO_MAPPING)
    with tempfile.TemporaryDirectory(prefix="hrsync-screens-") as folder, SandboxServer(state) as sandbox:
        # The real configuration path, on an environment of its own: development secrets made in the scratch folder.
        settings = demo_settings(Settings.from_env({"HRSYNC_INSTANCE_PATH": folder}), sandbox)
        upgrade(settings.database_url)
        redis = fakeredis.FakeRedis(server=fakeredis.FakeServer())
        services = build_services(settings, pacer=Pacer.shared(connection_pool=redis.connection_pool))
        try:
            app = create_app(settings, redis=redis, services=services)
            with AppServer(app) as web, WorkerThread(services, redis) as worker:
                ids = _history(services, redis, state, tenant, sandbox, web.url, settings, worker, globex)
                yield Running(app, web.url, ids)
        finally:
            services.dispose()


def _history(services, redis, state, tenant, sandbox, base_url, settings, worker, globex) -> Ids:
    setup.create(services, globex)
    setup.connect(base_url, globex)
    setup.seed(services, globex)
    company_id = globex.company_id

    # The nightly cron resync; its change set is applied by the admin.
    answer = requests.post(f"{base_url}/cron/resync", headers={"Authorization": f"Bearer {settings.cron_token}"},
                           timeout=10)
    answer.raise_for_status()
    first = _finished(services, worker, company_id, answer.json()["sync_ids"][0])
    approve(services, namespace.lockout(redis, settings.namespace),
            ApprovalRequest(first.changeset_id, ADMIN, PASSWORD, COMMAND_LINE))

    # Personio refuses the credentials once (a rotated secret): a failed manual sync with its advice.
    state.inject_fault(tenant, "auth_failure")
    failed = syncs.sync_now(services, redis, company_id, requested_by=ADMIN).id  # the console's button
    _finished(services, worker, company_id, failed, expect=SyncStatus.FAILED)

    # Since then: someone moved, someone leaves (Personio's webhook), two people were hired.
    people = sorted((p for p in tenant.people if p.status == "active"), key=lambda p: int(p.id))
    state.update_person(tenant, people[0].id, city="Zürich", zipcode="8001")
    state.terminate_person(tenant, people[1].id, dt.date(2026, 12, 31))
    for first_name, last_name, email in (("Amélie", "Laurent-Dubois", "amelie.laurent@globex.example"),
                                         ("Jonas", "Weißmüller", "jonas.weissmueller@globex.example")):
        state.add_person(tenant, first_name=first_name, last_name=last_name, status="active", work_email=email,
                         hire_date=dt.date(2027, 1, 4), city="Basel", zipcode="4051")
    sandbox.send_personio_webhook(tenant, f"{base_url}/webhooks/personio/{company_id}", globex.webhook_secret,
                                  people[1].id).raise_for_status()
    _settle(services, worker, company_id)
    earlier = syncs.sync_now(services, redis, company_id, requested_by=ADMIN).id
    replaced = _finished(services, worker, company_id, earlier).changeset_id
    # Asked again before anyone approved: the newer change set replaces that one (shown read-only).
    latest = syncs.sync_now(services, redis, company_id, requested_by=ADMIN).id
    pending = _finished(services, worker, company_id, latest).changeset_id
    if replaced is None or pending is None or pending == replaced:
        raise DemoFailed(f"the second sync did not replace change set {replaced}")

    invitation = users.add_user(services, company_id, APPROVER, "approver", actor=ADMIN)
    users.set_password_from_link(services, urlsplit(invitation.url).path.rsplit("/", 1)[-1], PASSWORD, PASSWORD)
    invited = users.add_user(services, company_id, INVITED, "approver", actor=ADMIN)
    for name in GROUP:
        companies.create_company(services, name, GROUP_HR, PASSWORD)

    # Someone whose move the applied change set recorded (City and Postal code, before → after).
    with_history = next(line.stakeholder_id for line in audit.log_page(services, company_id, limit=200).items
                        if line.action == "update_stakeholder" and len(line.changes) > 1)
    return Ids(company_id, latest, failed, with_history, pending, invitation.user.id,
               urlsplit(invited.url).path.rsplit("/", 1)[-1], replaced)


def _finished(services, worker, company_id: str, sync_id: int, expect: SyncStatus = SyncStatus.SUCCEEDED):
    _settle(services, worker, company_id)
    run = syncs.get_sync(services, sync_id, company_id)
    if run.status is not expect:
        raise DemoFailed(f"sync {sync_id} {run.status.value}, not {expect.value}: {run.error}")
    return run


def _settle(services, worker, company_id: str) -> None:
    """Until no sync of the company is queued or running (the worker thread works them off)."""
    deadline = time.monotonic() + SYNC_TIMEOUT
    while syncs.active_syncs(services, [company_id]):
        if worker.errors:
            raise DemoFailed(f"the worker thread stopped: {worker.errors[0]!r}")
        if time.monotonic() > deadline:
            raise DemoFailed(f"the syncs of {company_id} did not finish within {SYNC_TIMEOUT:g} s")
        time.sleep(0.1)
