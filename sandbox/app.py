"""The sandbox WSGI app: BambooHR, Personio, HiBob, Humaans and the control API on one Flask app."""

from __future__ import annotations

from flask import Flask

from sandbox import bamboohr, control, control_ops, hibob, hibob_control, humaans, humaans_control, personio
from sandbox.state import SandboxState


def create_sandbox_app(state: SandboxState | None = None) -> Flask:
    """A Flask app serving `state` (a fresh, empty one if not given)."""
    app = Flask("sandbox")
    app.extensions["sandbox_state"] = state if state is not None else SandboxState()
    # Room for large request bodies, e.g. a custom report filtered by tens of thousands of employee ids.
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024
    app.register_blueprint(bamboohr.bp)
    app.register_blueprint(personio.bp)
    for name, (prefix, _environment) in hibob.PREFIXES.items():  # Bob's production host and its sandbox host
        app.register_blueprint(hibob.bp, url_prefix=prefix, name=name)
    app.register_blueprint(humaans.bp)
    app.register_blueprint(hibob_control.bp)
    app.register_blueprint(humaans_control.bp)
    app.register_blueprint(control.bp)
    app.register_blueprint(control_ops.bp)
    return app
