"""The Database: one transaction per begin(), and connections that go back to the pool clean."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.db.database import Database
from bot.db.models import Lease, Member


async def test_a_transaction_cut_off_half_way_is_rolled_back_before_its_connection_is_used_again(
    db: Database,
) -> None:
    if not db.is_sqlite:
        pytest.skip("on PostgreSQL the pool's own reset does this")
    async with db.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        # Past SQLAlchemy's back, as when a task is cancelled in the middle of its work.
        await driver.execute("BEGIN IMMEDIATE")
        await driver.execute(
            "INSERT INTO leases (name, holder, expires_at) VALUES ('worker', 'x', '2026-01-01 00:00:00')"
        )

    async with db.begin() as session:  # the same pooled connection; BEGIN would fail inside a transaction
        assert await session.scalar(select(func.count()).select_from(Lease)) == 0


@pytest.fixture
async def another_process_writing(db: Database) -> AsyncIterator[sqlite3.Connection]:
    """A second connection to the bot's SQLite file (the command line, say) that holds the write lock."""
    if not db.is_sqlite:
        pytest.skip("SQLite only: its statements run on the event loop's thread")
    assert db.url.database is not None
    assert await _members(db) == 0  # the bot was running before (and has put the file in WAL mode)
    command_line = sqlite3.connect(db.url.database, isolation_level=None)
    command_line.execute("BEGIN IMMEDIATE")
    try:
        yield command_line
    finally:
        command_line.close()


async def _members(db: Database) -> int | None:
    async with db.begin() as session:
        return await session.scalar(select(func.count()).select_from(Member))


async def _join(db: Database) -> None:
    async with db.begin() as session:  # a unit of work reads first: that is where it waits
        if await session.scalar(select(Member.id).where(Member.telegram_user_id == 7)) is None:
            session.add(
                Member(telegram_user_id=7, language="nl", joined_at=datetime(2026, 11, 25, tzinfo=UTC))
            )


async def test_a_write_lock_held_by_another_process_is_waited_for_without_holding_up_the_event_loop(
    db: Database, another_process_writing: sqlite3.Connection
) -> None:
    joining = asyncio.create_task(_join(db))
    # The timeout can only fire while the loop runs: a BEGIN that waited on the loop's thread would
    # hold it up until SQLite's busy timeout ran out, and the transaction would then fail.
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(asyncio.shield(joining), timeout=0.3)
    another_process_writing.rollback()

    await joining
    assert await _members(db) == 1


async def test_a_transaction_cancelled_while_it_waits_for_the_write_lock_leaves_no_lock_behind(
    db: Database, another_process_writing: sqlite3.Connection
) -> None:
    joining = asyncio.create_task(_join(db))
    with pytest.raises(TimeoutError):  # it waits for the lock (see the test above)
        await asyncio.wait_for(asyncio.shield(joining), timeout=0.3)
    joining.cancel()  # as when the bot stops, or hands over to another instance, at that moment
    with pytest.raises(asyncio.CancelledError):
        await joining
    another_process_writing.rollback()

    assert db.url.database is not None
    yet_another = sqlite3.connect(db.url.database, isolation_level=None, timeout=0)
    yet_another.execute("BEGIN IMMEDIATE")  # would raise "database is locked" if anything held it
    yet_another.rollback()
    yet_another.close()
    assert await _members(db) == 0


async def test_rows_row_counts_and_new_ids_come_back_from_each_statement(db: Database) -> None:
    now = datetime(2026, 11, 25, tzinfo=UTC)
    async with db.begin() as session:
        first = Member(telegram_user_id=1, language="nl", joined_at=now)
        session.add(first)
        await session.flush()  # an INSERT whose new id SQLAlchemy reads back
        session.add_all([Member(telegram_user_id=n, language="en", joined_at=now) for n in (2, 3)])
        await session.flush()  # several rows at once
        changed = await session.execute(update(Member).where(Member.language == "en").values(language="nl"))
        assert getattr(changed, "rowcount", None) == 2
        ids = (await session.scalars(select(Member.telegram_user_id).order_by(Member.id))).all()
    assert first.id is not None
    assert ids == [1, 2, 3]


async def test_a_broken_unique_key_raises_and_the_next_transaction_works(db: Database) -> None:
    now = datetime(2026, 11, 25, tzinfo=UTC)
    async with db.begin() as session:
        session.add(Member(telegram_user_id=1, language="nl", joined_at=now))
    with pytest.raises(IntegrityError):
        async with db.begin() as session:
            session.add(Member(telegram_user_id=1, language="en", joined_at=now))
    async with db.begin() as session:
        assert await session.scalar(select(Member.language)) == "nl"


NO_SERVER = "SQLite has no server to lose"


async def _cut_off_from_the_server(database: Database) -> None:
    """What a restart of PostgreSQL does to the pooled connection: the server ends its session."""
    async with database.begin() as session:
        backend = await session.scalar(text("SELECT pg_backend_pid()"))
    administrator = create_async_engine(database.url, poolclass=NullPool)
    async with administrator.begin() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    await administrator.dispose()


@contextlib.asynccontextmanager
async def a_postgres_database(database_url: str, *, why: str, **options: Any) -> AsyncIterator[Database]:
    """A Database of the test's own with these options; the test is skipped on SQLite, saying `why`."""
    if not database_url.startswith("postgresql"):
        pytest.skip(f"PostgreSQL only: {why}")
    database = Database(database_url, **options)
    try:
        yield database
    finally:
        await database.dispose()


async def test_a_connection_that_sat_idle_is_pinged_and_replaced_when_it_is_dead(
    database_url: str,
) -> None:
    # idle_before_ping=0: every connection counts as idle
    async with a_postgres_database(database_url, why=NO_SERVER, idle_before_ping=0) as database:
        await _cut_off_from_the_server(database)
        async with database.begin() as session:
            assert await session.scalar(select(func.count()).select_from(Member)) == 0


async def test_a_connection_used_moments_ago_is_not_pinged_and_its_loss_costs_one_transaction(
    database_url: str,
) -> None:
    async with a_postgres_database(database_url, why=NO_SERVER, idle_before_ping=3600) as database:
        await _cut_off_from_the_server(database)
        with pytest.raises(DBAPIError) as failed:
            async with database.begin() as session:
                await session.scalar(select(func.count()).select_from(Member))
        assert failed.value.connection_invalidated
        async with database.begin() as session:  # the pool has been renewed
            assert await session.scalar(select(func.count()).select_from(Member)) == 0


async def test_connections_are_kept_for_the_next_burst_instead_of_opened_for_each_transaction(
    database_url: str,
) -> None:
    at_once = 12
    backends: list[int] = []
    why = "SQLite opens no server connections"
    async with a_postgres_database(database_url, why=why, pool_size=at_once) as database:

        async def transaction(all_inside: asyncio.Barrier) -> None:
            async with database.begin() as session:
                backends.append(await session.scalar(text("SELECT pg_backend_pid()")))
                await all_inside.wait()  # every transaction holds its connection at the same time

        for _burst in range(2):
            all_inside = asyncio.Barrier(at_once)
            await asyncio.gather(*(transaction(all_inside) for _ in range(at_once)))
    assert len(backends) == 2 * at_once
    assert len(set(backends)) == at_once  # the second burst used the first one's connections
