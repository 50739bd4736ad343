"""Each instance's heartbeat (the last moment all its own loops made progress) and each sweep's last
good run: rows in the database, so that another instance can read them and a restart keeps them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import InstanceHeartbeat, SweepRun
from bot.db.upsert import insert_or_update

# A heartbeat nobody renewed for this long belongs to an instance that is gone.
FORGET_AFTER = timedelta(days=1)


async def beat(session: AsyncSession, instance: str, *, now: datetime, leading: bool) -> None:
    row = {"instance": instance, "beat_at": now, "leading": leading}
    await insert_or_update(session, InstanceHeartbeat, row, key=["instance"])


async def last_beat(session: AsyncSession, instance: str) -> datetime | None:
    return await session.scalar(
        select(InstanceHeartbeat.beat_at).where(InstanceHeartbeat.instance == instance)
    )


async def forget_old(session: AsyncSession, *, now: datetime) -> None:
    await session.execute(delete(InstanceHeartbeat).where(InstanceHeartbeat.beat_at < now - FORGET_AFTER))


async def sweep_finished(session: AsyncSession, name: str, *, now: datetime) -> None:
    """A sweep ran to its end without an error (on whichever instance)."""
    await insert_or_update(session, SweepRun, {"name": name, "last_run_at": now}, key=["name"])
