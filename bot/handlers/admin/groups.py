"""/koppel and /ontkoppel in a buurt's Telegram group. In a group the bot shows no personal data."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.context import BotContext
from bot.handlers.admin.common import actor, ask_buurt, number_after
from bot.handlers.group_chat import GROUP_BUTTONS, GROUP_TYPES, private_chat_button
from bot.handlers.replies import answer, popup
from bot.services.coordination import groups
from bot.services.people.authority import NotAllowed, UnknownBuurt

CALLBACK_PATTERN = rf"^{GROUP_BUTTONS}"
LINK = f"{GROUP_BUTTONS}k:"


def _in_group(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type in GROUP_TYPES


async def link(update: Update, context: BotContext) -> None:
    """/koppel, sent in the group by a coordinator of the buurt."""
    if update.effective_user is None or update.effective_chat is None:
        return
    if not _in_group(update):
        await answer(update, context.t("Add me to your buurt's Telegram group, then send /koppel there."))
        return
    async with context.db.begin() as session:
        buurten = await groups.linkable_buurten(session, actor(update, context))
    if not buurten:
        await _refuse(update, context)
        return
    if len(buurten) > 1:
        # A page at a time; admin_common.QUESTIONS words the question for a group.
        await ask_buurt(update, context, LINK)
        return
    await _link(update, context, buurten[0].id)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    buurt_id = number_after(query.data, LINK)
    if buurt_id is None or not _in_group(update):
        await answer(update, context.t("That button no longer works. Send /koppel to start again."))
        return
    await _link(update, context, buurt_id)


async def _link(update: Update, context: BotContext, buurt_id: int) -> None:
    assert update.effective_chat is not None
    try:
        async with context.unit_of_work() as session:
            buurt = await groups.link(
                session,
                actor(update, context),
                update.effective_chat.id,
                buurt_id,
                language=context.language or context.deps.settings.default_language,
                now=context.deps.clock.now(),
            )
    except (NotAllowed, UnknownBuurt):
        await _refuse(update, context)
        return
    text = context.t(
        "✅ This group is now linked to {buurt}.\nFor anything personal, talk to me in a private chat."
    ).format(buurt=escape(buurt.name))
    await answer(update, text, private_chat_button(context))


async def unlink(update: Update, context: BotContext) -> None:
    """/ontkoppel, in the group."""
    if update.effective_user is None or update.effective_chat is None:
        return
    if not _in_group(update):
        await answer(update, context.t("Send /ontkoppel in the group you want to unlink."))
        return
    try:
        async with context.unit_of_work() as session:
            buurt = await groups.unlink(
                session, actor(update, context), update.effective_chat.id, now=context.deps.clock.now()
            )
    except NotAllowed:
        await _refuse(update, context)
        return
    except groups.NotLinked:
        await answer(update, context.t("This group is not linked to a buurt."))
        return
    await answer(
        update, context.t("This group is no longer linked to {buurt}.").format(buurt=escape(buurt.name))
    )


async def _refuse(update: Update, context: BotContext) -> None:
    text = context.t("Sorry, only a coordinator of the buurt can do this. Ask your coordinator.")
    await popup(update, text)
