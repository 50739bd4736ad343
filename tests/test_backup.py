"""`buurtbot backup FILE`: a consistent copy of the SQLite database while the bot writes, restorable."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from bot.clock import SystemClock
from bot.db.database import Database
from bot.db.migrate import upgrade
from bot.delivery import outbox
from tests.command_line import run

PAIRS = "SELECT count(*), count(DISTINCT substr(dedupe_key, 3)) FROM outbox_messages"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'buurtbot.db'}"
    upgrade(url)
    return url


async def test_a_backup_while_the_bot_writes_is_a_consistent_copy_only_its_owner_can_read(
    sqlite_url: str, tmp_path: Path
) -> None:
    db = Database(sqlite_url)
    writing = True
    first_written = asyncio.Event()

    async def write_in_pairs() -> int:
        """Like the bot: every transaction adds two rows that belong together ("a:7" and "b:7")."""
        written = 0
        while writing:
            async with db.begin() as session:
                for half in "ab":
                    await outbox.enqueue(
                        session,
                        chat_id=5000 + written,
                        now=SystemClock().now(),
                        payload={"text": "Een buur vraagt hulp"},
                        dedupe_key=f"{half}:{written}",
                    )
            written += 1
            first_written.set()
            await asyncio.sleep(0)
        return written

    writer = asyncio.create_task(write_in_pairs())
    try:
        await first_written.wait()
        result = await asyncio.to_thread(
            run, "backup", str(tmp_path / "copy.db"), folder=tmp_path, database_url=sqlite_url
        )
    finally:
        writing = False
        written = await writer
        await db.dispose()

    assert result.returncode == 0, str(result)
    assert result.stdout.startswith(f"Backed up {tmp_path / 'buurtbot.db'} to {tmp_path / 'copy.db'} (")
    assert "schema revision 0011_reach" in result.stdout
    assert result.stderr == ""
    with contextlib.closing(sqlite3.connect(tmp_path / "copy.db")) as copy:
        rows, pairs = copy.execute(PAIRS).fetchone()
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert 0 < rows <= 2 * written
    assert rows == 2 * pairs, "never half a transaction"
    assert stat.S_IMODE((tmp_path / "copy.db").stat().st_mode) == 0o600
    assert not await asyncio.to_thread(lambda: list(tmp_path.glob(".copy.db.*"))), "no partial file is left"


def test_a_backup_restored_in_place_is_the_database_again(sqlite_url: str, tmp_path: Path) -> None:
    added = run("buurt", "add", "Oost", "--postcodes", "1234", folder=tmp_path, database_url=sqlite_url)
    assert added.returncode == 0, str(added)
    backup = run("backup", str(tmp_path / "copy.db"), folder=tmp_path, database_url=sqlite_url)
    assert backup.returncode == 0, str(backup)
    run("buurt", "add", "West", folder=tmp_path, database_url=sqlite_url)

    # The README's restore: with the bot stopped, put the copy in place (and no -wal/-shm of the old one).
    live = tmp_path / "buurtbot.db"
    for leftover in (live, live.with_name("buurtbot.db-wal"), live.with_name("buurtbot.db-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copy(tmp_path / "copy.db", live)
    listed = run("buurt", "list", folder=tmp_path, database_url=sqlite_url)

    assert listed.returncode == 0, str(listed)
    assert "Oost" in listed.stdout and "West" not in listed.stdout


def test_a_backup_does_not_migrate_first(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0009_history")

    result = run("backup", str(tmp_path / "before-upgrade.db"), folder=tmp_path, database_url=url)

    assert result.returncode == 0, str(result)
    assert "schema revision 0009_history" in result.stdout
    with contextlib.closing(sqlite3.connect(tmp_path / "old.db")) as original:
        assert original.execute("SELECT version_num FROM alembic_version").fetchall() == [("0009_history",)]


@pytest.mark.parametrize(
    ("target", "code", "says"),
    [
        ("buurtbot.db", 2, "buurtbot: FILE is the database itself"),
        ("buurtbot.db-wal", 2, "buurtbot: FILE is the database itself"),
        ("no/such/folder/copy.db", 1, "does not exist"),
    ],
)
def test_a_backup_to_a_wrong_place_is_refused_in_one_line(
    sqlite_url: str, tmp_path: Path, target: str, code: int, says: str
) -> None:
    result = run("backup", target, folder=tmp_path, database_url=sqlite_url)

    assert result.returncode == code
    assert says in result.stderr and len(result.stderr.splitlines()) == 1


def test_a_missing_database_is_not_created_by_a_backup(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'nothing.db'}"

    result = run("backup", str(tmp_path / "copy.db"), folder=tmp_path, database_url=url)

    assert result.returncode == 1
    assert result.stderr == f"buurtbot: there is no database at {tmp_path / 'nothing.db'}\n"
    assert not (tmp_path / "nothing.db").exists()


def test_for_postgresql_it_shows_the_pg_dump_command_without_the_password(tmp_path: Path) -> None:
    url = "postgresql+asyncpg://buurtbot:geheim@db.example.nl:5433/buurtbot"

    result = run("backup", "/backups/buurtbot.dump", folder=tmp_path, database_url=url)

    assert result.returncode == 2
    assert (
        "  pg_dump --format=custom --file=/backups/buurtbot.dump --host=db.example.nl --port=5433 "
        "--username=buurtbot buurtbot\n" in result.stderr
    )
    assert "geheim" not in result.stderr
