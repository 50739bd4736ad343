"""The engine and one session per unit of work."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from bot.db import sqlite_inline


class Database:
    """Owns the engine. `begin()` is one transaction: commit on success, rollback on error."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        # hide_parameters: SQL errors must not carry personal data (names, texts) into the logs.
        options: dict[str, Any] = {"hide_parameters": True}
        if self.is_sqlite:
            # The pool's reset rolls back every connection it gets back; see _on_reset below.
            options.update(connect_args=sqlite_inline.CONNECT_ARGS, pool_reset_on_return=None)
        else:
            options.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        self.engine = create_async_engine(url, **options)
        if self.is_sqlite:
            _configure_sqlite(self.engine.sync_engine)
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
        connection.connection.dbapi_connection.begin_immediate()
