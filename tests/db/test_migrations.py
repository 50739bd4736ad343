"""The migrations build exactly the schema the models describe, on every database we support."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from bot.db.database import Database
from bot.db.migrate import upgrade
from bot.db.models import Base


async def test_migrated_schema_matches_the_models(db: Database) -> None:
    def differences(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with db.engine.connect() as connection:
        diff = await connection.run_sync(differences)

    assert diff == []


def test_the_buurt_history_starts_with_todays_members_and_helpers(tmp_path: Path) -> None:
    """Migration 0009 backfills: each active member (and helper) from their first contact; people
    waiting for approval, or in no buurt, are not in it. (SQLite: migrating a copy is cheap.)"""
    path = tmp_path / "old.db"
    upgrade(f"sqlite+aiosqlite:///{path}", "0008_digest")
    joined = "2026-03-01 09:30:00.000000"
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute(
            "INSERT INTO buurten (id, name, join_policy, created_at, digest_weekday, digest_minute) "
            "VALUES (1, 'Transvaal', 'open', ?, 0, 600)",
            (joined,),
        )
        for member_id, buurt_id, status in (
            (1, 1, "active"),
            (2, 1, "active"),
            (3, 1, "pending"),
            (4, None, "none"),
        ):
            connection.execute(
                "INSERT INTO members (id, telegram_user_id, language, joined_at, buurt_id, membership, "
                "weekly_digest) VALUES (?, ?, 'nl', ?, ?, ?, 0)",
                (member_id, 100 + member_id, joined, buurt_id, status),
            )
        for member_id in (2, 3):  # a waiting member's offer does not count yet
            connection.execute(
                "INSERT INTO helper_offers (member_id, days, day_parts, max_per_week, quiet_start, "
                "quiet_end, paused, updated_at) VALUES (?, 127, 7, 2, 1260, 540, 0, ?)",
                (member_id, joined),
            )

    upgrade(f"sqlite+aiosqlite:///{path}")

    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute(
            "SELECT buurt_id, member_id, role, change, at FROM buurt_history ORDER BY id"
        ).fetchall()
    assert rows == [
        (1, 1, "member", "start", joined),
        (1, 2, "member", "start", joined),
        (1, 2, "helper", "start", joined),
    ]
