"""`buurtbot backup FILE`: a consistent copy of the SQLite database, made while the bot runs.

SQLite's online backup copies every page within one read transaction: the copy is the database as it
was at one moment, never half a transaction, and in WAL mode (the bot's) the bot keeps writing
meanwhile. The copy is written next to FILE and renamed into place when it is complete and checked,
so a backup that fails halfway never leaves a broken FILE behind. It holds personal data, so only its
owner may read it. The command does not migrate first: a backup before an upgrade is what it is for.
PostgreSQL has its own tools (pg_dump); the command says how.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import sys
import time
from pathlib import Path

from sqlalchemy.engine import make_url

DESCRIPTION = (
    "Copy the SQLite database to FILE, consistently, also while the bot runs (SQLite's online backup). "
    "An existing FILE is replaced once the copy is complete. For PostgreSQL, use pg_dump (see README.md)."
)
# A migration holds the database for a moment; the backup waits for it rather than giving up.
BUSY_SECONDS = 60.0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "backup", help="copy the SQLite database consistently while the bot runs", description=DESCRIPTION
    )
    parser.add_argument("file", metavar="FILE", help="where the copy goes, for example /backups/buurtbot.db")


def run(args: argparse.Namespace, database_url: str) -> int:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        print(_pg_dump_hint(database_url, args.file), file=sys.stderr)
        return 2
    if not url.database or url.database == ":memory:":
        print("buurtbot: BUURTBOT_DATABASE_URL names no database file to back up", file=sys.stderr)
        return 2
    source = Path(url.database).resolve()
    target = Path(args.file).resolve()
    if not source.is_file():
        print(f"buurtbot: there is no database at {source}", file=sys.stderr)
        return 1
    if target in {source, source.with_name(source.name + "-wal"), source.with_name(source.name + "-shm")}:
        print("buurtbot: FILE is the database itself; choose another place for the copy", file=sys.stderr)
        return 2
    if not target.parent.is_dir():
        print(f"buurtbot: the folder {target.parent} does not exist", file=sys.stderr)
        return 1
    began = time.monotonic()
    try:
        revision = _copy(source, target)
    except (OSError, sqlite3.Error) as error:
        print(f"buurtbot: the backup failed: {error}", file=sys.stderr)
        return 1
    size = target.stat().st_size / 1_000_000
    print(
        f"Backed up {source} to {target} ({size:.1f} MB, schema revision {revision}) "
        f"in {time.monotonic() - began:.1f} s."
    )
    return 0


def _copy(source: Path, target: Path) -> str:
    """Copy `source` to `target` through a file beside it; returns the copy's schema revision."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    # Made first, for its owner only: the copy holds names and messages.
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        # mode=rw: never create a database where none is.
        with (
            contextlib.closing(
                sqlite3.connect(f"{source.as_uri()}?mode=rw", uri=True, timeout=BUSY_SECONDS)
            ) as db,
            contextlib.closing(sqlite3.connect(partial)) as copy,
        ):
            db.backup(copy)  # every page in one step: one read transaction, one moment
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise sqlite3.DatabaseError(f"the copy does not pass SQLite's integrity check: {verdict}")
            try:
                revisions = [row[0] for row in copy.execute("SELECT version_num FROM alembic_version")]
            except sqlite3.OperationalError:
                revisions = []  # a database nobody migrated yet
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return ", ".join(revisions) or "none"


def _pg_dump_hint(database_url: str, file: str) -> str:
    url = make_url(database_url)
    host = f" --host={url.host}" if url.host else ""
    port = f" --port={url.port}" if url.port else ""
    user = f" --username={url.username}" if url.username else ""
    return (
        "buurtbot: backup copies a SQLite database. For PostgreSQL use pg_dump, which makes a consistent "
        "copy while the bot runs:\n"
        f"  pg_dump --format=custom --file={file}{host}{port}{user} {url.database}\n"
        "(it asks for the password, or reads PGPASSWORD or ~/.pgpass); README.md shows how to restore."
    )
