"""Fresh, migrated databases for each measurement: a SQLite file, or a PostgreSQL database of our own.

The PostgreSQL database is created and dropped here, so the benchmarks never touch the tests' database.
Its URL comes from BUURTBOT_BENCH_DATABASE_URL, or from BUURTBOT_TEST_DATABASE_URL with the database
name replaced by `buurtbot_bench`. Only a database whose name contains "bench" is ever dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db.migrate import upgrade
from bot.db.models import Base

BENCH_DATABASE = "buurtbot_bench"

# Gives a new, empty, migrated database URL for each measurement.
FreshDatabase = Callable[[], Awaitable[str]]


def postgres_url() -> str | None:
    """Where the PostgreSQL runs go, or None when no PostgreSQL is configured."""
    explicit = os.environ.get("BUURTBOT_BENCH_DATABASE_URL")
    if explicit:
        return explicit
    test_url = os.environ.get("BUURTBOT_TEST_DATABASE_URL")
    if test_url:
        return make_url(test_url).set(database=BENCH_DATABASE).render_as_string(hide_password=False)
    return None


POSTGRES_MISSING = (
    "PostgreSQL: skipped (set BUURTBOT_BENCH_DATABASE_URL or BUURTBOT_TEST_DATABASE_URL to include it)"
)


@contextlib.asynccontextmanager
async def databases(backend: str) -> AsyncIterator[FreshDatabase]:
    """`backend` is "sqlite" or "postgresql"; the caller checks postgres_url() before asking for it."""
    if backend == "sqlite":
        async with _sqlite() as fresh:
            yield fresh
        return
    url = postgres_url()
    if url is None:
        raise RuntimeError(POSTGRES_MISSING)
    async with _postgres(url) as fresh:
        yield fresh


@contextlib.asynccontextmanager
async def _sqlite() -> AsyncIterator[FreshDatabase]:
    with tempfile.TemporaryDirectory(prefix="buurtbot-bench-") as folder:
        template = Path(folder) / "template.db"
        # Migrating once and copying the file is much faster than migrating for every run.
        await asyncio.to_thread(upgrade, f"sqlite+aiosqlite:///{template}")
        runs = 0

        async def fresh() -> str:
            nonlocal runs
            runs += 1
            path = Path(folder) / f"run{runs}.db"
            shutil.copy(template, path)
            return f"sqlite+aiosqlite:///{path}"

        yield fresh


@contextlib.asynccontextmanager
async def _postgres(url: str) -> AsyncIterator[FreshDatabase]:
    target = make_url(url)
    name = target.database or ""
    if "bench" not in name:
        raise RuntimeError(f"refusing to create and drop database {name!r}: its name must contain 'bench'")
    await _recreate(target)
    try:
        # upgrade() runs its own event loop, so it gets a thread of its own.
        await asyncio.to_thread(upgrade, url)

        async def fresh() -> str:
            await _empty_all_tables(url)
            return url

        yield fresh
    finally:
        await _drop(target)


async def _admin(target: URL) -> asyncpg.Connection:
    # CREATE/DROP DATABASE cannot run inside the target database; createdb connects to "postgres" too.
    return await asyncpg.connect(
        user=target.username,
        password=target.password,
        host=target.host,
        port=target.port,
        database="postgres",
    )


async def postgres_version() -> str | None:
    url = postgres_url()
    if url is None:
        return None
    connection = await _admin(make_url(url))
    try:
        return str(await connection.fetchval("SHOW server_version"))
    finally:
        await connection.close()


async def _recreate(target: URL) -> None:
    connection = await _admin(target)
    try:
        # A run that was killed half-way leaves its database behind.
        await connection.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{target.database}"')
    finally:
        await connection.close()


async def _drop(target: URL) -> None:
    connection = await _admin(target)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
    finally:
        await connection.close()


async def _empty_all_tables(url: str) -> None:
    engine = create_async_engine(url)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()
