"""The weekly digest for linked groups: when it is due, sending it exactly once, a preview, its moment.

Each buurt chooses its moment (default Monday 10:00 in the buurt's time zone). A group's digest is
claimed with a conditional UPDATE of `buurt_groups.digest_week`, and its messages carry a dedupe key,
so a repeated sweep, a second instance or a restart never sends a week's digest twice. A digest missed
while the bot was down is still sent later the same day, never on a later day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Buurt, BuurtGroup
from bot.delivery import outbox
from bot.delivery.outbox import Priority
from bot.i18n import translator
from bot.services import audit, bot_facts
from bot.services.authority import Actor, check_manages
from bot.services.digest_content import Contents, gather, render

BATCH = 100
MOMENT = "digest.moment"
MINUTES_A_DAY = 24 * 60


class InvalidMoment(ValueError):
    """Not a weekday (0-6) and a time of day."""


@dataclass(frozen=True, slots=True)
class Moment:
    weekday: int  # 0 = Monday
    minute: int  # minutes after midnight, local time


def week_of(day: date) -> str:
    """The ISO week a day belongs to, as "2026-W48"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def local_moment(now: datetime, zone: tzinfo) -> tuple[Moment, str]:
    """Where `now` falls in the buurt's week: local weekday and minute, and the ISO week."""
    local = now.astimezone(zone)
    return Moment(local.weekday(), local.hour * 60 + local.minute), week_of(local.date())


def due_week(moment: Moment, *, now: datetime, zone: tzinfo) -> str | None:
    """The week whose digest is due now: on the chosen weekday from the chosen time, until midnight.

    `send_due` asks the same of every buurt at once, in SQL.
    """
    current, week = local_moment(now, zone)
    if current.weekday != moment.weekday or current.minute < moment.minute:
        return None
    return week


async def send_due(session: AsyncSession, *, now: datetime, zone: tzinfo) -> int:
    """Queue the digest of up to BATCH groups whose moment has come today; returns how many."""
    current, week = local_moment(now, zone)
    due = await session.execute(
        select(BuurtGroup.chat_id, BuurtGroup.language, Buurt)
        .join(Buurt, Buurt.id == BuurtGroup.buurt_id)
        .where(
            Buurt.digest_weekday == current.weekday,
            Buurt.digest_minute <= current.minute,
            or_(BuurtGroup.digest_week.is_(None), BuurtGroup.digest_week != week),
        )
        .order_by(BuurtGroup.buurt_id, BuurtGroup.chat_id)
        .limit(BATCH)
    )
    username = await bot_facts.recall(session, bot_facts.USERNAME)
    contents: dict[int, Contents] = {}
    sent = 0
    for chat_id, language, buurt in due.all():
        if not await _claim(session, chat_id, week):
            continue  # another sweep was first
        if buurt.id not in contents:
            contents[buurt.id] = await gather(session, buurt, now=now)
        payloads = render(contents[buurt.id], translator(language), zone=zone, bot_username=username)
        await _enqueue(session, chat_id, payloads, now=now, key=f"digest:{chat_id}:{week}")
        sent += 1
    return sent


async def _claim(session: AsyncSession, chat_id: int, week: str) -> bool:
    result = await session.execute(
        update(BuurtGroup)
        .where(
            BuurtGroup.chat_id == chat_id,
            or_(BuurtGroup.digest_week.is_(None), BuurtGroup.digest_week != week),
        )
        .values(digest_week=week)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def _enqueue(
    session: AsyncSession, chat_id: int, payloads: list[dict[str, Any]], *, now: datetime, key: str
) -> None:
    for part, payload in enumerate(payloads, start=1):
        await outbox.enqueue(
            session,
            chat_id=chat_id,
            now=now,
            payload=payload,
            priority=Priority.BULK,
            dedupe_key=key if part == 1 else f"{key}:{part}",
        )


async def preview(
    session: AsyncSession, actor: Actor, buurt_id: int, *, now: datetime, zone: tzinfo, language: str
) -> tuple[Moment, list[dict[str, Any]]]:
    """/digest: the buurt's digest as the groups would get it now, for one of its coordinators."""
    buurt = await check_manages(session, actor, buurt_id)
    username = await bot_facts.recall(session, bot_facts.USERNAME)
    contents = await gather(session, buurt, now=now)
    moment = Moment(buurt.digest_weekday, buurt.digest_minute)
    return moment, render(contents, translator(language), zone=zone, bot_username=username)


async def set_moment(
    session: AsyncSession, actor: Actor, buurt_id: int, moment: Moment, *, now: datetime
) -> Buurt:
    """A coordinator moves the buurt's digest to another weekday and time."""
    if not 0 <= moment.weekday <= 6 or not 0 <= moment.minute < MINUTES_A_DAY:
        raise InvalidMoment(moment)
    buurt = await check_manages(session, actor, buurt_id)
    buurt.digest_weekday, buurt.digest_minute = moment.weekday, moment.minute
    await audit.record(
        session,
        actor=actor.telegram_user_id,
        action=MOMENT,
        buurt_id=buurt_id,
        target=f"{moment.weekday}:{moment.minute}",
        now=now,
    )
    return buurt
