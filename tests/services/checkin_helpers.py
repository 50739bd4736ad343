"""A small vocabulary for check-in tests: residents, opting in, moving the clock, and what was queued."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.context import Dependencies
from bot.db.database import Database
from bot.db.enums import Frequency
from bot.db.models import Buurt, OutboxMessage
from bot.jobs.checkins import sweep
from bot.services.checkins import plans
from tests.conftest import make_settings
from tests.fakes.clock import FakeClock
from tests.neighbours import joins

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock moment in Amsterdam, as UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM).astimezone(UTC)


def move_to(clock: FakeClock, moment: datetime) -> None:
    clock.advance((moment - clock.now()).total_seconds())


async def resident(
    db: Database, clock: FakeClock, buurt: Buurt, telegram_id: int, name: str, language: str = "nl"
) -> None:
    async with db.begin() as session:
        await joins(session, telegram_id, buurt.id, name, language=language, now=clock.now())


async def opts_in(
    db: Database,
    clock: FakeClock,
    telegram_id: int,
    frequency: Frequency = Frequency.DAILY,
    slot: str = "morning",
) -> plans.PlanView:
    async with db.begin() as session:
        return await plans.start(
            session,
            telegram_id,
            frequency=frequency,
            slot=plans.slot_for(slot),
            now=clock.now(),
            zone=AMSTERDAM,
        )


def deps(db: Database, clock: FakeClock) -> Dependencies:
    settings = make_settings(str(db.url.render_as_string(hide_password=False)), "http://127.0.0.1:9")
    return Dependencies(settings=settings, db=db, clock=clock, wake_sender=lambda: None)


async def run_sweep(db: Database, clock: FakeClock) -> tuple[int, int]:
    return await sweep(deps(db, clock))


async def queued(db: Database, chat_id: int) -> list[dict[str, object]]:
    """The payloads queued for one chat, oldest first."""
    async with db.begin() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.chat_id == chat_id).order_by(OutboxMessage.id)
        )
        return [row.payload for row in rows.all()]


async def texts(db: Database, chat_id: int) -> list[str]:
    return [str(payload["text"]) for payload in await queued(db, chat_id)]


def callback_data(payload: dict[str, object]) -> list[str]:
    markup = payload.get("reply_markup")
    assert isinstance(markup, dict)
    return [button["callback_data"] for row in markup["inline_keyboard"] for button in row]
