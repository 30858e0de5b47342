"""Engines and transactions: SQLite pragmas, URL routing, commit and rollback."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, select, text

import store.db
from store.db import make_engine, make_session_factory, normalise_url, transaction
from store.models import Base, CompanyRow


def test_no_engine_is_built_at_import():
    assert not [value for value in vars(store.db).values() if isinstance(value, Engine)]


def test_sqlite_memory_has_foreign_keys_on():
    engine = make_engine("sqlite://")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_sqlite_file_uses_wal_and_creates_its_folder(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'hrsync.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert (tmp_path / "nested" / "hrsync.db").exists()
    engine.dispose()


def test_sqlite_foreign_keys_can_be_off_for_migrations():
    engine = make_engine("sqlite://", sqlite_foreign_keys=False)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0
    engine.dispose()


def test_sqlite_connection_is_usable_from_another_thread(engine):
    results = []

    def query() -> None:
        with engine.connect() as connection:
            results.append(connection.execute(text("SELECT 1")).scalar())

    thread = threading.Thread(target=query)
    thread.start()
    thread.join()
    assert results == [1]


@pytest.mark.parametrize("url, driver", [
    ("postgresql://u@h/db", "postgresql+psycopg"),
    ("postgres://u@h/db", "postgresql+psycopg"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
    ("sqlite:///x.db", "sqlite"),
], ids=["postgresql", "postgres-alias", "explicit", "sqlite"])
def test_postgres_urls_use_psycopg3(url, driver):
    assert normalise_url(url).drivername == driver


def test_transaction_commits(session_factory):
    with transaction(session_factory) as session:
        session.add(CompanyRow(name="Kept"))
    with session_factory() as session:
        assert session.scalars(select(CompanyRow.name)).all() == ["Kept"]


def test_transaction_rolls_back_on_error(session_factory):
    with pytest.raises(RuntimeError):
        with transaction(session_factory) as session:
            session.add(CompanyRow(name="Lost"))
            session.flush()
            raise RuntimeError("boom")
    with session_factory() as session:
        assert session.scalars(select(CompanyRow.name)).all() == []


def test_savepoints_roll_back_only_their_part():
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        session.add(CompanyRow(name="Outer"))
        nested = session.begin_nested()
        session.add(CompanyRow(name="Inner"))
        session.flush()
        nested.rollback()
    with factory() as session:
        assert session.scalars(select(CompanyRow.name)).all() == ["Outer"]
    engine.dispose()
