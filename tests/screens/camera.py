"""Taking the pictures: Debian's Chromium through Playwright (as the browser tests), each page at 1280 and 390 px,
signed in as who the shot says; then cut to a readable height and reduced to a 256-colour palette, which keeps a
page's picture near 100 kB instead of several hundred."""

from __future__ import annotations

import io
from itertools import groupby
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.e2e.test_console_users_browser import WIDE, _sign_in
from tests.screens import company
from tests.screens.shots import Shot, path

WIDTHS = (1280, 390)
VIEWPORT_HEIGHT = 900
# The longest picture kept, per width: a page longer than this is cut (its top is what a reader needs to see).
MAX_HEIGHT = {1280: 2400, 390: 2600}
SIGN_IN = {"admin": (company.ADMIN, company.PASSWORD), "approver": (company.APPROVER, company.PASSWORD),
           "several": (company.GROUP_HR, company.PASSWORD)}
# Where signing in lands (a user of several companies chooses one first).
LANDS = {"several": "/login/company**"}


def take(running: company.Running, shots: list[Shot], folder: Path) -> tuple[list[Path], list[str]]:
    """Every shot at every width into `folder`; returns the files written and what looked wrong (a page wider than
    the screen, an input without a label, an answer other than 200, a console error)."""
    if not CHROMIUM.exists():
        raise SystemExit(f"screenshots need Debian's Chromium at {CHROMIUM}: run `make browser-deps` "
                         "(a downloaded browser is never used)")
    folder.mkdir(parents=True, exist_ok=True)
    written, problems = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        try:
            for role, group in groupby(sorted(shots, key=lambda shot: shot.role), key=lambda shot: shot.role):
                context = browser.new_context(viewport={"width": WIDTHS[0], "height": VIEWPORT_HEIGHT},
                                              locale="en-GB")
                page = context.new_page()
                # A script error or a blocked asset (the Content-Security-Policy) shows as a console error.
                page.on("console", lambda message: problems.append(f"{page.url}: {message.text}")
                        if message.type == "error" else None)
                if role in SIGN_IN:
                    page.goto(running.base_url + "/login")
                    _sign_in(page, *SIGN_IN[role])
                    page.wait_for_url(running.base_url + LANDS.get(role, "/console**"))
                for shot in group:
                    answer = page.goto(running.base_url + path(running.app, shot, running.ids))
                    if shot.press:
                        with page.expect_navigation() as pressed:
                            page.get_by_role("button", name=shot.press, exact=True).click()
                        answer = pressed.value
                    if answer is None or answer.status != 200:
                        problems.append(f"{shot.name}: answered {answer and answer.status} at {page.url}")
                    for width in WIDTHS:
                        target = folder / f"{shot.name}-{width}.png"
                        problems += _look(page, shot.name, width)
                        target.write_bytes(small(page.screenshot(full_page=True), MAX_HEIGHT[width]))
                        written.append(target)
                    page.set_viewport_size({"width": WIDTHS[0], "height": VIEWPORT_HEIGHT})
                context.close()
        finally:
            browser.close()
    return written, problems


def _look(page: Page, name: str, width: int) -> list[str]:
    """What an HR admin would stumble on that a script can see: sideways scrolling and unlabelled inputs."""
    page.set_viewport_size({"width": width, "height": VIEWPORT_HEIGHT})
    found = []
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        found.append(f"{name} scrolls sideways by {overflow}px at {width}px: {page.evaluate(WIDE)}")
    unlabelled = page.evaluate("""[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.name)""")
    if unlabelled:
        found.append(f"{name}: inputs without a label at {width}px: {unlabelled}")
    return found


def small(png: bytes, max_height: int = MAX_HEIGHT[390]) -> bytes:
    """The picture cut to `max_height` and in 256 colours (text and flat colours survive it unchanged to the eye)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.height > max_height:
        image = image.crop((0, 0, image.width, max_height))
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, "PNG",
                                                                                                optimize=True)
    return out.getvalue()
