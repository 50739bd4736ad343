"""Buurt groups: a Telegram group linked to a buurt by one of its coordinators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Buurt, BuurtGroup
from bot.services.common import audit
from bot.services.people.authority import Actor, NotAllowed, check_manages, managed_buurten

LINK, UNLINK, REMOVED = "group.link", "group.unlink", "group.removed"


class NotLinked(LookupError):
    """The group is not linked to any buurt."""


async def linkable_buurten(session: AsyncSession, actor: Actor) -> list[Buurt]:
    """The buurten this person may link a group to; none for a resident (they are refused kindly)."""
    return await managed_buurten(session, actor)


async def linked_buurt(session: AsyncSession, chat_id: int) -> Buurt | None:
    return await session.scalar(
        select(Buurt).join(BuurtGroup, BuurtGroup.buurt_id == Buurt.id).where(BuurtGroup.chat_id == chat_id)
    )


async def link(
    session: AsyncSession, actor: Actor, chat_id: int, buurt_id: int, *, language: str, now: datetime
) -> Buurt:
    """Link the group to the buurt (a group linked elsewhere before moves along). Returns the buurt."""
    buurt = await check_manages(session, actor, buurt_id)
    group = await session.get(BuurtGroup, chat_id, with_for_update=True)
    if group is None:
        session.add(BuurtGroup(chat_id=chat_id, buurt_id=buurt_id, language=language, linked_at=now))
    else:
        # Moving a group away from a buurt takes the right to manage that buurt too.
        await check_manages(session, actor, group.buurt_id)
        group.buurt_id, group.language, group.linked_at = buurt_id, language, now
    await audit.record(
        session,
        actor=actor.telegram_user_id,
        action=LINK,
        buurt_id=buurt_id,
        target=f"chat:{chat_id}",
        now=now,
    )
    return buurt


async def unlink(session: AsyncSession, actor: Actor, chat_id: int, *, now: datetime) -> Buurt:
    """Unlink by a coordinator of the linked buurt; NotLinked when there is no link."""
    group = await session.get(BuurtGroup, chat_id, with_for_update=True)
    if group is None:
        if not actor.is_operator and not await managed_buurten(session, actor):
            raise NotAllowed
        raise NotLinked(chat_id)
    buurt = await check_manages(session, actor, group.buurt_id)
    await session.delete(group)
    await audit.record(
        session,
        actor=actor.telegram_user_id,
        action=UNLINK,
        buurt_id=buurt.id,
        target=f"chat:{chat_id}",
        now=now,
    )
    return buurt


async def bot_removed(session: AsyncSession, chat_id: int, *, by: int | None, now: datetime) -> bool:
    """Someone removed the bot from the group: the link goes too. True when there was one."""
    group = await session.get(BuurtGroup, chat_id, with_for_update=True)
    if group is None:
        return False
    await session.delete(group)
    await audit.record(
        session, actor=by, action=REMOVED, buurt_id=group.buurt_id, target=f"chat:{chat_id}", now=now
    )
    return True


async def follow_migration(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> None:
    """A group that became a supergroup keeps its link, under its new chat id."""
    group = await session.get(BuurtGroup, old_chat_id, with_for_update=True)
    if group is None or await session.get(BuurtGroup, new_chat_id) is not None:
        return
    session.add(
        BuurtGroup(
            chat_id=new_chat_id, buurt_id=group.buurt_id, language=group.language, linked_at=group.linked_at
        )
    )
    await session.delete(group)


async def groups_of(session: AsyncSession, buurt_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(BuurtGroup.chat_id).where(BuurtGroup.buurt_id == buurt_id).order_by(BuurtGroup.chat_id)
        )
    )
