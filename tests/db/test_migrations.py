"""The migrations build exactly the schema the models describe, on every database we support."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from bot.db.database import Database
from bot.db.models import Base


async def test_migrated_schema_matches_the_models(db: Database) -> None:
    def differences(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with db.engine.connect() as connection:
        diff = await connection.run_sync(differences)

    assert diff == []
