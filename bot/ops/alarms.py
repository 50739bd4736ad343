"""The watchdog's memory: which alarms the operators were told about, shared by every instance.

One row per thing watched. Raising and clearing are each one conditional statement, so of several
instances (or a restarted one) that find the same trouble exactly one raises it, and exactly one clears
it; the messages to the operators are queued in that same transaction, with dedupe keys that carry the
raise's number (its episode) as a second guard. An alarm clears only after a while of being well
(`CLEAR_AFTER`), so that something hovering at the edge does not bring a message every minute.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Member, WatchdogAlarm
from bot.db.upsert import insert_ignoring_duplicates
from bot.delivery import outbox
from bot.delivery.outbox import Priority
from bot.ops import alarm_messages

RAISED, CLEAR = "raised", "clear"
CLEAR_AFTER = timedelta(minutes=2)
DEDUPE_PREFIX = "watchdog:"


async def raise_alarm(
    session: AsyncSession,
    kind: str,
    *,
    now: datetime,
    operators: Collection[int],
    default_language: str,
    detail: alarm_messages.Detail,
) -> int | None:
    """Raise `kind` unless it is raised already; returns the episode when this call raised it (then the
    operators' messages are queued), None when it was raised before (then it stays raised)."""
    fresh = {
        "kind": kind,
        "state": RAISED,
        "episode": 1,
        "raised_at": now,
        "cleared_at": None,
        "ok_since": None,
    }
    if await insert_ignoring_duplicates(session, WatchdogAlarm, [fresh]):
        episode: int | None = 1
    else:
        episode = await session.scalar(
            update(WatchdogAlarm)
            .where(WatchdogAlarm.kind == kind, WatchdogAlarm.state == CLEAR)
            .values(
                state=RAISED, episode=WatchdogAlarm.episode + 1, raised_at=now, cleared_at=None, ok_since=None
            )
            .returning(WatchdogAlarm.episode)
        )
    if episode is None:
        await still_in_trouble(session, kind)
        return None
    await _tell_operators(session, kind, episode, "raised", now, operators, default_language, detail)
    return episode


async def still_in_trouble(session: AsyncSession, kind: str) -> None:
    """Not well: an alarm that is raised waits for a whole CLEAR_AFTER of being well from now on."""
    await session.execute(
        update(WatchdogAlarm)
        .where(WatchdogAlarm.kind == kind, WatchdogAlarm.state == RAISED, WatchdogAlarm.ok_since.is_not(None))
        .values(ok_since=None)
    )


async def all_well(
    session: AsyncSession,
    kind: str,
    *,
    now: datetime,
    operators: Collection[int],
    default_language: str,
) -> int | None:
    """`kind` looks well. A raised alarm clears once it has looked well for CLEAR_AFTER; returns the
    episode when this call cleared it (the all-clear is queued), else None."""
    await session.execute(
        update(WatchdogAlarm)
        .where(WatchdogAlarm.kind == kind, WatchdogAlarm.state == RAISED, WatchdogAlarm.ok_since.is_(None))
        .values(ok_since=now)
    )
    episode: int | None = await session.scalar(
        update(WatchdogAlarm)
        .where(
            WatchdogAlarm.kind == kind,
            WatchdogAlarm.state == RAISED,
            WatchdogAlarm.ok_since <= now - CLEAR_AFTER,
        )
        .values(state=CLEAR, cleared_at=now, ok_since=None)
        .returning(WatchdogAlarm.episode)
    )
    if episode is None:
        return None
    await _tell_operators(session, kind, episode, "cleared", now, operators, default_language, None)
    return episode


async def raised(session: AsyncSession) -> list[str]:
    return list[str](
        await session.scalars(
            select(WatchdogAlarm.kind).where(WatchdogAlarm.state == RAISED).order_by(WatchdogAlarm.kind)
        )
    )


async def _tell_operators(
    session: AsyncSession,
    kind: str,
    episode: int,
    change: str,
    now: datetime,
    operators: Collection[int],
    default_language: str,
    detail: alarm_messages.Detail | None,
) -> None:
    if not operators:
        return
    rows = await session.execute(
        select(Member.telegram_user_id, Member.language).where(Member.telegram_user_id.in_(list(operators)))
    )
    languages = {int(user_id): str(language) for user_id, language in rows.all()}
    for operator in sorted(operators):
        language = languages.get(operator, default_language)
        if change == "raised" and detail is not None:
            payload = alarm_messages.raised(language, kind, detail)
        else:
            payload = alarm_messages.cleared(language, kind)
        # Ahead of everything else: when the outbox is crowded, this is what the operators need first.
        await outbox.enqueue(
            session,
            chat_id=operator,
            now=now,
            payload=payload,
            priority=Priority.ANSWER,
            dedupe_key=f"{DEDUPE_PREFIX}{kind}:{episode}:{change}:{operator}",
        )
