"""How the work stands in the database, in a handful of small queries: what /metrics shows and what the
watchdog judges. Counts and times only; nothing in it points to a person."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import InboxUpdate, OutboxMessage, SweepRun, WatchdogAlarm
from bot.delivery.outbox import Priority


@dataclass(frozen=True, slots=True)
class Snapshot:
    taken_at: datetime
    inbox_waiting: int = 0
    inbox_oldest_waiting: datetime | None = None  # received_at of the oldest update not yet handled
    inbox_failed: int = 0  # set aside after crashing the bot several times (kept 2 days)
    outbox_waiting: int = 0  # pending, due now or later
    outbox_due: int = 0  # pending and due now
    # next_attempt_at of the oldest due message: messages for people, and bulk (digests, /omroep).
    outbox_oldest_due: datetime | None = None
    outbox_oldest_due_bulk: datetime | None = None
    sweeps_last_run: dict[str, datetime] = field(default_factory=dict)
    alarms_raised: tuple[str, ...] = ()

    @property
    def outbox_oldest_due_age(self) -> float:
        """Seconds the oldest due message of any kind has waited (0 when none is due)."""
        oldest = [at for at in (self.outbox_oldest_due, self.outbox_oldest_due_bulk) if at is not None]
        return _age(min(oldest), self.taken_at) if oldest else 0.0

    @property
    def inbox_oldest_age(self) -> float:
        return _age(self.inbox_oldest_waiting, self.taken_at) if self.inbox_oldest_waiting else 0.0


async def take(session: AsyncSession, *, now: datetime) -> Snapshot:
    inbox_rows = await session.execute(
        select(InboxUpdate.status, func.count(), func.min(InboxUpdate.received_at))
        .where(InboxUpdate.status.in_(("pending", "failed")))
        .group_by(InboxUpdate.status)
    )
    inbox = {status: (int(count), oldest) for status, count, oldest in inbox_rows.all()}
    waiting = await session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
    )
    due_rows = await session.execute(
        select(OutboxMessage.priority, func.count(), func.min(OutboxMessage.next_attempt_at))
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .group_by(OutboxMessage.priority)
    )
    due, oldest, oldest_bulk = 0, None, None
    for priority, count, first in due_rows.all():
        due += int(count)
        if priority >= Priority.BULK:
            oldest_bulk = first if oldest_bulk is None else min(oldest_bulk, first)
        else:
            oldest = first if oldest is None else min(oldest, first)
    sweeps = {
        str(name): at for name, at in await session.execute(select(SweepRun.name, SweepRun.last_run_at))
    }
    raised = await session.scalars(
        select(WatchdogAlarm.kind).where(WatchdogAlarm.state == "raised").order_by(WatchdogAlarm.kind)
    )
    return Snapshot(
        taken_at=now,
        inbox_waiting=inbox.get("pending", (0, None))[0],
        inbox_oldest_waiting=inbox.get("pending", (0, None))[1],
        inbox_failed=inbox.get("failed", (0, None))[0],
        outbox_waiting=int(waiting or 0),
        outbox_due=due,
        outbox_oldest_due=oldest,
        outbox_oldest_due_bulk=oldest_bulk,
        sweeps_last_run=sweeps,
        alarms_raised=tuple(raised.all()),
    )


def _age(then: datetime | None, now: datetime) -> float:
    return max((now - then).total_seconds(), 0.0) if then is not None else 0.0
