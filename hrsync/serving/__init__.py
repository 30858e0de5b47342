"""How `hrsync web` serves the app with gunicorn: threaded workers with a read timeout, a redacting access log."""
