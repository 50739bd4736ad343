"""The engine and one session per unit of work."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from bot.db import sqlite_inline

# A pooled PostgreSQL connection idle for longer than this is pinged before it is used again.
IDLE_BEFORE_PING_SECONDS = 10.0
# PostgreSQL connections kept open for reuse, and how many more may be opened (and closed again) briefly.
POOL_SIZE, MAX_OVERFLOW = 5, 10


class Database:
    """Owns the engine. `begin()` is one transaction: commit on success, rollback on error."""

    def __init__(
        self, url: str, *, pool_size: int = POOL_SIZE, idle_before_ping: float = IDLE_BEFORE_PING_SECONDS
    ) -> None:
        """`pool_size`: PostgreSQL connections kept for reuse; size it for the transactions that may run
        at once. Past it, each extra transaction opens a connection (a new server process) and closes
        it after the commit: under a steady load that is a connection per transaction."""
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        # hide_parameters: SQL errors must not carry personal data (names, texts) into the logs.
        options: dict[str, Any] = {"hide_parameters": True}
        if self.is_sqlite:
            # The pool's reset rolls back every connection it gets back; see _on_reset below.
            options.update(connect_args=sqlite_inline.CONNECT_ARGS, pool_reset_on_return=None)
        else:
            options.update(pool_size=pool_size, max_overflow=MAX_OVERFLOW)
        self.engine = create_async_engine(url, **options)
        if self.is_sqlite:
            _configure_sqlite(self.engine.sync_engine)
        else:
            _ping_when_idle(self.engine.sync_engine, idle_before_ping)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time. Taking turns here avoids its busy-wait backoff, which would
        # otherwise stall concurrent chats for up to 100 ms at a time.
        self._turn = asyncio.Lock() if self.is_sqlite else None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        async with self._take_turn(), self._sessions.begin() as session:
            yield session

    @contextlib.asynccontextmanager
    async def _take_turn(self) -> AsyncIterator[None]:
        if self._turn is None:
            yield
            return
        async with self._turn:
            yield

    async def dispose(self) -> None:
        await self.engine.dispose()


def _ping_when_idle(sync_engine: Any, idle_seconds: float) -> None:
    """SQLAlchemy's pool_pre_ping, but only for a connection that has not been used for a while.

    pool_pre_ping costs a round trip before every transaction: one in seven of a `/start`. A connection
    that finished a transaction moments ago is as good as a ping; one that sat idle may have been cut
    (a database restart, a firewall). Should a connection die in the short window anyway, its
    transaction fails like any other error, and SQLAlchemy then replaces every pooled connection.
    """

    @event.listens_for(sync_engine, "connect")
    def _on_connect(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("idle_since", float("-inf")) < idle_seconds:
            return
        try:
            dbapi_connection.ping()
        except Exception as error:
            # The pool throws this connection away and checks out another (up to three times).
            raise DisconnectionError("the pooled connection did not answer a ping") from error


def _configure_sqlite(sync_engine: Any) -> None:
    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        sqlite_inline.run_inline(
            dbapi_connection,
            set_up=("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"),
        )

    @event.listens_for(sync_engine, "reset")
    def _on_reset(dbapi_connection: Any, _record: Any, state: Any) -> None:
        # Roll back only what is still open (a transaction cut off half-way): after a commit, which is
        # nearly always, there is nothing to roll back.
        if (
            state.asyncio_safe
            and not state.terminate_only
            and dbapi_connection.driver_connection.in_transaction
        ):
            dbapi_connection.rollback()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so a read-then-write transaction can never fail
        # half-way with "database is locked" when another process (the CLI) writes at the same time.
        connection.exec_driver_sql(sqlite_inline.BEGIN)
