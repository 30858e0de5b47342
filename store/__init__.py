"""Persistence for hrsync: SQLAlchemy 2 models, repositories, Alembic migrations, secrets at rest."""
