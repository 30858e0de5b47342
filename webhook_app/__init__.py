"""The web entrypoint: webhooks, cron, approvals, JSON API and health. Its public API, for the CLI and the demo:
`create_app` (the WSGI app) and `serve` (`hrsync web`: gunicorn)."""

from __future__ import annotations

from typing import Callable

from webhook_app.factory import create_app

__all__ = ["create_app", "serve"]


def serve(settings, *, bind: str, workers: int, threads: int, read_timeout: float,
          before_serving: Callable[[], None] | None = None) -> None:
    """Serve the app with gunicorn until stopped (threaded workers, a read timeout, the redacting access log); an
    address it cannot listen on is refused first (core.errors refusal: CannotListen)."""
    from webhook_app.serving.server import serve as run  # gunicorn only for the process that serves

    run(lambda: create_app(settings), bind=bind, workers=workers, threads=threads, read_timeout=read_timeout,
        before_serving=before_serving, metrics_dir=settings.metrics_dir, log_format=settings.log_format)
