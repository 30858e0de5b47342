"""Personio listing with read-ahead: later pages are downloaded by a helper thread while earlier ones are parsed."""

import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from providers.errors import ProviderUnavailable
from providers.personio_client import PAGE_SIZE

from personio_fakes import FakePersonio, make_record


def people(n):
    return [make_record(i, first_name=f"F{i}", last_name=f"L{i}", status="active") for i in range(1, n + 1)]


class TotalSays:
    """FakePersonio whose listing metadata states `total` instead of the real count (Personio's can be wrong)."""

    def __init__(self, fake: FakePersonio, total: int | None):
        self.fake, self.total, self.secret = fake, total, fake.secret

    def __call__(self, request):
        status, body, headers = self.fake(request)
        if isinstance(body, dict) and "metadata" in body:
            body = {**body, "metadata": {"total_elements": self.total}}
        return status, body, headers


def offsets(transport):
    return [int(parse_qs(urlsplit(r.url).query)["offset"][0]) for r in transport.requests
            if urlsplit(r.url).path == "/v1/company/employees"]


def helper_threads():
    return [t for t in threading.enumerate() if t.name == "personio-pages"]


def listing(provider, read_ahead):
    return [[r["attributes"]["id"]["value"] for r in page.records]
            for page in provider._client.iter_pages(read_ahead=read_ahead)]


@pytest.mark.parametrize("count", [0, 1, PAGE_SIZE, PAGE_SIZE + 1, 2 * PAGE_SIZE, 4 * PAGE_SIZE + 7],
                         ids=["empty", "one", "one-full-page", "full-plus-one", "two-full", "five-pages"])
def test_read_ahead_yields_the_same_pages_from_the_same_requests(personio_provider, count):
    """Invariant: with a correct total, read-ahead changes when pages are fetched, never which or what they hold."""
    plain, plain_transport = personio_provider(FakePersonio(people(count)))
    ahead, ahead_transport = personio_provider(FakePersonio(people(count)))

    assert listing(ahead, True) == listing(plain, False)
    assert offsets(ahead_transport) == offsets(plain_transport)
    assert not helper_threads()


@pytest.mark.parametrize("said", [0, 2 * PAGE_SIZE, 9 * PAGE_SIZE, None],
                         ids=["total-zero", "total-too-small", "total-too-large", "no-total"])
def test_a_wrong_total_changes_nothing_in_the_pages(personio_provider, said):
    """Invariant: however wrong Personio's total is, the listing yields exactly the real pages."""
    real = 5 * PAGE_SIZE + 3
    plain, plain_transport = personio_provider(FakePersonio(people(real)))
    ahead, ahead_transport = personio_provider(TotalSays(FakePersonio(people(real)), said))

    assert listing(ahead, True) == listing(plain, False)
    # Every request the plain listing makes is made; a too-large total may add some past the end, never before.
    assert offsets(ahead_transport)[:len(offsets(plain_transport))] == offsets(plain_transport)
    assert not helper_threads()


def test_abandoned_listing_stops_its_helper_thread(personio_provider):
    """Invariant: a caller that stops early leaves no thread behind, and the helper stayed at most two pages ahead."""
    provider, transport = personio_provider(FakePersonio(people(20 * PAGE_SIZE)))

    employees = provider.iter_employees()
    for _ in range(PAGE_SIZE + 1):  # into the second page: the helper is running
        next(employees)
    deadline = time.monotonic() + 10
    while len(offsets(transport)) < 4:  # pages 0 and 1 taken, 2 and 3 fetched: the helper now waits for room
        assert time.monotonic() < deadline, "the helper never fetched ahead"
        time.sleep(0.001)
    employees.close()

    assert not helper_threads()
    assert offsets(transport) == [0, PAGE_SIZE, 2 * PAGE_SIZE, 3 * PAGE_SIZE]


class OversizedPages:
    """A Personio that ignores `limit` and answers pages of `size` records (the listing must follow offsets)."""

    def __init__(self, records, size: int):
        self.records, self.size, self.inner = records, size, FakePersonio(records)
        self.secret = self.inner.secret

    def __call__(self, request):
        url = urlsplit(request.url)
        if url.path != "/v1/company/employees":
            return self.inner(request)
        offset = int(parse_qs(url.query)["offset"][0])
        return 200, {"success": True, "metadata": {"total_elements": len(self.records)},
                     "data": self.records[offset:offset + self.size]}, {}


def test_pages_larger_than_asked_for_are_followed_by_their_real_offsets(personio_provider):
    """Invariant: when pages do not match the plan, answers fetched ahead are dropped, never misplaced."""
    plain, plain_transport = personio_provider(OversizedPages(people(7 * PAGE_SIZE), size=PAGE_SIZE + 50))
    ahead, _ = personio_provider(OversizedPages(people(7 * PAGE_SIZE), size=PAGE_SIZE + 50))

    pages = listing(ahead, True)

    assert pages == listing(plain, False)
    assert [i for page in pages for i in page] == list(range(1, 7 * PAGE_SIZE + 1))
    assert not helper_threads()


class Unavailable:
    """Answers 503 for listing pages past `after` (as an overloaded Personio would), else like `handler`."""

    def __init__(self, handler, after: int):
        self.handler, self.after, self.secret = handler, after, handler.secret

    def __call__(self, request):
        query = parse_qs(urlsplit(request.url).query)
        if int(query.get("offset", ["0"])[0]) > self.after:
            return 503, {"success": False}, {}
        return self.handler(request)


def test_error_on_a_page_downloaded_ahead_reaches_the_caller_in_order(personio_provider):
    """Invariant: a failed page surfaces when the listing reaches it, after every page before it; nothing is lost."""
    provider, _ = personio_provider(Unavailable(FakePersonio(people(4 * PAGE_SIZE)), after=PAGE_SIZE))

    seen = []
    with pytest.raises(ProviderUnavailable):
        for employee in provider.iter_employees():
            seen.append(employee.remote_id)

    assert seen == [str(i) for i in range(1, 2 * PAGE_SIZE + 1)]
    assert not helper_threads()


def test_error_past_the_real_end_is_never_raised(personio_provider):
    """Invariant: a page the plain listing would never request cannot fail the read-ahead listing."""
    real = 2 * PAGE_SIZE + 5
    provider, _ = personio_provider(Unavailable(TotalSays(FakePersonio(people(real)), 6 * PAGE_SIZE),
                                                after=2 * PAGE_SIZE))

    assert len(list(provider.iter_employees())) == real
    assert not helper_threads()
