"""The Flask app: webhooks, cron, approvals, JSON API and health, built by `create_app`."""

from webhook_app.factory import create_app

__all__ = ["create_app"]
