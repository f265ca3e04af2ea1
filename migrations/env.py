"""Alembic environment: batch mode (SQLite), the ORM metadata as target."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from awsmock.models import Base, load_all

load_all()
target_metadata = Base.metadata
config = context.config


def run_with(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from awsmock.engine.config import Config

        url = Config.from_env().url
    engine = create_engine(url)
    with engine.begin() as conn:
        run_with(conn)


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        render_as_batch=True,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
