"""Personio's employee listing as offset pages, later pages downloaded while earlier ones are parsed."""

from __future__ import annotations

import queue
import threading
from typing import Any, Callable, Collection, Iterator, Mapping, TypedDict

import requests

from providers.errors import ProviderError

# The page maximum since pagination enforcement on 2025-01-31 (it was 200 before); never rely on defaults.
PAGE_SIZE = 100
# Answers downloaded ahead of the parser: one waiting, one on the way.
DEPTH = 2

Request = Callable[[int], requests.Response]  # offset → the answer, its status not yet judged
Parse = Callable[[requests.Response], Mapping[str, Any]]


def page_bodies(request: Request, parse: Parse, *, read_ahead: bool = False) -> Iterator[tuple[int, Mapping]]:
    """(offset, body) of each page in order, until a short or empty page.

    With `read_ahead`, once the first page states the total, a helper thread downloads the following pages
    while this thread parses: Personio (and the network) work on page n+1 while we parse page n. The helper
    asks for exactly the offsets the listing would ask for if the total is right; when a page shows it is
    not (a short page early, more pages than said), the helper stops and the listing goes on one by one.
    """
    offset, body = 0, parse(request(0))
    total = total_of(body)
    yield offset, body
    planned = range(PAGE_SIZE, total + 1, PAGE_SIZE) if read_ahead and total is not None else range(0)
    with _Downloader(request, planned) as ahead:
        while len(records_of(body)) >= PAGE_SIZE:
            offset += len(records_of(body))
            response = ahead.take(offset)
            body = parse(response if response is not None else request(offset))
            yield offset, body


class _Downloader:
    """Requests `offsets` in order from a helper thread, at most DEPTH answers ahead of the taker."""

    def __init__(self, request: Request, offsets: range):
        self._request, self._offsets = request, offsets
        self._answers: queue.SimpleQueue = queue.SimpleQueue()
        self._slots = threading.Semaphore(DEPTH)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="personio-pages", daemon=True)
        self._done = not offsets

    def __enter__(self) -> "_Downloader":
        if not self._done:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def take(self, offset: int) -> requests.Response | None:
        """The answer for `offset` if it is the next one downloaded; None (the helper stopped) otherwise."""
        if self._done:
            return None
        item = self._answers.get()
        self._slots.release()
        if item is _DONE or item[0] != offset:
            self.stop()  # the listing left the plan (or it ran out): the caller asks itself from here on
            return None
        if isinstance(item[1], BaseException):
            raise item[1]
        return item[1]

    def stop(self) -> None:
        """No more requests; returns once the helper is done with the session (a request in flight finishes)."""
        self._done = True
        self._stopping.set()
        self._slots.release()  # wakes a helper waiting for room
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        for offset in self._offsets:
            self._slots.acquire()
            if self._stopping.is_set():
                return
            try:
                outcome: Any = self._request(offset)
            except BaseException as error:  # handed to the taker, who raises it if it needs this page
                outcome = error
            self._answers.put((offset, outcome))
            if isinstance(outcome, BaseException):
                return
        self._answers.put(_DONE)


_DONE = object()


def page_shape(keys: Collection[str]) -> Any | None:
    """An employees page as `wire_json.shaped_decoder` should build it: each record's `attributes` limited to
    `keys` and the id (each attribute object whole, as Personio sent it), everything else of a record left out.

    None (decode whole pages) when a key is not ASCII: msgspec 0.22 silently misses such TypedDict keys
    (msgspec/msgspec#1126), and a mapped attribute must never be dropped unseen.
    """
    if not all(key.isascii() for key in keys):
        return None
    attributes = TypedDict("Attributes", {key: Any for key in {"id", *keys}}, total=False)  # type: ignore[misc]
    record = TypedDict("Record", {"attributes": attributes}, total=False)  # type: ignore[misc]
    return TypedDict("EmployeesPage", {"success": Any, "metadata": Any, "data": list[record]},  # type: ignore
                     total=False)


def records_of(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    data = body.get("data")
    if not isinstance(data, list):
        raise ProviderError("Personio answered the employees request without a list")
    return data


def total_of(body: Mapping[str, Any]) -> int | None:
    metadata = body.get("metadata")
    total = metadata.get("total_elements") if isinstance(metadata, Mapping) else None
    return total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None
