"""What coordination keeps about people: in their export, and gone (or anonymous) when they are forgotten."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import AuditEntry, Broadcast
from bot.services import buurt_admin, buurten, privacy
from bot.services.authority import Actor
from tests.fakes.clock import FakeClock

OPERATOR, CARLA = 900, 21


async def test_the_export_lists_ones_admin_actions_and_forgetting_leaves_the_log_anonymous(
    db: Database, clock: FakeClock
) -> None:
    operator = Actor(OPERATOR, frozenset({OPERATOR}))
    async with db.begin() as session:
        buurt = await buurten.add_buurt(session, "Transvaal", ["2571"], "open", now=clock.now())
        await buurt_admin.appoint(session, operator, buurt.id, CARLA, now=clock.now())
        await buurt_admin.appoint(session, Actor(None), buurt.id, OPERATOR, now=clock.now())
        session.add(Broadcast(buurt_id=buurt.id, author_telegram_id=CARLA, created_at=clock.now()))

    async with db.begin() as session:
        exported = await privacy.export(session, OPERATOR, now=clock.now())
    assert exported["admin_actions"] == [
        {"at": clock.now().isoformat(), "action": "coordinator.appoint", "buurt": "Transvaal"}
    ]

    async with db.begin() as session:
        await privacy.forget(session, CARLA)
    async with db.begin() as session:
        targets = sorted(str(t) for t in await session.scalars(select(AuditEntry.target)))
        assert targets == ["forgotten", f"user:{OPERATOR}"]
        assert (await session.scalars(select(Broadcast))).all() == []
