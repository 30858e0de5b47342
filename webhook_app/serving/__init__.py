"""How `hrsync web` serves the app with gunicorn (webhook_app.serve): threaded workers with a read timeout, a redacting
access log."""
