"""The sandbox WSGI app: every faked HR system (sandbox.systems) and the control API on one Flask app."""

from __future__ import annotations

from flask import Flask

from sandbox import control, control_ops
from sandbox.state import SandboxState
from sandbox.systems import SYSTEMS


def create_sandbox_app(state: SandboxState | None = None) -> Flask:
    """A Flask app serving `state` (a fresh, empty one if not given)."""
    app = Flask("sandbox")
    app.extensions["sandbox_state"] = state if state is not None else SandboxState()
    # Room for large request bodies, e.g. a custom report filtered by tens of thousands of employee ids.
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024
    for system in SYSTEMS.values():
        for blueprint, options in system.blueprints:
            app.register_blueprint(blueprint, **options)
    app.register_blueprint(control.bp)
    app.register_blueprint(control_ops.bp)
    return app
