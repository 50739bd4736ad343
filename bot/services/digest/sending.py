"""The weekly digest for linked groups and for members who chose it: when it is due, sending it exactly
once, a preview, its moment.

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

from bot.db.models import Buurt, BuurtGroup, Member
from bot.delivery import outbox
from bot.delivery.outbox import Priority
from bot.i18n import translator
from bot.services.common import audit, bot_facts
from bot.services.digest.content import Contents, gather, render
from bot.services.people import membership
from bot.services.people.authority import Actor, check_manages

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


@dataclass
class Sent:
    groups: int = 0
    members: int = 0
    more: bool = False  # a batch was full: ask again


async def send_due(session: AsyncSession, *, now: datetime, zone: tzinfo) -> Sent:
    """Queue the digests whose moment has come today: up to BATCH groups and BATCH members."""
    current, week = local_moment(now, zone)
    moment_has_come = (Buurt.digest_weekday == current.weekday, Buurt.digest_minute <= current.minute)
    groups = (
        await session.execute(
            select(BuurtGroup.chat_id, BuurtGroup.language, Buurt)
            .join(Buurt, Buurt.id == BuurtGroup.buurt_id)
            .where(
                *moment_has_come,
                or_(BuurtGroup.digest_week.is_(None), BuurtGroup.digest_week != week),
            )
            .order_by(BuurtGroup.buurt_id, BuurtGroup.chat_id)
            .limit(BATCH)
        )
    ).all()
    # Members on a break get nothing, and are not claimed: back the same day, they still get it.
    members = (
        await session.execute(
            select(Member.id, Member.telegram_user_id, Member.language, Buurt)
            .join(Buurt, Buurt.id == Member.buurt_id)
            .where(
                *moment_has_come,
                Member.weekly_digest.is_(True),
                Member.membership == membership.ACTIVE,
                or_(Member.paused_since.is_(None), Member.paused_until <= now),
                or_(Member.digest_week.is_(None), Member.digest_week != week),
            )
            .order_by(Member.buurt_id, Member.id)
            .limit(BATCH)
        )
    ).all()
    sent = Sent(more=len(groups) == BATCH or len(members) == BATCH)
    username = await bot_facts.recall(session, bot_facts.USERNAME)
    contents: dict[int, Contents] = {}
    rendered: dict[tuple[int, str], list[dict[str, Any]]] = {}

    async def payloads(buurt: Buurt, language: str) -> list[dict[str, Any]]:
        if buurt.id not in contents:
            contents[buurt.id] = await gather(session, buurt, now=now)
        if (buurt.id, language) not in rendered:
            t = translator(language)
            rendered[buurt.id, language] = render(contents[buurt.id], t, zone=zone, bot_username=username)
        return rendered[buurt.id, language]

    ours = await _claim(session, BuurtGroup.chat_id, [chat_id for chat_id, _, _ in groups], week)
    for chat_id, language, buurt in groups:
        if chat_id in ours:  # else another sweep was first
            await _enqueue(session, chat_id, await payloads(buurt, language), now=now, week=week)
            sent.groups += 1
    ours = await _claim(session, Member.id, [member_id for member_id, _, _, _ in members], week)
    for member_id, telegram_user_id, language, buurt in members:
        if member_id in ours:
            await _enqueue(session, telegram_user_id, await payloads(buurt, language), now=now, week=week)
            sent.members += 1
    return sent


async def _claim(session: AsyncSession, key: Any, keys: list[int], week: str) -> set[int]:
    """Mark this week's digest as ours, in one statement; returns the keys that were not claimed before."""
    if not keys:
        return set()
    model = key.class_
    result = await session.execute(
        update(model)
        .where(key.in_(keys), or_(model.digest_week.is_(None), model.digest_week != week))
        .values(digest_week=week)
        .returning(key)
        .execution_options(synchronize_session=False)
    )
    return set(result.scalars().all())


async def _enqueue(
    session: AsyncSession, chat_id: int, payloads: list[dict[str, Any]], *, now: datetime, week: str
) -> None:
    key = f"digest:{chat_id}:{week}"
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


async def personal(
    session: AsyncSession, telegram_user_id: int, *, on: bool | None = None
) -> tuple[bool, Moment]:
    """/weekbericht: whether the member gets the digest in their private chat (`on` changes it), and when.

    UnknownMember for someone who is not (yet) a member of a buurt.
    """
    member = await membership.find(session, telegram_user_id)
    buurt = await session.get(Buurt, member.buurt_id) if member and member.buurt_id is not None else None
    if member is None or buurt is None or member.membership != membership.ACTIVE:
        raise membership.UnknownMember(telegram_user_id)
    if on is not None:
        member.weekly_digest = on
    return member.weekly_digest, Moment(buurt.digest_weekday, buurt.digest_minute)
