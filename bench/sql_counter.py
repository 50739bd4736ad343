"""Counts the database work of the bot under test, to explain its throughput."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


class SqlCounter:
    """Transactions and statements on one engine while `counting` is on (a counter, nearly free)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.counting = False
        self.transactions = 0
        self.statements = 0
        sync_engine = engine.sync_engine
        event.listen(sync_engine, "begin", self._on_begin)
        event.listen(sync_engine, "before_cursor_execute", self._on_statement)

    def _on_begin(self, _connection: Any) -> None:
        if self.counting:
            self.transactions += 1

    def _on_statement(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # SQLite's BEGIN IMMEDIATE goes through the cursor; PostgreSQL's BEGIN does not: count neither.
        if self.counting and not statement.startswith("BEGIN"):
            self.statements += 1
