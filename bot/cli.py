"""The `buurtbot` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Coroutine
from typing import Any

from bot import __version__, cli_buurt, cli_coordinator, i18n
from bot.config import BOTFATHER_HELP, Settings, SettingsError, load_settings
from bot.log import setup_logging

log = logging.getLogger(__name__)

DESCRIPTION = "Buurtbot: a Telegram bot for neighbour help in Dutch buurten."
EPILOG = (
    "Settings come from BUURTBOT_* environment variables or a .env file: BUURTBOT_TOKEN (required for "
    "'run'), BUURTBOT_DATABASE_URL, BUURTBOT_API_BASE_URL, BUURTBOT_ADMIN_IDS, BUURTBOT_DEFAULT_LANGUAGE, "
    "BUURTBOT_TIMEZONE. See README.md."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="buurtbot", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"buurtbot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser(
        "run",
        help="bring the database up to date, then run the bot (long polling) until stopped",
        description="Bring the database schema up to date, then run the bot with long polling. "
        "Stop it with Ctrl+C or SIGTERM; nothing it received or queued is lost.",
    )
    commands.add_parser(
        "migrate",
        help="only bring the database schema up to date",
        description="Bring the database schema up to date (Alembic migrations) and exit.",
    )
    cli_buurt.add_parser(commands)
    cli_coordinator.add_parser(commands)
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
    setup_logging(settings.log_level, token, quiet_libraries=args.command != "run")
    if args.command == "run":
        try:
            _check_catalogs(settings.default_language)
        except i18n.MissingCatalog as exc:
            print(f"buurtbot: cannot start: {exc}", file=sys.stderr)
            return 2
    # Alembic is only imported by the commands that need it.
    from bot.db.migrate import MigrationLocked, upgrade

    try:
        schema = upgrade(settings.database_url)
    except MigrationLocked as exc:
        print(f"buurtbot: {exc}", file=sys.stderr)
        return 1
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


async def _run(settings: Settings) -> int:
    from telegram.error import InvalidToken

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
    except Exception as error:  # a part that must not fail has failed, or starting failed unexpectedly
        log.error("stopped because of an error", exc_info=error)
        print(f"buurtbot: stopped because of an error: {type(error).__name__}", file=sys.stderr)
        return 1
    finally:
        await runtime.stop()
    return 0


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
