"""Telegram tells us when someone blocks the bot, and when a group becomes a supergroup."""

from __future__ import annotations

from telegram import Chat, ChatMember, Update

from bot.context import BotContext
from bot.delivery import chats, outbox
from bot.services.coordination import groups

GONE = {ChatMember.BANNED, ChatMember.LEFT}


async def membership_changed(update: Update, context: BotContext) -> None:
    change = update.my_chat_member
    if change is None:
        return
    chat_id = change.chat.id
    async with context.unit_of_work() as session:
        if change.new_chat_member.status in GONE:
            await outbox.mark_chat_unreachable(
                session, chat_id, now=context.deps.clock.now(), error="the bot was blocked or removed"
            )
            if change.chat.type in (Chat.GROUP, Chat.SUPERGROUP):
                # Removed from a buurt group: the link goes too.
                await groups.bot_removed(
                    session, chat_id, by=change.from_user.id, now=context.deps.clock.now()
                )
        else:
            await chats.mark_reachable(session, [chat_id])


async def group_migrated(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    async with context.unit_of_work() as session:
        await outbox.follow_migration(session, message.chat.id, message.migrate_to_chat_id)
        await groups.follow_migration(session, message.chat.id, message.migrate_to_chat_id)
