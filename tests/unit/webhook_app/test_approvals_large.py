"""The approve page for a first import: items paged per kind and sorted by name, search, select all / none, choices
kept server-side (the form carries one page), the apply followed on a progress page, the applied summary paged."""

from __future__ import annotations

import re
import threading

import pytest
from approvals_client import Approver

from core.links import LinkSigner
from services import apply_runs
from store.db import transaction
from store.enums import ChangeSetStatus
from store.repositories import stakeholders
from store.repositories.changeset_reads import load_changeset
from tests.first_import import first_import
from tests.pages import Page
from webhook_app import approvals as approval_views

EMAIL, PASSWORD = "cfo@helvetia.example", "correct horse battery staple"


@pytest.fixture
def big(services):
    return first_import(services.session_factory, EMAIL, PASSWORD, creates=130, updates=40, leavers=5, reviews=3)


@pytest.fixture
def url(settings, big):
    signer = LinkSigner(settings.secret_key, settings.approve_link_max_age, settings.public_base_url)
    return f"/approvals/{signer.token(big.changeset_id)}"


@pytest.fixture
def approver(client, url):
    approver = Approver(client, url, EMAIL, PASSWORD)
    assert approver.open().status_code == 200
    return approver


def text(page: str) -> str:
    """The page as read: tags dropped, white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def boxes(page: str) -> list:
    """The "Apply" boxes of the page's form, in order."""
    return [control for control in Page(page).form().controls if control.name == "include"]


def names(page: str) -> list[str]:
    return [box.attributes["aria-label"].removeprefix("Apply: ") for box in boxes(page)]


def registry_size(services, company_id) -> int:
    with transaction(services.session_factory) as session:
        return len(stakeholders.list_stakeholders(session, company_id))


def status_of(services, changeset_id):
    with transaction(services.session_factory) as session:
        return load_changeset(session, changeset_id, with_items=False).status


def test_the_overview_shows_the_first_rows_of_each_kind_with_their_counts(approver):
    page = text(approver.page)
    assert len(names(approver.page)) == 25 + 25 + 5  # creates, updates (first 25 each), leavers
    assert "Show all 130 new stakeholders" in page and "Show all 40 updates" in page
    assert "130 of 130 selected" in page and "Apply 175 changes" in page  # every item selected by default
    assert approver.page.count('class="review"') == 3


def test_one_kind_is_paged_and_sorted_by_name(client, url):
    first = client.get(f"{url}?kind=create").get_data(as_text=True)
    third = client.get(f"{url}?kind=create&page=3").get_data(as_text=True)
    assert len(names(first)) == 50 and len(names(third)) == 30 and "page 3 of 3" in third
    listed = names(first) + names(client.get(f"{url}?kind=create&page=2").get_data(as_text=True)) + names(third)
    assert listed == sorted(listed, key=str.lower) and len(set(listed)) == 130
    assert 'id="update"' not in first  # one kind only


def test_search_by_name_within_a_kind(client, url):
    page = client.get(f"{url}?kind=create&q=greta").get_data(as_text=True)
    assert names(page) and all("greta" in name.lower() for name in names(page))
    assert "match “greta”" in page


def test_select_none_then_pick_two_applies_only_those(services, client, approver, big, url):
    token = approver.form()["csrf_token"]
    assert client.post(f"{url}/choices", data={"csrf_token": token, "select": "create:none"}).status_code == 303
    page = client.get(f"{url}?kind=create").get_data(as_text=True)
    assert "0 of 130 selected" in text(page) and 'checked>' not in page.split('id="create"')[1].split("</section>")[0]
    ids = [box.value for box in boxes(page)][:2]
    answer = client.post(f"{url}/choices", data={"csrf_token": token, "shown": ",".join(ids[:3]), "include": ids},
                         headers={"Accept": "application/json"})
    assert answer.get_json()["selected"]["create"] == 2 and answer.get_json()["to_apply"] == 2 + 40 + 5
    before = registry_size(services, big.company_id)

    approver.open()
    assert approver.submit().status_code == 200 and "Changes applied" in approver.page
    assert registry_size(services, big.company_id) == before + 2
    assert "128" in approver.page and "left out by you" in approver.page


def test_the_form_carries_one_page_however_large_the_change_set(monkeypatch, services, client, settings):
    monkeypatch.setattr(approval_views, "APPLY_WAIT_SECONDS", 120)  # answered by the apply request itself
    huge = first_import(services.session_factory, "hr@huge.example", PASSWORD, creates=3000, company_name="Huge AG")
    signer = LinkSigner(settings.secret_key, settings.approve_link_max_age, settings.public_base_url)
    approver = Approver(client, f"/approvals/{signer.token(huge.changeset_id)}", "hr@huge.example", PASSWORD)
    approver.open()
    form = approver.form()
    assert len(form["include"]) == 25 and len(form["shown"].split(",")) == 25
    assert len(approver.page) < 120_000  # the one-form page was 2,000 bytes an item
    assert approver.submit().status_code == 200
    assert registry_size(services, huge.company_id) == 3000  # every item applied, from a 25-item form


def test_review_answers_are_kept_per_item_across_pages(client, approver, big, url):
    review = re.search(r'id="review-(\d+)"', approver.page).group(1)
    approver.submit(password="nope", **{f"resolve__{review}": "create"})
    other_page = client.get(f"{url}?kind=update&page=1").get_data(as_text=True)
    assert "1 answered" in text(other_page)
    approver.open()
    assert approver.form()[f"resolve-{review}"] == "create"


def test_choices_changed_in_another_tab_are_refused(services, client, approver, big, url):
    form = approver.form()
    client.post(f"{url}/choices", data={"csrf_token": form["csrf_token"], "select": "update:none"})
    response = approver.submit()  # from the page drawn before the other tab's change
    assert response.status_code == 409 and "changed since this page was loaded" in approver.page
    assert status_of(services, big.changeset_id) is ChangeSetStatus.PENDING
    assert "0 of 40 selected" in text(approver.page)  # the page as the choices now stand


def test_a_long_apply_is_followed_on_the_progress_page(monkeypatch, services, client, approver, big, url):
    release, real, started, real_start = threading.Event(), apply_runs.apply_changeset, [], apply_runs.start

    def held(*args, **kwargs):
        assert release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(apply_runs, "apply_changeset", held)
    monkeypatch.setattr(apply_runs, "start",
                        lambda *args, **kwargs: started.append(real_start(*args, **kwargs)) or started[-1])
    monkeypatch.setattr(approval_views, "APPLY_WAIT_SECONDS", 0.05)
    response = approver.submit()
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{url}/applying")
    progress = client.get(f"{url}/applying").get_data(as_text=True)
    assert "Applying the changes" in progress and 'class="js-bar"' in progress
    assert '<meta http-equiv="refresh"' in progress  # without JavaScript it reloads itself
    assert client.get(f"{url}/progress").get_json()["state"] == "queued"

    release.set()
    started[0].result(timeout=30)  # (the in-memory database has one connection: no reading while it writes)
    assert client.get(f"{url}/progress").get_json()["state"] == "done"
    assert client.get(f"{url}/applying").status_code == 303  # done: on to what was applied
    summary = client.get(url).get_data(as_text=True)
    assert "Changes applied" in summary and status_of(services, big.changeset_id) is ChangeSetStatus.APPLIED


def test_a_failed_apply_says_so_on_the_progress_page(monkeypatch, services, client, approver, big, url):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(apply_runs, "apply_changeset", broken)
    monkeypatch.setattr(approval_views, "APPLY_WAIT_SECONDS", 0.0)
    approver.submit()
    for _ in range(100):
        if client.get(f"{url}/progress").get_json()["state"] == "failed":
            break
        threading.Event().wait(0.05)
    assert client.get(f"{url}/progress").get_json()["state"] == "failed"
    page = client.get(f"{url}/applying").get_data(as_text=True)
    assert "Nothing was applied" in page and "disk full" not in page
    assert status_of(services, big.changeset_id) is ChangeSetStatus.PENDING


def test_the_applied_page_counts_and_lists_the_items_paged_and_filtered(client, approver, big, url):
    token = approver.form()["csrf_token"]
    client.post(f"{url}/choices", data={"csrf_token": token, "select": "leaver:none"})
    approver.open()
    assert approver.submit().status_code == 200
    page = text(client.get(url).get_data(as_text=True))
    assert "Changes applied" in page and "Already applied" not in page
    for line in ("130 created", "40 updated", "5 left out by you", "3 reviews left for later", "page 1 of 4"):
        assert line in page
    left_out = client.get(f"{url}?outcome=excluded").get_data(as_text=True)
    assert left_out.count('<tr class="outcome-excluded">') == 5
    last = client.get(f"{url}?page=4").get_data(as_text=True)
    assert last.count("<tr class=\"outcome-") == 178 - 150


def test_without_javascript_the_save_button_keeps_a_pages_choices(client, approver, url):
    fields = approver.form()
    unchecked = fields["include"][0]
    fields["include"] = fields["include"][1:]
    saved = client.post(url, data=fields | {"action": "save", "password": ""})
    assert saved.status_code == 303 and saved.headers["Location"].endswith(url)  # back to the page, nothing applied
    page = client.get(url).get_data(as_text=True)
    assert unchecked in [box.value for box in boxes(page)]
    assert unchecked not in Page(page).form().fields()["include"]
    assert "Apply 174 changes" in page


def test_a_second_click_follows_the_apply_under_way(monkeypatch, services, client, approver, big, url):
    release, real = threading.Event(), apply_runs.apply_changeset
    monkeypatch.setattr(apply_runs, "apply_changeset", lambda *a, **k: release.wait(30) and real(*a, **k))
    monkeypatch.setattr(approval_views, "APPLY_WAIT_SECONDS", 0.05)
    form = approver.form()
    assert client.post(url, data=form).headers["Location"].endswith("/applying")
    again = client.post(url, data=form)  # the same approver clicks again while it runs
    assert again.status_code == 303 and again.headers["Location"].endswith("/applying")
    release.set()
    for _ in range(200):
        if client.get(f"{url}/progress").get_json()["state"] == "done":
            break
        threading.Event().wait(0.05)
    assert status_of(services, big.changeset_id) is ChangeSetStatus.APPLIED
