"""The app factory: settings injected, connections built here and kept in `app.extensions`."""

from __future__ import annotations

from flask import Flask
from redis import Redis
from werkzeug.middleware.proxy_fix import ProxyFix

from core.bootstrap import Services, build_services
from core.links import LinkSigner
from core.settings import Settings
from webhook_app import body_limit, correlation, errors, health, labels, metrics, security

MAX_BODY_BYTES = 1024 * 1024


def create_app(settings: Settings | None = None, *, redis: Redis | None = None, engine=None,
               services: Services | None = None) -> Flask:
    """Build the WSGI app; tests pass settings (and may pass a fake Redis, an engine or services)."""
    settings = settings or (services.settings if services else Settings.from_env())
    app = Flask(__name__, instance_path=str(settings.instance_path.resolve()))
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    services = services or build_services(settings, engine=engine)
    app.extensions["hrsync.services"] = services
    app.extensions["hrsync.engine"] = services.engine
    app.extensions["hrsync.redis"] = redis or Redis.from_url(
        settings.redis_url, socket_connect_timeout=1, socket_timeout=2)
    app.extensions["hrsync.links"] = LinkSigner.for_settings(settings)
    errors.register_error_handlers(app)
    labels.register(app)  # the filters pages word codes with
    app.before_request(correlation.bind_request)  # first: the lines of every later hook carry the request's id
    app.before_request(body_limit.refuse_oversized)  # before any hook reads a form
    app.after_request(correlation.answer_request_id)
    _register_blueprints(app)
    security.init_app(app, settings)  # CSRF on every form but the machine blueprints'; headers on every answer
    # Outside the fast path (installed by its blueprint), so that it also sees chunked bodies buffered.
    app.wsgi_app = body_limit.ChunkedBodies(app.wsgi_app, MAX_BODY_BYTES)
    if settings.trusted_proxies:
        # Outermost: the client's address and scheme as the trusted proxies saw them (the approval lockout's
        # per-address ceiling, METRICS_ALLOW_FROM); what a client put in front of them is never believed.
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)
    return app


def _register_blueprints(app: Flask) -> None:
    # One line per blueprint module; each area's module owns its routes.
    app.register_blueprint(health.bp)
    app.register_blueprint(metrics.bp)  # issue 18: operations
    from webhook_app import input_guard  # noqa: E402  (issue 7: hostile input; its check runs before every view)
    app.register_blueprint(input_guard.bp)
    from webhook_app import cron, webhooks  # noqa: E402  (issue 4: sync pipeline)
    from webhook_app.api import syncs
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(cron.bp)
    app.register_blueprint(syncs.bp)
    from webhook_app.api import integration, openapi, stakeholders  # noqa: E402  (issue 6: admin API)
    app.register_blueprint(integration.bp)
    app.register_blueprint(stakeholders.bp)
    app.register_blueprint(openapi.bp)
    from webhook_app import approvals  # noqa: E402  (issue 5: approvals)
    from webhook_app.api import audit as audit_api, changesets as changesets_api
    app.register_blueprint(approvals.bp)
    app.register_blueprint(changesets_api.bp)
    app.register_blueprint(audit_api.bp)
    from webhook_app.console import changesets as changesets_pages  # noqa: E402  (issue 15: the console)
    from webhook_app.console import shell, signin, syncs as syncs_pages, users  # noqa: E402
    from webhook_app.console import stakeholders as stakeholders_pages  # noqa: E402
    from webhook_app.console import audit as audit_pages  # noqa: E402
    from webhook_app.console import integration as integration_pages  # noqa: E402
    app.register_blueprint(shell.bp)
    app.register_blueprint(syncs_pages.bp)
    app.register_blueprint(changesets_pages.bp)
    app.register_blueprint(stakeholders_pages.bp)
    app.register_blueprint(audit_pages.bp)
    app.register_blueprint(integration_pages.bp)
    app.register_blueprint(signin.bp)
    app.register_blueprint(users.bp)
    from webhook_app.console import settings as settings_pages  # noqa: E402  (issue 15: sync settings)
    app.register_blueprint(settings_pages.bp)
    from webhook_app.console import webhooks as webhooks_pages  # noqa: E402  (issue 15: webhooks)
    app.register_blueprint(webhooks_pages.bp)
