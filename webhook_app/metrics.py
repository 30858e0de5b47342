"""`GET /metrics`: Prometheus metrics of this machine's hrsync processes and the installation's state, for a scraper
with the metrics token (`Authorization: Bearer`, compared in constant time) or from an address METRICS_ALLOW_FROM
names."""

from __future__ import annotations

import hmac
import ipaddress

from flask import Response, current_app, request

from core import metrics
from core.errors import MetricsRefused
from services.operations import state_collector
from webhook_app.context import settings
from webhook_app.security import MachineBlueprint

bp = MachineBlueprint("metrics", __name__)

_STATE = "hrsync.metrics_state"


@bp.record_once
def _install(state) -> None:
    built = state.app.extensions["hrsync.services"]
    metrics.use_directory(built.settings.metrics_dir)
    state.app.extensions[_STATE] = state_collector(built, state.app.extensions["hrsync.redis"])


@bp.get("/metrics")
def scrape():
    """Counters of every process sharing PROMETHEUS_MULTIPROC_DIR, and the queue, worker and change-set gauges."""
    _authorize()
    body = metrics.exposition(settings().metrics_dir, current_app.extensions[_STATE])
    return Response(body, 200, content_type=metrics.CONTENT_TYPE, headers={"Cache-Control": "no-store"})


def _authorize() -> None:
    configured = settings()
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if configured.metrics_token and scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), configured.metrics_token.encode()):
        return
    if configured.metrics_allow_from and _allowed(request.remote_addr, configured.metrics_allow_from):
        return
    raise MetricsRefused()


def _allowed(address: str | None, networks: tuple[str, ...]) -> bool:
    try:
        client = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(network, strict=False) for network in networks)
