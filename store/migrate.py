"""Schema migrations run from code (`hrsync db upgrade`): no alembic.ini needed at runtime."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from store.db import make_engine

# Next to this module, so it is found from an installed package as well as from the repo.
SCRIPT_LOCATION = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if database_url is not None:
        # configparser treats % as interpolation: escape it (URL-encoded passwords).
        config.set_main_option("sqlalchemy.url", str(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> str | None:
    """Bring the database to `revision` (idempotent); returns the revision it is at afterwards."""
    engine = make_engine(database_url, sqlite_foreign_keys=False)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            _check_foreign_keys(connection)
        return _current(engine)
    finally:
        engine.dispose()


def current(database_url: str) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    engine = make_engine(database_url)
    try:
        return _current(engine)
    finally:
        engine.dispose()


@functools.cache
def head() -> str:
    """The newest revision this package ships."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def at_head(engine: Engine) -> bool:
    """Whether the database is at the newest revision (raises when it cannot be reached)."""
    return _current(engine) == head()


def _check_foreign_keys(connection: Connection) -> None:
    """SQLite migrated with enforcement off: refuse to commit rows that now point nowhere."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise RuntimeError(f"migration left rows with broken foreign keys in: {', '.join(tables)}")


def _current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
