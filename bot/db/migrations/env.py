"""Alembic environment: runs migrations over the project's async engine, under the migration lock."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.db import migration_lock
from bot.db.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    wait = config.attributes.get("lock_wait_seconds", migration_lock.WAIT_SECONDS)
    with migration_lock.migrating(connection, wait):
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite cannot ALTER most things; batch mode rebuilds tables so later migrations work on both.
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        # Alembic reads the schema's revision only now, under the lock: a process that waited for
        # another one's migration finds the schema at head and runs nothing.
        migrations = context.get_context()
        before = migrations.get_current_heads()
        context.run_migrations()
        config.attributes["revisions"] = (before, migrations.get_current_heads())


async def _run_online() -> None:
    url = str(config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url"))
    options: dict[str, Any] = {}
    if make_url(url).get_backend_name() == "sqlite":
        # The driver must not start or end transactions by itself: the migration lock does (BEGIN
        # EXCLUSIVE), and every migration runs inside that one transaction.
        options["connect_args"] = {"isolation_level": None}
    engine = create_async_engine(url, poolclass=NullPool, hide_parameters=True, **options)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
