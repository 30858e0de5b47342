"""Personio listing with read-ahead: the next page is fetched in a helper thread while the caller maps this one."""

import threading
from urllib.parse import parse_qs, urlsplit

import pytest

from providers.errors import ProviderError, ProviderUnavailable
from providers.personio_client import PAGE_SIZE

from personio_fakes import FakePersonio, make_record


def people(n):
    return [make_record(i, first_name=f"F{i}", last_name=f"L{i}", status="active") for i in range(1, n + 1)]


def offsets(transport):
    return [int(parse_qs(urlsplit(r.url).query)["offset"][0]) for r in transport.requests
            if urlsplit(r.url).path == "/v1/company/employees"]


def helper_threads():
    return [t for t in threading.enumerate() if t.name.startswith("personio-pages")]


@pytest.mark.parametrize("count", [0, PAGE_SIZE, 3 * PAGE_SIZE + 7], ids=["empty", "one-full-page", "four-pages"])
def test_read_ahead_yields_the_same_pages_from_the_same_requests(personio_provider, count):
    """Invariant: read-ahead changes when a page is fetched, never which pages or what they hold."""
    plain, plain_transport = personio_provider(FakePersonio(people(count)))
    ahead, ahead_transport = personio_provider(FakePersonio(people(count)))

    expected = [page.records for page in plain._client.iter_pages()]
    got = [page.records for page in ahead._client.iter_pages(read_ahead=True)]

    assert got == expected
    assert offsets(ahead_transport) == offsets(plain_transport)
    assert not helper_threads()


def test_abandoned_listing_stops_its_helper_thread(personio_provider):
    """Invariant: a caller that stops early leaves no thread behind and at most one page fetched beyond."""
    provider, transport = personio_provider(FakePersonio(people(5 * PAGE_SIZE)))

    employees = provider.iter_employees()
    next(employees)
    employees.close()

    assert not helper_threads()
    assert offsets(transport) in ([0], [0, PAGE_SIZE])


@pytest.mark.parametrize("answer, error", [
    ((503, {"success": False}, {}), ProviderUnavailable),
    ((400, {"success": False, "error": {"message": "bad offset"}}, {}), ProviderError),
], ids=["unavailable", "refused"])
def test_error_on_a_page_fetched_ahead_reaches_the_caller(personio_provider, answer, error):
    """Invariant: an error in the helper thread surfaces in the caller after the pages before it, not lost."""
    fake = FakePersonio(people(3 * PAGE_SIZE))
    page_one = {"success": True, "data": fake.records[:PAGE_SIZE]}
    fake.script("/v1/company/employees", (200, page_one, {}), answer)
    provider, _ = personio_provider(fake)

    seen = []
    with pytest.raises(error):
        for employee in provider.iter_employees():
            seen.append(employee.remote_id)

    assert seen == [str(i) for i in range(1, PAGE_SIZE + 1)]
    assert not helper_threads()
