"""The approve page over real HTTP (cookies, CSRF) with the lockout in a real Redis, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import requests

from store.db import transaction
from store.enums import ChangeSetStatus
from store.repositories import audit, stakeholders
from store.repositories.changeset_reads import load_changeset
from tests.approval_scenario import build_scenario
from tests.pages import Page
from core.lockout import LOCK_SECONDS, MAX_TRIES
from core.links import LinkSigner

EMAIL, PASSWORD = "cfo@acme.example", "correct horse battery staple"


@pytest.fixture
def scenario(services, request):
    # The module's tests share one database, and company names are unique.
    return build_scenario(services.session_factory, EMAIL, PASSWORD, company_name=f"Acme GmbH ({request.node.name})")


@pytest.fixture
def page_url(live_app, services, scenario):
    signer = LinkSigner(services.settings.secret_key, services.settings.approve_link_max_age, live_app)
    return signer.url(scenario.changeset_id)


@pytest.fixture
def browser():
    with requests.Session() as session:
        yield session


def form_of(page: str, **fields) -> dict:
    return Page(page).form().fields(**({"name_format": "first_last", "email": EMAIL} | fields))


def test_apply_through_the_page(browser, page_url, services, scenario):
    page = browser.get(page_url, timeout=30)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"

    done = browser.post(page_url, data=form_of(page.text, password=PASSWORD,
                                               name_format="last_comma_first"), timeout=60)

    assert done.status_code == 200 and "Changes applied" in done.text
    with transaction(services.session_factory) as session:
        assert load_changeset(session, scenario.changeset_id, with_items=False).status is ChangeSetStatus.APPLIED
        names = {person.name for person in stakeholders.list_stakeholders(session, scenario.company_id)}
    assert "Neumann, Eva" in names


def test_the_lock_lives_in_redis_with_its_ttl(browser, page_url, services, scenario, redis_db, lockout):
    page = browser.get(page_url, timeout=30).text
    answers = [browser.post(page_url, data=form_of(page, password="guess"), timeout=30).status_code
               for _ in range(MAX_TRIES)]
    assert answers == [401] * MAX_TRIES
    assert LOCK_SECONDS - 10 <= redis_db.ttl(lockout.account_key(scenario.company_id, EMAIL)) <= LOCK_SECONDS
    assert int(redis_db.get(lockout.client_key(scenario.company_id, "127.0.0.1"))) == MAX_TRIES  # as the app saw it

    locked = browser.post(page_url, data=form_of(page, password=PASSWORD), timeout=30)
    assert locked.status_code == 423 and 0 < int(locked.headers["Retry-After"]) <= 900
    with transaction(services.session_factory) as session:
        actions = [entry.action for entry in audit.list_entries(session, scenario.company_id).items]
        status = load_changeset(session, scenario.changeset_id, with_items=False).status
    assert actions == ["lock_approval"] and status is ChangeSetStatus.PENDING


def test_a_post_from_another_site_is_refused(page_url, services, scenario):
    # No session cookie, no token: what a forged cross-site form would send.
    response = requests.post(page_url, data={"email": EMAIL, "password": PASSWORD, "name_format": "first_last"},
                             timeout=30)
    assert response.status_code == 400
    with transaction(services.session_factory) as session:
        assert load_changeset(session, scenario.changeset_id, with_items=False).status is ChangeSetStatus.PENDING
