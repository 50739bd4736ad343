"""One migration at a time: the lock every `buurtbot` command takes around bringing the schema up to date.

Every command migrates first, and an operator may start several at once (`buurtbot run` and
`buurtbot buurt add`, or a few instances sharing one PostgreSQL database). Without a lock each would
find the schema behind and run the same migrations, and all but one would fail half-way ("table
alembic_version already exists"). With it, the first process migrates and the others wait for it; as
Alembic reads the schema's revision only once the lock is held, they then find nothing left to do.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError

log = logging.getLogger(__name__)

# How long a command waits for another process's migration before it gives up. Generous: a migration
# that rebuilds a large table takes a while, and giving up only means the operator starts it again.
WAIT_SECONDS = 300.0
# SQLite has one lock for every writer: a command waits this long before it says it is waiting.
QUIET_WAIT_SECONDS = 2.0
# PostgreSQL's advisory locks are named by a number; this one is "buurtbot" in ASCII. Never change it: a
# newer bot and an older one started together on one database must take the same lock.
ADVISORY_LOCK_KEY = 0x6275757274626F74
_LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout ran out


class MigrationLocked(Exception):
    """Another process kept the migration lock for longer than this one waits."""

    def __init__(self, waited: float) -> None:
        super().__init__(
            f"another process has been migrating the database for more than {waited:g} s; "
            "start this command again when it has finished"
        )


@contextlib.contextmanager
def migrating(connection: Connection, wait_seconds: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the migration lock and a transaction for the migrations, on the connection Alembic uses.

    Alembic sees the transaction and runs every migration inside it, so a migration that fails, or a
    process stopped half-way, leaves the schema as it was (SQLite and PostgreSQL both roll DDL back).
    """
    if connection.dialect.name == "postgresql":
        with _advisory_lock(connection, wait_seconds), connection.begin():
            yield
    elif connection.dialect.name == "sqlite":
        with _exclusive_transaction(connection, wait_seconds):
            yield
    else:  # only SQLite and PostgreSQL are supported; no lock is known for anything else
        with connection.begin():
            yield


@contextlib.contextmanager
def _advisory_lock(connection: Connection, wait_seconds: float) -> Iterator[None]:
    """A session-level advisory lock: held until unlocked or until the connection closes (a crash).

    Session-level rather than transaction-level, so that it also covers a future migration that must run
    outside the transaction (CREATE INDEX CONCURRENTLY in Alembic's autocommit_block).
    """
    key = {"key": ADVISORY_LOCK_KEY}
    if not connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), key):
        _say_waiting(wait_seconds)
        # SET takes no bind parameters; the number is ours.
        connection.exec_driver_sql(f"SET lock_timeout = {round(wait_seconds * 1000)}")
        try:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), key)
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
                raise MigrationLocked(wait_seconds) from None
            raise
        connection.exec_driver_sql("RESET lock_timeout")  # the migrations themselves wait as long as needed
    connection.commit()  # the lock outlives this transaction; the migrations get one of their own
    try:
        yield
    finally:
        if not connection.invalidated:  # a lost connection has lost its lock with it
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)
            connection.commit()


@contextlib.contextmanager
def _exclusive_transaction(connection: Connection, wait_seconds: float) -> Iterator[None]:
    """BEGIN EXCLUSIVE: SQLite's own lock, which keeps every other writer (and in rollback-journal mode
    every reader) out until COMMIT, across processes. The transaction is the lock and holds the migrations.

    Needs a driver connection that starts no transactions itself (isolation_level None, see env.py).
    SQLite's busy handler does the waiting: it tries again after pauses of up to 0.1 s.
    """
    # A running bot holds the write lock for a few milliseconds at a time: wait for that without a word.
    quietly = min(QUIET_WAIT_SECONDS, wait_seconds)
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {round(quietly * 1000)}")
    if not _begin_exclusive(connection):
        _say_waiting(wait_seconds)
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {round((wait_seconds - quietly) * 1000)}")
        if not _begin_exclusive(connection):
            raise MigrationLocked(wait_seconds)
    try:
        yield
    except BaseException:
        connection.rollback()
        raise
    connection.commit()


def _say_waiting(wait_seconds: float) -> None:
    log.info("another process is migrating the database; waiting for it (at most %.0f s)", wait_seconds)


def _begin_exclusive(connection: Connection) -> bool:
    """Whether BEGIN EXCLUSIVE got the lock (False: the database stayed busy for the busy timeout)."""
    try:
        connection.exec_driver_sql("BEGIN EXCLUSIVE")
    except OperationalError as error:
        connection.rollback()  # nothing began; this resets SQLAlchemy's own bookkeeping
        code = getattr(error.orig, "sqlite_errorcode", None)
        # Extended codes count too (SQLITE_BUSY_RECOVERY: another process recovering the WAL).
        if code is not None and code & 0xFF == sqlite3.SQLITE_BUSY:
            return False
        raise
    return True
