"""What every admin command shares: who asks, private chats only, a kind refusal, choosing a buurt."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from bot.handlers import keyboards
from bot.handlers.context import BotContext
from bot.handlers.replies import answer
from bot.services import authority
from bot.services.authority import Actor

# Telegram refuses a keyboard of more than 100 buttons. (Paging through more buurten is still to do.)
MAX_BUTTONS = 90


def actor(update: Update, context: BotContext) -> Actor:
    assert update.effective_user is not None
    return Actor(update.effective_user.id, context.deps.settings.admin_ids)


async def in_private(update: Update, context: BotContext) -> bool:
    """Admin work shows names: only in a private chat. In a group, point there instead."""
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE and update.effective_user is not None:
        return True
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            context.t("Please send this command to me in a private chat.")
        )
    return False


async def refuse(update: Update, context: BotContext) -> None:
    """Checked on the server: a forwarded, old or forged button changes nothing."""
    text = context.t("Sorry, only a coordinator of this buurt can do this.")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await answer(update, text)


async def refuse_operators_only(update: Update, context: BotContext) -> None:
    text = context.t("Sorry, only the operators of Buurtbot can do this.")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await answer(update, text)


async def choose_buurt(update: Update, context: BotContext, prefix: str) -> int | None:
    """The buurt this command is about: the caller's only one, or (None) a question with a button each.

    A resident hears kindly that this is for coordinators.
    """
    async with context.db.begin() as session:
        managed = await authority.managed_buurten(session, actor(update, context))
    if not managed:
        await answer(
            update, context.t("This is for coordinators of a buurt. Ask your coordinator if you need help.")
        )
        return None
    if len(managed) == 1:
        return managed[0].id
    await answer(
        update,
        context.t("Which buurt?"),
        keyboards.buttons([[(buurt.name, f"{prefix}{buurt.id}")] for buurt in managed[:MAX_BUTTONS]]),
    )
    return None


def number_after(data: str, prefix: str) -> int | None:
    """The id in callback data like "inv:x:12"; None when it is not there (an old or forged button)."""
    tail = data.removeprefix(prefix)
    return int(tail) if data.startswith(prefix) and tail.lstrip("-").isdigit() else None
