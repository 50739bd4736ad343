"""/omroep: a coordinator writes one message to all members of the buurt, sees it first, then sends it."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.context import BotContext
from bot.handlers.admin.common import actor, choose_buurt, in_private, number_after, refuse
from bot.handlers.replies import answer
from bot.services.common import conversations
from bot.services.coordination import broadcasts
from bot.services.people.authority import NotAllowed, UnknownBuurt

CALLBACK_PATTERN = r"^omr:"
BUURT, SEND, CANCEL = "omr:b:", "omr:ja", "omr:nee"


async def start(update: Update, context: BotContext) -> None:
    """/omroep"""
    if not await in_private(update, context):
        return
    buurt_id = await choose_buurt(update, context, BUURT)
    if buurt_id is not None:
        await _ask_text(update, context, buurt_id)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    try:
        if (buurt_id := number_after(query.data, BUURT)) is not None:
            await _ask_text(update, context, buurt_id)
        elif query.data == SEND:
            await _send(update, context)
        elif query.data == CANCEL:
            async with context.unit_of_work() as session:
                await conversations.end(session, update.effective_user.id)
            await answer(update, context.t("Okay, nothing was sent."))
        else:
            await answer(update, context.t("That button no longer works. Send /omroep to start again."))
    except (NotAllowed, UnknownBuurt):
        await refuse(update, context)


async def _ask_text(update: Update, context: BotContext, buurt_id: int) -> None:
    async with context.unit_of_work() as session:
        name = await broadcasts.begin(session, actor(update, context), buurt_id, now=context.deps.clock.now())
    await answer(
        update,
        context.t(
            "Type your message for everyone in {buurt}. You will see it before it is sent.\n"
            "Or send /stop to stop."
        ).format(buurt=escape(name)),
    )


async def _send(update: Update, context: BotContext) -> None:
    try:
        async with context.unit_of_work() as session:
            sent = await broadcasts.confirm(session, actor(update, context), now=context.deps.clock.now())
    except broadcasts.NothingToSend:
        await answer(
            update, context.t("This message was already sent, or stopped. Send /omroep for a new one.")
        )
        return
    await answer(
        update,
        context.t(
            "📢 On its way to {count} members. I will tell you when everyone has it.\n"
            "Members on a break do not get it: {skipped}."
        ).format(count=sent.queued, skipped=sent.skipped),
    )
