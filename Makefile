# hrsync — `make demo` runs the main job, `make test` the test suite; both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser-deps system-deps bench-deps demo test test-unit test-integration bench screens clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "hrsync needs Python >= 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The tests of deploy/ run the tools themselves (tests/integration/deploy/), each from Debian's packages: binary=package.
DEPLOY_TOOLS := /usr/sbin/nginx=nginx /usr/bin/promtool=prometheus /usr/bin/systemd-analyze=systemd \
	/usr/bin/openssl=openssl /usr/bin/curl=curl

# The browser tests and the screenshots drive Debian's Chromium (never a downloaded browser build).
browser-deps:
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian's chromium for the browser test"; \
	  command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] || { echo "need /usr/bin/chromium: apt-get install chromium (as root)" >&2; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

system-deps: browser-deps
	@missing=$$(for tool in $(DEPLOY_TOOLS); do test -x "$${tool%%=*}" || echo "$${tool#*=}"; done); \
	test -z "$$missing" || { \
	  echo "installing Debian's" $$missing "for the checks of deploy/"; \
	  command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] || { echo "need: apt-get install --no-install-recommends" $$missing "(as root)" >&2; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; }

demo: install
	$(BIN)/hrsync demo

test: install system-deps
	$(BIN)/pytest

test-unit: install
	$(BIN)/pytest tests/unit

test-integration: install
	$(BIN)/pytest tests/integration

# wrk is the webhook benchmark's load generator (Debian's package).
bench-deps:
	@command -v wrk >/dev/null || { \
	  echo "installing Debian's wrk for the webhook benchmark"; \
	  command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] || { echo "need wrk: apt-get install wrk (as root)" >&2; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

# Every benchmark, then docs/performance.md and docs/performance.png from their results (about 10 minutes).
bench: install bench-deps
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench.run

# Screenshots of every console page at 1280 and 390 px into docs/screens (tests/screens; about a minute).
screens: install browser-deps
	$(BIN)/python -m tests.screens

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
