"""Alembic migrations on SQLite and PostgreSQL: exactly the models' schema, idempotent, reversible."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import sqlalchemy as sa

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

from store import migrate
from store.db import make_engine, make_session_factory, transaction
from store.models import Base, CompanyRow
from store.repositories import sync_runs


def _schema_diff(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as connection, warnings.catch_warnings():
            # SQLAlchemy cannot reflect SQLite's expression indexes (stakeholders' lower(name)), and says so; it does
            # reflect PostgreSQL's, so the comparison there covers it (and test_the_name_order_index_exists on both).
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
            warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index")
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrated_schema_is_exactly_the_models(database_url):
    assert _schema_diff(database_url) == []


def test_upgrade_is_idempotent_and_keeps_data(database_url, session_factory):
    with transaction(session_factory) as session:
        session.add(CompanyRow(name="Survivor"))
    assert migrate.upgrade(database_url) == migrate.head()
    assert migrate.upgrade(database_url) == migrate.head()
    assert migrate.current(database_url) == migrate.head()
    with session_factory() as session:
        assert session.scalars(select(CompanyRow.name)).all() == ["Survivor"]
    assert _schema_diff(database_url) == []


def test_fresh_database_upgrades_from_any_directory(fresh_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no alembic.ini here: the package finds its own scripts
    assert migrate.current(fresh_url) is None
    assert migrate.upgrade(fresh_url) == migrate.head() == "0008"
    assert _tables(fresh_url) == {table.name for table in Base.metadata.tables.values()} | {"alembic_version"}
    assert _schema_diff(fresh_url) == []


def test_downgrade_to_base_and_back(fresh_url):
    migrate.upgrade(fresh_url)
    engine = make_engine(fresh_url, sqlite_foreign_keys=False)
    try:
        with engine.begin() as connection:
            config = migrate.alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
    finally:
        engine.dispose()
    assert _tables(fresh_url) <= {"alembic_version"}
    migrate.upgrade(fresh_url)
    assert _schema_diff(fresh_url) == []
    factory_engine = make_engine(fresh_url)
    try:
        with transaction(make_session_factory(factory_engine)) as session:
            session.add(CompanyRow(name="After round trip"))
    finally:
        factory_engine.dispose()


def test_scripts_ship_inside_the_package():
    assert migrate.SCRIPT_LOCATION.is_absolute()
    assert (migrate.SCRIPT_LOCATION / "env.py").is_file()
    assert (migrate.SCRIPT_LOCATION / "script.py.mako").is_file()
    assert migrate.SCRIPT_LOCATION.parent == Path(migrate.__file__).resolve().parent
    assert sorted(path.name for path in (migrate.SCRIPT_LOCATION / "versions").glob("*.py")) == [
        "0001_initial_schema.py", "0002_company_name_key_integration_error_at.py", "0003_company_managed_groups.py",
        "0005_sync_trigger_list_indexes.py", "0006_users.py", "0007_integration_options.py",
        "0008_sync_missing_fields.py"]


def test_0005_gives_existing_syncs_a_trigger_from_their_mode(fresh_url):
    """Targeted syncs only ever came from webhooks; full and incremental ones read `manual`, who asked unknown."""
    engine = _company_at(fresh_url, "0003")
    try:
        with engine.begin() as connection:
            for mode in ("full", "targeted", "incremental"):
                connection.execute(sa.text("INSERT INTO sync_runs (company_id, provider, mode, status, fetched, "
                                           "matched, created_at) VALUES ('co_1', 'personio', :mode, 'succeeded', 0, "
                                           "0, :now)"), {"mode": mode, "now": dt.datetime(2026, 1, 1)})
    finally:
        engine.dispose()
    migrate.upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT mode, \"trigger\", requested_by FROM sync_runs ORDER BY id")).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == [("full", "manual", None), ("targeted", "webhook", None),
                                            ("incremental", "manual", None)]


def test_0008_leaves_existing_syncs_without_missing_fields(fresh_url):
    """Syncs from before 0008 read as having missed no field (NULL), and the column takes a sync's list."""
    engine = _company_at(fresh_url, "0007")
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO sync_runs (company_id, provider, mode, status, fetched, matched, "
                                       "created_at) VALUES ('co_1', 'hibob', 'full', 'succeeded', 0, 0, :now)"),
                               {"now": dt.datetime(2026, 1, 1)})
    finally:
        engine.dispose()
    migrate.upgrade(fresh_url)
    factory_engine = make_engine(fresh_url)
    try:
        with transaction(make_session_factory(factory_engine)) as session:
            (old,) = sync_runs.recent_runs(session, "co_1", 5)
            assert old.missing_fields == ()
            new = sync_runs.create_run(session, "co_1", "hibob", "full")
            sync_runs.start_run(session, new.id)
            sync_runs.succeed_run(session, new.id, {}, None, {"work.title", "address.city"})
        with transaction(make_session_factory(factory_engine)) as session:
            assert sync_runs.get_run(session, new.id).missing_fields == ("address.city", "work.title")
    finally:
        factory_engine.dispose()


def test_the_name_order_index_exists(database_url):
    """The expression index behind the stakeholders' name order (SQLite's is not reflected: read its definition)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                sql = connection.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = "
                                                 "'ix_stakeholders_company_id_lower_name_id'")).scalar()
            else:
                sql = connection.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = "
                                                 "'ix_stakeholders_company_id_lower_name_id'")).scalar()
    finally:
        engine.dispose()
    assert sql is not None and "lower(name)" in sql.replace('"', "") and "company_id" in sql


def _company_at(url: str, revision: str):
    """The schema upgraded to `revision` with company co_1 in it; the caller adds rows of that era and disposes."""
    engine = make_engine(url)
    with engine.begin() as connection:
        config = migrate.alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO companies (id, name, name_key, name_format, termination_policy, ex_employee_group, "
            "employee_group, import_terminated, use_preferred_name, managed_groups, created_at) VALUES ('co_1', "
            "'A', 'a', 'first_last', 'propose_group', 'Ex-employee', 'Employees', false, false, '[]', :now)"),
            {"now": dt.datetime(2026, 1, 1)})
    return engine
