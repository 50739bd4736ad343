"""Any number of `buurtbot` commands started at once on one database: one migrates, the others wait for it
and then find nothing left to do."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot import cli
from bot.db import migration_lock
from bot.db.migrate import MigrationLocked, upgrade
from tests.buttons import TEST_TOKEN
from tests.command_line import Command, Finished, start
from tests.conftest import SCHEMA_HEAD as HEAD
from tests.fakes.telegram_server import FakeTelegram

UPGRADED = "upgraded the database schema"


async def revisions(url: str) -> list[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars())
    finally:
        await engine.dispose()


async def buurt_names(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return set((await connection.execute(text("SELECT name FROM buurten"))).scalars())
    finally:
        await engine.dispose()


async def all_at_once(commands: Sequence[tuple[str, ...]], folder: Path, **settings: str) -> list[Command]:
    # Each process needs about half a second to import the bot before it touches the database, so
    # starting them one after the other still brings them to the database together.
    return [await start(*args, folder=folder, **settings) for args in commands]


def said_it_upgraded(finished: Finished) -> bool:
    return UPGRADED in (finished.stdout + finished.stderr).lower()


async def test_eight_commands_started_at_once_on_a_new_database_all_succeed_and_migrate_it_once(
    new_database: str, tmp_path: Path, telegram: FakeTelegram
) -> None:
    commands = [("migrate",)] * 3 + [("buurt", "add", f"Buurt {n}") for n in (1, 2, 3)] + [("run",)] * 2
    settings = {"database_url": new_database, "token": TEST_TOKEN, "api_base_url": telegram.base_url}

    def both_up_and_one_polls() -> bool:  # each bot asks getMe twice; a long poll is answered later
        return len(telegram.calls("getMe")) >= 4 and bool(telegram.calls("getUpdates", ok=None))

    started = await all_at_once(commands, tmp_path, **settings)
    try:
        await telegram.wait_for(both_up_and_one_polls, timeout=60)
        finished = [await (c.stopped() if c.args == ("run",) else c.finished()) for c in started]
    finally:
        for command in started:
            await command.kill()

    for result in finished:
        assert result.returncode == 0, str(result)
        assert "Traceback" not in result.stderr, str(result)
    assert [said_it_upgraded(result) for result in finished].count(True) == 1, "\n".join(map(str, finished))
    assert await revisions(new_database) == [HEAD]
    assert await buurt_names(new_database) == {"Buurt 1", "Buurt 2", "Buurt 3"}


async def test_commands_started_at_once_on_an_old_database_upgrade_it_once(
    new_database: str, tmp_path: Path
) -> None:
    await asyncio.to_thread(upgrade, new_database, "0008_digest")
    commands = [("migrate",)] * 3 + [("buurt", "add", "Oost")]
    started = await all_at_once(commands, tmp_path, database_url=new_database)
    try:
        finished = [await command.finished() for command in started]
    finally:
        for command in started:
            await command.kill()

    for result in finished:
        assert result.returncode == 0, str(result)
    upgraded = [result for result in finished if said_it_upgraded(result)]
    assert len(upgraded) == 1, "\n".join(map(str, finished))
    assert f"from revision 0008_digest to revision {HEAD}" in upgraded[0].stdout + upgraded[0].stderr
    # The others found it done: the migrate commands say so.
    assert sum(f"up to date (revision {HEAD})" in result.stdout for result in finished) >= 2
    assert await revisions(new_database) == [HEAD]


@contextlib.asynccontextmanager
async def another_process_migrating(url: str) -> AsyncIterator[None]:
    """Holds the lock a migrating `buurtbot` holds, from another connection, until the block ends."""
    if url.startswith("sqlite"):
        database = make_url(url).database
        assert database is not None
        connection = sqlite3.connect(database, isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            connection.close()
        return
    engine = create_async_engine(url)
    try:
        async with engine.connect() as locked:
            key = {"key": migration_lock.ADVISORY_LOCK_KEY}
            assert await locked.scalar(text("SELECT pg_try_advisory_lock(:key)"), key)
            yield
    finally:
        await engine.dispose()


async def test_a_command_that_finds_a_migration_in_progress_waits_for_it(
    new_database: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level("INFO", logger="bot.db.migration_lock")
    monkeypatch.setattr(migration_lock, "QUIET_WAIT_SECONDS", 0.1)
    async with another_process_migrating(new_database):
        upgrading = asyncio.ensure_future(asyncio.to_thread(upgrade, new_database, lock_wait_seconds=30))
        async with asyncio.timeout(15):  # real time: the other side is a database lock
            while "waiting for it" not in caplog.text:  # noqa: ASYNC110 (logged on the upgrade's thread)
                await asyncio.sleep(0.02)
        await asyncio.sleep(0.2)
        assert not upgrading.done()

    outcome = await upgrading  # the lock is let go above

    assert outcome.before == () and outcome.after == (HEAD,)
    assert await revisions(new_database) == [HEAD]


async def test_a_command_gives_up_on_a_migration_that_takes_too_long_and_changes_nothing(
    new_database: str,
) -> None:
    async with another_process_migrating(new_database):
        with pytest.raises(MigrationLocked, match="another process has been migrating the database"):
            await asyncio.to_thread(upgrade, new_database, lock_wait_seconds=0.3)

    assert (await asyncio.to_thread(upgrade, new_database)).before == ()  # it was still empty


async def test_the_command_line_says_so_in_one_line_when_it_gives_up(
    new_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BUURTBOT_DATABASE_URL", new_database)
    monkeypatch.setattr(migration_lock, "WAIT_SECONDS", 0.3)
    monkeypatch.setattr(cli, "setup_logging", lambda *_, **__: None)  # keep pytest's own log capture

    async with another_process_migrating(new_database):
        code = await asyncio.to_thread(cli.main, ["buurt", "add", "Oost"])

    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "buurtbot: another process has been migrating the database for more than 0.3 s; "
        "start this command again when it has finished"
    ]
