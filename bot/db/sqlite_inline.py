"""SQLite statements run on the event loop's own thread instead of a trip to aiosqlite's thread.

Why: a statement of this bot takes SQLite some microseconds. aiosqlite hands every call to a thread of
its own and wakes the event loop when it is done: a queue put, a thread that must win the GIL, a write
to the loop's self-pipe and one more epoll round. That costs far more than the statement, and the GIL
going back and forth slows every socket call of the loop around it. With 6 trips per `/start` this was
about a quarter of the bot's CPU time in `bench/throughput.py`. Here each statement runs where it is
called, and its rows, row count and last row id are kept to answer SQLAlchemy from memory.

Why the loop never waits for a lock:
- `Database.begin()` lets one transaction at a time run in this process, so no statement waits for
  another coroutine's lock.
- Every transaction starts with `BEGIN IMMEDIATE` (see `Database`), the one statement that can wait
  for another process (the command line, a standby instance renewing its lease). It is tried with a
  busy timeout of 0; while the database is busy it is tried again after a pause on the event loop
  (`asyncio.sleep`), up to `BUSY_TIMEOUT_MS`, while the loop goes on with other work.
- In WAL mode, once `BEGIN IMMEDIATE` holds the write lock no later statement of the transaction waits:
  readers never block the writer, and the writer is us.

What it costs: a statement that really works long (a year of statistics on a large SQLite file) holds
the loop for that long. Large deployments use PostgreSQL, where none of this applies.

It relies on aiosqlite's `Connection._execute` (run a function on its thread), `_conn` (the sqlite3
connection) and `_connection` (None once closed), stable since 0.17 and pinned in the lock files.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection, AsyncAdapt_aiosqlite_cursor
from sqlalchemy.util.concurrency import await_

BUSY_TIMEOUT_MS = 30_000
BEGIN = "BEGIN IMMEDIATE"  # how every transaction starts (Database's "begin" hook)
# Between tries of a busy BEGIN, as SQLite's own busy handler: short at first, then 0.1 s.
_FIRST_PAUSES, _LATER_PAUSE = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05), 0.1
CONNECT_ARGS: dict[str, Any] = {
    # The connection is made on aiosqlite's thread and used on the loop's: never by both at once,
    # because every call on the thread is awaited before the next statement.
    "check_same_thread": False,
    # No waiting on the loop's thread: a busy BEGIN IMMEDIATE is tried again later (InlineCursor._begin).
    "timeout": 0,
}

_Result = tuple[Any, int, int | None, list[Any] | None]  # description, rowcount, lastrowid, rows


def _whole_statement(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Result:
    """The whole statement, from opening a cursor to closing it."""
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


class InlineCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose statements run on the calling thread."""

    __slots__ = ("_arraysize", "_outcome")

    def __init__(self, adapt_connection: Any) -> None:  # no aiosqlite cursor: nothing to open on its thread
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
        """Nothing to close: the sqlite3 cursor is closed with its statement."""

    def close(self) -> None:
        self._rows.clear()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._run(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        self._run(operation, seq_of_parameters, many=True)

    def _run(self, operation: str, parameters: Any, *, many: bool) -> None:
        if operation == BEGIN:
            self._begin()
            return
        try:
            description, rowcount, lastrowid, rows = _whole_statement(
                self._connection._conn, operation, parameters, many
            )
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self._outcome = (description, rowcount, lastrowid)
        if rows is not None:
            self._rows = collections.deque(rows)

    def _begin(self) -> None:
        """Take the write lock; while another process holds it, try again after a pause, letting the
        loop go on meanwhile (SQLite's own busy handler would sleep on the loop's thread).

        Nothing is left to clean up when the wait ends early (a cancelled task): no BEGIN is on its way.
        """
        sqlite_connection = self._connection._conn
        waited = 0.0
        for pause in itertools.chain(_FIRST_PAUSES, itertools.repeat(_LATER_PAUSE)):
            try:
                sqlite_connection.execute(BEGIN)
                self._outcome = (None, -1, None)
                return
            except sqlite3.OperationalError as error:
                # Extended codes count too (SQLITE_BUSY_RECOVERY: another process recovering the WAL).
                busy = error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
                if not busy or waited >= BUSY_TIMEOUT_MS / 1000:
                    self._adapt_connection._handle_exception(error)
            except Exception as error:
                self._adapt_connection._handle_exception(error)
            await_(asyncio.sleep(pause))
            waited += pause


class InlineConnection(AsyncAdapt_aiosqlite_connection):
    """Statements, commits and rollbacks on the calling thread."""

    __slots__ = ()
    _cursor_cls = InlineCursor

    def commit(self) -> None:
        try:
            self._connection._conn.commit()
        except Exception as error:
            self._handle_exception(error)

    def rollback(self) -> None:
        if self._connection._connection is None:  # closed: nothing to roll back (as the base class)
            return
        try:
            self._connection._conn.rollback()
        except Exception as error:
            self._handle_exception(error)


def _set_up(connection: sqlite3.Connection, statements: Sequence[str]) -> None:
    """On aiosqlite's thread: the new connection's PRAGMAs, waiting for locks, then no more waiting."""
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    connection.isolation_level = None  # SQLAlchemy's "begin" hook, not the driver, starts transactions
    for statement in statements:
        connection.execute(statement)
    connection.execute("PRAGMA busy_timeout=0")


def run_inline(adapted_connection: Any, set_up: Sequence[str]) -> None:
    """For the `connect` event: run `set_up` on a new aiosqlite connection, then its statements inline.

    The set-up goes to aiosqlite's thread, where the connection was just opened: switching a database
    to WAL can wait for another process's lock.
    """
    if type(adapted_connection) is not AsyncAdapt_aiosqlite_connection:
        raise TypeError(f"expected an aiosqlite connection, not {type(adapted_connection).__name__}")
    aiosqlite_connection = adapted_connection._connection
    try:
        await_(aiosqlite_connection._execute(_set_up, aiosqlite_connection._conn, set_up))
    except Exception as error:
        adapted_connection._handle_exception(error)
    adapted_connection.__class__ = InlineConnection
