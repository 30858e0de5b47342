"""Screenshots of every console page into docs/screens (`make screens`, or `python -m tests.screens`).

It lives beside the browser tests because it is made of their parts: the demo's set-up of a company (sandbox HR
system, the JSON admin API, a seeded registry), the real app and a worker thread, and Debian's Chromium through
Playwright. `shots.py` says which pages (every registered navigation entry, the detail pages, the sign-in page),
`company.py` builds the company they show, `camera.py` takes and shrinks the pictures."""
