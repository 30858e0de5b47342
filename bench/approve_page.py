"""Approve-page benchmark: open the preview of a first import (20,000 items) and approve all of it through the page,
over HTTP like a browser, on `main` (before) and on this checkout (after).

Each side gets a fresh PostgreSQL database seeded with the same change set (bench.apply's mix: creates, updates,
links, leavers and reviews), and the web app of that side's code in its own process (bench/_approve_page_server.py,
Redis faked in-process, the password at production argon2 cost). Timed with `requests`, as a browser would do it:

- open: GET the approve link until the whole page has arrived (its size alongside), three times: the median, and
  the first (a fresh process: templates compiled, database connections made);
- approve all: answer every review (on a page-at-a-time page: each page of reviews sent with its answers; on the
  one-form page: with the form), then submit the password and wait for the page that says what was applied
  (following the progress page the way approvals.js does). The largest form sent is reported too.

    python -m bench.approve_page [--items 20000] [--before main] [--skip-before]
"""

from __future__ import annotations

import argparse
import html
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlencode

import requests
from cryptography.fernet import Fernet

from bench import _common as common
from bench.apply import EMAIL, PASSWORD, seed
from core.bootstrap import build_services
from core.links import LinkSigner
from core.settings import Settings
from store.db import make_engine
from store.models import Base

ROOT = Path(__file__).resolve().parent.parent
OPEN_TARGET_S = 1.0
OPENS = 3
_HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')
_CHECKED = re.compile(r'<input type="checkbox" name="include" value="(\d+)"[^>]*?\schecked>')
_REVIEW = re.compile(r'<fieldset class="review" id="review-(\d+)">')
_CANDIDATE = re.compile(r'<input type="radio" name="resolve-(\d+)" value="(\d+)"')
_REVIEW_PAGES = re.compile(r'page \d+ of ([\d,]+)')


@contextmanager
def checkout(ref: str | None) -> Iterator[Path]:
    """This checkout (ref None), or `ref` exported from its git history into a temporary folder."""
    if ref is None:
        yield ROOT
        return
    with tempfile.TemporaryDirectory(prefix="hrsync-bench-") as folder:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        yield Path(folder)


@contextmanager
def served(tree: Path, url: str, secret_key: str) -> Iterator[str]:
    server = subprocess.Popen([sys.executable, str(ROOT / "bench" / "_approve_page_server.py"), url, secret_key],
                              cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        base = server.stdout.readline().strip()
        if not base.startswith("http"):
            raise RuntimeError("the app did not start")
        yield base
    finally:
        server.stdin.close()
        server.wait(timeout=60)


def side(label: str, ref: str | None, items: int) -> dict:
    with tempfile.TemporaryDirectory() as folder, common.scratch_database("postgresql", Path(folder)) as url, \
            checkout(ref) as tree:
        secret_key = secrets.token_urlsafe(32)
        settings = Settings(database_url=url, secret_key=secret_key, encryption_keys=(Fernet.generate_key().decode(),))
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        services = build_services(settings, engine=engine)
        try:
            _, changeset_id, _ = seed(services.session_factory, items)
        finally:
            services.dispose()
        with served(tree, url, secret_key) as base:
            link = LinkSigner(secret_key, settings.approve_link_max_age, base).url(changeset_id)
            figures = measure(link)
    figures |= {"side": label, "code": ref or "this checkout", "items": items}
    common.emit("approve_page", **figures, load=common.machine_load())
    return figures


def measure(link: str) -> dict:
    with requests.Session() as browser:
        opens = []
        for _ in range(OPENS):  # the first in a fresh process (templates compiled, connections made), then warm
            started = time.perf_counter()
            page = browser.get(link, timeout=600)
            page.raise_for_status()
            opens.append(time.perf_counter() - started)
        opened = statistics.median(opens)
        started = time.perf_counter()
        paged = 'name="choices_version"' in page.text
        done, largest, reviews_s = (approve_paged if paged else approve_one_form)(browser, link, page.text)
        approved = time.perf_counter() - started
        if "Changes applied" not in done:
            raise RuntimeError("the approval did not end on the applied page")
    return {"open_s": round(opened, 3), "first_open_s": round(opens[0], 3), "page_bytes": len(page.content),
            "approve_s": round(approved, 3),
            "reviews_s": round(reviews_s, 3), "apply_s": round(approved - reviews_s, 3),
            "largest_form_bytes": largest}


def answer(review_id: str, candidates: dict[str, str], n: int) -> str:
    """bench.apply's answers: a third linked to the first candidate, a third created, a third not the same."""
    return (candidates.get(review_id) or "create") if n % 3 == 0 else ("create", "not_same_person")[n % 3 - 1]


def approve_one_form(browser: requests.Session, link: str, page: str) -> tuple[str, int, float]:
    """The page before: every item's box and every review's answer in the one form."""
    candidates = dict(_CANDIDATE.findall(page)[::-1])  # the first candidate of each review wins
    fields = [*_hidden(page).items(), *(("include", value) for value in _CHECKED.findall(page)),
              *((f"resolve-{review}", answer(review, candidates, n)) for n, review in enumerate(_REVIEW.findall(page))),
              ("name_format", "last_comma_first"), ("email", EMAIL), ("password", PASSWORD)]
    body = urlencode(fields)
    done = browser.post(link, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=600)
    done.raise_for_status()
    return done.text, len(body), 0.0  # the answers went with the password


def approve_paged(browser: requests.Session, link: str, page: str) -> tuple[str, int, float]:
    """The page after: every item is selected already; each page of reviews is answered and saved, then the
    password is sent from the overview, and the progress is followed until the applied page."""
    largest, n, started = 0, 0, time.perf_counter()
    number, pages = 1, 1
    while number <= pages:
        shown = browser.get(f"{link}?{urlencode({'kind': 'review', 'page': number})}", timeout=600).text
        found = _REVIEW_PAGES.search(shown)
        pages = int(found.group(1).replace(",", "")) if found else 1
        candidates = dict(_CANDIDATE.findall(shown)[::-1])
        fields = [*_hidden(shown).items(), ("action", "save")]
        for review in _REVIEW.findall(shown):
            fields.append((f"resolve-{review}", answer(review, candidates, n)))
            n += 1
        body = urlencode(fields)
        largest = max(largest, len(body))
        browser.post(link, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"},
                     timeout=600).raise_for_status()
        number += 1
    reviews_s = time.perf_counter() - started
    overview = browser.get(link, timeout=600).text
    body = urlencode([*_hidden(overview).items(), *(("include", v) for v in _CHECKED.findall(overview)),
                      ("name_format", "last_comma_first"), ("email", EMAIL), ("password", PASSWORD)])
    largest = max(largest, len(body))
    done = browser.post(link, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"},
                        timeout=600, allow_redirects=False)
    if done.status_code == 303 and done.headers["Location"].endswith("/applying"):
        status = link + "/progress"
        while (state := browser.get(status, timeout=60).json())["state"] in ("queued", "running"):
            time.sleep(0.5)
        if state["state"] != "done":
            raise RuntimeError(f"the apply ended {state}")
        return browser.get(link, timeout=600).text, largest, reviews_s
    done.raise_for_status()
    return done.text, largest, reviews_s


def _hidden(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in _HIDDEN.findall(page)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--before", default="main", help="the git ref measured as 'before'")
    parser.add_argument("--skip-before", action="store_true")
    args = parser.parse_args()
    results = [] if args.skip_before else [side("before", args.before, args.items)]
    results.append(side("after", None, args.items))
    print(f"\napprove page, {args.items:,} items (PostgreSQL, over HTTP like a browser)")
    print(f"{'':<8} {'code':<14} {'open':>8} {'(first)':>9} {'page':>9} {'approve all':>12} {'(reviews':>9} "
          f"{'+ apply)':>9} {'largest form':>13}")
    for row in results:
        print(f"{row['side']:<8} {row['code']:<14} {row['open_s']:>6.2f} s {row['first_open_s']:>7.2f} s "
              f"{row['page_bytes'] / 1e6:>6.2f} MB "
              f"{row['approve_s']:>10.2f} s {row['reviews_s']:>7.2f} s {row['apply_s']:>7.2f} s "
              f"{row['largest_form_bytes'] / 1e3:>10.1f} kB")
    print("approve all = every review answered (a page at a time after; in the one form before) + password → the "
          "applied page")
    after = results[-1]
    met = after["open_s"] <= OPEN_TARGET_S
    print(f"open the preview: {'ok' if met else 'OVER TARGET'} (target {OPEN_TARGET_S:.0f} s)")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
