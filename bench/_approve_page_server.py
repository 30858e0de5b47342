"""The web app on a free port over a seeded database, for bench/approve_page.py (run as a script, so that the
code it serves is whichever checkout PYTHONPATH names first: this one, or `main` for the before figures).

    PYTHONPATH=<checkout> python bench/_approve_page_server.py <database url> <secret key>

Prints one line, the base URL, once the app answers; serves until stdin closes.
"""

from __future__ import annotations

import sys
import threading

import fakeredis
from cryptography.fernet import Fernet
from werkzeug.serving import make_server

from core.bootstrap import build_services
from core.settings import Settings
from store.db import make_engine
from webhook_app import create_app


def main(url: str, secret_key: str) -> None:
    settings = Settings(database_url=url, secret_key=secret_key, encryption_keys=(Fernet.generate_key().decode(),))
    services = build_services(settings, engine=make_engine(url))
    app = create_app(settings, redis=fakeredis.FakeRedis(), services=services)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"http://127.0.0.1:{server.server_port}", flush=True)
    sys.stdin.read()  # the benchmark closes it when done
    server.shutdown()
    services.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
