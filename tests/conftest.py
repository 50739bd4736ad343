"""Shared fixtures: a real database (SQLite always, PostgreSQL when configured) and a fake Telegram."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import Settings
from bot.db.database import Database
from bot.db.migrate import alembic_config, upgrade
from bot.db.models import Base
from bot.runtime import Runtime
from tests.buttons import TEST_TOKEN
from tests.conversation import People
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram

pytest.register_assert_rewrite("tests.taps")
from tests.taps import count_answers  # noqa: E402 (after the line above, so its asserts explain)

pytest_plugins = ["tests.taps"]

POSTGRES_URL = os.environ.get("BUURTBOT_TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
SCHEMA_HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


STOP_TIMEOUT = 30.0


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy, which is much faster than migrating again."""
    path = tmp_path_factory.mktemp("template") / "buurtbot.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    assert POSTGRES_URL is not None
    url = asyncio.run(_database_of_this_worker(POSTGRES_URL))

    async def reset_schema() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await engine.dispose()

    asyncio.run(reset_schema())
    upgrade(url)
    return url


async def _database_of_this_worker(url: str) -> str:
    """With pytest-xdist (`-n`), each worker gets a database of its own: `<name>_gw0`, `<name>_gw1`, ...

    Tests empty every table before they start, so two workers must never share one. The databases are
    created on first use, next to the configured one (the role needs CREATEDB, as CI's has).
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        return url
    configured = make_url(url)
    own = f"{configured.database}_{worker}"
    engine = create_async_engine(configured, isolation_level="AUTOCOMMIT")  # CREATE DATABASE needs it
    try:
        async with engine.connect() as connection:
            exists = await connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own})
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{own}"'))
    finally:
        await engine.dispose()
    return configured.set(database=own).render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "buurtbot.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    url: str = request.getfixturevalue("postgres_migrated")
    asyncio.run(_empty_all_tables(url))
    yield url


async def _empty_all_tables(url: str) -> None:
    engine = create_async_engine(url)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_settings(database_url: str, api_base_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "token": TEST_TOKEN,
        "database_url": database_url,
        "api_base_url": api_base_url,
        "polling_timeout": 5,
        "default_language": "nl",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
async def telegram(request: pytest.FixtureRequest) -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server
        count_answers(server, request.node.nodeid)  # after the bot has stopped: it depends on us


def in_the_bots_time(telegram: FakeTelegram, clock: FakeClock) -> None:
    """The fake Bot API lives in the time of a bot on `clock`: message ages and the answer window."""
    telegram.wall_time = lambda: clock.now().timestamp()
    telegram.time_source = clock.monotonic


@pytest.fixture
async def buurtbot(database_url: str, telegram: FakeTelegram, clock: FakeClock) -> AsyncIterator[Runtime]:
    """The real bot, polling the fake Bot API over HTTP, on a real database."""
    in_the_bots_time(telegram, clock)
    runtime = Runtime(make_settings(database_url, telegram.base_url), clock=clock)
    await runtime.start()
    try:
        yield runtime
        assert runtime.failure is None, "a part of the bot stopped by itself"
    finally:
        await _stop_or_show_why_not(runtime)


async def _stop_or_show_why_not(runtime: Runtime) -> None:
    """A runtime that does not stop fails the test with the stacks of what it waits for."""
    stopping = asyncio.create_task(runtime.stop())
    done, _ = await asyncio.wait({stopping}, timeout=STOP_TIMEOUT)
    if not done:
        for task in asyncio.all_tasks():
            task.print_stack(file=sys.stderr)
        stopping.cancel()
        raise AssertionError(f"the bot did not stop within {STOP_TIMEOUT} seconds; task stacks are above")
    stopping.result()


@pytest.fixture
def people(request: pytest.FixtureRequest, telegram: FakeTelegram) -> People:
    """The people of a test; they talk to the `buurtbot` fixture when the test uses it."""
    bot = request.getfixturevalue("buurtbot") if "buurtbot" in request.fixturenames else None
    return People(telegram, bot)


@pytest.fixture(params=BACKENDS)
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database nobody has migrated yet: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"
        return
    assert POSTGRES_URL is not None
    configured = make_url(POSTGRES_URL)
    name = f"{configured.database}_new_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    asyncio.run(_postgres_admin(drop, f'CREATE DATABASE "{name}"'))
    yield configured.set(database=name).render_as_string(hide_password=False)
    asyncio.run(_postgres_admin(drop))


async def _postgres_admin(*statements: str) -> None:
    engine = create_async_engine(str(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()
