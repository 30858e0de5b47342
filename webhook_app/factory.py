"""The app factory: settings injected, connections built here and kept in `app.extensions`."""

from __future__ import annotations

from flask import Flask
from redis import Redis

from hrsync.config import Settings
from store.db import make_engine, make_session_factory
from webhook_app import errors, health

MAX_BODY_BYTES = 1024 * 1024


def create_app(settings: Settings | None = None, *, redis: Redis | None = None, engine=None) -> Flask:
    """Build the WSGI app; tests pass settings (and may pass a fake Redis or an engine)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance_path.resolve()))
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    engine = engine or make_engine(settings.database_url)
    app.extensions["hrsync.settings"] = settings
    app.extensions["hrsync.engine"] = engine
    app.extensions["hrsync.session_factory"] = make_session_factory(engine)
    app.extensions["hrsync.redis"] = redis or Redis.from_url(
        settings.redis_url, socket_connect_timeout=1, socket_timeout=2)
    errors.register_error_handlers(app)
    app.register_blueprint(health.bp)
    return app
