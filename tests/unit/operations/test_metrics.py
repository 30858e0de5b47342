"""Metrics (issue 18): multiprocess counting across forked processes, the HR calls' observer, and the names the
deploy/ alert rules use all exist."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from core.metrics import WEBHOOK_REFUSALS, _OWN
from core.state_gauges import InstallationCollector
from providers.base import ProviderSettings
from providers.http import make_session

ROOT = Path(__file__).resolve().parents[3]

# Forks "work horses" one after another, as an RQ worker does, each counting one sync; then reads the directory.
FORKING = """
import os, sys
from pathlib import Path
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from core import metrics
directory = Path(sys.argv[1])
metrics.use_directory(directory, children_in_turn=True)
for n in range(3):
    pid = os.fork()
    if pid == 0:
        metrics.sync_ended("webhook", "targeted", "succeeded", 1.5)
        os._exit(0)
    os.waitpid(pid, 0)
registry = CollectorRegistry()
multiprocess.MultiProcessCollector(registry, path=str(directory))
print(generate_latest(registry).decode())
print("FILES", sorted(path.name for path in directory.iterdir()))
"""


def test_forked_work_horses_add_up_in_one_file_between_them(tmp_path):
    done = subprocess.run([sys.executable, "-c", FORKING, str(tmp_path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, check=True)
    assert 'hrsync_syncs_total{mode="targeted",status="succeeded",trigger="webhook"} 3.0' in done.stdout
    assert 'hrsync_sync_duration_seconds_count{mode="targeted"} 3.0' in done.stdout
    files = re.search(r"FILES (.*)", done.stdout).group(1)
    assert files == "['counter_{0}-children.db', 'histogram_{0}-children.db']".format(
        re.search(r"counter_(\d+)-children", files).group(1)), files


class _Throttling(BaseHTTPRequestHandler):
    """Answers 429 (Retry-After: 0) to every first request of a path, then 200."""

    seen: set[str] = set()

    def do_GET(self):  # noqa: N802 (http.server's name)
        first = self.path not in self.seen
        self.seen.add(self.path)
        self.send_response(429 if first else 200)
        self.send_header("Retry-After", "0")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def throttling_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Throttling)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_the_observer_hears_each_call_with_its_final_status_and_its_retries(throttling_server):
    heard = []
    session = make_session(ProviderSettings(base_url=throttling_server, backoff_factor=0, timeout=5,
                                            observer=lambda status, retried: heard.append((status, retried))))
    assert session.get(f"{throttling_server}/employees").status_code == 200
    assert session.get(f"{throttling_server}/employees").status_code == 200
    with pytest.raises(requests.ConnectionError):
        session.get("http://127.0.0.1:9/unreachable")
    assert heard == [("200", ["429"]), ("200", []), ("error", [])]


def test_without_an_observer_the_session_is_requests_own():
    assert type(make_session(ProviderSettings(base_url="http://x"))) is requests.Session


def test_every_metric_the_alert_rules_and_their_tests_name_exists():
    """deploy/prometheus agrees with the code: each hrsync_* series the rules read is one /metrics serves."""
    served = {metric._name + ("_total" if metric._type == "counter" else "") for metric in _OWN}
    served |= {f"{metric._name}_{suffix}" for metric in _OWN if metric._type == "histogram"
               for suffix in ("bucket", "sum", "count")}
    served |= set(InstallationCollector.NAMES)
    named = set()
    for name in ("hrsync-alerts.yml", "hrsync-alerts.test.yml"):
        named |= set(re.findall(r"\bhrsync_[a-z_]+", (ROOT / "deploy" / "prometheus" / name).read_text()))
    assert named and named <= served, named - served
    outcomes = set(re.findall(r'outcome=~"([^"]+)"', (ROOT / "deploy/prometheus/hrsync-alerts.yml").read_text()))
    assert outcomes == {"|".join(sorted(set(WEBHOOK_REFUSALS.values()) - {"unavailable"}))}
