"""INSERT ... ON CONFLICT on SQLite and PostgreSQL alike: skip duplicates, or overwrite them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


def _insert(session: AsyncSession, model: type[DeclarativeBase]) -> postgresql.Insert | sqlite.Insert:
    dialect = session.get_bind().dialect.name
    return postgresql.insert(model) if dialect == "postgresql" else sqlite.insert(model)


def dialect_insert(session: AsyncSession, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that knows ON CONFLICT, for a model or a Table (Core: executemany stays cached)."""
    dialect = session.get_bind().dialect.name
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


async def insert_ignoring_duplicates(
    session: AsyncSession, model: type[DeclarativeBase], rows: Sequence[dict[str, Any]]
) -> int:
    """Insert `rows`; a row that would break a unique key is skipped. Returns how many were inserted."""
    if not rows:
        return 0
    statement = _insert(session, model).values(list(rows)).on_conflict_do_nothing()
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


async def insert_or_update(
    session: AsyncSession, model: type[DeclarativeBase], row: dict[str, Any], *, key: Sequence[str]
) -> None:
    """Insert `row`, or when a row with the same `key` columns exists, overwrite its other columns."""
    statement = _insert(session, model).values(row)
    changes = {column: statement.excluded[column] for column in row if column not in key}
    await session.execute(statement.on_conflict_do_update(index_elements=list(key), set_=changes))
