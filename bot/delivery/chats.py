"""What delivery learns about chats: blocked by the person, or a group that became a supergroup."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import TelegramChat


async def _chat(session: AsyncSession, chat_id: int) -> TelegramChat:
    chat = await session.get(TelegramChat, chat_id, with_for_update=True)
    if chat is None:
        chat = TelegramChat(chat_id=chat_id)
        session.add(chat)
    return chat


async def mark_unreachable(session: AsyncSession, chat_id: int, now: datetime) -> None:
    chat = await _chat(session, chat_id)
    if chat.unreachable_since is None:
        chat.unreachable_since = now


async def mark_reachable(session: AsyncSession, chat_ids: Collection[int]) -> None:
    """Someone who writes to us again can be reached again."""
    if chat_ids:
        await session.execute(
            update(TelegramChat)
            .where(TelegramChat.chat_id.in_(list(chat_ids)), TelegramChat.unreachable_since.is_not(None))
            .values(unreachable_since=None)
        )


async def is_unreachable(session: AsyncSession, chat_id: int) -> bool:
    since = await session.scalar(
        select(TelegramChat.unreachable_since).where(TelegramChat.chat_id == chat_id)
    )
    return since is not None


async def record_migration(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> None:
    chat = await _chat(session, old_chat_id)
    chat.migrated_to_chat_id = new_chat_id


async def current_chat_id(session: AsyncSession, chat_id: int) -> int:
    """Follow group-to-supergroup migrations (a chain is possible in theory; stop after a few hops)."""
    for _ in range(5):
        moved = await session.scalar(
            select(TelegramChat.migrated_to_chat_id).where(TelegramChat.chat_id == chat_id)
        )
        if moved is None:
            return chat_id
        chat_id = moved
    return chat_id
