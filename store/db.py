"""Engines, sessions and transactions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from store import json_text
from store.folding import SQLITE_FUNCTION, fold_text

# Seconds a SQLite connection waits for another writer before "database is locked".
SQLITE_BUSY_TIMEOUT = 30


def normalise_url(database_url: str | URL) -> URL:
    """Route bare `postgresql://` / `postgres://` URLs to psycopg 3, the driver hrsync ships."""
    url = make_url(database_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def make_engine(database_url: str | URL, *, sqlite_foreign_keys: bool = True,
                **engine_options) -> Engine:
    """An engine for `database_url`; nothing connects until first use.

    `sqlite_foreign_keys=False` is for migrations only: Alembic's batch mode copies and drops
    tables, which with enforcement on would cascade-delete the rows pointing at them.
    """
    url = normalise_url(database_url)
    engine_options.setdefault("json_serializer", json_text.dumps)
    engine_options.setdefault("json_deserializer", json_text.loads)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, sqlite_foreign_keys, **engine_options)
    engine_options.setdefault("pool_pre_ping", True)
    return create_engine(url, **engine_options)


def _is_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or "mode=memory" in str(url)


def _sqlite_engine(url: URL, foreign_keys: bool, **engine_options) -> Engine:
    memory = _is_memory(url)
    connect_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT}
    if memory:
        # One shared connection: every session must see the same in-memory database.
        engine_options.setdefault("poolclass", StaticPool)
    else:
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args=connect_args, **engine_options)
    event.listen(engine, "connect", _sqlite_on_connect(wal=not memory, foreign_keys=foreign_keys))
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_on_connect(wal: bool, foreign_keys: bool):
    def on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy emit BEGIN itself: the sqlite3 module's legacy mode skips it for
        # SELECT and SAVEPOINT, which breaks repeatable reads and nested transactions.
        dbapi_connection.isolation_level = None
        dbapi_connection.create_function(SQLITE_FUNCTION, 1, fold_text, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        if wal:
            # WAL lets the web process read while a worker writes a change set.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
    return on_connect


def _sqlite_begin(connection) -> None:
    # IMMEDIATE takes the write lock up front: a read-then-write transaction can then never
    # fail with SQLITE_BUSY half-way (WAL refuses to upgrade a stale read snapshot).
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values readable after commit (repositories return values)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception."""
    with session_factory() as session, session.begin():
        yield session
