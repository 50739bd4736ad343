"""What both benchmarks share: settings for the bot under test, quiet logs, medians, machine facts."""

from __future__ import annotations

import logging
import os
import platform
import sqlite3
import statistics
import subprocess
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bot.config import Settings

_LIBRARIES = ("python-telegram-bot", "SQLAlchemy", "aiosqlite", "asyncpg", "httpx", "aiohttp")

# Same shape as a BotFather token, so that the fake server and the library accept it.
TOKEN = "123456789:AAHfakeTOKENfor-tests_only_0123456789"


def bench_settings(database_url: str, api_base_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "token": TOKEN,
        "database_url": database_url,
        "api_base_url": api_base_url,
        # Short long-polls, so that shutting a run down does not wait for a held getUpdates.
        "polling_timeout": 1,
        "default_language": "nl",
    }
    # _env_file=None: a .env in the working directory must not change what is measured.
    return Settings(_env_file=None, **(values | overrides))


def quiet_logging() -> None:
    """Warnings and errors only: a benchmark that logs every update measures its logging."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def source_version() -> str:
    """The commit measured, with "-dirty" when the working tree had changes (as `git describe` says)."""
    try:
        done = subprocess.run(
            ["git", "describe", "--always", "--dirty"],  # noqa: S607 (git from PATH, like make does)
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return done.stdout.strip()


def busy_warning() -> str | None:
    """A warning when other work is running: these benchmarks measure CPU time, and share the cores."""
    load = os.getloadavg()[0]
    if load < 0.5:
        return None
    return f"warning: the machine is busy (load average {load:.1f}); the numbers will be low and noisy"


def machine() -> dict[str, Any]:
    return {
        "load_average_at_start": round(os.getloadavg()[0], 2),
        "cpus": len(os.sched_getaffinity(0)),  # what `nproc` says: the cores this process may use
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "libraries": {name: version(name) for name in _LIBRARIES},
        "platform": platform.platform(),
    }
