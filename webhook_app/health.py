"""Liveness and readiness probes."""

from __future__ import annotations

from flask import current_app, jsonify

from store import migrate
from webhook_app.security import MachineBlueprint

bp = MachineBlueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process is up."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """The database (at the current schema) and Redis answer; 503 names whichever does not."""
    failing = [name for name, check in (("database", _database_ok), ("redis", _redis_ok)) if not check()]
    if failing:
        body = {"status": "unavailable", "failing": failing,
                "error": {"code": "not_ready", "message": f"not reachable: {', '.join(failing)}"}}
        return jsonify(body), 503, {"Retry-After": "5"}
    return jsonify({"status": "ready"})


def _database_ok() -> bool:
    try:
        if migrate.at_head(current_app.extensions["hrsync.engine"]):
            return True
        current_app.logger.warning("readiness: the database schema is missing or old (hrsync db upgrade)")
        return False
    except Exception:  # any failure means "not ready"; the probe must not raise
        current_app.logger.warning("readiness: database not reachable", exc_info=True)
        return False


def _redis_ok() -> bool:
    try:
        return bool(current_app.extensions["hrsync.redis"].ping())
    except Exception:  # redis-py raises several types; all mean "not ready"
        current_app.logger.warning("readiness: redis not reachable")
        return False
