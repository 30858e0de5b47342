"""Fixtures for the web app's unit tests: a company with an API token (settings, services on in-memory SQLite,
fakeredis, the app and its client: tests/plugin.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from store.db import transaction
from core import errors
from store.repositories import companies, sync_runs
from tests import secret_registry
from tests.console_client import invited_approver, signed_in

APPROVER_EMAIL = "cfo@acme.example"
APPROVER_PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class CompanyFixture:
    id: str
    token: str
    approver_email: str = APPROVER_EMAIL
    approver_password: str = APPROVER_PASSWORD

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_company(services, name: str = "Acme GmbH", email: str = APPROVER_EMAIL) -> CompanyFixture:
    with transaction(services.session_factory) as session:
        created = companies.create_company(session, name, email, APPROVER_PASSWORD)
    secret_registry.register("company api token / approver password", created.api_token, APPROVER_PASSWORD)
    return CompanyFixture(created.company_id, created.api_token, email)


@pytest.fixture
def auth(scenario) -> dict[str, str]:
    """The API token of the `scenario` company, as a request header."""
    return {"Authorization": f"Bearer {scenario.api_token}"}


@pytest.fixture
def company(services) -> CompanyFixture:
    return make_company(services)


@pytest.fixture
def other_company(services) -> CompanyFixture:
    return make_company(services, "Globex AG", "cfo@globex.example")


@pytest.fixture
def admin(client, console_company_id):
    """A browser signed in to the console as the company's first admin (a module names the company's id with a
    `console_company_id` fixture)."""
    return signed_in(client, APPROVER_EMAIL, APPROVER_PASSWORD)


@pytest.fixture
def approver(app, services, settings, console_company_id):
    """A second browser, signed in as an approver the admin invited."""
    return invited_approver(app, services, settings, console_company_id, inviter=APPROVER_EMAIL)


def record_run(services, company_id: str, *, trigger="manual", by=None, fail=None, running=False,
               counts=None) -> int:
    """A BambooHR sync of the company as the worker leaves it: running, failed with `fail` (credentials refused), or
    succeeded with `counts`; returns its id."""
    with transaction(services.session_factory) as session:
        run = sync_runs.create_run(session, company_id, "bamboohr", "full", trigger=trigger, requested_by=by)
        sync_runs.start_run(session, run.id)
        if fail:
            sync_runs.fail_run(session, run.id, fail, errors.ProviderAuthFailed.code)
        elif not running:
            sync_runs.succeed_run(session, run.id, {"create": 3, "update": 1} if counts is None else counts)
        return run.id
