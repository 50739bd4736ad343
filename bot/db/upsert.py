"""INSERT ... ON CONFLICT on SQLite and PostgreSQL alike: skip duplicates, or overwrite them.

A statement for one row is built once per table and dialect, with a bind parameter per column, and
runs on the table (Core): on hot paths building it again for every row cost more than running it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Table, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, make_transient_to_detached
from sqlalchemy.sql.dml import ReturningInsert

Model = TypeVar("Model", bound=DeclarativeBase)


def _insert(dialect: str, table: Any) -> postgresql.Insert | sqlite.Insert:
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


@functools.cache
def _skipping_duplicates(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    return _insert(dialect, table).on_conflict_do_nothing()


@functools.cache
def _skipping_duplicates_returning_keys(dialect: str, table: Table) -> ReturningInsert[Any]:
    # RETURNING lets SQLAlchemy send many rows as a few multi-row INSERTs ("insertmanyvalues") from
    # one cached statement, and tells which rows went in.
    return _skipping_duplicates(dialect, table).returning(*table.primary_key.columns)


@functools.cache
def _skipping_duplicates_returning_all(dialect: str, table: Table) -> ReturningInsert[Any]:
    return _skipping_duplicates(dialect, table).returning(*table.columns)


@functools.cache
def _overwriting(
    dialect: str, table: Table, key: tuple[str, ...], columns: tuple[str, ...]
) -> postgresql.Insert | sqlite.Insert:
    statement = _insert(dialect, table)
    changes = {column: statement.excluded[column] for column in columns if column not in key}
    return statement.on_conflict_do_update(index_elements=list(key), set_=changes)


async def _flush_pending(session: AsyncSession) -> None:
    """What an ORM statement would do first (autoflush): Core statements on the table do not."""
    if session.new or session.dirty or session.deleted:
        await session.flush()


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
    await _flush_pending(session)
    table: Table = model.__table__  # type: ignore[assignment]  # a mapped class always has a Table
    if len(rows) == 1:
        result = await session.execute(_skipping_duplicates(_dialect(session), table), dict(rows[0]))
        return int(getattr(result, "rowcount", 0) or 0)
    statement = _skipping_duplicates_returning_keys(_dialect(session), table)
    return len((await session.execute(statement, [dict(row) for row in rows])).all())


async def add_unless_duplicate(
    session: AsyncSession, model: type[Model], row: dict[str, Any]
) -> Model | None:
    """Insert `row` and return it as an object of the session, or None when it would break a unique key.

    One statement: the new row comes back from the INSERT (RETURNING) and becomes the object, as if it had
    been loaded. (A Core statement: SQLAlchemy's ORM INSERT ... RETURNING costs more than a second query.)
    """
    await _flush_pending(session)
    table: Table = model.__table__  # type: ignore[assignment]  # a mapped class always has a Table
    result = await session.execute(_skipping_duplicates_returning_all(_dialect(session), table), row)
    inserted = result.one_or_none()
    if inserted is None:
        return None
    columns = inserted._mapping
    added = model(**{prop.key: columns[prop.columns[0]] for prop in inspect(model).column_attrs})
    make_transient_to_detached(added)  # as if loaded: its identity is set and nothing is left to flush
    session.add(added)
    return added


async def insert_or_update(
    session: AsyncSession, model: type[DeclarativeBase], row: dict[str, Any], *, key: Sequence[str]
) -> None:
    """Insert `row`, or when a row with the same `key` columns exists, overwrite its other columns."""
    await _flush_pending(session)
    table: Table = model.__table__  # type: ignore[assignment]  # a mapped class always has a Table
    statement = _overwriting(_dialect(session), table, tuple(key), tuple(row))
    await session.execute(statement, row)
