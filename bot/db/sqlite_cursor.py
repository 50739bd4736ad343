"""SQLite statements in one trip to aiosqlite's thread instead of three or four.

aiosqlite runs every call on the sqlite3 connection in its own thread, and SQLAlchemy's adapter makes
one such call per step: open a cursor, execute, fetch the rows, close the cursor. Each trip hands the
call to the thread and wakes the event loop again when it is done, and costs more CPU than the
statement itself. The cursor here does all four steps in one function on aiosqlite's thread and keeps
the results (rows, description, row count, last row id) to answer SQLAlchemy from memory.

It relies on aiosqlite's `Connection._execute` (run a function on its thread) and `_conn` (the sqlite3
connection), stable since 0.17 and pinned in the lock files; tests/db/test_database.py runs through it.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection, AsyncAdapt_aiosqlite_cursor
from sqlalchemy.util.concurrency import await_

_Result = tuple[Any, int, int | None, list[Any] | None]  # description, rowcount, lastrowid, rows


def _whole_statement(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Result:
    """On aiosqlite's thread: the whole statement, from opening a cursor to closing it."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else None
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose statements each take one trip to aiosqlite's thread."""

    __slots__ = ("_arraysize", "_outcome")

    def __init__(self, adapt_connection: Any) -> None:  # no aiosqlite cursor: no trip to open one
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]  # never used: every method here works without
        self._soft_closed_memoized = {}  # type: ignore[assignment]  # read by the base class only
        self._rows = collections.deque()
        self._outcome: tuple[Any, int, int | None] = (None, -1, None)
        self._arraysize = 1

    @property
    def description(self) -> Any:
        return self._outcome[0]

    @property
    def rowcount(self) -> int:
        return self._outcome[1]

    @property
    def lastrowid(self) -> int:
        return self._outcome[2]  # type: ignore[return-value]  # None before an INSERT, as in sqlite3

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _async_soft_close(self) -> None:
        """Nothing to close: the sqlite3 cursor was closed on the thread."""

    def close(self) -> None:
        self._rows.clear()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            await_(self._run(operation, parameters, many=False))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        try:
            await_(self._run(operation, seq_of_parameters, many=True))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _run(self, operation: str, parameters: Any, *, many: bool) -> None:
        connection = self._connection
        async with self._adapt_connection._execute_mutex:
            run_on_thread = connection._execute
            sqlite_connection = connection._conn
            outcome = await run_on_thread(_whole_statement, sqlite_connection, operation, parameters, many)
        description, rowcount, lastrowid, rows = outcome
        self._outcome = (description, rowcount, lastrowid)
        if rows is not None:
            self._rows = collections.deque(rows)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor


def use_one_trip_cursors(adapted_connection: Any) -> None:
    """For the `connect` event: make this connection's cursors OneTripCursors."""
    if type(adapted_connection) is AsyncAdapt_aiosqlite_connection:
        adapted_connection.__class__ = OneTripConnection
