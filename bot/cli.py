"""The `buurtbot` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot import __version__, cli_backup, cli_buurt, cli_coordinator, cli_texts, i18n
from bot.config import BOTFATHER_HELP, Settings, SettingsError, load_settings
from bot.log import setup_logging

if TYPE_CHECKING:
    from bot.db.migrate import Upgrade
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

DESCRIPTION = "Buurtbot: a Telegram bot for neighbour help in Dutch buurten."
EPILOG = (
    "Settings come from BUURTBOT_* environment variables or a .env file: BUURTBOT_TOKEN (required for "
    "'run'), BUURTBOT_DATABASE_URL, BUURTBOT_API_BASE_URL, BUURTBOT_ADMIN_IDS, BUURTBOT_DEFAULT_LANGUAGE, "
    "BUURTBOT_TIMEZONE, BUURTBOT_HTTP_PORT (health, metrics), BUURTBOT_WEBHOOK_URL and _SECRET (webhook "
    "instead of polling). See README.md."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="buurtbot", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"buurtbot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser(
        "run",
        help="bring the database up to date, then run the bot until stopped",
        description="Bring the database schema up to date, then run the bot: long polling, or a webhook "
        "when BUURTBOT_WEBHOOK_URL is set. Stop it with Ctrl+C or SIGTERM: it finishes what it started "
        "and exits within 10 s; nothing it received or queued is lost.",
    )
    commands.add_parser(
        "migrate",
        help="only bring the database schema up to date",
        description="Bring the database schema up to date (Alembic migrations) and exit.",
    )
    cli_buurt.add_parser(commands)
    cli_coordinator.add_parser(commands)
    cli_backup.add_parser(commands)
    cli_texts.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        token = settings.require_token() if args.command == "run" else ""
    except SettingsError as exc:
        print(f"buurtbot: {exc}", file=sys.stderr)
        return 2
    # `run` tells what it is doing; the other commands answer, and libraries speak only of trouble.
    webhook_secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    setup_logging(settings.log_level, token, webhook_secret, quiet_libraries=args.command != "run")
    if args.command == "run":
        try:
            _check_catalogs(settings.default_language)
        except i18n.MissingCatalog as exc:
            print(f"buurtbot: cannot start: {exc}", file=sys.stderr)
            return 2
    if args.command == "texts":  # reads the catalogs only
        return cli_texts.run(args)
    if args.command == "backup":  # of the database as it is: a backup before an upgrade is the point
        return cli_backup.run(args, settings.database_url)
    # Alembic is only imported by the commands that need it.
    from bot.db.migrate import MigrationLocked

    try:
        schema = _bring_schema_up_to_date(settings.database_url, wait=args.command == "run")
    except (MigrationLocked, DatabaseRefused) as exc:
        print(f"buurtbot: {exc}", file=sys.stderr)
        return 1
    if schema is None:  # stopped while waiting for the database
        return 0
    if args.command == "migrate":
        print(_sentence(schema.describe()))
        return 0
    if args.command == "run" or schema.changed:  # a command that changed the schema says so, once
        log.info(schema.describe())
    if args.command == "run":
        return asyncio.run(_run(settings))
    if args.command == "buurt":
        return asyncio.run(cli_buurt.run(args, settings.database_url))
    if args.command == "coordinator":
        return asyncio.run(cli_coordinator.run(args, settings.database_url))
    return 0


class DatabaseRefused(Exception):
    """The database cannot be used: not there, or it refuses us (a wrong password, a missing folder)."""


# Waits between tries to reach the database at start (`run` only): 2, 4, 8, ... seconds, at most a minute.
FIRST_RETRY_SECONDS, LONGEST_RETRY_SECONDS = 2.0, 60.0


def _bring_schema_up_to_date(database_url: str, *, wait: bool) -> Upgrade | None:
    """Migrate; with `wait`, a database that is not up yet (after a reboot, a container starting beside
    the bot) is waited for with growing pauses, one line each. None when a signal ended the wait."""
    from bot.db.migrate import upgrade

    _check_sqlite_folder(database_url)
    pause = FIRST_RETRY_SECONDS
    # Stop while waiting, as Ctrl+C does. Only `run` waits, and only the main thread may set a handler
    # (cli.main also runs in a worker thread: the tests, an embedding program).
    catch_sigterm = wait and threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if catch_sigterm else None
    try:
        while True:
            try:
                return upgrade(database_url)
            except (OSError, DBAPIError) as error:
                reason, worth_waiting = _why_unreachable(error)
                where = _database_at(database_url)
                if not (wait and worth_waiting):
                    raise DatabaseRefused(f"cannot use the database {where}: {reason}") from None
                log.warning("cannot reach the database %s (%s); trying again in %.0f s", where, reason, pause)
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_RETRY_SECONDS)
    except KeyboardInterrupt:
        return None
    finally:
        if catch_sigterm:
            signal.signal(signal.SIGTERM, previous)


def _check_sqlite_folder(database_url: str) -> None:
    """A SQLite file in a folder that is not there, or not writable: say so plainly.

    (aiosqlite's failed connect would also leave a traceback from its thread behind.)
    """
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    folder = Path(url.database).resolve().parent
    if not folder.is_dir():
        raise DatabaseRefused(f"cannot use the database {url.database}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseRefused(f"cannot use the database {url.database}: the folder {folder} is not writable")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _why_unreachable(error: BaseException) -> tuple[str, bool]:
    """One line for the operator, and whether waiting can help (a server not up yet) or not (a refusal)."""
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    if isinstance(cause, OSError):  # refused, no route, name not found, timed out: a server not up yet
        return f"{type(cause).__name__}: {cause.strerror or cause}", True
    first_line = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    # PostgreSQL says so while it starts or shuts down (SQLSTATE 57P03, "the database system is ...").
    starting = getattr(cause, "sqlstate", None) == "57P03" or "database system is" in first_line
    return first_line, starting


def _database_at(database_url: str) -> str:
    """Where the database is, without its password: host:port/name, or the SQLite file."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    port = f":{url.port}" if url.port is not None else ""
    return f"{url.host}{port}/{url.database}"


def _check_catalogs(default_language: str) -> None:
    """Without its catalog the bot would quietly speak English to everyone: refuse that at once."""
    i18n.catalog_file(default_language)
    for language in i18n.SUPPORTED_LANGUAGES:
        try:
            i18n.catalog_file(language)
        except i18n.MissingCatalog as exc:
            log.warning("%s; people who chose %s get the English texts", exc, language)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


# `run` ends this many seconds after SIGTERM at the latest (Docker's default patience is 10 s): what is
# stored is safe in the database, and what did not finish in time runs again at the next start.
STOP_WITHIN_SECONDS = 8.0


async def _run(settings: Settings) -> int:
    from telegram.error import InvalidToken

    from bot.ops.side_door import SideDoorUnavailable
    from bot.runtime import Runtime

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runtime = Runtime(settings)
    try:
        # Starting may wait a long time for an unreachable Bot API; a signal ends that wait too.
        if not await _first_of(runtime.start(), stop):
            return 0
        if not await _first_of(runtime.wait(), stop):
            return 0
    except InvalidToken:
        print(f"buurtbot: Telegram does not accept this token. {BOTFATHER_HELP}", file=sys.stderr)
        return 1
    except SideDoorUnavailable as exc:
        print(f"buurtbot: {exc}", file=sys.stderr)
        return 1
    except Exception as error:  # a part that must not fail has failed, or starting failed unexpectedly
        log.error("stopped because of an error", exc_info=error)
        print(f"buurtbot: stopped because of an error: {type(error).__name__}", file=sys.stderr)
        return 1
    finally:
        await _stop_in_time(runtime)
    return 0


async def _stop_in_time(runtime: Runtime) -> None:
    """Stop the runtime, letting the work in flight finish, but no longer than STOP_WITHIN_SECONDS."""
    began = time.monotonic()
    try:
        async with asyncio.timeout(STOP_WITHIN_SECONDS):
            await runtime.stop()
    except TimeoutError:
        log.warning(
            "stopped after %.0f s without waiting for the rest; what was not finished runs again at the next "
            "start",
            STOP_WITHIN_SECONDS,
        )
        return
    log.info("stopped in %.1f s", time.monotonic() - began)


async def _first_of(work: Coroutine[Any, Any, None], stop: asyncio.Event) -> bool:
    """Run `work` until it is done (True; its error is raised) or `stop` is set first (False)."""
    working = asyncio.create_task(work)
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({working, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (working, stopping):
            task.cancel()
        await asyncio.gather(working, stopping, return_exceptions=True)
    if working.cancelled():
        return False
    working.result()
    return True
