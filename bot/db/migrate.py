"""Bring the schema up to date with Alembic, from code (no alembic.ini needed at run time).

Every migration runs under a lock that one process at a time holds (`migration_lock.py`), so any
number of `buurtbot` commands may start at once on a new or an old database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config

from bot.db.migration_lock import MigrationLocked

__all__ = ["MigrationLocked", "Upgrade", "alembic_config", "upgrade"]

MIGRATIONS = Path(__file__).with_name("migrations")


@dataclass(frozen=True, slots=True)
class Upgrade:
    """The schema's revision before and after an upgrade; equal when there was nothing to do."""

    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def describe(self) -> str:
        """One line for the operator."""
        if not self.changed:
            return f"database schema is up to date (revision {_names(self.after)})"
        start = f"revision {_names(self.before)}" if self.before else "an empty database"
        return f"upgraded the database schema from {start} to revision {_names(self.after)}"


def _names(revisions: Sequence[str]) -> str:
    return ", ".join(revisions) or "none"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Alembic's ini interpolation would choke on a "%" in a password.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head", *, lock_wait_seconds: float | None = None) -> Upgrade:
    """Run pending migrations, waiting for another process that is migrating the same database.

    Raises MigrationLocked when that one does not finish within `lock_wait_seconds` (default:
    `migration_lock.WAIT_SECONDS`). Call it outside a running event loop (it starts its own).
    """
    config = alembic_config(database_url)
    if lock_wait_seconds is not None:
        config.attributes["lock_wait_seconds"] = lock_wait_seconds
    command.upgrade(config, revision)
    before, after = config.attributes["revisions"]
    return Upgrade(tuple(before), tuple(after))
