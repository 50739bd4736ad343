"""/readyz: the database answers, its schema is at head, and no watchdog alarm is raised."""

from __future__ import annotations

import asyncio
import functools

from sqlalchemy import text

from bot.db.database import Database
from bot.ops import alarms

# A database that takes longer than this to answer two small questions is not ready.
ANSWER_WITHIN_SECONDS = 3.0


@functools.cache
def head_revision() -> str | None:
    """The newest migration this version of Buurtbot knows."""
    from alembic.script import ScriptDirectory  # only the side door needs Alembic at run time

    from bot.db.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def check(db: Database) -> tuple[bool, dict[str, object]]:
    """(ready, facts for the JSON answer). Facts are states and names, never data."""
    head = head_revision()
    try:
        async with asyncio.timeout(ANSWER_WITHIN_SECONDS), db.begin() as session:
            revisions = list(
                (await session.execute(text("SELECT version_num FROM alembic_version"))).scalars()
            )
            raised = await alarms.raised(session)
    except Exception as error:
        return False, {
            "database": "unreachable",
            "reason": f"the database did not answer ({type(error).__name__})",
        }
    schema = ", ".join(revisions) or "empty"
    facts: dict[str, object] = {"database": "ok", "schema": schema, "schema_at_head": head in revisions}
    if head not in revisions:
        facts["reason"] = f"the schema is at {schema}, not at {head}: run buurtbot migrate"
        return False, facts
    facts["alarms"] = raised
    if raised:
        facts["reason"] = "the watchdog has raised an alarm: " + ", ".join(raised)
        return False, facts
    return True, facts
